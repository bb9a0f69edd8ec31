"""bench/target_labels.py: the drawn target put on real rows, next to the holdout and the synthetic rows."""

from __future__ import annotations

import json

from bench import target_labels


def test_it_measures_each_table_and_writes_its_section(tmp_path, monkeypatch, capsys):
    results, doc = tmp_path / "target_labels.json", tmp_path / "BENCHMARKS.md"
    doc.write_text("# Benchmarks\n\n## Other\n\nkept\n")
    monkeypatch.setattr(target_labels, "RESULTS", results)
    monkeypatch.setattr(target_labels, "BENCHMARKS", doc)
    assert target_labels.main(["--datasets", "tips", "--seeds", "1"]) == 0
    entry = json.loads(results.read_text())["tips"]
    assert entry["task"] == "regression" and set(entry["runs"]) == {"0"}
    assert set(entry["mean"]) == set(target_labels.FIGURES)
    assert all(-1 < v <= 1 for v in entry["mean"].values())
    text = doc.read_text()
    assert "kept" in text and "## Where train-on-synthetic loses" in text and "| tips | regression | 1 |" in text
    assert "tips: holdout" in capsys.readouterr().out
