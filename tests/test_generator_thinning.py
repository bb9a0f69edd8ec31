"""Thinning of drawn rows that sit nearer a training row than unseen real rows do."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.generators import _thinning, make_generator
from synthlab.generators._thinning import OVERSAMPLE, CloseRowThinning
from synthlab.metrics.privacy import closer_to_train_share, distances_to_train
from synthlab.schema import Schema


def people(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n)
    x = rng.normal(0, 1, n) + (group == "a")
    return pd.DataFrame({"group": group, "x": x.round(3), "y": (x + rng.normal(0, 1, n)).round(3),
                         "z": rng.gamma(2.0, 1.0, n).round(3)})


def whole_row(df: pd.DataFrame) -> Schema:
    """A schema without a target: every column counts in the thinning's distances (the target is left
    out of them, see test_the_target_does_not_decide_which_rows_are_kept)."""
    schema = Schema.detect(df)
    schema.target = None
    return schema


def jittered(rows: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Training rows moved a hair: what a generator that leans on its training rows draws."""
    rng = np.random.default_rng(seed)
    out = rows.copy()
    for c in ("x", "y", "z"):
        out[c] = out[c] + rng.normal(0, 0.02, len(out))
    return out


def test_rows_that_hug_training_rows_are_thinned_and_fresh_rows_are_kept():
    train, fresh = people(400, 0), people(400, 1)
    schema = whole_row(train)
    thinning = CloseRowThinning.fit(train, schema)
    drawn = pd.concat([jittered(train, 2), fresh], ignore_index=True)  # half hug train, half are fresh
    kept = thinning.keep(drawn, 400, np.random.default_rng(0))
    assert len(kept) == 400 and len(set(kept)) == 400
    hugging = np.mean(kept < 400)
    assert hugging < 0.35  # a random half would keep 0.5
    # the kept rows lean to train far less than the drawn ones (judged against another real sample)
    holdout = people(400, 3)
    assert closer_to_train_share(drawn.iloc[kept], train, holdout, schema) < (
        closer_to_train_share(drawn, train, holdout, schema) - 0.1)


def test_small_fits_keep_rows_farther_than_fresh_real_rows():
    """Drawn rows are kept by their odds of not leaning: of rows drawn as far from train as fresh real
    rows, the nearer ones are thinned."""
    train = people(400, 0)
    schema = whole_row(train)
    drawn = people(800, 1)
    kept = CloseRowThinning.fit(train, schema).keep(drawn, 400, np.random.default_rng(0))
    d_all, d_kept = distances_to_train(drawn, train, schema), distances_to_train(drawn.iloc[kept], train, schema)
    assert np.median(d_kept) > 1.1 * np.median(d_all)


def test_fits_over_lean_rows_thin_by_a_gentler_power(monkeypatch):
    """Over LEAN_ROWS fitted rows the odds are taken to LARGE_FIT_POWER: hugging rows are still
    thinned, less than on a small fit, and no row loses weight."""
    train = people(400, 0)
    schema = whole_row(train)
    drawn = pd.concat([jittered(train, 2), people(400, 1)], ignore_index=True)
    thinning = CloseRowThinning.fit(train, schema)
    nn = thinning.neighbours(drawn)
    full = thinning.weights(nn)
    hugging = {}
    for lean_rows in (400, 399):
        monkeypatch.setattr(_thinning, "LEAN_ROWS", lean_rows)
        kept = thinning.keep(drawn, 400, np.random.default_rng(0))
        hugging[lean_rows] = np.mean(kept < 400)
    gentle = thinning.weights(nn)
    assert np.all(gentle >= full) and np.any(gentle > full)
    assert np.allclose(gentle, full ** _thinning.LARGE_FIT_POWER)
    assert hugging[400] < hugging[399] < 0.45


