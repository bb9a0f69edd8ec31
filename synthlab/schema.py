"""The schema: what kind each column is, which column is the target, which are sensitive.

Detection turns a loaded frame into a :class:`Schema`; the user edits it in the UI; every later step
(generators, metrics, export) reads it. :meth:`Schema.coerce` gives the *working frame* every
generator learns from and must reproduce: numbers as float64/Int64, booleans as pandas
``boolean``, datetimes as ``datetime64[ns]``, everything else as ``object`` strings.
:meth:`Schema.to_sdv_metadata` is the one place the schema becomes SDV metadata.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import SchemaError


class Kind(str, Enum):  # noqa: UP042 - StrEnum would change str(Kind.X), which callers may rely on
    NUMERICAL = "numerical"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    ID = "id"
    PII = "pii"


KIND_HELP = {
    Kind.NUMERICAL: "numbers (integer or decimal)",
    Kind.CATEGORICAL: "a fixed set of labels",
    Kind.BOOLEAN: "yes/no, true/false, 0/1",
    Kind.DATETIME: "dates or timestamps",
    Kind.ID: "an identifier (a unique key, or an entity's key repeated over its rows): never learned, regenerated",
    Kind.PII: "personal data (email, phone, name, address, text): never learned, faked",
}

PII_TYPES = ("email", "phone", "name", "first_name", "last_name", "address", "city", "text")

# Only these kinds are learned by generators; ID and PII columns are filled with Faker values.
LEARNED_KINDS = (Kind.NUMERICAL, Kind.CATEGORICAL, Kind.BOOLEAN, Kind.DATETIME)

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d",
    "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y%m%d", "%d %b %Y", "%b %d, %Y",
    "%d-%b-%Y", "%Y-%m", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S.%f", "%b-%Y", "%b %Y", "%B %Y",
)
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
_ID_NAME = re.compile(r"(^|[_\s.-])(id|uuid|guid|key|code|number|no)$|^id[_\s.-]|ID$|Id$", re.IGNORECASE)
_ID_RATIO = 0.9  # an ID-named column is a key when at least this share of its values is distinct
# an entity's whole-number key, repeated over its rows (a panel's person id, a family's, a school's):
# named as an id ("id", "person_id", "nr", "movieId"; not "pid", a party scale, nor a "code", often an
# attribute) and held by many distinct values. Its number means nothing, and learned, it would tie
# synthetic rows to real people's ids with values drawn near theirs. Text keys stay categories: a
# species_id ("DM", "NL") is a label that carries meaning
_ENTITY_NAME = re.compile(r"(^|[_\s.-])(id|nr)$|^id[_\s.-]", re.IGNORECASE)  # "nr_of_rooms" is a count
_ENTITY_CAMEL = re.compile(r"[a-z](Id|ID)$")
# written as one word: "schoolid", "patientid", "hhid" (not "pid", "paid", "valid")
_ENTITY_WORD = re.compile(r"^(person|patient|subject|student|pupil|child|user|customer|client|member|family|"
                          r"household|hh|school|class|firm|company|store|shop|site|clinic|hospital|doctor)_?id$",
                          re.IGNORECASE)
_ENTITY_LEVELS = 20
# a row number written out with the table (pandas' unnamed index, R's rownames, which the intake names
# "column_1" when the header is empty): unique whole numbers under such a name are an identifier. As a
# number they would be learned, and a table sorted by anything would hand its order to the detector
_ROW_INDEX_NAME = re.compile(r"^(rownames?|row_?names?|index|row|row_?(id|num|number|no|nr)|column_\d+|unnamed:?_?\d*)$")
_CODE_MAX_LEVELS = 20
_NAME_COLS = {
    "name": "name", "full_name": "name", "fullname": "name", "person": "name", "patient_name": "name",
    "student_name": "name", "customer_name": "name", "first_name": "first_name",
    "firstname": "first_name", "given_name": "first_name", "last_name": "last_name",
    "lastname": "last_name", "surname": "last_name", "family_name": "last_name",
    "address": "address", "street": "address", "street_address": "address", "city": "city",
    "email": "email", "e_mail": "email", "phone": "phone", "phone_number": "phone",
    "telephone": "phone", "mobile": "phone",
}
_SAMPLE = 5000


@dataclass
class ColumnSpec:
    """One column: its kind plus what is needed to reproduce its representation."""

    name: str
    kind: Kind
    integer: bool = False  # numerical: whole numbers only
    decimals: int | None = None  # numerical: decimal places seen (None: not fixed)
    datetime_format: str | None = None  # datetime: strftime format of the source strings
    pii_type: str | None = None  # pii: one of PII_TYPES
    unique: bool = False  # every non-missing value distinct
    labels: list | None = None  # boolean: how the source wrote [False, True] ("No", "Yes"; 0, 1), for export

    def describe(self) -> str:
        """A short detail for the schema table ("integer", "%Y-%m-%d", "email", ...)."""
        if self.kind == Kind.NUMERICAL:
            if self.integer:
                return "integer"
            return f"decimal ({self.decimals} places)" if self.decimals is not None else "decimal"
        if self.kind == Kind.DATETIME:
            return self.datetime_format or "timestamp"
        if self.kind == Kind.PII:
            return self.pii_type or "text"
        if self.kind == Kind.ID:
            return "unique" if self.unique else "key"
        return ""


@dataclass
class Schema:
    columns: list[ColumnSpec]
    target: str | None = None
    sensitive: list[str] = field(default_factory=list)

    # ----- access -------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def __getitem__(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def of_kind(self, *kinds: Kind) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]

    @property
    def learned(self) -> list[str]:
        """Columns generators learn; ID and PII are regenerated with Faker instead."""
        return self.of_kind(*LEARNED_KINDS)

    @property
    def task(self) -> str | None:
        """'classification', 'regression' or None, from the target's kind."""
        if self.target is None:
            return None
        kind = self[self.target].kind
        if kind == Kind.NUMERICAL:
            return "regression"
        if kind in (Kind.CATEGORICAL, Kind.BOOLEAN):
            return "classification"
        return None

    # ----- detection ----------------------------------------------------------------------
    @classmethod
    def detect(cls, df: pd.DataFrame, target: str | None = None, sensitive: list[str] | None = None) -> Schema:
        """Guess each column's kind from its values and name."""
        schema = cls([detect_column(df[c], str(c)) for c in df.columns])
        schema.target = target if target is not None else _guess_target(schema, df)
        schema.sensitive = list(sensitive) if sensitive is not None else _guess_sensitive(schema)
        schema.validate(df)
        return schema

    def validate(self, df: pd.DataFrame | None = None) -> None:
        names = self.names
        if len(set(names)) != len(names):
            raise SchemaError("Column names in the schema must be unique.")
        if df is not None and list(map(str, df.columns)) != names:
            raise SchemaError("The schema's columns do not match the data's columns.")
        if self.target is not None:
            if self.target not in names:
                raise SchemaError(f"The target column '{self.target}' is not in the data.")
            if self[self.target].kind in (Kind.ID, Kind.PII, Kind.DATETIME):
                raise SchemaError(
                    f"The target '{self.target}' is {self[self.target].kind.value}; a target must be "
                    "numerical, categorical or boolean."
                )
        for s in self.sensitive:
            if s not in names:
                raise SchemaError(f"The sensitive attribute '{s}' is not in the data.")
            if self[s].kind not in (Kind.CATEGORICAL, Kind.BOOLEAN, Kind.NUMERICAL):
                raise SchemaError(f"The sensitive attribute '{s}' must be categorical, boolean or numerical.")

    # ----- working frame ------------------------------------------------------------------
    def coerce(self, df: pd.DataFrame) -> pd.DataFrame:
        """The working frame: each column in the dtype its kind implies (see module doc)."""
        out = {}
        for spec in self.columns:
            out[spec.name] = coerce_column(df[spec.name], spec)
        return pd.DataFrame(out, index=df.index, copy=False)  # no block consolidation: 0.5 s per million rows

    def restore(self, df: pd.DataFrame) -> pd.DataFrame:
        """Round numbers to the decimals seen in the real data and write booleans as the source did
        ("Yes"/"No", 1/0), ready for export."""
        out = {name: df[name] for name in df.columns}
        for spec in self.columns:
            if spec.kind == Kind.BOOLEAN and spec.labels and spec.name in out:
                out[spec.name] = _boolean_as_labels(out[spec.name], spec.labels)
            if spec.kind == Kind.NUMERICAL and spec.name in out and (spec.integer or spec.decimals is not None):
                col = pd.to_numeric(out[spec.name])
                if spec.integer:
                    col = col.round()
                    out[spec.name] = nullable_ints(col) if pd.api.types.is_float_dtype(col) else col.astype("Int64")
                elif spec.decimals is not None:
                    out[spec.name] = col.round(spec.decimals)
        return pd.DataFrame(out, index=df.index, copy=False)

    # ----- editing (the UI's data editor) -------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "column": self.names,
                "kind": [c.kind.value for c in self.columns],
                "detail": [c.describe() for c in self.columns],
                "target": [c.name == self.target for c in self.columns],
                "sensitive": [c.name in self.sensitive for c in self.columns],
            }
        )

    def with_edits(self, edited: pd.DataFrame, df: pd.DataFrame) -> Schema:
        """Apply an edited :meth:`to_frame` table; kinds changed by the user are re-derived from data."""
        targets = [str(r.column) for r in edited.itertuples() if bool(r.target)]
        if len(targets) > 1:
            raise SchemaError(f"Pick one target column, not {len(targets)} ({', '.join(targets)}).")
        cols = []
        for spec, row in zip(self.columns, edited.itertuples(), strict=True):
            kind = Kind(row.kind)
            cols.append(spec if kind == spec.kind else respec(df[spec.name], spec.name, kind))
        new = Schema(cols, targets[0] if targets else None,
                     [str(r.column) for r in edited.itertuples() if bool(r.sensitive)])
        new.validate()
        return new

    # ----- serialisation ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": [{**asdict(c), "kind": c.kind.value} for c in self.columns],
            "target": self.target,
            "sensitive": list(self.sensitive),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Schema:
        try:
            cols = [ColumnSpec(**{**c, "kind": Kind(c["kind"])}) for c in d["columns"]]
            schema = cls(cols, d.get("target"), list(d.get("sensitive", [])))
        except (KeyError, TypeError, ValueError) as e:
            raise SchemaError(f"The schema is malformed: {e}") from None
        schema.validate()
        return schema

    # ----- SDV ----------------------------------------------------------------------------
    def to_sdv_metadata(self, table_name: str = "table", columns: list[str] | None = None):
        """SDV 2.0 ``Metadata`` for the given columns (default: the learned ones).

        The only place a schema becomes SDV metadata: generators hand SDV the working frame of
        exactly these columns.
        """
        from sdv.metadata import Metadata  # local import: SDV is heavy and only generators need it

        cols = {}
        for name in columns if columns is not None else self.learned:
            spec = self[name]
            if spec.kind == Kind.NUMERICAL:
                cols[name] = {"sdtype": "numerical", "computer_representation": "Int64" if spec.integer else "Float"}
            elif spec.kind == Kind.DATETIME:
                cols[name] = {"sdtype": "datetime", "datetime_format": "%Y-%m-%d %H:%M:%S"}
            elif spec.kind == Kind.BOOLEAN:
                cols[name] = {"sdtype": "boolean"}
            elif spec.kind == Kind.ID:
                cols[name] = {"sdtype": "id"}
            elif spec.kind == Kind.PII:
                cols[name] = {"sdtype": _SDV_PII.get(spec.pii_type or "text", "unknown"), "pii": True}
            else:
                cols[name] = {"sdtype": "categorical"}
        return Metadata.load_from_dict(
            {"METADATA_SPEC_VERSION": "V1", "tables": {table_name: {"columns": cols}}}
        )

    def sdmetrics_metadata(self, columns: list[str] | None = None) -> dict[str, Any]:
        """Single-table metadata dict in the form SDMetrics' reports take."""
        md = self.to_sdv_metadata("table", columns).to_dict()
        return md["tables"]["table"]


