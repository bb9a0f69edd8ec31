"""Filling ID and personal-data columns with fresh fake values: no generator ever learns them.

:class:`PiiFiller` learns only a column's *shape*, never its values: the share of missing values,
whether values are unique (and how many distinct values there are), and for ID columns the format
(integer range style, UUID, or a character-class pattern such as ``AB-1234``). Real values are kept
only as 64-bit hashes so that a generated value equal to a real one can be redrawn: no output value
is ever a copy of a real one.

Faker is slow (about 0.1 ms a value), so beyond a few thousand rows values are drawn from a pool
of Faker values and varied (digits re-drawn, words recombined) until unique.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthlab.schema import Kind, Schema

_POOL = 2500  # Faker calls per column at most; more rows are varied from this pool
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_MIN_CONSTANT = 10  # a character kept literal in an ID pattern must be shared by at least this many values


@dataclass
class ColumnShape:
    """What is learned about one ID/PII column: nothing that identifies a row."""

    name: str
    kind: str  # "int", "uuid", "pattern" (ID columns) or a PII type ("email", "phone", ...)
    missing: float = 0.0
    unique: bool = False
    distinct_ratio: float = 1.0  # distinct / non-missing values
    distinct: int = 0  # number of distinct values
    low: int | None = None  # int IDs: range of the real ids
    high: int | None = None
    dense: bool = False  # int IDs: real ids fill most of their range (a sequence)
    upper: bool = False  # uuid: upper-case hex
    patterns: list[tuple[str, float]] = field(default_factory=list)  # pattern IDs: (template, weight)
    hashes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64), repr=False)


class PiiFiller:
    """Fake values for a schema's ID and PII columns, in the real columns' format.

    ``fit`` learns each column's shape (see module doc); ``sample(n, seed)`` returns ``n`` rows of
    just those columns (index ``0..n-1``), deterministic per seed, unique where the real column was.
    """

    def __init__(self, schema: Schema, locale: str = "en_US") -> None:
        self.schema = schema
        self.locale = locale
        self.columns = schema.of_kind(Kind.ID, Kind.PII)

    def fit(self, working_frame: pd.DataFrame) -> PiiFiller:
        self.shapes_ = {c: _learn_shape(working_frame[c], self.schema[c]) for c in self.columns}
        return self

    def sample(self, n: int, seed: int = 0) -> pd.DataFrame:
        from faker import Faker  # imported here: Faker is slow to import and only needed here

        out = {}
        for i, col in enumerate(self.columns):
            shape = self.shapes_[col]
            rng = np.random.default_rng([int(seed), i, 7919])
            fake = Faker(self.locale)
            fake.seed_instance(f"{int(seed)}:{i}:{col}")
            n_present = n - round(shape.missing * n)
            values = _draw_column(shape, n_present, rng, fake)
            column = np.full(n, None, dtype=object)
            positions = np.sort(rng.permutation(n)[:n_present])
            column[positions] = values
            out[col] = pd.Series(column, dtype=object)
        return pd.DataFrame(out, index=pd.RangeIndex(n))


# ----- learning ------------------------------------------------------------------------------
def _learn_shape(s: pd.Series, spec) -> ColumnShape:
    text = s.dropna().astype(str)
    n = len(text)
    distinct = text.nunique()
    shape = ColumnShape(
        name=spec.name,
        kind=(spec.pii_type or "text") if spec.kind == Kind.PII else "pattern",
        missing=float(s.isna().mean()) if len(s) else 0.0,
        unique=n > 0 and distinct == n,
        distinct_ratio=distinct / n if n else 1.0,
        distinct=int(distinct),
        hashes=np.unique(_hash(text.to_numpy(dtype=object))),
    )
    if spec.kind != Kind.ID or n == 0:
        return shape
    as_int = _integer_values(text)
    if as_int is not None:
        shape.kind, shape.low, shape.high = "int", int(as_int.min()), int(as_int.max())
        shape.dense = (shape.high - shape.low + 1) <= 2 * max(distinct, 1)
    elif text.str.match(_UUID).mean() > 0.95:
        shape.kind = "uuid"
        shape.upper = bool(text.str.contains(r"[A-F]").mean() > 0.5)
    else:
        shape.patterns = _learn_patterns(text)
    return shape


def _integer_values(text: pd.Series) -> np.ndarray | None:
    """The ids as integers when every one is a plain integer (``"12"`` or ``"12.0"``, no leading zeros)."""
    if not text.str.fullmatch(r"-?\d{1,18}(\.0+)?").all():
        return None
    stripped = text.str.replace(r"\.0+$", "", regex=True)
    if stripped.str.fullmatch(r"-?0\d+").any():  # leading zeros are a text format, not a number
        return None
    return stripped.astype(np.int64).to_numpy()


def spread_sample(values: pd.Series, n: int) -> pd.Series:
    """At most ``n`` of ``values``, drawn (seeded) from the whole column, not its first rows: a
    sorted file's first rows show few of its shapes, and train rows keep the file's order."""
    if len(values) <= n:
        return values
    return values.iloc[np.sort(np.random.default_rng(0).choice(len(values), n, replace=False))]


def _char_class(ch: str) -> str:
    if ch.isdigit() and ch in _DIGITS:
        return "9"
    if ch in _UPPER:
        return "A"
    if ch in _LOWER:
        return "a"
    return ch


def _learn_patterns(text: pd.Series) -> list[tuple[str, float]]:
    """Templates of the most common character-class shapes: ``9`` a digit, ``A``/``a`` a letter,
    ``\\x00`` + a character for a literal shared by every value of that shape (a prefix such as ``CUST-``)."""
    sample = spread_sample(text, 20_000).tolist()
    by_shape: dict[str, list[str]] = {}
    for v in sample:
        by_shape.setdefault("".join(_char_class(c) for c in v), []).append(v)
    total = len(sample)
    templates = []
    for shape, members in sorted(by_shape.items(), key=lambda kv: -len(kv[1]))[:20]:
        template = []
        for pos, cls in enumerate(shape):
            chars = {m[pos] for m in members}
            if cls in "9Aa" and len(chars) == 1 and len(members) >= _MIN_CONSTANT:
                template.append("\x00" + chars.pop())
            else:
                template.append(cls)
        templates.append(("".join(template), len(members) / total))
    return templates


def _hash(values: np.ndarray) -> np.ndarray:
    return pd.util.hash_array(np.asarray(values, dtype=object)).astype(np.uint64)


# ----- drawing -------------------------------------------------------------------------------
def _draw_column(shape: ColumnShape, n: int, rng: np.random.Generator, fake: Any) -> list[str]:
    if n <= 0:
        return []
    if shape.unique or shape.distinct_ratio > 0.95 or n == 1:
        return _distinct_values(shape, n, rng, fake)
    # many repeats (a city column): about as many distinct values as the real column had
    k = round(shape.distinct_ratio * n) if shape.distinct_ratio >= 0.5 else shape.distinct
    k = max(1, min(n, k))
    pool = _distinct_values(shape, k, rng, fake)
    return [pool[i] for i in rng.integers(0, k, size=n)]


def _distinct_values(shape: ColumnShape, n: int, rng: np.random.Generator, fake: Any) -> list[str]:
    """``n`` distinct values none of which equals a real value."""
    if shape.kind == "int":
        return _int_ids(shape, n, rng)
    values, pool = _raw_values(shape, n, rng, fake)
    values = np.array(values, dtype=object)
    for attempt in range(12):
        bad = _clashes(values, shape.hashes)
        if not bad.any():
            return values.tolist()
        idx = np.flatnonzero(bad)
        values[idx] = [_vary(shape, v, rng, attempt, pool) for v in values[idx]]
    counter = 2  # still clashing after re-draws (a tiny value space): number the leftovers
    bad = _clashes(values, shape.hashes)
    while bad.any():
        for i in np.flatnonzero(bad):
            values[i] = f"{values[i]} {counter}"
            counter += 1
        bad = _clashes(values, shape.hashes)
    return values.tolist()


def _clashes(values: np.ndarray, real_hashes: np.ndarray) -> np.ndarray:
    """True where a value repeats an earlier one or equals a real value."""
    h = _hash(values)
    dup = pd.Series(h).duplicated().to_numpy()
    return dup | np.isin(h, real_hashes)


def _int_ids(shape: ColumnShape, n: int, rng: np.random.Generator) -> list[str]:
    """Dense ids continue the sequence after the real ones; sparse ids are random numbers with the
    real ids' number of digits (or more when that range is too small), never equal to a real id."""
    high = shape.high or 0
    if shape.dense:
        start = high + 1
        return [str(v) for v in range(start, start + n)]
    digits = len(str(abs(high)))
    while True:
        lo, hi = (10 ** (digits - 1) if digits > 1 else 0), 10**digits - 1
        if hi - lo + 1 >= 3 * (n + len(shape.hashes)):
            break
        digits += 1
    chosen: np.ndarray = np.empty(0, dtype=np.int64)
    while len(chosen) < n:
        draw = rng.integers(lo, hi + 1, size=2 * (n - len(chosen)) + 16, dtype=np.int64)
        draw = draw[~np.isin(_hash(draw.astype(str).astype(object)), shape.hashes)]
        chosen = pd.unique(np.concatenate([chosen, draw]))
    sign = -1 if high < 0 else 1
    return [str(sign * int(v)) for v in chosen[:n]]


