"""The frame every page runs inside: the user's workspace, their dataset, the shared sidebar."""

from __future__ import annotations

import importlib
import threading

import streamlit as st

from components import state
from components.data_loading import ensure_default_dataset
from components.run_data import prefetch_split
from components.sidebar import render_sidebar
from components.state import open_workspace

# What a first run needs beyond the Data page (scikit-learn alone takes seconds to import on a busy
# 2-core machine): imported in the background once per server, while the user looks at their data.
WARM_MODULES = ("synthlab.split", "synthlab.generators", "synthlab.generators.synthlab", "synthlab.runner",
                "synthlab.metrics.scorecard", "synthlab.plots")


@st.cache_resource(show_spinner=False)
def _warm_imports() -> threading.Thread:
    """Start importing :data:`WARM_MODULES` on a daemon thread (once per server process)."""
    def work() -> None:
        for name in WARM_MODULES:
            importlib.import_module(name)

    thread = threading.Thread(target=work, name="synthlab-warm-imports", daemon=True)
    thread.start()
    return thread


def setup() -> None:
    _warm_imports()
    st.session_state[state.FRAME_SEEN] = True
    open_workspace()
    ensure_default_dataset()
    ds = state.get_dataset()
    if ds is not None:
        prefetch_split(ds)
    render_sidebar()
