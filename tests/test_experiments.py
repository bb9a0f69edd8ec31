"""Experiments on small samples with fast generators: the shape of each result and one property each must
have (independent columns lose pair fidelity, a bootstrap keeps exact copies, 0× synthetic is the real-only
score, boosting reaches its target share, k seeds give k rows), cancellation, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthlab.cli import main
from synthlab.errors import Cancelled, DataError, SchemaError
from synthlab.experiments import EXPERIMENTS, run_balance, run_collapse, run_experiment, run_rare, run_seeds
from synthlab.experiments._common import prepare
from synthlab.metrics.utility import train_test_score
from synthlab.schema import Schema


def _frame(n: int = 480, seed: int = 0) -> pd.DataFrame:
    """Strongly related columns (so losing relationships shows), a rare group and a yes/no target."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=n)  # bounded: pair trends bin numbers on their own range
    y = 2 * x + rng.normal(scale=0.3, size=n)
    band = np.where(x > 0.5, "high", np.where(x > -0.5, "mid", "low"))
    group = np.where(rng.random(n) < 0.1, "rare", "common")
    channel = rng.choice(["web", "shop", "phone"], size=n, p=[0.6, 0.37, 0.03])  # 'phone' is a rare category
    label = (x + 0.8 * (group == "rare") + rng.normal(scale=0.5, size=n)) > 0.3
    return pd.DataFrame({"size": x.round(4), "weight": y.round(4), "band": band, "group": group, "channel": channel,
                         "approved": np.where(label, "yes", "no")})


def _no_target(df: pd.DataFrame) -> Schema:
    schema = Schema.detect(df, target=None, sensitive=[])
    assert schema.target is None
    return schema


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, Schema]:
    df = _frame()
    return df, Schema.detect(df, target="approved", sensitive=["group"])


def _json_roundtrip(result) -> dict:
    d = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert d["experiment"] == result.name and len(d["table"]) == len(result.table) and d["summary"]
    return d


# ----- collapse ------------------------------------------------------------------------------------------------
def test_collapse_independent_loses_pair_fidelity(data):
    df, schema = data
    r = run_collapse(df, schema, generator="independent", generations=2, max_rows=400)
    assert list(r.table["generation"]) == [0, 1, 2]
    for col in ("fidelity", "column_shapes", "pair_trends", "detection_auc", "tail_coverage", "rare_survival",
                "exact_copies", "utility"):
        assert col in r.table.columns and r.table[col].notna().all(), col
    holdout, gen1 = r.table.iloc[0], r.table.iloc[1]
    assert gen1["pair_trends"] < holdout["pair_trends"] - 0.2  # relationships gone, the holdout keeps them
    assert gen1["column_shapes"] > 0.8  # each column on its own is still right
    assert gen1["detection_auc"] > holdout["detection_auc"] + 0.1
    d = _json_roundtrip(r)
    assert d["settings"]["options"]["generations"] == 2


def test_collapse_bootstrap_keeps_exact_copies_and_is_deterministic(data):
    df, schema = data
    a = run_collapse(df, schema, generator="bootstrap", generations=2, real_share=0.2, max_rows=300)
    b = run_collapse(df, schema, generator="bootstrap", generations=2, real_share=0.2, max_rows=300)
    holdout, gen1 = a.table.iloc[0], a.table.iloc[1]
    assert gen1["exact_copies"] > 0.95 and holdout["exact_copies"] < 0.05
    assert list(a.table["real_rows_mixed"]) == [0, 225, 45]
    pd.testing.assert_frame_equal(a.table.drop(columns="fit_seconds"), b.table.drop(columns="fit_seconds"))


def test_collapse_without_target_skips_utility(data):
    df, _ = data
    schema = _no_target(df)
    r = run_collapse(df, schema, generator="independent", generations=1, max_rows=200)
    assert "utility" not in r.table.columns
    assert any("target" in n for n in r.notes)


