"""Build the corpus of bad and hostile input files under ``tests/data/bad/`` (reproducibly).

Run ``python tests/data/make_bad_files.py`` to (re)write every file; the output is byte-for-byte
the same on every run (seeded random data, fixed zip timestamps). ``CASES`` says, for each file,
what it is and what SynthLab must do with it: ``refuse`` (a plain message containing the given
words) or ``load`` (optionally with a warning containing the given words). tests/test_bad_files.py
checks every file through the loader, the CLI and the app.

The corpus stays small on disk (a few hundred KB): the zip and Parquet bombs declare or unpack to
gigabytes, but their files are tiny.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BAD_DIR = Path(__file__).resolve().parent / "bad"
# If anything ever unpickled the pickle files, this file would appear (the tests check it never does).
PICKLE_SENTINEL = "/tmp/synthlab-pickle-was-executed"
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    """One bad file: how to build it, what it is, and what SynthLab must do."""

    name: str
    build: Callable[[], bytes]
    what: str
    refuse: str | None = None  # words the refusal message must contain
    warn: str | None = None  # words some warning must contain (loaded files)
    shape: tuple[int, int] | None = None  # rows, columns of a loaded file


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _csv(rows: list[list[object]], lineterminator: str = "\n") -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator=lineterminator).writerows(rows)
    return buf.getvalue().encode("utf-8")


def _table(header: list[str], n: int = 30, seed: int = 0) -> list[list[object]]:
    """A plausible body under ``header``: one number, one category, repeated."""
    rng = _rng(seed)
    body = []
    for _ in range(n):
        body.append([int(rng.integers(18, 90)) if i % 2 == 0 else str(rng.choice(["red", "green", "blue"]))
                     for i in range(len(header))])
    return [header, *body]


# ----- binary formats --------------------------------------------------------------------------
def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def _jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(_rng(3).integers(0, 256, 600, dtype=np.uint8)) + b"\xff\xd9"


class _Payload:
    """Unpickling this runs a shell command; building the pickle runs nothing."""

    def __reduce__(self):
        return (os.system, (f"touch {PICKLE_SENTINEL}",))


def _pickle(protocol: int) -> bytes:
    return pickle.dumps(_Payload(), protocol=protocol)


def _npy() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.arange(12).reshape(3, 4), allow_pickle=False)
    return buf.getvalue()


def _sqlite() -> bytes:
    return b"SQLite format 3\x00" + b"\x10\x00\x01\x01\x00\x40\x20\x20" + bytes(200)


def _gzip() -> bytes:
    import gzip

    return gzip.compress(_csv(_table(["a", "b"])), mtime=0)


def _zip(members: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = compress
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def _xml_escape(v: object) -> str:
    return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_xml(rows: list[list[object]], padding: bytes = b"") -> bytes:
    cells = []
    for r, row in enumerate(rows, start=1):
        parts = []
        for c, v in enumerate(row):
            ref = f"{_col_letter(c)}{r}"
            if isinstance(v, (int, float)):
                parts.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_escape(v)}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(parts)}</row>')
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    return head.encode() + "".join(cells).encode() + padding + b"</sheetData></worksheet>"


def _xlsx(sheets: dict[str, list[list[object]]], padding: bytes = b"", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal, valid .xlsx built by hand (openpyxl would stamp the current time into it)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_entries = "".join(f'<sheet name="{_xml_escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                            for i, n in enumerate(sheets))
    sheet_rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                         for i in range(len(sheets)))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>").encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            f"<sheets>{sheet_entries}</sheets></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{sheet_rels}</Relationships>").encode(),
    }
    for i, rows in enumerate(sheets.values()):
        members[f"xl/worksheets/sheet{i + 1}.xml"] = _sheet_xml(rows, padding if i == 0 else b"")
    members.update(extra or {})
    return _zip(members)


def _zip_bomb() -> bytes:
    """A real .xlsx whose sheet unpacks to 100 MB of whitespace from ~100 KB."""
    return _xlsx({"Sheet1": _table(["a", "b"], 5)}, padding=b" " * (100 << 20))


def _declared_huge() -> bytes:
    """A small .xlsx whose zip directory claims the sheet unpacks to 4 GB."""
    data = bytearray(_xlsx({"Sheet1": _table(["a", "b"], 5)}))
    name = b"xl/worksheets/sheet1.xml"
    huge = struct.pack("<I", 0xFFFFFFF0)
    pos = 0
    while True:  # local headers: uncompressed size at offset 22
        pos = data.find(b"PK\x03\x04", pos)
        if pos < 0:
            break
        n = struct.unpack("<H", data[pos + 26: pos + 28])[0]
        if data[pos + 30: pos + 30 + n] == name:
            data[pos + 22: pos + 26] = huge
        pos += 4
    pos = 0
    while True:  # central directory: uncompressed size at offset 24
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        n = struct.unpack("<H", data[pos + 28: pos + 30])[0]
        if data[pos + 46: pos + 46 + n] == name:
            data[pos + 24: pos + 28] = huge
        pos += 4
    return bytes(data)


def _many_parts() -> bytes:
    extra = {f"xl/media/part{i:05d}.bin": b"x" for i in range(1200)}
    return _xlsx({"Sheet1": _table(["a", "b"], 5)}, extra=extra)


def _corrupt_xlsx() -> bytes:
    good = _xlsx({"Sheet1": _table(["a", "b"], 20)})
    return good[: len(good) // 2]


def _multi_sheet() -> bytes:
    first = [["item", "price", "note"], *[[f"item {i}", 10 + i, "=HYPERLINK(\"http://x\",\"click\")"] for i in range(12)]]
    return _xlsx({"Prices": first, "Other": [["x"], [1], [2]]})


def _parquet_bomb() -> bytes:
    """100 million declared rows (all null) in a ~200 KB file: reading it would need gigabytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    with pq.ParquetWriter(buf, pa.schema([("flag", pa.int64())]), data_page_size=1 << 30) as w:
        chunk = pa.table({"flag": pa.nulls(50_000_000, pa.int64())})
        for _ in range(2):
            w.write_table(chunk, row_group_size=50_000_000)
    return buf.getvalue()


