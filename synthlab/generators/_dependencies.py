"""Category columns that fix other category columns: a country its continent, a code its name.

Trees draw each column given the ones before it, but with leaves of several rows (and the rare levels
of a column pooled into one code, see :class:`~._trees.ColumnCodec`) a synthetic row can pair a
country with the wrong continent or ISO code. Where the training rows show an exact functional
dependency A -> B (every value of A goes with one value of B), the synthetic rows keep it:

* while drawing, a dependent column drawn after its determinant takes the value the determinant's
  code fixes (the columns drawn later then see a consistent pair);
* when decoding, columns are decoded coarsest first; a determinant's pooled rare code is decoded to
  one of its rare values that agrees with the dependents already decoded (a rare country on the
  continent the row was drawn with), and every dependent is finally set from its determinant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthlab.generators._trees import SPLIT_ALPHA, ColumnCodec, _category_keys

_FIRST_LOOK = 2_000  # rows a pair is checked on before all rows


@dataclass
class Dependency:
    """Column ``dependent`` is fixed by column ``determinant`` (positions in the codec list)."""

    determinant: int
    dependent: int
    values: dict  # determinant value -> dependent value (missing: None)
    codes: np.ndarray  # determinant code -> dependent code; -1 for the rare code (drawn apart)


def find_dependencies(data: pd.DataFrame, codecs: list[ColumnCodec], columns: list[int]) -> list[Dependency]:
    """Exact dependencies A -> B among the category columns at ``columns``: A has at least three
    values and at least as many as B, its values hold two rows each on average (a near-unique column
    fixes everything by chance), each of them goes with a single value of B in every row, and chance
    alone would make it so with probability below :data:`~._trees.SPLIT_ALPHA` (a rare flag on a
    column of small groups is not a rule)."""
    keys = {j: _category_keys(data[codecs[j].name], codecs[j].source) for j in columns}
    codes = {j: pd.factorize(keys[j], use_na_sentinel=False)[0] for j in columns}
    levels = {j: int(codes[j].max()) + 1 if len(codes[j]) else 0 for j in columns}
    head = slice(0, _FIRST_LOOK)
    out = []
    for a in columns:
        if levels[a] < 3 or len(data) < 2 * levels[a]:
            continue
        for b in columns:
            if b == a or not 2 <= levels[b] <= levels[a]:
                continue
            # most pairs fail on the first rows already (a cheap look before the full one)
            if not (_fixes(codes[a][head], codes[b][head], levels[b]) and _fixes(codes[a], codes[b], levels[b])):
                continue
            if _log_chance(codes[a], codes[b]) >= np.log(SPLIT_ALPHA):
                continue
            values = dict(zip(keys[a], keys[b], strict=True))
            out.append(Dependency(a, b, values, _code_map(codecs[a], codecs[b], values)))
    return out


def _fixes(a: np.ndarray, b: np.ndarray, b_levels: int) -> bool:
    """Every code of ``a`` goes with one code of ``b`` (distinct pairs = distinct codes of ``a``)."""
    return np.unique(a.astype(np.int64) * b_levels + b).size == np.unique(a).size


def _log_chance(a: np.ndarray, b: np.ndarray) -> float:
    """Log-probability that every value of ``a`` has a single value of ``b`` if ``b`` were drawn
    independently from its frequencies: the product over values of A (held by k rows) of the sum
    over values of B of share ** k."""
    share = np.bincount(b) / len(b)
    sizes, times = np.unique(np.bincount(a), return_counts=True)
    same = np.array([np.sum(share ** k) for k in sizes])
    return float(np.sum(times * np.log(np.maximum(same, 1e-300))))


def _code_map(a: ColumnCodec, b: ColumnCodec, values: dict) -> np.ndarray:
    """Per code of A, the code of B its value fixes (-1 for A's rare code: its rows are drawn apart)."""
    b_codes = {v: k for k, v in enumerate(b.classes) if v != "<rare>"}
    out = np.full(a.n_codes, -1, dtype=np.int64)
    for code, value in enumerate(a.classes):
        if code == a.rare_code:
            continue
        fixed = values.get(value)
        out[code] = b_codes.get(fixed, b.rare_code if b.rare_code is not None else -1)
    return out


def follow(z: np.ndarray, j: int, dependencies: list[Dependency]) -> None:
    """After column ``j`` is drawn: set it from a determinant drawn before it, where that one's code
    fixes it (in place)."""
    for d in dependencies:
        if d.dependent == j and d.determinant < j:
            fixed = d.codes[z[:, d.determinant].astype(np.int64)]  # category codes: never missing
            take = fixed >= 0
            z[take, j] = fixed[take]


def decode(codecs: list[ColumnCodec], z: np.ndarray, dependencies: list[Dependency], order: list[int],
           rng: np.random.Generator) -> dict[str, pd.Series]:
    """Every column decoded (see :meth:`ColumnCodec.decode`), in ``order`` (coarsest first), with the
    dependencies kept."""
    out: dict[int, pd.Series] = {}
    for j in order:
        codec = codecs[j]
        fixes = [d for d in dependencies if d.determinant == j and d.dependent in out]
        values = codec.decode(z[:, j], rng)
        if fixes and codec.rare_code is not None:
            rare = np.flatnonzero(z[:, j] == codec.rare_code)
            if len(rare):
                wanted = [_category_keys(out[d.dependent].iloc[rare], codecs[d.dependent].source) for d in fixes]
                agreeing = _agreeing_rare(codec, fixes, wanted, rng)
                found = agreeing != None  # noqa: E711 (element-wise on an object array)
                picked = values.to_numpy(dtype=object, copy=True)
                picked[rare[found]] = agreeing[found]
                values = _as_column(picked, codec)
        out[j] = values
        if not fixes:
            continue
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
        uniques = [None if _missing(u) else u for u in uniques]
        for d in fixes:
            fixed = out[d.dependent].to_numpy(dtype=object, copy=True)
            known = np.array([u in d.values for u in uniques], dtype=bool)[codes]
            fixed[known] = _objects([d.values.get(u) for u in uniques])[codes[known]]
            out[d.dependent] = _as_column(fixed, codecs[d.dependent])
    return {codecs[j].name: s for j, s in out.items()}


def _objects(values: list) -> np.ndarray:
    """A 1-D object array of ``values`` (never a 2-D one, whatever the values are)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


def _as_column(values: np.ndarray, codec: ColumnCodec) -> pd.Series:
    if codec.source == "boolean":
        return pd.Series(pd.array(values, dtype="boolean"), name=codec.name)
    return pd.Series(values, name=codec.name, dtype=object)


def _agreeing_rare(codec: ColumnCodec, fixes: list[Dependency], wanted: list[pd.Series],
                   rng: np.random.Generator) -> np.ndarray:
    """For each row, one of the column's rare values (by frequency) whose dependents equal the
    row's ``wanted`` values (as category keys); None where no rare value agrees."""
    cands = np.array(codec.rare_values, dtype=object)
    weights = np.diff(np.concatenate(([0.0], codec.rare_weights)))
    key_rows = np.zeros(len(wanted[0]), dtype=np.int64)
    key_cands = np.zeros(len(cands), dtype=np.int64)
    for d, want in zip(fixes, wanted, strict=True):
        fixed = pd.Series(_objects([d.values.get(v) for v in cands]), dtype=object)
        both = pd.concat([want.reset_index(drop=True), fixed], ignore_index=True)
        codes, uniques = pd.factorize(both, use_na_sentinel=False)
        key_rows = key_rows * len(uniques) + codes[: len(want)]
        key_cands = key_cands * len(uniques) + codes[len(want):]
    by_key = np.argsort(key_cands, kind="stable")
    sorted_keys = key_cands[by_key]
    lo = np.searchsorted(sorted_keys, key_rows, side="left")
    hi = np.searchsorted(sorted_keys, key_rows, side="right")
    out = np.full(len(key_rows), None, dtype=object)
    has = hi > lo
    if not has.any():
        return out
    cum = np.cumsum(weights[by_key])
    start = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    u = start + rng.random(len(key_rows)) * (cum[np.maximum(hi - 1, 0)] - start)
    pick = np.clip(np.searchsorted(cum, u, side="right"), lo, np.maximum(hi - 1, lo))
    out[has] = cands[by_key[pick[has]]]
    return out
