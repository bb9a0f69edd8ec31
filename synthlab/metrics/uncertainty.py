"""Confidence intervals: bootstrap replicate weights, percentile intervals, fold intervals.

Bootstrap replicates are expressed as *weights* (how often each row is drawn), so a metric computes all
replicates with a few vectorised array operations instead of re-slicing frames B times.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

LEVEL = 0.95
WEIGHT_BUDGET = 2_000_000  # floats per replicate-weight matrix (16 MB): bounds memory on large tables
MIN_REPLICATES = 10


def replicates_for(requested: int, *sizes: int) -> int:
    """How many bootstrap replicates fit the memory budget for the largest of ``sizes`` rows (at
    least :data:`MIN_REPLICATES`, at most ``requested``); use one count for weights that are paired."""
    n = max([1, *sizes])
    return max(MIN_REPLICATES, min(requested, WEIGHT_BUDGET // n))


def bootstrap_weights(n: int, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """``(replicates, n)`` float multiplicities of a row bootstrap (each row sums to n)."""
    if n == 0:
        return np.zeros((replicates, 0))
    draws = rng.integers(0, n, size=(replicates, n))
    flat = (draws + (np.arange(replicates) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=replicates * n).reshape(replicates, n).astype("float64")


def mean_replicates(x: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of the mean of ``x``, drawn in memory-bounded batches."""
    x = np.asarray(x, dtype="float64")
    if x.size == 0:
        return np.full(replicates, np.nan)
    out = np.empty(replicates)
    batch = max(1, WEIGHT_BUDGET // x.size)
    for start in range(0, replicates, batch):
        b = min(batch, replicates - start)
        out[start:start + b] = bootstrap_weights(x.size, b, rng) @ x / x.size
    return out


def median_replicates(x: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of the median of ``x``, drawn in memory-bounded batches."""
    x = np.asarray(x, dtype="float64")
    if x.size == 0:
        return np.full(replicates, np.nan)
    out = np.empty(replicates)
    batch = max(1, WEIGHT_BUDGET // x.size)
    for start in range(0, replicates, batch):
        b = min(batch, replicates - start)
        out[start:start + b] = np.median(x[rng.integers(0, x.size, size=(b, x.size))], axis=1)
    return out


def percentile_ci(samples: np.ndarray, level: float = LEVEL, center: float | None = None) -> tuple[float, float] | None:
    """Two-sided percentile interval of bootstrap replicates (NaN replicates ignored).

    With ``center`` (the estimate) the interval is shifted so the replicates' median sits on it:
    similarity scores computed on resamples are biased (duplicated rows look less like the real
    data), and the shift keeps that bias out of the interval while keeping its width.
    """
    x = np.asarray(samples, dtype="float64")
    x = x[np.isfinite(x)]
    if x.size < 2:
        return None
    a = (1 - level) / 2
    lo, hi = float(np.quantile(x, a)), float(np.quantile(x, 1 - a))
    if center is not None and np.isfinite(center):
        shift = float(center) - float(np.median(x))
        lo, hi = lo + shift, hi + shift
    return lo, hi


def spread(samples: np.ndarray) -> float | None:
    """Standard deviation of replicates (NaN ignored), None if fewer than two."""
    x = np.asarray(samples, dtype="float64")
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1)) if x.size >= 2 else None


def fold_ci(values: np.ndarray, level: float = LEVEL) -> tuple[tuple[float, float] | None, float | None]:
    """Interval and standard error of a mean over k folds (Student t with k-1 degrees of freedom)."""
    x = np.asarray(values, dtype="float64")
    x = x[np.isfinite(x)]
    if x.size < 2:
        return None, None
    se = float(np.std(x, ddof=1) / math.sqrt(x.size))
    t = float(stats.t.ppf(0.5 + level / 2, df=x.size - 1))
    m = float(np.mean(x))
    return (m - t * se, m + t * se), se


def share_sd(share: float, n: int) -> float:
    """Binomial standard error of a share, with a Laplace-smoothed share so that 0/n still has spread."""
    if n <= 0:
        return float("nan")
    p = (share * n + 1) / (n + 2)
    return math.sqrt(p * (1 - p) / n)


def share_ci(share: float, n: int, level: float = LEVEL) -> tuple[float, float] | None:
    """Wilson interval of a share observed on n rows."""
    if n <= 0 or not np.isfinite(share):
        return None
    z = float(stats.norm.ppf(0.5 + level / 2))
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