def _raw_values(shape: ColumnShape, n: int, rng: np.random.Generator, fake: Any) -> tuple[list[str], list[str]]:
    """``n`` candidate values (possibly repeating) and the pool of Faker values they came from."""
    if shape.kind == "uuid":
        raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
        out = [str(uuid.UUID(bytes=bytes(row), version=4)) for row in raw]
        return ([v.upper() for v in out] if shape.upper else out), []
    if shape.kind == "pattern":
        return _pattern_values(shape, n, rng), []
    k = min(n, _POOL)
    pool = [_faker_value(fake, shape.kind) for _ in range(k)]
    if n == k:
        return pool, pool
    return pool + [pool[i] for i in rng.integers(0, k, size=n - k)], pool


def _faker_value(fake: Any, pii_type: str) -> str:
    if pii_type == "email":
        return fake.email()
    if pii_type == "phone":
        return fake.phone_number()
    if pii_type == "name":
        return fake.name()
    if pii_type == "first_name":
        return fake.first_name()
    if pii_type == "last_name":
        return fake.last_name()
    if pii_type == "address":
        return fake.address().replace("\n", ", ")
    if pii_type == "city":
        return fake.city()
    return fake.sentence(nb_words=8)


def _pattern_values(shape: ColumnShape, n: int, rng: np.random.Generator) -> list[str]:
    templates = shape.patterns or [("AA-9999", 1.0)]
    weights = np.array([w for _, w in templates], dtype=float)
    which = rng.choice(len(templates), size=n, p=weights / weights.sum())
    return [_fill_template(templates[t][0], rng) for t in which]


