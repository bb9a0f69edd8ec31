"""The top of every page: its title, a one-line purpose, and any queued messages."""

from __future__ import annotations

import streamlit as st

from components import state


def header(title: str, caption: str | None = None) -> None:
    st.title(title)
    if caption:
        st.caption(caption)
    for kind, message in state.pop_flashes():
        getattr(st, kind)(message)
