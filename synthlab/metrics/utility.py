"""Utility: is a model trained on synthetic rows as good as one trained on real rows?

For the target column (classification or regression, from the schema) three scikit-learn models — a
linear one, a random forest and histogram gradient boosting — are trained on synthetic rows (TSTR),
on real train rows (TRTR, the ceiling) and on both (augmentation), and every one is tested on the real
holdout. Scores are ROC AUC for classification (macro one-vs-rest when there are more than two classes)
and R² for regression. The random forests' feature importances, trained on synthetic vs real rows,
are compared by rank correlation.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge

from synthlab.errors import SchemaError
from synthlab.metrics.base import Figure, Metric
from synthlab.metrics.encoding import continuous_values, prepare, seeded_sample, text_values
from synthlab.metrics.parallel import limited, run_all
from synthlab.metrics.uncertainty import bootstrap_weights, percentile_ci, replicates_for, spread
from synthlab.metrics.verdicts import judge, section_verdict
from synthlab.schema import Kind, Schema

MODELS = ("linear", "rf", "hgb")
MODEL_NAMES = MappingProxyType({"linear": "linear model", "rf": "random forest", "hgb": "gradient boosting"})
TOP_LEVELS = 30  # one-hot columns per category column; rarer categories share one "other" column
MAX_CODES = 250  # gradient boosting's native categories (at most 255 bins)
MAX_ROWS = 10_000  # training rows per model and side (seeded subsample above that) to bound the time
REPLICATES = 100


class TSTR(Metric):
    name = "Train on synthetic, test on real"
    key = "tstr"
    goal = "maximize"
    range = (-1.0, 1.0)
    good = "As high as the model trained on real rows (the ceiling); ratio 1 = synthetic data is as useful as real."

    @classmethod
    def compute(cls, real, synthetic, schema, holdout=None, model: str = "hgb", seed: int = 0, **kwargs) -> float:
        if holdout is None:
            raise SchemaError("TSTR needs the real holdout to test on.")
        return train_test_score(synthetic, holdout, schema, model=model, seed=seed)


class Augmentation(Metric):
    name = "Train on real + synthetic, test on real"
    key = "augmentation"
    goal = "maximize"
    range = (-1.0, 1.0)
    good = "At least the real-only score: adding synthetic rows should not hurt a model."

    @classmethod
    def compute(cls, real, synthetic, schema, holdout=None, model: str = "hgb", seed: int = 0, **kwargs) -> float:
        if holdout is None:
            raise SchemaError("Augmentation needs the real holdout to test on.")
        both = pd.concat([prepare(real, schema), prepare(synthetic, schema)], ignore_index=True)
        return train_test_score(both, holdout, schema, model=model, seed=seed)


class ImportanceAgreement(Metric):
    name = "Feature-importance agreement"
    key = "importance_agreement"
    goal = "maximize"
    range = (-1.0, 1.0)
    good = "1 = models trained on synthetic rows rank the columns' importance as models trained on real rows do."

    @classmethod
    def compute(cls, real, synthetic, schema, seed: int = 0, **kwargs) -> float:
        rows = cls.breakdown(real, synthetic, schema, seed=seed)
        imp = {"real": {r["column"]: r["real"] for r in rows}, "synthetic": {r["column"]: r["synthetic"] for r in rows}}
        value = _rank_agreement(imp)
        return float("nan") if value is None else value

    @classmethod
    def breakdown(cls, real, synthetic, schema, seed: int = 0, **kwargs) -> list[dict]:
        """Per column: the random forests' importance when trained on real and on synthetic rows."""
        task, target = _task(schema)
        tr, sy = prepare(real, schema), prepare(synthetic, schema)
        enc = ModelEncoder.fit(tr, schema, target)
        out = {}
        for name, df in (("real", tr), ("synthetic", sy)):
            _, _, est = _fit_predict("rf", task, enc.transform(df), enc.target(df), enc.transform(df.head(1)),
                                     seed, keep_model=True)
            out[name] = _importances(est, enc) or {}
        return [{"column": c, "real": out["real"].get(c), "synthetic": out["synthetic"].get(c)} for c in out["real"]]


