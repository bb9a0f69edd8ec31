"""SynthLab's default generator: seeds, privacy controls, column order, awkward schemas, quality."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthlab.errors import Cancelled, GeneratorError
from synthlab.generators import DEFAULT_GENERATOR, make_generator
from synthlab.generators.synthlab import SynthLabGenerator
from synthlab.metrics.detection import detection_auc
from synthlab.metrics.privacy import distances_to_train, exact_copy_share
from synthlab.schema import Kind, Schema


def survey(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Discrete-heavy rows (many repeated combinations) plus two related numbers."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west"], n)
    sex = rng.choice(["f", "m"], n)
    band = rng.integers(1, 6, n)
    children = rng.integers(0, 21, n)
    age = np.round(rng.normal(45, 12, n) + 2 * band, 1)
    income = np.round(np.exp(rng.normal(10, 0.4, n)) * (1 + 0.1 * band), 2)
    return pd.DataFrame({"region": region, "sex": sex, "band": band, "children": children,
                         "age": age, "income": income})


def fit(df: pd.DataFrame, schema: Schema | None = None, **params) -> SynthLabGenerator:
    return make_generator("synthlab", **params).fit(df, schema or Schema.detect(df))


def test_it_is_the_default_generator():
    assert DEFAULT_GENERATOR == "synthlab"
    names = {p.name for p in SynthLabGenerator.params()}
    assert {"min_samples_leaf", "smoothing", "reject_copies", "column_order", "random_state"} <= names
    assert all(p.help for p in SynthLabGenerator.params())
    assert 0 < SynthLabGenerator.estimate_fit_seconds(10_000, 20) < SynthLabGenerator.estimate_fit_seconds(100_000, 20)


def test_same_seed_same_rows_other_seed_other_rows():
    df = survey()
    a, b = fit(df, random_state=3), fit(df, random_state=3)
    pd.testing.assert_frame_equal(a.sample(300, seed=7), b.sample(300, seed=7))
    assert not a.sample(300, seed=7).equals(a.sample(300, seed=8))
    assert not a.sample(300, seed=7).equals(fit(df, random_state=4).sample(300, seed=7))


def test_larger_leaves_copy_fewer_rows_and_sit_further_away():
    df = survey(800)
    schema = Schema.detect(df)
    small = fit(df, schema, min_samples_leaf=1, tune_leaves=False, smoothing=0.0, reject_copies="off")
    large = fit(df, schema, min_samples_leaf=80, tune_leaves=False, smoothing=0.0, reject_copies="off")
    small, large = small.sample(800, seed=1), large.sample(800, seed=1)
    cols = ["region", "sex", "band", "children"]  # the discrete projection: copies are common there
    sub = Schema([schema[c] for c in cols])
    assert exact_copy_share(small[cols], df[cols], sub) > exact_copy_share(large[cols], df[cols], sub) + 0.05
    assert np.median(distances_to_train(large, df, schema)) > np.median(distances_to_train(small, df, schema))


def test_smoothing_moves_numbers_off_the_stored_values():
    df = survey(800)
    schema = Schema.detect(df)
    raw = fit(df, schema, smoothing=0.0).sample(800, seed=1)
    smooth = fit(df, schema, smoothing=1.0).sample(800, seed=1)
    stored = set(df["income"])
    assert raw["income"].isin(stored).mean() == 1.0  # unsmoothed: every number is a training value
    assert smooth["income"].isin(stored).mean() < 0.2
    assert smooth["income"].between(df["income"].min(), df["income"].max()).all()
    assert (smooth["income"].round(2) == smooth["income"]).all()  # written like the real column


def shop(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Computers on sale: a few discrete specs, and a price set at price points (1,795, 1,999)."""
    rng = np.random.default_rng(seed)
    ram = rng.choice([2, 4, 8, 16], n)
    speed = rng.choice([25, 33, 50, 66], n)
    hd = rng.choice(np.arange(1, 11) * 80, n)
    points = (np.arange(50, 500) * 10)[:, None] + [-5, -1]
    points = points.ravel()  # 1,795 and 1,799 next to 1,800: a real row never holds 1,797
    base = 900 + 90 * ram + 12 * speed + hd + rng.normal(0, 250, n)
    price = points[np.abs(base[:, None] - points[None, :]).argmin(axis=1)]
    return pd.DataFrame({"ram": ram, "speed": speed, "hd": hd, "price": price})


def test_price_points_are_drawn_as_real_prices():
    """Numbers on a sparse grid of shared values (prices ending in 95 or 99) keep those values: smoothed,
    a price would land on 1,797, which no real row holds, and a detector sees it at once. Numbers whose
    values fill their grid (ages in years) are smoothed as before."""
    df = shop()
    for schema in (Schema.detect(df), Schema.detect(df, target="price")):
        syn = fit(df, schema).sample(2000, seed=1)
        # 6% of the real rows hold a price no other row does: those are smoothed (smoothing every
        # price: 19% of the synthetic prices are real ones)
        assert syn["price"].isin(set(df["price"])).mean() > 0.9
    rng = np.random.default_rng(0)
    salaries = pd.DataFrame({"salary": rng.integers(20, 400, 1500) * 1000})  # in thousands: a sparse grid
    kept = fit(salaries).steps_[0][-1].atoms
    assert 32 < kept.size == (salaries["salary"].value_counts() > 1).sum()  # every shared value, no other
    weights = pd.DataFrame({"grams": rng.normal(500, 100, 1500).round()})  # whole grams: a filled grid
    assert fit(weights).steps_[0][-1].atoms.size < 0.1 * weights["grams"].nunique()


