"""Validity: are the synthetic values legal? Inside real ranges, known categories, unique keys, rules kept.

Each share is set against the holdout's: unseen real rows also fall outside the train range or bring
new categories now and then, so the holdout's share is the realistic ceiling.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pandas as pd

from synthlab.metrics.base import Figure, Metric
from synthlab.metrics.encoding import continuous_values, text_values
from synthlab.metrics.uncertainty import share_ci, share_sd
from synthlab.metrics.verdicts import judge, section_verdict
from synthlab.schema import Kind, Schema

_KEY_SHARE = 0.9  # an ID column is a unique key when this share of its real values occurs once


class InRange(Metric):
    name = "Values inside the real range"
    key = "in_range"
    good = "1 = every number and date lies within the real train's minimum and maximum."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        ok, n, _ = _in_range(*_frames(real, synthetic, schema), _kinds(schema, Kind.NUMERICAL, Kind.DATETIME))
        return ok / n if n else float("nan")

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        return _in_range(*_frames(real, synthetic, schema), _kinds(schema, Kind.NUMERICAL, Kind.DATETIME))[2]


class KnownCategories(Metric):
    name = "Known categories"
    key = "known_categories"
    good = "1 = every category value also occurs in the real train data."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        ok, n, _ = _known(*_frames(real, synthetic, schema), _kinds(schema, Kind.CATEGORICAL, Kind.BOOLEAN))
        return ok / n if n else float("nan")

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        return _known(*_frames(real, synthetic, schema), _kinds(schema, Kind.CATEGORICAL, Kind.BOOLEAN))[2]


class KeyUniqueness(Metric):
    name = "Key uniqueness"
    key = "key_uniqueness"
    good = "1 = no key (ID) value repeats."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        keys = unique_keys(real, [c for c in _kinds(schema, Kind.ID) if c in synthetic.columns and c in real.columns])
        ok, n, _ = _unique(synthetic, keys)
        return ok / n if n else float("nan")


class RuleViolations(Metric):
    name = "Business-rule violations (most-broken rule)"
    key = "rule_violations"
    goal = "minimize"
    good = "0 = every row keeps every rule you wrote."

    @classmethod
    def compute(cls, real, synthetic, schema, rules: list[str] | None = None, **kwargs) -> float:
        shares, _ = rule_violation_shares(synthetic, list(rules or []), schema) if rules else ({}, None)
        return float(max(shares.values())) if shares else float("nan")


def _kinds(schema: Schema, *kinds: Kind) -> list[str]:
    names = schema.learned if Kind.ID not in kinds else schema.names
    return [c for c in names if schema[c].kind in kinds]


def _frames(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> tuple[pd.DataFrame, pd.DataFrame]:
    from synthlab.metrics.encoding import prepare

    return prepare(real, schema, what="real data"), prepare(synthetic, schema, what="synthetic data")


def _share_figure(metric: type[Metric], ok: int, n: int, ok_c: int, n_c: int, ideal: float) -> Figure:
    v = ok / n if n else float("nan")
    c = ok_c / n_c if n_c else float("nan")
    fig = Figure.of(metric, v, ceiling=c, ci=share_ci(v, n), ceiling_ci=share_ci(c, n_c))
    fig.extra.update({"rows": n, "ceiling_rows": n_c})
    if n and n_c:
        judge(fig, float(np.hypot(share_sd(v, n), share_sd(c, n_c))), ideal=ideal)
    else:
        fig.rating = "n/a"
    return fig


def _in_range(train: pd.DataFrame, other: pd.DataFrame, columns: list[str]) -> tuple[int, int, list[dict]]:
    ok_all = n_all = 0
    rows = []
    for c in columns:
        t = continuous_values(train[c])
        t = t[np.isfinite(t)]
        x = continuous_values(other[c])
        x = x[np.isfinite(x)]
        if t.size == 0 or x.size == 0:
            continue
        lo, hi = t.min(), t.max()
        ok = int(((x >= lo) & (x <= hi)).sum())
        ok_all += ok
        n_all += x.size
        rows.append({"column": c, "share": ok / x.size, "outside": int(x.size - ok)})
    return ok_all, n_all, rows


def _known(train: pd.DataFrame, other: pd.DataFrame, columns: list[str]) -> tuple[int, int, list[dict]]:
    ok_all = n_all = 0
    rows = []
    for c in columns:
        known = set(text_values(train[c]).dropna().unique())
        x = text_values(other[c]).dropna()
        if x.empty:
            continue
        isin = x.isin(known)
        ok = int(isin.sum())
        ok_all += ok
        n_all += len(x)
        unknown = x[~isin].value_counts().head(5)
        rows.append({"column": c, "share": ok / len(x), "unknown": [str(v) for v in unknown.index]})
    return ok_all, n_all, rows


def unique_keys(real: pd.DataFrame, columns: list[str]) -> list[str]:
    """The ID columns meant to be unique: at least :data:`_KEY_SHARE` of their real values occur once.
    An entity's key repeated over its rows (a panel's person id) is an ID too, but not a unique one."""
    return [r["column"] for r in _unique(real, columns)[2] if r["share"] >= _KEY_SHARE]


def _unique(other: pd.DataFrame, columns: list[str]) -> tuple[int, int, list[dict]]:
    ok_all = n_all = 0
    rows = []
    for c in columns:
        x = other[c].dropna().astype(str)
        if x.empty:
            continue
        ok = int((~x.duplicated(keep=False)).sum())
        ok_all += ok
        n_all += len(x)
        rows.append({"column": c, "share": ok / len(x)})
    return ok_all, n_all, rows


def rule_violation_shares(df: pd.DataFrame, rules: list[str], schema: Schema) -> tuple[dict[str, float] | None, str | None]:
    """Violation share per rule text via ``synthlab.generators.rules`` (None + a note if unavailable)."""
    try:
        mod = importlib.import_module("synthlab.generators.rules")
    except ImportError:
        return None, "Rule checks skipped: the rules module is not available."
    parsed = [mod.Rule.parse(text, schema) for text in rules]
    shares: Any = mod.violation_shares(df, parsed)
    if isinstance(shares, dict):
        values = list(shares.values())
    elif isinstance(shares, pd.Series):
        values = shares.tolist()
    else:
        values = list(shares)
    return {text: float(v) for text, v in zip(rules, values, strict=False)}, None


def validity_section(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, schema: Schema,
                     rules: list[str] | None = None, raw: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> dict:
    """Range, category, key and rule checks on working frames of the learned columns.

    ``raw`` = (synthetic, holdout) frames with every column, for key columns that are not learned.
    """
    learned = schema.learned
    cont = [c for c in learned if schema[c].kind in (Kind.NUMERICAL, Kind.DATETIME)]
    disc = [c for c in learned if schema[c].kind in (Kind.CATEGORICAL, Kind.BOOLEAN)]
    figures, out = [], {}

    ok, n, rows = _in_range(train, synthetic, cont)
    ok_c, n_c, rows_c = _in_range(train, holdout, cont)
    if n:
        out["in_range"] = _share_figure(InRange, ok, n, ok_c, n_c, ideal=1.0)
        out["in_range"].extra["columns"] = _with_ceiling(rows, rows_c)
        figures.append(out["in_range"])
    ok, n, rows = _known(train, synthetic, disc)
    ok_c, n_c, rows_c = _known(train, holdout, disc)
    if n:
        out["known_categories"] = _share_figure(KnownCategories, ok, n, ok_c, n_c, ideal=1.0)
        out["known_categories"].extra["columns"] = _with_ceiling(rows, rows_c)
        figures.append(out["known_categories"])

    keys = [c.name for c in schema.columns if c.kind == Kind.ID]
    if keys and raw is not None:
        present = unique_keys(raw[1], [k for k in keys if k in raw[0].columns and k in raw[1].columns])
        ok, n, rows = _unique(raw[0], present)
        ok_c, n_c, rows_c = _unique(raw[1], present)
        if n:
            out["key_uniqueness"] = _share_figure(KeyUniqueness, ok, n, ok_c, n_c, ideal=1.0)
            out["key_uniqueness"].extra["columns"] = _with_ceiling(rows, rows_c)
            figures.append(out["key_uniqueness"])

    if rules:
        shares_s, note = rule_violation_shares(synthetic, rules, schema)
        if shares_s is None:
            out["rules_note"] = note
        else:
            shares_h, _ = rule_violation_shares(holdout, rules, schema)
            shares_t, _ = rule_violation_shares(train, rules, schema)
            # the headline is the most-broken rule: one rule broken often is not excused by others kept
            v = float(max(shares_s.values())) if shares_s else float("nan")
            c = float(max(shares_h.values())) if shares_h else float("nan")
            fig = Figure.of(RuleViolations, v, ceiling=c, ci=share_ci(v, len(synthetic)),
                            ceiling_ci=share_ci(c, len(holdout)))
            judge(fig, float(np.hypot(share_sd(v, len(synthetic)), share_sd(c, len(holdout)))), ideal=0.0)
            fig.extra["rules"] = [{"rule": r, "synthetic": shares_s.get(r), "holdout": (shares_h or {}).get(r),
                                   "train": (shares_t or {}).get(r)} for r in rules]
            out["rule_violations"] = fig
            figures.append(fig)
    out["verdict"] = section_verdict(figures, "there are no columns to check")
    return out


def _with_ceiling(rows: list[dict], ceiling_rows: list[dict]) -> list[dict]:
    by = {r["column"]: r["share"] for r in ceiling_rows}
    return [{**r, "ceiling": by.get(r["column"])} for r in rows]
