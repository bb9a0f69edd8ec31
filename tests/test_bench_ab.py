"""bench/ab.py: a variant's run records what it ran, and the comparison counts every target per group
and names every table whose verdict changed."""

from __future__ import annotations

import json

from bench.ab import compare, main, misses, tables
from bench.robustness import candidates


def _entry(det: float, closer: float = 0.52, error: str | None = None) -> dict:
    run = {"detection_auc": det, "pair_trends": 0.9, "tstr": 0.8, "closer_to_train": closer, "exact_copies": 0.0,
           "fit_s": 0.2, "sample_s": 0.0}
    hold = {"detection_auc": 0.5, "pair_trends": 0.9, "tstr": 0.8, "closer_to_train": 0.5, "exact_copies": 0.0}
    return {"rows": 300, "learned_columns": 4, "task": "regression", "holdout_runs": {"0": hold},
            "generators": {"synthlab": {"seeds": [0], "runs": {"0": {"error": error} if error else run}}}}


def _run(variant: str, **entries: dict) -> dict:
    return {"variant": variant, "seeds": [0],
            "tables": {n: {"group": "pool" if "/" in n else "unseen", "entry": e} for n, e in entries.items()}}


def test_tables_cover_every_group_and_draw_the_pool_as_the_robustness_sweep_does():
    listed = tables(["samples", "unseen", "wider", "pool"], 5)
    groups = [g for g, _ in listed]
    assert groups.count("samples") == 6 and groups.count("unseen") == 22 and groups.count("wider") == 26
    assert [n for g, n in listed if g == "pool"] == [f"{p}/{i}" for p, i in candidates(5, 42, 200, 15_000, 50)]
    assert len({n for _, n in listed}) == len(listed)


def test_misses_are_judged_on_the_issue_targets():
    assert misses(_entry(0.52)) == []
    assert misses(_entry(0.71, closer=0.6)) == ["detection", "closer_to_train"]
    assert misses(_entry(0.5, error="ValueError: inf")) is None


def test_comparison_counts_per_group_and_names_changed_tables():
    a = _run("default", wine=_entry(0.52, closer=0.6), **{"pkg/t": _entry(0.52), "pkg/u": _entry(0.5)})
    b = _run("smoothing=2", wine=_entry(0.52), **{"pkg/t": _entry(0.65), "pkg/u": _entry(0.5, error="boom")})
    text = compare(a, b)
    assert "3 tables in both runs (A: default; B: smoothing=2)" in text
    assert "| unseen | 1 | 0 → 1 | 0 → 0 | 0 → 0 | 0 → 0 | 1 → 0 | 0 → 0 | 0 → 0 |" in text
    assert "| pool | 2 | 2 → 0 | 0 → 1 | 0 → 0 | 0 → 0 | 0 → 0 | 0 → 0 | 0 → 1 |" in text
    assert "- wine: closer_to_train -> every target" in text
    assert "- pkg/t: every target -> detection" in text and "- pkg/u: every target -> failed" in text


def test_a_run_applies_its_patch_first_and_records_its_variant(tmp_path):
    marker = tmp_path / "patched"
    patch = tmp_path / "variant.py"
    patch.write_text(f"from pathlib import Path\nPath({str(marker)!r}).write_text('yes')\n")
    out = tmp_path / "run.json"
    assert main(["--out", str(out), "--groups", "pool", "--pool", "0", "--set", "smoothing=2",
                 "--patch", str(patch)]) == 0
    assert marker.read_text() == "yes"
    assert json.loads(out.read_text()) == {"variant": "smoothing=2 patch variant.py", "seeds": [0, 1], "tables": {}}


def test_a_run_can_start_from_fresh_seeds(tmp_path):
    out = tmp_path / "run.json"
    assert main(["--out", str(out), "--groups", "pool", "--pool", "0", "--seeds", "3", "--first-seed", "2"]) == 0
    assert json.loads(out.read_text())["seeds"] == [2, 3, 4]
