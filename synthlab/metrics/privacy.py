"""Privacy: are synthetic rows copies of, or suspiciously close to, the rows the generator trained on?

Every check compares the synthetic rows with what *unseen real rows* (the holdout) do on the same
test, because real data has near-duplicates of its own:

* **Exact-copy share**: synthetic rows equal to a train row on every learned column, against the
  holdout's own share of rows that equal a train row.
* **Closer-to-train share**: for each synthetic row, is its nearest train row nearer than its nearest
  holdout row? A generator that memorises lands near train rows far more often. Train is usually
  larger than the holdout, so by chance alone a fresh real row is nearest to a train row with
  probability p0 = n_train / (n_train + n_holdout) (every one of the train and holdout rows is equally
  likely to be the nearest). The share is reported *chance-corrected*: rescaled linearly so that p0
  maps to 0.5 and 1 stays 1 — so **0.5 is what a fresh real sample gets** whatever the split, and with
  equal-size train and holdout it is simply the share. Ties count as the tied train rows' share of all
  tied rows. The ceiling is the same test run with each half of the holdout as queries and the other
  half as the holdout.
* **Distance to closest record (DCR)**: synthetic→train distances against holdout→train distances;
  the **nearest-neighbour distance ratio** (nearest / second-nearest train row) likewise — near 0
  means a row sits on one specific real record.
* **Rows at risk**: synthetic rows closer to a train row than the holdout's 5th-percentile distance;
  :func:`privacy_filter` drops them at export.

Distances: see :mod:`synthlab.metrics.neighbours` (exact, chunked, the reference never subsampled).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.metrics.base import Figure, Metric, clean
from synthlab.metrics.encoding import Codec, Encoded, prepare
from synthlab.metrics.neighbours import EPS, DistanceEncoder, Neighbours, mean_distance, nearest
from synthlab.metrics.parallel import limited
from synthlab.metrics.uncertainty import (
    mean_replicates,
    median_replicates,
    percentile_ci,
    share_ci,
    share_sd,
    spread,
)
from synthlab.metrics.verdicts import judge, section_verdict
from synthlab.schema import Schema

RISK_QUANTILE = 0.05
CLOSEST_ROWS = 10
REPLICATES = 200
HIST_BINS = 30


class ExactCopyShare(Metric):
    name = "Exact-copy share"
    key = "exact_copy_share"
    goal = "minimize"
    good = "No higher than the holdout's own share of rows that equal a training row."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        return exact_copy_share(synthetic, real, schema)


class CloserToTrainShare(Metric):
    name = "Closer-to-train share"
    key = "closer_to_train_share"
    goal = "target 0.5"
    good = "0.5 = synthetic rows are no closer to training rows than unseen real rows are; near 1 = memorised."

    @classmethod
    def compute(cls, real, synthetic, schema, holdout=None, **kwargs) -> float:
        if holdout is None:
            raise ValueError("The closer-to-train share needs the real holdout.")
        return closer_to_train_share(synthetic, real, holdout, schema)


class DistanceToClosestRecord(Metric):
    name = "Distance to closest record (median)"
    key = "dcr"
    goal = "maximize"
    good = "About the holdout's: synthetic rows sit as far from training rows as unseen real rows do."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        return float(np.median(distances_to_train(synthetic, real, schema)))


class NearestNeighbourRatio(Metric):
    name = "Nearest-neighbour distance ratio (median)"
    key = "nndr"
    goal = "maximize"
    good = "About the holdout's; near 0 means rows sit on one specific training record."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        codec, t, r = _encode_ref(real, synthetic, schema)
        de = DistanceEncoder.fit(codec, t, [r])
        return float(np.median(_nndr(nearest(de.transform(r), de.transform(t)))))


class RowsAtRisk(Metric):
    name = "Rows at risk"
    key = "at_risk_share"
    goal = "minimize"
    good = "About 0.05: the share of rows closer to a training row than 95% of unseen real rows are."

    @classmethod
    def compute(cls, real, synthetic, schema, holdout=None, **kwargs) -> float:
        if holdout is None:
            raise ValueError("Rows at risk needs the real holdout.")
        return float(1.0 - privacy_filter(synthetic, real, holdout, schema).mean())


# ----- functional API -------------------------------------------------------------------------
@limited
def exact_copy_share(rows: pd.DataFrame, train: pd.DataFrame, schema: Schema) -> float:
    """Share of ``rows`` equal to some ``train`` row on every learned column."""
    r = prepare(rows, schema, what="rows")
    t = prepare(train, schema, what="training data")
    codec = Codec.fit([t, r], schema)
    return _copy_share(codec, codec.encode(r), codec.encode(t))


@limited
def closer_to_train_share(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame,
                          schema: Schema) -> float:
    """Size-balanced share of synthetic rows nearer a train row than a holdout row (0.5 = no leak)."""
    return float(chance_corrected(nearer_train(synthetic, train, holdout, schema).mean(), len(train), len(holdout)))


@limited
def nearer_train(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame,
                 schema: Schema) -> np.ndarray:
    """Per synthetic row: 1 if nearer a train row than any holdout row, 0 if nearer a holdout row, the
    tied train share if equally near (the rows :func:`closer_to_train_share` averages)."""
    codec, t, s, h = _encode3(train, synthetic, holdout, schema)
    de = DistanceEncoder.fit(codec, t, [s, h])
    ts, ss, hs = de.transform(t), de.transform(s), de.transform(h)
    return _closer(nearest(ss, ts), nearest(ss, hs))


@limited
def distances_to_train(rows: pd.DataFrame, train: pd.DataFrame, schema: Schema) -> np.ndarray:
    """The 0..1 distance of every row to its closest train row (see :mod:`~synthlab.metrics.neighbours`)."""
    codec, t, r = _encode_ref(train, rows, schema)
    de = DistanceEncoder.fit(codec, t, [r])
    nn = nearest(de.transform(r), de.transform(t))
    return mean_distance(nn.d1, de.n_columns)


@limited
def privacy_filter(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame,
                   schema: Schema) -> np.ndarray:
    """Boolean mask of synthetic rows to KEEP: those at least as far from every train row as the
    holdout's 5th-percentile distance (rows closer than 95% of unseen real rows are dropped)."""
    codec, t, s, h = _encode3(train, synthetic, holdout, schema)
    de = DistanceEncoder.fit(codec, t, [s, h])
    ts = de.transform(t)
    d_s = mean_distance(nearest(de.transform(s), ts).d1, de.n_columns)
    d_h = mean_distance(nearest(de.transform(h), ts).d1, de.n_columns)
    return d_s >= risk_threshold(d_h)


