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
values), capped at 1 on fits of over :data:`CAPPED_ROWS` rows, so that rows the model says do not
lean are kept alike. Larger fits lean less, and there the full odds thin more than the lean left
costs (a column's tails and rare levels, where the leaning rows gather, thin out, which a detector
sees): fits of over :data:`LEAN_ROWS` rows take the odds to the power :data:`LARGE_FIT_POWER`.
Measured: ``docs/BENCHMARKS.md``, section "Thinning of close rows".

The target column (the schema's) is left out of the distances. Kept by distances that count it, a
drawn row near a training row would be kept likelier where its target differs from that row's, so the
kept rows' targets would be noisier given the rest of the row than the drawn ones, and models trained on
them would learn less (as the copy control leaves a modelled target out of its comparison).

Fitted on more than :data:`MAX_TRAIN_ROWS` rows a table barely leans and the distances would cost a
good part of the fit: nothing is thinned. A sample that would need more than :data:`MAX_PAIRS`
distances (a million rows from 2,000) is drawn as it comes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthlab.metrics.encoding import Codec, prepare
from synthlab.metrics.neighbours import EPS, DistanceEncoder, Neighbours, nearest
from synthlab.schema import Schema

OVERSAMPLE = 2  # rows drawn per row kept
MAX_TRAIN_ROWS = 2_000  # larger tables barely lean (tables of 5,000+ rows: 0.526 -> 0.519 with thinning)
# fits of over LEAN_ROWS rows take the odds to the power LARGE_FIT_POWER. On 217 real tables under 1,500
# rows, fresh seeds 10-11 (bench/ab.py's tables), the odds against the 0.3.0 rule (reference stretched
# 1.5-fold on these fits): every target on tables under 500 rows 42 -> 53, 500-1,500 rows 54 -> 58; on
# the 76 tables of 1,500-5,000 rows (fits over 600) the full odds gave 37 -> 30 (detection misses 10 ->
# 25). There the power 0.5, against 0.4.1's reference bands (each band of the reference's nearer half
# thinned to its share), seeds 16-17 / 22-23 / fresh 24-25: every target 34 -> 38 / 42 -> 44 / 41 -> 46;
# the power 0.3: 44, 0.7: 38 (seeds 22-23; bench/variants/thinning_bands.py draws 0.4.1's rows)
LEAN_ROWS = 600
LARGE_FIT_POWER = 0.5
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
# bench/thinning_lean.py (drawn rows of the default on 217 real tables under 1,500 rows, seeds 8-9; on
# distances that counted the target, as the thinning did before 0.4.2)
LEAN_COEF = (1.806, -5.187, 0.617, -0.129, 2.278)
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
        """None where there is nothing to compare (fewer than 2 rows or no learned column but the
        target) or the table is large enough not to lean (over :data:`MAX_TRAIN_ROWS` rows)."""
        columns = [c for c in schema.learned if c in data.columns and c != schema.target]
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
        weight = self.weights(self.neighbours(drawn))
        # weighted sampling without replacement (Efraimidis and Spirakis): the n largest u^(1/w)
        keys = np.log(rng.random(len(drawn))) / np.maximum(weight, 1e-9)
        kept = np.argsort(-keys, kind="stable")[:n]
        rng.shuffle(kept)
        return kept

    def weights(self, nn: Neighbours) -> np.ndarray:
        """Per drawn row (its training neighbours ``nn``): its weight in the draw of the rows kept."""
        n_train = self.train[0].shape[0]
        p = lean_chance(nn.d1, nn.d2, self.reference)
        odds = ((1.0 - p) / p) ** (1.0 if n_train <= LEAN_ROWS else LARGE_FIT_POWER)
        return np.minimum(1.0, odds) if n_train > CAPPED_ROWS else odds / odds.max()

    def neighbours(self, rows: pd.DataFrame) -> Neighbours:
        """Nearest and second-nearest training rows of ``rows``, on the thinning's distance scale."""
        encoded = self.codec.encode(prepare(rows, self.schema, columns=self.columns, what="synthetic data"))
        return nearest(self.encoder.transform(encoded), self.train)
