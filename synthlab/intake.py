"""Reading tables from uploads or files: format, encoding and delimiter sniffed; bad files refused.

Every refusal is a :class:`DataError` whose message names the problem in plain words; warnings
(all-empty columns, mixed types) come back with the table so the UI can show them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from synthlab.errors import DataError

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
SUFFIXES = sorted(TEXT_SUFFIXES | {".parquet", ".pq", ".xlsx"})
MIN_ROWS = 2

_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"%PDF": "a PDF document", b"\x1f\x8b": "a gzip archive", b"BZh": "a bzip2 archive",
    b"7z\xbc\xaf": "a 7-Zip archive", b"Rar!": "a RAR archive", b"\x7fELF": "a program (ELF)",
    b"MZ": "a Windows program", b"\xd0\xcf\x11\xe0": "an old Office file (.xls/.doc); save it as .xlsx or CSV",
    b"SQLite format 3": "an SQLite database", b"\x80\x04": "a Python pickle (never opened)",
    b"\x80\x05": "a Python pickle (never opened)", b"RIFF": "a media file", b"ID3": "an MP3 file",
    b"\x00\x00\x01\x00": "an icon file",
}


@dataclass
class LoadedTable:
    """A table read from a file, with how it was read and what the user should know about it."""

    df: pd.DataFrame
    name: str
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def shape_text(self) -> str:
        return f"{len(self.df):,} rows × {self.df.shape[1]:,} columns"


def load_table(source: bytes | str | Path, filename: str | None = None) -> LoadedTable:
    """Read CSV/TSV/TXT, Parquet or Excel from bytes or a path; raise DataError with a reason."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise DataError(f"No such file: {path}")
        if path.is_dir():
            raise DataError(f"{path} is a folder, not a file.")
        data = path.read_bytes()
        filename = filename or path.name
    else:
        data = bytes(source)
    filename = filename or "upload.csv"
    suffix = Path(filename).suffix.lower()
    name = Path(filename).stem or "data"
    if not data.strip(b" \t\r\n\x00"):
        raise DataError("The file is empty.")
    if suffix in {".parquet", ".pq"} or data[:4] == b"PAR1":
        df = _read_parquet(data)
        table = LoadedTable(df, name)
    elif suffix == ".xlsx" or (data[:2] == b"PK" and b"xl/" in data[:4096]):
        table = LoadedTable(_read_excel(data), name)
    elif suffix in {".xls"}:
        raise DataError("Old Excel files (.xls) are not supported; save it as .xlsx or CSV.")
    else:
        if data[:2] == b"PK":
            raise DataError("This is a zip archive, not a table; unzip it and upload the CSV inside.")
        text, encoding = decode_text(data)
        delimiter = sniff_delimiter(text, suffix)
        table = LoadedTable(_read_csv(text, delimiter), name, encoding=encoding, delimiter=delimiter)
    _check_table(table)
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 or Latin-1; refuse binary content."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DataError(f"This looks like {what}, not a table. Upload a CSV, TSV, Parquet or Excel file.")
    if data.startswith(b"\xef\xbb\xbf"):
        return _text_or_binary(data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _text_or_binary(data.decode("utf-16", errors="replace")), "utf-16"
    head = data[:4000]
    if len(head) >= 4 and head.count(b"\x00") > len(head) // 4:
        even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
        enc = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return _text_or_binary(data.decode(enc)), enc
        except UnicodeDecodeError:
            raise DataError("This file is binary, not text; it is not a table SynthLab can read.") from None
    try:
        return _text_or_binary(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        return _text_or_binary(data.decode("latin-1")), "latin-1"


def _text_or_binary(text: str) -> str:
    sample = text[:20000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if "\x00" in sample or control > max(5, len(sample) // 100):
        raise DataError("This file is binary, not text; it is not a table SynthLab can read.")
    return text


def sniff_delimiter(text: str, suffix: str = "") -> str:
    """The field separator: csv.Sniffer over the first lines, with the extension as tie-breaker."""
    head = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    counts = {d: head.count(d) for d in ",;\t|"}
    best = max(counts, key=counts.get)
    if counts[best] > 0:
        return best
    return "\t" if suffix == ".tsv" else ","


def _read_csv(text: str, delimiter: str) -> pd.DataFrame:
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    nonblank = [ln for ln in lines if ln.strip()]
    if len(nonblank) == 0:
        raise DataError("The file is empty.")
    header = next(csv.reader([nonblank[0]], delimiter=delimiter))
    _check_header(header)
    if len(nonblank) == 1:
        raise DataError("The file has a header row but no data rows.")
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=_unique_names(header), skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=True,
                                                 timestamp_parsers=[]),
        )
    except pa.ArrowInvalid as e:
        raise DataError(_ragged_message(text, delimiter, len(header)) or f"The file could not be read as a table: {_short(e)}") from None
    return table.to_pandas(types_mapper=None)


def _check_header(header: list[str]) -> None:
    names = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for h in names:
        if h:
            seen[h] = seen.get(h, 0) + 1
    dups = [f"'{k}' ({v} times)" for k, v in seen.items() if v > 1]
    if dups:
        raise DataError("Column names must be unique; repeated: " + ", ".join(dups[:5]) + ". Rename them and upload again.")


def _unique_names(header: list[str]) -> list[str]:
    """Strip names; give empty ones a positional name (reported as a warning later)."""
    return [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]


def _ragged_message(text: str, delimiter: str, width: int) -> str | None:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    for lineno, row in enumerate(reader, start=2):
        if row and len(row) != width:
            return (f"Row {lineno} has {len(row)} fields but the header has {width}. "
                    "Every row must have the same number of fields (check the delimiter and quoting).")
    return None


def _read_parquet(data: bytes) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as e:
        raise DataError(f"This is not a readable Parquet file: {_short(e)}") from None
    names = table.column_names
    _check_header(names)
    return table.to_pandas()


def _read_excel(data: bytes) -> pd.DataFrame:
    try:
        df = pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name=0)
    except Exception as e:  # openpyxl raises many types for corrupt files
        raise DataError(f"This is not a readable Excel (.xlsx) file: {_short(e)}") from None
    raw_names = [str(c) for c in df.columns]
    if any(n.split(".")[0] in raw_names and "." in n and n.rsplit(".", 1)[-1].isdigit() for n in raw_names):
        base = [n.rsplit(".", 1)[0] for n in raw_names]
        _check_header(base)
    df.columns = [("" if n.startswith("Unnamed:") else n) for n in raw_names]
    df.columns = _unique_names(list(df.columns))
    df = df.dropna(how="all")
    if len(df) == 0:
        raise DataError("The sheet has a header row but no data rows.")
    return df


def _check_table(table: LoadedTable) -> None:
    df = table.df
    if df.shape[1] == 0:
        raise DataError("The file has no columns.")
    if len(df) == 0:
        raise DataError("The file has a header row but no data rows.")
    if len(df) < MIN_ROWS:
        raise DataError(f"The table has only {len(df)} data row; at least {MIN_ROWS} rows are needed.")
    df.columns = [str(c) for c in df.columns]
    for c in df.columns:
        if c.startswith("column_") and c[7:].isdigit():
            table.warnings.append(f"A column had no name; it is called '{c}'.")
    empty = [c for c in df.columns if df[c].isna().all()]
    if empty:
        table.warnings.append(
            f"{len(empty)} column(s) are entirely empty: {', '.join(map(repr, empty[:5]))}. "
            "They are kept, and generators will leave them empty."
        )
    for c in df.columns:
        warning = mixed_type_warning(df[c], c)
        if warning:
            table.warnings.append(warning)


def mixed_type_warning(s: pd.Series, name: str) -> str | None:
    """A warning when a text column is mostly numbers (or dates) with some other values."""
    if s.dtype != object and not pd.api.types.is_string_dtype(s):
        return None
    values = s.dropna().astype(str).str.strip()
    values = values[values != ""]
    if len(values) < 5:
        return None
    sample = values.head(20000)
    numeric = pd.to_numeric(sample.str.replace(",", "", regex=False), errors="coerce")
    share = numeric.notna().mean()
    if 0.5 <= share < 1.0:
        odd = sample[numeric.isna()].unique()[:3]
        examples = ", ".join(repr(v[:30]) for v in odd)
        return (f"Column '{name}' is mostly numbers ({share:.0%}) but also has text such as {examples}; "
                "it is treated as categorical unless you change its kind.")
    return None


def memory_text(df: pd.DataFrame) -> str:
    n = float(df.memory_usage(deep=True).sum())
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


def missing_table(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values per column, counts and shares, most missing first."""
    miss = df.isna().sum()
    out = pd.DataFrame({"column": miss.index, "missing": miss.values,
                        "share": np.round(miss.values / max(len(df), 1), 4)})
    return out.sort_values("missing", ascending=False, kind="stable").reset_index(drop=True)


def _short(e: Exception) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return msg[:200]
