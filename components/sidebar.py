"""The sidebar every page shares: the active dataset and the number of runs."""

from __future__ import annotations

import streamlit as st

from components import state
from components.text import md_escape


def render_sidebar() -> None:
    with st.sidebar:
        ds = state.get_dataset()
        st.markdown("**Active dataset**")
        if ds is None:
            st.caption("None yet: open the Data page to pick a sample or upload a file.")
        else:
            st.text(ds.name)
            st.caption(ds.shape_text)
            if ds.schema.target:
                st.caption(f"Target: {md_escape(ds.schema.target)}")
        runs = state.get_runs()
        st.metric("Runs", len(runs), help="Synthetic datasets generated from this dataset.")
        st.divider()
        st.caption("Your workspace is private to this link: bookmark it to come back to your data and runs.")
        if st.button("Clear workspace", help="Delete this workspace's dataset, schema and runs.",
                     key="synthlab.clear_workspace"):
            st.session_state["synthlab.confirm_clear"] = True
        if st.session_state.get("synthlab.confirm_clear"):
            st.warning("Delete every dataset and run in this workspace?")
            yes, no = st.columns(2)
            if yes.button("Delete", type="primary", key="synthlab.clear_yes"):
                state.clear_workspace()
                st.session_state["synthlab.confirm_clear"] = False
                st.rerun()
            if no.button("Keep", key="synthlab.clear_no"):
                st.session_state["synthlab.confirm_clear"] = False
                st.rerun()