def test_repeated_computed_numbers_and_dates_keep_their_values():
    """A computed number (no fixed decimals) repeated to the last digit by most rows is a set of
    discrete points (a price per model after deflation, a capped ratio): smoothed, every draw fell
    between them, where no real row lies. Dates at month starts (360 months, 4 rows each) keep to
    month starts."""
    rng = np.random.default_rng(3)
    models = rng.lognormal(1.4, 0.4, 200)  # 200 deflated list prices, full float precision
    df = pd.DataFrame({"price": np.concatenate([rng.choice(models, 1300), rng.lognormal(1.4, 0.4, 200)]),
                       "month": pd.to_datetime({"year": 1990 + rng.integers(0, 30, 1500),
                                                "month": rng.integers(1, 13, 1500), "day": 1})})
    schema = Schema.detect(df)
    assert schema["price"].decimals is None and schema["month"].kind == Kind.DATETIME
    syn = fit(df, schema).sample(2000, seed=1)
    assert syn["price"].isin(set(models)).mean() > 0.8  # 0.87 (0 when every price was smoothed)
    assert (syn["month"].dt.day == 1).mean() > 0.95  # 0.98 (0.03 when every date was smoothed)


def test_dates_written_as_numbers_stay_real_dates():
    """Dates written as numbers (19800102) leave gaps where no real value lies (19800132-19800200,
    19801232-19810101). Smoothed on the value scale, nineteen in twenty drawn dates fell in them and a
    detector told the rows apart by the date alone (AUC 0.94 on Ecdat's Garch); on the rank scale a
    value only moves among its neighbours. A skewed but gapless column keeps the value scale."""
    rng = np.random.default_rng(0)
    days = pd.bdate_range("1980-01-01", "1985-12-31")
    df = pd.DataFrame({"date": days.strftime("%Y%m%d").astype(int), "rate": np.cumsum(rng.normal(0, 0.01, len(days))),
                       "volume": rng.lognormal(3, 1, len(days))})
    gen = fit(df, column_order='["date", "rate", "volume"]')
    steps = {gen.order_[j]: s[-1] for j, s in enumerate(gen.steps_)}
    assert steps["date"].pools.scale is not None and steps["volume"].pools.scale is None
    drawn = gen.sample(2000, seed=1)["date"].round().astype(int).astype(str)
    assert pd.to_datetime(drawn, format="%Y%m%d", errors="coerce").notna().mean() > 0.9  # 0.96; 0.06 on the value scale


def test_computed_levels_keep_their_exact_values():
    """Wind speeds in mph computed from whole knots (3 * 1.15078 = 3.4523399999999995) read as five
    decimals; rounded on the way out, every drawn value became a number no real row holds (3.45234),
    and a detector told the rows apart by that column alone (AUC 0.70, 0.73 on the whole of
    nycflights13's weather; 0.54 now)."""
    rng = np.random.default_rng(2)
    knots = rng.integers(0, 36, 1500)
    df = pd.DataFrame({"wind": knots * 1.15078, "temp": np.round(rng.normal(15, 8, 1500), 1)})
    schema = Schema.detect(df)
    assert schema["wind"].decimals == 5 and (np.round(df["wind"], 5) != df["wind"]).mean() > 0.1
    drawn = fit(df, schema).sample(1500, seed=1)
    assert drawn["wind"].isin(set(df["wind"])).all()
    assert detection_auc(df, drawn, schema, seed=0) < 0.6


def test_times_that_equal_the_follow_up_stay_equal():
    """Survival tables record an event's time as the follow-up time when it did not happen: in 60%
    of rows the two columns are equal. Smoothed apart, no synthetic row kept them equal and a
    detector told the rows apart by it (AUC 0.87 on mstate's ebmt4). Chance agreement of small
    whole numbers is no such rule."""
    rng = np.random.default_rng(3)
    n = 1500
    follow = np.round(rng.gamma(2, 400, n), 1)
    event = rng.random(n) < 0.4
    df = pd.DataFrame({"follow": follow, "event": event,
                       "time": np.where(event, np.round(follow * rng.uniform(0.1, 0.9, n), 1), follow),
                       "visits": rng.integers(0, 40, n), "calls": rng.integers(0, 40, n)})
    gen = fit(df, column_order='["follow", "event", "time", "visits", "calls"]')
    kinds = {gen.order_[j]: [s.target for s in steps] for j, steps in enumerate(gen.steps_)}
    assert kinds["time"] == ["same", "value"] and kinds["calls"] == ["value"]
    drawn = gen.sample(n, seed=1)
    equal = lambda frame: (frame["time"] == frame["follow"]).mean()  # noqa: E731
    assert abs(equal(drawn) - equal(df)) < 0.05  # 0.0 before
    apart = drawn[drawn["time"] != drawn["follow"]]
    assert (apart["time"] < apart["follow"]).mean() > 0.9
    assert detection_auc(df, drawn, Schema.detect(df), seed=0) < 0.6


