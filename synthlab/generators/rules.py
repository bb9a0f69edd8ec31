"""Business rules typed by people (``end_date >= start_date``, ``a + b == c``), checked and enforced.

A rule is parsed with Python's :mod:`ast` and only a whitelist of nodes is accepted: column names
(``name`` or ```name with spaces```), number/text/date literals, ``+ - * /``, comparisons,
``and``/``or``/``not`` and ``abs(...)``. Nothing typed by a user is ever evaluated by Python: the
tree is walked by :meth:`Rule.check` over pandas columns. Dates subtract to days and add days
(``end - start <= 30``); a text literal compared with a date column is read as a date.

:func:`enforce` makes ``n`` rows that follow the rules: equalities with a bare column on one side
(``total == a + b``) are *repaired* by computing that column; the rest by rejection sampling
(oversample, keep valid rows, a bounded number of rounds). For SDV generators, :func:`prepare_fit`
turns column-vs-column inequalities (``a >= b``, ``a > b``) into ``sdv.cag.Inequality``
constraints before fitting, so most rows are valid from the start. Bounds against constants
(``age >= 0``) stay with rejection: SDV 2.0's ``cag`` has no constant bounds (and
``enforce_min_max_values`` already keeps values in the real range).
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import GeneratorError
from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report
from synthlab.schema import LEARNED_KINDS, Kind, Schema, coerce_column

MAX_RULE_LENGTH = 500
_BACKQUOTED = re.compile(r"`([^`]*)`")
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.BinOp,
            ast.Compare, ast.Name, ast.Load, ast.Constant, ast.Call, *_CMP, *_ARITH)
_TYPE_OF_KIND = {Kind.NUMERICAL: "num", Kind.BOOLEAN: "bool", Kind.DATETIME: "date", Kind.CATEGORICAL: "str"}


@dataclass(frozen=True)
class Rule:
    """One parsed, type-checked rule; :meth:`check` says which rows follow it."""

    text: str
    tree: ast.Expression = field(repr=False, compare=False)
    names: dict[str, str] = field(repr=False, compare=False)  # identifier in the tree -> column
    kinds: dict[str, Kind] = field(repr=False, compare=False)  # column -> kind

    @property
    def columns(self) -> list[str]:
        return sorted(set(self.names.values()))

    @classmethod
    def parse(cls, text: str, schema: Schema) -> Rule:
        """Parse ``text`` against ``schema``; GeneratorError naming the problem if it is not a rule."""
        text = str(text).strip()
        if not text:
            raise GeneratorError("A rule cannot be empty.")
        if len(text) > MAX_RULE_LENGTH:
            raise GeneratorError(f"A rule can be at most {MAX_RULE_LENGTH} characters long.")
        columns = set(schema.names)
        names: dict[str, str] = {}

        def placeholder(match: re.Match) -> str:
            col = match.group(1)
            if col not in columns:
                raise GeneratorError(f"Rule '{text}': there is no column named '{col}'.")
            key = f"_col{len(names)}_"
            while key in columns:
                key = "_" + key
            names[key] = col
            return f" {key} "

        source = _BACKQUOTED.sub(placeholder, text).strip()
        if "`" in source:
            raise GeneratorError(f"Rule '{text}': a backquote is not closed.")
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError:
            raise GeneratorError(
                f"Rule '{text}' could not be read. Write it like `end_date >= start_date` or "
                "`income > 0 or age < 18`; put names with spaces in backquotes."
            ) from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise GeneratorError(
                    f"Rule '{text}' uses something rules cannot contain ({type(node).__name__}); only "
                    "columns, numbers, text and dates, + - * /, comparisons, and/or/not and abs() are allowed."
                )
            if isinstance(node, ast.Call) and not (
                isinstance(node.func, ast.Name) and node.func.id == "abs" and len(node.args) == 1 and not node.keywords
            ):
                raise GeneratorError(f"Rule '{text}': the only function a rule may call is abs(x).")
            if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
                raise GeneratorError(f"Rule '{text}': only numbers, text and dates can be written as values.")
            if isinstance(node, ast.Name) and node.id not in names and not _is_abs(tree, node):
                if node.id not in columns:
                    raise GeneratorError(
                        f"Rule '{text}': there is no column named '{node.id}'. "
                        f"Columns: {', '.join(schema.names)}."
                    )
                names[node.id] = node.id
        kinds = {}
        for col in names.values():
            kind = schema[col].kind
            if kind not in LEARNED_KINDS:
                raise GeneratorError(
                    f"Rule '{text}': '{col}' is {'an ID' if kind == Kind.ID else 'a personal-data'} column, "
                    "which is regenerated, not learned; "
                    "rules can only use numbers, categories, yes/no and dates."
                )
            kinds[col] = kind
        rule = cls(text, tree, names, kinds)
        if rule._type(tree.body) != "bool":
            raise GeneratorError(f"Rule '{text}' must be a condition (a comparison), e.g. `age >= 0`.")
        return rule

    # ----- type checking ------------------------------------------------------------------
    def _type(self, node: ast.AST) -> str:
        """'num', 'date', 'str', 'bool' or 'datestr' (a text literal that reads as a date)."""
        if isinstance(node, ast.Name):
            return _TYPE_OF_KIND[self.kinds[self.names[node.id]]]
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return "bool"
            if isinstance(node.value, (int, float)):
                return "num"
            return "datestr" if _as_date(node.value) is not None else "str"
        if isinstance(node, ast.Call):
            self._expect(self._type(node.args[0]), {"num"}, "abs() needs a number")
            return "num"
        if isinstance(node, ast.UnaryOp):
            inner = self._type(node.operand)
            if isinstance(node.op, ast.Not):
                self._expect(inner, {"bool"}, "'not' needs a condition")
                return "bool"
            self._expect(inner, {"num"}, "a sign needs a number")
            return "num"
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                self._expect(self._type(v), {"bool"}, "'and'/'or' join conditions")
            return "bool"
        if isinstance(node, ast.BinOp):
            a, b = self._type(node.left), self._type(node.right)
            a, b = ("num" if a == "bool" else a), ("num" if b == "bool" else b)
            if a == b == "num":
                return "num"
            if isinstance(node.op, ast.Sub) and a == "date" and b in ("date", "datestr"):
                return "num"  # days between
            if isinstance(node.op, (ast.Add, ast.Sub)) and a == "date" and b == "num":
                return "date"
            if isinstance(node.op, ast.Add) and a == "num" and b == "date":
                return "date"
            raise GeneratorError(f"Rule '{self.text}': cannot apply {_ARITH[type(node.op)]} to {a} and {b}.")
        if isinstance(node, ast.Compare):
            types = [self._type(node.left), *(self._type(c) for c in node.comparators)]
            for (x, y), op in zip(itertools.pairwise(types), node.ops, strict=True):
                self._check_compare(x, y, op)
            return "bool"
        raise GeneratorError(f"Rule '{self.text}' is not a condition.")

    def _check_compare(self, x: str, y: str, op: ast.cmpop) -> None:
        groups = [{"num", "bool"}, {"date", "datestr"}, {"str", "datestr"}]
        if not any(x in g and y in g for g in groups):
            raise GeneratorError(f"Rule '{self.text}': cannot compare {_words(x)} with {_words(y)}.")
        if "str" in (x, y) and not isinstance(op, (ast.Eq, ast.NotEq)):
            raise GeneratorError(f"Rule '{self.text}': text can only be compared with == or !=.")

    def _expect(self, got: str, allowed: set[str], message: str) -> None:
        if got not in allowed:
            raise GeneratorError(f"Rule '{self.text}': {message}.")

    # ----- evaluation ---------------------------------------------------------------------
    def check(self, df: pd.DataFrame) -> pd.Series:
        """True for rows that follow the rule; rows missing a value the rule uses count as following it."""
        missing_cols = [c for c in self.columns if c not in df.columns]
        if missing_cols:
            raise GeneratorError(f"Rule '{self.text}': the data has no column {', '.join(missing_cols)}.")
        cols = {c: _as_kind(df[c], self.kinds[c]) for c in self.columns}
        with np.errstate(all="ignore"):
            result = self._eval(self.tree.body, cols, df.index)
        result = _bool_series(result, df.index)
        incomplete = pd.Series(False, index=df.index)
        for c in self.columns:
            incomplete |= cols[c].isna().to_numpy()
        return (result | incomplete).astype(bool)

    def _eval(self, node: ast.AST, cols: dict[str, pd.Series], index: pd.Index) -> Any:
        if isinstance(node, ast.Name):
            return cols[self.names[node.id]]
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Call):
            return abs(self._eval(node.args[0], cols, index))
        if isinstance(node, ast.UnaryOp):
            v = self._eval(node.operand, cols, index)
            if isinstance(node.op, ast.Not):
                return ~_bool_series(v, index)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BoolOp):
            parts = [_bool_series(self._eval(v, cols, index), index) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return out
        if isinstance(node, ast.BinOp):
            a, b = self._eval(node.left, cols, index), self._eval(node.right, cols, index)
            return _arith(a, b, node.op, self._type(node.left), self._type(node.right))
        if isinstance(node, ast.Compare):
            out = pd.Series(True, index=index)
            left, left_t = self._eval(node.left, cols, index), self._type(node.left)
            for op, comp in zip(node.ops, node.comparators, strict=True):
                right, right_t = self._eval(comp, cols, index), self._type(comp)
                out &= _bool_series(_compare(left, right, op, left_t, right_t), index)
                left, left_t = right, right_t
            return out
        raise GeneratorError(f"Rule '{self.text}' cannot be evaluated.")

    # ----- shapes other modules use -------------------------------------------------------
    def inequality(self) -> tuple[str, str, bool] | None:
        """``(low, high, strict)`` when the rule is ``col >= col`` (or >, <, <=) of numbers or dates."""
        body = self.tree.body
        if not (isinstance(body, ast.Compare) and len(body.ops) == 1 and isinstance(body.left, ast.Name)
                and isinstance(body.comparators[0], ast.Name)):
            return None
        a, b = self.names[body.left.id], self.names[body.comparators[0].id]
        if a == b or self.kinds[a] != self.kinds[b] or self.kinds[a] not in (Kind.NUMERICAL, Kind.DATETIME):
            return None
        op = body.ops[0]
        if isinstance(op, (ast.Gt, ast.GtE)):
            return b, a, isinstance(op, ast.Gt)
        if isinstance(op, (ast.Lt, ast.LtE)):
            return a, b, isinstance(op, ast.Lt)
        return None

    def assignment(self) -> tuple[str, ast.AST] | None:
        """``(column, expression)`` when the rule is ``col == <number expression of other columns>``."""
        body = self.tree.body
        if not (isinstance(body, ast.Compare) and len(body.ops) == 1 and isinstance(body.ops[0], ast.Eq)):
            return None
        for target, expr in ((body.left, body.comparators[0]), (body.comparators[0], body.left)):
            if isinstance(target, ast.Name) and self.kinds[self.names[target.id]] == Kind.NUMERICAL:
                col = self.names[target.id]
                used = {self.names[n.id] for n in ast.walk(expr) if isinstance(n, ast.Name) and n.id in self.names}
                if col not in used and self._type(expr) == "num":
                    return col, expr
        return None

    def repair(self, df: pd.DataFrame, decimals: int | None = None) -> pd.DataFrame:
        """For an :meth:`assignment` rule: the frame with the target column computed."""
        shape = self.assignment()
        if shape is None:
            return df
        col, expr = shape
        cols = {c: _as_kind(df[c], self.kinds[c]) for c in self.columns}
        with np.errstate(all="ignore"):
            value = pd.Series(self._eval(expr, cols, df.index), index=df.index).astype(float)
        if decimals is not None:
            value = value.round(decimals)
        out = df.copy()
        out[col] = value.where(np.isfinite(value), np.nan)
        return out


def _is_abs(tree: ast.AST, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(tree))


def _words(t: str) -> str:
    return {"num": "a number", "bool": "a yes/no value", "date": "a date", "datestr": "a date",
            "str": "text"}[t]


def _as_date(text: str) -> pd.Timestamp | None:
    if not re.match(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$", text.strip()):
        return None
    try:
        return pd.Timestamp(text)
    except ValueError:
        return None


def _as_kind(s: pd.Series, kind: Kind) -> pd.Series:
    if kind == Kind.NUMERICAL:
        return pd.to_numeric(s, errors="coerce").astype(float)
    if kind == Kind.DATETIME:
        return s if pd.api.types.is_datetime64_any_dtype(s) else pd.to_datetime(s, errors="coerce")
    if kind == Kind.BOOLEAN:
        from synthlab.schema import ColumnSpec

        b = coerce_column(s, ColumnSpec(str(s.name), Kind.BOOLEAN))
        return b.astype(float)  # True/False as 1/0 (NaN when missing): comparable with numbers
    return s.astype(object)


def _bool_series(v: Any, index: pd.Index) -> pd.Series:
    if isinstance(v, pd.Series):
        if v.dtype == float:
            return (v == 1.0).astype(bool)  # a yes/no column used as a condition
        return v.fillna(False).astype(bool)
    if isinstance(v, np.ndarray):
        return pd.Series(v.astype(bool), index=index)
    return pd.Series(bool(v), index=index)


def _to_date(v: Any) -> Any:
    return _as_date(v) if isinstance(v, str) else v


def _arith(a: Any, b: Any, op: ast.operator, ta: str, tb: str) -> Any:
    if ta == "date" or tb == "date":
        if isinstance(op, ast.Sub) and ta == "date" and tb in ("date", "datestr"):
            return (a - _to_date(b)) / pd.Timedelta(days=1)
        if ta == "date":
            delta = pd.to_timedelta(b, unit="D")
            return a + delta if isinstance(op, ast.Add) else a - delta
        return b + pd.to_timedelta(a, unit="D")
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    if isinstance(b, pd.Series):
        b = b.where(b != 0, np.nan)
    elif b == 0:
        b = math.nan
    return a / b


def _compare(a: Any, b: Any, op: ast.cmpop, ta: str, tb: str) -> Any:
    if "date" in (ta, tb):
        a, b = _to_date(a) if ta == "datestr" else a, _to_date(b) if tb == "datestr" else b
    if ta in ("num", "bool") and tb in ("num", "bool") and isinstance(op, (ast.Eq, ast.NotEq)):
        close = np.isclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-9)
        return close if isinstance(op, ast.Eq) else ~close
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    if isinstance(op, ast.Lt):
        return a < b
    if isinstance(op, ast.LtE):
        return a <= b
    if isinstance(op, ast.Gt):
        return a > b
    return a >= b


# ----- many rules ----------------------------------------------------------------------------
def parse_rules(texts: Sequence[str] | str, schema: Schema) -> list[Rule]:
    """Parse rules given as a list or as one text with a rule per line (blank lines and # comments skipped)."""
    lines = texts.splitlines() if isinstance(texts, str) else list(texts)
    return [Rule.parse(t, schema) for t in (str(x).strip() for x in lines) if t and not t.startswith("#")]


def violation_shares(df: pd.DataFrame, rules: Sequence[Rule]) -> dict[str, float]:
    """Share of rows breaking each rule (0.0 = always followed)."""
    if len(df) == 0:
        return {r.text: 0.0 for r in rules}
    return {r.text: float(1.0 - r.check(df).mean()) for r in rules}


def all_followed(df: pd.DataFrame, rules: Sequence[Rule]) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for r in rules:
        ok &= r.check(df).to_numpy()
    return ok


# ----- fitting with SDV constraints and enforcing --------------------------------------------
def prepare_fit(generator: Generator, rules: Sequence[Rule]) -> list[str]:
    """Before fitting: give an SDV generator the rules it can learn as constraints
    (column-vs-column inequalities). Returns the texts of the rules handed over (others: [])."""
    from synthlab.generators._sdv_common import SdvGenerator

    if not isinstance(generator, SdvGenerator):
        return []
    from sdv import cag

    constraints, used = [], []
    for rule in rules:
        shape = rule.inequality()
        if shape is not None:
            low, high, strict = shape
            constraints.append(cag.Inequality(low_column_name=low, high_column_name=high, strict_boundaries=strict))
            used.append(rule.text)
    generator.sdv_constraints = constraints
    generator.sdv_constraint_rules = used
    return used


@dataclass
class EnforceResult:
    """Rows made to follow the rules, and how well that went."""

    data: pd.DataFrame
    followed_share: float  # share of the returned rows that follow every rule
    acceptance_rate: float  # share of drawn rows that followed every rule
    rows_drawn: int
    rounds: int
    repaired: list[str] = field(default_factory=list)  # rules enforced by computing a column
    message: str = ""


def enforce(generator: Generator, n: int, seed: int, rules: Sequence[Rule], max_rounds: int = 20,
            on_progress: ProgressCallback | None = None) -> EnforceResult:
    """``n`` rows following ``rules``: repair equalities, then rejection-sample the rest.

    Draws oversampled batches, keeps valid rows, for at most ``max_rounds`` rounds; if the rules
    are too rarely met, the last rows are the ones breaking the fewest rules and
    ``followed_share`` says how many follow all of them. Deterministic per seed.
    """
    n = int(n)
    if n < 1:
        raise GeneratorError("The number of rows to sample must be at least 1.")
    schema = generator.schema_
    if schema is None:
        raise GeneratorError("Fit the generator before sampling.")
    rules = list(rules)
    repairs = [r for r in rules if r.assignment() is not None]
    if not rules:
        return EnforceResult(generator.sample(n, seed), 1.0, 1.0, n, 1)
    kept: list[pd.DataFrame] = []
    have, drawn, rounds, rate = 0, 0, 0, 1.0
    spare = None
    while have < n and rounds < max_rounds:
        want = n - have
        batch_n = int(min(max(want / max(rate, 0.02) * 1.2 + 16, want), max(50 * n, 20_000)))
        batch = generator.sample_learned(batch_n, _round_seed(seed, rounds))
        for r in repairs:
            batch = r.repair(batch, schema[r.assignment()[0]].decimals)
        ok = all_followed(batch, rules).to_numpy()
        drawn += batch_n
        rounds += 1
        kept.append(batch[ok])
        have += int(ok.sum())
        rate = max(have / drawn, 1e-6)
        spare = batch[~ok]
        report(on_progress, min(have / n, 1.0), f"{min(have, n):,} of {n:,} rows follow the rules")
    valid = pd.concat(kept, ignore_index=True).head(n) if kept else pd.DataFrame()
    followed = len(valid)
    message = ""
    if followed < n:
        fill = _fewest_broken(spare, rules, n - followed)
        valid = pd.concat([valid, fill], ignore_index=True)
        message = (f"Only {followed:,} of {n:,} rows follow every rule after drawing {drawn:,} rows "
                   f"({rate:.2%} acceptance); the rest break the fewest rules possible.")
    data = generator.complete(valid.reset_index(drop=True), seed)
    return EnforceResult(data, followed / n, float(have / drawn) if drawn else 1.0, drawn, rounds,
                         [r.text for r in repairs], message)


def _round_seed(seed: int, round_: int) -> int:
    return int(seed) if round_ == 0 else int(np.random.SeedSequence([int(seed), round_]).generate_state(1)[0])


def _fewest_broken(rows: pd.DataFrame | None, rules: Sequence[Rule], k: int) -> pd.DataFrame:
    if rows is None or rows.empty:
        raise GeneratorError("No rows could be drawn that come close to following the rules.")
    broken = sum((~r.check(rows)).astype(int).to_numpy() for r in rules)
    order = np.argsort(broken, kind="stable")
    picked = rows.iloc[order[:k]]
    while len(picked) < k:  # fewer spare rows than needed: repeat them (rare: tiny batches)
        picked = pd.concat([picked, rows.iloc[order[: k - len(picked)]]])
    return picked.reset_index(drop=True)
