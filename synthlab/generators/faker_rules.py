"""Rule-based data: every column drawn from a rule a person can read and edit, no rows learned.

A rule is a small JSON object per learned column (``FakerRulesGenerator.default_rules`` fills them
from the data's summary statistics; the UI shows and edits them as JSON):

* ``{"type": "normal", "mean", "sd", "min", "max", "decimals", "missing"}``; ``"lognormal"`` takes
  ``mu``/``sigma`` (of the log) instead of ``mean``/``sd``; ``"uniform"`` only ``min``/``max``;
* ``{"type": "categories", "weights": {"label": share, ...}, "missing"}`` (numbers too: ``{"1": 0.4}``);
* ``{"type": "boolean", "p_true", "missing"}``;
* ``{"type": "dates", "start": "2020-01-01 00:00:00", "end": ..., "missing"}``;
* ``{"type": "pattern", "pattern": "??-####", "letters": "ABC…"}`` (Faker's ``bothify``: ``#`` a
  digit, ``?`` a letter), ``{"type": "regex", "pattern": "[A-Z]{2}-\\d{4}"}`` (a safe subset of
  regular expressions, parsed, never evaluated), or ``{"type": "faker", "provider": "job",
  "locale": "de_DE"}`` (a whitelisted Faker provider).

Columns are drawn independently. The defaults hold only summary statistics (mean, standard
deviation, range, category shares, date range, missing share) -- but category *labels* are copied
(they are part of the schema); labels seen only once are left out of the default weights, since a
one-off label can identify a row.
"""

from __future__ import annotations

import re
import string
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.errors import GeneratorError
from synthlab.generators.base import Generator, ParamSpec
from synthlab.generators.pii import spread_sample
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Kind, Schema

RULE_TYPES = ("normal", "lognormal", "uniform", "categories", "boolean", "dates", "pattern", "regex", "faker")
FAKER_PROVIDERS = (
    "name", "first_name", "last_name", "email", "phone_number", "address", "street_address", "city",
    "state", "country", "postcode", "company", "job", "word", "sentence", "color_name", "license_plate",
    "iban", "url", "user_name", "ipv4", "currency_code", "language_name",
)
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_MAX_LABELS = 200
_DISCRETE_MAX = 15  # whole-number columns with at most this many values get category weights
_RULE_KINDS = {
    "normal": {Kind.NUMERICAL}, "lognormal": {Kind.NUMERICAL}, "uniform": {Kind.NUMERICAL},
    "categories": {Kind.NUMERICAL, Kind.CATEGORICAL, Kind.BOOLEAN}, "boolean": {Kind.BOOLEAN},
    "dates": {Kind.DATETIME}, "pattern": {Kind.CATEGORICAL}, "regex": {Kind.CATEGORICAL},
    "faker": {Kind.CATEGORICAL},
}
_FAKER_POOL = 2000