def test_rare_entities_keep_their_numbers():
    """A panel of 60 states over 8 years: each state's population barely moves, and with 8 rows a
    state is too rare to model (two leaves of 5 rows). Drawn from their frequencies, rare states
    landed on other states' populations (pair trends x0.74 on mosaicData's Galton, families and
    their parents' heights); drawn last, given the row, a state goes with its own numbers. A rare
    level that fixes no number (a free-text colour) is still drawn from its frequencies."""
    rng = np.random.default_rng(4)
    states = np.repeat([f"S{i:02d}" for i in range(60)], 8)
    size = np.repeat(rng.lognormal(15, 1, 60), 8)
    df = pd.DataFrame({"state": states, "year": np.tile(np.arange(2000, 2008), 60),
                       "population": np.round(size * rng.normal(1, 0.01, len(states))),
                       "colour": rng.choice([f"c{i}" for i in range(60)], len(states)),
                       "rate": np.round(rng.normal(5, 1, len(states)), 2)})
    gen = fit(df)
    names = {gen.codecs_[j].name for j in gen.rare_steps_}
    assert names == {"state"}
    drawn = gen.sample(len(df), seed=1)
    spread = df.groupby("state")["population"].agg(["min", "max"])
    lo, hi = spread.loc[drawn["state"], "min"].to_numpy(), spread.loc[drawn["state"], "max"].to_numpy()
    own = ((drawn["population"].to_numpy() >= 0.95 * lo) & (drawn["population"].to_numpy() <= 1.05 * hi)).mean()
    assert own > 0.8  # 0.05 when rare states were drawn from their frequencies


def test_a_heavy_tail_keeps_its_small_values():
    """Counts from 10 to 10^8 (migrants per country) drawn first, from one leaf: one kernel's width
    (thousands) moved every small count: the share under 1,000 fell from 0.35 to 0.17 (detection AUC
    0.59; 0.49 now). Their distribution changing beyond chance puts the noise on the rank scale."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"count": np.round(rng.lognormal(8, 2.5, 1500)), "group": rng.choice(["in", "out"], 1500),
                       "rate": rng.normal(0, 1, 1500)})
    gen = fit(df, column_order='["count", "group", "rate"]')
    assert gen.steps_[0][-1].pools.scale is not None
    small = lambda frame: (frame["count"] < 1000).mean()  # noqa: E731
    assert abs(small(gen.sample(3000, seed=1)) - small(df)) < 0.03


def test_rows_completed_by_a_real_price_are_not_copies():
    """A numeric target drawn from real values can complete a row that shares its specs with a
    training row: whole rows are checked too, so they copy no more often than the real data repeats."""
    df = shop()
    schema = Schema.detect(df, target="price")
    gen = fit(df, schema)
    assert [len(c.columns) for c in gen.copy_checks_] == [3, 4]  # the specs, then the whole row
    natural = gen.copy_checks_[1].natural_share
    assert exact_copy_share(fit(df, schema, reject_copies="off").sample(2000, seed=1), df, schema) > natural + 0.02
    assert exact_copy_share(gen.sample(2000, seed=1), df, schema) <= natural + 0.01


def test_reject_copies_leaves_no_training_row():
    df = survey(600)[["region", "sex", "band", "children"]]  # 840 combinations, many of them in train
    schema = Schema.detect(df)
    # the copy control alone: the thinning of close rows, which drops many copies too, is off
    plain = fit(df, schema, reject_copies="off", thin_close_rows=False).sample(600, seed=2)
    excess = fit(df, schema, thin_close_rows=False).sample(600, seed=2)
    strict = fit(df, schema, reject_copies="all", thin_close_rows=False).sample(600, seed=2)
    natural = fit(df, schema).copy_checks_[0].natural_share  # about the share of training rows equal to another
    assert exact_copy_share(plain, df, schema) > natural + 0.05
    assert exact_copy_share(excess, df, schema) == pytest.approx(natural, abs=2 / 600)
    assert len(strict) == 600
    assert exact_copy_share(strict, df, schema) == 0.0


def test_rows_told_apart_only_by_a_rare_category_are_not_copied():
    """Every row is distinct, but only through a category whose levels are too rare to model (pooled
    under one code). Compared by code, train seemed to repeat itself and every copy was allowed
    (half the synthetic rows were training rows); compared by value, none is."""
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"area": np.repeat([f"area {i}" for i in range(200)], 3),
                       "year": np.tile([1990, 2000, 2010], 200), "flow": rng.choice(["in", "out"], 600)})
    schema = Schema.detect(df)
    assert schema["area"].kind == Kind.CATEGORICAL
    gen = fit(df, schema)
    assert gen.codecs_[gen.order_.index("area")].rare_code is not None  # pooled: 3 rows a level
    assert gen.copy_checks_[0].natural_share == 0.0
    assert exact_copy_share(gen.sample(600, seed=1), df, schema) == 0.0


def test_numbers_beyond_float32_range_are_learned():
    """Trees split on float32: a column of physical constants up to 10^50 (gt's constants) made
    scikit-learn refuse the table as holding infinities."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"value": 10.0 ** rng.uniform(-30, 50, 300), "group": rng.choice(["a", "b"], 300),
                       "x": rng.normal(size=300)})
    out = fit(df, column_order='["value", "group", "x"]').sample(300, seed=0)
    assert out["value"].notna().all() and out["value"].max() > 1e40 and out["value"].min() > 0


