"""``python -m synthlab evaluate``: JSON and HTML written, plain errors for bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthlab.cli import main


def _write(tmp_path, n=400, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    df = pd.DataFrame({"a": a.round(3), "b": (a + rng.normal(scale=0.5, size=n)).round(3),
                       "sex": rng.choice(["f", "m"], n), "label": np.where(a > 0, "yes", "no"),
                       "note": ["<script>alert(1)</script>"] * n})
    df = df.rename(columns={"b": "b<i>&"})
    paths = {}
    for name, part in (("train", df.iloc[:250]), ("syn", df.iloc[:250].sample(frac=1, random_state=1)),
                       ("hold", df.iloc[250:])):
        paths[name] = tmp_path / f"{name}.csv"
        part.to_csv(paths[name], index=False)
    return paths


def test_evaluate_writes_json_and_standalone_html(tmp_path, capsys):
    p = _write(tmp_path)
    out, html_path = tmp_path / "out" / "card.json", tmp_path / "card.html"
    code = main(["evaluate", "--real", str(p["train"]), "--synthetic", str(p["syn"]), "--holdout", str(p["hold"]),
                 "--target", "label", "--sensitive", "sex", "--out", str(out), "--html", str(html_path)])
    assert code == 0
    card = json.loads(out.read_text())
    for key in ("fidelity", "detection", "utility", "privacy", "bias", "validity"):
        assert card[key]["verdict"]["rating"] in ("excellent", "good", "fair", "poor", "n/a")
    assert card["utility"]["tstr"]["ceiling"] is not None
    assert card["privacy"]["exact_copy_share"]["value"] == 1.0  # the synthetic file is train reshuffled
    html = html_path.read_text()
    assert html.startswith("<!DOCTYPE html>") and "plotly" in html.lower()
    for section in ("Fidelity", "Detection", "Utility", "Privacy", "Bias", "Validity"):
        assert section in html
    assert "<script>alert(1)</script>" not in html and "b<i>&" not in html  # user strings are escaped
    assert "b&lt;i&gt;&amp;" in html
    assert "Overall" in capsys.readouterr().out


def test_evaluate_bad_input_is_a_one_line_error(tmp_path, capsys):
    p = _write(tmp_path)
    out = tmp_path / "card.json"
    assert main(["evaluate", "--real", str(p["train"]), "--synthetic", str(tmp_path / "missing.csv"),
                 "--holdout", str(p["hold"]), "--out", str(out)]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["evaluate", "--real", str(p["train"]), "--synthetic", str(p["syn"]), "--holdout", str(p["hold"]),
                 "--target", "nope", "--out", str(out)]) == 2
    assert "nope" in capsys.readouterr().err
    pd.read_csv(p["syn"]).drop(columns=["a"]).to_csv(tmp_path / "narrow.csv", index=False)
    assert main(["evaluate", "--real", str(p["train"]), "--synthetic", str(tmp_path / "narrow.csv"),
                 "--holdout", str(p["hold"]), "--out", str(out)]) == 2
    assert "lacks the column" in capsys.readouterr().err


@pytest.mark.parametrize("as_dict", [False, True])
def test_report_renders_from_a_scorecard_or_its_json(tmp_path, as_dict):
    from synthlab.metrics.scorecard import evaluate
    from synthlab.report import render_html
    from synthlab.schema import Schema

    p = _write(tmp_path)
    train, syn, hold = (pd.read_csv(p[k]) for k in ("train", "syn", "hold"))
    schema = Schema.detect(train, target="label")
    card = evaluate(train, syn, hold, schema, sections=("fidelity", "privacy"))
    html = render_html(json.loads(json.dumps(card.to_dict())) if as_dict else card)
    assert 'src="http' not in html and html.count("<h2") == 6  # plotly is embedded: opens offline
    assert "Distance to the closest training record" in html