def risk_threshold(holdout_dcr: np.ndarray) -> float:
    return float(np.quantile(holdout_dcr, RISK_QUANTILE)) if holdout_dcr.size else 0.0


def _encode3(train, synthetic, holdout, schema) -> tuple[Codec, Encoded, Encoded, Encoded]:
    t = prepare(train, schema, what="training data")
    s = prepare(synthetic, schema, what="synthetic data")
    h = prepare(holdout, schema, what="holdout data")
    codec = Codec.fit([t, s, h], schema)
    return codec, codec.encode(t), codec.encode(s), codec.encode(h)


def _encode_ref(train, rows, schema) -> tuple[Codec, Encoded, Encoded]:
    t = prepare(train, schema, what="training data")
    r = prepare(rows, schema, what="rows")
    codec = Codec.fit([t, r], schema)
    return codec, codec.encode(t), codec.encode(r)


# ----- building blocks ------------------------------------------------------------------------
_MIX = np.uint64(0x9E3779B97F4A7C15)


def row_hashes(codec: Codec, enc: Encoded) -> np.ndarray:
    """64-bit hash of each row's learned values (numbers rounded to 9 decimals against float noise)."""
    h = np.zeros(enc.n, dtype=np.uint64)
    for c in codec.columns:
        a = enc[c]
        if codec.continuous[c]:
            a = np.where(np.isnan(a), np.inf, np.round(a, 9))
        col = pd.util.hash_array(np.ascontiguousarray(a))
        with np.errstate(over="ignore"):
            h = h * _MIX + col
    return h


def _copy_share(codec: Codec, rows: Encoded, train: Encoded) -> float:
    if rows.n == 0:
        return float("nan")
    return float(np.isin(row_hashes(codec, rows), row_hashes(codec, train)).mean())