def test_column_order_param():
    df = survey(300)
    gen = fit(df, column_order='["income", "region"]')
    assert gen.order_[:2] == ["income", "region"] and sorted(gen.order_) == sorted(df.columns)
    assert fit(df, column_order="data").order_ == list(df.columns)
    assert fit(df, Schema.detect(df, target="age")).order_[-1] == "age"  # a numeric target last
    with pytest.raises(GeneratorError, match="not learned"):
        fit(df, column_order='["nope"]')
    with pytest.raises(GeneratorError, match="twice"):
        fit(df, column_order='["age", "age"]')


def test_progress_per_column_and_cancellation():
    df = survey(200)
    seen = []
    make_generator("synthlab").fit(df, Schema.detect(df), on_progress=seen.append)
    assert len(seen) >= df.shape[1] and seen[-1].fraction == 1.0

    def stop(progress):
        if progress.fraction and progress.fraction > 0.3:
            raise Cancelled()

    with pytest.raises(Cancelled):
        make_generator("synthlab").fit(df, Schema.detect(df), on_progress=stop)


def test_awkward_schemas():
    rng = np.random.default_rng(1)
    n = 300
    cats = np.array([f"c{i:03d}" for i in range(400)])
    df = pd.DataFrame({
        "record_id": np.arange(n),  # an ID: never learned
        "empty_num": np.full(n, np.nan),
        "empty_cat": pd.Series([None] * n, dtype=object),
        "constant": np.full(n, 7.0),
        "many": cats[rng.integers(0, 400, n)],
        "flag": pd.array(np.where(rng.random(n) < 0.2, None, rng.random(n) < 0.5), dtype="boolean"),
        "day": (pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")).strftime("%Y-%m-%d"),
        "gappy": np.where(rng.random(n) < 0.3, np.nan, rng.normal(0, 1, n).round(3)),
    })
    schema = Schema.detect(df)
    schema = Schema([*(s if s.name != "empty_num" else type(s)("empty_num", Kind.NUMERICAL) for s in schema.columns)])
    out = fit(df, schema, max_categories=20).sample(500, seed=0)
    assert list(out.columns) == list(df.columns) and len(out) == 500
    assert out["empty_num"].isna().all() and out["empty_cat"].isna().all()
    assert (out["constant"] == 7.0).all()
    assert set(out["many"]) <= set(df["many"]) and out["many"].nunique() > 50  # rare ones drawn too
    assert str(out["flag"].dtype) == "boolean" and 0.1 < out["flag"].isna().mean() < 0.3
    days = pd.to_datetime(out["day"])
    assert (days == days.dt.floor("D")).all()
    real_days = pd.to_datetime(df["day"])
    assert days.min() >= real_days.min() and days.max() <= real_days.max()
    assert 0.2 < out["gappy"].isna().mean() < 0.4


def test_tiny_and_degenerate_tables():
    one = pd.DataFrame({"x": [1.0, 2.0, 3.0, 2.0, 1.0]})
    assert fit(one).sample(10, seed=0)["x"].between(1, 3).all()
    only_id = pd.DataFrame({"customer_id": [f"K{i:04d}" for i in range(50)]})
    schema = Schema.detect(only_id)
    assert schema.learned == []
    assert len(fit(only_id, schema).sample(20, seed=0)) == 20
    two = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]})
    assert len(fit(two).sample(5)) == 5


def test_quality_smoke_on_a_real_table(root):
    """On a real table a classifier tells the synthetic rows from the real ones far less well than
    rows with the columns drawn independently (each column shuffled: every marginal exact)."""
    df = pd.read_csv(root / "sample_data" / "mortgage_applications.csv")
    schema = Schema.detect(df, target="deny")
    train = df.sample(1000, random_state=0).reset_index(drop=True)
    syn = fit(train, schema).sample(1000, seed=0)
    rng = np.random.default_rng(0)
    shuffled = train.apply(lambda s: s.to_numpy()[rng.permutation(len(s))])
    auc_syn = detection_auc(train, syn, schema, folds=3, seed=0)
    auc_ind = detection_auc(train, shuffled, schema, folds=3, seed=0)
    assert auc_syn < 0.62
    assert auc_syn < auc_ind - 0.1


