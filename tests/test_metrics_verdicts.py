"""Verdicts: the noise band and the data-derived scale decide the rating, never a fixed constant."""

from __future__ import annotations

from synthlab.metrics.base import Figure
from synthlab.metrics.verdicts import judge, rate, section_verdict


def _fig(value, ceiling, goal="maximize"):
    return Figure("Score", value, ceiling=ceiling, goal=goal)


def test_rating_tiers():
    assert rate(0.0, 0.01, 0.05) == "excellent"
    assert rate(0.01, 0.01, 0.05) == "excellent"
    assert rate(0.04, 0.01, 0.05) == "good"
    assert rate(0.09, 0.01, 0.05) == "fair"
    assert rate(0.2, 0.01, 0.05) == "poor"
    assert rate(-1.0, 0.0) == "excellent"  # better than the ceiling
    assert rate(None, 0.1) == "n/a"


def test_same_gap_is_judged_by_each_datasets_own_evidence():
    """A 0.03 shortfall is noise on a small table but a real difference on a large, precise one."""
    small = judge(_fig(0.90, 0.93), sigma=0.02, ideal=1.0)
    large = judge(_fig(0.96, 0.99), sigma=0.002, ideal=1.0)
    assert small.rating == "excellent"
    assert large.rating in ("fair", "poor")


def test_goal_orients_the_loss():
    auc = judge(_fig(0.75, 0.5, goal="target 0.5"), sigma=0.01, ideal=0.5)
    assert auc.loss == 0.25 and auc.rating == "poor"
    lower = judge(_fig(0.45, 0.5, goal="target 0.5"), sigma=0.01, ideal=0.5)
    assert lower.rating == "excellent"


def test_section_verdict_is_the_worst_figure_with_a_reason():
    a = judge(_fig(0.99, 0.99), sigma=0.01, ideal=1.0)
    b = judge(Figure("Pairs", 0.70, ceiling=0.95), sigma=0.01, ideal=1.0)
    v = section_verdict([a, b])
    assert v["rating"] == "poor" and v["decided_by"] == "Pairs"
    assert "0.700" in v["why"] and "0.950" in v["why"]
    assert section_verdict([])["rating"] == "n/a"