_SDV_PII = {"email": "email", "phone": "phone_number", "name": "name", "first_name": "first_name",
            "last_name": "last_name", "address": "address", "city": "city", "text": "unknown"}


# ----- per-column detection ---------------------------------------------------------------
def detect_column(s: pd.Series, name: str) -> ColumnSpec:
    """Guess one column's kind from its values (a sample for speed) and its name."""
    nonnull = s.dropna()
    n = len(nonnull)
    unique = n > 0 and nonnull.nunique() == n
    if n == 0:
        return ColumnSpec(name, Kind.CATEGORICAL)
    if pd.api.types.is_bool_dtype(s):
        return ColumnSpec(name, Kind.BOOLEAN)
    if pd.api.types.is_datetime64_any_dtype(s):
        return ColumnSpec(name, Kind.DATETIME, unique=unique)
    # a seeded sample of positions (pandas' sample permutes every row: slow on millions)
    sample = nonnull.iloc[np.sort(np.random.default_rng(0).choice(n, _SAMPLE, replace=False))] if n > _SAMPLE else nonnull
    lname = name.strip().lower().replace(" ", "_").replace("-", "_")
    if pd.api.types.is_numeric_dtype(s):
        values = pd.to_numeric(nonnull)
        if set(np.unique(values[:_SAMPLE * 20])) <= {0, 1} and values.nunique() == 2:
            return ColumnSpec(name, Kind.BOOLEAN, labels=[0, 1])
        integer = _whole_numbers(values)
        # Near-unique, not only unique: real keys repeat now and then (a student retaking a course).
        distinct = values.nunique()
        near_unique = bool(_ID_NAME.search(name)) and distinct / n >= _ID_RATIO
        row_index = unique and bool(_ROW_INDEX_NAME.match(lname))
        if integer and n > 20 and (near_unique or row_index or _entity_key(name, distinct)):
            return ColumnSpec(name, Kind.ID, integer=True, unique=unique)
        if integer and _looks_like_codes(values):
            return ColumnSpec(name, Kind.CATEGORICAL, unique=unique)
        return ColumnSpec(name, Kind.NUMERICAL, integer=integer, decimals=0 if integer else _decimals(values), unique=unique)
    text = sample.astype(str).str.strip()
    lower = set(text.str.lower().unique()[:10])
    if len(lower) <= 2 and lower <= (_TRUE | _FALSE) and (lower & _TRUE) and (lower & _FALSE):
        return ColumnSpec(name, Kind.BOOLEAN, labels=boolean_labels(text))
    fmt = _date_format(text)
    if fmt is not None:
        return ColumnSpec(name, Kind.DATETIME, datetime_format=fmt, unique=unique)
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().mean() >= 0.999:  # numbers stored as text (e.g. from Excel)
        return detect_column(pd.to_numeric(nonnull.astype(str).str.strip(), errors="coerce"), name)
    if lname in _NAME_COLS:
        return ColumnSpec(name, Kind.PII, pii_type=_NAME_COLS[lname], unique=unique)
    if text.str.match(_EMAIL).mean() > 0.9:
        return ColumnSpec(name, Kind.PII, pii_type="email", unique=unique)
    if ("phone" in lname or "tel" in lname) and text.str.match(_PHONE).mean() > 0.9:
        return ColumnSpec(name, Kind.PII, pii_type="phone", unique=unique)
    ratio = nonnull.nunique() / n
    if _ID_NAME.search(name) and ratio >= _ID_RATIO:
        return ColumnSpec(name, Kind.ID, unique=unique)
    if ratio > 0.5 and n > 20:
        words = text.str.count(" ").mean()
        if words >= 3:
            return ColumnSpec(name, Kind.PII, pii_type="text", unique=unique)
        if "name" in lname:
            return ColumnSpec(name, Kind.PII, pii_type="name", unique=unique)
        if "address" in lname or "street" in lname:
            return ColumnSpec(name, Kind.PII, pii_type="address", unique=unique)
        if ratio > 0.95:
            return ColumnSpec(name, Kind.ID, unique=unique)
    return ColumnSpec(name, Kind.CATEGORICAL, unique=unique)


