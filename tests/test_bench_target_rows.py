"""bench/target_rows.py: the drawn target's loss against the share of train the generator learns from."""

from __future__ import annotations

import json

from bench import target_rows


def test_it_measures_each_share_and_writes_its_section(tmp_path, monkeypatch, capsys):
    results, doc = tmp_path / "target_rows.json", tmp_path / "BENCHMARKS.md"
    doc.write_text("# Benchmarks\n\n## Other\n\nkept\n")
    monkeypatch.setattr(target_rows, "RESULTS", results)
    monkeypatch.setattr(target_rows, "BENCHMARKS", doc)
    assert target_rows.main(["--datasets", "tips", "--shares", "0.5,1", "--seeds", "1", "--first-seed", "3"]) == 0
    entry = json.loads(results.read_text())["tips"]
    assert entry["task"] == "regression" and set(entry["runs"]) == {"3"}
    assert set(entry["mean"]) == {"holdout", "0.5", "1.0"}
    assert all(-1 < v <= 1 for v in entry["mean"].values())
    text = doc.read_text()
    assert "kept" in text and "## Train-on-synthetic and the rows the generator learns from" in text
    assert "| tips | regression |" in text and "fitted on 50%" in text and "fitted on 100%" in text
    assert "tips: holdout" in capsys.readouterr().out