def test_the_lean_model_flags_rows_beside_one_training_row():
    """A row nearer its nearest training row, or far nearer it than its second, is likelier to lean."""
    reference = np.sort(np.random.default_rng(0).uniform(1.0, 3.0, 500))
    d2 = np.full(5, 2.5)
    p = _thinning.lean_chance(np.array([0.0, 1.0, 1.5, 2.0, 2.5]), d2, reference)
    assert np.all(np.diff(p) < 0) and p[0] > 0.8 and p[-1] < 0.5
    beside_one = _thinning.lean_chance(np.array([1.5]), np.array([3.0]), reference)
    among_many = _thinning.lean_chance(np.array([1.5]), np.array([1.6]), reference)
    assert beside_one > among_many
    assert np.all((p > 0) & (p < 1))


def test_fits_over_capped_rows_keep_rows_that_do_not_lean_alike(monkeypatch):
    """Over CAPPED_ROWS fitted rows a weight is the odds capped at 1; up to it the odds are scaled to
    their largest, so the least leaning rows are favoured too."""
    train, drawn = people(400, 0), people(800, 1)
    thinning = CloseRowThinning.fit(train, whole_row(train))
    nn = thinning.neighbours(drawn)
    p = _thinning.lean_chance(nn.d1, nn.d2, thinning.reference)
    assert 0.1 < np.mean(p < 0.5) < 0.9
    capped = thinning.weights(nn)
    assert np.all(capped[p <= 0.5] == 1.0) and np.all(capped[p > 0.5] < 1.0)
    monkeypatch.setattr(_thinning, "CAPPED_ROWS", 400)
    scaled = thinning.weights(nn)
    order = np.argsort(p)
    assert scaled.max() == 1.0 and np.all(np.diff(scaled[order]) <= 0)
    assert np.ptp(scaled[p <= 0.5]) > 0.2


def test_large_tables_and_samples_are_not_thinned(monkeypatch):
    train = people(300, 0)
    schema = whole_row(train)
    monkeypatch.setattr(_thinning, "MAX_TRAIN_ROWS", 299)
    assert CloseRowThinning.fit(train, schema) is None
    monkeypatch.setattr(_thinning, "MAX_TRAIN_ROWS", 300)
    thinning = CloseRowThinning.fit(train, schema)
    monkeypatch.setattr(_thinning, "MAX_PAIRS", OVERSAMPLE * 300 * 1000)
    assert thinning.affordable(1000) and not thinning.affordable(1001)


def test_the_default_draws_fewer_rows_near_training_rows_with_thinning():
    train, holdout = people(300, 0), people(300, 1)
    schema = Schema.detect(train)
    share = {}
    for thin in (False, True):
        gen = make_generator("synthlab", random_state=0, thin_close_rows=thin).fit(train, schema)
        syn = gen.sample(300, seed=0)
        assert list(syn.columns) == list(train.columns) and len(syn) == 300
        share[thin] = np.mean([closer_to_train_share(gen.sample(300, seed=s), train, holdout, schema)
                               for s in range(3)])
    assert share[True] < share[False]
    default = make_generator("synthlab", random_state=0).fit(train, schema)  # thinning is on by default
    assert default.thinning_ is not None
    assert len(default.sample(5, seed=0)) == 5


def test_the_target_does_not_decide_which_rows_are_kept():
    """Which drawn rows are kept must not depend on their drawn target: kept by distances counting it,
    rows whose target differs from their nearest training row's would be favoured (a noisier target)."""
    train, drawn = people(400, 0), people(800, 1)
    shuffled = drawn.assign(y=np.random.default_rng(2).permutation(drawn["y"].to_numpy()))
    schema = Schema.detect(train)
    kept = {}
    for target in ("y", None):
        schema.target = target
        thinning = CloseRowThinning.fit(train, schema)
        assert ("y" in thinning.columns) is (target is None)
        kept[target] = [thinning.keep(d, 400, np.random.default_rng(0)) for d in (drawn, shuffled)]
    assert np.array_equal(*kept["y"])
    assert not np.array_equal(*kept[None])