@limited
def train_test_score(train: pd.DataFrame, test: pd.DataFrame, schema: Schema, model: str = "hgb",
                     seed: int = 0) -> float:
    """Fit ``model`` on ``train`` for ``schema.target``, score on ``test``: ROC AUC or R²."""
    task, target = _task(schema)
    tr = prepare(train, schema, what="training data")
    te = prepare(test, schema, what="test data")
    enc = ModelEncoder.fit(tr, schema, target)
    xtr, ytr = enc.transform(tr), enc.target(tr)
    xte, yte = enc.transform(te), enc.target(te)
    pred, classes = _fit_predict(model, task, xtr, ytr, xte, seed, categorical=enc.categorical_mask)
    return float(_score(task, yte, pred, classes, None)[0])


def _task(schema: Schema) -> tuple[str, str]:
    if schema.target is None or schema.task is None:
        raise SchemaError("Utility needs a target column; choose one in the schema.")
    if schema.target not in schema.learned:
        raise SchemaError(f"The target '{schema.target}' is not a learned column.")
    return schema.task, schema.target


@dataclass
class Features:
    """Two views of the same rows: one-hot (linear model, forest) and compact (gradient boosting, which
    takes missing values and category codes natively and is several times faster on fewer columns)."""

    onehot: np.ndarray
    compact: np.ndarray

    def __len__(self) -> int:
        return self.onehot.shape[0]

    def rows(self, keep: np.ndarray) -> Features:
        return Features(self.onehot[keep], self.compact[keep])

    @staticmethod
    def stack(a: Features, b: Features) -> Features:
        return Features(np.vstack([a.onehot, b.onehot]), np.vstack([a.compact, b.compact]))


@dataclass
class ModelEncoder:
    """Features for the models, fitted on the training rows: numbers standardised with a missing flag
    (median-filled), categories one-hot over the most common levels plus 'other' and 'missing'; and the
    compact view: numbers as they are, categories as codes of the most common levels."""

    target_name: str
    task: str
    numeric: dict[str, tuple[float, float, float]]  # column -> (median, mean, sd)
    levels: dict[str, list[str]]
    codes: dict[str, list[str]]

    @classmethod
    def fit(cls, df: pd.DataFrame, schema: Schema, target: str) -> ModelEncoder:
        numeric, levels, codes = {}, {}, {}
        for c in df.columns:
            if c == target:
                continue
            if schema[c].kind in (Kind.NUMERICAL, Kind.DATETIME):
                v = continuous_values(df[c])
                fin = v[np.isfinite(v)]
                med = float(np.median(fin)) if fin.size else 0.0
                mean = float(fin.mean()) if fin.size else 0.0
                sd = float(fin.std()) if fin.size > 1 else 0.0
                numeric[c] = (med, mean, sd if sd > 0 else 1.0)
            else:
                vc = text_values(df[c]).value_counts(dropna=True)
                levels[c] = [str(v) for v in vc.index[:TOP_LEVELS]]
                codes[c] = [str(v) for v in vc.index[:MAX_CODES]]
        return cls(target, schema.task or "", numeric, levels, codes)

    @property
    def categorical_mask(self) -> np.ndarray:
        """Which compact columns are category codes (gradient boosting's ``categorical_features``)."""
        return np.array([False] * len(self.numeric) + [True] * len(self.codes), dtype=bool)

    @property
    def feature_columns(self) -> list[str]:
        """The source column of each feature (to add importances up per column)."""
        out = []
        for c in self.numeric:
            out += [c, c]
        for c, lv in self.levels.items():
            out += [c] * (len(lv) + 2)
        return out

    def transform(self, df: pd.DataFrame) -> Features:
        return Features(self._onehot(df), self._compact(df))

    def _compact(self, df: pd.DataFrame) -> np.ndarray:
        parts = [continuous_values(df[c]) for c in self.numeric]
        for c, lv in self.codes.items():
            s = text_values(df[c])
            code = pd.Categorical(s, categories=lv).codes.astype("float64")
            code[code < 0] = len(lv)  # other
            code[s.isna().to_numpy()] = np.nan
            parts.append(code)
        return np.column_stack(parts) if parts else np.zeros((len(df), 1))

    def _onehot(self, df: pd.DataFrame) -> np.ndarray:
        parts = []
        for c, (med, mean, sd) in self.numeric.items():
            v = continuous_values(df[c])
            miss = ~np.isfinite(v)
            parts.append(((np.where(miss, med, v) - mean) / sd)[:, None])
            parts.append(miss.astype("float64")[:, None])
        for c, lv in self.levels.items():
            s = text_values(df[c])
            codes = pd.Categorical(s, categories=lv).codes
            block = np.zeros((len(df), len(lv) + 2))
            rows = np.arange(len(df))
            known = codes >= 0
            block[rows[known], codes[known]] = 1.0
            block[rows[~known & s.notna().to_numpy()], len(lv)] = 1.0  # other
            block[rows[s.isna().to_numpy()], len(lv) + 1] = 1.0  # missing
            parts.append(block)
        return np.hstack(parts) if parts else np.zeros((len(df), 1))

    def target(self, df: pd.DataFrame) -> np.ndarray:
        s = df[self.target_name]
        if self.task == "regression":
            return continuous_values(s)
        return text_values(s).to_numpy(dtype=object, na_value=None)


