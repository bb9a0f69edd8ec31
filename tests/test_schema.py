"""Schema detection on hand-built columns, editing, serialisation and the SDV metadata conversion."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from synthlab.errors import SchemaError
from synthlab.schema import Kind, Schema

N = 60


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "patient_id": np.arange(1000, 1000 + N),
        "name": [f"Person {chr(65 + i % 26)}{i}" for i in range(N)],
        "email": [f"user{i}@example.org" for i in range(N)],
        "phone": [f"+1 555-01{i:02d}" for i in range(N)],
        "age": rng.integers(18, 90, N),
        "bmi": np.round(rng.normal(25, 4, N), 1),
        "sex": rng.choice(["F", "M"], N),
        "smoker": rng.choice(["yes", "no"], N),
        "flag01": rng.choice([0, 1], N),
        "visit": pd.date_range("2020-01-01", periods=N, freq="D").strftime("%d/%m/%Y"),
        "notes": [f"patient reported mild symptoms on day {i} after treatment" for i in range(N)],
        "region": rng.choice(["north", "south", "east", "west"], N),
        "is_member": rng.choice([True, False], N),
    })


def test_detects_every_kind(frame):
    s = Schema.detect(frame)
    kinds = {c.name: c.kind for c in s.columns}
    assert kinds == {
        "patient_id": Kind.ID, "name": Kind.PII, "email": Kind.PII, "phone": Kind.PII, "age": Kind.NUMERICAL,
        "bmi": Kind.NUMERICAL, "sex": Kind.CATEGORICAL, "smoker": Kind.BOOLEAN, "flag01": Kind.BOOLEAN,
        "visit": Kind.DATETIME, "notes": Kind.PII, "region": Kind.CATEGORICAL, "is_member": Kind.BOOLEAN,
    }
    assert s["visit"].datetime_format == "%d/%m/%Y"
    assert s["age"].integer and s["bmi"].decimals == 1
    assert s["email"].pii_type == "email" and s["notes"].pii_type == "text"
    assert s.sensitive == ["sex"]
    assert set(s.learned) == {"age", "bmi", "sex", "smoker", "flag01", "visit", "region", "is_member"}


def test_working_frame_dtypes(frame):
    s = Schema.detect(frame)
    w = s.coerce(frame)
    assert str(w["visit"].dtype) == "datetime64[ns]" and w["visit"].notna().all()
    assert str(w["smoker"].dtype) == "boolean"
    assert w["age"].dtype == np.float64
    assert w["sex"].dtype == object


def test_edit_kind_target_and_sensitive(frame):
    s = Schema.detect(frame)
    edited = s.to_frame()
    edited.loc[edited.column == "region", "kind"] = "pii"
    edited.loc[edited.column == "smoker", "target"] = True
    edited.loc[edited.column == "region", "sensitive"] = False
    edited.loc[edited.column == "age", "sensitive"] = True
    new = s.with_edits(edited, frame)
    assert new["region"].kind == Kind.PII and new.target == "smoker" and new.task == "classification"
    assert "age" in new.sensitive


def test_two_targets_are_refused(frame):
    s = Schema.detect(frame)
    edited = s.to_frame()
    edited["target"] = edited.column.isin(["age", "sex"])
    with pytest.raises(SchemaError, match="one target"):
        s.with_edits(edited, frame)


def test_text_cannot_become_numerical(frame):
    s = Schema.detect(frame)
    edited = s.to_frame()
    edited.loc[edited.column == "region", "kind"] = "numerical"
    with pytest.raises(SchemaError, match="no numbers"):
        s.with_edits(edited, frame)


def test_id_target_refused(frame):
    with pytest.raises(SchemaError, match="target"):
        Schema.detect(frame, target="patient_id")


def test_round_trip_and_sdv_metadata(frame):
    s = Schema.detect(frame, target="sex")
    again = Schema.from_dict(s.to_dict())
    assert again == s
    md = s.to_sdv_metadata("t").to_dict()["tables"]["t"]["columns"]
    assert set(md) == set(s.learned)
    assert md["visit"]["sdtype"] == "datetime" and md["sex"]["sdtype"] == "categorical"
    assert md["age"]["sdtype"] == "numerical"


def test_malformed_schema_dict():
    with pytest.raises(SchemaError):
        Schema.from_dict({"columns": [{"name": "a", "kind": "wizard"}]})


def test_nullable_ints_from_whole_floats():
    from synthlab.schema import nullable_ints

    s = pd.Series([1.0, np.nan, -3.0, 120.0], name="n")
    out = nullable_ints(s, "Int16")
    assert str(out.dtype) == "Int16" and out.name == "n"
    assert out.isna().tolist() == [False, True, False, False]
    assert out.dropna().tolist() == [1, -3, 120]
    with pytest.raises((TypeError, ValueError)):
        nullable_ints(pd.Series([1.5, 2.0]), "Int64")  # not whole: pandas' own error
    with pytest.raises((TypeError, ValueError, OverflowError)):
        nullable_ints(pd.Series([1e6]), "Int8")  # out of range: never wrapped around
    assert len(nullable_ints(pd.Series([], dtype=float))) == 0


def test_booleans_are_exported_as_the_source_wrote_them(frame):
    """"yes"/"no" and 0/1 columns are learned as booleans but written back in the source's labels:
    an exported synthetic file reads like the uploaded one (not True/False)."""
    from synthlab.export import csv_bytes

    schema = Schema.detect(frame)
    assert schema["smoker"].labels == ["no", "yes"]
    assert schema["flag01"].labels == [0, 1]
    working = schema.coerce(frame)
    assert str(working["smoker"].dtype) == "boolean"
    restored = schema.restore(working.assign(smoker=working["smoker"].where(np.arange(N) != 3)))
    assert restored["smoker"].iloc[3] is None
    assert (restored["smoker"].drop(index=3) == frame["smoker"].drop(index=3)).all()
    assert (restored["flag01"] == frame["flag01"]).all() and str(restored["flag01"].dtype) == "Int64"
    text = csv_bytes(working, schema).decode()
    back = pd.read_csv(io.StringIO(text))
    assert set(back["smoker"]) == {"yes", "no"} and set(back["flag01"]) == {0, 1}
    # the labels survive the schema's JSON round trip; a schema saved without them still loads
    assert Schema.from_dict(schema.to_dict())["smoker"].labels == schema["smoker"].labels
    old = schema.to_dict()
    for c in old["columns"]:
        c.pop("labels")
    assert Schema.from_dict(old)["smoker"].labels is None


def test_boolean_labels_take_the_most_frequent_spelling():
    s = pd.Series(["Yes"] * 5 + ["yes"] * 2 + ["No"] * 4 + ["NO"])
    assert Schema.detect(pd.DataFrame({"b": s}))["b"].labels == ["No", "Yes"]