def boolean_labels(text: pd.Series) -> list | None:
    """How a text column writes false and true (its most frequent spelling of each: "No", "Yes"),
    so that exported synthetic rows read like the source; None unless both are seen."""
    counts = text.value_counts()
    low = counts.index.str.lower()
    false = [v for v, k in zip(counts.index, low, strict=True) if k in _FALSE]
    true = [v for v, k in zip(counts.index, low, strict=True) if k in _TRUE]
    return [false[0], true[0]] if false and true else None


def respec(s: pd.Series, name: str, kind: Kind) -> ColumnSpec:
    """A spec of the kind the user chose, with details derived from the data where possible."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    guess = detect_column(s, name)
    if guess.kind == kind:
        return guess
    spec = ColumnSpec(name, kind, unique=guess.unique)
    if kind == Kind.NUMERICAL:
        values = pd.to_numeric(s, errors="coerce").dropna()
        if values.empty and s.notna().any():
            raise SchemaError(f"Column '{name}' has no numbers, so it cannot be numerical.")
        spec.integer = _whole_numbers(values)
        spec.decimals = 0 if spec.integer else _decimals(values)
    elif kind == Kind.DATETIME:
        if pd.api.types.is_datetime64_any_dtype(s):
            return spec
        text = s.dropna().astype(str).str.strip()
        spec.datetime_format = _date_format(text, threshold=0.5)
        if spec.datetime_format is None and s.notna().any():
            raise SchemaError(f"Column '{name}' does not hold dates in a format SynthLab recognises.")
    elif kind == Kind.PII:
        spec.pii_type = guess.pii_type or "text"
    return spec


def coerce_column(s: pd.Series, spec: ColumnSpec) -> pd.Series:
    """One column of the working frame (see :meth:`Schema.coerce`)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        if spec.kind not in (Kind.NUMERICAL, Kind.BOOLEAN, Kind.DATETIME):
            # converting the labels, not the rows: a million rows cost as much as their few labels
            labels = coerce_column(pd.Series(s.cat.categories), spec).to_numpy(dtype=object)
            return pd.Series(labels.take(s.cat.codes.to_numpy(), mode="clip"), index=s.index,
                             name=s.name).where(s.notna().to_numpy(), None)
        s = s.astype(object)
    if spec.kind == Kind.NUMERICAL:
        values = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_numeric_dtype(s) else s
        if pd.api.types.is_bool_dtype(values):
            values = values.astype(float)
        return values.astype("float64")
    if spec.kind == Kind.BOOLEAN:
        if pd.api.types.is_bool_dtype(s):
            return s.astype("boolean")
        if pd.api.types.is_numeric_dtype(s):
            return s.map(lambda v: pd.NA if pd.isna(v) else bool(v)).astype("boolean")
        low = s.astype("string").str.strip().str.lower()
        return low.map(lambda v: pd.NA if pd.isna(v) else (True if v in _TRUE else False if v in _FALSE else pd.NA)).astype("boolean")
    if spec.kind == Kind.DATETIME:
        if pd.api.types.is_datetime64_any_dtype(s):
            out = s
            if getattr(out.dt, "tz", None) is not None:
                out = out.dt.tz_convert("UTC").dt.tz_localize(None)
            return out.astype("datetime64[ns]")
        return pd.to_datetime(s.astype("string").str.strip(), format=spec.datetime_format, errors="coerce")
    if pd.api.types.is_float_dtype(s):  # integer codes read as float because of gaps: "117", not "117.0"
        return s.map(lambda v: v if pd.isna(v) else str(int(v)) if float(v).is_integer() else str(v)).astype(object)
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.astype(object)  # already text: no per-value conversion (seconds on millions of rows)
    return s.map(lambda v: v if pd.isna(v) else str(v)).astype(object)


