"""Utility: train-on-synthetic / test-on-real scores, weighted AUC and R² used for intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score, roc_auc_score

from synthlab.errors import SchemaError
from synthlab.metrics.utility import _score, _weighted_auc, train_test_score, utility_section
from synthlab.schema import Schema


def _frame(n: int, seed: int, classes: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    cut = np.quantile(x1 + x2, np.linspace(0, 1, classes + 1)[1:-1])
    label = np.digitize(x1 + x2 + rng.normal(scale=0.3, size=n), cut)
    return pd.DataFrame({"x1": x1, "x2": x2, "g": rng.choice(["a", "b"], n),
                         "y": [f"k{v}" for v in label], "r": 2 * x1 - x2 + rng.normal(scale=0.1, size=n)})


@pytest.mark.parametrize("model", ["linear", "rf", "hgb"])
def test_models_learn_a_real_signal(model):
    train, test = _frame(600, 0), _frame(300, 1)
    clf = Schema.detect(train.drop(columns="r"), target="y")
    assert train_test_score(train.drop(columns="r"), test.drop(columns="r"), clf, model=model) > 0.85
    reg = Schema.detect(train.drop(columns="y"), target="r")
    assert train_test_score(train.drop(columns="y"), test.drop(columns="y"), reg, model=model) > 0.8


def test_multiclass_auc_and_noise_training_rows():
    train, test = _frame(600, 0, classes=3), _frame(300, 1, classes=3)
    schema = Schema.detect(train.drop(columns="r"), target="y")
    good = train_test_score(train.drop(columns="r"), test.drop(columns="r"), schema)
    noise = train.drop(columns="r").assign(y=np.random.default_rng(2).permutation(train["y"].to_numpy()))
    bad = train_test_score(noise, test.drop(columns="r"), schema)
    assert good > 0.85 and abs(bad - 0.5) < 0.1


def test_single_class_training_rows_score_as_a_constant_guess():
    train, test = _frame(200, 0), _frame(200, 1)
    schema = Schema.detect(train.drop(columns="r"), target="y")
    one = train.drop(columns="r").assign(y="k0")
    assert train_test_score(one, test.drop(columns="r"), schema) == 0.5


def test_weighted_scores_with_unit_weights_match_sklearn():
    rng = np.random.default_rng(3)
    s = np.round(rng.random(400), 2)  # ties on purpose
    y = rng.random(400) < s
    assert _weighted_auc(s, y, np.ones((2, 400)))[0] == pytest.approx(roc_auc_score(y, s))
    yr, pr = rng.normal(size=300), rng.normal(size=300)
    assert _score("regression", yr, pr, None, None)[0] == pytest.approx(r2_score(yr, pr))


def test_no_target_is_a_plain_error_and_section_is_not_rated():
    df = _frame(100, 0).drop(columns=["y", "r"])
    schema = Schema.detect(df)
    schema.target = None
    with pytest.raises(SchemaError):
        train_test_score(df, df, schema)
    assert utility_section(df, df, df, schema)["verdict"]["rating"] == "n/a"


def test_section_ceiling_is_train_on_real_and_ratio_is_reported():
    df = _frame(1600, 0).drop(columns="r")
    schema = Schema.detect(df, target="y")
    w = schema.coerce(df)
    train, hold = w.iloc[:1200].reset_index(drop=True), w.iloc[1200:].reset_index(drop=True)
    wrong = train.assign(y=np.where(train["x1"] > train["x2"], "k1", "k0"))  # an orthogonal rule
    sec = utility_section(train, wrong, hold, schema)
    tstr = sec["tstr"]
    assert tstr.ceiling > 0.85 and tstr.value < 0.65 and tstr.rating == "poor"
    assert tstr.to_dict()["ratio"] == pytest.approx(tstr.value / tstr.ceiling)
    assert {m["model"] for m in sec["models"]} == {"linear", "rf", "hgb"}
    good = utility_section(train, train, hold, schema)["tstr"]
    assert good.rating == "excellent"
