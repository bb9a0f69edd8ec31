"""How strongly columns go together, real vs synthetic: the association matrix and its heatmaps.

One measure per pair of kinds, each in [0, 1] or [-1, 1] so a single colour scale fits all:

* number/date x number/date: Spearman rank correlation (signed). Spearman rather than Pearson
  because it is not dominated by outliers and catches any monotonic relation, which is what a
  user checks by eye; it is computed on pairwise-complete rows.
* category/boolean x category/boolean: bias-corrected Cramér's V (unsigned; the top 50 labels, the
  rest pooled, missing as its own label).
* number/date x category/boolean: correlation ratio eta (unsigned): how much of the number's
  variance the category explains.

The matrix is computed on a seeded sample of at most 20,000 rows per side (standard error of a
correlation there is below 0.01), so a million-row table costs the same as a small one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synthlab.plots import binning as b
from synthlab.plots.style import diverging, empty_figure, esc, esc_all, finish
from synthlab.schema import Kind, Schema

NUMERIC_KINDS = (Kind.NUMERICAL, Kind.DATETIME)
_ASSOC_LABELS = 50
_TEXT_UP_TO = 15  # write the value in each cell up to this many columns


def cramers_v(a: np.ndarray, b_: np.ndarray, ka: int, kb: int) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013) of two code arrays (0..ka-1, 0..kb-1).

    The correction matters here: plain V rises on small samples, so a smaller synthetic table would
    look more associated than the real one. NaN when either side has a single label.
    """
    table = np.bincount(a * kb + b_, minlength=ka * kb).reshape(ka, kb).astype("float64")
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    r, c = table.shape
    n = table.sum()
    if min(r, c) < 2 or n < 2:
        return float("nan")
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    phi2 = float(((table - expected) ** 2 / expected).sum()) / n
    phi2 = max(0.0, phi2 - (r - 1) * (c - 1) / (n - 1))
    r_corr, c_corr = r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)
    denom = min(r_corr - 1, c_corr - 1)
    if denom <= 0:
        return float("nan")
    return float(np.clip(np.sqrt(phi2 / denom), 0.0, 1.0))


def correlation_ratio(codes: np.ndarray, k: int, values: np.ndarray) -> float:
    """Correlation ratio eta of a number on a category; NaN when the number is constant or absent."""
    ok = np.isfinite(values)
    codes, values = codes[ok], values[ok]
    if values.size < 2:
        return float("nan")
    total = float(((values - values.mean()) ** 2).sum())
    if total <= 0:
        return float("nan")
    counts = np.bincount(codes, minlength=k)
    sums = np.bincount(codes, weights=values, minlength=k)
    used = counts > 0
    means = sums[used] / counts[used]
    between = float((counts[used] * (means - values.mean()) ** 2).sum())
    return float(np.sqrt(np.clip(between / total, 0.0, 1.0)))


def association_matrix(df: pd.DataFrame, schema: Schema, columns: list[str] | None = None,
                       max_rows: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """Square frame of pairwise associations over ``columns`` (default: learned columns in ``df``).

    See the module docstring for the measure used per pair of kinds. The diagonal is 1; a pair
    involving a constant column is NaN.
    """
    cols = list(columns) if columns is not None else [c for c in schema.learned if c in df.columns]
    df = b.subsample(df, max_rows, seed)
    numeric = [c for c in cols if schema[c].kind in NUMERIC_KINDS]
    out = pd.DataFrame(np.nan, index=cols, columns=cols, dtype="float64")
    nums = pd.DataFrame({c: b.as_numbers(df[c], datetime=schema[c].kind == Kind.DATETIME) for c in numeric})
    if numeric:
        out.loc[numeric, numeric] = nums.corr(method="spearman", min_periods=3).to_numpy()
    codes = {}
    for c in cols:
        if c not in numeric:
            side = b.labelled(df[c])
            labels = b.top_labels([side], top=_ASSOC_LABELS)
            codes[c] = (b.codes_for(side, labels), len(labels))
    for i, c1 in enumerate(cols):
        for c2 in cols[i + 1:]:
            if c1 in codes and c2 in codes:
                value = cramers_v(codes[c1][0], codes[c2][0], codes[c1][1], codes[c2][1])
            elif c1 in codes or c2 in codes:
                cat, num = (c1, c2) if c1 in codes else (c2, c1)
                value = correlation_ratio(codes[cat][0], codes[cat][1], nums[num].to_numpy())
            else:
                continue
            out.loc[c1, c2] = out.loc[c2, c1] = value
    for c in cols:
        out.loc[c, c] = 1.0
    return out


def _heatmap(matrix: pd.DataFrame, title: str, colorbar: str) -> go.Figure:
    labels = esc_all(matrix.columns)
    z = matrix.to_numpy(dtype="float64")
    cell = {"texttemplate": "%{z:.2f}"} if len(labels) <= _TEXT_UP_TO else {}
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=labels, colorscale=diverging(), zmin=-1, zmax=1, xgap=1, ygap=1,
        colorbar={"title": {"text": esc(colorbar)}}, hovertemplate="%{y} and %{x}: %{z:.2f}<extra></extra>", **cell,
    ))
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    return finish(fig, title, "Column", "Column", legend=False)


def correlation_heatmaps(real_df: pd.DataFrame, synthetic_df: pd.DataFrame, schema: Schema, seed: int = 0,
                         names=("Real", "Synthetic"), max_rows: int = 20_000) -> tuple[go.Figure, go.Figure, go.Figure]:
    """(real, synthetic, synthetic minus real) association heatmaps, same column order in all three.

    Columns: the schema's learned columns present in both frames. All three use the diverging scale
    on [-1, 1] centred at 0.
    """
    real_name, syn_name = (list(names) + ["Real", "Synthetic"][len(names):])[:2]
    cols = [c for c in schema.learned if c in real_df.columns and c in synthetic_df.columns]
    titles = (f"{real_name}: association between columns", f"{syn_name}: association between columns",
              f"Difference in association ({syn_name} minus {real_name})")
    if not cols:
        return tuple(empty_figure(t, "No learned columns to compare.") for t in titles)  # type: ignore[return-value]
    real = association_matrix(real_df, schema, cols, max_rows, seed)
    syn = association_matrix(synthetic_df, schema, cols, max_rows, seed)
    return (_heatmap(real, titles[0], "Association"), _heatmap(syn, titles[1], "Association"),
            _heatmap(syn - real, titles[2], "Difference"))
