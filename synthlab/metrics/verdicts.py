"""Plain-language verdicts (excellent / good / fair / poor), calibrated on the real holdout.

Every judged figure has a *loss*: how much worse the synthetic value is than the holdout's value on
the same test (its ceiling), in the figure's own units. Two data-derived yardsticks judge it, never a
fixed constant that only suits one dataset:

* the **noise band** N = 2 × the standard error of (value − ceiling), from bootstrap replicates or
  repeated folds: a loss inside it is indistinguishable from a fresh real sample;
* the **scale** S = what a fresh real sample itself misses — the holdout's own distance from the ideal
  value (1 for similarity scores, 0.5 for the detection AUC, ...) — or a figure-specific data-derived
  scale (for utility: how much the choice of model alone moves the real-trained score).

    excellent  loss ≤ N                  (within sampling noise of the holdout)
    good       loss ≤ max(2N, S)         (at most one more "fresh-sample error")
    fair       loss ≤ max(4N, 2S)
    poor       beyond

so a 100-row table and a 1-million-row table are each judged on their own evidence. A section's verdict
is its worst judged figure, with one sentence saying which figure decided it and by how much.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from synthlab.metrics.base import Figure

RATINGS = ("excellent", "good", "fair", "poor")
NOT_RATED = "n/a"


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(float(x))


def bounds(noise: float | None, scale: float | None) -> tuple[float, float, float]:
    """Upper loss bounds of excellent, good and fair."""
    n = float(noise) if _finite(noise) else 0.0
    s = float(scale) if _finite(scale) else 0.0
    return n, max(2 * n, s), max(4 * n, 2 * s)


def rate(loss: float | None, noise: float | None, scale: float | None = None) -> str:
    """The rating of a loss given the noise band and the scale (n/a when the loss is unknown)."""
    if not _finite(loss):
        return NOT_RATED
    for rating, bound in zip(RATINGS, bounds(noise, scale), strict=False):
        if loss <= bound + 1e-12:
            return rating
    return "poor"


def judge(fig: Figure, sigma: float | None, *scales: float | None, ideal: float | None = None,
          scale_basis: str | None = None) -> Figure:
    """Set ``fig``'s loss, noise band, scale and rating from its value and ceiling.

    The loss is oriented by the figure's goal: for 'maximize' it is ceiling − value; for 'minimize'
    and 'target 0.5' (where the synthetic side errs upwards: AUC above 0.5, rows closer to train) it
    is value − ceiling. ``ideal`` makes the holdout's own distance from it part of the scale.
    """
    if not _finite(fig.value) or not _finite(fig.ceiling):
        fig.rating = NOT_RATED
        return fig
    v, c = float(fig.value), float(fig.ceiling)
    fig.loss = c - v if fig.goal == "maximize" else v - c
    fig.tolerance = 2.0 * float(sigma) if _finite(sigma) else None
    parts = [abs(float(x)) for x in scales if _finite(x)]
    basis = scale_basis
    if ideal is not None:
        parts.append(abs(c - ideal))
        basis = basis or f"the holdout's own distance from the ideal {fmt(ideal)}"
    scale = max(parts) if parts else None
    fig.rating = rate(fig.loss, fig.tolerance, scale)
    fig.extra["scale"] = scale
    if scale is not None:
        fig.extra["scale_basis"] = basis
    return fig


def fmt(x: float | None, digits: int = 3) -> str:
    """A figure for a sentence: 3 decimals, or 2 significant digits when tiny."""
    if not _finite(x):
        return "n/a"
    x = float(x)
    if x != 0 and abs(x) < 0.01:
        return f"{x:.2g}"
    return f"{x:.{digits}f}"


def _severity(f: Figure) -> float:
    """The loss in units of the figure's widest 'good' bound (for ordering figures of one rating)."""
    _, good, _ = bounds(f.tolerance, f.extra.get("scale"))
    return (f.loss / good) if _finite(f.loss) and good > 0 else 0.0


def worst(figures: Iterable[Figure]) -> Figure | None:
    """The judged figure with the worst rating (ties: the larger loss for its bounds)."""
    best: tuple[int, float] | None = None
    pick = None
    for f in figures:
        if f.rating not in RATINGS:
            continue
        key = (RATINGS.index(f.rating), _severity(f))
        if best is None or key > best:
            best, pick = key, f
    return pick


def explain(f: Figure) -> str:
    """One sentence: the figure against its ceiling, and the yardsticks it was judged with."""
    v, c = fmt(f.value), fmt(f.ceiling)
    noise = f.tolerance
    scale = f.extra.get("scale")
    if f.rating == "excellent":
        band = f", within the noise band of {fmt(noise)}" if _finite(noise) else ""
        return f"{f.label} is {v} against {c} for real holdout rows{band}."
    direction = "lower" if f.goal == "maximize" else "higher"
    parts = []
    if _finite(noise) and noise > 0:
        parts.append(f"{f.loss / noise:.1f}× the noise band of {fmt(noise)}")
    if _finite(scale) and scale > 0:
        parts.append(f"{f.loss / scale:.1f}× {f.extra.get('scale_basis') or 'the data-derived scale'} ({fmt(scale)})")
    detail = (": " + " and ".join(parts)) if parts else ""
    return f"{f.label} is {v} against {c} for real holdout rows, {direction} by {fmt(f.loss)}{detail}."


def section_verdict(figures: Iterable[Figure], empty_reason: str = "nothing could be measured") -> dict:
    """``{"rating", "why", "decided_by"}`` from the worst judged figure of a section."""
    figures = list(figures)
    w = worst(figures)
    if w is None:
        return {"rating": NOT_RATED, "why": f"Not rated: {empty_reason}.", "decided_by": None}
    if w.rating == "excellent":
        why = "As good as a fresh real sample on every figure; the weakest: " + explain(w)
    else:
        why = explain(w)
    return {"rating": w.rating, "why": why, "decided_by": w.label}
