"""Export: the synthetic data (CSV or Parquet, optionally privacy-filtered), the report, the bundle, and
many more rows generated at scale into a Parquet folder."""

from __future__ import annotations

import re

import streamlit as st

from components import state
from components.guards import require_dataset, require_finished_runs
from components.memo import memo
from components.page import header
from components.run_data import real_split, scorecard, synthetic
from components.scale_export import scale_section
from components.text import md_escape
from synthlab.errors import SynthLabError
from synthlab.export import csv_bytes, for_export, parquet_bytes

header("Export", "Download a run's synthetic data, its report, and a bundle that reproduces it exactly.")
ds = require_dataset()
if ds is None:
    st.stop()
runs = require_finished_runs()

by_id = {r.id: r for r in runs}
default = next((i for i in state.selected_runs() if i in by_id), runs[0].id)
rid = st.selectbox("Run", list(by_id), index=list(by_id).index(default), key="synthlab.export_run",
                   format_func=lambda i: by_id[i].name)
run = by_id[rid]
rows = synthetic(run)
if rows is None:
    st.error("This run's synthetic data is missing from the workspace.")
    st.stop()
schema = ds.schema
stem = re.sub(r"[^A-Za-z0-9_-]+", "_", run.name).strip("_") or "synthetic"

st.subheader("Synthetic data")
c1, c2 = st.columns(2)
use_filter = c1.toggle(
    "Privacy filter", value=False, key="synthlab.export_filter",
    help="Drop synthetic rows closer to a training row than 95% of unseen real (holdout) rows are.")
neutralise = c2.toggle(
    "Neutralise spreadsheet formulas", value=True, key="synthlab.export_neutralise",
    help="Text cells starting with =, +, -, @, tab or carriage return get a leading ' so spreadsheet "
         "programs show them instead of running them.")
data = rows
if use_filter:
    try:
        train, holdout = real_split(run)

        def _mask():
            from synthlab.metrics.privacy import privacy_filter

            return privacy_filter(rows, train, holdout, schema)

        keep = memo(("privacy_filter", run.id), _mask)
        data = rows[keep].reset_index(drop=True)
        st.caption(f"The filter keeps {len(data):,} of {len(rows):,} rows ({len(data) / max(len(rows), 1):.1%}).")
    except SynthLabError as e:
        st.error(md_escape(e))
st.dataframe(for_export(data.head(100), schema), width="stretch", height=240)  # as the download reads
d1, d2 = st.columns(2)
d1.download_button("Download CSV", csv_bytes(data, schema, neutralise), f"{stem}.csv", "text/csv",
                   key="synthlab.dl_csv", type="primary")
d2.download_button("Download Parquet", memo(("parquet", run.id, use_filter), lambda: parquet_bytes(data, schema)),
                   f"{stem}.parquet", "application/octet-stream", key="synthlab.dl_parquet")

st.subheader("Report")
card = scorecard(run)
try:
    from synthlab.report import render_html

    train, _ = real_split(run)
    html = memo(("report", run.id), lambda: render_html(card, real=train, synthetic=rows, schema=schema))
    st.download_button("Download HTML report", html.encode("utf-8"), f"{stem}-report.html", "text/html",
                       key="synthlab.dl_report")
    st.caption("One standalone file with every section of the scorecard and its charts; opens offline.")
except ImportError:
    st.caption("The HTML report is not available in this version.")

st.subheader("Reproducibility bundle")
include = st.toggle("Include the real training rows", value=True, key="synthlab.bundle_data",
                    help="Needed to replay without the original file. They are your real data: share with care.")
try:
    from synthlab.recipe import build_bundle

    setup = state.workspace().run_setup(run.id)
    run_schema, split = setup if setup else (schema, state.get_split())
    train, _ = real_split(run)
    bundle = memo(("bundle", run.id, include),
                  lambda: build_bundle(run, run_schema, split, card, train, include_data=include))
    st.download_button("Download bundle (.zip)", bundle, f"{stem}-bundle.zip", "application/zip",
                       key="synthlab.dl_bundle")
    st.caption("A recipe (generator, parameters, seed, schema, split, library versions) and the scorecard. "
               f"`python -m synthlab replay {stem}-bundle.zip --out {stem}.csv` regenerates identical data.")
except SynthLabError as e:
    st.error(md_escape(e))

scale_section(ds, run, rows)