def _labelled(x: Features, y: np.ndarray, task: str) -> tuple[Features, np.ndarray]:
    keep = np.isfinite(y) if task == "regression" else np.array([v is not None for v in y], dtype=bool)
    return x.rows(keep), y[keep]


def _make(model: str, task: str, seed: int, categorical: np.ndarray | None = None):
    if task == "classification":
        if model == "linear":
            return LogisticRegression(max_iter=300)
        if model == "rf":
            return RandomForestClassifier(n_estimators=30, min_samples_leaf=2, max_samples=0.5, n_jobs=1,
                                          random_state=seed)
        if model == "hgb":
            return HistGradientBoostingClassifier(max_iter=50, learning_rate=0.2, early_stopping="auto", random_state=seed,
                                                  categorical_features=_mask(categorical))
    else:
        if model == "linear":
            return Ridge(alpha=1.0)
        if model == "rf":
            return RandomForestRegressor(n_estimators=30, min_samples_leaf=2, max_samples=0.5, n_jobs=1,
                                         random_state=seed)
        if model == "hgb":
            return HistGradientBoostingRegressor(max_iter=50, learning_rate=0.2, early_stopping="auto", random_state=seed,
                                                 categorical_features=_mask(categorical))
    raise SchemaError(f"Unknown model '{model}'; choose one of {', '.join(MODELS)}.")


def _mask(categorical: np.ndarray | None):
    return categorical if categorical is not None and categorical.any() else None


def _fit_predict(model: str, task: str, ftr: Features, ytr, fte: Features, seed: int, keep_model: bool = False,
                 categorical: np.ndarray | None = None):
    """Predictions on ``fte`` (class probabilities or values) and the class labels, or a constant
    prediction when the training rows cannot support a model (one class, no rows)."""
    ftr, ytr = _labelled(ftr, ytr, task)
    compact = model == "hgb"
    xtr = ftr.compact if compact else ftr.onehot
    xte = fte.compact if compact else fte.onehot
    est = None
    if task == "classification":
        classes = np.array(sorted(set(ytr.tolist())), dtype=object)
        if len(classes) < 2:
            pred = np.ones((len(xte), max(len(classes), 1)))
            return (pred, classes, None) if keep_model else (pred, classes)
        est = _make(model, task, seed, categorical if compact else None).fit(xtr, ytr)
        pred = est.predict_proba(xte)
        classes = np.asarray(est.classes_, dtype=object)
    else:
        classes = None
        if len(ytr) < 2:
            pred = np.full(len(xte), float(np.mean(ytr)) if len(ytr) else 0.0)
            return (pred, classes, None) if keep_model else (pred, classes)
        est = _make(model, task, seed, categorical if compact else None).fit(xtr, ytr)
        pred = est.predict(xte)
    return (pred, classes, est) if keep_model else (pred, classes)


