"""Fidelity: do the synthetic columns, and pairs of columns, look like the real ones?

Definitions follow SDMetrics' single-table ``QualityReport`` (checked within 0.01 by
``tests/test_metrics_fidelity.py``):

* **Column shapes**: per column, the KS complement (1 − Kolmogorov–Smirnov D, numbers and dates) or the
  TV complement (1 − total variation distance, categories and booleans); missing values are left out.
  The score is the mean over columns.
* **Column pair trends**: per pair, the correlation similarity 1 − |ρ_real − ρ_syn| / 2 (Pearson,
  both numbers/dates) or the contingency similarity 1 − TV of the two-way table (any other pair; a
  number paired with a category is cut into 10 equal-width bins of its own data, missing values
  form their own cell). As in SDMetrics 0.32 the score averages the pairs that are clearly related in
  the real data (|ρ| > 0.5, or Cramér's V > 0.3); when no pair is, it averages every pair.
* **Relationship strength** (SynthLab's addition, because SDMetrics' pair average is diluted by
  high-cardinality columns whose sparse tables look "related" by chance): per pair, the strength of
  the relationship — |ρ| for two numbers/dates, the bias-corrected Cramér's V (Bergsma 2013) of the
  same two-way table otherwise — in real and synthetic data; the score is
  1 − Σ s_real·|s_real − s_syn| / Σ s_real, so strongly related real pairs weigh most, unrelated ones
  not at all, and a generator that loses relationships loses exactly what it lost.
* **Coverage** (SDMetrics' CategoryCoverage / RangeCoverage): the share of real categories the
  synthetic column produces, or how much of the real [min, max] range it spans.

Everything is computed on integer codes and float arrays (:mod:`synthlab.metrics.encoding`), with
bootstrap replicates as row weights, so the whole section is a handful of vectorised passes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthlab.metrics.base import Figure, Metric
from synthlab.metrics.encoding import Codec, Encoded, prepare
from synthlab.metrics.parallel import limited
from synthlab.metrics.uncertainty import bootstrap_weights, percentile_ci, replicates_for, spread
from synthlab.metrics.verdicts import judge, section_verdict
from synthlab.schema import Schema

KS_DECIMALS = 14  # SDMetrics rounds before the KS test so float noise does not count
N_BINS = 10
CORRELATION_THRESHOLD = 0.5  # SDMetrics QualityReport: pairs with |real ρ| above count
ASSOCIATION_THRESHOLD = 0.3  # SDMetrics QualityReport: pairs with real Cramér's V above count
REPLICATES = 20


# ----- metric classes -------------------------------------------------------------------------
class ColumnShapes(Metric):
    name = "Column shapes"
    key = "shape"
    goal = "maximize"
    good = "1 = every column's distribution matches the real one; a fresh real sample scores the ceiling."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        return column_shapes(real, synthetic, schema)

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        codec, r, s = _encode_pair(real, synthetic, schema)
        scores = _column_scores(codec, r, s)
        return [{"column": c, "metric": _shape_metric(codec, c), "score": float(scores[c][0])} for c in codec.columns]


class ColumnPairTrends(Metric):
    name = "Column pair trends"
    key = "trend"
    goal = "maximize"
    good = "1 = correlations and cross-tabulations between columns match the real data's."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        return column_pair_trends(real, synthetic, schema)

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        codec, r, s = _encode_pair(real, synthetic, schema)
        vr, vs = PairView.of(codec, r), PairView.of(codec, s)
        plan = PairPlan.of(codec, vr)
        scores = _pair_scores(plan, vr, vs)[0]
        return [{"columns": [a, b], "metric": m, "score": float(x), "counted": bool(k)}
                for (a, b, m), x, k in zip(plan.pairs, scores, plan.counted, strict=True)]


class Relationships(Metric):
    name = "Relationship strength"
    key = "relationships"
    goal = "maximize"
    good = "1 = every pair of columns is as strongly related as in the real data (strong real pairs weigh most)."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        codec, r, s = _encode_pair(real, synthetic, schema)
        vr, vs = PairView.of(codec, r), PairView.of(codec, s)
        plan = PairPlan.of(codec, vr)
        if not plan.pairs:
            return float("nan")
        strength_r = _pair_strength(plan, vr)
        return float(_relationship_score(strength_r[0], strength_r, _pair_strength(plan, vs))[0])


class Coverage(Metric):
    name = "Coverage"
    key = "coverage"
    goal = "maximize"
    good = "1 = every real category appears and the whole real range of every number is spanned."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        codec, r, s = _encode_pair(real, synthetic, schema)
        cov = _coverage(codec, r, s)
        vals = np.array([v[0] for v in cov.values()])
        return float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        codec, r, s = _encode_pair(real, synthetic, schema)
        cov = _coverage(codec, r, s)
        return [{"column": c, "metric": "RangeCoverage" if codec.continuous[c] else "CategoryCoverage",
                 "score": float(cov[c][0])} for c in codec.columns]


class MissingValueSimilarity(Metric):
    name = "Missing-value similarity"
    key = "missing"
    goal = "maximize"
    good = "1 = each column has the same share of missing values as the real data."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        rows = cls.breakdown(real, synthetic, schema)
        return float(np.mean([r["score"] for r in rows])) if rows else float("nan")

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        codec, r, s = _encode_pair(real, synthetic, schema)
        out = []
        for c in codec.columns:
            mr, ms = _missing_share(codec, r, c), _missing_share(codec, s, c)
            out.append({"column": c, "real": mr, "synthetic": ms, "score": 1 - abs(mr - ms)})
        return out


# ----- functional API -------------------------------------------------------------------------
@limited
def column_shapes(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> float:
    """SDMetrics' Column Shapes score of ``synthetic`` against ``real`` (mean KS / TV complement)."""
    codec, r, s = _encode_pair(real, synthetic, schema)
    return _mean_or_nan([v[0] for v in _column_scores(codec, r, s).values()])