def _fill_template(template: str, rng: np.random.Generator) -> str:
    out, literal = [], False
    for ch in template:
        if literal:
            out.append(ch)
            literal = False
        elif ch == "\x00":
            literal = True
        elif ch == "9":
            out.append(_DIGITS[rng.integers(10)])
        elif ch == "A":
            out.append(_UPPER[rng.integers(26)])
        elif ch == "a":
            out.append(_LOWER[rng.integers(26)])
        else:
            out.append(ch)
    return "".join(out)


def _vary(shape: ColumnShape, value: str, rng: np.random.Generator, attempt: int, pool: list[str]) -> str:
    """A plausible variant of ``value``, to make it unique or unlike any real value."""
    kind = shape.kind
    if kind == "uuid":
        return _raw_values(shape, 1, rng, None)[0][0]
    if kind == "pattern":
        if attempt < 6:
            return _pattern_values(shape, 1, rng)[0]
        return value + _DIGITS[rng.integers(10)]  # the pattern's space is too small: lengthen it
    if kind == "email" and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local}{rng.integers(1, 10 ** min(2 + attempt, 6))}@{domain}"
    if kind in ("phone", "address") and sum(c.isdigit() for c in value) >= 3:
        chars = list(value)
        digits = [i for i, c in enumerate(chars) if c.isdigit()]
        for i in digits[1:]:  # keep the first digit (country or area prefix style)
            chars[i] = _DIGITS[rng.integers(10)]
        return "".join(chars)
    words = value.split(" ")
    if kind == "text" and len(words) > 2:
        return " ".join(words[i] for i in rng.permutation(len(words)))
    if kind == "name" and len(words) > 1 and pool and attempt < 8:
        other = pool[int(rng.integers(len(pool)))].split(" ")
        return " ".join([*words[:-1], other[-1]])  # recombine given and family names
    return f"{value} {rng.integers(2, 10 ** min(2 + attempt, 6))}"