def _weighted_auc(score: np.ndarray, pos: np.ndarray, w: np.ndarray) -> np.ndarray:
    """ROC AUC (ties count half) per replicate row of weights ``w`` (B, n)."""
    order = np.argsort(score, kind="stable")
    s, p, w = score[order], pos[order], w[:, order]
    group = np.r_[0, np.cumsum(s[1:] != s[:-1])]
    g = int(group[-1]) + 1 if len(group) else 0
    b = w.shape[0]
    flat = (group[None, :] + g * np.arange(b)[:, None]).ravel()
    wp = np.bincount(flat, weights=(w * p[None, :]).ravel(), minlength=b * g).reshape(b, g)
    wn = np.bincount(flat, weights=(w * ~p[None, :]).ravel(), minlength=b * g).reshape(b, g)
    below = np.cumsum(wn, axis=1) - wn
    num = (wp * (below + 0.5 * wn)).sum(axis=1)
    den = wp.sum(axis=1) * wn.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _score(task: str, y: np.ndarray, pred: np.ndarray, classes, w: np.ndarray | None) -> np.ndarray:
    """AUC (macro one-vs-rest) or R² per replicate; rows with a missing target are left out."""
    if task == "regression":
        keep = np.isfinite(y)
        y, pred = y[keep], pred[keep]
        w = np.ones((1, len(y))) if w is None else w[:, keep]
        tot = w.sum(axis=1)
        mean = (w * y).sum(axis=1) / tot
        ss_res = (w * (y - pred) ** 2).sum(axis=1)
        ss_tot = (w * (y[None, :] - mean[:, None]) ** 2).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ss_tot > 0, 1 - ss_res / ss_tot, np.nan)
    keep = np.array([v is not None for v in y], dtype=bool)
    y, pred = y[keep], pred[keep]
    w = np.ones((1, len(y))) if w is None else w[:, keep]
    if len(classes) < 2:
        return np.full(w.shape[0], 0.5)  # one class learned: a constant guess
    cols = [1] if len(classes) == 2 else range(len(classes))
    aucs = []
    for k in cols:
        pos = y == classes[k]
        if pos.all() or not pos.any():
            continue
        aucs.append(_weighted_auc(pred[:, k], pos, w))
    if not aucs:
        return np.full(w.shape[0], np.nan)
    return np.nanmean(np.vstack(aucs), axis=0) if len(aucs) > 1 else aucs[0]


def _importances(est, enc: ModelEncoder) -> dict[str, float] | None:
    if est is None or not hasattr(est, "feature_importances_"):
        return None
    out: dict[str, float] = {}
    for col, imp in zip(enc.feature_columns, est.feature_importances_, strict=True):
        out[col] = out.get(col, 0.0) + float(imp)
    return out


