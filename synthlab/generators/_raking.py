"""Raking a categorical target's class probabilities to the training rows' shares in every level.

Gradient boosting whose rounds are chosen on the held-out loss of all rows stops short on a small
group with a strong effect: of the 20 or so applicants in mortgage_applications' training rows whose
mortgage insurance was denied, about 90% were denied the mortgage, and the model gives them 77%.
Drawn from the model, the synthetic rows weaken such a rule, and models trained on them learn a
weaker one. Raking (iterative proportional fitting, as survey weights are raked to known margins)
adds a log-odds offset per class to every level of every predictor (a number: equal-count bins of
about 50 training rows, at most 20, and missing), chosen so that on held-out rows the predicted
class shares within each level are the observed ones, as the overall shares already are. The
offsets move whole levels: rows that share every predictor's level keep the model's order. A
level's observed shares are shrunk towards the model's with a weight of ``prior`` rows, so a level
of a few rows does not turn its handful of labels into a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# a number's levels: equal-count bins of its training values of about this many rows (and missing),
# at most _MAX_BINS of them
_BIN_ROWS = 50
_MAX_BINS = 20
# passes over the predictors at most, fewer once no offset moves by _SETTLED: five cost 5-6 ms on
# mortgage_applications and Chile, 20 cost 25-35 ms, with the same TSTR within noise (mortgage, 10 seeds:
# x0.978 with five, x0.975 with 20)
_SWEEPS = 5
_SETTLED = 1e-2
_FLOOR = 1e-12  # least probability or share a logarithm is taken of


@dataclass
class Raking:
    """Per predictor: how its values map to levels and each level's offsets (levels, classes)."""

    columns: list[int]
    edges: list[np.ndarray | None]  # numbers: the inner bin edges; categories: None (the code is the level)
    offsets: list[np.ndarray]

    @classmethod
    def fit(cls, z: np.ndarray, proba: np.ndarray, y: np.ndarray, columns: list[int], kinds: list[str],
            prior: float) -> Raking:
        """From training rows ``z``, the model's held-out class probabilities for them and their
        classes ``y`` (indices into the probability columns)."""
        edges: list[np.ndarray | None] = []
        for c, kind in zip(columns, kinds, strict=True):
            v = z[:, c]
            v = v[~np.isnan(v)]
            bins = min(_MAX_BINS, len(v) // _BIN_ROWS)
            edges.append(None if kind == "cat" else
                         np.unique(np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1])) if bins > 1 else np.empty(0))
        raking = cls(columns, edges, [])
        levels = [raking.level(i, z) for i in range(len(columns))]
        k = proba.shape[1]
        observed = np.zeros((len(y), k))
        observed[np.arange(len(y)), y] = 1.0
        logit = np.log(np.maximum(proba, _FLOOR))
        # per predictor: the rows with a level (None: all), their levels as flat (level, class) cells
        # and each level's aim: its observed class counts, shrunk towards the model's with ``prior``
        # rows (a level without rows aims at and has nothing: its offsets stay 0)
        parts = []
        for b in levels:
            rows = np.flatnonzero(b >= 0)
            b = b[rows]
            n_levels = int(b.max(initial=-1)) + 1
            cells = (b[:, None] * k + np.arange(k)).ravel()
            n = np.bincount(b, minlength=n_levels).astype(float)[:, None]
            model = _sums(cells, proba[rows], n_levels)
            aim = (_sums(cells, observed[rows], n_levels) + prior * model / np.maximum(n, 1)) * n / (n + prior)
            parts.append((None if len(rows) == len(y) else rows, b, cells, aim))
        raking.offsets = [np.zeros((len(aim), k)) for *_, aim in parts]
        for _ in range(_SWEEPS):
            moved = 0.0
            for offsets, (rows, b, cells, aim) in zip(raking.offsets, parts, strict=True):
                have = _sums(cells, _softmax(logit if rows is None else logit[rows]), len(offsets))
                delta = np.log(np.maximum(aim, _FLOOR) / np.maximum(have, _FLOOR))
                offsets += delta
                if rows is None:
                    logit += delta[b]
                else:
                    logit[rows] += delta[b]
                moved = max(moved, float(np.abs(delta).max(initial=0.0)))
            if moved < _SETTLED:
                break
        return raking

    def level(self, i: int, z: np.ndarray) -> np.ndarray:
        """Every row's level of predictor ``i``: a category's code (-1, no level, where it has none),
        a number's bin (0 where it is missing)."""
        v, edges = z[:, self.columns[i]], self.edges[i]
        missing = np.isnan(v)
        if edges is None:
            return np.where(missing, -1, np.nan_to_num(v)).astype(np.int64)
        return np.where(missing, 0, np.searchsorted(edges, v, side="right") + 1)  # NaN sorts last

    def adjust(self, proba: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Raked class probabilities for rows ``z`` given the model's ``proba``."""
        logit = np.log(np.maximum(proba, _FLOOR))
        for i, offsets in enumerate(self.offsets):  # one predictor's levels at a time (a million rows each)
            b = self.level(i, z)
            table = np.vstack([offsets, np.zeros((1, offsets.shape[1]))])  # its last row: no fitted level
            logit += table[np.where((b >= 0) & (b < len(offsets)), b, len(offsets))]
        return _softmax(logit)


def _softmax(logit: np.ndarray) -> np.ndarray:
    e = np.exp(logit - logit.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _sums(cells: np.ndarray, values: np.ndarray, n_levels: int) -> np.ndarray:
    """Per level the sum of each column of ``values`` (rows, classes), ``cells`` being each entry's
    flat (level, class) index (one bincount covers all the classes)."""
    k = values.shape[1]
    return np.bincount(cells, weights=values.ravel(), minlength=n_levels * k).reshape(n_levels, k)
