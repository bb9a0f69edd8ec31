"""Colours and layout shared by every SynthLab chart.

Charts are shown on Streamlit's light and dark themes and in the HTML report, so nothing here fixes a
background or a font colour: backgrounds stay transparent and the template decides the text colour.
The palette is mid-luminance (Vega/Tableau 10), readable on both white and near-black.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

REAL = "#4C78A8"  # blue
SYNTHETIC = "#F58518"  # orange
HOLDOUT = "#54A24B"  # green
# Several runs side by side: the first run keeps the synthetic orange; blue and green stay reserved
# for real and holdout data so a run is never mistaken for them.
RUN_COLORS: tuple[str, ...] = (
    SYNTHETIC, "#E45756", "#72B7B2", "#B279A2", "#EECA3B", "#9D755D", "#FF9DA6", "#BAB0AC",
)
# Diverging scale for associations and their differences: red (negative) - grey (0) - blue (positive).
# A grey centre, not white, so "no difference" reads as neutral on dark backgrounds too.
DIVERGING: tuple[tuple[float, str], ...] = (
    (0.0, "#CA0020"), (0.25, "#E7857A"), (0.5, "#A6A6A6"), (0.75, "#7FA7D0"), (1.0, "#0571B0"),
)
SEQUENTIAL = "Viridis"  # densities and contingency shares; empty cells are left blank (transparent)
GRID = "rgba(128, 128, 128, 0.25)"
REFERENCE = "rgba(128, 128, 128, 0.9)"  # reference lines (0.5, 1.0, medians)
TRANSPARENT = "rgba(0, 0, 0, 0)"


def run_color(i: int) -> str:
    """Colour of the i-th synthetic run (0 = the synthetic orange)."""
    return RUN_COLORS[i % len(RUN_COLORS)]


def esc(text: object) -> str:
    """A user string (column or run name) made safe for plotly's pseudo-HTML labels.

    Plotly renders ``<b>``, ``<br>``, ``<a>`` in titles and legends; escaping keeps a column called
    ``<b>x`` literal. Plotly decodes the entities back, so the label reads exactly as typed.
    """
    return html.escape(str(text), quote=False)


def esc_all(labels) -> list[str]:
    """:func:`esc` for each label of a category axis (plotly decodes the entities when drawing)."""
    return [esc(label) for label in labels]


def diverging() -> list[list]:
    """:data:`DIVERGING` in the list form plotly expects (a fresh list: no shared mutable state)."""
    return [[pos, colour] for pos, colour in DIVERGING]


def finish(fig: go.Figure, title: str, x_title: str, y_title: str, *, legend: bool = True) -> go.Figure:
    """Title, axis titles (plain text, escaped here) and theme-neutral styling every chart gets."""
    fig.update_layout(
        title={"text": esc(title)},
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
        showlegend=legend,
        legend={"title": {"text": ""}},
    )
    fig.update_xaxes(title_text=esc(x_title), gridcolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(title_text=esc(y_title), gridcolor=GRID, zerolinecolor=GRID)
    return fig


def empty_figure(title: str, message: str, x_title: str = "", y_title: str = "") -> go.Figure:
    """A chart that says why there is nothing to draw, instead of an error or a blank frame."""
    fig = go.Figure()
    fig.add_annotation(text=esc(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    finish(fig, title, x_title, y_title, legend=False)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    return fig


def runs(synthetic, names) -> tuple[list, str, list[str]]:
    """Normalise ``synthetic`` (one series/frame or a list of them) and ``names`` (real first).

    Returns (synthetic list, real name, one name per synthetic run); missing names are filled in.
    """
    syn = list(synthetic) if isinstance(synthetic, list | tuple) else [synthetic]
    names = [str(n) for n in names] if names is not None else []
    real_name = names[0] if names else "Real"
    given = names[1:]
    if len(syn) == 1:
        syn_names = given[:1] or ["Synthetic"]
    else:
        syn_names = [given[i] if i < len(given) else f"Synthetic {i + 1}" for i in range(len(syn))]
    return syn, real_name, syn_names