def _nested_parquet() -> bytes:
    import decimal

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 24
    rng = _rng(5)
    table = pa.table({
        "tags": pa.array([[f"t{j}" for j in range(i % 3)] for i in range(n)], pa.list_(pa.string())),
        "record": pa.array([{"k": int(i), "v": f"v{i}"} for i in range(n)]),
        "blob": pa.array([bytes([i, 255 - i]) for i in range(n)], pa.binary()),
        "amount": pa.array([decimal.Decimal(f"{v:.2f}") for v in rng.normal(100, 20, n)], pa.decimal128(10, 2)),
        "seen_at": pa.array(pd.date_range("2021-01-01", periods=n, freq="h", tz="Europe/Paris")),
        "grade": pa.array(rng.choice(["a", "b", "c"], n)).dictionary_encode(),
    })
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


# ----- text formats -----------------------------------------------------------------------------
def _ragged() -> bytes:
    return b"a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n"


def _unclosed_quote() -> bytes:
    return b'name,comment\nann,fine\nbob,"never closed\ncy,ok\ndee,ok\n'


def _only_delimiters() -> bytes:
    return b",,,\n,,,\n,,,\n,,,\n"


def _web_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body><form>user,pass</form></body></html>\n"


def _json_records() -> bytes:
    return json.dumps([{"a": i, "b": f"x{i}"} for i in range(10)]).encode()


def _xml() -> bytes:
    return b'<?xml version="1.0"?>\n<rows><row a="1" b="2"/><row a="3" b="4"/></rows>\n'


def _very_wide() -> bytes:
    rng = _rng(7)
    header = [f"c{i}" for i in range(2000)]
    return _csv([header, *[list(rng.integers(0, 9, 2000)) for _ in range(3)]])


def _one_column() -> bytes:
    return _csv([["value"], *[[v] for v in _rng(8).integers(0, 100, 30)]])


def _empty_names() -> bytes:
    return _csv(_table(["a", "", "c", " "], 20))


def _long_names() -> bytes:
    return _csv(_table(["x" * 5000, "y" * 300, "short", "y" * 300 + "z"], 20))


def _unicode_names() -> bytes:
    header = ["العمر", "שם_משפחה", "😀 mood", "年齢", "e\u0301tat", "\u202eevil\u202c_name", "zero\u200bwidth",
              "👨\u200d👩\u200d👧 family"]
    return _csv(_table(header, 24))


def _mixed_types() -> bytes:
    rng = _rng(9)
    rows = [["age", "city"]]
    for i in range(40):
        age = "unknown" if i in (3, 17) else ("n/a" if i == 30 else str(int(rng.integers(18, 90))))
        rows.append([age, str(rng.choice(["Paris", "Oslo"]))])
    return _csv(rows)


