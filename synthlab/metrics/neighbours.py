"""Exact nearest neighbours between mixed-type tables, vectorised in bounded-memory blocks.

Distance: a Gower distance (the L1 family SDMetrics' DCR metrics use). Every learned column adds a
term in [0, 1] and the distance is their mean, so 0 = identical rows and 1 = every column maximally
different:

* a number or date: the difference of the two values' positions on the real train's distribution
  (their mid-rank in train, so a skewed column counts as much as a symmetric one), resolved exactly
  when the column has at most :data:`EXACT_LEVELS` distinct values and to 1/:data:`BINS` of the
  distribution (equal-frequency bins of train) otherwise; values beyond the train range count as its
  ends;
* a category or boolean: 0 when equal, 1 when not;
* a missing value: 0 against another missing value, 1 against a present one.

Why it is fast: an L1 difference is a squared Euclidean distance between "thermometer" codes
(one 0/1 digit per threshold the value exceeds), so every block of distances is one matrix product
(BLAS) plus the two squared norms. All weights are multiples of 1/1024, so the float32 product is
*exact* — equal distances tie exactly and a copied row is at distance exactly 0. Categories with more
than :data:`ONE_HOT_MAX` levels are compared code by code instead of one-hot.

Memory: query rows are processed in blocks whose distance matrix stays under
:data:`BLOCK_ELEMENTS` float32 (64 MB) per worker thread, and a large reference is chunked too;
every reference row is always compared — nothing is subsampled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthlab.metrics.encoding import Codec, Encoded
from synthlab.metrics.parallel import run_all

BLOCK_ELEMENTS = 16 * 1024 * 1024  # float32 per distance block: 64 MB
REF_CHUNK = 16_384
ONE_HOT_MAX = 64  # categories with more levels are compared by code instead of one-hot
EXACT_LEVELS = 33  # numbers with at most this many distinct values are placed exactly
BINS = 32  # otherwise: resolution of 1/32 of the train distribution
QUANTUM = 1024  # weights are multiples of 1/QUANTUM, exact in float32
EPS = 1e-6  # distances closer than this are equal (they are exact multiples of 1/1024)


def _quantize(w: np.ndarray) -> np.ndarray:
    """Weights as multiples of 1/QUANTUM (at least one quantum where positive, so distinct values stay apart)."""
    q = np.round(np.asarray(w, dtype="float64") * QUANTUM)
    q = np.where((w > 0) & (q == 0), 1, q)
    return q / QUANTUM


@dataclass
class _Numeric:
    thresholds: np.ndarray  # a value's code digit k is 1 when value > thresholds[k]
    weights: np.ndarray  # rank gap each threshold stands for (multiples of 1/1024)
    indicator: bool  # the column has missing values somewhere: one more digit


@dataclass
class DistanceEncoder:
    """How rows become thermometer / one-hot codes; fitted on the real train (its distribution)."""

    codec: Codec
    numeric: dict[str, _Numeric]
    one_hot: dict[str, bool]

    @classmethod
    def fit(cls, codec: Codec, train: Encoded, others: list[Encoded] | None = None) -> DistanceEncoder:
        numeric, one_hot = {}, {}
        frames = [train, *(others or [])]
        for c in codec.columns:
            if not codec.continuous[c]:
                one_hot[c] = codec.n_levels(c) + 1 <= ONE_HOT_MAX
                continue
            t = np.sort(train[c][np.isfinite(train[c])])
            indicator = any(bool(np.isnan(f[c]).any()) for f in frames)
            if t.size == 0:
                numeric[c] = _Numeric(np.zeros(0), np.zeros(0), indicator)
                continue
            values = np.unique(np.concatenate([f[c][np.isfinite(f[c])] for f in frames]))
            if values.size <= EXACT_LEVELS:
                # thresholds between consecutive distinct values, weighted by their mid-rank gap in train
                below = np.searchsorted(t, values, side="left")
                upto = np.searchsorted(t, values, side="right")
                midrank = (below + upto) / 2.0 / t.size
                thresholds = (values[:-1] + values[1:]) / 2.0
                weights = np.diff(midrank)
            else:
                qs = np.quantile(t, np.arange(1, BINS) / BINS, method="inverted_cdf")
                thresholds, counts = np.unique(qs, return_counts=True)
                weights = counts / BINS
            numeric[c] = _Numeric(thresholds, _quantize(weights), indicator)
        return cls(codec, numeric, one_hot)

    @property
    def n_columns(self) -> int:
        return len(self.codec.columns)

    def transform(self, enc: Encoded) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(codes, weights per code digit, high-cardinality category codes) of every row."""
        digits, weights, codes = [], [], []
        for c in self.codec.columns:
            a = enc[c]
            if self.codec.continuous[c]:
                spec = self.numeric[c]
                miss = np.isnan(a)
                if spec.thresholds.size:
                    u = (a[:, None] > spec.thresholds[None, :]).astype("float32")
                    u[miss] = 0.5  # half-way digits: 1/4 of the column's weight against any present value
                    digits.append(u)
                    weights.append(spec.weights)
                if spec.indicator:
                    digits.append(miss.astype("float32")[:, None])
                    weights.append(np.array([1.0 - 0.25 * float(spec.weights.sum())]))
            elif self.one_hot[c]:
                k = self.codec.n_levels(c) + 1
                block = np.zeros((enc.n, k), dtype="float32")
                block[np.arange(enc.n), np.where(a < 0, k - 1, a)] = 1.0
                digits.append(block)
                weights.append(np.full(k, 0.5))
            else:
                codes.append(a)
        x = np.hstack(digits) if digits else np.zeros((enc.n, 0), dtype="float32")
        w = _quantize(np.concatenate(weights)) if weights else np.zeros(0)
        h = np.column_stack(codes) if codes else np.zeros((enc.n, 0), dtype=np.int64)
        return np.ascontiguousarray(x, dtype="float32"), w.astype("float32"), h