def graded(n: int = 1200, seed: int = 0) -> pd.DataFrame:
    """A grade that decides the outcome exactly, a noise column, and a target that depends on both
    numbers through a smooth probability."""
    rng = np.random.default_rng(seed)
    grade = rng.choice(["A", "B", "C", "D"], n)
    passed = np.where(np.isin(grade, ["A", "B"]), "pass", "fail")
    noise = rng.choice(["p", "q", "r"], n)
    x1, x2 = rng.normal(0, 1, n).round(3), rng.normal(0, 1, n).round(3)
    p = 1 / (1 + np.exp(-(1.5 * x1 - 1.0 * x2 + 0.8 * (grade == "A"))))
    return pd.DataFrame({"grade": grade, "passed": passed, "noise": noise, "x1": x1, "x2": x2,
                         "bought": np.where(rng.random(n) < p, "buy", "skip")})


def test_tuned_backoff_mixes_noise_splits_and_keeps_relations():
    rng = np.random.default_rng(0)
    n = 1500
    grade = rng.choice(["A", "B", "C", "D"], n)
    good = np.isin(grade, ["A", "B"])
    df = pd.DataFrame({"grade": grade, "noise": rng.choice(["p", "q", "r", "s", "t"], n),
                       "size": rng.integers(0, 40, n),
                       "passed": np.where(rng.random(n) < np.where(good, 0.9, 0.1), "pass", "fail")})
    schema = Schema.detect(df)
    order = '["grade", "noise", "size", "passed"]'
    gen = fit(df, schema, column_order=order, reject_copies="off")
    backoff = {c.name: steps[-1].backoff for c, steps in zip(gen.codecs_, gen.steps_, strict=True)}
    assert backoff["noise"] >= 100  # unrelated to grade: its tree's splits are mixed away
    off = fit(df, schema, column_order=order, tune_backoff=False)
    assert all(steps[-1].backoff == 0 for steps in off.steps_)
    # even under a strong back-off, a split whose sides differ beyond chance is always followed:
    # mixing the grade split with the root would pull both pass rates towards one half
    strong = fit(df, schema, column_order=order, reject_copies="off", backoff=200.0, tune_backoff=False)
    out = strong.sample(4000, seed=1)
    high = out["grade"].isin(["A", "B"])
    assert (out["passed"][high] == "pass").mean() > 0.86
    assert (out["passed"][~high] == "pass").mean() < 0.14


def test_categorical_target_is_drawn_from_its_model():
    """The target is drawn first (the other columns follow it) and redrawn from gradient boosting on
    every other column: a model trained on the synthetic rows ranks real rows about as well as one
    trained on real rows."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    df, test = graded(1200, seed=0), graded(2000, seed=1)
    schema = Schema.detect(df, target="bought")
    gen = fit(df, schema)
    assert gen.order_[0] in ("passed", "bought") and gen.relabel_ is not None
    target = gen.order_.index("bought")
    assert [target not in c.columns for c in gen.copy_checks_] == [True]  # copies are judged without the target
    syn = gen.sample(1200, seed=0)
    assert 0.5 * (df["bought"] == "buy").mean() < (syn["bought"] == "buy").mean() < 1.5 * (df["bought"] == "buy").mean()

    def auc(train: pd.DataFrame) -> float:
        x = lambda f: np.column_stack([f["x1"], f["x2"], f["grade"] == "A"])  # noqa: E731
        model = HistGradientBoostingClassifier(max_iter=50, random_state=0).fit(x(train), train["bought"] == "buy")
        return roc_auc_score(test["bought"] == "buy", model.predict_proba(x(test))[:, 1])

    assert auc(syn) > 0.95 * auc(df)
    plain = fit(df, schema, target_model=False)
    assert plain.relabel_ is None and [c.columns for c in plain.copy_checks_] == [list(range(len(plain.order_)))]


def test_draw_target_labels_real_rows_as_sampling_would():
    """The target drawn for real rows (bench/target_labels.py puts it on the holdout): the rows' own
    values, in the working dtype, the same for the same seed, and drawn from each row's probability."""
    from sklearn.metrics import roc_auc_score

    df, rows = graded(1200, seed=0), graded(400, seed=1)
    schema = Schema.detect(df, target="bought")
    gen = fit(df, schema)
    drawn = gen.draw_target(rows, seed=3)
    assert drawn.index.equals(rows.index) and set(drawn.unique()) <= {"buy", "skip"}
    pd.testing.assert_series_equal(drawn, gen.draw_target(rows, seed=3))
    assert not drawn.equals(gen.draw_target(rows, seed=4))
    p = 1 / (1 + np.exp(-(1.5 * rows["x1"] - 1.0 * rows["x2"] + 0.8 * (rows["grade"] == "A"))))
    assert roc_auc_score(drawn == "buy", p) > 0.7  # drawn from the row's probability, not at random
    with pytest.raises(GeneratorError, match="not modelled"):
        fit(df, schema, target_model=False).draw_target(rows)
    with pytest.raises(GeneratorError, match="target"):
        fit(df.drop(columns="bought")).draw_target(rows)