def _all_missing() -> bytes:
    rows = _table(["a", "b"], 20)
    return _csv([[*rows[0], "nothing"], *[[*r, ""] for r in rows[1:]]])


def _constant() -> bytes:
    rows = _table(["a", "b"], 20)
    return _csv([[*rows[0], "country", "version"], *[[*r, "NL", 3] for r in rows[1:]]])


def _one_class_target() -> bytes:
    rows = _table(["age", "colour"], 30)
    return _csv([[*rows[0], "target"], *[[*r, "yes"] for r in rows[1:]]])


def _high_cardinality() -> bytes:
    rng = _rng(11)
    codes = [f"k{i:05d}" for i in range(10_000)]
    rows = [["category", "amount"]] + [[c, round(float(rng.normal(50, 10)), 2)] for c in codes]
    rows += [[codes[int(i)], 1.0] for i in rng.integers(0, 10_000, 2_000)]
    return _csv(rows)


def _inf_nan() -> bytes:
    rows = [["x", "y", "z"]]
    special = ["inf", "-inf", "NaN", "nan", "Infinity", "-Infinity", "1e400", ""]
    rng = _rng(12)
    for i in range(30):
        rows.append([special[i % len(special)] if i % 3 == 0 else f"{rng.normal():.3f}", f"{rng.normal():.3f}", i])
    return _csv(rows)


def _huge_numbers() -> bytes:
    return _csv([["big", "small", "neg_zero"], ["99999999999999999999999", "1e-320", "-0"],
                 ["1e308", "5e-324", "0"], ["1e400", "0.1", "-0.0"], ["7", "2", "1"]])


def _dates_many_formats() -> bytes:
    rng = _rng(13)
    import datetime as dt

    fmts = ["%Y-%m-%d", "%d %B %Y", "%b %d, %Y", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y"]
    rows = [["mixed", "iso", "us", "european", "text_month"]]
    for i in range(30):
        d = dt.date(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, 700)))
        rows.append([d.strftime(fmts[i % len(fmts)]), d.isoformat(), d.strftime("%m/%d/%Y"), d.strftime("%d.%m.%Y"),
                     d.strftime("%d %b %Y")])
    return _csv(rows)


def _mixed_timezones() -> bytes:
    zones = ["+02:00", "Z", "-05:00", "+05:30", "", " UTC"]
    rows = [["seen_at", "value"]]
    for i in range(24):
        rows.append([f"2021-03-{(i % 27) + 1:02d}T{i % 24:02d}:15:00{zones[i % len(zones)]}", i])
    return _csv(rows)


def _thousands_currency() -> bytes:
    rng = _rng(14)
    rows = [["price_usd", "price_eur", "swiss", "spaced", "accounting"]]
    for _ in range(30):
        v = float(rng.uniform(0, 2_000_000))
        us = f"${v:,.2f}"
        eu = f"{v:,.2f} €".replace(",", "_").replace(".", ",").replace("_", ".")
        rows.append([us, eu, f"{int(v):,}".replace(",", "'"), f"{int(v):,}".replace(",", " "),
                     f"({v:,.0f})" if v > 1_000_000 else f"{v:,.0f}"])
    return _csv(rows)


def _european_decimals() -> bytes:
    rng = _rng(15)
    lines = ["length;weight;label"]
    for _ in range(25):
        lines.append(f"{rng.uniform(1, 9):.2f};{rng.uniform(10, 90):.1f};{rng.choice(['a', 'b'])}".replace(".", ","))
    return ("\n".join(lines) + "\n").encode()


FORMULAS = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1", "=1+1"]


def _formula_injection() -> bytes:
    rows = [["=cmd|' /C calc'!A0", "note", "amount"]]
    for i in range(24):
        rows.append([FORMULAS[i % len(FORMULAS)], f"row {i}", i - 12])
    return _csv(rows, lineterminator="\r\n")  # so the cell starting with a carriage return is quoted


HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold**", "[link](http://x)",
           "![img](http://x)", ":red[red]", "$x^2$", "# heading"]


def _html_js() -> bytes:
    header = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "amount"]
    rows = [header] + [[HOSTILE[i % 2], HOSTILE[(i + 1) % 2], i] for i in range(24)]
    return _csv(rows)


