"""Reading tables from uploads or files: format, encoding and delimiter sniffed; bad files refused.

Every refusal is a :class:`DataError` whose message names the problem in plain words; warnings
(all-empty columns, mixed types, values read in a normalised form) come back with the table so
the UI can show them. Files come from strangers, so reading is defensive: nothing is ever
unpickled or executed; archives (.xlsx) have their declared sizes and member count checked before
they are opened; memory and width limits (:mod:`synthlab.guard`) apply before and after parsing;
any unexpected failure becomes a plain :class:`DataError`, never a traceback.
"""

from __future__ import annotations

import csv
import decimal
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from synthlab import guard
from synthlab.errors import DataError, SynthLabError
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Kind, detect_column

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
SUFFIXES = sorted(TEXT_SUFFIXES | {".parquet", ".pq", ".xlsx"})
MIN_ROWS = 2
MAX_NAME_CHARS = 100  # longer column names are shortened (with a warning)
# Text columns with at most this many distinct values (per block Arrow reads) load as categoricals.
MAX_DICT_CATEGORIES = 1000
MAX_ZIP_MEMBERS = 1000  # an .xlsx has a few dozen parts; thousands means an attack
MAX_ZIP_RATIO = 200  # legitimate sheet XML compresses ~10-50x; more, on a big part, is a zip bomb
_ZIP_RATIO_MIN_BYTES = 20 << 20
# Invisible characters that reorder or hide text (bidi overrides, zero-width space): removed from names.
_NAME_JUNK = re.compile("[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"%PDF": "a PDF document", b"\x1f\x8b": "a gzip archive", b"BZh": "a bzip2 archive",
    b"7z\xbc\xaf": "a 7-Zip archive", b"Rar!": "a RAR archive", b"\x7fELF": "a program (ELF)",
    b"MZ": "a Windows program", b"\xd0\xcf\x11\xe0": "an old Office file (.xls/.doc); save it as .xlsx or CSV",
    b"SQLite format 3": "an SQLite database", b"\x80\x04": "a Python pickle (never opened)",
    b"\x80\x05": "a Python pickle (never opened)", b"\x80\x02": "a Python pickle (never opened)",
    b"\x80\x03": "a Python pickle (never opened)",
    b"\x93NUMPY": "a NumPy array file (never opened)", b"RIFF": "a media file", b"ID3": "an MP3 file",
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


def load_table(source: bytes | str | Path, filename: str | None = None,
               on_progress: ProgressCallback | None = None) -> LoadedTable:
    """Read CSV/TSV/TXT, Parquet or Excel from bytes or a path; raise DataError with a reason.

    Never raises anything but :class:`DataError` for a bad file: an unexpected failure is logged
    and reported as a plain message. ``on_progress`` hears each stage (parse, column checks) as it
    starts, so a caller can show where a large file is and stop between stages.
    """
    try:
        return _load_table(source, filename, on_progress)
    except SynthLabError:
        raise
    except MemoryError:
        raise DataError("This file is too large to read on this server; upload fewer rows or columns.") from None
    except RecursionError:
        raise DataError("This file is nested too deeply to be a table.") from None
    except Exception as e:  # a bug or a parser's surprise must not reach the user as a traceback
        log.exception("reading %r failed unexpectedly", filename)
        raise DataError(f"This file could not be read as a table ({type(e).__name__}).") from None


def _load_table(source: bytes | str | Path, filename: str | None, on_progress: ProgressCallback | None) -> LoadedTable:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise DataError(f"No such file: {path}")
        if path.is_dir():
            raise DataError(f"{path} is a folder, not a file.")
        guard.check_parse_size(path.stat().st_size, _format_of(path.name, b""), f"{path.name}")
        data = path.read_bytes()
        filename = filename or path.name
    else:
        data = bytes(source)
    filename = filename or "upload.csv"
    suffix = Path(filename).suffix.lower()
    name = Path(filename).stem or "data"
    if not data.strip(b" \t\r\n\x00"):
        raise DataError("The file is empty.")
    fmt = _format_of(filename, data)
    guard.check_parse_size(len(data), fmt)
    report(on_progress, 0.05, f"Parsing {filename} ({len(data) / 2**20:,.1f} MB)…")
    if fmt == "parquet":
        table = LoadedTable(_read_parquet(data), name)
    elif fmt == "excel":
        table = LoadedTable(_read_excel(data), name)
    elif suffix in {".xls"}:
        raise DataError("Old Excel files (.xls) are not supported; save it as .xlsx or CSV.")
    else:
        if data[:2] == b"PK":
            raise DataError("This is a zip archive, not a table; unzip it and upload the CSV inside.")
        text, encoding = decode_text(data)
        _refuse_other_text_formats(text)
        delimiter = sniff_delimiter(text, suffix)
        table = LoadedTable(_read_csv(text, delimiter), name, encoding=encoding, delimiter=delimiter)
        if encoding == "latin-1":
            table.warnings.append("The file is not valid UTF-8, so it was read as Latin-1; check accented letters "
                                  "in the preview (save it as UTF-8 if they look wrong).")
    report(on_progress, 0.7, f"Checking {table.df.shape[1]:,} columns of {len(table.df):,} rows…")
    _normalise(table)
    _check_table(table)
    table.df, message = guard.fit_to_budget(table.df, MIN_ROWS)
    if message:
        table.warnings.insert(0, message)
    return table


def _format_of(filename: str, data: bytes) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in {".parquet", ".pq"} or data[:4] == b"PAR1":
        return "parquet"
    if suffix == ".xlsx" or (data[:2] == b"PK" and b"xl/" in data[:4096]):
        return "excel"
    return "text"


# control characters text may hold: whitespace, and SUB (0x1A), which legacy encodings leave in place
# of a character they could not map (a public breach register writes every apostrophe as one)
_TEXT_CONTROLS = "\t\r\n\f\v\x1a"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 or Latin-1; refuse binary content."""
    head = data[:1024]
    looks_binary = any(b < 32 and chr(b) not in _TEXT_CONTROLS for b in head)
    for magic, what in _MAGIC.items():
        # Short printable signatures ("MZ", "ID3") also start ordinary text: only trust them on binary content.
        if data.startswith(magic) and (len(magic) >= 4 or not magic.isascii() or not magic.isalnum() or looks_binary):
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
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in _TEXT_CONTROLS)
    if "\x00" in sample or control > max(5, len(sample) // 100):
        raise DataError("This file is binary, not text; it is not a table SynthLab can read.")
    return text


def _refuse_other_text_formats(text: str) -> None:
    """Web pages, XML and JSON are text too, but not tables: say what they are."""
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")):
        raise DataError("This looks like a web page (HTML), not a table. Upload a CSV, TSV, Parquet or Excel file.")
    if start.startswith("<?xml"):
        raise DataError("This looks like an XML file, not a table. Upload a CSV, TSV, Parquet or Excel file.")
    end = text.rstrip()[-1:]
    if (start[:1], end) in {("{", "}"), ("[", "]")}:
        try:
            json.loads(text)
        except ValueError:
            return
        raise DataError("This looks like JSON, not a table. Save it as CSV (one row per record) and upload that.")


def sniff_delimiter(text: str, suffix: str = "") -> str:
    """The field separator: csv.Sniffer over the first lines, with the extension as tie-breaker."""
    head = "\n".join(text[:200_000].splitlines()[:50])  # not the whole file: splitting 100 MB takes a second
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
    first, second = _first_two_nonblank_lines(text)
    if first is None:
        raise DataError("The file is empty.")
    header = next(csv.reader([first], delimiter=delimiter))
    guard.check_columns(len(header))
    _check_header(header)
    if second is None:
        raise DataError("The file has a header row but no data rows.")
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=_unique_names(header), skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=True, timestamp_parsers=[],
                                                 auto_dict_encode=True,
                                                 auto_dict_max_cardinality=MAX_DICT_CATEGORIES),
        )
    except pa.ArrowInvalid as e:
        raise DataError(_quote_message(text) or _ragged_message(text, delimiter, len(header))
                        or f"The file could not be read as a table: {_short(e)}") from None
    if text.count('"') % 2 and _ends_inside_quotes(text, delimiter):
        raise DataError(_quote_message(text))  # Arrow reads an unclosed quote to the end of the file
    return table.to_pandas(types_mapper=None)


def _first_two_nonblank_lines(text: str) -> tuple[str | None, str | None]:
    """The header line and the first data line, without splitting a large file into all its lines."""
    found: list[str] = []
    start = 0
    while len(found) < 2 and start <= len(text):
        end = len(text)
        for window in (start + 1_000_000, len(text)):  # a bounded look first: lines are rarely that long
            for sep in ("\r\n", "\n", "\r"):
                i = text.find(sep, start, window)
                if i != -1 and i < end:
                    end = i
            if end < len(text):
                break
        line = text[start:end]
        if line.strip():
            found.append(line)
        if end >= len(text):
            break
        start = end + (2 if text.startswith("\r\n", end) else 1)
    found += [None] * (2 - len(found))
    return found[0], found[1]


def _ends_inside_quotes(text: str, delimiter: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False


def _check_header(header: list[str]) -> None:
    names = [str(h).strip() for h in header]
    seen: dict[str, int] = {}
    for h in names:
        if h:
            seen[h] = seen.get(h, 0) + 1
    dups = [f"'{_clip(k)}' ({v} times)" for k, v in seen.items() if v > 1]
    if dups:
        raise DataError("Column names must be unique; repeated: " + ", ".join(dups[:5]) + ". Rename them and upload again.")


def _unique_names(header: list[str]) -> list[str]:
    """Strip names; give empty ones a positional name (reported as a warning later)."""
    return [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]


def _quote_message(text: str) -> str | None:
    """Where a quoted field opens and never closes (an odd number of double quotes from there on)."""
    if text.count('"') % 2 == 0:
        return None
    odd, opened = False, 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.count('"') % 2:
            odd = not odd
            if odd:
                opened = lineno
    return (f'A quoted field opened on line {opened} is never closed (a " without its partner). '
            "Fix the quoting and upload again.")


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
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        guard.check_columns(meta.num_columns)
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        guard.check_parse_size(max(declared, meta.num_rows * meta.num_columns * 8), "parquet",
                               "Unpacked, this Parquet file")
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as e:
        raise DataError(f"This is not a readable Parquet file: {_short(e)}") from None
    names = table.column_names
    _check_header(names)
    return table.to_pandas()


def _check_zip(data: bytes) -> list[str]:
    """Refuse zip bombs before any parser sees the archive; return the member names."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as e:
        raise DataError(f"This is not a readable Excel (.xlsx) file: {_short(e)}") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DataError(f"This Excel file holds {len(infos):,} parts; a spreadsheet has at most a few hundred. "
                        "It is refused as unsafe.")
    total = sum(i.file_size for i in infos)
    for info in infos:
        if info.file_size > _ZIP_RATIO_MIN_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise DataError(
                f"This Excel file unpacks to {guard.mb_text(total)} from {guard.mb_text(len(data))} "
                f"(part '{_clip(info.filename, 60)}' is compressed {info.file_size // max(info.compress_size, 1):,}"
                " times): that is a zip bomb, not a spreadsheet. It is refused as unsafe.")
    guard.check_parse_size(total, "excel", "Unpacked, this Excel file")
    return [i.filename for i in infos]


def _read_excel(data: bytes) -> pd.DataFrame:
    _check_zip(data)
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            sheets = list(book.sheet_names)
            df = book.parse(0)
    except Exception as e:  # openpyxl raises many types for corrupt files
        raise DataError(f"This is not a readable Excel (.xlsx) file: {_short(e)}") from None
    guard.check_columns(df.shape[1])
    raw_names = [str(c) for c in df.columns]
    if any(n.split(".")[0] in raw_names and "." in n and n.rsplit(".", 1)[-1].isdigit() for n in raw_names):
        base = [n.rsplit(".", 1)[0] for n in raw_names]
        _check_header(base)
    df.columns = [("" if n.startswith("Unnamed:") else n) for n in raw_names]
    df.columns = _unique_names(list(df.columns))
    df = df.dropna(how="all")
    if len(df) == 0:
        raise DataError("The sheet has a header row but no data rows.")
    if len(sheets) > 1:
        df.attrs["synthlab.sheet_note"] = (f"Only the first sheet ('{_clip(sheets[0], 40)}') was read; the file has "
                                           f"{len(sheets)} sheets. Save another sheet as its own file to use it.")
    return df


# ----- normalising what was read ---------------------------------------------------------------
def _normalise(table: LoadedTable) -> None:
    """Make the frame safe to work with: clean names, plain values, numbers and dates read as such."""
    df = table.df
    note = df.attrs.pop("synthlab.sheet_note", None)
    if note:
        table.warnings.append(note)
    if df.shape[1] == 0:
        return
    guard.check_columns(df.shape[1])
    df.columns = _clean_names([str(c) for c in df.columns], table.warnings)
    infinite: dict[str, int] = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            if _plain_categories(s, col):
                continue
            s = df[col] = s.astype(object).where(s.notna(), None)
        if pd.api.types.is_datetime64_any_dtype(s) and getattr(s.dt, "tz", None) is not None:
            df[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
            table.warnings.append(f"Column '{_clip(col)}' holds timestamps with a time zone; they are converted to UTC.")
            continue
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            if pd.api.types.is_integer_dtype(s):
                df[col] = _narrow_integers(s)
                continue
            values = s.to_numpy(dtype=float, na_value=np.nan)
            n_inf = int(np.isinf(values).sum())
            if n_inf:
                infinite[col] = n_inf
                df[col] = s.where(~np.isinf(values), np.nan)
            continue
        if s.dtype == object:
            s = df[col] = _plain_values(s, col, table.warnings)
            converted = _formatted_numbers(s, col, table.warnings)
            if converted is None:
                converted = _zoned_datetimes(s, col, table.warnings)
            if converted is None:
                converted = _mixed_format_dates(s, col, table.warnings)
            if converted is not None:
                df[col] = converted
    if infinite:
        listed = ", ".join(f"'{_clip(c)}' ({n:,})" for c, n in list(infinite.items())[:5])
        table.warnings.append(f"Infinite values are treated as missing in {len(infinite)} column(s): {listed}.")
    if df.shape[0] and not df.notna().to_numpy().any():
        raise DataError("Every cell of this table is empty; there is nothing to learn from.")


def _plain_categories(s: pd.Series, name: str) -> bool:
    """Whether a categorical column's labels are plain text needing no conversion: then it stays
    categorical (one code per row instead of one Python string per row: a million-row upload fits
    in a fraction of the memory). Labels that look like formatted numbers or dates are expanded to
    text so the usual conversions read them."""
    labels = pd.Series(s.cat.categories, dtype=object)
    if not all(isinstance(v, str) for v in labels):
        return False
    probe: list[str] = []  # the checks' warnings are made again on the full column if one applies
    return all(check(labels, name, probe) is None
               for check in (_formatted_numbers, _zoned_datetimes, _mixed_format_dates))


def _narrow_integers(s: pd.Series) -> pd.Series:
    """The smallest integer dtype holding every value (int64 → int8/16/32): a quarter to an eighth of
    the memory for counts, years and codes, with identical values."""
    if not len(s):
        return s
    low, high = s.min(), s.max()
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return s.astype(dtype)
    return s


def _clean_names(names: list[str], warnings: list[str]) -> list[str]:
    """Names without invisible control characters, at most MAX_NAME_CHARS long, unique."""
    cleaned, junk, long = [], [], []
    for i, name in enumerate(names):
        new = _NAME_JUNK.sub("", name).strip()
        if new != name.strip():
            junk.append(new)
        if len(new) > MAX_NAME_CHARS:
            long.append(new)
            new = new[: MAX_NAME_CHARS - 1].rstrip() + "…"
        cleaned.append(new or f"column_{i + 1}")
    seen: set[str] = set()
    for i, name in enumerate(cleaned):
        base, k = name, 2
        while name in seen:
            name = f"{base[: MAX_NAME_CHARS - 4]}~{k}"
            k += 1
        seen.add(name)
        cleaned[i] = name
    if junk:
        warnings.append(f"Invisible control characters (such as right-to-left overrides) were removed from "
                        f"{len(junk)} column name(s), e.g. '{_clip(junk[0])}'.")
    if long:
        warnings.append(f"{len(long)} column name(s) were longer than {MAX_NAME_CHARS} characters and were shortened, "
                        f"e.g. '{_clip(long[0])}'.")
    return cleaned


def _plain_values(s: pd.Series, name: str, warnings: list[str]) -> pd.Series:
    """Nested values (lists, dicts, bytes from Parquet) become text; decimals become floats."""
    sample = s.dropna().head(1000)
    if sample.empty:
        return s
    kinds = {type(v) for v in sample}
    if kinds <= {decimal.Decimal}:
        return s.map(lambda v: None if v is None or _isna(v) else float(v)).astype(float)
    if kinds <= {str}:
        return s
    if any(issubclass(k, (list, tuple, dict, set, np.ndarray, bytes, bytearray)) for k in kinds):
        warnings.append(f"Column '{_clip(name)}' holds nested values (lists, records or bytes); they are kept as text.")
    return s.map(_as_text).astype(object)


def _as_text(v: object) -> object:
    if v is None or (not isinstance(v, (list, tuple, dict, set, np.ndarray)) and _isna(v)):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):  # binary blobs as hex: no control characters reach the text
        return bytes(v).hex()
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple, dict, set)):
        try:
            return json.dumps(v if not isinstance(v, set) else sorted(map(str, v)), default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            return str(v)
    return str(v)


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


_CURRENCY = re.compile(r"^\s*(?:[$€£¥₹₽₩₪₫฿₦₱₴₸¢]|(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|INR|CNY|SEK|NOK|DKK)\b)?\s*"
                       r"([-+]?)\s*(?:[$€£¥₹₽₩₪₫฿₦₱₴₸¢])?\s*(.*?)\s*"
                       r"(?:[$€£¥₹₽₩₪₫฿₦₱₴₸¢]|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|INR|CNY|SEK|NOK|DKK))?\s*$")
_GROUP_SPACE = re.compile(r"(?<=\d)[\s'’\u00a0\u202f](?=\d{3}(?:\D|$))")
_US = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_EU = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_FORMATTING = re.compile(r"[$€£¥₹₽₩₪₫฿₦₱₴₸¢,()\u00a0\u202f']|\d \d|USD|EUR|GBP|JPY|CHF|CAD|AUD|INR|CNY|SEK|NOK|DKK")


def _clean_number_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(sign-less number text, negative?) after removing currency, brackets and digit-group spaces."""
    t = text.str.strip()
    bracket = t.str.match(r"^\(.*\)$")
    t = t.where(~bracket, t.str.slice(1, -1))
    parts = t.str.extract(_CURRENCY)
    sign, body = parts[0].fillna(""), parts[1].fillna("")
    body = body.str.replace(_GROUP_SPACE, "", regex=True)
    return body, bracket | (sign == "-")


def _text_sample(s: pd.Series, n: int = 5000) -> pd.Series:
    """Up to ``n`` non-empty values of a text column, stripped: what the format checks look at first."""
    head = s.iloc[: n * 4].dropna()  # the start of the column first: dropna on millions of rows is slow
    if len(head) < n * 2 and len(s) > n * 4:
        head = s.dropna()
    head = head.head(n * 2).astype(str).str.strip()
    return head[head != ""].head(n)


def _formatted_numbers(s: pd.Series, name: str, warnings: list[str]) -> pd.Series | None:
    """Numbers written with currency symbols or digit-group separators ("$1,234.50", "1.234,5 €")."""
    sample = _text_sample(s)
    if sample.empty or sample.str.contains(r"\d").mean() < 0.99 or not sample.str.contains(_FORMATTING).any():
        return None
    body, _ = _clean_number_text(sample)
    us, eu = body.str.fullmatch(_US).mean(), body.str.fullmatch(_EU).mean()
    if max(us, eu) < 0.99:
        return None
    style = "us" if us >= 0.99 else "eu"
    body, negative = _clean_number_text(s.astype("string"))
    if style == "us":
        body = body.str.replace(",", "", regex=False)
    else:
        body = body.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = pd.to_numeric(body.where(body.str.fullmatch(r"\d*\.?\d+") == True), errors="coerce")  # noqa: E712
    values = values.where(~negative.fillna(False).astype(bool), -values).astype(float)
    present = s.notna() & (s.astype("string").str.strip() != "")
    lost = int((values.isna() & present).sum())
    if lost > 0.01 * int(present.sum()):
        return None
    example = str(sample.iloc[0])
    read = "a decimal comma (dots between digit groups)" if style == "eu" else "a decimal point"
    more = f"; {lost:,} value(s) that are not numbers became missing" if lost else ""
    warnings.append(f"Column '{_clip(name)}' holds numbers written with currency symbols, digit-group separators or "
                    f"a decimal comma (e.g. '{_clip(example, 30)}'); they are read as plain numbers with {read}{more}.")
    return values


_ZONED = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?")
_HAS_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)$")


def _zoned_datetimes(s: pd.Series, name: str, warnings: list[str]) -> pd.Series | None:
    """ISO timestamps with UTC offsets (possibly several): converted to UTC."""
    sample = _text_sample(s)
    if sample.empty or sample.str.fullmatch(_ZONED).mean() < 0.99 or not sample.str.contains(_HAS_ZONE).any():
        return None
    clean = s.astype("string").str.strip().str.replace(r"\s*(UTC|GMT)$", "Z", regex=True)
    values = pd.to_datetime(clean, utc=True, format="ISO8601", errors="coerce")
    if values.notna().sum() < 0.99 * int((clean.notna() & (clean != "")).sum()):
        return None
    zones = sample.str.extract(r"(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$")[0].fillna("none").nunique()
    several = "several time zones" if zones > 1 else "a time zone"
    warnings.append(f"Column '{_clip(name)}' holds timestamps with {several} (e.g. '{_clip(str(sample.iloc[0]), 40)}'); "
                    "they are converted to UTC.")
    return values.dt.tz_localize(None).astype("datetime64[ns]")


_YEAR = re.compile(r"(?<!\d)(?:1[5-9]\d{2}|2[01]\d{2})(?!\d)")
_NUMERIC_DATE = r"^\s*(\d{1,2})%s(\d{1,2})%s\d{4}(?:\D|$)"


def _parse_dates(text: pd.Series) -> tuple[pd.Series, list[str]]:
    """Dates in any of several formats; numeric day/month orders decided per separator.

    Dotted dates (31.12.2021) are day first, as written in Europe; slashed or dashed ones are day
    first only when some value's first number exceeds 12, else month first (the US convention).
    """
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    rest = pd.Series(True, index=text.index)
    readings = []
    for sep, name in ((".", "dotted"), ("/", "slashed"), ("-", "dashed")):
        parts = text.str.extract(_NUMERIC_DATE % (re.escape(sep), re.escape(sep)))
        mask = parts[0].notna()
        if not mask.any():
            continue
        first = parts.loc[mask, 0].astype(int)
        dayfirst = sep == "." or bool((first > 12).any())
        out[mask] = pd.to_datetime(text[mask], format="mixed", dayfirst=dayfirst, errors="coerce")
        rest &= ~mask
        readings.append(f"{name} dates as {'day' if dayfirst else 'month'} first")
    if rest.any():
        other = pd.to_datetime(text[rest], format="mixed", errors="coerce", utc=True)
        out[rest] = other.dt.tz_localize(None)
    return out, readings


def _mixed_format_dates(s: pd.Series, name: str, warnings: list[str]) -> pd.Series | None:
    """Dates written in several formats in one column ("2021-01-05", "Jan 6 2021", "07/01/2021")."""
    sample = _text_sample(s, 2000)
    if len(sample) < 2 or sample.str.contains(_YEAR).mean() < 0.99:
        return None
    if sample.str.fullmatch(r"[+-]?\d+(\.\d+)?").any():
        return None  # plain numbers (years, amounts) are not dates written differently
    if detect_column(sample.reset_index(drop=True), name).kind == Kind.DATETIME:
        return None  # one format: the schema reads it and keeps it for export
    parsed, _ = _parse_dates(sample)
    if parsed.notna().mean() < 0.99:
        return None
    values, readings = _parse_dates(s.astype("string").str.strip().fillna(""))
    present = s.notna() & (s.astype("string").str.strip() != "")
    lost = int((values.isna() & present).sum())
    if lost > 0.01 * int(present.sum()):
        return None
    how = f" ({', '.join(readings)})" if readings else ""
    warnings.append(f"Column '{_clip(name)}' holds dates written in several formats (e.g. "
                    f"{', '.join(repr(_clip(v, 25)) for v in sample.drop_duplicates().head(3))}); they are read as "
                    f"dates{how}. Check the preview.")
    return values.astype("datetime64[ns]")


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
            f"{len(empty)} column(s) are entirely empty: {', '.join(repr(_clip(c)) for c in empty[:5])}. "
            "They are kept, and generators will leave them empty."
        )
    constant = [c for c in df.columns if c not in empty and _nunique(df[c]) == 1]
    if constant:
        table.warnings.append(
            f"{len(constant)} column(s) hold a single value: {', '.join(repr(_clip(c)) for c in constant[:5])}. "
            "Synthetic data repeats it; such a column cannot serve as a target."
        )
    for c in df.columns:
        warning = mixed_type_warning(df[c], c)
        if warning:
            table.warnings.append(warning)


def _nunique(s: pd.Series) -> int:
    try:
        return int(s.nunique(dropna=True))
    except TypeError:
        return int(s.dropna().astype(str).nunique())


def _clip(text: str, n: int = 60) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def mixed_type_warning(s: pd.Series, name: str) -> str | None:
    """A warning when a text column is mostly numbers (or dates) with some other values."""
    if s.dtype != object and not pd.api.types.is_string_dtype(s) and not isinstance(s.dtype, pd.CategoricalDtype):
        return None
    counts = s.value_counts(dropna=True)  # work on distinct values: fast on millions of rows
    counts.index = counts.index.astype(str).str.strip()
    counts = counts[counts.index != ""]
    if counts.sum() < 5:
        return None
    numeric = pd.to_numeric(pd.Series(counts.index).str.replace(",", "", regex=False), errors="coerce").to_numpy()
    is_num = ~np.isnan(numeric.astype(float))
    share = float(counts.to_numpy()[is_num].sum() / counts.sum())
    if 0.5 <= share < 1.0:
        odd = counts.index[~is_num][:3]
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
