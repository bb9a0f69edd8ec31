"""Aggregates charts draw instead of raw rows: shared bin edges, shares, quantiles, subsamples.

Inputs can have a million rows; a browser cannot draw that many points and should not have to.
Every chart therefore plots bins, quantiles or a seeded subsample, computed here with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_POINTS = 5_000  # scatter points per side
ECDF_POINTS = 512  # quantile points per ECDF
MAX_BINS = 60  # histogram bins
TOP_CATEGORIES = 20  # categories shown by name; the rest are pooled into OTHER
OTHER = "(other)"
MISSING = "(missing)"

_NS_PER_DAY = 86_400 * 10**9


def is_datetime(s: pd.Series | np.ndarray) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s)


def as_numbers(s: pd.Series | np.ndarray, datetime: bool = False) -> np.ndarray:
    """Float values with NaN for missing; datetimes become nanoseconds since 1970."""
    if datetime and not is_datetime(s):
        s = pd.to_datetime(pd.Series(s), errors="coerce", format="mixed")
    if is_datetime(s):
        s = pd.Series(s)
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        ints = s.to_numpy("datetime64[ns]").view("int64")
        out = ints.astype("float64")
        out[ints == np.iinfo("int64").min] = np.nan  # NaT
        return out
    if isinstance(s, np.ndarray) and s.dtype.kind in "fiub":
        return s.astype("float64")
    s = pd.Series(s)
    if pd.api.types.is_bool_dtype(s):
        s = s.astype("Float64")
    elif not pd.api.types.is_numeric_dtype(s):
        s = pd.to_numeric(s, errors="coerce")
    return s.to_numpy(dtype="float64", na_value=np.nan)


def to_datetimes(values: np.ndarray) -> np.ndarray:
    """Inverse of :func:`as_numbers` for datetimes (nanoseconds -> datetime64[ns])."""
    return np.asarray(values, dtype="float64").round().astype("int64").view("datetime64[ns]")


def finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def numeric_edges(arrays: list[np.ndarray], max_bins: int = MAX_BINS) -> np.ndarray | None:
    """Bin edges shared by all arrays (None when none has a finite value).

    Freedman-Diaconis, clamped to 10..max_bins bins over the joint min..max so real and synthetic
    bars line up; whole numbers get whole-number widths centred on the values (one bin per value
    over a short range).
    """
    values = np.concatenate([finite(np.asarray(a, dtype="float64")) for a in arrays] or [np.empty(0)])
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return np.array([lo - 0.5, hi + 0.5])
    q1, q3 = np.percentile(values, [25, 75])
    width = 2 * (q3 - q1) / np.cbrt(values.size)
    bins = max_bins if width <= 0 else int(np.clip(np.ceil((hi - lo) / width), 10, max_bins))
    if np.all(values == np.round(values)):  # whole numbers: whole-number bin widths, no aliasing combs
        step = max(1, int(np.ceil((hi - lo + 1) / bins)))
        return lo - 0.5 + step * np.arange(int(np.ceil((hi - lo + 1) / step)) + 1)
    return np.linspace(lo, hi, bins + 1)


def shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of the finite values falling in each bin (sums to 1 unless there are none)."""
    vals = finite(values)
    counts = np.histogram(vals, bins=edges)[0]
    return counts / max(vals.size, 1)


def missing_share(s: pd.Series | np.ndarray) -> float:
    n = len(s)
    return float(pd.isna(s).sum() / n) if n else 0.0