def _markdown_injection() -> bytes:
    header = ["**bold**", "[link](http://x)", "![img](http://x)", ":red[red]", "n"]
    rows = [header] + [[HOSTILE[2 + (i + j) % 6] for j in range(4)] + [i] for i in range(24)]
    return _csv(rows)


def _sql_and_paths() -> bytes:
    return _csv(_table(["'; DROP TABLE runs; --", "../../etc/passwd", "%s%n%x", "{0}{__class__}", "NULL", "con"], 20))


def _pickle_protocol0() -> bytes:
    return _pickle(0)


def _mac_newlines() -> bytes:
    return b"a,b\r1,x\r2,y\r3,z\r"


def _utf16_no_bom() -> bytes:
    return "name,age\nZoë,34\nJürgen,45\nŁukasz,29\n".encode("utf-16-le")


def _mixed_encoding() -> bytes:
    return "name,city\nZoë,Köln\n".encode() + "Jürgen,Zürich\nAnn,Paris\n".encode("latin-1")


CASES: list[Case] = [
    Case("empty.csv", lambda: b"", "zero bytes", refuse="empty"),
    Case("whitespace_only.csv", lambda: b"  \n\n\t \r\n", "only blank lines", refuse="empty"),
    Case("null_bytes.csv", lambda: b"a,b\n1,\x002\n" * 20, "text with NUL bytes", refuse="binary"),
    Case("random_binary.csv", lambda: bytes(_rng(1).integers(0, 256, 4096, dtype=np.uint8)), "random bytes",
         refuse="binary"),
    Case("image_png.csv", _png, "a PNG image named .csv", refuse="PNG image"),
    Case("photo.jpg", _jpeg, "a JPEG image", refuse="JPEG image"),
    Case("document_pdf.csv", lambda: b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", "a PDF document", refuse="PDF"),
    Case("pickle_rce.pkl", lambda: _pickle(2), "a pickle that runs a shell command when unpickled",
         refuse="pickle"),
    Case("pickle_rce_v4.csv", lambda: _pickle(4), "the same pickle (protocol 4) named .csv", refuse="pickle"),
    Case("pickle_rce_text.csv", _pickle_protocol0, "a text-protocol pickle: read as plain text, never run",
         shape=(7, 1)),
    Case("array.npy", _npy, "a NumPy array file", refuse="NumPy"),
    Case("database_sqlite.csv", _sqlite, "an SQLite database", refuse="SQLite"),
    Case("data.csv.gz", _gzip, "a gzip-compressed CSV", refuse="gzip"),
    Case("archive.zip", lambda: _zip({"data.csv": _csv(_table(["a", "b"]))}), "a zip archive holding a CSV",
         refuse="zip archive"),
    Case("zip_bomb.xlsx", _zip_bomb, "an .xlsx whose sheet unpacks to 100 MB (ratio ~1000:1)", refuse="zip bomb"),
    Case("declared_4gb.xlsx", _declared_huge, "an .xlsx whose zip directory declares a 4 GB sheet",
         refuse="refused as unsafe"),
    Case("many_parts.xlsx", _many_parts, "an .xlsx with 1,200 archive members", refuse="parts"),
    Case("truncated.xlsx", _corrupt_xlsx, "half of an .xlsx", refuse="not a readable Excel"),
    Case("text_named.xlsx", lambda: b"a,b\n1,2\n3,4\n", "plain text named .xlsx", refuse="not a readable Excel"),
    Case("legacy.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "an old binary Excel file",
         refuse=".xls"),
    Case("not_parquet.parquet", lambda: b"this is not parquet\n", "text named .parquet",
         refuse="not a readable Parquet"),
    Case("parquet_bomb.parquet", _parquet_bomb, "a Parquet file declaring 100 million rows in ~200 KB",
         refuse="budget"),
    Case("header_only.csv", lambda: b"a,b,c\n", "a header and no rows", refuse="no data rows"),
    Case("one_row.csv", lambda: b"a,b\n1,2\n", "a single data row", refuse="only 1 data row"),
    Case("ragged_rows.csv", _ragged, "a row with too few fields", refuse="Row 4 has 2 fields"),
    Case("unclosed_quote.csv", _unclosed_quote, "a quoted field that never closes", refuse="never closed"),
    Case("duplicate_columns.csv", lambda: _csv(_table(["id", "score", "id"], 10)), "a repeated column name",
         refuse="must be unique"),
    Case("duplicate_after_trim.csv", lambda: _csv(_table(["a", " a ", "b"], 10)), "names equal once trimmed",
         refuse="must be unique"),
    Case("only_delimiters.csv", _only_delimiters, "commas and nothing else", refuse="Every cell"),
    Case("web_page.csv", _web_page, "an HTML page saved as .csv", refuse="web page"),
    Case("records.json", _json_records, "JSON records", refuse="JSON"),
    Case("rows.xml", _xml, "an XML document", refuse="XML"),
    Case("very_wide_2000_columns.csv", _very_wide, "2,000 columns", refuse="2,000 columns"),
    Case("one_column.csv", _one_column, "a single column", shape=(30, 1)),
    Case("empty_column_names.csv", _empty_names, "blank column names", warn="no name", shape=(20, 4)),
    Case("long_column_names.csv", _long_names, "column names of 300 and 5,000 characters", warn="shortened",
         shape=(20, 4)),
    Case("unicode_rtl_emoji_names.csv", _unicode_names, "Arabic, Hebrew, CJK, emoji, combining and RTL-override "
         "names", warn="Invisible control characters", shape=(24, 8)),
    Case("mixed_types.csv", _mixed_types, "numbers with a few text values", warn="mostly numbers", shape=(40, 2)),
    Case("all_missing_column.csv", _all_missing, "a column with no values", warn="entirely empty", shape=(20, 3)),
    Case("constant_columns.csv", _constant, "columns holding one value", warn="single value", shape=(20, 4)),
    Case("one_class_target.csv", _one_class_target, "a target with a single class", warn="single value",
         shape=(30, 3)),
    Case("high_cardinality_10000.csv", _high_cardinality, "a column with 10,000 categories", shape=(12_000, 2)),
    Case("inf_nan.csv", _inf_nan, "inf, -inf, NaN, Infinity and 1e400 values", warn="Infinite values",
         shape=(30, 3)),
    Case("huge_numbers.csv", _huge_numbers, "numbers beyond int64 and float range, -0", warn="Infinite values",
         shape=(4, 3)),
    Case("dates_many_formats.csv", _dates_many_formats, "dates in six formats in one column, and one format per "
         "column in others", warn="several formats", shape=(30, 5)),
    Case("mixed_timezones.csv", _mixed_timezones, "ISO timestamps with several UTC offsets and none",
         warn="time zone", shape=(24, 2)),
    Case("thousands_currency.csv", _thousands_currency, "$1,234.50, 1.234,50 €, 1'234, 1 234 and (1,234)",
         warn="currency symbols", shape=(30, 5)),
    Case("european_decimals.csv", _european_decimals, "semicolon-separated, decimal commas",
         warn="decimal comma", shape=(25, 3)),
    Case("formula_injection.csv", _formula_injection, "cells and a name starting with =, +, -, @, tab, CR",
         shape=(24, 3)),
    Case("html_js_injection.csv", _html_js, "<script> and <img onerror> in names and cells", shape=(24, 3)),
    Case("markdown_injection.csv", _markdown_injection, "markdown (bold, links, images, colour, LaTeX) in names "
         "and cells", shape=(24, 5)),
    Case("sql_and_path_names.csv", _sql_and_paths, "SQL, path traversal and format strings as names",
         shape=(20, 6)),
    Case("mac_newlines.csv", _mac_newlines, "old Mac line endings (CR only)", shape=(3, 2)),
    Case("utf16_no_bom.csv", _utf16_no_bom, "UTF-16 without a byte-order mark", shape=(3, 2)),
    Case("mixed_encoding.csv", _mixed_encoding, "UTF-8 and Latin-1 bytes in one file", shape=(3, 2)),
    Case("nested_values.parquet", _nested_parquet, "Parquet with lists, records, bytes, decimals, zoned times",
         warn="nested values", shape=(24, 6)),
    Case("multi_sheet.xlsx", _multi_sheet, "two sheets; formula text in cells", warn="first sheet",
         shape=(12, 3)),
]


def build(directory: Path = BAD_DIR) -> list[Path]:
    """Write every case into ``directory`` (removing files no case names); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    names = {c.name for c in CASES}
    for stale in directory.iterdir():
        if stale.is_file() and stale.name not in names:
            stale.unlink()
    paths = []
    for case in CASES:
        path = directory / case.name
        path.write_bytes(case.build())
        paths.append(path)
    return paths


if __name__ == "__main__":
    written = build(Path(sys.argv[1]) if len(sys.argv) > 1 else BAD_DIR)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files, {total / 1024:,.0f} KB, to {written[0].parent}")
