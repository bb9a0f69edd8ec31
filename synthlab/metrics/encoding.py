"""Shared array encodings of the learned columns, so every metric reads the same numbers.

A :class:`Codec` is fitted once on the frames being compared (train, synthetic, holdout): numbers and
dates become float arrays (dates as nanoseconds), categories and booleans become integer codes over
the union of the levels seen in any frame (-1 = missing), so "the same value" is the same code
everywhere. Metrics then work on :class:`Encoded` arrays and index them for subsamples instead of
re-encoding frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthlab.errors import SchemaError
from synthlab.schema import Kind, Schema, coerce_column

CONTINUOUS_KINDS = (Kind.NUMERICAL, Kind.DATETIME)
DISCRETE_KINDS = (Kind.CATEGORICAL, Kind.BOOLEAN)


def learned_columns(schema: Schema) -> list[str]:
    """The columns the metrics compare: the learned ones (ID/PII are regenerated fakes)."""
    return list(schema.learned)


def prepare(df: pd.DataFrame, schema: Schema, columns: list[str] | None = None, what: str = "data") -> pd.DataFrame:
    """The working frame of ``columns`` (default: learned) from a raw or working frame.

    Raises SchemaError naming the missing columns, so a user who passes the wrong file learns why.
    """
    columns = learned_columns(schema) if columns is None else list(columns)
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"The {what} must be a table.")
    present = {str(c) for c in df.columns}
    missing = [c for c in columns if c not in present]
    if missing:
        shown = ", ".join(f"'{c}'" for c in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise SchemaError(f"The {what} lacks the column(s) {shown} that the real data has.")
    frame = df.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return pd.DataFrame({c: _coerce(frame[c], schema[c]) for c in columns}, index=frame.index)


def _coerce(s: pd.Series, spec) -> pd.Series:
    """The working column; dates written in another format than the real data's are parsed anyway."""
    out = coerce_column(s, spec)
    if spec.kind == Kind.DATETIME and not pd.api.types.is_datetime64_any_dtype(s):
        known = s.notna().sum()
        if known and out.notna().sum() < 0.9 * known:
            for fmt in ("ISO8601", "mixed"):
                retry = pd.to_datetime(s.astype("string").str.strip(), format=fmt, errors="coerce")
                if getattr(retry.dt, "tz", None) is not None:
                    retry = retry.dt.tz_convert("UTC").dt.tz_localize(None)
                if retry.notna().sum() > out.notna().sum():
                    out = retry.astype("datetime64[ns]")
    return out


def continuous_values(s: pd.Series) -> np.ndarray:
    """Float values of a working-frame number or date column (dates as ns since epoch; NaN = missing)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
        out[s.isna().to_numpy()] = np.nan
        return out
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def text_values(s: pd.Series) -> pd.Series:
    """A discrete column as strings (booleans as 'True'/'False'), missing kept as <NA>."""
    return s.astype("string")


@dataclass
class Encoded:
    """One frame's learned columns as arrays: float per continuous column, int codes (-1 = missing) else."""

    arrays: dict[str, np.ndarray]
    n: int

    def __getitem__(self, column: str) -> np.ndarray:
        return self.arrays[column]

    def take(self, idx: np.ndarray) -> Encoded:
        return Encoded({c: a[idx] for c, a in self.arrays.items()}, len(idx))


@dataclass
class Codec:
    """How each compared column becomes an array; levels are shared by every frame encoded with it."""

    columns: list[str]
    continuous: dict[str, bool]
    levels: dict[str, list[str]]

    @classmethod
    def fit(cls, frames: list[pd.DataFrame], schema: Schema, columns: list[str] | None = None) -> Codec:
        """Levels are the union over ``frames``, ordered by frequency in the first frame (the reference)."""
        columns = learned_columns(schema) if columns is None else list(columns)
        continuous = {c: schema[c].kind in CONTINUOUS_KINDS for c in columns}
        levels: dict[str, list[str]] = {}
        for c in columns:
            if continuous[c]:
                continue
            counts = [text_values(f[c]).value_counts(dropna=True) for f in frames]
            first = list(counts[0].index)
            seen = set(first)
            rest: list[str] = []
            for vc in counts[1:]:
                for v in vc.index:
                    if v not in seen:
                        seen.add(v)
                        rest.append(v)
            levels[c] = [str(v) for v in first] + sorted(str(v) for v in rest)
        return cls(columns, continuous, levels)

    def n_levels(self, column: str) -> int:
        return len(self.levels[column])

    def encode(self, df: pd.DataFrame) -> Encoded:
        arrays: dict[str, np.ndarray] = {}
        for c in self.columns:
            if self.continuous[c]:
                arrays[c] = continuous_values(df[c])
            else:
                cat = pd.Categorical(text_values(df[c]), categories=self.levels[c])
                arrays[c] = np.asarray(cat.codes, dtype=np.int64)
        return Encoded(arrays, len(df))


def seeded_sample(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted row positions of a seeded sample without replacement (all rows when size >= n)."""
    if size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
