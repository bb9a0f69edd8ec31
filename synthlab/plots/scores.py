"""Charts of evaluation results: privacy distances, run comparisons, losses, metrics, bias."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synthlab.errors import DataError
from synthlab.plots import binning as b
from synthlab.plots.style import HOLDOUT, REAL, REFERENCE, SYNTHETIC, esc, esc_all, finish, run_color

_MAX_LINE_POINTS = 2_000


def dcr_histograms(syn_to_train: np.ndarray, holdout_to_train: np.ndarray, title: str | None = None,
                   names=("Synthetic", "Holdout")) -> go.Figure:
    """Distance to the closest training record: synthetic rows vs holdout rows, shared bins.

    Holdout rows were never trained on, so their distances are what "new but realistic" looks like;
    synthetic mass piled closer to zero than the holdout's means rows were memorised. Dashed lines
    mark each median.
    """
    title = title if title is not None else "Distance to the closest training record"
    values = [np.asarray(syn_to_train, dtype="float64").ravel(), np.asarray(holdout_to_train, dtype="float64").ravel()]
    edges = b.numeric_edges(values)
    fig = go.Figure()
    if edges is not None:
        centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
        for v, name, colour in zip(values, names, (SYNTHETIC, HOLDOUT), strict=True):
            fig.add_bar(x=centres, y=b.shares(v, edges), width=widths, name=esc(name), marker_color=colour,
                        opacity=0.6, hovertemplate="distance %{x:.3g}<br>%{y:.2%}")
            if b.finite(v).size:
                fig.add_vline(x=float(np.median(b.finite(v))), line={"color": colour, "dash": "dash", "width": 2})
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_yaxes(tickformat=".0%")
    return finish(fig, title, "Distance to the closest training record", "Share of rows")


def privacy_utility_scatter(runs: pd.DataFrame, title: str | None = None) -> go.Figure:
    """One point per run: privacy (closer-to-train share) against utility (TSTR / TRTR ratio).

    Reference lines: privacy 0.5 (synthetic rows no closer to training rows than unseen real rows)
    and utility 1.0 (a model trained on synthetic data does as well as one trained on real data).
    Good runs sit near the crossing; points right of 0.5 leak training rows.
    """
    missing = {"name", "privacy", "utility"} - set(runs.columns)
    if missing:
        raise DataError(f"The runs table lacks the column(s) {', '.join(sorted(missing))}.")
    title = title if title is not None else "Privacy against utility, one point per run"
    generators = runs["generator"].astype(str) if "generator" in runs.columns else pd.Series("run", index=runs.index)
    fig = go.Figure()
    for i, gen in enumerate(pd.unique(generators)):
        part = runs[generators == gen]
        fig.add_scatter(x=part["privacy"], y=part["utility"], mode="markers+text", name=esc(gen),
                        text=esc_all(part["name"]), textposition="top center", cliponaxis=False,
                        marker={"color": run_color(i), "size": 12, "line": {"width": 1, "color": REFERENCE}},
                        hovertemplate="%{text}<br>closer to train: %{x:.3f}<br>utility: %{y:.3f}")
    fig.update_xaxes(range=_around(runs["privacy"], 0.5))
    fig.update_yaxes(range=_around(runs["utility"], 1.0))
    fig.add_vline(x=0.5, line={"color": REFERENCE, "dash": "dash"}, annotation_text="no leak (0.5)",
                  annotation_position="top right")
    fig.add_hline(y=1.0, line={"color": REFERENCE, "dash": "dash"}, annotation_text="as useful as real (1.0)",
                  annotation_position="bottom right")
    finish(fig, title, "Share of synthetic rows closer to train than to holdout (0.5 = no leak)",
           "Utility (synthetic-trained / real-trained)", legend="generator" in runs.columns)
    return fig


def _around(values: pd.Series, reference: float) -> list[float]:
    """Axis range covering the values and the reference line, with a margin for point labels."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    v = np.append(v[np.isfinite(v)], reference)
    pad = max(0.02, 0.1 * float(v.max() - v.min()))
    return [float(v.min()) - pad, float(v.max()) + pad]


def _thin(df: pd.DataFrame) -> pd.DataFrame:
    """Every k-th row so a long run's line keeps at most ~2,000 points (the last row always kept)."""
    if len(df) <= _MAX_LINE_POINTS:
        return df
    step = int(np.ceil(len(df) / _MAX_LINE_POINTS))
    keep = np.unique(np.r_[np.arange(0, len(df), step), len(df) - 1])
    return df.iloc[keep]


def metric_over_steps(df: pd.DataFrame, x: str, ys: str | Sequence[str], title: str,
                      y_title: str | None = None) -> go.Figure:
    """Lines of one or more columns against ``x`` (epochs, generations, experiment steps)."""
    ys = [ys] if isinstance(ys, str) else list(ys)
    for c in [x, *ys]:
        if c not in df.columns:
            raise DataError(f"The table has no column '{c}' to plot.")
    data = _thin(df.sort_values(x, kind="stable"))
    mode = "lines+markers" if len(data) <= 50 else "lines"
    fig = go.Figure()
    for i, y in enumerate(ys):
        fig.add_scatter(x=data[x], y=data[y], mode=mode, name=esc(y), line={"color": run_color(i), "width": 2})
    return finish(fig, title, str(x), y_title if y_title is not None else (str(ys[0]) if len(ys) == 1 else "Value"),
                  legend=len(ys) > 1)


