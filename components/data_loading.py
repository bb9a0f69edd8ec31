"""Loading datasets into the session: bundled samples (cached, shared, read-only) and uploads."""

from __future__ import annotations

import streamlit as st

from components import state
from components.text import md_escape
from synthlab import samples
from synthlab.errors import SynthLabError
from synthlab.intake import LoadedTable, load_table
from synthlab.schema import Schema


@st.cache_data(max_entries=16, show_spinner=False)
def _load_sample_cached(sample_id: str) -> LoadedTable:
    """Sample files are the same for every user, so sharing their parsed form is safe."""
    return samples.load_sample(sample_id)


def activate_sample(sample_id: str) -> None:
    info = samples.get_sample(sample_id)
    table = _load_sample_cached(sample_id)
    schema = Schema.detect(table.df, target=info.target, sensitive=info.sensitive)
    state.set_dataset(state.ActiveDataset(table.name, f"sample:{sample_id}", table.df, schema, list(table.warnings)))


def activate_upload(data: bytes, filename: str) -> str | None:
    """Load an upload and make it active; return an error message (and change nothing) on failure."""
    try:
        table = load_table(data, filename)
        schema = Schema.detect(table.df)
    except SynthLabError as e:
        return str(e)
    except Exception as e:  # the page must never show a traceback
        return f"This file could not be read as a table ({type(e).__name__})."
    state.set_dataset(state.ActiveDataset(table.name, f"upload:{filename}", table.df, schema, list(table.warnings)))
    return None


def ensure_default_dataset() -> None:
    """A session opens on its workspace's dataset, else on the bundled default sample."""
    if state.get_dataset() is None and not state.restore_dataset():
        info = samples.default_sample()
        if info is not None:
            try:
                activate_sample(info.id)
            except SynthLabError as e:
                state.flash("warning", f"The default sample could not be loaded: {md_escape(e)}")


def on_sample_picked() -> None:
    """Widget callback: the user picked a bundled sample."""
    sample_id = st.session_state.get(state.SAMPLE_PICKER)
    if sample_id:
        try:
            activate_sample(sample_id)
        except SynthLabError as e:
            state.flash("error", f"That sample could not be loaded: {md_escape(e)}")


def on_upload() -> None:
    """Widget callback: a file was uploaded (or removed); load it or say exactly why not."""
    upload = st.session_state.get(state.UPLOADER)
    if upload is None:
        return
    error = activate_upload(upload.getvalue(), upload.name)
    if error:
        state.flash("error", f"{md_escape(upload.name)}: {md_escape(error)} Your previous dataset is still active.")
    else:
        st.session_state[state.SAMPLE_PICKER] = None
        state.flash("success", f"Loaded {md_escape(upload.name)}: {state.get_dataset().shape_text}.")
