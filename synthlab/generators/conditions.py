"""Conditional sampling and rebalancing for any fitted generator.

``sample_conditions`` makes rows in which chosen columns take fixed values ("500 rows of women over
a given date"); ``rebalance`` boosts a rare class or group to a chosen share of the rows. SDV
generators use SDV's ``sample_from_conditions`` (the Gaussian copula conditions exactly; the
others reject internally); every other generator, or an SDV call that fails, falls back to
rejection sampling here: oversampled batches, matching rows kept, a bounded number of rounds,
then a clear :class:`GeneratorError` when the combination is too rare. Numbers match within 1 %
(SDV's tolerance) and are then set exactly; dates match within half a day. Deterministic per seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import GeneratorError
from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Kind, Schema

_FLOAT_RTOL = 0.01
_MAX_BATCH = 200_000


def sample_conditions(generator: Generator, n: int, seed: int, fixed: dict[str, Any], max_rounds: int = 20,
                      on_progress: ProgressCallback | None = None) -> pd.DataFrame:
    """``n`` complete synthetic rows in which each column of ``fixed`` has its fixed value."""
    schema = _schema(generator)
    n = _count(n)
    fixed = normalise_fixed(fixed, schema, generator)
    rows = conditional_learned(generator, n, seed, fixed, max_rounds, on_progress)
    return generator.complete(rows, seed)


def rebalance(generator: Generator, n: int, seed: int, column: str, value: Any, share: float,
              max_rounds: int = 20, on_progress: ProgressCallback | None = None) -> pd.DataFrame:
    """``n`` rows of which ``share`` have ``column == value`` (a rare class boosted, or any share);
    the other rows are ordinary synthetic rows with a different value."""
    schema = _schema(generator)
    n = _count(n)
    try:
        share = float(share)
    except (TypeError, ValueError):
        raise GeneratorError("The share to rebalance to must be a number between 0 and 1.") from None
    if not 0.0 <= share <= 1.0:
        raise GeneratorError("The share to rebalance to must be between 0 and 1.")
    fixed = normalise_fixed({column: value}, schema, generator)
    k = round(share * n)
    parts = []
    if k:
        parts.append(conditional_learned(generator, k, seed, fixed, max_rounds, on_progress))
    if n - k:
        match = _matcher(fixed, schema)
        parts.append(_rejection(generator, n - k, _sub_seed(seed, 1), lambda df: ~match(df), max_rounds,
                                f"{column} other than {value!r}", None))
    rows = pd.concat(parts, ignore_index=True)
    order = np.random.default_rng([int(seed), 2]).permutation(len(rows))
    return generator.complete(rows.iloc[order].reset_index(drop=True), seed)


# ----- internals -----------------------------------------------------------------------------
def normalise_fixed(fixed: dict[str, Any], schema: Schema, generator: Generator | None = None) -> dict[str, Any]:
    """Fixed values in their column's working type; GeneratorError for unknown or unlearned columns
    and for category labels the real data never had."""
    if not fixed:
        raise GeneratorError("Choose at least one column and value to fix.")
    out = {}
    for col, value in fixed.items():
        if col not in schema.names:
            raise GeneratorError(f"There is no column named '{col}'.")
        kind = schema[col].kind
        if kind not in (Kind.NUMERICAL, Kind.CATEGORICAL, Kind.BOOLEAN, Kind.DATETIME):
            raise GeneratorError(f"'{col}' is regenerated (ID or personal data), so its value cannot be fixed.")
        if value is None or (isinstance(value, float) and np.isnan(value)):
            raise GeneratorError(f"Give a value for '{col}' (missing values cannot be fixed).")
        try:
            if kind == Kind.NUMERICAL:
                value = float(value)
            elif kind == Kind.BOOLEAN:
                text = str(value).strip().lower()
                if text not in {"true", "false", "1", "0", "yes", "no", "1.0", "0.0"}:
                    raise ValueError
                value = text in {"true", "1", "yes", "1.0"}
            elif kind == Kind.DATETIME:
                value = pd.Timestamp(value)
            else:
                value = str(value)
        except (TypeError, ValueError):
            raise GeneratorError(f"'{value}' is not a valid value for '{col}' ({kind.value}).") from None
        known = getattr(generator, "categories_", {}).get(col)
        if kind == Kind.CATEGORICAL and known is not None and value not in known:
            examples = ", ".join(sorted(map(str, known))[:10])
            raise GeneratorError(f"'{value}' never occurs in '{col}' in the real data. Values: {examples}.")
        out[col] = value
    return out


def conditional_learned(generator: Generator, n: int, seed: int, fixed: dict[str, Any], max_rounds: int = 20,
                        on_progress: ProgressCallback | None = None) -> pd.DataFrame:
    """Learned columns of ``n`` rows matching ``fixed`` (already normalised)."""
    from synthlab.generators._sdv_common import SdvGenerator

    schema = _schema(generator)
    if isinstance(generator, SdvGenerator) and generator.conditions_native({c: schema[c].kind for c in fixed}):
        try:
            rows = generator.finish_learned(generator.sample_conditions_learned(n, seed, fixed))
            if len(rows) == n and bool(_matcher(fixed, schema)(rows).all()):
                return _set_exact(rows, fixed)
        except GeneratorError:
            pass  # SDV could not condition on this: fall back to rejection below
    label = ", ".join(f"{c} = {v!r}" for c, v in fixed.items())
    return _set_exact(_rejection(generator, n, seed, _matcher(fixed, schema), max_rounds, label, on_progress), fixed)


def _rejection(generator: Generator, n: int, seed: int, keep: Callable[[pd.DataFrame], pd.Series],
               max_rounds: int, label: str, on_progress: ProgressCallback | None) -> pd.DataFrame:
    kept, have, drawn, rate = [], 0, 0, 1.0
    for round_ in range(max_rounds):
        want = n - have
        batch_n = int(min(max(want / max(rate, 0.001) * 1.2 + 16, want), _MAX_BATCH))
        batch = generator.sample_learned(batch_n, _sub_seed(seed, 10 + round_))
        ok = np.asarray(keep(batch), dtype=bool)
        kept.append(batch[ok])
        have += int(ok.sum())
        drawn += batch_n
        rate = max(have / drawn, 1e-6)
        report(on_progress, min(have / n, 1.0), f"{min(have, n):,} of {n:,} rows with {label}")
        if have >= n:
            return pd.concat(kept, ignore_index=True).head(n)
    raise GeneratorError(
        f"Only {have:,} of {n:,} rows with {label} after drawing {drawn:,} rows: this combination is too "
        "rare for this generator (or does not occur in the real data). Try fewer fixed columns or another value."
    )


def _matcher(fixed: dict[str, Any], schema: Schema) -> Callable[[pd.DataFrame], pd.Series]:
    def match(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for col, value in fixed.items():
            s = df[col]
            kind = schema[col].kind
            if kind == Kind.NUMERICAL:
                x = pd.to_numeric(s, errors="coerce").astype(float)
                hit = (x - value).abs() <= 1e-9 + _FLOAT_RTOL * abs(value)
            elif kind == Kind.DATETIME:
                hit = (pd.to_datetime(s, errors="coerce") - value).abs() <= pd.Timedelta(hours=12)
            elif kind == Kind.BOOLEAN:
                hit = s.astype("boolean") == value
            else:
                hit = s.astype(object) == value
            ok &= hit.fillna(False).astype(bool).to_numpy()
        return ok

    return match


def _set_exact(rows: pd.DataFrame, fixed: dict[str, Any]) -> pd.DataFrame:
    out = rows.reset_index(drop=True).copy()
    for col, value in fixed.items():
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = pd.Series([value] * len(out), dtype=out[col].dtype)
        elif str(out[col].dtype) == "boolean":
            out[col] = pd.array([value] * len(out), dtype="boolean")
        else:
            out[col] = pd.Series([value] * len(out), dtype=out[col].dtype)
    return out


def _schema(generator: Generator) -> Schema:
    if generator.schema_ is None:
        raise GeneratorError("Fit the generator before sampling.")
    return generator.schema_


def _count(n: Any) -> int:
    n = int(n)
    if n < 1:
        raise GeneratorError("The number of rows to sample must be at least 1.")
    return n


def _sub_seed(seed: int, k: int) -> int:
    return int(np.random.SeedSequence([int(seed), k]).generate_state(1)[0])