@limited
def column_pair_trends(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> float:
    """SDMetrics' Column Pair Trends score (QualityReport averaging; see the module doc)."""
    codec, r, s = _encode_pair(real, synthetic, schema)
    vr, vs = PairView.of(codec, r), PairView.of(codec, s)
    plan = PairPlan.of(codec, vr)
    if not plan.pairs:
        return float("nan")
    return float(plan.average(_pair_scores(plan, vr, vs))[0])


def _encode_pair(real, synthetic, schema) -> tuple[Codec, Encoded, Encoded]:
    r = prepare(real, schema, what="real data")
    s = prepare(synthetic, schema, what="synthetic data")
    codec = Codec.fit([r, s], schema)
    return codec, codec.encode(r), codec.encode(s)


def _mean_or_nan(values) -> float:
    arr = np.asarray(values, dtype="float64")
    return float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")


def _shape_metric(codec: Codec, column: str) -> str:
    return "KSComplement" if codec.continuous[column] else "TVComplement"


def _missing_share(codec: Codec, enc: Encoded, column: str) -> float:
    a = enc[column]
    if enc.n == 0:
        return float("nan")
    return float(np.isnan(a).mean() if codec.continuous[column] else (a < 0).mean())


# ----- column shapes --------------------------------------------------------------------------
def _weights_or_ones(w: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones((1, n)) if w is None else w


def _ks_complement(x: np.ndarray, y: np.ndarray, wx: np.ndarray | None = None,
                   wy: np.ndarray | None = None) -> np.ndarray:
    """1 − KS D between two samples for each replicate (rows of the weight matrices)."""
    mx, my = ~np.isnan(x), ~np.isnan(y)
    wx = _weights_or_ones(wx, x.size)[:, mx]
    wy = _weights_or_ones(wy, y.size)[:, my]
    b = max(wx.shape[0], wy.shape[0])
    x, y = x[mx], y[my]
    if x.size == 0 or y.size == 0:
        return np.full(b, np.nan)
    v = np.round(np.concatenate([x, y]), KS_DECIMALS)
    order = np.argsort(v, kind="stable")
    vs = v[order]
    ends = np.flatnonzero(np.r_[vs[1:] != vs[:-1], True])
    zx = np.zeros((wx.shape[0], y.size))
    zy = np.zeros((wy.shape[0], x.size))
    fx = np.cumsum(np.concatenate([wx, zx], axis=1)[:, order], axis=1)[:, ends]
    fy = np.cumsum(np.concatenate([zy, wy], axis=1)[:, order], axis=1)[:, ends]
    with np.errstate(invalid="ignore", divide="ignore"):
        fx /= wx.sum(axis=1, keepdims=True)
        fy /= wy.sum(axis=1, keepdims=True)
        return 1.0 - np.abs(fx - fy).max(axis=1)


def _weighted_counts(codes: np.ndarray, k: int, w: np.ndarray | None) -> np.ndarray:
    """Counts of codes 0..k-1 per replicate: ``(B, k)`` (B = 1 without weights)."""
    if w is None:
        return np.bincount(codes, minlength=k)[None, :].astype("float64")
    b = w.shape[0]
    flat = (codes[None, :] + k * np.arange(b)[:, None]).ravel()
    return np.bincount(flat, weights=w.ravel(), minlength=b * k).reshape(b, k)


def _tv_complement(cx: np.ndarray, cy: np.ndarray, k: int, wx: np.ndarray | None = None,
                   wy: np.ndarray | None = None) -> np.ndarray:
    """1 − total variation distance of two code samples, missing (code < 0) left out."""
    mx, my = cx >= 0, cy >= 0
    wx = None if wx is None else wx[:, mx]
    wy = None if wy is None else wy[:, my]
    if not mx.any() or not my.any():
        b = max(1 if wx is None else wx.shape[0], 1 if wy is None else wy.shape[0])
        return np.full(b, np.nan)
    px = _weighted_counts(cx[mx], k, wx)
    py = _weighted_counts(cy[my], k, wy)
    with np.errstate(invalid="ignore", divide="ignore"):
        px /= px.sum(axis=1, keepdims=True)
        py /= py.sum(axis=1, keepdims=True)
    return 1.0 - 0.5 * np.abs(px - py).sum(axis=1)


def _column_scores(codec: Codec, r: Encoded, s: Encoded, wr: np.ndarray | None = None,
                   ws: np.ndarray | None = None) -> dict[str, np.ndarray]:
    out = {}
    for c in codec.columns:
        if codec.continuous[c]:
            out[c] = _ks_complement(r[c], s[c], wr, ws)
        else:
            out[c] = _tv_complement(r[c], s[c], codec.n_levels(c), wr, ws)
    return out


def _coverage(codec: Codec, r: Encoded, s: Encoded, ws: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """SDMetrics CategoryCoverage / RangeCoverage of ``s`` over the (full, unweighted) real ``r``."""
    out = {}
    b = 1 if ws is None else ws.shape[0]
    for c in codec.columns:
        x, y = r[c], s[c]
        if codec.continuous[c]:
            fin = x[~np.isnan(x)]
            if fin.size == 0 or fin.min() == fin.max():
                out[c] = np.full(b, np.nan)
                continue
            lo, hi = fin.min(), fin.max()
            present = ~np.isnan(y)[None, :] & (_weights_or_ones(ws, y.size) > 0)
            with np.errstate(invalid="ignore"):
                smin = np.where(present, y[None, :], np.inf).min(axis=1)
                smax = np.where(present, y[None, :], -np.inf).max(axis=1)
            nmin = np.maximum((smin - lo) / (hi - lo), 0)
            nmax = np.maximum((hi - smax) / (hi - lo), 0)
            score = np.maximum(1 - (nmin + nmax), 0)
            score[~present.any(axis=1)] = 0.0
            out[c] = score
        else:
            k = codec.n_levels(c)
            real_levels = np.bincount(x[x >= 0], minlength=k) > 0
            if not real_levels.any():
                out[c] = np.full(b, np.nan)
                continue
            m = y >= 0
            counts = _weighted_counts(y[m], k, None if ws is None else ws[:, m])
            out[c] = (counts[:, real_levels] > 0).mean(axis=1)
    return out


# ----- column pair trends ---------------------------------------------------------------------
@dataclass
class PairView:
    """A frame seen as pair inputs: discrete codes per column (missing = its own code; numbers cut into
    10 equal-width bins of this frame's own range, like SDMetrics) and the matrix of continuous columns."""

    codes: dict[str, tuple[np.ndarray, int] | None]
    cont: list[str]
    x: np.ndarray  # (n, len(cont)) floats with NaN

    @classmethod
    def of(cls, codec: Codec, enc: Encoded) -> PairView:
        codes: dict[str, tuple[np.ndarray, int] | None] = {}
        cont = [c for c in codec.columns if codec.continuous[c]]
        for c in codec.columns:
            a = enc[c]
            if codec.continuous[c]:
                fin = a[~np.isnan(a)]
                if fin.size == 0:
                    codes[c] = None  # SDMetrics: discretisation fails, pairs with it are NaN
                    continue
                edges = np.histogram_bin_edges(fin, bins=N_BINS)
                codes[c] = (np.digitize(a, edges).astype(np.int64), N_BINS + 2)
            else:
                k = codec.n_levels(c)
                codes[c] = (np.where(a < 0, k, a), k + 1)
        x = np.column_stack([enc[c] for c in cont]) if cont else np.zeros((enc.n, 0))
        return cls(codes, cont, x)


def _pairwise_corr(x: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Pearson ρ of every column pair on pairwise-complete rows, per replicate: ``(B, q, q)``."""
    n, q = x.shape
    m = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.nanmean(np.where(m, x, np.nan), axis=0) if n else np.zeros(q)
        sd = np.nanstd(np.where(m, x, np.nan), axis=0) if n else np.ones(q)
    mu = np.where(np.isfinite(mu), mu, 0.0)
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, 1.0)
    z = np.where(m, (np.where(m, x, 0.0) - mu) / sd, 0.0)
    mf = m.astype("float64")
    ws = np.ones((1, n)) if w is None else w
    out = np.empty((ws.shape[0], q, q))
    for i, wb in enumerate(ws):
        wm, wz = mf * wb[:, None], z * wb[:, None]
        s = mf.T @ wm
        sx = z.T @ wm
        sxx = z.T @ wz
        sx2 = (z * z).T @ wm
        with np.errstate(invalid="ignore", divide="ignore"):
            mi = sx / s
            mj = mi.T
            cov = sxx / s - mi * mj
            vi = sx2 / s - mi * mi
            vj = vi.T
            denom = np.sqrt(vi * vj)
            rho = np.where((vi > 1e-12) & (vj > 1e-12), cov / denom, np.nan)
        out[i] = np.clip(rho, -1.0, 1.0)
    return out


def _constant(x: np.ndarray) -> np.ndarray:
    """Per column: True when it has at most one distinct non-missing value (correlation undefined)."""
    out = np.zeros(x.shape[1], dtype=bool)
    for j in range(x.shape[1]):
        col = x[:, j]
        col = col[~np.isnan(col)]
        out[j] = col.size == 0 or col.min() == col.max()
    return out


def _table_stats(keys: np.ndarray, kb: int, w: np.ndarray | None = None):
    """χ², total, non-empty rows and columns of the two-way table of ``keys = row * kb + col``, per
    replicate, from the observed cells only (so a high-cardinality pair never builds a dense table)."""
    uniq, inv = np.unique(keys, return_inverse=True)
    rows_u, row_idx = np.unique(uniq // kb, return_inverse=True)
    cols_u, col_idx = np.unique(uniq % kb, return_inverse=True)
    cells = _weighted_counts(inv, uniq.size, w)  # (B, cells)
    rs = _weighted_counts(row_idx, rows_u.size, cells)
    cs = _weighted_counts(col_idx, cols_u.size, cells)
    n = cells.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(cells > 0, cells**2 / (rs[:, row_idx] * cs[:, col_idx]), 0.0).sum(axis=1)
    chi2 = n * (ratio - 1.0)
    return chi2, n, (rs > 0).sum(axis=1).astype("float64"), (cs > 0).sum(axis=1).astype("float64")


def _cramers_v(keys: np.ndarray, kb: int) -> float:
    """Cramér's V without continuity correction (scipy's ``association(method='cramer')``)."""
    chi2, n, r, k = (x[0] for x in _table_stats(keys, kb))
    if n == 0 or min(r, k) < 2:
        return float("nan")
    return float(np.sqrt(max(chi2, 0.0) / (n * (min(r, k) - 1))))


def _pair_keys(ca: np.ndarray, ka: int, cb: np.ndarray, kb: int) -> np.ndarray:
    return ca * kb + cb


@dataclass
class PairPlan:
    """Which pairs are compared with which metric, and which count towards the score (decided on the
    real side only, so the synthetic value and its ceiling average the same pairs)."""

    pairs: list[tuple[str, str, str]]
    real_stat: np.ndarray  # real correlation (CorrelationSimilarity) or Cramér's V (Contingency)
    counted: np.ndarray

    @classmethod
    def of(cls, codec: Codec, real: PairView) -> PairPlan:
        pairs, stats, counted = [], [], []
        rho = _pairwise_corr(real.x)[0] if real.cont else None
        const = _constant(real.x) if real.cont else None
        pos = {c: i for i, c in enumerate(real.cont)}
        for a, b in itertools.combinations(codec.columns, 2):
            if codec.continuous[a] and codec.continuous[b]:
                i, j = pos[a], pos[b]
                r = np.nan if (const[i] or const[j]) else rho[i, j]
                pairs.append((a, b, "CorrelationSimilarity"))
                stats.append(r)
                counted.append(bool(np.isfinite(r) and abs(r) > CORRELATION_THRESHOLD))
            else:
                pairs.append((a, b, "ContingencySimilarity"))
                if real.codes[a] is None or real.codes[b] is None:
                    stats.append(np.nan)
                    counted.append(False)
                    continue
                (ca, ka), (cb, kb) = real.codes[a], real.codes[b]
                v = _cramers_v(_pair_keys(ca, ka, cb, kb), kb)
                stats.append(v)
                counted.append(bool(np.isfinite(v) and v > ASSOCIATION_THRESHOLD))
        return cls(pairs, np.asarray(stats, dtype="float64"), np.asarray(counted, dtype=bool))

    def average(self, scores: np.ndarray) -> np.ndarray:
        """Per replicate: the mean over counted pairs (every pair when none is counted)."""
        use = self.counted if self.counted.any() else np.ones(len(self.pairs), dtype=bool)
        sub = scores[:, use]
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(sub)
            total = np.where(ok, sub, 0.0).sum(axis=1)
            cnt = ok.sum(axis=1)
            return np.where(cnt > 0, total / np.maximum(cnt, 1), np.nan)

    def subset(self, keep: np.ndarray) -> PairPlan:
        return PairPlan([p for p, k in zip(self.pairs, keep, strict=True) if k], self.real_stat[keep],
                        self.counted[keep])


def _pair_scores(plan: PairPlan, r: PairView, s: PairView, wr: np.ndarray | None = None,
                 ws: np.ndarray | None = None) -> np.ndarray:
    """Scores of every planned pair per replicate: ``(B, n_pairs)``."""
    b = max(1 if wr is None else wr.shape[0], 1 if ws is None else ws.shape[0])
    out = np.full((b, len(plan.pairs)), np.nan)
    need_corr = any(m == "CorrelationSimilarity" for _, _, m in plan.pairs)
    if need_corr and r.cont:
        rr = _pairwise_corr(r.x, wr)
        rs = _pairwise_corr(s.x, ws)
        cr, cs = _constant(r.x), _constant(s.x)
        pos = {c: i for i, c in enumerate(r.cont)}
    for p, (a, bcol, metric) in enumerate(plan.pairs):
        if metric == "CorrelationSimilarity":
            i, j = pos[a], pos[bcol]
            if cr[i] or cr[j] or cs[i] or cs[j]:
                continue
            out[:, p] = 1.0 - np.abs(rr[:, i, j] - rs[:, i, j]) / 2.0
            continue
        if r.codes[a] is None or r.codes[bcol] is None or s.codes[a] is None or s.codes[bcol] is None:
            continue
        (ra, ka), (rb, kb) = r.codes[a], r.codes[bcol]
        (sa, _), (sb, _) = s.codes[a], s.codes[bcol]
        kr, ks, k = _pair_keys(ra, ka, rb, kb), _pair_keys(sa, ka, sb, kb), ka * kb
        if k > kr.size + ks.size:  # many cells: count only the observed ones
            _, inv = np.unique(np.concatenate([kr, ks]), return_inverse=True)
            kr, ks, k = inv[: kr.size], inv[kr.size:], int(inv.max()) + 1
        pr = _weighted_counts(kr, k, wr)
        ps = _weighted_counts(ks, k, ws)
        with np.errstate(invalid="ignore", divide="ignore"):
            pr /= pr.sum(axis=1, keepdims=True)
            ps /= ps.sum(axis=1, keepdims=True)
        out[:, p] = 1.0 - 0.5 * np.abs(pr - ps).sum(axis=1)
    return out


def _bias_corrected_v(keys: np.ndarray, kb: int, w: np.ndarray | None = None) -> np.ndarray:
    """Bergsma's bias-corrected Cramér's V of a two-way table per replicate (0 when undefined)."""
    chi2, n, r, k = _table_stats(keys, kb, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi2 = np.maximum(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
        rc = r - (r - 1) ** 2 / (n - 1)
        kc = k - (k - 1) ** 2 / (n - 1)
        denom = np.minimum(kc - 1, rc - 1)
        v = np.where((denom > 0) & (n > 1), np.sqrt(phi2 / np.where(denom > 0, denom, 1)), 0.0)
    return np.clip(np.nan_to_num(v), 0.0, 1.0)


def _pair_strength(plan: PairPlan, view: PairView, w: np.ndarray | None = None) -> np.ndarray:
    """Relationship strength of every planned pair per replicate: ``(B, n_pairs)`` in [0, 1]."""
    b = 1 if w is None else w.shape[0]
    out = np.zeros((b, len(plan.pairs)))
    if view.cont and any(m == "CorrelationSimilarity" for _, _, m in plan.pairs):
        rho = _pairwise_corr(view.x, w)
        const = _constant(view.x)
        pos = {c: i for i, c in enumerate(view.cont)}
    for p, (a, bcol, metric) in enumerate(plan.pairs):
        if metric == "CorrelationSimilarity":
            i, j = pos[a], pos[bcol]
            if not (const[i] or const[j]):
                out[:, p] = np.nan_to_num(np.abs(rho[:, i, j]))
            continue
        if view.codes[a] is None or view.codes[bcol] is None:
            continue
        (ca, ka), (cb, kb) = view.codes[a], view.codes[bcol]
        out[:, p] = _bias_corrected_v(_pair_keys(ca, ka, cb, kb), kb, w)
    return out


def _relationship_score(weights: np.ndarray, real: np.ndarray, other: np.ndarray) -> np.ndarray:
    """1 − Σ w·|real − other| / Σ w per replicate (weights: the plain real strengths)."""
    total = weights.sum()
    if total <= 0:
        return np.full(max(real.shape[0], other.shape[0]), np.nan)
    return 1.0 - (np.abs(real - other) * weights[None, :]).sum(axis=1) / total


# ----- the scorecard section ------------------------------------------------------------------
def fidelity_section(codec: Codec, train: Encoded, synthetic: Encoded, holdout: Encoded, seed: int = 0,
                     replicates: int = REPLICATES) -> dict:
    """Synthetic vs train and holdout vs train on equal-size samples, with bootstrap intervals.

    ``synthetic`` and ``holdout`` must already be the same size (the scorecard subsamples the larger
    one, seeded), because every figure here drifts with sample size.
    """
    rng = np.random.default_rng(seed)
    replicates = replicates_for(replicates, train.n, synthetic.n, holdout.n)
    wt = bootstrap_weights(train.n, replicates, rng)
    ws = bootstrap_weights(synthetic.n, replicates, rng)
    wh = bootstrap_weights(holdout.n, replicates, rng)

    # column shapes
    shape_s = _column_scores(codec, train, synthetic)
    shape_h = _column_scores(codec, train, holdout)
    boot_s = _column_scores(codec, train, synthetic, wt, ws)
    boot_h = _column_scores(codec, train, holdout, wt, wh)
    shape = _figure(ColumnShapes, _avg(shape_s), _avg(shape_h), _avg(boot_s), _avg(boot_h), ideal=1.0)

    # coverage (against the full real train's categories and range)
    cov_s, cov_h = _coverage(codec, train, synthetic), _coverage(codec, train, holdout)
    cov_bs, cov_bh = _coverage(codec, train, synthetic, ws), _coverage(codec, train, holdout, wh)
    coverage = _figure(Coverage, _avg(cov_s), _avg(cov_h), _avg(cov_bs), _avg(cov_bh), ideal=1.0)

    # pair trends
    vt, vs, vh = PairView.of(codec, train), PairView.of(codec, synthetic), PairView.of(codec, holdout)
    plan = PairPlan.of(codec, vt)
    pairs_out: list[dict] = []
    if plan.pairs:
        ps, ph = _pair_scores(plan, vt, vs), _pair_scores(plan, vt, vh)
        keep = plan.counted if plan.counted.any() else np.ones(len(plan.pairs), dtype=bool)
        sub = plan.subset(keep)
        bs, bh = _pair_scores(sub, vt, vs, wt, ws), _pair_scores(sub, vt, vh, wt, wh)
        trend = _figure(ColumnPairTrends, float(plan.average(ps)[0]), float(plan.average(ph)[0]),
                        sub.average(bs), sub.average(bh), ideal=1.0)
        trend.extra["pairs_counted"] = int(plan.counted.sum())
        trend.extra["pairs_total"] = len(plan.pairs)
        if not plan.counted.any():
            trend.note = "No pair is clearly related in the real data, so every pair is averaged."
        st = _pair_strength(plan, vt)[0]
        strong = st > 0.0
        rel_plan = plan.subset(strong)
        if strong.any():
            sv, sh = _pair_strength(plan, vs)[0], _pair_strength(plan, vh)[0]
            bt, bs_, bh_ = (_pair_strength(rel_plan, v, w) for v, w in ((vt, wt), (vs, ws), (vh, wh)))
            weights = st[strong]
            relationships = _figure(Relationships, float(_relationship_score(st, st[None], sv[None])[0]),
                                    float(_relationship_score(st, st[None], sh[None])[0]),
                                    _relationship_score(weights, bt, bs_), _relationship_score(weights, bt, bh_),
                                    ideal=1.0)
        else:
            sv = sh = np.zeros_like(st)
            relationships = Figure.of(Relationships, None, note="No pair is related in the real data.")
            relationships.rating = "n/a"
        for p, (a, b, metric) in enumerate(plan.pairs):
            stat_name = "real_correlation" if metric == "CorrelationSimilarity" else "real_association"
            pairs_out.append({"columns": [a, b], "metric": metric, "score": ps[0, p], "ceiling": ph[0, p],
                              stat_name: plan.real_stat[p], "counted": bool(plan.counted[p]),
                              "strength_real": st[p], "strength_synthetic": sv[p], "strength_holdout": sh[p]})
    else:
        trend = Figure.of(ColumnPairTrends, None, note="Fewer than two columns: no pairs to compare.")
        trend.rating = "n/a"
        relationships = Figure.of(Relationships, None, note="Fewer than two columns: no pairs to compare.")
        relationships.rating = "n/a"

    columns_out = []
    for c in codec.columns:
        columns_out.append({
            "column": c,
            "kind": "continuous" if codec.continuous[c] else "discrete",
            "metric": _shape_metric(codec, c),
            "score": shape_s[c][0],
            "ceiling": shape_h[c][0],
            "coverage_metric": "RangeCoverage" if codec.continuous[c] else "CategoryCoverage",
            "coverage": cov_s[c][0],
            "coverage_ceiling": cov_h[c][0],
            "missing_real": _missing_share(codec, train, c),
            "missing_synthetic": _missing_share(codec, synthetic, c),
            "missing_holdout": _missing_share(codec, holdout, c),
        })
    figures = [shape, trend, relationships, coverage]
    return {
        "shape": shape,
        "trend": trend,
        "relationships": relationships,
        "coverage": coverage,
        "columns": columns_out,
        "pairs": pairs_out,
        "rows_compared": synthetic.n,
        "verdict": section_verdict(figures),
    }


def _avg(scores: dict[str, np.ndarray]) -> np.ndarray | float:
    """Mean over columns per replicate (NaN columns left out); a float for single-replicate input."""
    if not scores:
        return float("nan")
    m = np.vstack(list(scores.values()))  # (columns, B)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(m)
        cnt = ok.sum(axis=0)
        out = np.where(cnt > 0, np.where(ok, m, 0.0).sum(axis=0) / np.maximum(cnt, 1), np.nan)
    return float(out[0]) if out.size == 1 else out


def _figure(metric: type[Metric], value, ceiling, boot_v: np.ndarray, boot_c: np.ndarray,
            ideal: float | None = None) -> Figure:
    fig = Figure.of(metric, value, ceiling=ceiling, ci=percentile_ci(boot_v, center=value),
                    ceiling_ci=percentile_ci(boot_c, center=ceiling))
    sigma = spread(np.asarray(boot_v) - np.asarray(boot_c))
    return judge(fig, sigma, ideal=ideal)
