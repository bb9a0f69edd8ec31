"""Validity: ranges, categories, key uniqueness and business rules, against the holdout."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.metrics.validity import validity_section
from synthlab.schema import Schema


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"customer_id": np.arange(1000, 1000 + n), "x": rng.uniform(0, 10, n),
                         "c": rng.choice(["a", "b", "c"], n)})


def _section(syn: pd.DataFrame, rules=None):
    real = _frame(1200, 0)
    schema = Schema.detect(real)
    w = schema.coerce(real)
    train, hold = w.iloc[:900].reset_index(drop=True), w.iloc[900:].reset_index(drop=True)
    return validity_section(train, schema.coerce(syn)[schema.learned], hold, schema, rules=rules,
                            raw=(syn, real.iloc[900:]))


def test_fresh_rows_are_valid():
    sec = _section(_frame(900, 1))
    assert sec["verdict"]["rating"] == "excellent"
    assert sec["in_range"].value > 0.98 and sec["known_categories"].value == 1.0
    assert sec["key_uniqueness"].value == 1.0


def test_out_of_range_unknown_categories_and_duplicate_keys_are_caught():
    bad = _frame(900, 2)
    bad.loc[:200, "x"] = 25.0
    bad.loc[:100, "c"] = "zzz"
    bad.loc[:300, "customer_id"] = 7
    sec = _section(bad)
    assert sec["in_range"].rating == "poor" and sec["in_range"].value < 0.8
    assert sec["known_categories"].rating == "poor"
    cats = {r["column"]: r for r in sec["known_categories"].extra["columns"]}
    assert "zzz" in cats["c"]["unknown"]
    assert sec["key_uniqueness"].rating == "poor"
    assert sec["verdict"]["rating"] == "poor"


def test_an_entitys_repeated_key_is_not_judged_for_uniqueness():
    """A panel's person id repeats in real rows too: 'no value repeats' is no standard for it."""
    real = _frame(1200, 0).assign(person_id=np.repeat(np.arange(300), 4))
    schema = Schema.detect(real)
    assert schema["person_id"].kind == schema["customer_id"].kind  # both identifiers
    w = schema.coerce(real)
    syn = _frame(900, 1).assign(person_id=np.repeat(np.arange(5000, 5300), 3), customer_id=7)
    sec = validity_section(w.iloc[:900], schema.coerce(syn)[schema.learned], w.iloc[900:], schema,
                           raw=(syn, real.iloc[900:]))
    assert [r["column"] for r in sec["key_uniqueness"].extra["columns"]] == ["customer_id"]
    assert sec["key_uniqueness"].value == 0.0  # the unique key's repeats are still caught


def test_rules_are_checked_when_the_rules_module_exists_or_skipped_with_a_note():
    sec = _section(_frame(900, 3), rules=["x >= 0"])
    assert "rule_violations" in sec or "rules_note" in sec
    if "rule_violations" in sec:
        assert sec["rule_violations"].value == 0.0


def test_broken_business_rule_is_caught():
    import pytest

    pytest.importorskip("synthlab.generators.rules")
    bad = _frame(900, 4)
    bad.loc[:180, "x"] = -1.0  # 20% of rows break "x >= 0"
    sec = _section(bad, rules=["x >= 0", "x <= 100"])
    fig = sec["rule_violations"]
    assert abs(fig.value - 0.2) < 0.01 and fig.ceiling == 0.0
    assert fig.rating == "poor"
    assert [r["rule"] for r in fig.extra["rules"]] == ["x >= 0", "x <= 100"]
