"""Showing an experiment's result: findings, charts (each with what good looks like), the table, downloads.

User strings (column names, values) reach the page only as table data, escaped chart labels, or
markdown-escaped text, never as markup.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from components import state
from components.text import md_escape
from synthlab import plots
from synthlab.experiments import ExperimentResult
from synthlab.experiments.seeds import figure_columns


def chart(fig, good: str, key: str) -> None:
    st.plotly_chart(fig, theme="streamlit", key=key)
    st.caption(f"What good looks like: {good}")


def show_result(result: ExperimentResult, dataset_name: str | None = None) -> None:
    """The whole result view of one experiment."""
    st.subheader("Findings")
    if dataset_name:
        st.caption("On the dataset " + md_escape(dataset_name) + f", in {result.seconds:,.0f} s.")
    st.markdown("\n".join(f"- {md_escape(line)}" for line in result.summary) or "No findings.")
    for note in result.notes:
        st.info(md_escape(note))
    st.subheader("Charts")
    {"collapse": _collapse, "balance": _balance, "rare": _rare, "seeds": _seeds}[result.name](result)
    st.subheader("Results table")
    st.dataframe(result.table, hide_index=True, width="stretch")
    if result.columns:
        with st.expander("What each column means"):
            st.dataframe(pd.DataFrame({"column": list(result.columns), "meaning": list(result.columns.values())}),
                         hide_index=True, width="stretch")
    c1, c2 = st.columns(2)
    c1.download_button("Download table (CSV)", result.table.to_csv(index=False).encode("utf-8"),
                       file_name=f"experiment_{result.name}.csv", mime="text/csv",
                       key=f"{state.EXPERIMENT_OPTION}.{result.name}.csv")
    c2.download_button("Download full result (JSON)",
                       json.dumps(result.to_dict(), indent=2, allow_nan=False).encode("utf-8"),
                       file_name=f"experiment_{result.name}.json", mime="application/json",
                       key=f"{state.EXPERIMENT_OPTION}.{result.name}.json")
    with st.expander("Settings (to run it again, also from the command line)"):
        st.json(result.to_dict()["settings"])


# ----- per experiment ---------------------------------------------------------------------------------------
def _collapse(result: ExperimentResult) -> None:
    t = result.table
    ref = t.iloc[0]
    fig = plots.metric_over_steps(t, "generation", ["fidelity", "column_shapes", "pair_trends"],
                                  "Fidelity per generation", y_title="Score (1 = like the real train)")
    chart(fig, "flat lines at generation 0's level (the real holdout); a fall means each generation loses "
               "structure it learned from the one before.", "exp-collapse-fidelity")
    fig = plots.add_reference(plots.metric_over_steps(t, "generation", "detection_auc", "Detection AUC per generation",
                                                      y_title="ROC AUC"), 0.5, "0.5: indistinguishable")
    chart(fig, "close to 0.5 throughout; a rising line means later generations are easier to tell from real rows.",
          "exp-collapse-detection")
    fig = plots.metric_over_steps(t, "generation", ["tail_coverage", "rare_survival"],
                                  "Tails and rare categories per generation", y_title="Share kept")
    chart(fig, "both near 1 and near generation 0's level; a fall means extremes and rare categories are being "
               "forgotten, the first signs of collapse.", "exp-collapse-tails")
    if "utility" in t.columns:
        fig = plots.add_reference(plots.metric_over_steps(t, "generation", "utility", "Utility per generation",
                                                          y_title=str(result.settings.get("options", {}).get("score") or "Score")),
                                  ref["utility"], "trained on real rows")
        chart(fig, "at the level of a model trained on real rows (generation 0); a fall means models learn less "
                   "from each later generation.", "exp-collapse-utility")
    fig = plots.add_reference(plots.metric_over_steps(t, "generation", "exact_copies", "Exact copies of real rows",
                                                      y_title="Share of rows"),
                              ref["exact_copies"], "a fresh real sample")
    chart(fig, "near generation 0 (how often a fresh real sample repeats a training row); higher means real rows "
               "are being copied.", "exp-collapse-copies")


def _balance(result: ExperimentResult) -> None:
    t = result.table
    score = str(result.settings.get("options", {}).get("score", "Score"))
    ratio = t[t["part"] == "ratio"]
    if len(ratio):
        df = pd.DataFrame({"synthetic rows per real row": ratio["ratio"],
                           "real + synthetic": ratio["score_with_synthetic"], "real only": ratio["score_real_only"]})
        fig = plots.metric_over_steps(df, "synthetic rows per real row", ["real + synthetic", "real only"],
                                      "Adding synthetic rows to all real rows", y_title=f"{score} on the real holdout")
        chart(fig, "the real + synthetic line at or above the real-only line; where it drops below by more than "
                   "the noise, synthetic rows start to hurt.", "exp-balance-ratio")
    scarce = t[t["part"] == "scarcity"]
    if len(scarce):
        df = pd.DataFrame({"share of real train rows": scarce["real_fraction"],
                           "real only": scarce["score_real_only"],
                           "real + synthetic fill": scarce["score_with_synthetic"]})
        fig = plots.metric_over_steps(df, "share of real train rows", ["real + synthetic fill", "real only"],
                                      "Scarce real data, with and without synthetic fill",
                                      y_title=f"{score} on the real holdout")
        fig.update_xaxes(tickformat=".0%")
        chart(fig, "the fill line above the real-only line where real rows are scarce: there synthetic fill helps; "
                   "the gap usually closes as more real rows are kept.", "exp-balance-scarcity")


_RARE_METRICS = {
    "group_share": "the boosted group reaches the target share in the boosted sets; the others shrink in step.",
    "recall": "higher for the boosted group after boosting, without falling for the other groups.",
    "precision": "not much lower after boosting: boosting a group tends to add false positives in it.",
    "brier": "low and not much higher after boosting: the predicted probabilities stay honest.",
    "ece": "close to 0: predicted probabilities match observed rates in every group.",
    "mae": "low, and not higher for one group than for the others.",
    "mean_error": "close to 0 in every group: no group systematically over- or under-predicted.",
}
_CONDITION_COLORS = {"real": plots.REAL, "synthetic": plots.SYNTHETIC, "boosted synthetic": plots.RUN_COLORS[1],
                     "real + boosted": plots.RUN_COLORS[2]}


def _rare(result: ExperimentResult) -> None:
    t = result.table
    options = result.settings.get("options", {})
    column, value, share = options.get("column"), options.get("value"), options.get("share")
    overall = t[t["attribute"] == "(all)"]
    fig = plots.add_reference(plots.condition_bars(overall, "condition", "boosted_share", "condition",
                                                   "Share of the boosted value in each training set",
                                                   y_title="Share of rows", colors=_CONDITION_COLORS),
                              share, "target share")
    chart(fig, "the boosted sets reach the target share (dotted line); the real set shows where you started.",
          "exp-rare-share")
    metrics = [m for m in _RARE_METRICS if m in t.columns]
    if len(metrics) > 1:  # per-group model figures first, the group shares last
        metrics = [*metrics[1:], metrics[0]]
    if metrics:
        attrs = list(dict.fromkeys(t["attribute"]))
        default = attrs.index(column) if column in attrs else 0
        c1, c2 = st.columns(2)
        attr = c1.selectbox("Groups of", attrs, index=default, key=state.experiment_key("rare", "view_attribute"))
        metric = c2.selectbox("Figure", metrics, key=state.experiment_key("rare", "view_metric"))
        part = t[t["attribute"] == attr]
        fig = plots.condition_bars(part, "group", metric, "condition", f"{metric} per group of {attr}",
                                   y_title=metric, colors=_CONDITION_COLORS)
        chart(fig, _RARE_METRICS[metric], "exp-rare-groups")
        if column is not None:
            st.caption("The boosted value is " + md_escape(value) + " in " + md_escape(column) + ".")
    figures = result.extra.get("bias_figures")
    if isinstance(figures, pd.DataFrame) and len(figures) and "gap_synthetic" in figures.columns:
        first = figures.drop_duplicates("attribute")
        rows = [pd.DataFrame({"condition": "real train", "attribute": first["attribute"], "gap": first["gap_real"]}),
                pd.DataFrame({"condition": "real holdout", "attribute": first["attribute"],
                              "gap": first["gap_holdout"]})]
        rows += [pd.DataFrame({"condition": figures["condition"], "attribute": figures["attribute"],
                               "gap": figures["gap_synthetic"]})]
        gaps = pd.concat(rows, ignore_index=True)
        colors = {**_CONDITION_COLORS, "real train": plots.REAL, "real holdout": plots.HOLDOUT}
        fig = plots.condition_bars(gaps, "attribute", "gap", "condition",
                                   "Gap in target rate between groups (the bias section)",
                                   y_title="Largest difference in target rate", colors=colors)
        chart(fig, "each training set's gap close to the real train's and the holdout's: boosting did not widen "
                   "the differences between groups.", "exp-rare-gaps")
    if isinstance(figures, pd.DataFrame) and len(figures):
        with st.expander("The bias section's figures for each training set"):
            st.dataframe(figures, hide_index=True, width="stretch")
            groups = result.extra.get("bias_groups")
            if isinstance(groups, pd.DataFrame) and len(groups):
                st.dataframe(groups, hide_index=True, width="stretch")


def _seeds(result: ExperimentResult) -> None:
    t = result.table
    spread = result.extra.get("spread")
    cols = figure_columns(t)
    labels = dict(zip(spread["figure"], spread["label"], strict=True)) if isinstance(spread, pd.DataFrame) \
        and "label" in spread.columns else {}
    if cols:
        fig = plots.seed_deviations(t, cols, "Seed-to-seed spread of every headline figure", labels=labels)
        chart(fig, "narrow rows: a figure that barely moves with the seed. Compare a difference between two runs "
                   "with the width of its row before calling it real.", "exp-seeds-spread")
    if isinstance(spread, pd.DataFrame) and len(spread):
        st.dataframe(spread, hide_index=True, width="stretch")
