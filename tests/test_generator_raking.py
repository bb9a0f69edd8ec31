"""Raking a categorical target's probabilities to each predictor level's observed class shares."""

from __future__ import annotations

import numpy as np
from scipy import stats

from synthlab.generators._raking import Raking


def test_each_level_gets_its_observed_shares_and_keeps_the_models_order():
    rng = np.random.default_rng(0)
    n = 4000
    group = rng.integers(0, 3, n).astype(float)  # a category: codes 0..2
    x = rng.normal(0, 1, n)  # a number
    truth = 1 / (1 + np.exp(-(x + np.array([-2.0, 0.0, 2.5])[group.astype(int)])))
    y = (rng.random(n) < truth).astype(int)
    model = 1 / (1 + np.exp(-0.6 * (x + np.array([-1.0, 0.0, 1.0])[group.astype(int)])))  # too timid
    proba = np.column_stack([1 - model, model])
    z = np.column_stack([group, x])
    raking = Raking.fit(z, proba, y, [0, 1], ["cat", "num"], prior=5.0)
    raked = raking.adjust(proba, z)
    for level in range(3):
        rows = group == level
        assert abs(raked[rows, 1].mean() - y[rows].mean()) < 0.01
        if level != 1:
            assert abs(proba[rows, 1].mean() - y[rows].mean()) > 0.05  # the model's were off
    top = group == 2  # the offsets move levels: the model's order within one barely changes
    assert stats.spearmanr(raked[top, 1], proba[top, 1]).statistic > 0.95
    np.testing.assert_allclose(raked.sum(axis=1), 1.0)


def test_a_small_level_is_shrunk_towards_the_model_and_unknown_levels_are_left_alone():
    z = np.column_stack([np.r_[np.zeros(400), np.ones(4)]])
    y = np.r_[np.arange(400) % 2, np.ones(4)].astype(int)  # 4 rows, all of class 1
    proba = np.full((404, 2), 0.5)
    raking = Raking.fit(z, proba, y, [0], ["cat"], prior=4.0)
    small = raking.adjust(proba[-4:], z[-4:])[:, 1]
    np.testing.assert_allclose(small, 0.75, atol=1e-3)  # (4 observed + 4 x 0.5) / 8, not 1.0
    unseen = np.array([[7.0], [np.nan]])
    np.testing.assert_allclose(raking.adjust(np.full((2, 2), 0.5), unseen), 0.5)


def test_no_rows_leave_the_probabilities_as_they_are():
    raking = Raking.fit(np.empty((0, 2)), np.empty((0, 2)), np.empty(0, dtype=int), [0, 1], ["cat", "num"], 5.0)
    z = np.array([[0.0, 1.0], [1.0, np.nan], [np.nan, 2.0]])
    np.testing.assert_allclose(raking.adjust(np.full((3, 2), 0.5), z), 0.5)
