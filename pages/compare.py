"""Compare: real against synthetic, column by column and pair by pair."""

from __future__ import annotations

import streamlit as st

from components.guards import require_dataset, require_runs
from components.page import header

header("Compare")
if require_dataset() is None or not require_runs():
    st.stop()
