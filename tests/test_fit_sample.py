"""Fitting on a seeded sample of the train split (issue 6: generators that scale badly stay bounded)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.generators import make_generator, registry
from synthlab.generators.base import RARE_CLASS_ROWS, fit_sample
from synthlab.schema import Schema


def _frame(n: int = 5_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = np.where(rng.random(n) < 0.002, "rare", np.where(rng.random(n) < 0.5, "a", "b"))
    return pd.DataFrame({"x": rng.normal(size=n), "y": rng.integers(0, 50, n), "label": label})


def test_fit_sample_is_seeded_bounded_ordered_and_keeps_rare_classes():
    df = _frame()
    a, b = fit_sample(df, 500, seed=3, target="label"), fit_sample(df, 500, seed=3, target="label")
    pd.testing.assert_frame_equal(a, b)
    assert not a.index.equals(fit_sample(df, 500, seed=4, target="label").index)
    assert a.index.is_monotonic_increasing
    assert 500 <= len(a) <= 500 + RARE_CLASS_ROWS
    rare = int((df["label"] == "rare").sum())
    assert rare > 0 and (a["label"] == "rare").sum() >= min(rare, RARE_CLASS_ROWS)  # ~1 expected by chance
    assert fit_sample(df, 0, seed=0) is df and fit_sample(df, 10_000, seed=0) is df


def test_every_generator_exposes_fit_rows_and_neural_ones_default_lower():
    defaults = {name: next(p.default for p in cls.params() if p.name == "fit_rows") for name, cls in registry().items()}
    assert defaults["ctgan"] == defaults["tvae"] == defaults["copulagan"] == 10_000
    assert defaults["synthlab"] == 50_000 and defaults["bootstrap"] == 0


def test_generator_learns_from_the_sample_and_says_how_many_rows():
    df = _frame(3_000)
    schema = Schema.detect(df, target="label")
    g = make_generator("independent", fit_rows=400).fit(df, schema)
    assert g.train_rows_ == 3_000 and 400 <= g.fit_rows_ <= 400 + RARE_CLASS_ROWS
    assert (df["label"] == "rare").sum() > 0 and "rare" in set(g.sample(2_000, seed=0)["label"])
    full = make_generator("independent").fit(df, schema)
    assert full.fit_rows_ == 3_000