def _whole_numbers(values: pd.Series) -> bool:
    """Whole numbers that int64 holds exactly (beyond 2**53 a float is not an exact integer)."""
    arr = values.to_numpy(dtype=float)
    return bool(np.all(np.mod(arr, 1) == 0) and np.all(np.abs(arr) < 2.0**53))


def _entity_key(name: str, distinct: int) -> bool:
    """Named as an entity's id and held by many distinct values (see :data:`_ENTITY_NAME`)."""
    name = name.strip()
    named = _ENTITY_NAME.search(name) or _ENTITY_CAMEL.search(name) or _ENTITY_WORD.match(name)
    return distinct >= _ENTITY_LEVELS and bool(named)


def _looks_like_codes(values: pd.Series) -> bool:
    """Integer labels such as course or department numbers (109, 117, 120, 210, ...), not quantities.

    Few distinct values of three or more digits, each repeated often, numbered nearly consecutively
    in clusters far apart (117, 120, 122 ... 210, 220) instead of filling a range or a regular grid
    the way counts, measurements and years (left numerical) do. Arithmetic on such labels means
    nothing, so generators should treat them as categories.
    """
    levels = np.unique(values.to_numpy(dtype=float))
    k = len(levels)
    if not 3 <= k <= _CODE_MAX_LEVELS or len(values) < 10 * k or levels[0] < 100:
        return False
    if levels[0] >= 1000 and levels[-1] <= 2100:  # calendar years
        return False
    gaps = np.diff(levels)
    step = float(np.median(gaps))
    sparse = k / (levels[-1] - levels[0] + 1) <= 0.2
    return bool(sparse and step <= 10 and gaps.max() >= 5 * step)