def utility_section(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, schema: Schema,
                    seed: int = 0, replicates: int = REPLICATES) -> dict:
    """TSTR vs TRTR (and augmentation) for three models, tested on the holdout; working frames in."""
    if schema.target is None or schema.task is None or schema.target not in schema.learned:
        return _not_applicable("no target column is chosen, so there is no prediction task to test")
    task, target = _task(schema)
    y_train_known = train[target].notna()
    if y_train_known.sum() < 10 or holdout[target].notna().sum() < 10:
        return _not_applicable("the target has fewer than 10 known values in train or holdout")
    rows = min(len(train), MAX_ROWS)
    tr = train.iloc[seeded_sample(len(train), rows, seed)]
    sy = synthetic.iloc[seeded_sample(len(synthetic), rows, seed + 2)]  # same size as real train
    enc = ModelEncoder.fit(tr, schema, target)
    xtr, ytr = enc.transform(tr), enc.target(tr)
    xsy, ysy = enc.transform(sy), enc.target(sy)
    xte, yte = enc.transform(holdout), enc.target(holdout)
    xau, yau = Features.stack(xtr, xsy), np.r_[ytr, ysy]
    if task == "classification" and len({v for v in yte if v is not None}) < 2:
        return _not_applicable("the holdout has a single class, so ROC AUC is undefined")
    boot = bootstrap_weights(len(yte), replicates_for(replicates, len(yte)), np.random.default_rng(seed))
    sets = {"synthetic": (xsy, ysy), "real": (xtr, ytr), "augmented": (xau, yau)}
    mask = enc.categorical_mask

    def fit(name: str, which: str):
        return _fit_predict(name, task, *sets[which], xte, seed, keep_model=True, categorical=mask)

    # the forests run one after another in a single task: scikit-learn's forest parallelism is not
    # thread-safe about warning filters when two forests fit side by side
    chains = [[("rf", which) for which in sets]] + [[(n, which)] for n in MODELS if n != "rf" for which in sets]
    fitted = run_all([lambda c=c: [fit(n, which) for n, which in c] for c in chains])
    result = {job: res for chain, out in zip(chains, fitted, strict=True) for job, res in zip(chain, out, strict=True)}
    models, boot_tstr, boot_trtr, boot_aug, importance = [], [], [], [], {}
    for name in MODELS:
        (p_s, cl_s, est_s), (p_r, cl_r, est_r) = result[(name, "synthetic")], result[(name, "real")]
        p_a, cl_a, _ = result[(name, "augmented")]
        s_s = float(_score(task, yte, p_s, cl_s, None)[0])
        s_r = float(_score(task, yte, p_r, cl_r, None)[0])
        s_a = float(_score(task, yte, p_a, cl_a, None)[0])
        boot_tstr.append(_score(task, yte, p_s, cl_s, boot))
        boot_trtr.append(_score(task, yte, p_r, cl_r, boot))
        boot_aug.append(_score(task, yte, p_a, cl_a, boot))
        models.append({"model": name, "label": MODEL_NAMES[name], "tstr": s_s, "trtr": s_r, "augmented": s_a,
                       "ratio": s_s / s_r if np.isfinite(s_r) and s_r != 0 else None})
        if name == "rf":
            importance = {"synthetic": _importances(est_s, enc), "real": _importances(est_r, enc)}
    tstr_v = float(np.nanmean([m["tstr"] for m in models]))
    trtr_v = float(np.nanmean([m["trtr"] for m in models]))
    aug_v = float(np.nanmean([m["augmented"] for m in models]))
    bt, br = np.nanmean(np.vstack(boot_tstr), axis=0), np.nanmean(np.vstack(boot_trtr), axis=0)
    tstr = Figure.of(TSTR, tstr_v, ceiling=trtr_v, ci=percentile_ci(bt), ceiling_ci=percentile_ci(br))
    model_spread = spread(np.array([m["trtr"] for m in models]))
    judge(tstr, spread(bt - br), model_spread, scale_basis="the spread of real-trained scores across model types")
    tstr.extra["score"] = "ROC AUC" if task == "classification" else "R²"
    ba = np.nanmean(np.vstack(boot_aug), axis=0)
    aug = Figure.of(Augmentation, aug_v, ceiling=trtr_v, ci=percentile_ci(ba), ceiling_ci=percentile_ci(br))
    judge(aug, spread(br), model_spread, scale_basis="the spread of real-trained scores across model types")
    agreement = Figure.of(ImportanceAgreement, _rank_agreement(importance), ceiling=1.0)
    agreement.rating = "n/a"
    agreement.note = "Spearman rank correlation of the random forests' feature importances (not rated)."
    if importance.get("real"):
        agreement.extra["columns"] = [
            {"column": c, "real": importance["real"].get(c), "synthetic": (importance.get("synthetic") or {}).get(c)}
            for c in sorted(importance["real"], key=lambda c: -importance["real"][c])
        ]
    return {
        "task": task,
        "target": target,
        "score": tstr.extra["score"],
        "tstr": tstr,
        "augmentation": aug,
        "importance_agreement": agreement,
        "models": models,
        "rows_trained": rows,
        "rows_tested": len(yte),
        "verdict": section_verdict([tstr]),
    }


def _rank_agreement(importance: dict) -> float | None:
    real, syn = importance.get("real"), importance.get("synthetic")
    if not real or not syn:
        return None
    cols = sorted(real)
    a = np.array([real[c] for c in cols])
    b = np.array([syn.get(c, 0.0) for c in cols])
    if len(cols) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(stats.spearmanr(a, b).statistic)


def _not_applicable(reason: str) -> dict:
    return {"verdict": {"rating": "n/a", "why": f"Not rated: {reason}.", "decided_by": None}, "note": reason}
