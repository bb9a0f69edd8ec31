"""Export: download synthetic data, the report and a reproducibility bundle."""

from __future__ import annotations

import streamlit as st

from components.guards import require_dataset, require_runs
from components.page import header

header("Export")
if require_dataset() is None or not require_runs():
    st.stop()
