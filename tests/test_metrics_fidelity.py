"""Fidelity metrics: SDMetrics QualityReport agreement, edge cases, bootstrap consistency."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from synthlab.metrics.encoding import Codec, prepare
from synthlab.metrics.fidelity import (
    ColumnPairTrends,
    ColumnShapes,
    Coverage,
    MissingValueSimilarity,
    _ks_complement,
    _pairwise_corr,
    column_pair_trends,
    column_shapes,
    fidelity_section,
)
from synthlab.samples import SAMPLE_DIR
from synthlab.schema import Schema


def _independent(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: df[c].to_numpy()[rng.integers(0, len(df), len(df))] for c in df.columns})


def _sdmetrics(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema):
    from sdmetrics.reports.single_table import QualityReport

    cols = schema.learned
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = QualityReport()
        report.generate(real[cols], synthetic[cols], schema.sdmetrics_metadata(cols), verbose=False)
    return report


@pytest.mark.parametrize("name", ["math_placement", "hhs_breaches"])
def test_agrees_with_sdmetrics_quality_report(name):
    """Numbers, categories, booleans, dates, missing values: within 0.01 of SDMetrics, overall and per column."""
    df = pd.read_csv(SAMPLE_DIR / f"{name}.csv").sample(1100, random_state=0).reset_index(drop=True)
    schema = Schema.detect(df)
    work = schema.coerce(df)
    real, rest = work.iloc[:750].reset_index(drop=True), work.iloc[750:].reset_index(drop=True)
    for synthetic in (rest, schema.coerce(_independent(real, 1))):
        report = _sdmetrics(real, synthetic, schema)
        props = report.get_properties().set_index("Property")["Score"]
        assert column_shapes(real, synthetic, schema) == pytest.approx(props["Column Shapes"], abs=0.01)
        assert column_pair_trends(real, synthetic, schema) == pytest.approx(props["Column Pair Trends"], abs=0.01)
        ref = report.get_details("Column Shapes").set_index("Column")["Score"]
        mine = {r["column"]: r["score"] for r in ColumnShapes.breakdown(real, synthetic, schema)}
        for col, score in ref.items():
            assert mine[col] == pytest.approx(score, abs=0.01), col
        pairs = report.get_details("Column Pair Trends")
        counted = {(r["Column 1"], r["Column 2"]) for _, r in pairs.iterrows()
                   if bool(pd.Series([r["Meets Threshold?"]]).astype("boolean").fillna(False).iloc[0])}
        mine_pairs = ColumnPairTrends.breakdown(real, synthetic, schema)
        assert {tuple(p["columns"]) for p in mine_pairs if p["counted"]} == counted
        ref_scores = {(r["Column 1"], r["Column 2"]): r["Score"] for _, r in pairs.iterrows() if pd.notna(r["Score"])}
        for p in mine_pairs:
            key = tuple(p["columns"])
            if key in ref_scores:
                assert p["score"] == pytest.approx(ref_scores[key], abs=0.01), key


def test_raw_and_working_frames_give_the_same_scores():
    df = pd.DataFrame({"n": ["1", "2", "3", "4"] * 25, "c": list("abcd") * 25, "b": ["yes", "no"] * 50})
    schema = Schema.detect(df)
    other = df.sample(frac=1.0, random_state=3)  # a shuffled, non-range index must not misalign rows
    assert column_shapes(df, other, schema) == pytest.approx(column_shapes(schema.coerce(df), schema.coerce(other), schema))
    assert column_pair_trends(df, other, schema) == pytest.approx(1.0)


def test_identical_frames_score_one_and_shifted_numbers_score_lower():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=500), "y": rng.normal(size=500), "c": rng.choice(list("abc"), 500)})
    schema = Schema.detect(real)
    assert column_shapes(real, real, schema) == pytest.approx(1.0)
    shifted = real.assign(x=real["x"] + 3)
    assert column_shapes(real, shifted, schema) < 0.8


def test_edge_columns_do_not_break_the_scores():
    """A constant column, an all-missing column and a date column: scores stay finite where defined."""
    rng = np.random.default_rng(1)
    n = 300
    real = pd.DataFrame({
        "const": [5.0] * n,
        "empty": [np.nan] * n,
        "when": pd.date_range("2020-01-01", periods=n, freq="D").astype(str),
        "x": rng.normal(size=n),
        "c": rng.choice(["a", "b"], n),
    })
    schema = Schema.detect(real)
    syn = real.sample(frac=1.0, random_state=2).reset_index(drop=True)
    assert np.isfinite(column_shapes(real, syn, schema))
    assert np.isfinite(column_pair_trends(real, syn, schema))
    cov = {r["column"]: r["score"] for r in Coverage.breakdown(real, syn, schema)}
    assert cov["x"] == pytest.approx(1.0) and cov["c"] == pytest.approx(1.0)
    miss = {r["column"]: r["score"] for r in MissingValueSimilarity.breakdown(real, syn, schema)}
    assert miss["empty"] == pytest.approx(1.0)


def test_weighted_ks_with_unit_weights_equals_scipy():
    from scipy.stats import ks_2samp

    rng = np.random.default_rng(2)
    x, y = rng.normal(size=400), rng.normal(0.2, size=300)
    x[:5] = np.nan
    expected = 1 - ks_2samp(x[~np.isnan(x)], y).statistic
    assert _ks_complement(x, y)[0] == pytest.approx(expected)
    w = np.ones((3, x.size)), np.ones((3, y.size))
    assert np.allclose(_ks_complement(x, y, *w), expected)


def test_pairwise_correlation_matches_pandas_with_missing_values():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 4))
    x[:, 1] += x[:, 0]
    x[rng.random(x.shape) < 0.15] = np.nan
    expected = pd.DataFrame(x).corr().to_numpy()
    assert np.allclose(_pairwise_corr(x)[0], expected, atol=1e-10)


def test_section_compares_equal_size_samples_and_brackets_values():
    rng = np.random.default_rng(4)
    n = 1200
    a = rng.normal(size=n)
    df = pd.DataFrame({"a": a, "b": a + rng.normal(scale=0.3, size=n), "c": np.where(a > 0, "hi", "lo")})
    schema = Schema.detect(df)
    work = prepare(df, schema)
    train, hold = work.iloc[:900], work.iloc[900:]
    syn = prepare(_independent(train.reset_index(drop=True), 5), schema)
    codec = Codec.fit([train, syn, hold], schema)
    sec = fidelity_section(codec, codec.encode(train), codec.encode(syn).take(np.arange(300)), codec.encode(hold))
    trend = sec["trend"]
    assert trend.value < trend.ceiling  # independence breaks a strong pair
    assert trend.rating in ("good", "fair", "poor")
    assert trend.ci[0] <= trend.value + 0.05 and trend.ceiling_ci[0] <= trend.ceiling + 0.05
    assert sec["shape"].rating == "excellent"  # the marginals themselves are right
    assert {c["column"] for c in sec["columns"]} == {"a", "b", "c"}
    assert len(sec["pairs"]) == 3