class FakerRulesGenerator(Generator):
    name: ClassVar[str] = "faker"
    label: ClassVar[str] = "Rules and Faker"
    description: ClassVar[str] = (
        "Each column drawn from an editable rule (a distribution, category shares, a date range, a "
        "pattern or a Faker provider) filled in from summary statistics. Learns no rows and no "
        "relationships between columns: safe to share, realistic-looking, weak for analysis."
    )
    default_fit_rows: ClassVar[int] = 0  # summary statistics are cheap on any size

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        return [ParamSpec("rules", "json", None,
                          "Rule per column as JSON (null: filled in from the data's summary statistics; "
                          "columns left out get their default rule).")]

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if self.rules is not None and not isinstance(self.rules, dict):
            raise GeneratorError("'rules' must be a JSON object mapping column names to rules.")

    # ----- rules --------------------------------------------------------------------------
    @staticmethod
    def default_rules(data: pd.DataFrame, schema: Schema) -> dict[str, dict[str, Any]]:
        """A rule per learned column from summary statistics only (see module doc); JSON-able."""
        frame = schema.coerce(data)
        return {c: default_rule(frame[c], schema[c].kind, schema[c].decimals) for c in schema.learned}

    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        report(on_progress, 0.0, "Preparing the rules")
        given = dict(self.rules or {})
        unknown = [c for c in given if c not in data.columns]
        if unknown:
            raise GeneratorError(
                f"Rules name columns that are not learned columns of this table: {', '.join(map(str, unknown))}."
            )
        rules = {}
        for col in data.columns:
            spec = schema[col]
            rule = given.get(col) or default_rule(data[col], spec.kind, spec.decimals)
            rules[col] = validate_rule(col, rule, spec.kind)
        self.rules_ = rules
        self.kinds_ = {c: schema[c].kind for c in data.columns}
        report(on_progress, 1.0, "Rules ready")

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        out = {}
        for i, (col, rule) in enumerate(self.rules_.items()):
            rng = np.random.default_rng([int(seed), int(self.random_state), i])
            out[col] = draw(rule, n, rng, self.kinds_[col], self.locale, f"{seed}:{self.random_state}:{col}")
        return pd.DataFrame(out)

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        return 0.1 + 1e-7 * n_rows * n_cols


# ----- default rules from summary statistics -------------------------------------------------
def default_rule(s: pd.Series, kind: Kind, decimals: int | None = None) -> dict[str, Any]:
    missing = round(float(s.isna().mean()), 4) if len(s) else 0.0
    values = s.dropna()
    if kind == Kind.BOOLEAN:
        p = float(values.astype(bool).mean()) if len(values) else 0.5
        return {"type": "boolean", "p_true": round(p, 4), "missing": missing}
    if kind == Kind.DATETIME:
        if values.empty:
            return {"type": "dates", "start": "2000-01-01 00:00:00", "end": "2000-01-01 00:00:00", "missing": 1.0}
        return {"type": "dates", "start": values.min().strftime(DATE_FORMAT), "end": values.max().strftime(DATE_FORMAT),
                "missing": missing}
    if kind == Kind.NUMERICAL:
        x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
        if x.size == 0:
            return {"type": "uniform", "min": 0.0, "max": 0.0, "decimals": 0, "missing": 1.0}
        lo, hi = float(x.min()), float(x.max())
        whole = bool(np.all(np.mod(x, 1) == 0))
        if whole and len(np.unique(x)) <= _DISCRETE_MAX:
            return {"type": "categories", "weights": _weights(pd.Series(x).map(lambda v: str(int(v)))),
                    "missing": missing}
        dec = 0 if whole else decimals
        if lo > 0 and x.size > 2 and float(pd.Series(x).skew()) > 1.0:
            logs = np.log(x)
            return {"type": "lognormal", "mu": _num(logs.mean()), "sigma": _num(logs.std()), "min": lo, "max": hi,
                    "decimals": dec, "missing": missing}
        return {"type": "normal", "mean": _num(x.mean()), "sd": _num(x.std()), "min": lo, "max": hi,
                "decimals": dec, "missing": missing}
    text = values.astype(str)
    if len(text) and text.nunique() == len(text) and len(text) > 20:
        return {**_pattern_rule(text), "missing": missing}
    return {"type": "categories", "weights": _weights(text), "missing": missing}


def _num(v: float) -> float:
    return float(round(float(v), 6))


def _weights(labels: pd.Series) -> dict[str, float]:
    counts = labels.value_counts()
    kept = counts[counts >= 2] if (counts >= 2).any() else counts
    kept = kept.head(_MAX_LABELS)
    return {str(k): round(float(v) / float(kept.sum()), 6) for k, v in kept.items()}


