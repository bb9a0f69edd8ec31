"""Seeded, stratified row samples that bound the scorecard's work on large tables.

Why: every scorecard section reads every row it is given, and privacy's exact nearest neighbours grow
with the product of two frames' sizes. Above a row cap a sample answers the same questions at a
fraction of the cost, and its extra uncertainty is measurable: the figures' bootstrap and fold
intervals are computed over the sampled rows, so they already include it (see docs/scorecard.md).

The scheme, applied by :func:`sample_frames` to train, synthetic and holdout separately:

* A frame with at most ``max_rows`` rows is used whole — small tables are scored exactly as without
  sampling. A larger frame keeps ``max_rows`` rows drawn without replacement.
* Strata: the target's classes (classification; missing values are a class of their own); the
  target's deciles on the real train (regression; missing values a stratum of their own); without a
  target, the first category or yes/no column with 2 to :data:`MAX_STRATA` values in train; else
  none (a simple random sample).
* Allocation: proportional to each stratum's rows in that frame (largest remainders), with at least
  one row per stratum, so every class present in a frame stays present in its sample; rows inside a
  stratum are drawn uniformly. With proportional allocation every row has (up to rounding) the same
  chance of selection, so plain averages over the sample estimate the full frame's figures.
* Seeds: each frame draws from ``numpy.random.default_rng([seed, k])`` with k = 0, 1, 2 for train,
  synthetic and holdout, so the same inputs and seed give the same rows on every machine.

The cap: :data:`DEFAULT_MAX_ROWS`, overridden for a whole process by the environment variable
:data:`ENV_MAX_ROWS` (read only by :func:`max_rows_from_env`; ``0`` or ``none`` turns sampling off).

Privacy on top: its exact nearest-neighbour search costs about (synthetic × train + synthetic ×
holdout + holdout × train) row pairs. When that exceeds :data:`PRIVACY_MAX_PAIRS`,
:func:`privacy_rows` shrinks the three evaluated frames by one common factor (keeping their ratio,
which the chance-corrected closer-to-train share depends on), like detection's and utility's own
row limits. Up to about 20,000 real rows (and as many synthetic rows) never reach it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthlab.metrics.encoding import prepare
from synthlab.schema import Kind, Schema

DEFAULT_MAX_ROWS = 50_000  # measured: 1M / 1M / 250k rows x 20 columns scored in ~35 s of CPU (bench/scale_evaluation.py)
ENV_MAX_ROWS = "SYNTHLAB_EVAL_MAX_ROWS"
MIN_MAX_ROWS = 100  # a smaller cap would leave too few rows for detection's folds and the bootstrap
MAX_STRATA = 100  # a category column with more values than this is not used for strata
TARGET_BINS = 10  # regression targets are stratified by their train deciles
PRIVACY_MAX_PAIRS = 650_000_000  # row pairs of privacy's neighbour search: ~8 s of one core at 20 columns
FRAMES = ("train", "synthetic", "holdout")
_MISSING = "\x00missing"


def max_rows_from_env(default: int | None = DEFAULT_MAX_ROWS) -> int | None:
    """The row cap: ``$SYNTHLAB_EVAL_MAX_ROWS`` when set (``0``/``none``/``off`` = no cap), else ``default``."""
    raw = os.environ.get(ENV_MAX_ROWS, "").strip().lower()
    if not raw:
        return default
    if raw in ("0", "none", "off", "no"):
        return None
    try:
        value = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        return default
    return None if value <= 0 else max(MIN_MAX_ROWS, value)


@dataclass(frozen=True)
class FrameSample:
    """Which rows of one frame are evaluated: ``index`` = sorted row positions (all rows when not sampled)."""

    name: str
    rows_available: int
    index: np.ndarray = field(repr=False)

    @property
    def rows_used(self) -> int:
        return int(self.index.size)

    @property
    def sampled(self) -> bool:
        return self.rows_used < self.rows_available

    def to_dict(self) -> dict[str, Any]:
        return {"rows_used": self.rows_used, "rows_available": self.rows_available, "sampled": self.sampled}


@dataclass(frozen=True)
class EvaluationSample:
    """The sampling record kept in the scorecard (``Scorecard.sampling``, ``to_dict()["sampling"]``)."""

    max_rows: int | None
    seed: int
    stratified_by: str | None
    strata: str | None  # "classes", "deciles" or "categories"; None for a simple random sample
    frames: dict[str, FrameSample]

    @property
    def sampled(self) -> bool:
        return any(f.sampled for f in self.frames.values())

    def to_dict(self) -> dict[str, Any]:
        out = {
            "sampled": self.sampled,
            "max_rows": self.max_rows,
            "seed": self.seed,
            "stratified_by": self.stratified_by if self.sampled else None,
            "strata": self.strata if self.sampled else None,
            "frames": {name: f.to_dict() for name, f in self.frames.items()},
        }
        out["note"] = describe(out)
        return out


def describe(sampling: dict[str, Any] | None) -> str | None:
    """The one-line note shown wherever a sampled scorecard is (None when nothing was sampled)."""
    if not sampling or not sampling.get("sampled"):
        return None
    words = {"train": "training", "synthetic": "synthetic", "holdout": "holdout"}
    parts = []
    for name, f in (sampling.get("frames") or {}).items():
        if f.get("sampled"):
            parts.append(f"{f['rows_used']:,} of {f['rows_available']:,} {words.get(name, name)} rows")
        else:
            parts.append(f"all {f['rows_available']:,} {words.get(name, name)} rows")
    by = sampling.get("stratified_by")
    kind, how = ("stratified", f", stratified by {by}") if by else ("random", "")
    return (f"Evaluated on a seeded {kind} sample: {', '.join(parts)} (seed {sampling.get('seed')}{how}); "
            "intervals include the sampling.")


def strata_column(schema: Schema, train: pd.DataFrame) -> tuple[str | None, str | None]:
    """(column, kind of strata) the samples are stratified by; see the module doc."""
    target = schema.target
    if target is not None and target in schema.learned and target in train.columns:
        if schema.task == "classification":
            return target, "classes"
        if schema.task == "regression":
            return target, "deciles"
    for name in schema.learned:
        if schema[name].kind in (Kind.CATEGORICAL, Kind.BOOLEAN) and name in train.columns:
            levels = train[name].astype("string").nunique(dropna=True)
            if 2 <= levels <= MAX_STRATA:
                return name, "categories"
    return None, None


def _labels(column: pd.Series, strata: str, edges: np.ndarray | None) -> np.ndarray:
    """Integer stratum per row (codes are only compared within one frame)."""
    if strata == "deciles":
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        codes = np.searchsorted(edges, values, side="right") if edges is not None and edges.size else np.zeros(len(values), int)
        return np.where(np.isnan(values), -1, codes).astype(np.int64)
    text = column.astype("string").fillna(_MISSING)
    return pd.factorize(text)[0].astype(np.int64)


def allocate(counts: np.ndarray, size: int) -> np.ndarray:
    """Rows to draw per stratum: proportional (largest remainders), at least one per non-empty stratum
    when ``size`` allows, never more than a stratum has; sums to ``min(size, counts.sum())``."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    size = min(int(size), total)
    if size <= 0 or total == 0:
        return np.zeros_like(counts)
    quota = size * counts / total
    alloc = np.floor(quota).astype(np.int64)
    present = counts > 0
    if present.sum() <= size:
        alloc = np.where(present, np.maximum(alloc, 1), 0)
    alloc = np.minimum(alloc, counts)
    while (diff := size - int(alloc.sum())) != 0:
        if diff > 0:  # the largest remainders first, among strata with rows left
            room = np.flatnonzero(alloc < counts)
            order = room[np.argsort(-(quota[room] - alloc[room]), kind="stable")]
            alloc[order[:diff]] += 1
        else:  # over-allocated by the one-row minimum: take back from the most over-served strata
            floor = 1 if present.sum() <= size else 0
            room = np.flatnonzero(alloc > floor)
            order = room[np.argsort(-(alloc[room] - quota[room]), kind="stable")]
            alloc[order[:-diff]] -= 1
    return alloc


