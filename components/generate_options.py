"""The Generate page's option panels: conditional sampling / rebalancing, business rules, the split."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components import state
from components.memo import memo
from components.text import md_escape
from synthlab.errors import SynthLabError
from synthlab.schema import Kind
from synthlab.split import split_info

CONDITION_MODE = "synthlab.condition_mode"
RULES_TEXT = "synthlab.rules_text"


def _choices(ds: state.ActiveDataset) -> list[str]:
    """Categorical and boolean columns with a value (once per dataset and schema: a scan of every row)."""
    kinds = tuple(ds.schema.of_kind(Kind.CATEGORICAL, Kind.BOOLEAN))
    return memo(("condition_columns", ds.dataset_id, kinds),
                lambda: [c for c in kinds if ds.raw[c].notna().any()])


def _values(ds: state.ActiveDataset, column: str) -> list[Any]:
    counts = ds.frame[column].dropna().value_counts()
    return counts.index.tolist()[:200]


def conditions_form(ds: state.ActiveDataset) -> dict[str, Any] | None:
    """None, ``{"fixed": {...}}`` or ``{"rebalance": {...}}``: what synthetic data exists for."""
    columns = _choices(ds)
    if not columns:
        st.caption("Conditions need a categorical or boolean column.")
        return None
    mode = st.radio("Mode", ["None", "Fix values", "Rebalance a group"], horizontal=True, key=CONDITION_MODE,
                    help="Fix values: every row takes the chosen values. Rebalance: a rare class or group "
                         "makes up the chosen share of rows.")
    if mode == "Fix values":
        cols = st.multiselect("Columns to fix", columns, key="synthlab.fix_columns", max_selections=3)
        fixed = {}
        for c in cols:
            fixed[c] = st.selectbox(f"{md_escape(c)} =", _values(ds, c), key=f"synthlab.fix_value.{c}")
        return {"fixed": fixed} if fixed else None
    if mode == "Rebalance a group":
        default = ds.schema.target if ds.schema.target in columns else (
            ds.schema.sensitive[0] if ds.schema.sensitive and ds.schema.sensitive[0] in columns else columns[0])
        c1, c2, c3 = st.columns(3)
        column = c1.selectbox("Column", columns, index=columns.index(default), key="synthlab.rebalance_column")
        counts = ds.frame[column].value_counts(normalize=True)
        values = _values(ds, column)
        rare = counts.idxmin() if len(counts) else values[0]
        value = c2.selectbox("Value to boost", values, index=values.index(rare) if rare in values else 0,
                             key="synthlab.rebalance_value")
        real_share = float(counts.get(value, 0.0))
        share = c3.slider("Target share", 0.05, 0.95, max(0.5, round(real_share, 2)), 0.05,
                          key="synthlab.rebalance_share", help=f"Real share: {real_share:.1%}.")
        st.caption(f"'{md_escape(value)}' is {real_share:.1%} of real rows; synthetic rows will be {share:.0%}.")
        return {"rebalance": {"column": column, "value": value, "share": share}}
    return None


def rules_form(ds: state.ActiveDataset) -> tuple[list[str], list[str]]:
    """Business rules typed one per line; returns (valid rules, error messages)."""
    text = st.text_area(
        "One rule per line", key=RULES_TEXT, height=100,
        placeholder="age >= 0\nend_date >= start_date\na + b == c",
        help="Comparisons (<, <=, ==, !=, >=, >), arithmetic (+ - * /), and/or/not, abs(); quote column names "
             "with spaces in backticks. Every synthetic row must satisfy every rule.",
    )
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return [], []
    try:
        from synthlab.generators.rules import Rule
    except ImportError:
        return [], ["Business rules are not available in this version."]
    rules, errors, rows = [], [], []
    for line in lines:
        try:
            rule = Rule.parse(line, ds.schema)
        except SynthLabError as e:
            errors.append(f"{line}: {e}")
            continue
        rules.append(line)
        ok = rule.check(ds.frame)
        rows.append({"rule": line, "real rows violating": f"{1 - float(pd.Series(ok).mean()):.1%}"})
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption("A rule the real data already breaks often is probably not a rule.")
    return rules, errors


def split_form(ds: state.ActiveDataset) -> None:
    split = state.get_split()
    c1, c2 = st.columns(2)
    share = c1.slider("Holdout share", 0.1, 0.5, float(split["holdout_share"]), 0.05, key="synthlab.holdout_share",
                      help="Real rows kept away from the generator; every score is compared with theirs.")
    seed = c2.number_input("Split seed", 0, 2**31 - 1, int(split["seed"]), key="synthlab.split_seed")
    if (share, seed) != (split["holdout_share"], split["seed"]):
        state.set_split(share, int(seed))
    try:
        # the table as loaded gives the same row and class counts as the working frame, which the
        # background split may still be building (the page would wait for it)
        info = split_info(ds.raw, ds.schema, share, int(seed))
        st.caption(f"Generators fit on train only: {md_escape(info.describe())}.")
    except SynthLabError as e:
        st.error(md_escape(e))