def test_a_small_group_keeps_its_strong_effect_on_the_target():
    """2% of applicants were refused mortgage insurance and 95% of those were denied. Boosting with
    its rounds chosen on all rows stops short on so small a group (0.91 drawn against 0.97 real, as
    mortgage_applications' 20 such rows got 77% against 90%); raked to each level's observed shares,
    the synthetic rows keep the rule."""
    rng = np.random.default_rng(2)
    n = 1500
    ratio, history, refused = np.round(rng.gamma(4, 0.08, n), 3), rng.integers(1, 7, n), rng.random(n) < 0.02
    base = 1 / (1 + np.exp(-(-3.2 + 3 * ratio + 0.25 * history)))
    denied = np.where(refused, rng.random(n) < 0.95, rng.random(n) < base)
    df = pd.DataFrame({"ratio": ratio, "history": history, "refused": np.where(refused, "yes", "no"),
                       "single": rng.choice(["yes", "no"], n), "denied": np.where(denied, "yes", "no")})
    schema = Schema.detect(df, target="denied")
    gen = make_generator("synthlab", random_state=2).fit(df, schema)
    assert gen.relabel_.raking is not None
    rate = lambda f: float(f.loc[f["refused"].astype(bool), "denied"].astype(float).mean())  # noqa: E731
    assert abs(rate(schema.coerce(gen.sample(20_000, seed=2))) - rate(schema.coerce(df))) < 0.03


