"""One column, real against synthetic: histogram, ECDF, category shares or rows over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synthlab.plots import binning as b
from synthlab.plots.style import REAL, empty_figure, esc, esc_all, finish, run_color, runs
from synthlab.schema import Kind

SHARE = "Share of rows"


def column_overlay(real: pd.Series, synthetic: pd.Series | list[pd.Series], kind: Kind | str,
                   title: str | None = None, names=("Real", "Synthetic")) -> go.Figure:
    """Real vs synthetic distribution of one column, drawn the way its kind reads best.

    Numbers: histogram of shares on shared bins; categories/booleans (and id/pii): grouped bars of
    shares for the top 20 labels plus "(other)" and "(missing)"; datetimes: share of rows per
    day/week/month/year. ``synthetic`` may be a list of series (several runs); ``names`` gives the
    legend names, real first.
    """
    kind = Kind(kind)
    if kind == Kind.NUMERICAL:
        return histogram_overlay(real, synthetic, title, names)
    if kind == Kind.DATETIME:
        return timeline_overlay(real, synthetic, title, names)
    return category_overlay(real, synthetic, title, names)


def _column_name(real: pd.Series) -> str:
    return str(real.name) if getattr(real, "name", None) is not None else "Value"


def _missing_note(fig: go.Figure, series: list[pd.Series], names: list[str]) -> None:
    """Histograms and timelines cannot show missing values as a bar; say how many there are."""
    shares = [b.missing_share(s) for s in series]
    if any(shares):
        text = "Missing: " + ", ".join(f"{esc(n)} {s:.1%}" for n, s in zip(names, shares, strict=True))
        fig.add_annotation(text=text, x=1, y=1.02, xref="paper", yref="paper", xanchor="right",
                           yanchor="bottom", showarrow=False, font={"size": 11})


def histogram_overlay(real: pd.Series, synthetic, title: str | None = None,
                      names=("Real", "Synthetic")) -> go.Figure:
    """Numeric column: share of rows per bin, bins shared by every side."""
    syn, real_name, syn_names = runs(synthetic, names)
    column = _column_name(real)
    title = title if title is not None else f"{column}: distribution"
    values = [b.as_numbers(real)] + [b.as_numbers(s) for s in syn]
    edges = b.numeric_edges(values)
    if edges is None:
        return empty_figure(title, "No values to plot: the column is empty on every side.", column, SHARE)
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    ranges = np.column_stack([edges[:-1], edges[1:]])
    hover = "%{customdata[0]:.4g} to %{customdata[1]:.4g}<br>%{y:.2%}"
    fig = go.Figure()
    fig.add_bar(x=centres, y=b.shares(values[0], edges), width=widths, name=esc(real_name), marker_color=REAL,
                opacity=0.6 if len(syn) == 1 else 0.45, customdata=ranges, hovertemplate=hover)
    for i, (v, name) in enumerate(zip(values[1:], syn_names, strict=True)):
        if len(syn) == 1:
            fig.add_bar(x=centres, y=b.shares(v, edges), width=widths, name=esc(name), marker_color=run_color(i),
                        opacity=0.6, customdata=ranges, hovertemplate=hover)
        else:  # several runs: outlines read better than a stack of translucent bars
            fig.add_scatter(x=centres, y=b.shares(v, edges), mode="lines", line_shape="hvh", name=esc(name),
                            line={"color": run_color(i), "width": 2}, customdata=ranges, hovertemplate=hover)
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_yaxes(tickformat=".0%")
    _missing_note(fig, [real, *syn], [real_name, *syn_names])
    return finish(fig, title, column, SHARE)


def ecdf_overlay(real: pd.Series, synthetic, title: str | None = None,
                 names=("Real", "Synthetic")) -> go.Figure:
    """Numeric (or datetime) column: empirical CDFs, each drawn at <= 512 quantiles.

    The vertical gap between the curves is the Kolmogorov-Smirnov statistic SDMetrics' KSComplement uses.
    """
    syn, real_name, syn_names = runs(synthetic, names)
    column = _column_name(real)
    title = title if title is not None else f"{column}: cumulative distribution"
    dates = b.is_datetime(real)
    fig = go.Figure()
    for i, (s, name) in enumerate(zip([real, *syn], [real_name, *syn_names], strict=True)):
        x, y = b.ecdf_points(b.as_numbers(s, datetime=dates))
        fig.add_scatter(x=b.to_datetimes(x) if dates else x, y=y, mode="lines", line_shape="hv", name=esc(name),
                        line={"color": REAL if i == 0 else run_color(i - 1), "width": 2},
                        hovertemplate="%{x}<br>%{y:.1%} of rows at or below")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    _missing_note(fig, [real, *syn], [real_name, *syn_names])
    return finish(fig, title, column, "Share of rows at or below")


def category_overlay(real: pd.Series, synthetic, title: str | None = None,
                     names=("Real", "Synthetic")) -> go.Figure:
    """Categorical/boolean column: grouped bars of shares (top 20 labels, "(other)", "(missing)")."""
    syn, real_name, syn_names = runs(synthetic, names)
    column = _column_name(real)
    title = title if title is not None else f"{column}: share of each category"
    labels, shares = b.category_shares([real, *syn])
    labels = esc_all(labels)
    fig = go.Figure()
    for i, (y, name) in enumerate(zip(shares, [real_name, *syn_names], strict=True)):
        fig.add_bar(x=labels, y=y, name=esc(name),
                    marker_color=REAL if i == 0 else run_color(i - 1), hovertemplate="%{x}<br>%{y:.2%}")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_yaxes(tickformat=".0%")
    return finish(fig, title, column, SHARE)


def timeline_overlay(real: pd.Series, synthetic, title: str | None = None,
                     names=("Real", "Synthetic")) -> go.Figure:
    """Datetime column: share of rows per period (day/week/month/year picked from the span)."""
    syn, real_name, syn_names = runs(synthetic, names)
    column = _column_name(real)
    values = [b.as_numbers(s, datetime=True) for s in [real, *syn]]
    starts, shares, period = b.period_shares(values)
    title = title if title is not None else f"{column}: rows per {period}"
    if starts.size == 0:
        return empty_figure(title, "No dates to plot: the column is empty on every side.", column, SHARE)
    mode = "lines+markers" if starts.size <= 60 else "lines"
    fig = go.Figure()
    for i, (y, name) in enumerate(zip(shares, [real_name, *syn_names], strict=True)):
        fig.add_scatter(x=starts, y=y, mode=mode, name=esc(name),
                        line={"color": REAL if i == 0 else run_color(i - 1), "width": 2},
                        hovertemplate=f"{period} of %{{x|%Y-%m-%d}}<br>%{{y:.2%}}")
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    _missing_note(fig, [real, *syn], [real_name, *syn_names])
    return finish(fig, title, f"{column} (per {period})", f"Share of rows per {period}")


def missing_bars(table: pd.DataFrame) -> go.Figure:
    """Share of empty cells per column of the real data (``intake.missing_table``: column, share)."""
    if table.empty:
        return empty_figure("Missing values per column", "No columns.", "Share of rows missing", "Column")
    fig = go.Figure(go.Bar(x=table["share"], y=esc_all(table["column"].astype(str)), orientation="h",
                           marker_color=REAL, name="Real",
                           hovertemplate="%{y}: %{x:.1%} missing<extra></extra>"))
    finish(fig, "Missing values per column", "Share of rows missing", "Column", legend=False)
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(260, 22 * len(table) + 120))
    return fig
