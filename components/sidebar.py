"""The sidebar every page shares: the active dataset and the number of runs."""

from __future__ import annotations

import streamlit as st

from components import state


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
                st.caption(f"Target: {ds.schema.target}")
        runs = state.get_runs()
        st.metric("Runs", len(runs), help="Synthetic datasets generated in this workspace.")
