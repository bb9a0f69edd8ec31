"""Charts of experiment results: per-group figures by condition, seed-to-seed spread, reference lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synthlab.errors import DataError
from synthlab.plots.style import REAL, REFERENCE, esc, esc_all, finish, run_color


def condition_bars(df: pd.DataFrame, x: str, y: str, condition: str, title: str, y_title: str | None = None,
                   colors: Mapping[str, str] | None = None) -> go.Figure:
    """Grouped bars of ``y`` per ``x`` category, one bar colour per ``condition`` (e.g. recall per group,
    for models trained on real, synthetic and boosted rows). ``colors`` fixes a colour per condition."""
    for c in (x, y, condition):
        if c not in df.columns:
            raise DataError(f"The table has no column '{c}' to plot.")
    cats = list(dict.fromkeys(df[x].astype(str)))
    fig = go.Figure()
    for i, (cond, part) in enumerate(df.groupby(condition, sort=False)):
        lookup = dict(zip(part[x].astype(str), pd.to_numeric(part[y], errors="coerce"), strict=True))
        colour = (colors or {}).get(str(cond), run_color(i))
        fig.add_bar(x=esc_all(cats), y=[lookup.get(c, np.nan) for c in cats], name=esc(cond),
                    marker_color=colour, hovertemplate="%{x}: %{y:.3f}")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return finish(fig, title, str(x), y_title if y_title is not None else str(y))


def seed_deviations(table: pd.DataFrame, figures: Sequence[str], title: str,
                    labels: Mapping[str, str] | None = None, seed: str = "seed") -> go.Figure:
    """Each figure's value per seed minus its mean across seeds, one row of dots per figure: figures on
    different scales side by side, and the width of each row is its seed-to-seed spread."""
    missing = [c for c in [seed, *figures] if c not in table.columns]
    if missing:
        raise DataError(f"The table has no column(s) {', '.join(missing)} to plot.")
    names = [(labels or {}).get(f, f) for f in figures]
    fig = go.Figure()
    for i, (_, row) in enumerate(table.iterrows()):
        dev = [float(row[f]) - float(pd.to_numeric(table[f], errors="coerce").mean())
               if pd.notna(row[f]) else np.nan for f in figures]
        fig.add_scatter(x=dev, y=esc_all(names), mode="markers", name=esc(f"seed {row[seed]}"),
                        marker={"color": run_color(i), "size": 10, "opacity": 0.85},
                        hovertemplate="%{y}: %{x:+.4f}<extra></extra>")
    fig.add_vline(x=0.0, line={"color": REFERENCE, "dash": "dot"})
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=esc_all(names), autorange="reversed")
    fig.update_layout(height=max(300, 28 * len(figures) + 120))
    return finish(fig, title, "Difference from the mean across seeds", "Figure")


def add_reference(fig: go.Figure, y: float | None, label: str) -> go.Figure:
    """A dotted horizontal line at ``y`` (e.g. the real holdout's level), labelled; nothing when missing."""
    if y is None or not np.isfinite(float(y)):
        return fig
    fig.add_hline(y=float(y), line={"color": REAL, "dash": "dot"}, annotation_text=esc(label),
                  annotation_position="bottom right")
    return fig
