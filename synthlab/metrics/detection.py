"""Detection: can a classifier tell synthetic rows from real ones?

A two-sample test with a gradient-boosted classifier (scikit-learn's histogram gradient boosting,
categories handled natively): real and synthetic rows, equal in number, labelled 0 and 1, k-fold
cross-validated ROC AUC. 0.5 means the classifier cannot tell them apart; 1.0 means every synthetic
row gives itself away. Permutation importance on the held-out folds names the columns that give the
rows away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from synthlab.errors import DataError
from synthlab.metrics.base import Figure, Metric
from synthlab.metrics.encoding import Codec, Encoded, prepare, seeded_sample
from synthlab.metrics.parallel import limited, run_all
from synthlab.metrics.uncertainty import fold_ci
from synthlab.metrics.verdicts import judge, section_verdict
from synthlab.schema import Schema

MAX_CATEGORIES = 250  # histogram gradient boosting takes at most 255 native category codes
MAX_ROWS = 5_000  # per side: enough for a tight AUC, bounded time on large tables
ITERATIONS = 50  # with learning rate 0.2: as much boosting as 100 rounds at 0.1, at half the time
LEARNING_RATE = 0.2
EARLY_STOPPING_ROWS = 4_000
MIN_ROWS = 20
IMPORTANCE_FOLDS = 2  # permutation importance is averaged over the first folds only (it costs a predict per column)


class DetectionAUC(Metric):
    name = "Detection AUC"
    key = "auc"
    goal = "target 0.5"
    range = (0.0, 1.0)
    good = "0.5 = a classifier cannot tell synthetic rows from real ones; 1.0 = every synthetic row is spotted."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        return detection_auc(real, synthetic, schema, **kwargs)

    @classmethod
    def breakdown(cls, real, synthetic, schema, folds: int = 5, seed: int = 0, **kwargs) -> list[dict]:
        """The columns that give synthetic rows away: permutation importance (AUC drop) per column."""
        codec, r, s = _encode(real, synthetic, schema)
        r, s = _equal_size(r, s, seed)
        res = _detect(codec, r, s, folds, seed, importance=True)
        return res["importance"]


@limited
def detection_auc(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema, folds: int = 5,
                  seed: int = 0) -> float:
    """Mean k-fold ROC AUC of a gradient-boosted classifier separating real from synthetic rows.

    Both sides are subsampled (seeded) to the same number of rows, at most 5,000 each.
    """
    codec, r, s = _encode(real, synthetic, schema)
    r, s = _equal_size(r, s, seed)
    return float(np.mean(_detect(codec, r, s, folds, seed)["folds"]))


def _encode(real, synthetic, schema) -> tuple[Codec, Encoded, Encoded]:
    r = prepare(real, schema, what="real data")
    s = prepare(synthetic, schema, what="synthetic data")
    codec = Codec.fit([r, s], schema)
    return codec, codec.encode(r), codec.encode(s)


def _equal_size(r: Encoded, s: Encoded, seed: int, cap: int = MAX_ROWS) -> tuple[Encoded, Encoded]:
    m = min(r.n, s.n, cap)
    return r.take(seeded_sample(r.n, m, seed)), s.take(seeded_sample(s.n, m, seed + 1))


def features(codec: Codec, enc: Encoded) -> np.ndarray:
    """Feature matrix for the classifier: numbers as floats, categories as capped codes, NaN = missing."""
    cols = []
    for c in codec.columns:
        a = enc[c]
        if codec.continuous[c]:
            cols.append(a.astype("float64"))
        else:
            f = np.minimum(a, MAX_CATEGORIES).astype("float64")
            f[a < 0] = np.nan
            cols.append(f)
    return np.column_stack(cols) if cols else np.zeros((enc.n, 0))


def _classifier(codec: Codec, seed: int, rows: int) -> HistGradientBoostingClassifier:
    """Boosting stops early on large samples (a 10% validation split is reliable there), which makes
    indistinguishable data — where it stops within a few rounds — several times cheaper."""
    mask = np.array([not codec.continuous[c] for c in codec.columns], dtype=bool)
    return HistGradientBoostingClassifier(max_iter=ITERATIONS, learning_rate=LEARNING_RATE, max_leaf_nodes=31,
                                          early_stopping=rows >= EARLY_STOPPING_ROWS, validation_fraction=0.1,
                                          n_iter_no_change=10, random_state=seed,
                                          categorical_features=mask if mask.any() else None)


def _fold_tasks(codec: Codec, real: Encoded, syn: Encoded, folds: int, seed: int, importance: bool = False):
    """One task per fold (for :func:`run_all`) and a function turning their results into
    ``{"folds": AUCs, "importance": [...]}``."""
    if min(real.n, syn.n) < MIN_ROWS:
        raise DataError(f"Detection needs at least {MIN_ROWS} rows on each side.")
    x = np.vstack([features(codec, real), features(codec, syn)])
    y = np.r_[np.zeros(real.n), np.ones(syn.n)]
    folds = max(2, min(folds, real.n, syn.n))
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y))

    def fold(k: int):
        train_idx, test_idx = splits[k]
        model = _classifier(codec, seed, len(train_idx)).fit(x[train_idx], y[train_idx])
        xt, yt = x[test_idx], y[test_idx]
        auc = roc_auc_score(yt, model.predict_proba(xt)[:, 1])
        row = []
        if importance and k < IMPORTANCE_FOLDS:
            rng = np.random.default_rng(seed + k)
            for j in range(x.shape[1]):
                xp = xt.copy()
                xp[:, j] = xp[rng.permutation(len(xp)), j]
                row.append(auc - roc_auc_score(yt, model.predict_proba(xp)[:, 1]))
        return auc, row

    def collect(results) -> dict:
        out: dict = {"folds": np.asarray([a for a, _ in results])}
        if importance:
            drops = [r for _, r in results if r]
            mean_drop = np.mean(drops, axis=0) if drops else np.zeros(len(codec.columns))
            order = np.argsort(-mean_drop, kind="stable")
            out["importance"] = [{"column": codec.columns[j], "importance": float(mean_drop[j])} for j in order]
        return out

    return [lambda k=k: fold(k) for k in range(len(splits))], collect


def _detect(codec: Codec, real: Encoded, syn: Encoded, folds: int, seed: int, importance: bool = False) -> dict:
    """Fold AUCs (and, if asked, permutation importances) of real (0) vs synthetic (1)."""
    tasks, collect = _fold_tasks(codec, real, syn, folds, seed, importance)
    return collect(run_all(tasks))


def detection_section(codec: Codec, train: Encoded, synthetic: Encoded, holdout: Encoded, folds: int = 5,
                      seed: int = 0) -> dict:
    """Synthetic vs train and holdout vs train, each on equal-size samples with the same train rows."""
    m = min(train.n, synthetic.n, holdout.n, MAX_ROWS)
    t = train.take(seeded_sample(train.n, m, seed))
    s = synthetic.take(seeded_sample(synthetic.n, m, seed + 1))
    h = holdout.take(seeded_sample(holdout.n, m, seed + 1))
    tasks_s, collect_s = _fold_tasks(codec, t, s, folds, seed, importance=True)
    tasks_h, collect_h = _fold_tasks(codec, t, h, folds, seed)
    results = run_all(tasks_s + tasks_h)  # all folds of both tests share the workers
    res_s, res_h = collect_s(results[: len(tasks_s)]), collect_h(results[len(tasks_s):])
    ci_s, se_s = fold_ci(res_s["folds"])
    ci_h, se_h = fold_ci(res_h["folds"])
    fig = Figure.of(DetectionAUC, float(np.mean(res_s["folds"])), ceiling=float(np.mean(res_h["folds"])),
                    ci=ci_s, ceiling_ci=ci_h)
    sigma = float(np.hypot(se_s, se_h)) if se_s is not None and se_h is not None else None
    judge(fig, sigma, ideal=0.5)
    fig.extra["folds"] = [float(a) for a in res_s["folds"]]
    fig.extra["ceiling_folds"] = [float(a) for a in res_h["folds"]]
    return {
        "auc": fig,
        "columns": res_s["importance"],
        "rows_per_side": m,
        "folds": len(res_s["folds"]),
        "verdict": section_verdict([fig]),
    }