def _decimals(values: pd.Series) -> int | None:
    """Most decimal places needed to write the values exactly (None: more than 6)."""
    arr = values.to_numpy(dtype=float)[:_SAMPLE]
    arr = arr[np.isfinite(arr)]
    for d in range(0, 7):
        if np.allclose(arr, np.round(arr, d), rtol=0, atol=1e-9):
            return d
    return None


def _date_format(text: pd.Series, threshold: float = 0.95) -> str | None:
    """The strftime format most values follow, or None when they are not dates."""
    if text.empty or not text.str.contains(r"\d", regex=True).mean() > 0.9:
        return None
    if text.str.fullmatch(r"[+-]?\d+(\.\d+)?").mean() > 0.5:
        fmt = "%Y%m%d"  # only an 8-digit run is treated as a date
        if not text.str.fullmatch(r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])").all():
            return None
        return fmt
    probe = text.head(500)
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(probe, format=fmt, errors="coerce")
        if parsed.notna().mean() >= threshold and (
            pd.to_datetime(text, format=fmt, errors="coerce").notna().mean() >= threshold
        ):
            return fmt
    return None


def _guess_target(schema: Schema, df: pd.DataFrame) -> str | None:
    """A conventional target name if there is one (target, label, class, outcome, ...)."""
    for spec in schema.columns:
        if spec.kind in (Kind.CATEGORICAL, Kind.BOOLEAN, Kind.NUMERICAL) and spec.name.strip().lower() in {
            "target", "label", "class", "outcome", "y", "default", "income", "diabetes", "churn", "survived",
        }:
            return spec.name
    return None


