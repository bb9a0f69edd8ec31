"""The top of every page: its title, a one-line purpose, and any queued messages."""

from __future__ import annotations

import streamlit as st

from components import state


def require_frame() -> None:
    """Make sure the frame (workspace, dataset, sidebar) ran when Streamlit ran a page file on its own.

    Because the pages live in a folder named ``pages/``, a fresh server whose first request is a
    deep link (``/generate?ws=...``) runs that file in Streamlit's legacy multipage mode, without
    ``app.py``. ``st.navigation`` switches that mode off, but only once ``app.py`` has run; so switch
    it off here and rerun, which runs ``app.py``. AppTest runs page files that way on every run after
    the first, where a rerun would drop the widget event under test: once this session has seen the
    frame, it is drawn in place instead.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get(state.FRAME_SEEN):
            st.rerun()
        from components import frame

        frame.setup()


def header(title: str, caption: str | None = None) -> None:
    require_frame()
    st.title(title)
    if caption:
        st.caption(caption)
    for kind, message in state.pop_flashes():
        getattr(st, kind)(message)
