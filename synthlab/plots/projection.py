"""Whole rows in two dimensions: PCA fitted on real data, synthetic projected into the same plane."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.decomposition import PCA

from synthlab.plots import binning as b
from synthlab.plots.style import REAL, empty_figure, esc, finish, run_color, runs
from synthlab.schema import Kind, Schema

_FIT_ROWS = 20_000  # PCA on 2 components is stable long before this
_ONE_HOT_LABELS = 10


class _Encoder:
    """Rows -> numbers: numbers/dates median-imputed, categories one-hot on the real top labels,
    everything standardised; all learned from the real sample only."""

    def __init__(self, schema: Schema, columns: list[str]) -> None:
        self.schema = schema
        self.columns = columns

    def fit(self, df: pd.DataFrame) -> _Encoder:
        self.medians_, self.labels_ = {}, {}
        for c in self.columns:
            if self.schema[c].kind in (Kind.NUMERICAL, Kind.DATETIME):
                v = b.finite(self._numbers(df, c))
                self.medians_[c] = float(np.median(v)) if v.size else 0.0
            else:
                self.labels_[c] = b.top_labels([df[c]], top=_ONE_HOT_LABELS)
        raw = self._raw(df)
        self.mean_ = raw.mean(axis=0)
        std = raw.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _numbers(self, df: pd.DataFrame, c: str) -> np.ndarray:
        return b.as_numbers(df[c], datetime=self.schema[c].kind == Kind.DATETIME)

    def _raw(self, df: pd.DataFrame) -> np.ndarray:
        parts = []
        for c in self.columns:
            if c in self.medians_:
                v = self._numbers(df, c)
                parts.append(np.where(np.isfinite(v), v, self.medians_[c])[:, None])
            else:
                labels = self.labels_[c]
                codes = b.codes_for(df[c], labels)
                parts.append((codes[:, None] == np.arange(len(labels))[None, :]).astype("float64"))
        return np.hstack(parts) if parts else np.empty((len(df), 0))

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        return (self._raw(df) - self.mean_) / self.scale_


def pca_projection(real_df: pd.DataFrame, synthetic_df: pd.DataFrame | list[pd.DataFrame], schema: Schema,
                   seed: int = 0, names=("Real", "Synthetic"), max_points: int = b.MAX_POINTS) -> go.Figure:
    """Real and synthetic rows on the first two principal components of the real data.

    Scaler and PCA are fitted on (a seeded sample of up to 20,000) real rows over the learned
    columns; each side is drawn as a seeded subsample of at most ``max_points`` points. Synthetic
    clouds that miss part of the real cloud show modes the generator dropped.
    """
    syn, real_name, syn_names = runs(synthetic_df, names)
    title = "Rows projected on the real data's principal components"
    cols = [c for c in schema.learned if c in real_df.columns and all(c in s.columns for s in syn)]
    fit_rows = b.subsample(real_df, _FIT_ROWS, seed)
    if not cols or len(fit_rows) < 3:
        return empty_figure(title, "Not enough real rows or learned columns for a projection.", "PC1", "PC2")
    encoder = _Encoder(schema, cols).fit(fit_rows)
    design = encoder.transform(fit_rows)
    n_comp = min(2, design.shape[1], design.shape[0])
    pca = PCA(n_components=n_comp, random_state=seed).fit(design)
    ratios = list(np.nan_to_num(pca.explained_variance_ratio_)) + [0.0] * (2 - n_comp)

    def project(df: pd.DataFrame) -> np.ndarray:
        pts = pca.transform(encoder.transform(df)) if len(df) else np.empty((0, n_comp))
        return np.hstack([pts, np.zeros((len(pts), 2 - n_comp))])

    fig = go.Figure()
    sides = [(b.subsample(fit_rows, max_points, seed), real_name, REAL)]
    sides += [(b.subsample(s, max_points, seed), n, run_color(i)) for i, (s, n) in enumerate(zip(syn, syn_names, strict=True))]
    for df, name, colour in sides:
        pts = project(df)
        fig.add_scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=esc(name),
                        marker={"color": colour, "size": 4, "opacity": 0.5},
                        hovertemplate="PC1 %{x:.2f}, PC2 %{y:.2f}")
    return finish(fig, title, f"PC1 ({ratios[0]:.1%} of variance)", f"PC2 ({ratios[1]:.1%} of variance)")
