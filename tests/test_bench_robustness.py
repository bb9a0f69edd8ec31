"""bench/robustness.py: its tables are drawn offline, apart from the unseen ones, and its report
names every error and every missed target."""

from __future__ import annotations

from bench.robustness import candidates, failures, render
from bench.unseen import RDATASETS, WIDER


def test_candidates_are_seeded_sized_and_new():
    picked = candidates(40, seed=42, min_rows=200, max_rows=15_000, max_columns=50)
    assert picked == candidates(40, seed=42, min_rows=200, max_rows=15_000, max_columns=50) and len(picked) == 40
    known = {(p, i) for p, i, *_ in (*RDATASETS.values(), *WIDER.values())}
    assert not known & set(picked)


def _entry(det: float, synth_error: str | None = None) -> dict:
    row = {"detection_auc": det, "pair_trends": 0.9, "tstr": None, "closer_to_train": 0.52, "exact_copies": 0.0,
           "fit_s": 0.2, "sample_s": 0.0}
    hold = {"detection_auc": 0.5, "pair_trends": 0.9, "tstr": None, "closer_to_train": 0.5, "exact_copies": 0.0}
    synth = {"error": synth_error} if synth_error else row
    return {"rows": 300, "learned_columns": 4, "task": None, "holdout_runs": {"0": hold},
            "generators": {"synthlab": {"seeds": [0], "runs": {"0": synth}},
                           "gaussian_copula": {"seeds": [0], "runs": {"0": {**row, "fit_s": 0.5}}}}}


def test_report_names_errors_and_missed_targets():
    results = {"a/good": _entry(0.52), "a/detectable": _entry(0.71), "a/broken": _entry(0.5, "ValueError: inf"),
               "a/unreadable": {"error": "DataError: This file is binary"}}
    assert failures(results["a/detectable"]) == ["detection"] and failures(results["a/good"]) == []
    text = render(results, {"finished": "now", "command": "python bench/robustness.py", "min_rows": 200,
                            "max_rows": 15_000, "max_columns": 50})
    assert "**Errors:** 2: a/broken (ValueError: inf); a/unreadable (DataError: This file is binary)" in text
    assert "meets every target** on 1 of 2 tables" in text
    assert "| detection | 1: a/detectable |" in text and "| speed | 0 |" in text
