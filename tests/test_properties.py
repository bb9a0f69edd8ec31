"""Property-based tests (hypothesis) on random frames and random bytes: the loader, schema detection
and the metrics never fail with anything but a plain SynthLab error, and keep their promises.

Examples are few and frames small (the suite must stay fast); ``derandomize`` makes every run
try the same examples, so a failure here is reproducible.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

from synthlab.errors import DataError, SchemaError, SynthLabError
from synthlab.intake import load_table
from synthlab.metrics.fidelity import column_pair_trends, column_shapes
from synthlab.metrics.privacy import closer_to_train_share, exact_copy_share
from synthlab.schema import Kind, Schema

FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WORKING_DTYPES = {Kind.NUMERICAL: "float64", Kind.BOOLEAN: "boolean", Kind.DATETIME: "datetime64[ns]"}

# Text that CSV and schema heuristics find hard: separators, quotes, formulas, currency, dates, unicode.
TRICKY = st.sampled_from([
    "", " ", "a", "b", "yes", "no", "NA", "null", "1", "0", "1.5", "1,5", "$1,234.50", "1.234,5 €", "(12)", "=1+1",
    "+x", "-", "@a", '"', '"q"', "a,b", "a;b", "a\tb", "line\nbreak", "2021-01-05", "05/01/2021", "Jan 5 2021",
    "2021-01-05T10:00:00+02:00", "inf", "-inf", "NaN", "1e400", "é", "العمر", "😀", "<b>x</b>", "**x**", "x" * 40,
])
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), min_size=1,
                max_size=12).map(str.strip).filter(lambda s: s and '"' not in s)


def _columns(min_cols: int = 1, max_cols: int = 5):
    return st.lists(NAMES, min_size=min_cols, max_size=max_cols, unique_by=str.casefold)


@st.composite
def frames(draw, min_rows: int = 0, max_rows: int = 30, min_cols: int = 1, max_cols: int = 5) -> pd.DataFrame:
    """Small frames of mixed columns: numbers (with NaN), integers, booleans, dates, tricky text."""
    names = draw(_columns(min_cols, max_cols))
    kinds = {
        "float": st.one_of(st.floats(min_value=-1e9, max_value=1e9), st.just(float("nan"))),
        "int": st.integers(-10**6, 10**6),
        "bool": st.booleans(),
        "text": TRICKY,
        "cat": st.sampled_from(["red", "green", "blue", None]),
        "date": st.datetimes(min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
                             max_value=pd.Timestamp("2030-01-01").to_pydatetime()),
    }
    cols = []
    for name in names:
        kind = draw(st.sampled_from(sorted(kinds)))
        dtype = {"float": float, "int": int, "bool": bool, "date": "datetime64[ns]"}.get(kind, object)
        cols.append(column(name, elements=kinds[kind], dtype=dtype))
    return draw(data_frames(cols, index=range_indexes(min_size=min_rows, max_size=max_rows)))


# ----- the loader ------------------------------------------------------------------------------------
@FAST
@given(st.binary(max_size=600))
def test_loader_on_random_bytes_reads_or_refuses_plainly(data):
    try:
        table = load_table(data, "random.csv")
    except DataError as e:
        assert str(e) and "Traceback" not in str(e)
        return
    assert len(table.df) >= 2 and table.df.shape[1] >= 1 and table.df.columns.is_unique


@FAST
@given(st.lists(st.lists(TRICKY, min_size=1, max_size=5), min_size=1, max_size=12), st.sampled_from([",", ";", "\t"]))
def test_loader_on_random_csv_text_reads_or_refuses_plainly(rows, sep):
    text = "\n".join(sep.join(row) for row in rows)
    try:
        table = load_table(text.encode("utf-8"), "tricky.csv")
    except DataError as e:
        assert str(e) and "Traceback" not in str(e)
        return
    df = table.df
    assert df.columns.is_unique and all(0 < len(c) <= 100 for c in df.columns)
    numeric = df.select_dtypes("number")
    assert not np.isinf(numeric.to_numpy(dtype=float, na_value=np.nan)).any()


@FAST
@given(frames(min_rows=2, max_rows=25))
def test_csv_written_by_pandas_reads_back_with_its_shape_names_and_numbers(df):
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    try:
        table = load_table(buf.getvalue().encode("utf-8"), "frame.csv")
    except DataError as e:
        # Only a table without values may be refused: CSV writes missing values and empty text alike.
        assert "empty" in str(e) or "data row" in str(e) or "header" in str(e), str(e)
        blank = df.map(lambda v: (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and pd.isna(v)))
        assert blank.all(axis=None) or df.shape[1] == 1
        return
    got = table.df
    assert list(got.columns) == list(df.columns)
    if df.shape[1] > 1:
        assert len(got) == len(df)
    for name in df.columns:
        if pd.api.types.is_float_dtype(df[name]) and len(got) == len(df) and pd.api.types.is_numeric_dtype(got[name]):
            np.testing.assert_allclose(got[name].to_numpy(dtype=float), df[name].to_numpy(dtype=float),
                                       rtol=1e-9, equal_nan=True)


# ----- schema detection ------------------------------------------------------------------------------
@FAST
@given(frames(min_rows=0, max_rows=30))
def test_detect_never_fails_and_coerce_gives_the_promised_dtypes(df):
    try:
        schema = Schema.detect(df)
    except SchemaError:
        return
    assert schema.names == [str(c) for c in df.columns]
    assert all(isinstance(c.kind, Kind) for c in schema.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        work = schema.coerce(df)
    assert list(work.columns) == schema.names and len(work) == len(df)
    for spec in schema.columns:
        want = WORKING_DTYPES.get(spec.kind)
        if want:
            assert str(work[spec.name].dtype) == want, spec
        else:
            assert work[spec.name].map(lambda v: v is None or isinstance(v, str) or pd.isna(v)).all(), spec
    assert Schema.from_dict(schema.to_dict()).to_dict() == schema.to_dict()
    if schema.target is not None:
        assert schema.task in ("classification", "regression")


@FAST
@given(frames(min_rows=2, max_rows=30))
def test_detect_is_deterministic_and_ignores_row_order(df):
    a = Schema.detect(df)
    b = Schema.detect(df.iloc[::-1].reset_index(drop=True))
    assert [c.kind for c in a.columns] == [c.kind for c in Schema.detect(df).columns]
    assert [c.kind for c in a.columns] == [c.kind for c in b.columns]


# ----- metrics -----------------------------------------------------------------------------------------
@st.composite
def learnable(draw, min_rows: int = 12, max_rows: int = 40) -> tuple[pd.DataFrame, Schema]:
    """A frame with at least one learned column, and its schema."""
    n = draw(st.integers(min_rows, max_rows))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    cols = {}
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["num", "cat", "bool"]))
        if kind == "num":
            values = rng.normal(draw(st.floats(-100, 100)), draw(st.floats(0.1, 50)), n)
            values[rng.random(n) < draw(st.floats(0, 0.3))] = np.nan
            cols[f"n{i}"] = values
        elif kind == "cat":
            cols[f"c{i}"] = rng.choice(["a", "b", "c", "d"][: draw(st.integers(1, 4))], n).astype(object)
        else:
            cols[f"b{i}"] = rng.random(n) < 0.5
    df = pd.DataFrame(cols)
    return df, Schema.detect(df, target=None, sensitive=[])


def _in_unit(x: float) -> bool:
    return isinstance(x, float) and (math.isnan(x) or -1e-9 <= x <= 1 + 1e-9)


@SLOW
@given(learnable(), learnable(), st.integers(0, 3))
def test_fidelity_scores_are_in_0_1_and_perfect_on_identical_data(a, b, seed):
    real, schema = a
    other = b[0]
    synthetic = real.sample(frac=1.0, replace=True, random_state=seed).reset_index(drop=True)
    try:
        shapes = column_shapes(real, synthetic, schema)
        trends = column_pair_trends(real, synthetic, schema)
        same = column_shapes(real, real.copy(), schema)
    except SynthLabError:
        pytest.fail("metrics refused a well-formed frame")
    assert _in_unit(shapes) and _in_unit(trends)
    assert same == pytest.approx(1.0)
    if list(other.columns) == list(real.columns):
        with contextlib.suppress(SynthLabError):  # other kinds under the same names may be refused, plainly
            assert _in_unit(column_shapes(real, other, schema))


@SLOW
@given(learnable(min_rows=16), st.integers(0, 3))
def test_privacy_shares_are_in_0_1_and_copies_are_counted(a, seed):
    df, schema = a
    train = df.iloc[: len(df) // 2].reset_index(drop=True)
    holdout = df.iloc[len(df) // 2:].reset_index(drop=True)
    assert exact_copy_share(train, train, schema) == pytest.approx(1.0)
    share = exact_copy_share(holdout, train, schema)
    assert 0.0 <= share <= 1.0
    synthetic = holdout.sample(frac=1.0, replace=True, random_state=seed).reset_index(drop=True)
    closer = closer_to_train_share(synthetic, train, holdout, schema)
    assert _in_unit(closer)
