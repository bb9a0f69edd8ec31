"""Evaluate: the holdout-calibrated scorecard of each run."""

from __future__ import annotations

import streamlit as st

from components.guards import require_dataset, require_runs
from components.page import header

header("Evaluate")
if require_dataset() is None or not require_runs():
    st.stop()
