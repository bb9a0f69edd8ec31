"""The schema editor: kinds, target and sensitive attributes, editable in a data editor."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.text import md_escape
from synthlab.errors import SynthLabError
from synthlab.schema import KIND_HELP, Kind


def schema_editor(ds: state.ActiveDataset) -> None:
    st.caption(
        "Detected kind of each column. Change a kind, pick the target (what a model should predict) and mark "
        "sensitive attributes (checked for bias). Identifiers and personal data are never learned: they are "
        "replaced with realistic fake values."
    )
    original = ds.schema.to_frame()
    edited = st.data_editor(
        original,
        key=state.schema_editor_key(),
        hide_index=True,
        width="stretch",
        disabled=["column", "detail"],
        column_config={
            "kind": st.column_config.SelectboxColumn(
                "kind", options=[k.value for k in Kind], required=True,
                help="; ".join(f"{k.value}: {h}" for k, h in KIND_HELP.items()),
            ),
            "target": st.column_config.CheckboxColumn("target", help="The column a downstream model predicts."),
            "sensitive": st.column_config.CheckboxColumn("sensitive", help="Checked for bias (e.g. sex, race, age group)."),
        },
    )
    if not _same(edited, original):
        try:
            new_schema = ds.schema.with_edits(edited, ds.raw)
        except SynthLabError as e:
            st.error(md_escape(e))
            return
        state.set_schema(new_schema)
        st.rerun()
    task = ds.schema.task
    if task:
        st.caption(f"Target **{md_escape(ds.schema.target)}** → {task}.")
    else:
        st.caption("No target: utility scores (train on synthetic, test on real) need one.")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = ["kind", "target", "sensitive"]
    return a[cols].reset_index(drop=True).equals(b[cols].reset_index(drop=True))
