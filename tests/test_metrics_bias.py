"""Bias: group shares, target rates per group and gap widening against the holdout."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.metrics.bias import bias_section
from synthlab.schema import Schema


def _frame(n: int, seed: int, gap: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["f", "m"], n, p=[0.4, 0.6])
    p = np.where(sex == "f", 0.5 - gap / 2, 0.5 + gap / 2)
    return pd.DataFrame({"sex": sex, "age": rng.integers(18, 80, n).astype(float), "x": rng.normal(size=n),
                         "y": np.where(rng.random(n) < p, "yes", "no")})


def _section(syn: pd.DataFrame, sensitive=("sex", "age")):
    real = _frame(3000, 0, gap=0.1)
    schema = Schema.detect(real, target="y", sensitive=list(sensitive))
    w = schema.coerce(real)
    return bias_section(w.iloc[:2250].reset_index(drop=True), schema.coerce(syn), w.iloc[2250:].reset_index(drop=True),
                        schema)


def test_widened_gap_is_flagged_and_a_fresh_sample_is_not():
    widened = _section(_frame(2250, 1, gap=0.5))
    sex = next(a for a in widened["attributes"] if a["attribute"] == "sex")
    fig = sex["gap_widening"]
    assert fig.value > 0.3 and fig.extra["flagged"] and fig.rating == "poor"
    assert widened["verdict"]["rating"] == "poor" and "Gap widening for 'sex'" in widened["flagged"]
    fresh = _section(_frame(2250, 2, gap=0.1))
    assert fresh["verdict"]["rating"] in ("excellent", "good")
    assert not fresh["flagged"]


def test_groups_report_shares_and_rates_real_synthetic_holdout():
    sec = _section(_frame(2250, 3, gap=0.1))
    sex = next(a for a in sec["attributes"] if a["attribute"] == "sex")
    groups = {g["group"]: g for g in sex["groups"]}
    assert abs(groups["f"]["share_real"] - 0.4) < 0.05
    assert {"rate_real", "rate_synthetic", "rate_holdout"} <= set(groups["f"])
    age = next(a for a in sec["attributes"] if a["attribute"] == "age")
    assert len([g for g in age["groups"] if g["rows_real"] > 0]) == 4  # quartiles of a numeric attribute
    assert sec["measure"] == "share of 'y' = 'True'"  # yes/no is a boolean: True is the outcome


def test_under_represented_group_is_caught_by_group_shares():
    skew = _frame(2250, 4, gap=0.1)
    skew = pd.concat([skew[skew.sex == "m"], skew[skew.sex == "f"].iloc[:100]], ignore_index=True)
    sec = _section(skew, sensitive=("sex",))
    assert sec["attributes"][0]["group_share_distance"].rating == "poor"


def test_no_sensitive_attribute_is_not_rated():
    real = _frame(200, 0, gap=0.1)
    schema = Schema.detect(real, target="y", sensitive=[])
    sec = bias_section(real, real, real, schema)
    assert sec["verdict"]["rating"] == "n/a" and sec["attributes"] == []
