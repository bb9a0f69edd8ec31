"""The evaluation engine: one module per family of metrics, and the holdout-calibrated scorecard.

* :mod:`~synthlab.metrics.fidelity` — column shapes, column pair trends, coverage (SDMetrics definitions)
* :mod:`~synthlab.metrics.detection` — classifier two-sample test (ROC AUC) and the columns that give rows away
* :mod:`~synthlab.metrics.utility` — train on synthetic / test on real against train on real
* :mod:`~synthlab.metrics.privacy` — exact copies, closer-to-train share, distances to closest records
* :mod:`~synthlab.metrics.bias` — group shares and target rates per sensitive attribute
* :mod:`~synthlab.metrics.validity` — ranges, categories, keys, business rules
* :mod:`~synthlab.metrics.uncertainty` and :mod:`~synthlab.metrics.verdicts` — intervals and plain verdicts
* :mod:`~synthlab.metrics.scorecard` — :func:`evaluate` runs them all

Submodules are imported on first use (scikit-learn is heavy), e.g. ``synthlab.metrics.evaluate``.
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import Any

_LAZY = MappingProxyType({
    "evaluate": "synthlab.metrics.scorecard",
    "Scorecard": "synthlab.metrics.scorecard",
    "privacy_filter": "synthlab.metrics.privacy",
    "all_metrics": "synthlab.metrics.catalog",
})

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'synthlab.metrics' has no attribute '{name}'")
