"""The run history: every run of the active dataset, renamable, deletable, selectable for comparison."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from components.text import md_escape
from synthlab.generators import registry
from synthlab.runs import Run


def run_frame(runs: list[Run]) -> pd.DataFrame:
    reg = registry()
    return pd.DataFrame({
        "select": [False] * len(runs),
        "name": [r.name for r in runs],
        "generator": [reg[r.generator].label if r.generator in reg else r.generator for r in runs],
        "status": [r.status for r in runs],
        "rows": [r.n_rows for r in runs],
        "seed": [r.seed for r in runs],
        "seconds": [None if r.duration_s is None else round(r.duration_s, 1) for r in runs],
        "verdicts": [", ".join(f"{k} {v}" for k, v in r.verdicts.items()) or (r.error or "")
                     for r in runs],
        "created": [r.created_at[:19].replace("T", " ") for r in runs],
        "id": [r.id for r in runs],
    })


def run_history() -> None:
    runs = state.get_runs()
    st.subheader("Run history")
    if not runs:
        st.caption("No runs yet: pick a generator above and press Generate.")
        return
    interrupted = [r.name for r in runs if r.status == "interrupted"]
    if interrupted:
        st.warning(f"{len(interrupted)} run(s) were interrupted because the server stopped while they were in "
                   f"progress: {md_escape(', '.join(interrupted))}. The runs before them are intact; start an "
                   "interrupted run again to get its data.")
    frame = run_frame(runs)
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", key=f"synthlab.run_editor.{len(runs)}.{runs[0].id}",
        disabled=[c for c in frame.columns if c not in ("select", "name")],
        column_config={
            "select": st.column_config.CheckboxColumn("✓", help="Select runs to compare or delete."),
            "name": st.column_config.TextColumn("name", help="Click to rename."),
            "id": None,
            "verdicts": st.column_config.TextColumn("verdicts", help="Scorecard verdict per section, or the error."),
        },
    )
    ws = state.workspace()
    renamed = False
    for old, new in zip(frame.itertuples(), edited.itertuples(), strict=True):
        if new.name != old.name and str(new.name).strip():
            ws.rename_run(old.id, str(new.name).strip()[:80])
            renamed = True
    if renamed:
        st.rerun()
    chosen = edited.loc[edited["select"], "id"].tolist()
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button("Compare selected", disabled=not chosen, key="synthlab.compare_selected"):
        state.set_selected_runs(chosen)
        st.switch_page("pages/compare.py")
    if c2.button("Delete selected", disabled=not chosen, key="synthlab.delete_selected"):
        for rid in chosen:
            if rid in state.jobs() and state.jobs()[rid].active:
                state.jobs()[rid].cancel()
            ws.delete_run(rid)
        state.flash("info", f"Deleted {len(chosen)} run(s).")
        st.rerun()