def exact_copy_figure(copies_s: np.ndarray, copies_h: np.ndarray) -> Figure:
    """The exact-copy figure from per-row flags: synthetic rows, and holdout rows (the ceiling), that
    equal a train row."""
    n_s, n_h = copies_s.size, copies_h.size
    vs = float(copies_s.mean()) if n_s else float("nan")
    vh = float(copies_h.mean()) if n_h else float("nan")
    exact = Figure.of(ExactCopyShare, vs, ceiling=vh, ci=share_ci(vs, n_s), ceiling_ci=share_ci(vh, n_h))
    judge(exact, _hypot(share_sd(vs, n_s), share_sd(vh, n_h)), ideal=0.0)
    exact.extra.update({"rows": int(copies_s.sum()), "flagged": exact.rating not in ("excellent", "n/a")})
    return exact


def _closer(to_train: Neighbours, to_holdout: Neighbours) -> np.ndarray:
    """Per query row: 1 if nearer a train row, 0 if nearer a holdout row, the tied train share if equal."""
    dt, dh = to_train.d1, to_holdout.d1
    tie_share = to_train.ties / np.maximum(to_train.ties + to_holdout.ties, 1)
    return np.where(dt < dh - EPS, 1.0, np.where(dt > dh + EPS, 0.0, tie_share))