def test_collapse_rejects_bad_options(data):
    df, schema = data
    with pytest.raises(DataError):
        run_collapse(df, schema, generator="independent", generations=0)
    with pytest.raises(DataError):
        run_collapse(df, schema, generator="independent", real_share=1.0)


# ----- balance -------------------------------------------------------------------------------------------------
def test_balance_zero_synthetic_is_the_real_only_score(data):
    df, schema = data
    r = run_balance(df, schema, generator="synthlab", ratios=(0, 1, 2), fractions=(0.25, 1.0), max_rows=400)
    t = r.table
    assert list(t["part"]) == ["ratio"] * 3 + ["scarcity"] * 2
    split = prepare(df, schema, 400, 0)
    real_only = train_test_score(split.train, split.holdout, schema, model="hgb", seed=0)
    zero = t[(t["part"] == "ratio") & (t["ratio"] == 0)].iloc[0]
    assert zero["score_with_synthetic"] == pytest.approx(real_only, abs=1e-12)
    assert zero["synthetic_rows"] == 0 and zero["change"] == 0
    assert list(t.loc[t["part"] == "ratio", "synthetic_rows"]) == [0, 300, 600]
    full = t[(t["part"] == "scarcity") & (t["real_fraction"] == 1.0)].iloc[0]
    assert full["score_real_only"] == pytest.approx(real_only) and full["synthetic_rows"] == 0
    quarter = t[(t["part"] == "scarcity") & (t["real_fraction"] == 0.25)].iloc[0]
    assert quarter["real_rows"] + quarter["synthetic_rows"] == 300
    assert t["score_with_synthetic"].between(0, 1).all()
    _json_roundtrip(r)


def test_balance_needs_a_target(data):
    df, _ = data
    with pytest.raises(SchemaError, match="target"):
        run_balance(df, _no_target(df), generator="independent")


# ----- rare ----------------------------------------------------------------------------------------------------
def test_rare_boost_reaches_the_target_share(data):
    df, schema = data
    r = run_rare(df, schema, generator="synthlab", column="group", value="rare", share=0.4, max_rows=400)
    t = r.table
    shares = t[t["attribute"] == "(all)"].set_index("condition")["boosted_share"]
    assert list(shares.index) == ["real", "synthetic", "boosted synthetic", "real + boosted"]
    assert shares["real"] < 0.2
    assert abs(shares["boosted synthetic"] - 0.4) <= 0.05
    assert abs(shares["real + boosted"] - 0.4) <= 0.05
    for col in ("recall", "precision", "brier", "ece"):
        assert col in t.columns
    assert t["brier"].dropna().between(0, 1).all() and t["recall"].dropna().between(0, 1).all()
    rare_rows = t[(t["attribute"] == "group") & (t["group"] == "rare")]
    assert len(rare_rows) == 4 and (rare_rows["holdout_rows"] > 0).all()
    figures = r.extra["bias_figures"]
    assert set(figures["condition"]) == {"synthetic", "boosted synthetic", "real + boosted"}
    assert figures.loc[figures["condition"] == "boosted synthetic", "group_share_distance"].iloc[0] > 0.2
    d = _json_roundtrip(r)
    assert d["extra"]["bias_figures"]


def test_rare_defaults_to_the_rarest_target_class_and_rejects_unknowns(data):
    df, schema = data
    with pytest.raises(SchemaError, match="never occurs"):
        run_rare(df, schema, generator="independent", column="group", value="martian", max_rows=200)
    with pytest.raises(SchemaError, match="no column"):
        run_rare(df, schema, generator="independent", column="nope", max_rows=200)
    r = run_rare(df, schema, generator="independent", share=0.6, max_rows=200)
    rarest = prepare(df, schema, 200, 0).train["approved"].astype("string").value_counts().index[-1]
    assert r.settings["options"]["column"] == "approved" and r.settings["options"]["value"] == rarest


