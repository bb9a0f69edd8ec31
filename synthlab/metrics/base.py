"""The metric contract (SDMetrics style) and the :class:`Figure` every scorecard entry is.

A :class:`Metric` is a small class: its ``name``, ``goal`` ('maximize', 'minimize' or 'target 0.5'),
``range``, a one-line ``good`` ("what good looks like", shown next to the figure in the UI and the
report), ``compute`` for the headline number and ``breakdown`` for the per-column / per-pair detail.

A :class:`Figure` is one computed number in the scorecard, always next to its *ceiling* (the same test
run on the real holdout), the ratio of the two, a confidence interval, and the tolerance its verdict
was judged with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.schema import Schema

GOALS = ("maximize", "minimize", "target 0.5")


class Metric:
    """Base class of every metric: describe it, compute it, break it down."""

    name: ClassVar[str] = ""
    key: ClassVar[str] = ""  # the JSON key in its scorecard section (e.g. "shape")
    goal: ClassVar[str] = "maximize"
    range: ClassVar[tuple[float, float]] = (0.0, 1.0)
    good: ClassVar[str] = ""

    @classmethod
    def compute(cls, real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema, **kwargs: Any) -> float:
        raise NotImplementedError

    @classmethod
    def breakdown(cls, real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema, **kwargs: Any) -> list[dict]:
        """Per-column or per-pair scores; metrics without a natural breakdown return []."""
        return []

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"name": cls.name, "key": cls.key, "goal": cls.goal, "range": list(cls.range), "good": cls.good}


def clean(x: Any) -> Any:
    """A JSON-safe copy: numpy scalars to Python, NaN/inf to None, timestamps to ISO text."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return [clean(v) for v in x.tolist()]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return f if math.isfinite(f) else None
    if x is None or x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(x).isoformat())
    if isinstance(x, str):
        return x
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return str(x)


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


@dataclass
class Figure:
    """One scorecard number with its holdout ceiling, interval and verdict inputs.

    ``loss`` is how much worse than the ceiling the value is, in the figure's own units (positive =
    worse); ``tolerance`` is the data-derived unit the verdict divides it by (see
    :mod:`synthlab.metrics.verdicts`).
    """

    label: str
    value: float | None
    ceiling: float | None = None
    ci: tuple[float, float] | None = None
    ceiling_ci: tuple[float, float] | None = None
    goal: str = "maximize"
    range: tuple[float, float] = (0.0, 1.0)
    good: str = ""
    loss: float | None = None
    tolerance: float | None = None
    rating: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, metric: type[Metric], value: float | None, **kwargs: Any) -> Figure:
        return cls(metric.name, value, goal=metric.goal, range=metric.range, good=metric.good, **kwargs)

    @property
    def ratio(self) -> float | None:
        v, c = _num(self.value), _num(self.ceiling)
        if v is None or c is None or c == 0:
            return None
        return v / c

    def to_dict(self) -> dict[str, Any]:
        out = {
            "label": self.label,
            "value": _num(self.value),
            "ceiling": _num(self.ceiling),
            "ratio": self.ratio,
            "ci": list(self.ci) if self.ci is not None else None,
            "ceiling_ci": list(self.ceiling_ci) if self.ceiling_ci is not None else None,
            "goal": self.goal,
            "range": list(self.range),
            "good": self.good,
            "rating": self.rating,
            "tolerance": _num(self.tolerance),
        }
        if self.note:
            out["note"] = self.note
        out.update(self.extra)
        return clean(out)