def stratified_positions(labels: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of a stratified sample of ``size`` rows (see :func:`allocate`)."""
    n = labels.size
    if size >= n:
        return np.arange(n)
    _, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    alloc = allocate(counts, size)
    shuffled = rng.permutation(n)
    order = shuffled[np.argsort(codes[shuffled], kind="stable")]  # grouped by stratum, random inside
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    grouped = codes[order]
    rank = np.arange(n) - starts[grouped]
    return np.sort(order[rank < alloc[grouped]])


def sample_frames(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, schema: Schema,
                  max_rows: int | None, seed: int = 0
                  ) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], EvaluationSample]:
    """The three frames cut to at most ``max_rows`` rows each (see the module doc), and the record.

    Frames at or under the cap are returned as they are (the same objects).
    """
    frames = (train, synthetic, holdout)
    cap = None if max_rows is None else max(int(max_rows), 1)
    if cap is None or all(len(f) <= cap for f in frames):
        record = {name: FrameSample(name, len(f), np.arange(len(f))) for name, f in zip(FRAMES, frames, strict=True)}
        return frames, EvaluationSample(cap, seed, None, None, record)
    column, strata = strata_column(schema, train)
    edges = None
    if strata == "deciles":
        values = prepare(train, schema, [column], "real training data")[column]
        fin = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype="float64")
        edges = np.unique(np.quantile(fin, np.arange(1, TARGET_BINS) / TARGET_BINS)) if fin.size else None
    out, record = [], {}
    for k, (name, df) in enumerate(zip(FRAMES, frames, strict=True)):
        if len(df) <= cap:
            out.append(df)
            record[name] = FrameSample(name, len(df), np.arange(len(df)))
            continue
        rng = np.random.default_rng([abs(int(seed)), k])
        if column is not None and column in df.columns:
            col = prepare(df, schema, [column], f"{name} data")[column] if strata == "deciles" else df[column]
            idx = stratified_positions(_labels(col, strata, edges), cap, rng)
        else:
            idx = np.sort(rng.choice(len(df), size=cap, replace=False))
        out.append(df.iloc[idx].reset_index(drop=True))
        record[name] = FrameSample(name, len(df), idx)
    return (out[0], out[1], out[2]), EvaluationSample(cap, seed, column, strata, record)


def privacy_pairs(n_train: int, n_synthetic: int, n_holdout: int) -> float:
    """Row pairs privacy's neighbour searches compare (synthetic and holdout against train, synthetic
    against holdout, each holdout half against the other)."""
    return n_synthetic * n_train + n_synthetic * n_holdout + n_holdout * n_train + n_holdout * n_holdout / 2


def privacy_rows(n_train: int, n_synthetic: int, n_holdout: int,
                 max_pairs: float = PRIVACY_MAX_PAIRS) -> tuple[int, int, int]:
    """Rows of train, synthetic and holdout privacy compares: all of them when the work fits
    ``max_pairs``, else each shrunk by the same factor (at least 10 rows each)."""
    pairs = privacy_pairs(n_train, n_synthetic, n_holdout)
    if pairs <= max_pairs:
        return n_train, n_synthetic, n_holdout
    f = (max_pairs / pairs) ** 0.5
    return tuple(min(n, max(10, int(n * f))) for n in (n_train, n_synthetic, n_holdout))  # type: ignore[return-value]
