"""Data: pick a bundled sample or upload a file; preview it; review and edit its schema."""

from __future__ import annotations

import streamlit as st

from components import state
from components.data_loading import load_pending_upload, on_sample_picked, on_upload
from components.memo import memo
from components.page import header
from components.schema_editor import schema_editor
from components.text import md_escape
from synthlab import plots, samples
from synthlab.intake import SUFFIXES, memory_text, missing_table

header("Data", "Start here: choose the real data your synthetic data should resemble.")
load_pending_upload()

left, right = st.columns(2)
with left:
    st.subheader("Bundled samples")
    items = samples.catalog()
    titles = {s.id: f"{s.title} ({s.domain})" for s in items}
    ds = state.get_dataset()
    if state.SAMPLE_PICKER not in st.session_state and ds is not None and ds.source.startswith("sample:"):
        st.session_state[state.SAMPLE_PICKER] = ds.source.removeprefix("sample:")
    choice = st.selectbox(
        "Real public datasets",
        list(titles),
        index=None,
        format_func=titles.get,
        placeholder="Pick a sample",
        key=state.SAMPLE_PICKER,
        on_change=on_sample_picked,
    )
    if choice:
        st.caption(samples.get_sample(choice).description)

with right:
    st.subheader("Upload")
    limit = st.get_option("server.maxUploadSize")
    st.file_uploader(
        f"CSV, TSV, TXT, Parquet or Excel (.xlsx), up to {limit} MB",
        type=[s.lstrip(".") for s in SUFFIXES],
        key=state.UPLOADER,
        on_change=on_upload,
        help="Delimiter and encoding (UTF-8, UTF-8 with BOM, Latin-1, UTF-16) are detected automatically.",
    )
    st.caption(f"Files up to {limit} MB. Your data stays on this server, in your own workspace.")
ds = state.get_dataset()
if ds is None:
    st.info("Pick a sample or upload a file to begin.")
    st.stop()

st.divider()
st.subheader(md_escape(ds.name))
c1, c2, c3 = st.columns(3)
c1.metric("Rows", f"{len(ds.raw):,}")
c2.metric("Columns", f"{ds.raw.shape[1]:,}")
# per dataset, once: on a million rows these take ~0.5 s and the page reruns on every edit
c3.metric("Memory", memo(("memory", ds.dataset_id, id(ds.raw)), lambda: memory_text(ds.raw)))
for warning in ds.warnings:
    st.warning(md_escape(warning))

tab_preview, tab_missing, tab_schema = st.tabs(["Preview", "Missing values", "Schema"])
with tab_preview:
    st.dataframe(ds.raw.head(200), width="stretch", height=320)
    st.caption(f"First {min(200, len(ds.raw))} of {len(ds.raw):,} rows.")
with tab_missing:
    miss = memo(("missing", ds.dataset_id, id(ds.raw)), lambda: missing_table(ds.raw))
    st.plotly_chart(plots.missing_bars(miss), key="missing_bars")
    st.dataframe(
        miss,
        width="stretch",
        hide_index=True,
        column_config={"share": st.column_config.ProgressColumn("share", min_value=0.0, max_value=1.0, format="percent")},
    )
    st.caption("Share of empty cells per column; generators reproduce these shares.")
with tab_schema:
    schema_editor(ds)