def _pattern_rule(text: pd.Series) -> dict[str, Any]:
    """Faker ``bothify`` pattern of the most common shape of unique codes (``#`` digit, ``?`` letter)."""
    text = spread_sample(text, 5000)
    shapes = text.map(lambda v: "".join("#" if c in string.digits else "?" if c.isalpha() and c.isascii()
                                        else c for c in v))
    pattern = shapes.value_counts().index[0]
    letters = "".join(c for c in text.str.cat() if c.isalpha() and c.isascii())
    case = string.ascii_uppercase if letters.isupper() or not letters else \
        string.ascii_lowercase if letters.islower() else string.ascii_letters
    return {"type": "pattern", "pattern": pattern, "letters": case}


# ----- validation ----------------------------------------------------------------------------
def validate_rule(col: str, rule: Any, kind: Kind) -> dict[str, Any]:
    """Check one rule and return it with defaults filled; GeneratorError in plain words if bad."""
    if not isinstance(rule, dict) or rule.get("type") not in RULE_TYPES:
        raise GeneratorError(f"Rule for '{col}' needs a \"type\", one of {', '.join(RULE_TYPES)}.")
    t = rule["type"]
    if kind not in _RULE_KINDS[t]:
        raise GeneratorError(f"Rule type '{t}' does not fit column '{col}', which is {kind.value}.")
    r = dict(rule)
    r["missing"] = _share(col, r.get("missing", 0.0), "missing")

    def need(*keys: str) -> None:
        for k in keys:
            if k not in r:
                raise GeneratorError(f"Rule for '{col}' ({t}) needs \"{k}\".")
            try:
                r[k] = float(r[k])
            except (TypeError, ValueError):
                raise GeneratorError(f"Rule for '{col}': \"{k}\" must be a number.") from None

    if t in ("normal", "lognormal", "uniform"):
        need("min", "max")
        if r["min"] > r["max"]:
            raise GeneratorError(f"Rule for '{col}': min is above max.")
        if t == "normal":
            need("mean", "sd")
        if t == "lognormal":
            need("mu", "sigma")
        if r.get("sd", 0) < 0 or r.get("sigma", 0) < 0:
            raise GeneratorError(f"Rule for '{col}': a spread (sd/sigma) cannot be negative.")
        dec = r.get("decimals")
        if dec is not None and (not isinstance(dec, int) or isinstance(dec, bool) or not 0 <= dec <= 12):
            raise GeneratorError(f"Rule for '{col}': \"decimals\" must be a whole number from 0 to 12 or null.")
    elif t == "categories":
        w = r.get("weights")
        if not isinstance(w, dict) or not w:
            raise GeneratorError(f"Rule for '{col}': \"weights\" must map labels to shares.")
        try:
            vals = [float(v) for v in w.values()]
        except (TypeError, ValueError):
            raise GeneratorError(f"Rule for '{col}': every weight must be a number.") from None
        if any(v < 0 for v in vals) or sum(vals) <= 0:
            raise GeneratorError(f"Rule for '{col}': weights must be non-negative and not all zero.")
        if kind == Kind.NUMERICAL:
            try:
                [float(k) for k in w]
            except ValueError:
                raise GeneratorError(f"Rule for '{col}': labels of a number column must be numbers.") from None
    elif t == "boolean":
        r["p_true"] = _share(col, r.get("p_true", 0.5), "p_true")
    elif t == "dates":
        try:
            start, end = pd.Timestamp(r["start"]), pd.Timestamp(r["end"])
        except (KeyError, TypeError, ValueError):
            raise GeneratorError(f"Rule for '{col}' needs \"start\" and \"end\" dates like 2020-01-31.") from None
        if start > end:
            raise GeneratorError(f"Rule for '{col}': start is after end.")
    elif t in ("pattern", "regex"):
        if not isinstance(r.get("pattern"), str) or not r["pattern"]:
            raise GeneratorError(f"Rule for '{col}' needs a \"pattern\" text.")
        if t == "regex":
            regex_tree(r["pattern"], col)
    elif t == "faker" and r.get("provider") not in FAKER_PROVIDERS:
        raise GeneratorError(f"Rule for '{col}': \"provider\" must be one of {', '.join(FAKER_PROVIDERS)}.")
    return r


