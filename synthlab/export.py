"""Writing synthetic data for download: CSV (formula-safe by default) and Parquet.

Spreadsheet programs execute cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return as formulas (CSV injection); text cells starting so are prefixed with a single quote unless
the user opts out. Numbers are never touched.
"""

from __future__ import annotations

import io

import pandas as pd

from synthlab.schema import Kind, Schema

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading single quote.

    Column names are cells of the header row, so they are neutralised too.
    """
    out = df.copy()
    out.columns = ["'" + str(c) if str(c).startswith(FORMULA_PREFIXES) else c for c in out.columns]
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            text = s.astype("string")
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            if risky.any():
                out[col] = s.where(~risky.to_numpy(), "'" + text[risky].astype(str))
    return out


def for_export(df: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Numbers rounded as in the real data; dates written back in their source format."""
    out = schema.restore(df)
    for spec in schema.columns:
        if spec.kind == Kind.DATETIME and spec.datetime_format and spec.name in out:
            s = pd.to_datetime(out[spec.name], errors="coerce")
            out[spec.name] = s.dt.strftime(spec.datetime_format).where(s.notna(), None)
    return out


def csv_bytes(df: pd.DataFrame, schema: Schema, neutralise: bool = True) -> bytes:
    out = for_export(df, schema)
    if neutralise:
        out = neutralise_formulas(out)
    # CRLF line ends (RFC 4180): Python's CSV writer then also quotes cells holding a bare carriage return.
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def parquet_bytes(df: pd.DataFrame, schema: Schema) -> bytes:
    buf = io.BytesIO()
    schema.restore(df).to_parquet(buf, index=False)
    return buf.getvalue()
