"""Loading datasets into the session: bundled samples (cached, shared, read-only) and uploads."""

from __future__ import annotations

import streamlit as st

from components import state
from components.text import md_escape
from synthlab import samples
from synthlab.errors import SynthLabError
from synthlab.intake import LoadedTable, load_table
from synthlab.progress import Progress, ProgressCallback, report, scaled
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


def activate_upload(data: bytes, filename: str, on_progress: ProgressCallback | None = None) -> str | None:
    """Load an upload and make it active; return an error message (and change nothing) on failure."""
    try:
        table = load_table(data, filename, on_progress=scaled(on_progress, 0.0, 0.8))
        report(on_progress, 0.8, f"Detecting the column types of {table.shape_text}…")
        schema = Schema.detect(table.df)
    except SynthLabError as e:
        return str(e)
    except Exception as e:  # the page must never show a traceback
        return f"This file could not be read as a table ({type(e).__name__})."
    report(on_progress, 0.9, "Saving it in your workspace…")
    st.session_state.pop(state.UPLOAD_PENDING, None)  # from here on a Cancel comes too late
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
    """Widget callback: a file was uploaded (or removed). The page body loads it
    (:func:`load_pending_upload`), where progress can be drawn and a Cancel click can stop it."""
    st.session_state[state.UPLOAD_PENDING] = st.session_state.get(state.UPLOADER) is not None


def load_pending_upload() -> None:
    """Load the file just uploaded, stage by stage under a progress bar with a Cancel button.

    A click on Cancel reruns the page: Streamlit stops this run at its next progress update (a stage
    itself runs to its end: parsing a million rows takes about two seconds), and the rerun drops
    the upload, so the previous dataset stays active. Call it before the sample picker is drawn.
    Once loaded, the app reruns so that every part of it shows the new dataset.
    """
    if not st.session_state.get(state.UPLOAD_PENDING):
        return
    upload = st.session_state.get(state.UPLOADER)
    if upload is None:
        st.session_state.pop(state.UPLOAD_PENDING, None)
        return
    name = md_escape(upload.name)
    slot = st.empty()
    with slot.container():
        if st.button("Cancel loading", key=state.UPLOAD_CANCEL, icon=":material/close:"):
            st.session_state.pop(state.UPLOAD_PENDING, None)
            slot.info(f"Loading {name} was cancelled. Your previous dataset is still active.")
            return
        bar = st.progress(0.0, text=f"Loading {name} ({upload.size / 2**20:,.1f} MB)…")

        def show(progress: Progress) -> None:
            bar.progress(progress.fraction or 0.0, text=md_escape(progress.message))

        error = activate_upload(upload.getvalue(), upload.name, on_progress=show)
    st.session_state.pop(state.UPLOAD_PENDING, None)
    if error:
        slot.error(f"{name}: {md_escape(error)} Your previous dataset is still active.")
    else:
        st.session_state[state.SAMPLE_PICKER] = None
        state.flash("success", f"Loaded {name}: {state.get_dataset().shape_text}.")
        st.rerun()  # the sidebar, drawn before this page, still names the previous dataset