# ----- seeds ---------------------------------------------------------------------------------------------------
def test_seeds_give_k_rows_and_a_non_negative_spread(data):
    df, schema = data
    r = run_seeds(df, schema, generator="independent", seeds=2, seed=3, max_rows=200)
    assert list(r.table["seed"]) == [3, 4]
    spread = r.extra["spread"]
    assert {"detection.auc", "fidelity.shape"} <= set(spread["figure"])
    assert (spread["sd"] >= 0).all() and (spread["range"] >= 0).all()
    assert (spread["min"] <= spread["mean"] + 1e-12).all() and (spread["mean"] <= spread["max"] + 1e-12).all()
    _json_roundtrip(r)


# ----- cancellation --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_cancel_propagates(data, name):
    df, schema = data
    calls = []

    def on_progress(p):
        calls.append(p)
        if len(calls) >= 4:
            raise Cancelled()

    with pytest.raises(Cancelled):
        run_experiment(name, df, schema, generator="independent", on_progress=on_progress, max_rows=200)
    assert len(calls) == 4


# ----- CLI -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("exp") / "data.csv"
    _frame(240).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name, extra", [
    ("collapse", ["--generations", "1"]),
    ("balance", []),
    ("rare", ["--column", "group", "--share", "0.3"]),
    ("seeds", ["--seeds", "2"]),
])
def test_cli_writes_valid_json(csv_path, tmp_path, capsys, name, extra):
    out = tmp_path / f"{name}.json"
    rc = main(["experiment", name, str(csv_path), "--out", str(out), "--generator", "independent",
               "--target", "approved", "--sensitive", "group", *extra])
    assert rc == 0, capsys.readouterr().err
    result = json.loads(out.read_text())
    assert result["experiment"] == name and result["table"] and result["settings"]["generator"] == "independent"
    assert "written to" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["rare", "--column", "nope"], "nope"),
    (["balance"], "target"),
    (["collapse", "--set", "no_such_param=1"], "no_such_param"),
    (["seeds", "--generator", "no_such_generator"], "no_such_generator"),
])
def test_cli_bad_input_is_one_line_without_traceback(csv_path, tmp_path, capsys, args, message):
    name, *rest = args
    rc = main(["experiment", name, str(csv_path), "--out", str(tmp_path / "x.json"), *rest])
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert rc != 0
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


# ----- charts --------------------------------------------------------------------------------------------------
def test_experiment_charts():
    from synthlab import plots

    df = pd.DataFrame({"condition": ["real", "real", "boosted"], "group": ["<b>a</b>", "b", "<b>a</b>"],
                       "recall": [0.2, 0.5, 0.6]})
    fig = plots.condition_bars(df, "group", "recall", "condition", "Recall per group")
    assert [t.name for t in fig.data] == ["real", "boosted"]
    assert "&lt;b&gt;a&lt;/b&gt;" in list(fig.data[0].x)  # user strings escaped, never markup
    assert np.isnan(fig.data[1].y[1])  # no 'boosted' bar for group b
    with pytest.raises(DataError):
        plots.condition_bars(df, "group", "precision", "condition", "x")
    seeds = pd.DataFrame({"seed": [0, 1, 2], "a": [0.1, 0.2, 0.3], "b": [1.0, 1.0, 1.0]})
    fig = plots.seed_deviations(seeds, ["a", "b"], "Spread", labels={"a": "Figure A"})
    devs = np.array([list(t.x) for t in fig.data], dtype=float)
    assert devs.shape == (3, 2) and np.allclose(devs.sum(axis=0), 0) and np.allclose(devs[:, 1], 0)
    assert list(fig.data[0].y) == ["Figure A", "b"]
    assert len(fig.layout.shapes) == 1  # the zero line
    assert len(plots.add_reference(fig, None, "nothing").layout.shapes) == 1
    assert len(plots.add_reference(fig, 0.5, "half").layout.shapes) == 2
