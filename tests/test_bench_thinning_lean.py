"""bench/thinning_lean.py: the data and fit behind the thinning's lean model."""

from __future__ import annotations

import json

from bench import thinning_lean
from synthlab.generators import _thinning


def test_it_fits_the_lean_model_on_drawn_rows(tmp_path, monkeypatch, capsys):
    results = tmp_path / "thinning_lean.json"
    monkeypatch.setattr(thinning_lean, "RESULTS", results)
    assert thinning_lean.main(["--datasets", "tips", "--seeds", "1", "--first-seed", "3", "--pool", "0"]) == 0
    got = json.loads(results.read_text())
    assert got["tables"] == 1 and got["seeds"] == [3]
    assert got["rows"] == 2 * 97  # twice train: 97 of tips' 244 rows (40%)
    assert 0.3 < got["nearer_train_share"] < 0.9
    assert len(got["coef"]) == len(_thinning.LEAN_COEF)
    assert got["coef"][1] < 0  # the farther the nearest training row, the less a row leans
    assert got["held_out_auc"] is None  # one table: no second half to check it on
    assert "tips: 244 rows" in capsys.readouterr().out


def test_the_shipped_model_is_the_one_the_bench_recorded():
    recorded = json.loads(thinning_lean.RESULTS.read_text())
    assert recorded["coef"] == list(_thinning.LEAN_COEF)
    assert min(recorded["held_out_auc"]) > 0.6  # it tells leaning rows apart on tables it was not fitted on
