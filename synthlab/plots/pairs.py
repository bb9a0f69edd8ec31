"""Two columns together, real and synthetic side by side on identical axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synthlab.errors import SchemaError
from synthlab.plots import binning as b
from synthlab.plots.style import REAL, SEQUENTIAL, esc, esc_all, finish, run_color
from synthlab.schema import Kind, Schema

NUMERIC_KINDS = (Kind.NUMERICAL, Kind.DATETIME)
PAIR_BINS = 40
_NS_PER_DAY = 86_400e9


def pair_plot(real_df: pd.DataFrame, synthetic_df: pd.DataFrame, x: str, y: str, schema: Schema,
              names=("Real", "Synthetic"), bins: int = PAIR_BINS) -> tuple[go.Figure, go.Figure]:
    """(real, synthetic) figures of ``x`` against ``y`` with the same axes and colour range.

    number x number: 2-D histogram of shares (empty cells blank); category x category: contingency
    table of shares (top 20 labels each); number x category: box per category (quartiles and
    1.5 IQR whiskers computed here; outliers are not drawn). Dates count as numbers.
    """
    for c in (x, y):
        if c not in real_df.columns or c not in synthetic_df.columns:
            raise SchemaError(f"The column '{c}' is not in both tables, so it cannot be plotted.")
    real_name, syn_name = (list(names) + ["Real", "Synthetic"][len(names):])[:2]
    frames = (real_df, synthetic_df)
    x_num, y_num = schema[x].kind in NUMERIC_KINDS, schema[y].kind in NUMERIC_KINDS
    if x_num and y_num:
        figs = _density(frames, x, y, schema, bins)
    elif not x_num and not y_num:
        figs = _contingency(frames, x, y)
    else:
        figs = _boxes(frames, x, y, schema, horizontal=x_num)
    for fig, name in zip(figs, (real_name, syn_name), strict=True):
        finish(fig, f"{name}: {x} and {y}", x, y, legend=False)
    return figs


def _axis_values(centres: np.ndarray, edges: np.ndarray, dates: bool) -> tuple[np.ndarray, list]:
    if dates:
        return b.to_datetimes(centres), list(b.to_datetimes(edges[[0, -1]]))
    return centres, [float(edges[0]), float(edges[-1])]


def _density(frames, x, y, schema, bins) -> tuple[go.Figure, go.Figure]:
    xd, yd = schema[x].kind == Kind.DATETIME, schema[y].kind == Kind.DATETIME
    xs = [b.as_numbers(f[x], datetime=xd) for f in frames]
    ys = [b.as_numbers(f[y], datetime=yd) for f in frames]
    ok = [np.isfinite(a) & np.isfinite(c) for a, c in zip(xs, ys, strict=True)]
    ex = b.numeric_edges([a[m] for a, m in zip(xs, ok, strict=True)], bins)
    ey = b.numeric_edges([c[m] for c, m in zip(ys, ok, strict=True)], bins)
    if ex is None or ey is None:
        return go.Figure(), go.Figure()
    grids = []
    for a, c, m in zip(xs, ys, ok, strict=True):
        h = np.histogram2d(a[m], c[m], bins=[ex, ey])[0] / max(int(m.sum()), 1)
        grids.append(np.where(h > 0, h, np.nan).T)  # rows = y bins; empty cells stay transparent
    zmax = max([float(np.nanmax(g)) for g in grids if np.isfinite(g).any()] or [1.0])
    cx, rx = _axis_values((ex[:-1] + ex[1:]) / 2, ex, xd)
    cy, ry = _axis_values((ey[:-1] + ey[1:]) / 2, ey, yd)
    figs = []
    for g in grids:
        fig = go.Figure(go.Heatmap(z=g, x=cx, y=cy, colorscale=SEQUENTIAL, zmin=0, zmax=zmax,
                                   colorbar={"title": {"text": "Share of rows"}, "tickformat": ".1%"},
                                   hovertemplate="%{x}, %{y}: %{z:.2%}<extra></extra>"))
        fig.update_xaxes(range=rx)
        fig.update_yaxes(range=ry)
        figs.append(fig)
    return figs[0], figs[1]


def _contingency(frames, x, y) -> tuple[go.Figure, go.Figure]:
    sx, sy = [b.labelled(f[x]) for f in frames], [b.labelled(f[y]) for f in frames]
    lx, ly = b.top_labels(sx), b.top_labels(sy)
    grids = []
    for f, x_side, y_side in zip(frames, sx, sy, strict=True):
        cx, cy = b.codes_for(x_side, lx), b.codes_for(y_side, ly)
        ok = (cx >= 0) & (cy >= 0)
        counts = np.bincount(cy[ok] * len(lx) + cx[ok], minlength=len(lx) * len(ly)).reshape(len(ly), len(lx))
        share = counts / max(len(f), 1)
        grids.append(np.where(share > 0, share, np.nan))
    zmax = max([float(np.nanmax(g)) for g in grids if np.isfinite(g).any()] or [1.0])
    lx, ly = esc_all(lx), esc_all(ly)
    figs = []
    for g in grids:
        fig = go.Figure(go.Heatmap(z=g, x=lx, y=ly, colorscale=SEQUENTIAL, zmin=0, zmax=zmax, xgap=1, ygap=1,
                                   colorbar={"title": {"text": "Share of rows"}, "tickformat": ".1%"},
                                   hovertemplate="%{x}, %{y}: %{z:.2%}<extra></extra>"))
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=lx)
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=ly)
        figs.append(fig)
    return figs[0], figs[1]


def _iso(values) -> list[str]:
    """Nanosecond floats as ISO timestamps: what a date axis reads from precomputed boxes."""
    return [str(pd.Timestamp(v)) for v in b.to_datetimes(np.asarray(values, dtype="float64"))]


def _box_stats(values: np.ndarray) -> dict[str, float]:
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    iqr = q3 - q1
    return {"q1": q1, "median": median, "q3": q3, "mean": float(values.mean()),
            "lowerfence": float(values[values >= q1 - 1.5 * iqr].min()),
            "upperfence": float(values[values <= q3 + 1.5 * iqr].max())}


def _boxes(frames, x, y, schema, horizontal: bool) -> tuple[go.Figure, go.Figure]:
    cat, num = (y, x) if horizontal else (x, y)
    dates = schema[num].kind == Kind.DATETIME
    sides = [b.labelled(f[cat]) for f in frames]
    labels = b.top_labels(sides)
    stats = []
    for f, side in zip(frames, sides, strict=True):
        codes, values = b.codes_for(side, labels), b.as_numbers(f[num], datetime=dates)
        ok = np.isfinite(values)
        codes, values = codes[ok], values[ok]
        per = {}
        for i, label in enumerate(labels):
            v = values[codes == i]
            if v.size:
                per[label] = _box_stats(v)
        stats.append(per)
    lows = [s["lowerfence"] for per in stats for s in per.values()]
    highs = [s["upperfence"] for per in stats for s in per.values()]
    span = None
    if lows:
        pad = (max(highs) - min(lows)) * 0.05 or (_NS_PER_DAY if dates else 0.5)
        span = [min(lows) - pad, max(highs) + pad]
    figs = []
    shown = esc_all(labels)
    for i, per in enumerate(stats):
        cats = esc_all(per)
        q = {k: [s[k] for s in per.values()] for k in ("q1", "median", "q3", "mean", "lowerfence", "upperfence")}
        if dates:
            q = {k: _iso(v) for k, v in q.items()}
        colour = REAL if i == 0 else run_color(0)
        fig = go.Figure(go.Box(**{"y" if horizontal else "x": cats}, **q, orientation="h" if horizontal else "v",
                               marker_color=colour, boxpoints=False, name=esc(x)))
        cat_axis, num_axis = (fig.update_yaxes, fig.update_xaxes) if horizontal else (fig.update_xaxes, fig.update_yaxes)
        cat_axis(type="category", categoryorder="array", categoryarray=shown)
        if dates:
            num_axis(type="date")
        if span is not None:
            num_axis(range=_iso(span) if dates else span)
        figs.append(fig)
    return figs[0], figs[1]