def chance_corrected(raw, n_train: int, n_holdout: int):
    """The raw share of rows nearer train, rescaled so that chance (what a fresh real sample gets,
    n_train / (n_train + n_holdout)) maps to 0.5, all rows to 1 and none to 0, linearly in between.
    With equal-size train and holdout it is the raw share itself."""
    p0 = n_train / max(n_train + n_holdout, 1)
    r = np.asarray(raw, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(r >= p0, 0.5 + 0.5 * (r - p0) / max(1 - p0, 1e-12), 0.5 * r / max(p0, 1e-12))


def _rows(coded: tuple[np.ndarray, np.ndarray, np.ndarray], idx: np.ndarray):
    x, w, h = coded
    return x[idx], w, h[idx]


def _histogram(a: np.ndarray, b: np.ndarray) -> dict:
    both = np.concatenate([a, b])
    both = both[np.isfinite(both)]
    hi = float(np.quantile(both, 0.99)) if both.size else 1.0
    edges = np.linspace(0.0, hi if hi > 0 else 1.0, HIST_BINS + 1)
    ca, _ = np.histogram(np.minimum(a, edges[-1]), edges)
    cb, _ = np.histogram(np.minimum(b, edges[-1]), edges)
    return {"edges": edges, "synthetic": ca / max(a.size, 1), "holdout": cb / max(b.size, 1)}


def _nndr(nn: Neighbours) -> np.ndarray:
    """Nearest / second-nearest distance per row (1 when both are 0: the row matches several records)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = nn.d1 / nn.d2
    return np.where(nn.d2 <= 0, 1.0, np.where(np.isfinite(r), r, 1.0))


def _row_values(df: pd.DataFrame, i: int) -> dict:
    return clean({str(c): df.iat[i, j] for j, c in enumerate(df.columns)})


# ----- the scorecard section ------------------------------------------------------------------
def privacy_section(codec: Codec, train: Encoded, synthetic: Encoded, holdout: Encoded,
                    frames: tuple[pd.DataFrame, pd.DataFrame] | None = None, seed: int = 0,
                    replicates: int = REPLICATES) -> tuple[dict, dict]:
    """The privacy figures and the raw per-row distances (for plots and the export filter).

    ``frames`` = (train, synthetic) working frames, used only to show the closest rows' values.
    """
    rng = np.random.default_rng(seed)
    de = DistanceEncoder.fit(codec, train, [synthetic, holdout])
    ts, ss, hs = de.transform(train), de.transform(synthetic), de.transform(holdout)
    p = de.n_columns
    nn_st, nn_sh, nn_ht = nearest(ss, ts), nearest(ss, hs), nearest(hs, ts)

    # closer to train, with its ceiling: each half of the holdout queried against train and the other half
    c_syn = _closer(nn_st, nn_sh)
    perm = rng.permutation(holdout.n)
    h1, h2 = np.sort(perm[: holdout.n // 2]), np.sort(perm[holdout.n // 2:])
    c_hold = np.concatenate([
        _closer(nn_ht.take(h1), nearest(_rows(hs, h1), _rows(hs, h2))),
        _closer(nn_ht.take(h2), nearest(_rows(hs, h2), _rows(hs, h1))),
    ])
    n_half = holdout.n / 2
    v = float(chance_corrected(c_syn.mean(), train.n, holdout.n))
    c = float(chance_corrected(c_hold.mean(), train.n, n_half))
    bv = chance_corrected(mean_replicates(c_syn, replicates, rng), train.n, holdout.n)
    bc = chance_corrected(mean_replicates(c_hold, replicates, rng), train.n, n_half)
    closer = Figure.of(CloserToTrainShare, v, ceiling=c, ci=percentile_ci(bv), ceiling_ci=percentile_ci(bc))
    judge(closer, _hypot(spread(bv), spread(bc)), ideal=0.5)
    closer.extra.update({"raw_share": float(c_syn.mean()) if c_syn.size else None,
                         "chance_raw_share": train.n / (train.n + holdout.n)})

    # exact copies
    h_train = row_hashes(codec, train)
    copies_s = np.isin(row_hashes(codec, synthetic), h_train)
    copies_h = np.isin(row_hashes(codec, holdout), h_train)
    exact = exact_copy_figure(copies_s, copies_h)

    # distances to the closest record
    d_s, d_h = mean_distance(nn_st.d1, p), mean_distance(nn_ht.d1, p)
    bm_s, bm_h = median_replicates(d_s, 50, rng), median_replicates(d_h, 50, rng)
    dcr = Figure.of(DistanceToClosestRecord, float(np.median(d_s)), ceiling=float(np.median(d_h)),
                    ci=percentile_ci(bm_s), ceiling_ci=percentile_ci(bm_h))
    judge(dcr, _hypot(spread(bm_s), spread(bm_h)))
    dcr.extra.update({"p05": float(np.quantile(d_s, 0.05)), "ceiling_p05": float(np.quantile(d_h, 0.05)),
                      "histogram": _histogram(d_s, d_h)})
    q_s, q_h = _nndr(nn_st), _nndr(nn_ht)
    bq_s, bq_h = median_replicates(q_s, 50, rng), median_replicates(q_h, 50, rng)
    nndr = Figure.of(NearestNeighbourRatio, float(np.median(q_s)), ceiling=float(np.median(q_h)),
                     ci=percentile_ci(bq_s), ceiling_ci=percentile_ci(bq_h))
    judge(nndr, _hypot(spread(bq_s), spread(bq_h)))

    # rows at risk and the export filter
    thr = risk_threshold(d_h)
    risky_s, risky_h = d_s < thr, d_h < thr
    rs, rh = float(risky_s.mean()), float(risky_h.mean())
    risk = Figure.of(RowsAtRisk, rs, ceiling=rh, ci=share_ci(rs, synthetic.n), ceiling_ci=share_ci(rh, holdout.n))
    judge(risk, _hypot(share_sd(rs, synthetic.n), share_sd(rh, holdout.n)))
    filt = {"threshold": thr, "rows_kept": int((~risky_s).sum()), "rows_dropped": int(risky_s.sum()),
            "share_dropped": rs}

    closest = []
    for i in np.argsort(d_s, kind="stable")[:CLOSEST_ROWS]:
        row = {"synthetic_row": int(i), "train_row": int(nn_st.index[i]), "distance": float(d_s[i]),
               "exact_copy": bool(copies_s[i])}
        if frames is not None:
            row["synthetic"] = _row_values(frames[1], int(i))
            row["train"] = _row_values(frames[0], int(nn_st.index[i]))
        closest.append(row)

    for f in (dcr, nndr, risk):  # reported with their ceilings, not part of the verdict (see module doc)
        f.note = "Shown for context; the verdict rests on the closer-to-train and exact-copy checks."
    section = {
        "closer_to_train_share": closer,
        "exact_copy_share": exact,
        "dcr": dcr,
        "nndr": nndr,
        "at_risk_share": risk,
        "filter": filt,
        "closest_rows": closest,
        "distance": "Gower (mean over learned columns): numbers by their rank in train, categories equal or not",
        "verdict": section_verdict([closer, exact]),
    }
    arrays = {"dcr_synthetic": d_s, "dcr_holdout": d_h, "keep": ~risky_s}
    return section, arrays


def _hypot(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b):
        return None
    return float(np.hypot(a, b))
