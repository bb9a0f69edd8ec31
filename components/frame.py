"""The frame every page runs inside: the user's workspace, their dataset, the shared sidebar."""

from __future__ import annotations

import streamlit as st

from components import state
from components.data_loading import ensure_default_dataset
from components.sidebar import render_sidebar
from components.state import open_workspace


def setup() -> None:
    st.session_state[state.FRAME_SEEN] = True
    open_workspace()
    ensure_default_dataset()
    render_sidebar()
