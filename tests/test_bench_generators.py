"""bench/generators.py: one per-seed loop (``measure``) serves the samples' run and the other benches."""

from __future__ import annotations

from bench.generators import run_dataset


def test_run_dataset_keeps_each_seed_and_summarises(capsys):
    results: dict = {"hhs_breaches": {"generators": {"bootstrap": {"seeds": [0], "runs": {"0": {}}}}}}
    run_dataset("hhs_breaches", ["independent"], None, 300, results, seeds=[0, 1])
    entry = results["hhs_breaches"]
    assert set(entry["holdout_runs"]) == {"0", "1"} and entry["split"] == [120, 120, 60]
    run = entry["generators"]["independent"]
    assert run["seeds"] == [0, 1] and set(run["runs"]) == {"0", "1"}
    assert all("params" not in r and r["fit_s"] >= 0 for r in run["runs"].values())
    assert set(run["summary"]) == {"mean", "sd", "holdout_mean", "holdout_sd", "targets"}
    assert run["summary"]["targets"] == {}  # targets are judged for the default generator only
    assert "bootstrap" in entry["generators"]  # another generator's earlier rows are kept
    out = capsys.readouterr().out
    assert "seed 0 holdout" in out and "seed 1 independent" in out