def test_a_numeric_target_on_a_small_table_is_drawn_from_its_model():
    """60 rows: the target's cross-fitted model (a linear blend here) still draws it. A tree's leaves
    of a few rows turned a linear relation into steps (a regression trained on the synthetic rows
    scored R² 0.79-0.88 on fresh rows against 0.98 from the real rows; with the model 0.93-0.98)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import r2_score

    def table(n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(n, 3))
        y = 2 * x[:, 0] - x[:, 1] + 0.5 * x[:, 2] + rng.normal(0, 0.3, n)
        return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y})

    fresh = table(2000, 99)
    for seed in (0, 3):
        df = table(60, seed)
        gen = fit(df, Schema.detect(df, target="y"), random_state=seed)
        assert gen.steps_[gen.target_index_][-1].model is not None
        syn = gen.sample(60, seed=seed)
        model = LinearRegression().fit(syn[["a", "b", "c"]], syn["y"])
        assert r2_score(fresh["y"], model.predict(fresh[["a", "b", "c"]])) > 0.92


def test_boosting_rounds_follow_the_signal():
    from synthlab.generators._trees import boost_folds, cross_fitted_rounds

    rng = np.random.default_rng(0)
    x = rng.normal(size=(800, 3))
    folds = boost_folds(800, seed=0)
    rounds_signal, held_out = cross_fitted_rounds(x, 3 * x[:, 0] + np.sin(3 * x[:, 1]), None, folds, seed=0)
    rounds_noise, _ = cross_fitted_rounds(x, rng.normal(size=800), None, folds, seed=0)
    assert rounds_noise <= 15 < rounds_signal
    assert held_out.shape == (800, 1) and np.isfinite(held_out).all()
    classes = np.array([0.0, 1.0])
    rounds_cls, _ = cross_fitted_rounds(x, (x[:, 0] > 0).astype(float), classes, folds, seed=0)
    assert rounds_cls >= 10


@pytest.mark.parametrize(("n", "folds"), [(60, 4), (199, 4), (200, 3), (25_000, 3)])
def test_boosting_folds_cover_the_rows_once(n, folds):
    """Every row is held out exactly once: four folds on small tables, where each fold model needs
    every row it can get, three from 200 rows (a quarter fewer trees); above 10,000 rows a subset."""
    from synthlab.generators._trees import boost_folds

    sub, parts = boost_folds(n, seed=3)
    assert len(parts) == folds and len(sub) == min(n, 10_000)
    held = np.sort(np.concatenate([test for _, test in parts]))
    assert np.array_equal(held, sub)
    for fit_rows, test_rows in parts:
        assert np.intersect1d(fit_rows, test_rows).size == 0 and len(fit_rows) + len(test_rows) == len(sub)


def test_many_classes_search_rounds_within_a_budget_of_trees(monkeypatch):
    """A round grows one tree per class (three or more classes): the search stops at a budget of
    trees per model, so three classes stop at a third of the rounds two classes may use."""
    from synthlab.generators import _trees

    assert max(r for r in _trees._BOOST_LOOKS if 10 * r <= _trees._BOOST_TREES) == 15  # ten classes: 15 rounds
    monkeypatch.setattr(_trees, "_BOOST_TREES", 70)  # two classes: up to 65 rounds; three: up to 22
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1500, 2))
    score = np.sin(2 * x[:, 0]) + x[:, 1] ** 2 + x[:, 0] * x[:, 1]  # smooth: boosting needs many rounds
    three = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3])).astype(float)
    folds = _trees.boost_folds(1500, seed=0)
    rounds_three, proba = _trees.cross_fitted_rounds(x, three, np.arange(3.0), folds, seed=0)
    two = (score > np.median(score)).astype(float)
    rounds_two, _ = _trees.cross_fitted_rounds(x, two, np.array([0.0, 1.0]), folds, seed=0)
    assert rounds_three <= 22 < rounds_two <= 65
    assert proba.shape == (1500, 3) and np.allclose(proba.sum(axis=1), 1.0)


def test_fit_is_the_same_on_one_thread_and_on_several(monkeypatch):
    import synthlab.generators.synthlab as module

    df = survey(800)
    df["target"] = np.where(df["income"] > df["income"].median(), "high", "low")
    schema = Schema.detect(df, target="target")
    monkeypatch.setattr(module, "_FIT_THREADS", 1)
    one = fit(df, schema).sample(400, seed=5)
    monkeypatch.setattr(module, "_FIT_THREADS", 4)
    pd.testing.assert_frame_equal(one, fit(df, schema).sample(400, seed=5))


def test_backoff_reaches_each_node_with_the_product_of_its_path():
    """One uniform per row against each node's chance of being reached gives the distribution of
    walking down the path with a coin per split (checked exactly for paths, empirically for draws)."""
    from sklearn.tree import DecisionTreeRegressor

    from synthlab.generators._trees import LeafPools

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 3))
    y = x[:, 0] + rng.normal(size=3000)
    tree = DecisionTreeRegressor(min_samples_leaf=5, random_state=0).fit(x, y)
    pools = LeafPools.build(tree.apply(x), y, tree, backoff=20.0)
    left, right = tree.tree_.children_left, tree.tree_.children_right
    parent = {int(c): i for i in range(len(left)) if left[i] >= 0 for c in (left[i], right[i])}
    enter = np.where(pools.single, 1.0, pools.size / (pools.size + 20.0))
    leaves = np.flatnonzero(left < 0)
    for leaf in leaves[:200]:
        path = [int(leaf)]
        while path[-1] in parent:
            path.append(parent[path[-1]])
        path = path[::-1]
        chance = np.cumprod([1.0, *enter[path[1:]]])
        assert list(pools.ancestors[: len(path), leaf]) == path
        np.testing.assert_allclose(pools.reach[: len(path), leaf], chance)
        assert (pools.reach[len(path):, leaf] == -1).all()
    deep = leaves[np.argmax((pools.reach[:, leaves] > 0).sum(axis=0))]
    drawn = pools.nodes(np.full(100_000, deep), np.random.default_rng(1))
    depth = int((pools.reach[:, deep] >= 0).sum())
    expected = [pools.reach[k, deep] - (pools.reach[k + 1, deep] if k + 1 < depth else 0.0) for k in range(depth)]
    observed = [(drawn == pools.ancestors[k, deep]).mean() for k in range(depth)]
    np.testing.assert_allclose(observed, expected, atol=0.01)


def test_a_target_class_of_one_row_does_not_break_the_fit():
    """A cross-fitting fold can miss a class of one row, leaving its models one class (sklearn's
    boosting then still returns two probability columns; this fit raised a shape error)."""
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(list("pq"), n), "t": ["a"] * (n - 1) + ["b"]})
    gen = fit(df, Schema.detect(df, target="t"))
    assert gen.relabel_ is not None and gen.relabel_.model is not None
    assert set(gen.sample(2000, seed=0)["t"]) <= {"a", "b"}


def test_auto_order_draws_the_most_connected_columns_first():
    """A county's wage and tuition levels fix its region; coin flips relate to nothing. The county
    columns are drawn first (so counties keep their real combinations), the coins last; a
    categorical target goes first whatever its connections."""
    from synthlab.generators.synthlab import _dependence, auto_order

    rng = np.random.default_rng(0)
    n = 2000
    county = rng.integers(0, 40, n)
    df = pd.DataFrame({
        "coin": rng.choice(["h", "t"], n),
        "region": np.where(county < 10, "west", "other"),
        "wage": (7 + county * 0.13).round(2),
        "tuition": (0.4 + (county % 7) * 0.2 + (county < 10) * 0.5).round(2),
        "dice": rng.integers(1, 7, n),
    })
    order = auto_order(df, Schema.detect(df))
    assert set(order[:2]) == {"wage", "tuition"} and set(order[-2:]) == {"coin", "dice"}
    assert auto_order(df, Schema.detect(df, target="coin"))[0] == "coin"
    a, b = rng.integers(0, 5, n), rng.integers(0, 5, n)
    assert _dependence(a, a) > 0.99 and abs(_dependence(a, b)) < 0.01


def test_a_regular_grid_of_months_or_dates_is_the_index():
    """A panel's months (as many rows each) and a series' dates (one row each, some held out: gaps of
    whole steps, calendar months of 28-31 days) index the table; ages (more rows in mid-life),
    measurements, short grids and categories do not."""
    from synthlab.generators.synthlab import grid_levels

    rng = np.random.default_rng(0)
    months = pd.Series(np.tile(2000 + np.arange(150) / 12, 40)).sample(frac=0.4, random_state=0)
    assert grid_levels(months) == 150
    days = pd.Series(pd.date_range("2001-01-01", periods=1000, freq="D")).sample(frac=0.4, random_state=0)
    assert grid_levels(days) == 400
    assert grid_levels(pd.Series(pd.date_range("1967-07-01", periods=300, freq="MS")).sample(frac=0.4, random_state=0)) == 120
    assert grid_levels(pd.Series(np.clip(rng.normal(45, 12, 5000).round(), 18, 90))) == 0
    assert grid_levels(pd.Series(rng.normal(size=3000))) == 0
    assert grid_levels(pd.Series(np.repeat(np.arange(8), 300))) == 0
    assert grid_levels(pd.Series(rng.choice(list("abc"), 300))) == 0


def test_a_panel_s_months_are_drawn_first_and_rows_fall_between_the_training_months():
    """Forty cities' monthly sales and listings (the city itself not a column: its numbers tell it
    apart). Drawn after them, a row's month came from the few training rows of its city in the
    leaf, repeating training (city, month) pairs: rows sat nearer training rows than unseen ones
    (closer-to-train share 0.62). With the month grid drawn first, a row's month is any month and
    its numbers come from its city's rows around it, as a fresh month's would."""
    from synthlab.metrics.privacy import closer_to_train_share

    rng = np.random.default_rng(0)
    city, t = np.repeat(np.arange(40), 150), np.tile(np.arange(150), 40)
    level = rng.lognormal(5, 1, 40)[city]
    trend = 1 + 0.004 * t * rng.uniform(0.5, 1.5, 40)[city] + 0.1 * np.sin(2 * np.pi * t / 12)
    df = pd.DataFrame({"sales": np.round(level * trend * rng.lognormal(0, 0.05, len(t))),
                       "listings": np.round(8 * level * (2 - trend / 2) * rng.lognormal(0, 0.05, len(t))),
                       "date": 2000 + t / 12})
    rows = rng.permutation(len(df))
    train, holdout = df.iloc[rows[:3000]], df.iloc[rows[3000:]]
    schema = Schema.detect(df)
    shares = {}
    for order in ("auto", "data"):  # data: the month last, where the most connected order put it
        gen = fit(train, schema, column_order=order)
        shares[gen.order_[0]] = closer_to_train_share(gen.sample(len(train), seed=0), train, holdout, schema)
    assert shares["date"] < 0.56 and shares["sales"] > 0.58, shares


def test_a_panel_of_many_countries_keeps_each_country_s_population():
    """120 countries, 15 training rows each: every one holds enough rows to be modelled. Cut at the
    50 most frequent, the other 70 shared the rare code, their populations were drawn apart from them
    and only 35% of rows carried their country's population for the year (within 5%). Thinning of
    close rows is off: it keeps rows away from training rows' (country, year, population), which costs
    this share (0.45 with it) and is measured on its own in tests/test_generator_thinning.py."""
    rng = np.random.default_rng(0)
    country = np.repeat([f"c{i:03d}" for i in range(120)], 30)
    year = np.tile(np.arange(1990, 2020), 120)
    population = np.round(np.repeat(rng.lognormal(15, 1.5, 120), 30) * np.repeat(rng.uniform(1, 1.03, 120), 30) ** (year - 1990))
    df = pd.DataFrame({"country": country, "year": year, "population": population}).sample(frac=0.5, random_state=0)
    truth = dict(zip(zip(country, year, strict=True), population, strict=True))
    share = {}
    for cap in (None, 50):
        gen = fit(df, Schema.detect(df), thin_close_rows=False, **({} if cap is None else {"max_categories": cap}))
        out = gen.sample(len(df), seed=0)
        real = np.array([truth[(c, int(y))] for c, y in zip(out["country"], out["year"], strict=True)])
        share[cap] = float(np.mean(np.abs(out["population"] / real - 1) < 0.05))
    assert share[None] > 0.5 and share[50] < 0.45, share


def test_leaves_and_back_off_tuned_on_a_capped_subset_match_the_full_tuning(monkeypatch):
    """Above 20,000 rows the tuning trees grow on two 10,000-row halves (a large fit sample's tuning
    trees were most of its fit time); the leaf size and back-off they find, scaled to the rows, stay
    close to what the full halves find."""
    import synthlab.generators._trees as trees

    rng = np.random.default_rng(0)
    n = 60_000
    x = rng.uniform(size=(n, 3))
    y = np.sin(6 * x[:, 0]) + (x[:, 1] > 0.5) + rng.normal(scale=0.5, size=n)
    a, b, grow = trees.tuning_halves(n, 0)
    assert len(a) == len(b) == 10_000 and grow == 3.0 and not set(a) & set(b)
    capped = trees.tuned_leaf_size(x, y, None, 5, None, 0), trees.tuned_backoff(x, y, None, 40, None, 0)
    monkeypatch.setattr(trees, "_TUNE_ROWS", 10 * n)
    full = trees.tuned_leaf_size(x, y, None, 5, None, 0), trees.tuned_backoff(x, y, None, 40, None, 0)
    assert trees.tuning_halves(n, 0)[2] == 1.0
    assert 0.5 <= capped[0] / full[0] <= 2.0
    assert full[1] > 0 and 0.5 <= capped[1] / full[1] <= 2.0


def test_boosting_runs_on_one_thread_within_the_limit():
    """The limit reuses one scan of the process's thread pools (a scan per call cost 1.1 ms, a third
    of a small sampling round) and still holds OpenMP and BLAS to one thread while it lasts."""
    from threadpoolctl import threadpool_info

    from synthlab.generators._trees import _one_thread

    for api in ("openmp", "blas"):
        with _one_thread(api):
            inside = [p["num_threads"] for p in threadpool_info() if p["user_api"] == api]
        assert inside and set(inside) == {1}
