"""Compare: real against synthetic, column by column, pair by pair, and as a whole."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.guards import require_comparable_runs, require_dataset
from components.jobs import live_progress
from components.memo import memo
from components.page import header
from components.run_data import pick_runs, real_split, scorecard, synthetic
from components.scorecard_view import sampling_note
from components.text import md_escape
from synthlab import plots
from synthlab.schema import Kind

header("Compare", "Real (train split) against synthetic: distributions, relationships and summaries.")
ds = require_dataset()
if ds is None:
    st.stop()
available = require_comparable_runs()

runs = pick_runs("Runs to compare", key="synthlab.compare_runs", runs=available)
if not runs:
    st.info("Pick at least one run.")
    st.stop()
scoring = [r.name for r in runs if r.status == "running"]
if scoring:
    st.caption(md_escape(f"Still being scored: {', '.join(scoring)}. Its charts are final; its scores appear "
                         "here and on Evaluate when the scorecard is done."))
    live_progress()
schema = ds.schema
train, _ = real_split(runs[0])
frames = {r.name: synthetic(r) for r in runs}
frames = {k: v for k, v in frames.items() if v is not None}
if not frames:
    st.error("The synthetic data of these runs is missing from the workspace.")
    st.stop()

with st.expander("Segment: compare inside a subgroup"):
    seg_cols = [c for c in schema.of_kind(Kind.CATEGORICAL, Kind.BOOLEAN)]
    seg_col = st.selectbox("Column", [None, *seg_cols], key="synthlab.segment_col",
                           format_func=lambda c: "All rows" if c is None else c)
    seg_val = None
    if seg_col:
        values = train[seg_col].dropna().value_counts().index.tolist()
        seg_val = st.selectbox("Value", values, key="synthlab.segment_val")
segment = (seg_col, seg_val) if seg_col and seg_val is not None else None


def _segment(df: pd.DataFrame) -> pd.DataFrame:
    if segment is None:
        return df
    return df[df[segment[0]].astype(str) == str(segment[1])]


real = _segment(train)
syn = {name: _segment(df) for name, df in frames.items()}
seg_key = None if segment is None else (segment[0], str(segment[1]))
run_key = tuple(r.id for r in runs)
if segment:
    counts = ", ".join(f"{name}: {len(df):,}" for name, df in syn.items())
    st.caption(md_escape(f"Segment {segment[0]} = {segment[1]}: real {len(real):,} rows; {counts}."))
if len(real) == 0 or any(len(df) == 0 for df in syn.values()):
    st.warning("This segment is empty on one side; pick another value.")

# Column charts bin every row; the other views work on a seeded sample of large tables, so that the
# page (and its first chart) is drawn in about a second on a million rows.
VIEW_ROWS = 50_000


def _view(df: pd.DataFrame) -> pd.DataFrame:
    return df if len(df) <= VIEW_ROWS else df.sample(n=VIEW_ROWS, random_state=0)


real_view = memo(("view", run_key, seg_key, "real"), lambda: _view(real))
syn_view = {n: memo(("view", run_key, seg_key, "run", n), lambda df=df: _view(df)) for n, df in syn.items()}
if len(real) > VIEW_ROWS or any(len(df) > VIEW_ROWS for df in syn.values()):
    st.caption(f"Correlations, pairs, the 2-D projection and the summary statistics use a seeded random sample "
               f"of {VIEW_ROWS:,} rows per side; the column charts use every row.")

tab_cols, tab_corr, tab_pair, tab_pca, tab_stats = st.tabs(
    ["Columns", "Correlations", "Pairs", "2-D projection", "Summary statistics"])

with tab_cols:
    learned = schema.learned
    column = st.selectbox("Column", learned, key="synthlab.compare_column")
    if column:
        kind = schema[column].kind
        names = list(syn)
        fig = memo(("overlay", run_key, seg_key, column),
                   lambda: plots.column_overlay(real[column], [syn[n][column] for n in names], kind,
                                                names=("Real", *names)))
        st.plotly_chart(fig, key="overlay")
        if kind == Kind.NUMERICAL:
            ecdf = memo(("ecdf", run_key, seg_key, column),
                        lambda: plots.ecdf_overlay(real[column], [syn[n][column] for n in names], names=("Real", *names)))
            st.plotly_chart(ecdf, key="ecdf")
        scores = []
        for r in runs:
            for row in scorecard(r).get("fidelity", {}).get("columns", []):
                if row.get("column") == column:
                    scores.append({"run": r.name, **{k: v for k, v in row.items() if k != "column"}})
        if scores:
            st.dataframe(pd.DataFrame(scores), hide_index=True, width="stretch")
            st.caption("Column fidelity from each run's scorecard (KS complement for numbers and dates, TV "
                       "complement for categories): 1 is identical; compare with the holdout's score, the ceiling.")
            for r in runs:
                note = sampling_note(scorecard(r))
                if note:
                    st.caption(md_escape(f"{r.name}: {note}"))

with tab_corr:
    name = st.selectbox("Run", list(syn), key="synthlab.corr_run") if len(syn) > 1 else next(iter(syn))
    figs = memo(("corr", run_key, seg_key, name), lambda: plots.correlation_heatmaps(real_view, syn_view[name], schema,
                                                           names=("Real", name)))
    c1, c2 = st.columns(2)
    c1.plotly_chart(figs[0], key="corr_real")
    c2.plotly_chart(figs[1], key="corr_syn")
    st.plotly_chart(figs[2], key="corr_diff")
    st.caption("Association strength between columns (correlation for numbers, Cramér's V for categories). "
               "Good: the difference map is pale everywhere.")

with tab_pair:
    learned = schema.learned
    c1, c2, c3 = st.columns(3)
    x = c1.selectbox("X", learned, key="synthlab.pair_x")
    y = c2.selectbox("Y", learned, index=min(1, len(learned) - 1), key="synthlab.pair_y")
    name = c3.selectbox("Run", list(syn), key="synthlab.pair_run")
    if x and y and x != y:
        left, right = memo(("pair", run_key, seg_key, x, y, name),
                           lambda: plots.pair_plot(real_view, syn_view[name], x, y, schema, names=("Real", name)))
        a, b = st.columns(2)
        a.plotly_chart(left, key="pair_real")
        b.plotly_chart(right, key="pair_syn")
    else:
        st.caption("Pick two different columns.")

with tab_pca:
    names = list(syn)
    fig = memo(("pca", run_key, seg_key),
               lambda: plots.pca_projection(real_view, [syn_view[n] for n in names], schema, names=("Real", *names)))
    st.plotly_chart(fig, key="pca")
    st.caption("Rows projected on the real data's two main directions. Good: synthetic points cover the "
               "same clouds as real ones, no more and no less.")

with tab_stats:
    def _stats() -> pd.DataFrame:
        parts = {"Real": real_view, **syn_view}
        rows = []
        for column in schema.learned:
            for label, df in parts.items():
                s = df[column]
                row = {"column": column, "data": label, "missing": f"{s.isna().mean():.1%}"}
                if schema[column].kind == Kind.NUMERICAL:
                    d = s.describe()
                    row.update({"mean": d.get("mean"), "std": d.get("std"), "min": d.get("min"),
                                "median": s.median(), "max": d.get("max")})
                else:
                    top = s.value_counts(normalize=True)  # no text conversion: seconds on a million dates
                    row.update({"distinct": len(top),
                                "most common": f"{top.index[0]} ({top.iloc[0]:.0%})" if len(top) else ""})
                rows.append(row)
        return pd.DataFrame(rows)

    st.dataframe(memo(("stats", run_key, seg_key), _stats), hide_index=True, width="stretch", height=420)