def ecdf_points(values: np.ndarray, points: int = ECDF_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The empirical CDF at ``points`` evenly spaced probabilities (x = quantiles, y = probabilities)."""
    vals = finite(values)
    if vals.size == 0:
        return np.empty(0), np.empty(0)
    probs = np.linspace(0.0, 1.0, min(points, max(vals.size, 2)))
    return np.quantile(vals, probs), probs


def _as_labels(index: pd.Index) -> pd.Index:
    """Values as str labels; a no-op (C-speed check) for the usual all-strings column."""
    if index.inferred_type == "string":
        return index
    return pd.Index([str(v) for v in index], dtype=object)


@dataclass(frozen=True)
class Labelled:
    """A column factorised once: per-row codes (-1 = missing), a str label and row count per code."""

    codes: np.ndarray
    labels: pd.Index
    counts: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.codes)

    @property
    def missing(self) -> int:
        return self.rows - int(self.counts.sum())


def labelled(s: pd.Series) -> Labelled:
    codes, uniques = pd.factorize(pd.Series(s), use_na_sentinel=True)
    labels = _as_labels(pd.Index(uniques, dtype=object))
    return Labelled(codes, labels, np.bincount(codes[codes >= 0], minlength=len(labels)))


def _counts_of(side: Labelled, wanted: list[str]) -> np.ndarray:
    """Rows per wanted label, scanning the side's labels against a small hash of ``wanted``."""
    hits = np.flatnonzero(side.labels.isin(wanted))
    per = pd.Series(side.counts[hits], index=side.labels[hits]).groupby(level=0).sum()
    return per.reindex(wanted, fill_value=0).to_numpy(dtype="float64")


def category_shares(sides: list[pd.Series | Labelled], top: int = TOP_CATEGORIES) -> tuple[list[str], list[np.ndarray]]:
    """Display labels shared by all sides and each side's share of rows per label.

    Labels: the ``top`` largest by their largest share on any side (so categories a generator invents
    show too), then OTHER (the rest pooled) and MISSING when they occur. A label in that top is in
    some side's own top, so only those candidates are compared: fast even for a million distinct
    values. Literal "(other)"/"(missing)" values are pooled with OTHER.
    """
    sides = [s if isinstance(s, Labelled) else labelled(s) for s in sides]
    reserved = {OTHER, MISSING}
    candidates: dict[str, None] = {}
    for side in sides:
        k = min(top + 2, len(side.counts))
        head = np.argpartition(-side.counts, k - 1)[:k] if k else np.empty(0, dtype="int64")
        head = head[np.argsort(-side.counts[head], kind="stable")]
        candidates.update((lab, None) for lab in side.labels[head] if lab not in reserved)
    cands = list(candidates)
    sizes = [max(side.rows, 1) for side in sides]
    counts = [_counts_of(side, cands) for side in sides]
    best = np.max([c / n for c, n in zip(counts, sizes, strict=True)], axis=0) if cands else np.empty(0)
    chosen = np.argsort(-best, kind="stable")[:top]
    labels = [cands[i] for i in chosen]
    columns = [c[chosen] for c in counts]
    others = [float(side.counts.sum()) - float(c.sum()) for side, c in zip(sides, columns, strict=True)]
    if any(o > 0 for o in others):
        labels.append(OTHER)
        columns = [np.append(c, o) for c, o in zip(columns, others, strict=True)]
    if any(side.missing for side in sides):
        labels.append(MISSING)
        columns = [np.append(c, side.missing) for c, side in zip(columns, sides, strict=True)]
    return labels, [c / n for c, n in zip(columns, sizes, strict=True)]


def top_labels(sides: list[pd.Series | Labelled], top: int = TOP_CATEGORIES) -> list[str]:
    """The display labels of :func:`category_shares`."""
    return category_shares(sides, top)[0]


def codes_for(side: pd.Series | Labelled, labels: list[str]) -> np.ndarray:
    """Index into ``labels`` for each row: its label, else OTHER; missing -> MISSING (-1 when absent)."""
    side = side if isinstance(side, Labelled) else labelled(side)
    target = pd.Index(labels, dtype=object)
    position = target.get_indexer(side.labels)
    position[position < 0] = target.get_loc(OTHER) if OTHER in labels else -1
    missing = target.get_loc(MISSING) if MISSING in labels else -1
    lookup = np.append(position, missing).astype("int64")
    return lookup[side.codes]  # code -1 (missing) picks the last entry


def label_shares(side: pd.Series | Labelled, labels: list[str]) -> np.ndarray:
    """Share of rows per label in ``labels`` (see :func:`codes_for`)."""
    codes = codes_for(side, labels)
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    return counts / max(len(codes), 1)


def period_shares(arrays: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], str]:
    """Share of rows per calendar period, on a period grid shared by all arrays (nanosecond values).

    The period follows the joint span so a chart has at most a few hundred points: day (<= 180 days),
    week (<= 3 years), month (<= 40 years), else year. Returns (period starts, shares, period name).
    """
    vals = [finite(np.asarray(a, dtype="float64")).astype("int64") for a in arrays]
    both = np.concatenate([*vals, np.empty(0, dtype="int64")])
    if both.size == 0:
        return np.empty(0, dtype="datetime64[ns]"), [np.empty(0) for _ in arrays], "day"
    span_days = (both.max() - both.min()) / _NS_PER_DAY
    if span_days <= 180:
        name, unit, step = "day", "D", 1
    elif span_days <= 3 * 365:
        name, unit, step = "week", "D", 7
    elif span_days <= 40 * 365:
        name, unit, step = "month", "M", 1
    else:
        name, unit, step = "year", "Y", 1

    def keys(v: np.ndarray) -> np.ndarray:
        k = v.view("datetime64[ns]").astype(f"datetime64[{unit}]").astype("int64")
        return k - (k + 3) % 7 if step == 7 else k  # weeks start on Monday (1970-01-01 was a Thursday)

    all_keys = [keys(v) for v in vals]
    lo = min(k.min() for k in all_keys if k.size)
    hi = max(k.max() for k in all_keys if k.size)
    grid = np.arange(lo, hi + 1, step)
    out = [np.bincount((k - lo) // step, minlength=grid.size) / max(k.size, 1) for k in all_keys]
    return grid.astype(f"datetime64[{unit}]").astype("datetime64[ns]"), out, name


def subsample_index(n: int, max_points: int = MAX_POINTS, seed: int = 0) -> np.ndarray:
    """Sorted positions of a seeded sample of at most ``max_points`` out of ``n`` rows."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))


def subsample(df: pd.DataFrame, max_rows: int, seed: int = 0) -> pd.DataFrame:
    return df.iloc[subsample_index(len(df), max_rows, seed)]
