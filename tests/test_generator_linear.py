"""The target step's linear model and its blend with boosting; categories too rare to learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, Ridge

from synthlab.generators import make_generator
from synthlab.generators._linear import BLEND_GRID, LinearModel, blend_weight
from synthlab.generators._trees import ColumnCodec, ScoredStep
from synthlab.schema import Schema


def _table(n: int = 600, seed: int = 0) -> np.ndarray:
    """Encoded rows: a number with gaps, a category of 4 codes, a plain number."""
    rng = np.random.default_rng(seed)
    z = np.column_stack([rng.normal(size=n), rng.integers(0, 4, n).astype(float), rng.exponential(size=n)])
    z[rng.random(n) < 0.1, 0] = np.nan
    return z


def _codecs() -> list[ColumnCodec]:
    return [ColumnCodec("a", "num", "numerical"), ColumnCodec("c", "cat", "categorical", classes=list("wxyz")),
            ColumnCodec("b", "num", "numerical"), ColumnCodec("t", "num", "numerical")]


def test_lookup_prediction_equals_the_fitted_estimator():
    """Sampling predicts column by column from lookups; it must equal sklearn on the one-hot matrix."""
    z = _table()
    rng = np.random.default_rng(1)
    y_num = 2 * np.nan_to_num(z[:, 0]) + (z[:, 1] == 2) + rng.normal(size=len(z))
    reg = LinearModel.encoder(z, [0, 1, 2], ["num", "cat", "num"], [0, 4, 0], None)
    x = reg.matrix(z)
    assert x.shape == (len(z), 1 + 1 + 4 + 1)  # number + missing indicator, 4 codes, number
    reg.fit(z, y_num)
    np.testing.assert_allclose(reg.predict(z), Ridge(alpha=1.0).fit(x, y_num).predict(x), atol=1e-9)

    for classes in (np.array([0.0, 1.0]), np.array([0.0, 1.0, 2.0])):
        y = np.minimum((y_num > 0).astype(float) + (y_num > 2), classes[-1])
        clf = LinearModel.encoder(z, [0, 1, 2], ["num", "cat", "num"], [0, 4, 0], classes).fit(z, y)
        ref = LogisticRegression(C=1.0, max_iter=500).fit(x, y).predict_proba(x)
        np.testing.assert_allclose(clf.predict(z), ref, atol=1e-6)

    fresh = _table(50, seed=3)
    fresh[0, 2] = np.nan  # a gap where the real column had none adds nothing
    assert np.isfinite(reg.predict(fresh)).all()


def test_blend_weight_picks_the_better_model():
    y = np.linspace(-1, 1, 200)
    good, bad = y + 0.01, np.zeros_like(y)
    assert blend_weight(bad, good, y, None) == 1.0
    assert blend_weight(good, bad, y, None) == 0.0
    half = blend_weight(y + 0.5, y - 0.5, y, None)
    assert half == BLEND_GRID[5]
    both = np.full_like(y, np.nan)
    assert blend_weight(both, good, y, None) == 0.0  # no row with both predictions: boosting alone


def _step(y: np.ndarray, z: np.ndarray) -> ScoredStep:
    zz = np.column_stack([z, y])
    return ScoredStep(3, "value", [0, 1, 2], tune=True).fit(zz, y, _codecs(), None, 5, None, seed=0)


def test_a_linear_relation_is_blended_in_and_a_threshold_one_is_not():
    z = _table(1500)
    rng = np.random.default_rng(2)
    a = np.nan_to_num(z[:, 0])
    linear = _step(a + 0.5 * z[:, 2] + rng.normal(scale=1.0, size=len(z)), z)
    assert linear.weight >= 0.5 and linear.linear is not None
    xor = _step(np.where((a > 0) == (z[:, 2] > 0.7), 3.0, -3.0) + rng.normal(scale=0.3, size=len(z)), z)
    assert xor.weight <= 0.2


def _many_weak_effects(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8))
    df = pd.DataFrame(x.round(3), columns=[f"x{i}" for i in range(8)])
    df["y"] = (x @ np.full(8, 0.25) + rng.normal(0, 1.5, n)).round(3)
    return df


def test_the_synthetic_target_teaches_a_smooth_relation():
    """Eight weak linear effects under heavy noise: shallow boosting alone stops short of them (a
    model trained on its rows scores about 0.8 of one trained on real rows); blended with the linear
    model the synthetic rows teach about as much as the real ones."""
    from sklearn.linear_model import LinearRegression

    real, test = _many_weak_effects(1500, 0), _many_weak_effects(5000, 100)
    syn = make_generator("synthlab", random_state=0).fit(real, Schema.detect(real, target="y")).sample(1500, seed=0)
    cols = [f"x{i}" for i in range(8)]
    score = lambda d: LinearRegression().fit(d[cols], d["y"]).score(test[cols], test["y"])  # noqa: E731
    assert score(syn) >= 0.9 * score(real)


def test_categories_held_by_fewer_rows_than_a_leaf_share_the_rare_code():
    s = pd.Series(["a"] * 40 + ["b"] * 30 + ["c"] * 3 + ["d"] * 2, name="x")
    codec = ColumnCodec.fit(s, "categorical", None, max_categories=50, min_count=5)
    assert codec.classes == ["a", "b", "<rare>"] and codec.rare_values == ["c", "d"]
    drawn = codec.decode(np.full(2000, float(codec.rare_code)), np.random.default_rng(0))
    assert set(drawn) == {"c", "d"} and 0.5 < (drawn == "c").mean() < 0.7  # their 3 : 2 frequencies
    assert ColumnCodec.fit(s, "categorical", None, 50).classes == ["a", "b", "c", "d"]


def test_rare_categories_are_pooled_but_the_targets_classes_are_kept():
    rng = np.random.default_rng(5)
    n = 400
    df = pd.DataFrame({"plan": rng.choice(["x", "y"], n), "n": rng.normal(size=n)})
    df.loc[:2, "plan"] = "tiny"  # 3 rows
    df.loc[10:17, "plan"] = "small"  # 8 rows: one leaf of 5, not two
    df.loc[20:29, "plan"] = "two_leaves"  # 10 rows
    df["label"] = np.where(df["n"] > 0, "pos", "neg")
    df.loc[:3, "label"] = "rare"  # a 4-row class of the target
    schema = Schema.detect(df, target="label")
    gen = make_generator("synthlab", random_state=0, min_samples_leaf=5).fit(df, schema)
    codecs = {c.name: c for c in gen.codecs_}
    assert sorted(codecs["plan"].rare_values) == ["small", "tiny"]
    assert "two_leaves" in codecs["plan"].classes
    assert "rare" in codecs["label"].classes
    syn = gen.sample(4000, seed=0)
    assert (syn["plan"] == "tiny").any() and (syn["plan"] == "small").any() and (syn["label"] == "rare").any()


def test_boosting_sees_a_group_smaller_than_sklearns_default_leaf():
    """15 of 1,200 rows (a denied mortgage insurance) take the positive class 97 % of the time, the
    others follow an interaction only boosting gets. With sklearn's default leaf of 20 rows the
    boosting cannot isolate the group; with the generator's leaf size it learns it."""
    rng = np.random.default_rng(6)
    n = 1200
    a, b = rng.normal(size=n), rng.normal(size=n)
    flag = np.zeros(n)
    flag[rng.choice(n, 15, replace=False)] = 1.0
    p = np.where(flag == 1, 0.97, np.where((a > 0) == (b > 0), 0.85, 0.15))
    y = (rng.random(n) < p).astype(float)
    z = np.column_stack([a, b, flag, y])
    codecs = [ColumnCodec("a", "num", "numerical"), ColumnCodec("b", "num", "numerical"),
              ColumnCodec("flag", "cat", "boolean", classes=[False, True]), ColumnCodec("y", "cat", "categorical")]

    def learned(min_leaf: int) -> float:
        step = ScoredStep(3, "value", [0, 1, 2], tune=True).fit(z, y, codecs, 2, min_leaf, None, seed=0)
        return float(step.predict(z)[flag == 1, 1].mean())

    assert learned(5) >= 0.8
    assert learned(5) > learned(20) + 0.1