def loss_chart(losses: pd.DataFrame, title: str = "Training loss") -> go.Figure:
    """Live loss curves of a neural generator: one line per loss column against ``epoch``."""
    if "epoch" not in losses.columns:
        raise DataError("The loss table needs an 'epoch' column.")
    cols = [c for c in losses.columns if c != "epoch" and pd.api.types.is_numeric_dtype(losses[c])]
    fig = metric_over_steps(losses, "epoch", cols, title, y_title="Loss")
    fig.update_layout(showlegend=True)
    return fig


def feature_importance_bar(importances: pd.Series, title: str = "Columns that give synthetic rows away",
                           top: int = 20) -> go.Figure:
    """Horizontal bars, largest at the top: which columns a real-vs-synthetic classifier relied on."""
    values = pd.Series(importances, dtype="float64").dropna().sort_values(ascending=False).head(top)
    labels = esc_all(values.index)
    fig = go.Figure(go.Bar(x=values.to_numpy(), y=labels, orientation="h", marker_color=SYNTHETIC,
                           name="Importance", hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels, autorange="reversed")
    return finish(fig, title, "Importance", "Column", legend=False)


def metric_bars(values: Mapping[str, float], ceilings: Mapping[str, float], title: str,
                names=("Synthetic", "Holdout")) -> go.Figure:
    """Each metric for the synthetic data next to its holdout ceiling (real unseen data scored the
    same way): the gap is what the generator loses against real data."""
    metrics = list(values) + [m for m in ceilings if m not in values]

    def get(d: Mapping[str, float], m: str) -> float:
        v = d.get(m)
        return float(v) if v is not None else float("nan")

    fig = go.Figure()
    for d, name, colour in zip((values, ceilings), names, (SYNTHETIC, HOLDOUT), strict=True):
        fig.add_bar(x=esc_all(metrics), y=[get(d, m) for m in metrics], name=esc(name),
                    marker_color=colour, hovertemplate="%{x}: %{y:.3f}")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return finish(fig, title, "Metric", "Score")


def _rates(rates: pd.Series | pd.DataFrame, group: str, rate: str, attribute: str) -> pd.DataFrame:
    if isinstance(rates, pd.Series):
        rates = pd.DataFrame({group: rates.index, rate: rates.to_numpy()})
    missing = {group, rate} - set(rates.columns)
    if missing:
        raise DataError(f"The group rates table lacks the column(s) {', '.join(sorted(missing))}.")
    out = pd.DataFrame({"group": rates[group].astype(str), "rate": rates[rate].astype("float64")})
    out["attribute"] = rates[attribute].astype(str) if attribute in rates.columns else ""
    return out


def group_rates(real_rates: pd.Series | pd.DataFrame, syn_rates: pd.Series | pd.DataFrame,
                title: str = "Target rate per group", group: str = "group", rate: str = "rate",
                attribute: str = "attribute", rate_title: str = "Target rate",
                names=("Real", "Synthetic")) -> go.Figure:
    """Grouped bars of the target rate per group, real vs synthetic (the bias table as a chart).

    Each table is a Series (index = group) or a frame with ``group`` and ``rate`` columns, and
    optionally ``attribute`` (the sensitive column a group belongs to, for several attributes at once:
    the x axis then shows attribute and group on two levels).
    """
    real, syn = _rates(real_rates, group, rate, attribute), _rates(syn_rates, group, rate, attribute)
    keys = list(dict.fromkeys(zip(real["attribute"], real["group"], strict=True)))
    keys += [k for k in dict.fromkeys(zip(syn["attribute"], syn["group"], strict=True)) if k not in set(keys)]
    two_levels = any(a for a, _ in keys)
    fig = go.Figure()
    for frame, name, colour in zip((real, syn), names, (REAL, SYNTHETIC), strict=True):
        lookup = dict(zip(zip(frame["attribute"], frame["group"], strict=True), frame["rate"], strict=True))
        y = [lookup.get(k, float("nan")) for k in keys]
        x = [esc_all(a for a, _ in keys), esc_all(g for _, g in keys)] if two_levels else esc_all(g for _, g in keys)
        fig.add_bar(x=x, y=y, name=esc(name), marker_color=colour, hovertemplate="%{x}: %{y:.3f}")
    fig.update_layout(barmode="group")
    if not two_levels:
        fig.update_xaxes(type="category")
    return finish(fig, title, "Group", rate_title)


def dcr_histogram_bins(edges: Sequence[float], synthetic: Sequence[float], holdout: Sequence[float],
                       title: str | None = None, names=("Synthetic", "Holdout")) -> go.Figure:
    """:func:`dcr_histograms` from pre-binned shares (as a stored scorecard keeps them)."""
    e = np.asarray(edges, dtype="float64")
    fig = go.Figure()
    if e.size >= 2:
        centres, widths = (e[:-1] + e[1:]) / 2, np.diff(e)
        for shares, name, colour in zip((synthetic, holdout), names, (SYNTHETIC, HOLDOUT), strict=True):
            fig.add_bar(x=centres, y=np.asarray(shares, dtype="float64"), width=widths, name=esc(name),
                        marker_color=colour, opacity=0.6, hovertemplate="distance %{x:.3g}<br>%{y:.2%}")
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_yaxes(tickformat=".0%")
    return finish(fig, title or "Distance to the closest training record", "Distance to the closest training record",
                  "Share of rows")
