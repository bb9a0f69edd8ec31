"""bench/generators.py: one per-seed loop (``measure``) serves the samples' run and the other benches."""

from __future__ import annotations

import json

from bench.generators import JUDGED_SEEDS, main, run_dataset, seed_plan


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


def test_the_judged_generators_run_on_ten_seeds_unless_told_otherwise(tmp_path):
    assert seed_plan(["ctgan", "synthlab", "gaussian_copula"], None) == [
        (["synthlab", "gaussian_copula"], list(range(JUDGED_SEEDS))), (["ctgan"], [0])]
    assert seed_plan(["independent"], None) == [(["independent"], [0])]
    assert seed_plan(["ctgan", "synthlab"], [0, 1]) == [(["ctgan", "synthlab"], [0, 1])]
    out, results = tmp_path / "BENCHMARKS.md", tmp_path / "generators.json"
    assert main(["--datasets", "hhs_breaches", "--generators", "independent", "--max-rows", "300",
                 "--out", str(out), "--json", str(results)]) == 0
    entry = json.loads(results.read_text())["datasets"]["hhs_breaches"]
    assert entry["generators"]["independent"]["seeds"] == [0] and "## Generators" in out.read_text()
