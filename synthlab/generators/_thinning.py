"""Thinning of drawn rows that sit nearer a training row than unseen real rows do.

A generator that learns from few rows leans towards them: each synthetic row is assembled from a
handful of training rows' values, so it lands nearer one of them than a fresh real row would, and
the closer-to-train share rises above 0.5 on small tables. A fresh real row's distance to its nearest
training row is known without a holdout: a training row's distance to its nearest *other* training
row (leave-one-out). :class:`CloseRowThinning` draws more rows than asked, compares their distances to
the training rows with that reference on the distance scale the privacy metrics use
(:mod:`synthlab.metrics.neighbours`).

Matching the reference is not enough: a drawn row as near its nearest training row as a fresh real
row is to its own still leans. It was assembled from training rows' values, so the unseen rows lie
farther from it than from a fresh real row, and the closer-to-train share weighs exactly those two
distances. So each drawn row is kept with weight the odds that it is *not* nearer a training row than
an unseen one, as :func:`lean_chance` models them from its nearest and second-nearest training
distances (a row beside one training row and far from the rest is one assembled from that row's
values), to a power that falls with the fit's size (:data:`LEAN_POWERS`: larger fits lean less),
capped at 1 on fits of over :data:`CAPPED_ROWS` rows, so that rows the model says do not lean are
kept alike.

The rows that lean are not spread evenly: they gather in a column's tails and rare levels (a row
assembled from one training row's unusual values). Thinned by those weights alone, every column's
distribution would shift away from such places, which a detector sees and pair trends lose. So the
weights are raked (iterative proportional fitting, :func:`rake`) until each column's bins hold the
same weighted share of rows as the draw: within a bin the rows that lean less are preferred, and the
column keeps its distribution. Measured: ``docs/BENCHMARKS.md``, section "Thinning of close rows".

Fitted on more than :data:`MAX_TRAIN_ROWS` rows a table barely leans and the distances would cost a
good part of the fit: nothing is thinned. A sample that would need more than :data:`MAX_PAIRS`
distances (a million rows from 2,000) is drawn as it comes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthlab.metrics.encoding import Codec, Encoded, prepare
from synthlab.metrics.neighbours import EPS, DistanceEncoder, Neighbours, nearest
from synthlab.schema import Schema

OVERSAMPLE = 2  # rows drawn per row kept
# larger tables barely lean (tables of 5,000+ rows: 0.526 -> 0.519 with 0.2.0's thinning); thinned as
# fits up to 2,000 rows are (0.5.0), the 50 tables of bench/ab.py over 5,000 rows lost (seeds 16-17:
# every target 34 -> 29, closer-to-train misses 7 -> 7)
MAX_TRAIN_ROWS = 2_000
# (fits of up to N rows, power of the odds): on bench/ab.py's tables, seeds 16-17 / 18-19, against
# 0.4.1 (odds to the power 1 up to 600 rows, unraked; reference bands above): every target on the 105
# tables of 500-1,500 rows 58 -> 61 / 56 -> 59, on the 76 of 1,500-5,000 rows 34 -> 42 / 39 -> 48; under
# 500 rows 48 -> 49 / 61 -> 60. Raked, the power 1 let the lean back (under 500 rows, mean closer share
# 0.517 -> 0.538); unraked, the power 0.5 above 600 rows cost pair trends (1,500-5,000 rows: 38 tables)
LEAN_POWERS = ((600, 1.5), (MAX_TRAIN_ROWS, 0.5))
# on fits of over CAPPED_ROWS rows a row's weight is its odds capped at 1: rows the model says do not
# lean are kept alike. Below, the odds are scaled to their largest and the least leaning rows are favoured
# too: there the lean goes beyond what the model sees (under 100 fitted rows 0.614 of the drawn rows are
# nearer train, 0.598 predicted). Tables of 500-1,500 rows (fits of 200-600), against the odds uncapped,
# seeds 10-11 / 12-13 / 14-15: every target 58 -> 58 / 52 -> 57 / 58 -> 60, detection misses 22 -> 19 /
# 20 -> 17 / 21 -> 15; capped on every fit, tables under 500 rows lost (53 -> 47 on seeds 10-11)
CAPPED_ROWS = 200
# logistic model of P(a drawn row is nearer a training row than an unseen real row), on q1 and q2, the
# nearest and second-nearest training distances as quantiles of the training rows' leave-one-out
# distances, and r = their ratio: logit = b0 + b1 q1 + b2 q2 + b3 log r + b4 q1 q2. Fitted by
# bench/thinning_lean.py (drawn rows of the default on 217 real tables under 1,500 rows, seeds 8-9)
LEAN_COEF = (1.806, -5.187, 0.617, -0.129, 2.278)
RAKE_BINS = 8  # a number's equal-count bins (and missing) whose shares the raking keeps
RAKE_MIN_SHARE = 0.01  # bins and levels holding fewer of the drawn rows are raked as one
RAKE_SWEEPS = 20  # passes over the columns (0: weights as modelled)
REFERENCE_ROWS = 1_000  # training rows whose nearest other one makes the reference
MAX_PAIRS = 200_000_000  # candidate x training row distances per sample (a few seconds on 2 cores)


def lean_features(d1: np.ndarray, d2: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Columns q1, q2, log r and q1·q2 of :data:`LEAN_COEF`'s model, for rows with nearest / second-
    nearest training distances ``d1`` / ``d2``; ``reference`` is the training rows' sorted
    leave-one-out distances, against which the distances are placed as quantiles."""
    q1 = np.searchsorted(reference, d1, side="right") / len(reference)
    q2 = np.searchsorted(reference, d2, side="right") / len(reference)
    ratio = np.ones_like(d1, dtype="float64")
    np.divide(d1, d2, out=ratio, where=d2 > EPS)
    return np.column_stack([q1, q2, np.log(np.clip(ratio, 1e-3, 1.0)), q1 * q2])


