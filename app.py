"""SynthLab: the frame around every page (page config, session defaults, navigation, sidebar)."""

from __future__ import annotations

import logging

import streamlit as st

from components import frame

st.set_page_config(page_title="SynthLab", page_icon=":material/science:", layout="wide")

PAGES = [
    st.Page("pages/data.py", title="Data", icon=":material/table:", default=True),
    st.Page("pages/generate.py", title="Generate", icon=":material/auto_awesome:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
    st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
    st.Page("pages/export.py", title="Export", icon=":material/download:"),
    st.Page("pages/experiments.py", title="Experiments", icon=":material/experiment:"),
]

page = st.navigation(PAGES)
frame.setup()

try:
    page.run()
except Exception:  # last line of defence: a plain message, never a traceback
    logging.getLogger("synthlab").exception("page %s failed", page.title)
    st.error("Something went wrong on this page. Your data and earlier runs are untouched; "
             "try again, and if it persists, reload the dataset on the Data page.")