@dataclass
class Neighbours:
    """Per query row: the distance sum to the nearest reference row (``d1``), its position
    (``index``), how many reference rows tie at that distance (``ties``) and the second-nearest
    distance sum (``d2``). Sums run over columns: divide by the column count for the 0..1 distance."""

    d1: np.ndarray
    index: np.ndarray
    ties: np.ndarray
    d2: np.ndarray

    def take(self, idx: np.ndarray) -> Neighbours:
        return Neighbours(self.d1[idx], self.index[idx], self.ties[idx], self.d2[idx])


def _augment(x: np.ndarray, w: np.ndarray, query: bool) -> np.ndarray:
    """[x, Σw·x², 1] for queries and [-2w·y, 1, Σw·y²] for references: their product is Σw·(x − y)²."""
    sq = (x * x) @ w
    one = np.ones(x.shape[0], dtype="float32")
    if query:
        return np.column_stack([x, sq, one]).astype("float32")
    return np.column_stack([-2.0 * x * w[None, :], one, sq]).astype("float32")


def nearest(query: tuple[np.ndarray, np.ndarray, np.ndarray], reference: tuple[np.ndarray, np.ndarray, np.ndarray],
            block_elements: int = BLOCK_ELEMENTS) -> Neighbours:
    """Exact nearest and second-nearest reference rows of every query row.

    Query blocks run side by side on a few threads (see :mod:`synthlab.metrics.parallel`); each holds
    one distance block of at most ``block_elements`` float32.
    """
    qx, w, qh = query
    rx, _, rh = reference
    nq, nr = qx.shape[0], rx.shape[0]
    d1 = np.full(nq, np.inf)
    d2 = np.full(nq, np.inf)
    idx = np.full(nq, -1, dtype=np.int64)
    ties = np.zeros(nq, dtype=np.int64)
    if nq == 0 or nr == 0:
        return Neighbours(d1, idx, ties, d2)
    qa, ra = _augment(qx, w, True), _augment(rx, w, False)
    ref_chunk = min(nr, REF_CHUNK)
    q_chunk = max(1, min(nq, block_elements // ref_chunk))
    refs = [(r0, np.ascontiguousarray(ra[r0:r0 + ref_chunk].T), rh[r0:r0 + ref_chunk])
            for r0 in range(0, nr, ref_chunk)]

    def block(q0: int) -> None:
        q1 = min(nq, q0 + q_chunk)
        buf = np.empty((q1 - q0, ref_chunk), dtype="float32")
        rows = np.arange(q1 - q0)
        sl = slice(q0, q1)
        for r0, rt, rhb in refs:
            blk = buf[:, : rt.shape[1]]
            np.matmul(qa[q0:q1], rt, out=blk)
            for j in range(qh.shape[1]):
                blk += qh[q0:q1, j][:, None] != rhb[:, j][None, :]
            a = blk.argmin(axis=1)
            m1 = blk[rows, a].astype("float64")
            t = np.count_nonzero(blk <= (m1 + EPS).astype("float32")[:, None], axis=1)
            blk[rows, a] = np.inf
            m2 = blk.min(axis=1).astype("float64")
            _merge(d1, d2, idx, ties, sl, m1, m2, a + r0, t)

    run_all([lambda q0=q0: block(q0) for q0 in range(0, nq, q_chunk)])
    return Neighbours(_zero(d1), idx, ties, _zero(d2))


def _zero(d: np.ndarray) -> np.ndarray:
    return np.where(d < EPS, 0.0, d)


def _merge(d1, d2, idx, ties, sl, m1, m2, a, t) -> None:
    """Fold one reference chunk's nearest/second/ties into the running state of rows ``sl``."""
    c1, c2, ci, ct = d1[sl], d2[sl], idx[sl], ties[sl]
    better = m1 < c1 - EPS
    same = ~better & (m1 <= c1 + EPS)
    d2[sl] = np.where(better, np.minimum(c1, m2),
                      np.where(same, np.minimum(np.minimum(c2, m2), np.maximum(c1, m1)), np.minimum(c2, m1)))
    d1[sl] = np.where(better, m1, np.where(same, np.minimum(c1, m1), c1))
    idx[sl] = np.where(better, a, ci)
    ties[sl] = np.where(better, t, np.where(same, ct + t, ct))


def mean_distance(total: np.ndarray, n_columns: int) -> np.ndarray:
    """Distance sums over columns to the 0..1 mean per-column distance."""
    return np.maximum(total, 0.0) / max(n_columns, 1)