def lean_chance(d1: np.ndarray, d2: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Modelled chance that a drawn row is nearer a training row than an unseen real row (see
    :func:`lean_features` for the arguments)."""
    logit = LEAN_COEF[0] + lean_features(d1, d2, reference) @ np.asarray(LEAN_COEF[1:])
    return 1.0 / (1.0 + np.exp(-logit))


def lean_power(n_train: int) -> float:
    """The power of the odds on a fit of ``n_train`` rows (:data:`LEAN_POWERS`)."""
    return next(power for rows, power in LEAN_POWERS if n_train <= rows)


def margin_cells(codec: Codec, encoded: Encoded) -> list[np.ndarray]:
    """Per column of the drawn rows ``encoded``: each row's cell, whose weighted share the raking
    keeps. A number's cells are :data:`RAKE_BINS` equal-count bins of the drawn values and missing, a
    category's its levels; cells holding under :data:`RAKE_MIN_SHARE` of the rows are one cell (their
    few rows would be raked to their own counts, undoing the thinning there). Columns of one cell are
    left out."""
    out = []
    for c in codec.columns:
        a = encoded[c]
        if codec.continuous[c]:
            known = np.isfinite(a)
            cell = np.full(len(a), -1, dtype=np.int64)
            if known.any():
                edges = np.unique(np.quantile(a[known], np.linspace(0.0, 1.0, RAKE_BINS + 1)[1:-1]))
                cell[known] = np.searchsorted(edges, a[known], side="right")
        else:
            cell = np.asarray(a, dtype=np.int64)
        _, cell = np.unique(cell, return_inverse=True)
        counts = np.bincount(cell)
        cell = np.where(counts[cell] < RAKE_MIN_SHARE * len(cell), counts.size, cell)
        _, cell = np.unique(cell, return_inverse=True)
        if cell.max(initial=0) > 0:
            out.append(cell)
    return out


def rake(weight: np.ndarray, cells: list[np.ndarray], sweeps: int) -> np.ndarray:
    """``weight`` rescaled, cell by cell and column after column, until each column's cells hold the
    share of the weight that they hold of the rows (iterative proportional fitting)."""
    w = np.asarray(weight, dtype=np.float64).copy()
    for _ in range(sweeps):
        for cell in cells:
            share = np.bincount(cell) / len(cell)
            held = np.bincount(cell, weights=w, minlength=share.size) / w.sum()
            w *= np.divide(share, held, out=np.ones_like(share), where=held > 0)[cell]
    return w


@dataclass
class CloseRowThinning:
    """Fitted on the training rows; :meth:`keep` picks which of the drawn rows to keep."""

    codec: Codec
    encoder: DistanceEncoder
    train: tuple[np.ndarray, np.ndarray, np.ndarray]
    reference: np.ndarray  # training rows' leave-one-out distances, sorted
    columns: list[str]
    schema: Schema

    @classmethod
    def fit(cls, data: pd.DataFrame, schema: Schema) -> CloseRowThinning | None:
        """None where there is nothing to compare (fewer than 2 rows or no learned column) or the
        table is large enough not to lean (over :data:`MAX_TRAIN_ROWS` rows)."""
        columns = [c for c in schema.learned if c in data.columns]
        if not columns or not 2 <= len(data) <= MAX_TRAIN_ROWS:
            return None
        frame = prepare(data, schema, columns=columns, what="training data")
        codec = Codec.fit([frame], schema, columns=columns)
        encoded = codec.encode(frame)
        encoder = DistanceEncoder.fit(codec, encoded, [])
        train = encoder.transform(encoded)
        rows = np.random.default_rng(len(data)).permutation(len(data))[:REFERENCE_ROWS]
        queries = (train[0][rows], train[1], train[2][rows])
        loo = nearest(queries, train).d2  # each row is its own nearest: the second is the nearest other
        return cls(codec, encoder, train, np.sort(loo), columns, schema)

    def affordable(self, n: int) -> bool:
        """Whether thinning ``n`` rows stays within :data:`MAX_PAIRS` distances."""
        return OVERSAMPLE * n * self.train[0].shape[0] <= MAX_PAIRS

    def keep(self, drawn: pd.DataFrame, n: int, rng: np.random.Generator) -> np.ndarray:
        """Positions of ``n`` of the ``drawn`` rows, in random order."""
        encoded = self._encode(drawn)
        weight = rake(self.weights(nearest(self.encoder.transform(encoded), self.train)),
                      margin_cells(self.codec, encoded), RAKE_SWEEPS)
        # weighted sampling without replacement (Efraimidis and Spirakis): the n largest u^(1/w)
        keys = np.log(rng.random(len(drawn))) / np.maximum(weight, 1e-9)
        kept = np.argsort(-keys, kind="stable")[:n]
        rng.shuffle(kept)
        return kept

    def weights(self, nn: Neighbours) -> np.ndarray:
        """Per drawn row (its training neighbours ``nn``): its weight in the draw of the rows kept,
        before raking."""
        n_train = self.train[0].shape[0]
        p = lean_chance(nn.d1, nn.d2, self.reference)
        odds = ((1.0 - p) / p) ** lean_power(n_train)
        return np.minimum(1.0, odds) if n_train > CAPPED_ROWS else odds / odds.max()

    def neighbours(self, rows: pd.DataFrame) -> Neighbours:
        """Nearest and second-nearest training rows of ``rows``, on the thinning's distance scale."""
        return nearest(self.encoder.transform(self._encode(rows)), self.train)

    def _encode(self, rows: pd.DataFrame) -> Encoded:
        return self.codec.encode(prepare(rows, self.schema, columns=self.columns, what="synthetic data"))