def test_above_the_cross_fitting_cap_the_blend_uses_the_capped_rows(monkeypatch):
    """A large table cross-fits on a seeded subset; the linear model is fitted there too (a one-hot
    matrix of every row would take gigabytes) and still predicts every row."""
    import synthlab.generators._trees as trees

    monkeypatch.setattr(trees, "_BOOST_ROWS", 400)
    z = _table(1500)
    y = np.nan_to_num(z[:, 0]) + 0.5 * z[:, 2] + np.random.default_rng(3).normal(scale=1.0, size=len(z))
    step = _step(y, z)
    assert step.weight >= 0.5
    pred = step.predict(np.column_stack([z, y]))
    assert np.isfinite(pred).all() and np.corrcoef(pred, y)[0, 1] > 0.5


def test_small_categories_that_fix_another_column_are_kept_out_of_the_rare_pool():
    """A country of 6 rows always on one continent is a fact of the table, not noise: pooling it
    would put synthetic countries on random continents. A 6-row level that fixes nothing is pooled."""
    rng = np.random.default_rng(3)
    countries = [f"c{i}" for i in range(40)]
    continent = {c: ["Africa", "Asia", "Europe", "Americas", "Oceania"][i % 5] for i, c in enumerate(countries)}
    country = np.repeat(countries, 6)
    df = pd.DataFrame({"country": country, "continent": [continent[c] for c in country],
                       "noise": rng.choice([f"n{i}" for i in range(40)], len(country)),
                       "x": rng.normal(size=len(country))})
    schema = Schema.detect(df)
    gen = make_generator("synthlab", random_state=0).fit(df, schema)
    codecs = {c.name: c for c in gen.codecs_}
    assert codecs["country"].rare_code is None  # every country kept
    assert codecs["noise"].rare_values  # levels of about 6 rows that fix nothing: pooled
    syn = gen.sample(2000, seed=0)
    assert (syn["continent"] == syn["country"].map(continent)).mean() > 0.98
