"""Detection: a real-vs-synthetic classifier's AUC and the columns that give rows away."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthlab.metrics.detection import DetectionAUC, detection_auc
from synthlab.schema import Schema


def _frame(n: int, seed: int, shift: float = 0.0, related: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = a + rng.normal(scale=0.2, size=n) if related else rng.normal(size=n)
    return pd.DataFrame({"a": a, "b": b + shift, "c": rng.choice(["x", "y", "z"], n)})


def test_same_distribution_is_near_half_and_a_broken_relation_is_spotted():
    real = _frame(600, 0)
    schema = Schema.detect(real)
    same = detection_auc(real, _frame(600, 1), schema, seed=0)
    broken = detection_auc(real, _frame(600, 2, related=False), schema, seed=0)
    assert abs(same - 0.5) < 0.08
    assert broken > 0.85


def test_auc_is_seeded_and_uses_equal_size_samples():
    real, syn = _frame(500, 0), _frame(2000, 3, shift=0.5)
    schema = Schema.detect(real)
    assert detection_auc(real, syn, schema, seed=4) == detection_auc(real, syn, schema, seed=4)
    # a much larger synthetic side must not inflate the AUC by class imbalance: both sides are subsampled
    assert 0.5 < detection_auc(real, syn, schema, seed=4) < 1.0


def test_breakdown_names_the_column_that_gives_rows_away():
    real = _frame(600, 0)
    schema = Schema.detect(real)
    rows = DetectionAUC.breakdown(real, _frame(600, 5, shift=1.5), schema)
    assert rows[0]["column"] == "b"
    assert rows[0]["importance"] > rows[-1]["importance"]


def test_too_few_rows_is_a_plain_error():
    from synthlab.errors import DataError

    real = _frame(10, 0)
    with pytest.raises(DataError):
        detection_auc(real, _frame(10, 1), Schema.detect(real))
