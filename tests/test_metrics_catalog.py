"""Every metric class follows the contract: described, and computable on its own."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from synthlab.metrics.base import GOALS
from synthlab.metrics.catalog import all_metrics
from synthlab.schema import Schema


def test_every_metric_is_described_and_computes():
    rng = np.random.default_rng(0)
    n = 400
    a = rng.normal(size=n)
    df = pd.DataFrame({"row_id": np.arange(n), "a": a, "b": a + rng.normal(scale=0.5, size=n),
                       "sex": rng.choice(["f", "m"], n), "y": np.where(a > 0, "yes", "no")})
    schema = Schema.detect(df, target="y", sensitive=["sex"])
    real, syn, hold = df.iloc[:200], df.iloc[200:300].reset_index(drop=True), df.iloc[300:]
    seen = set()
    for section, metrics in all_metrics().items():
        for m in metrics:
            assert m.name and m.key and m.good and m.goal in GOALS, m
            assert m.range[0] < m.range[1]
            seen.add(m.key)
            extra = {"holdout": hold} if m.key in ("tstr", "augmentation", "closer_to_train_share",
                                                   "at_risk_share") else {}
            if m.key == "rule_violations":
                continue  # needs rule texts (checked in the validity tests)
            value = m.compute(real, syn, schema, **extra)
            assert isinstance(value, float) and (math.isfinite(value) or m.key == "key_uniqueness"), (section, m.key)
            assert isinstance(m.breakdown(real, syn, schema, **extra), list)
    assert {"shape", "trend", "relationships", "coverage", "auc", "tstr", "closer_to_train_share",
            "exact_copy_share", "gap_widening", "in_range"} <= seen
