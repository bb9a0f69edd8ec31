"""Evaluate: each run's scorecard beside the holdout ceiling, a leaderboard, and drill-downs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.guards import require_dataset, require_finished_runs
from components.page import header
from components.run_data import scorecard
from components.scorecard_view import RATING_MD, SECTIONS, section_view, show_sampling_note
from components.text import md_escape
from synthlab import plots
from synthlab.generators import registry

header("Evaluate", "Every score beside its ceiling: what a fresh real sample (the holdout) scores on the same test.")
ds = require_dataset()
if ds is None:
    st.stop()
runs = require_finished_runs()

reg = registry()
tab_card, tab_board = st.tabs(["Scorecard", "Leaderboard"])

with tab_card:
    by_id = {r.id: r for r in runs}
    rid = st.selectbox("Run", list(by_id), key="synthlab.evaluate_run", format_func=lambda i: by_id[i].name)
    run = by_id[rid]
    card = scorecard(run)
    split = card.get("split", {})
    overall = (card.get("summary") or {}).get("overall", "")
    st.markdown(f"**Overall:** {RATING_MD.get(overall, overall or 'not rated')} · "
                f"{reg[run.generator].label if run.generator in reg else run.generator}, seed {run.seed}, "
                f"{run.n_rows:,} rows")
    st.caption(f"Split: {split.get('train_rows', split.get('n_train', '?'))} train / "
               f"{split.get('holdout_rows', split.get('n_holdout', '?'))} holdout rows, "
               f"{float(split.get('holdout_share', 0.25)):.0%} holdout, seed {split.get('seed', 0)}. "
               "Where a figure depends on sample size, synthetic and holdout use equal-size samples.")
    show_sampling_note(card)
    if run.generator in reg and reg[run.generator].reference:
        st.info("This run is a reference baseline: it shows what a trivial or leaky generator scores.")
    for name in SECTIONS:
        if name in card:
            with st.container(border=True):
                section_view(name, card[name])
                sec = card[name]
                if name == "detection" and sec.get("columns"):
                    imp = pd.Series({c["column"]: c["importance"] for c in sec["columns"]})
                    st.plotly_chart(plots.feature_importance_bar(imp), key="det_imp")
                if name == "utility" and sec.get("models"):
                    st.dataframe(pd.DataFrame(sec["models"]), hide_index=True, width="stretch")
                    st.caption("Each model trained on synthetic (TSTR), on real train (TRTR) and on both "
                               "(augmented), all tested on the real holdout. Good: TSTR close to TRTR.")
                if name == "privacy":
                    compared = sec.get("rows_compared") or {}
                    if compared and (sec.get("exact_copy_share") or {}).get("compared_with"):
                        st.caption(f"Distances compare a seeded subsample: {compared['synthetic']:,} synthetic, "
                                   f"{compared['train']:,} training and {compared['holdout']:,} holdout rows; "
                                   "exact copies are checked against every training row.")
                    hist = (sec.get("dcr") or {}).get("histogram")
                    if hist:
                        st.plotly_chart(plots.dcr_histogram_bins(hist["edges"], hist["synthetic"], hist["holdout"]),
                                        key="dcr")
                        st.caption("Good: the synthetic distribution sits where the holdout's does, not nearer 0.")
                    if sec.get("closest_rows"):
                        with st.expander("Synthetic rows closest to real training rows"):
                            st.dataframe(pd.DataFrame(sec["closest_rows"]), hide_index=True, width="stretch")
                if name == "bias":
                    for attr in sec.get("attributes", []):
                        st.markdown(f"**{md_escape(attr['attribute'])}**")
                        st.dataframe(pd.DataFrame(attr.get("groups", [])), hide_index=True, width="stretch")
                        gap = attr.get("gap_widening") or {}
                        if gap.get("flagged"):
                            st.warning(f"Bias amplification: the gap between groups widens from "
                                       f"{gap.get('gap_real', 0):.3f} to {gap.get('gap_synthetic', 0):.3f}.")
                if name == "validity" and run.rules:
                    st.caption("Business rules: " + md_escape("; ".join(run.rules)))

with tab_board:
    rows = []
    for r in runs:
        f = r.figures
        rows.append({
            "run": r.name,
            "generator": reg[r.generator].label if r.generator in reg else r.generator,
            "reference": bool(r.generator in reg and reg[r.generator].reference),
            **{SECTIONS[k][0]: v for k, v in r.verdicts.items() if k in SECTIONS},
            "pair trends ratio": f.get("fidelity.trend.ratio"),
            "detection AUC": f.get("detection.auc"),
            "TSTR ratio": f.get("utility.tstr.ratio"),
            "closer-to-train share": f.get("privacy.closer_to_train_share"),
            "exact copies": f.get("privacy.exact_copy_share"),
            "seconds": r.duration_s,
        })
    board = pd.DataFrame(rows)
    st.dataframe(board, hide_index=True, width="stretch")
    st.caption("Good: pair trends and TSTR ratios near 1, detection AUC near 0.5, closer-to-train share near 0.5, "
               "exact copies no more than the holdout's own share.")
    scatter = pd.DataFrame({
        "name": [r.name for r in runs],
        "privacy": [r.figures.get("privacy.closer_to_train_share") for r in runs],
        "utility": [r.figures.get("utility.tstr.ratio") for r in runs],
        "generator": [r.generator for r in runs],
    }).dropna()
    if not scatter.empty:
        st.plotly_chart(plots.privacy_utility_scatter(scatter), key="pu")
        st.caption("Best runs sit near privacy 0.5 (no closer to training rows than unseen real rows) and "
                   "utility 1.0 (models trained on them do as well as on real data).")
    else:
        st.caption("Utility needs a target column (set it on the Data page).")
