"""Experiments: model collapse, real/synthetic balance, rare cases, seed variability."""

from __future__ import annotations

import streamlit as st

from components.guards import require_dataset
from components.page import header

header("Experiments", "The open questions people bring synthetic data to, answered on your own data.")
if require_dataset() is None:
    st.stop()
st.info("Experiments arrive with the next release.")
