"""Every metric class by scorecard section, so the UI can show each figure's "what good looks like"."""

from __future__ import annotations

from synthlab.metrics.base import Metric
from synthlab.metrics.bias import GapWidening, GroupShareDistance
from synthlab.metrics.detection import DetectionAUC
from synthlab.metrics.fidelity import ColumnPairTrends, ColumnShapes, Coverage, MissingValueSimilarity, Relationships
from synthlab.metrics.privacy import (
    CloserToTrainShare,
    DistanceToClosestRecord,
    ExactCopyShare,
    NearestNeighbourRatio,
    RowsAtRisk,
)
from synthlab.metrics.utility import TSTR, Augmentation, ImportanceAgreement
from synthlab.metrics.validity import InRange, KeyUniqueness, KnownCategories, RuleViolations


def all_metrics() -> dict[str, tuple[type[Metric], ...]]:
    """Section name -> its metric classes (a fresh dict each call)."""
    return {
        "fidelity": (ColumnShapes, ColumnPairTrends, Relationships, Coverage, MissingValueSimilarity),
        "detection": (DetectionAUC,),
        "utility": (TSTR, Augmentation, ImportanceAgreement),
        "privacy": (CloserToTrainShare, ExactCopyShare, DistanceToClosestRecord, NearestNeighbourRatio, RowsAtRisk),
        "bias": (GapWidening, GroupShareDistance),
        "validity": (InRange, KnownCategories, KeyUniqueness, RuleViolations),
    }
