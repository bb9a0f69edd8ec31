"""Business rules (safe parsing, checking, enforcing), conditional sampling, rebalancing and the
rule-based Faker generator."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from synthlab.errors import GeneratorError
from synthlab.generators import make_generator
from synthlab.generators.conditions import rebalance, sample_conditions
from synthlab.generators.faker_rules import FakerRulesGenerator
from synthlab.generators.rules import Rule, enforce, parse_rules, prepare_fit, violation_shares
from synthlab.schema import Kind, Schema


def accounts(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    a = rng.integers(0, 100, n).astype(float)
    b = np.round(rng.uniform(0, 50, n), 2)
    plan = rng.choice(["basic", "plus", "premium"], n, p=[0.7, 0.25, 0.05]).astype(object)
    df = pd.DataFrame({
        "start_date": start.strftime("%Y-%m-%d"),
        "end_date": (start + pd.to_timedelta(rng.integers(0, 200, n), unit="D")).strftime("%Y-%m-%d"),
        "age": rng.integers(10, 70, n).astype(float),
        "income": np.round(rng.uniform(0, 9000, n), 2),
        "a": a, "b": b, "c": a + b,
        "plan": plan,
        "monthly fee": rng.integers(5, 50, n),
        "member": rng.random(n) < 0.5,
    })
    df.loc[df.index[::10], "income"] = np.nan
    return df


@pytest.fixture(scope="module")
def data():
    df = accounts()
    schema = Schema.detect(df)
    return df, schema, schema.coerce(df)


# ----- rules ---------------------------------------------------------------------------------
def test_rules_parse_and_check(data):
    _, schema, w = data
    cases = {
        "end_date >= start_date": (w.end_date >= w.start_date),
        "age >= 18": (w.age >= 18),
        "a + b == c": pd.Series(True, index=w.index),
        "income > 4000 or age < 18": (w.income > 4000) | (w.age < 18) | w.income.isna(),
        "`monthly fee` * 12 <= 300": (w["monthly fee"] * 12 <= 300),
        "end_date - start_date <= 100": ((w.end_date - w.start_date).dt.days <= 100),
        "start_date >= '2021-06-01'": (w.start_date >= pd.Timestamp("2021-06-01")),
        "plan == 'basic' and not member": (w.plan == "basic") & ~w.member.astype(bool),
        "abs(age - 40) < 10": ((w.age - 40).abs() < 10),
        "18 <= age < 60": ((w.age >= 18) & (w.age < 60)),
    }
    for text, expected in cases.items():
        got = Rule.parse(text, schema).check(w)
        assert got.dtype == bool
        assert got.tolist() == expected.fillna(True).astype(bool).tolist(), text


def test_missing_values_do_not_violate(data):
    _, schema, w = data
    rule = Rule.parse("income > 1e9", schema)
    ok = rule.check(w)
    assert ok[w.income.isna()].all() and not ok[w.income.notna()].any()
    shares = violation_shares(w, [rule])
    assert shares["income > 1e9"] == pytest.approx(w.income.notna().mean())


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo hacked')",
    "age.__class__.__bases__",
    "[x for x in age]",
    "(lambda: 1)()",
    "open('/etc/passwd')",
    "eval('1')",
    "age if age else 1",
    "f'{age}' == 'x'",
    "age[0] > 1",
    "nonexistent > 1",
    "`no such column` > 1",
    "age >",
    "age",
    "plan > 3",
    "plan < 'basic'",
    "age + plan > 1",
    "",
])
def test_unsafe_or_bad_rules_rejected(text, data):
    _, schema, _ = data
    with pytest.raises(GeneratorError):
        Rule.parse(text, schema)


def test_rule_messages_name_the_problem(data):
    _, schema, _ = data
    with pytest.raises(GeneratorError, match="no column named 'agee'"):
        Rule.parse("agee > 1", schema)
    with pytest.raises(GeneratorError, match="only function"):
        Rule.parse("__import__('os')", schema)
    with pytest.raises(GeneratorError, match="could not be read"):
        Rule.parse("age >> >", schema)


def test_rule_shapes(data):
    _, schema, _ = data
    assert Rule.parse("end_date >= start_date", schema).inequality() == ("start_date", "end_date", False)
    assert Rule.parse("a < b", schema).inequality() == ("a", "b", True)
    assert Rule.parse("age >= 0", schema).inequality() is None
    assert Rule.parse("c == a + b", schema).assignment()[0] == "c"
    assert Rule.parse("a + b == c", schema).assignment()[0] == "c"
    assert Rule.parse("a == a + 1", schema).assignment() is None
    assert [r.text for r in parse_rules("age >= 0\n\n# note\nend_date >= start_date", schema)] == [
        "age >= 0", "end_date >= start_date"]


@pytest.mark.parametrize("name", ["independent", "gaussian_copula"])
def test_enforce_makes_rows_follow_rules(name, data):
    df, schema, _ = data
    rules = parse_rules(["end_date >= start_date", "age >= 30", "c == a + b"], schema)
    generator = make_generator(name)
    handed = prepare_fit(generator, rules)
    assert handed == (["end_date >= start_date"] if name == "gaussian_copula" else [])
    generator.fit(df, schema)
    result = enforce(generator, 300, 5, rules)
    assert len(result.data) == 300 and list(result.data.columns) == list(df.columns)
    assert result.followed_share == 1.0 and result.message == ""
    assert all(v == 0.0 for v in violation_shares(result.data, rules).values())
    assert result.repaired == ["c == a + b"]
    assert 0 < result.acceptance_rate < 1
    pd.testing.assert_frame_equal(enforce(generator, 300, 5, rules).data, result.data)


def test_enforce_reports_rules_it_cannot_meet(data):
    df, schema, _ = data
    generator = make_generator("bootstrap").fit(df, schema)
    result = enforce(generator, 50, 0, parse_rules(["age > 1000"], schema), max_rounds=2)
    assert len(result.data) == 50
    assert result.followed_share == 0.0 and "Only 0 of 50" in result.message


def test_sdv_constraint_dropped_when_real_data_breaks_it(data):
    df, schema, _ = data
    broken = df.copy()
    broken.loc[0, "end_date"] = "2019-01-01"
    generator = make_generator("gaussian_copula")
    rules = parse_rules(["end_date >= start_date"], schema)
    prepare_fit(generator, rules)
    generator.fit(broken, schema)
    assert generator.dropped_constraints_ == ["end_date >= start_date"]
    assert enforce(generator, 100, 0, rules).followed_share == 1.0


# ----- conditions and rebalancing ------------------------------------------------------------
@pytest.mark.parametrize("name", ["independent", "gaussian_copula"])
def test_sample_conditions(name, data):
    df, schema, _ = data
    generator = make_generator(name).fit(df, schema)
    out = sample_conditions(generator, 80, 3, {"plan": "premium", "member": True})
    assert len(out) == 80 and list(out.columns) == list(df.columns)
    assert (out.plan == "premium").all() and (out.member == True).all()  # noqa: E712
    assert str(out.member.dtype) == "boolean"
    pd.testing.assert_frame_equal(out, sample_conditions(generator, 80, 3, {"plan": "premium", "member": True}))
    ages = sample_conditions(generator, 20, 0, {"age": 33})
    assert (ages.age == 33).all()


def test_conditions_errors(data):
    df, schema, _ = data
    generator = make_generator("bootstrap").fit(df, schema)
    with pytest.raises(GeneratorError, match="never occurs"):
        sample_conditions(generator, 10, 0, {"plan": "gold"})
    with pytest.raises(GeneratorError, match="no column"):
        sample_conditions(generator, 10, 0, {"nope": 1})
    with pytest.raises(GeneratorError, match="too rare"):  # an age the real data never has
        sample_conditions(generator, 10, 0, {"age": 5}, max_rounds=2)


@pytest.mark.parametrize("name", ["independent", "gaussian_copula"])
def test_rebalance_sets_the_share(name, data):
    df, schema, w = data
    assert (w.plan == "premium").mean() < 0.1
    generator = make_generator(name).fit(df, schema)
    out = rebalance(generator, 400, 1, "plan", "premium", 0.4)
    assert len(out) == 400
    assert (out.plan == "premium").sum() == 160
    assert out.plan.iloc[:160].eq("premium").mean() < 1  # shuffled, not stacked
    pd.testing.assert_frame_equal(out, rebalance(generator, 400, 1, "plan", "premium", 0.4))
    with pytest.raises(GeneratorError):
        rebalance(generator, 10, 0, "plan", "premium", 1.5)


# ----- rule-based Faker generator ------------------------------------------------------------
def test_faker_default_rules_are_summaries(data):
    df, schema, w = data
    df = df.assign(plan=df.plan.where(df.index != 0, "one-off label"))
    rules = FakerRulesGenerator.default_rules(df, schema)
    json.dumps(rules)
    assert set(rules) == set(schema.learned)
    assert rules["start_date"]["type"] == "dates"
    assert rules["member"]["type"] == "boolean"
    assert rules["income"]["type"] in {"normal", "uniform", "lognormal"}
    assert rules["income"]["missing"] == pytest.approx(w.income.isna().mean(), abs=1e-4)
    assert rules["income"]["min"] == w.income.min() and rules["income"]["max"] == w.income.max()
    assert "one-off label" not in rules["plan"]["weights"]  # a label seen once can identify a row
    assert abs(sum(rules["plan"]["weights"].values()) - 1) < 1e-6
    numbers_in_rules = {v for r in rules.values() for v in r.values() if isinstance(v, float)}
    assert not set(w.income.dropna()) - {w.income.min(), w.income.max()} & numbers_in_rules


def test_faker_user_rules(data):
    df, schema, _ = data
    rules = {
        "plan": {"type": "regex", "pattern": r"[A-Z]{2}-\d{3}(x|yz)?"},
        "age": {"type": "uniform", "min": 20, "max": 21, "decimals": 0},
        "income": {"type": "normal", "mean": 100, "sd": 1, "min": 90, "max": 110, "decimals": 2, "missing": 0.5},
    }
    g = make_generator("faker", rules=json.dumps(rules), locale="de_DE").fit(df, schema)
    out = g.sample(400, seed=1)
    assert out.plan.map(lambda v: re.fullmatch(r"[A-Z]{2}-\d{3}(x|yz)?", v) is not None).all()
    assert out.age.between(20, 21).all()
    assert abs(out.income.isna().mean() - 0.5) < 0.01
    assert out.income.dropna().between(90, 110).all()
    assert g.rules_["end_date"]["type"] == "dates"  # columns not given keep their default rule
    job = make_generator("faker", rules={"plan": {"type": "faker", "provider": "job"}}).fit(df, schema)
    assert job.sample(20, 0).plan.str.len().gt(0).all()


@pytest.mark.parametrize("rules", [
    {"plan": {"type": "faker", "provider": "__class__"}},
    {"plan": {"type": "regex", "pattern": r"(a)\1"}},
    {"plan": {"type": "regex", "pattern": "["}},
    {"age": {"type": "dates", "start": "2020-01-01", "end": "2021-01-01"}},
    {"age": {"type": "normal", "mean": 1, "sd": -1, "min": 0, "max": 3}},
    {"age": {"type": "uniform", "min": 5, "max": 1}},
    {"plan": {"type": "categories", "weights": {}}},
    {"nope": {"type": "boolean"}},
    {"member": {"type": "boolean", "p_true": 2}},
])
def test_faker_bad_rules_rejected(rules, data):
    df, schema, _ = data
    with pytest.raises(GeneratorError):
        make_generator("faker", rules=rules).fit(df, schema)


def test_faker_pattern_rule_for_unique_codes():
    df = pd.DataFrame({"code": [f"AB{i:04d}" for i in range(40)], "x": np.arange(40.0)})
    schema = Schema.detect(df)
    schema["code"].kind = Kind.CATEGORICAL
    rules = FakerRulesGenerator.default_rules(df, schema)
    assert rules["code"] == {"type": "pattern", "pattern": "??####", "letters": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                             "missing": 0.0}