def _share(col: str, value: Any, key: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise GeneratorError(f"Rule for '{col}': \"{key}\" must be a share between 0 and 1.") from None
    if not 0.0 <= v <= 1.0:
        raise GeneratorError(f"Rule for '{col}': \"{key}\" must be a share between 0 and 1.")
    return v


# ----- drawing -------------------------------------------------------------------------------
def draw(rule: dict[str, Any], n: int, rng: np.random.Generator, kind: Kind, locale: str, faker_seed: str) -> pd.Series:
    """``n`` values of one column by its (validated) rule, missing values included."""
    t = rule["type"]
    if t in ("normal", "lognormal", "uniform"):
        values = pd.Series(_numbers(rule, n, rng))
    elif t == "categories":
        labels = list(rule["weights"])
        p = np.array([float(rule["weights"][k]) for k in labels])
        picked = np.array(labels, dtype=object)[rng.choice(len(labels), size=n, p=p / p.sum())]
        values = pd.Series(picked.astype(float) if kind == Kind.NUMERICAL else picked)
        if kind == Kind.BOOLEAN:
            values = values.map(lambda v: str(v).strip().lower() in {"true", "1", "yes", "t", "y"})
    elif t == "boolean":
        values = pd.Series(rng.random(n) < rule["p_true"])
    elif t == "dates":
        lo, hi = pd.Timestamp(rule["start"]).value, pd.Timestamp(rule["end"]).value
        ns = rng.integers(lo, hi + 1, size=n, dtype=np.int64) if hi > lo else np.full(n, lo, dtype=np.int64)
        values = pd.Series(pd.to_datetime(ns))
    elif t == "pattern":
        values = pd.Series(bothify(rule["pattern"], n, rng, rule.get("letters") or string.ascii_letters), dtype=object)
    elif t == "regex":
        tree = regex_tree(rule["pattern"], "")
        values = pd.Series([_regex_string(tree, rng) for _ in range(n)], dtype=object)
    else:
        values = pd.Series(_faker_values(rule, n, rng, rule.get("locale") or locale, faker_seed), dtype=object)
    missing = rule.get("missing", 0.0)
    if missing > 0:
        values = values.astype(object) if kind != Kind.DATETIME else values
        k = round(missing * n)
        if k:
            values.iloc[rng.permutation(n)[:k]] = None
    return values


def _numbers(rule: dict[str, Any], n: int, rng: np.random.Generator) -> np.ndarray:
    lo, hi, t = rule["min"], rule["max"], rule["type"]

    def one(m: int) -> np.ndarray:
        if t == "uniform":
            return rng.uniform(lo, hi, size=m)
        if t == "normal":
            return rng.normal(rule["mean"], rule["sd"], size=m)
        return np.exp(rng.normal(rule["mu"], rule["sigma"], size=m))

    x = one(n)
    for _ in range(20):  # truncate by redrawing out-of-range values; clip what is left
        bad = (x < lo) | (x > hi)
        if not bad.any():
            break
        x[bad] = one(int(bad.sum()))
    x = np.clip(x, lo, hi)
    if rule.get("decimals") is not None:
        x = np.round(x, int(rule["decimals"]))
    return x


def bothify(pattern: str, n: int, rng: np.random.Generator, letters: str) -> list[str]:
    """Faker's ``bothify`` syntax, vectorised: ``#`` a digit, ``?`` a letter from ``letters``."""
    cols = []
    for ch in pattern:
        if ch == "#":
            cols.append(np.array(list(string.digits))[rng.integers(0, 10, size=n)])
        elif ch == "?":
            cols.append(np.array(list(letters))[rng.integers(0, len(letters), size=n)])
        else:
            cols.append(np.full(n, ch))
    if not cols:
        return [""] * n
    return ["".join(chars) for chars in zip(*cols, strict=True)]


def _faker_values(rule: dict[str, Any], n: int, rng: np.random.Generator, locale: str, seed: str) -> list[str]:
    from faker import Faker  # imported here: Faker is slow to import

    try:
        fake = Faker(locale)
    except AttributeError:
        raise GeneratorError(f"Unknown Faker locale '{locale}'.") from None
    fake.seed_instance(seed)
    method = getattr(fake, rule["provider"])
    k = min(n, _FAKER_POOL)
    pool = [str(method()).replace("\n", ", ") for _ in range(k)]
    if k == n:
        return pool
    return [pool[i] for i in rng.integers(0, k, size=n)]


# ----- a safe subset of regular expressions --------------------------------------------------
_REPEAT_CAP = 8  # *, + and {n,} draw at most this many extra repeats
_CLASSES = {"CATEGORY_DIGIT": string.digits, "CATEGORY_WORD": string.ascii_letters + string.digits + "_",
            "CATEGORY_SPACE": " "}


def regex_tree(pattern: str, col: str) -> list:
    """The parsed pattern (Python's own regex parser: nothing is evaluated); GeneratorError if it
    uses something that cannot be turned into a string (look-arounds, back-references)."""
    from re import _parser

    try:
        tree = _parser.parse(pattern)
    except re.error as e:
        raise GeneratorError(f"Rule for '{col}': the regular expression is invalid ({e}).") from None
    _check_regex(tree.data if hasattr(tree, "data") else tree, col)
    return tree


_ALLOWED_OPS = {"LITERAL", "NOT_LITERAL", "IN", "ANY", "MAX_REPEAT", "MIN_REPEAT", "SUBPATTERN", "BRANCH", "AT",
                "CATEGORY", "RANGE", "NEGATE"}


def _check_regex(items: Any, col: str) -> None:
    for op, arg in items:
        if str(op) not in _ALLOWED_OPS:
            raise GeneratorError(f"Rule for '{col}': the regular expression uses {op}, which cannot generate text.")
        if str(op) in ("MAX_REPEAT", "MIN_REPEAT"):
            _check_regex(arg[2], col)
        elif str(op) == "SUBPATTERN":
            _check_regex(arg[3], col)
        elif str(op) == "BRANCH":
            for branch in arg[1]:
                _check_regex(branch, col)


def _regex_string(items: Any, rng: np.random.Generator) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            choices = [c for c in string.ascii_letters + string.digits if ord(c) != arg]
            out.append(choices[rng.integers(len(choices))])
        elif name == "ANY":
            pool = string.ascii_letters + string.digits
            out.append(pool[rng.integers(len(pool))])
        elif name == "IN":
            chars = _class_chars(arg)
            out.append(chars[rng.integers(len(chars))] if chars else "")
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, sub = arg
            hi = min(hi, lo + _REPEAT_CAP)
            for _ in range(int(rng.integers(lo, hi + 1))):
                out.append(_regex_string(sub, rng))
        elif name == "SUBPATTERN":
            out.append(_regex_string(arg[3], rng))
        elif name == "BRANCH":
            branches = arg[1]
            out.append(_regex_string(branches[rng.integers(len(branches))], rng))
        elif name == "CATEGORY":
            chars = _CLASSES.get(str(arg), string.ascii_letters)
            out.append(chars[rng.integers(len(chars))])
        # AT (anchors) produce nothing
    return "".join(out)


def _class_chars(items: Any) -> str:
    chars, negate = [], False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            chars.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 5000) + 1))
        elif name == "CATEGORY":
            chars.extend(_CLASSES.get(str(arg), ""))
    if negate:
        excluded = set(chars)
        return "".join(c for c in string.ascii_letters + string.digits if c not in excluded)
    return "".join(chars)
