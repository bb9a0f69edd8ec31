"""Prerequisite checks: a page that cannot work yet says what to do first."""

from __future__ import annotations

import streamlit as st

from components import state
from synthlab.runs import Run


def require_dataset() -> state.ActiveDataset | None:
    ds = state.get_dataset()
    if ds is None:
        st.info("No dataset yet. Open the **Data** page to pick a bundled sample or upload your own file.")
        st.page_link("pages/data.py", label="Go to Data", icon=":material/table:")
    return ds


def require_finished_runs(runs: list[Run] | None = None) -> list[Run]:
    """``runs`` (default: the active dataset's finished runs); when there are none, say what to do
    and stop the page."""
    from components.run_data import done_runs

    runs = done_runs() if runs is None else runs
    if not runs:
        st.info("No finished runs yet. Open the **Generate** page, pick a generator and press Generate.")
        st.page_link("pages/generate.py", label="Go to Generate", icon=":material/auto_awesome:")
        st.stop()
    return runs


def require_comparable_runs() -> list[Run]:
    """Runs whose synthetic rows can be charted (finished, or drawn and still being scored). While
    this session's first run is still fitting, show its progress and open the page as soon as its
    rows exist, without a manual refresh."""
    from components.jobs import active_jobs, live_progress
    from components.run_data import comparable_runs

    runs = comparable_runs()
    if runs or not active_jobs():
        return require_finished_runs(runs)
    st.info("Your run is being generated; its charts appear here as soon as its rows are drawn.")
    _open_when_rows_exist()
    live_progress()
    st.stop()


@st.fragment(run_every=0.5)
def _open_when_rows_exist() -> None:
    from components.run_data import comparable_runs

    if comparable_runs():
        st.rerun(scope="app")
