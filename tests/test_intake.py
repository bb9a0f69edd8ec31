"""Data intake: formats, encodings, delimiters, and a specific message for every bad file."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from synthlab.errors import DataError
from synthlab.intake import load_table, memory_text, missing_table

CSV = "name,age,city\nAnn,34,Paris\nBob,45,Köln\nCy,29,Zürich\n"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (CSV.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.encode("latin-1"), "latin-1"),
        (CSV.encode("utf-16"), "utf-16"),
        (CSV.encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_encodings_are_sniffed(data, encoding):
    t = load_table(data, "people.csv")
    assert t.encoding == encoding
    assert list(t.df.columns) == ["name", "age", "city"]
    assert t.df["city"].tolist() == ["Paris", "Köln", "Zürich"]
    assert t.df["age"].tolist() == [34, 45, 29]


@pytest.mark.parametrize("sep,suffix", [(";", ".csv"), ("\t", ".tsv"), ("|", ".txt"), ("\t", ".txt")])
def test_delimiters_are_sniffed(sep, suffix):
    t = load_table(CSV.replace(",", sep).encode(), "x" + suffix)
    assert t.delimiter == sep
    assert t.df.shape == (3, 3)


def test_quoted_fields_with_delimiters_and_newlines():
    t = load_table(b'a,b\n"x, y",1\n"multi\nline",2\n', "q.csv")
    assert t.df["a"].tolist() == ["x, y", "multi\nline"]


def test_parquet_and_excel_round_trip(tmp_path):
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", None], "d": pd.to_datetime(["2020-01-01", "2021-01-01", None])})
    buf = io.BytesIO()
    df.to_parquet(buf)
    t = load_table(buf.getvalue(), "t.parquet")
    pd.testing.assert_frame_equal(t.df, df, check_dtype=False)  # same values; integers narrowed
    assert t.df["a"].dtype == "int8"
    xbuf = io.BytesIO()
    df.to_excel(xbuf, index=False)
    t = load_table(xbuf.getvalue(), "t.xlsx")
    assert list(t.df.columns) == ["a", "b", "d"] and len(t.df) == 3


def test_load_from_path(tmp_path):
    p = tmp_path / "data.csv"
    p.write_text(CSV)
    t = load_table(p)
    assert t.name == "data" and t.df.shape == (3, 3)


@pytest.mark.parametrize(
    "data,filename,fragment",
    [
        (b"", "empty.csv", "empty"),
        (b"   \n\n  ", "blank.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image.csv", "PNG image"),
        (bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)), "noise.csv", "binary"),
        (b"%PDF-1.7\n...", "doc.csv", "PDF"),
        (b"a,b,c\n", "header.csv", "header row but no data rows"),
        (b"a,b\n1,2\n3,4,5\n6,7\n", "ragged.csv", "Row 3 has 3 fields but the header has 2"),
        (b"a,b,a\n1,2,3\n4,5,6\n", "dups.csv", "'a' (2 times)"),
        (b"a,b\n1,2\n", "one.csv", "only 1 data row"),
        (b"PK\x03\x04rest-of-zip", "archive.csv", "zip archive"),
        (b"not parquet at all", "t.parquet", "not a readable Parquet"),
        (b"not excel", "t.xlsx", "not a readable Excel"),
    ],
)
def test_bad_files_get_specific_messages(data, filename, fragment):
    with pytest.raises(DataError) as err:
        load_table(data, filename)
    assert fragment in str(err.value)
    assert "Traceback" not in str(err.value)


def test_text_with_substitute_characters_is_a_table():
    """Legacy encodings leave SUB (0x1A) for characters they could not map: HHS's breach register
    writes every apostrophe as a run of them, 1% of its characters, which once read as binary."""
    rows = [f"{i},Clinic {i},\"A binder was stolen from a staff member\x1a\x1a\x1as car\"" for i in range(200)]
    t = load_table(("id,entity,summary\n" + "\n".join(rows)).encode(), "breaches.csv")
    assert t.df.shape == (200, 3) and "\x1a" in t.df["summary"].iloc[0]


def test_missing_path_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="No such file"):
        load_table(tmp_path / "nope.csv")


def test_all_missing_column_warns():
    t = load_table(b"a,b,c\n1,,x\n2,,y\n3,,z\n", "m.csv")
    assert any("entirely empty" in w and "'b'" in w for w in t.warnings)
    assert t.df["b"].isna().all()


def test_mixed_types_warn_with_examples():
    rows = "\n".join(["age"] + [str(20 + i) for i in range(20)] + ["unknown", "n/a?"])
    t = load_table(rows.encode(), "mixed.csv")
    msg = " ".join(t.warnings)
    assert "mostly numbers" in msg and "'unknown'" in msg


def test_unnamed_column_gets_a_name_and_a_warning():
    t = load_table(b"a,,c\n1,2,3\n4,5,6\n", "u.csv")
    assert list(t.df.columns) == ["a", "column_2", "c"]
    assert any("no name" in w for w in t.warnings)


def test_summaries():
    df = pd.DataFrame({"a": [1, None, 3, None], "b": ["x", "y", None, "z"]})
    miss = missing_table(df)
    assert miss.iloc[0].tolist() == ["a", 2, 0.5]
    assert memory_text(df).endswith(("B", "KB"))


def test_low_cardinality_text_loads_as_categorical_and_integers_narrow():
    rows = "\n".join(f"{['red', 'green', 'blue'][i % 3]},{i % 7},{i * 10_000_000},name{i}" for i in range(3000))
    t = load_table(("colour,small,big,label\n" + rows).encode(), "c.csv")
    assert isinstance(t.df["colour"].dtype, pd.CategoricalDtype)
    assert t.df["colour"].value_counts().to_dict() == {"blue": 1000, "green": 1000, "red": 1000}
    assert t.df["small"].dtype == "int8" and t.df["big"].dtype == "int64"
    assert t.df["label"].dtype == object  # 3,000 distinct labels stay text


def test_categorical_labels_that_are_formatted_numbers_are_still_converted():
    rows = "\n".join(['"$1,200"', '"$3,400"', '"$1,200"'] * 50)
    t = load_table(("price\n" + rows).encode(), "p.csv")
    assert t.df["price"].dtype == float and t.df["price"].iloc[0] == 1200.0
    assert any("currency" in w for w in t.warnings)


def test_categorical_working_column_matches_text_path():
    from synthlab.schema import Schema

    df = pd.DataFrame({"c": pd.Categorical(["a", None, "b", "a"]), "n": [1.0, 2.0, 3.0, 4.0]})
    plain = df.assign(c=df["c"].astype(object).where(df["c"].notna(), None))
    schema = Schema.detect(plain)
    assert schema.coerce(df)["c"].tolist() == schema.coerce(plain)["c"].tolist() == ["a", None, "b", "a"]
