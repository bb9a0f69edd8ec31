"""Generate: pick a generator, set its parameters, create a synthetic dataset (a run)."""

from __future__ import annotations

import streamlit as st

from components.guards import require_dataset
from components.page import header

header("Generate")
ds = require_dataset()
if ds is None:
    st.stop()
st.info("Generators arrive with the next release.")