def _guess_sensitive(schema: Schema) -> list[str]:
    names = {"sex", "gender", "race", "ethnicity", "age_group", "agegroup", "religion", "nationality"}
    return [c.name for c in schema.columns
            if c.kind in (Kind.CATEGORICAL, Kind.BOOLEAN) and c.name.strip().lower() in names]


def copy_schema(schema: Schema) -> Schema:
    return Schema([replace(c) for c in schema.columns], schema.target, list(schema.sensitive))


def nullable_ints(s: pd.Series, dt: Any = "Int64") -> pd.Series:
    """Whole floats (NaN = missing) as a nullable integer column, built directly: pandas' own cast
    checks value by value and costs a second per million rows and column."""
    dt = pd.api.types.pandas_dtype(dt)
    values = s.to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    filled = np.where(missing, 0.0, values)
    info = np.iinfo(dt.numpy_dtype)
    if len(filled) and ((filled != np.round(filled)).any() or filled.min() < info.min or filled.max() > info.max):
        return s.astype(dt)  # not whole or out of range: pandas says which
    return pd.Series(pd.arrays.IntegerArray(filled.astype(dt.numpy_dtype), missing), index=s.index, name=s.name)


def _boolean_as_labels(s: pd.Series, labels: list) -> pd.Series:
    """A working boolean column written with the source's labels (missing stays missing)."""
    b = s.astype("boolean") if pd.api.types.is_bool_dtype(s) else coerce_column(s, ColumnSpec(str(s.name), Kind.BOOLEAN))
    present = b.notna().to_numpy()
    values = np.where(b.fillna(False).to_numpy(dtype=bool), labels[1], labels[0]).astype(object)
    out = pd.Series(values, index=s.index, name=s.name, dtype=object).where(present, None)
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in labels):
        return out.astype("Int64")
    return out
