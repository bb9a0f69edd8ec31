"""Development stand-ins for the quality figures (replaced by :mod:`synthlab.metrics` in the benchmark)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import NearestNeighbors

from synthlab.schema import Kind, Schema


def _encode(frames: list[pd.DataFrame], schema: Schema, cols: list[str]) -> tuple[list[np.ndarray], list[bool]]:
    out = [[] for _ in frames]
    is_cat = []
    for c in cols:
        kind = schema[c].kind
        if kind in (Kind.NUMERICAL, Kind.DATETIME):
            for i, f in enumerate(frames):
                s = f[c]
                if kind == Kind.DATETIME:
                    s = pd.to_datetime(s, errors="coerce")
                    v = s.astype("int64").astype(float)
                    v[s.isna().to_numpy()] = np.nan
                else:
                    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
                out[i].append(np.asarray(v, dtype=float))
            is_cat.append(False)
        else:
            allv = pd.concat([f[c].astype(str) for f in frames])
            cats = {v: k for k, v in enumerate(allv.value_counts().index[:250])}
            for i, f in enumerate(frames):
                out[i].append(f[c].astype(str).map(lambda v, cats=cats: cats.get(v, 250)).to_numpy(dtype=float))
            is_cat.append(True)
    return [np.column_stack(o) for o in out], is_cat


def detection_auc(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema, folds: int = 5, seed: int = 0) -> float:
    cols = schema.learned
    n = min(len(real), len(synthetic))
    real = real.sample(n, random_state=seed)
    synthetic = synthetic.sample(n, random_state=seed)
    (xr, xs), is_cat = _encode([real, synthetic], schema, cols)
    x = np.vstack([xr, xs])
    y = np.r_[np.zeros(n), np.ones(n)]
    aucs = []
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        m = HistGradientBoostingClassifier(categorical_features=np.array(is_cat), random_state=seed, max_iter=100)
        m.fit(x[tr], y[tr])
        aucs.append(roc_auc_score(y[te], m.predict_proba(x[te])[:, 1]))
    return float(np.mean(aucs))


def train_test_score(train: pd.DataFrame, test: pd.DataFrame, schema: Schema, model: str = "hgb", seed: int = 0) -> float:
    t = schema.target
    cols = [c for c in schema.learned if c != t]
    (xtr, xte), is_cat = _encode([train, test], schema, cols)
    if schema.task == "regression":
        m = HistGradientBoostingRegressor(categorical_features=np.array(is_cat), random_state=seed)
        ytr = pd.to_numeric(train[t]).to_numpy(float)
        ok = ~np.isnan(ytr)
        m.fit(xtr[ok], ytr[ok])
        yte = pd.to_numeric(test[t]).to_numpy(float)
        ok2 = ~np.isnan(yte)
        return float(r2_score(yte[ok2], m.predict(xte[ok2])))
    ytr, yte = train[t].astype(str).to_numpy(), test[t].astype(str).to_numpy()
    m = HistGradientBoostingClassifier(categorical_features=np.array(is_cat), random_state=seed)
    m.fit(xtr, ytr)
    proba = m.predict_proba(xte)
    classes = list(m.classes_)
    if len(np.unique(yte)) < 2:
        return float("nan")
    if len(classes) == 2:
        return float(roc_auc_score(yte == classes[1], proba[:, 1]))
    keep = np.isin(yte, classes)
    return float(roc_auc_score(yte[keep], proba[keep], multi_class="ovr", average="macro", labels=classes))


def _gower_matrix(frames: list[pd.DataFrame], schema: Schema, ref: pd.DataFrame) -> list[np.ndarray]:
    out = [[] for _ in frames]
    for c in schema.learned:
        kind = schema[c].kind
        if kind in (Kind.NUMERICAL, Kind.DATETIME):
            def num(s, kind=kind):
                if kind == Kind.DATETIME:
                    s = pd.to_datetime(s, errors="coerce")
                    v = s.astype("int64").astype(float)
                    v[s.isna().to_numpy()] = np.nan
                    return np.asarray(v)
                return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            r = num(ref[c])
            lo, hi = np.nanmin(r) if np.isfinite(r).any() else 0, np.nanmax(r) if np.isfinite(r).any() else 1
            span = (hi - lo) or 1.0
            for i, f in enumerate(frames):
                v = (num(f[c]) - lo) / span
                miss = np.isnan(v)
                out[i].append(np.where(miss, 0.0, v))
                out[i].append(miss * 1.0)
        else:
            cats = pd.concat([f[c].astype(str) for f in frames]).unique()
            for i, f in enumerate(frames):
                s = f[c].astype(str)
                for v in cats:
                    out[i].append((s == v).to_numpy() * 0.5)
    return [np.column_stack(o) for o in out]


def closer_to_train_share(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame, schema: Schema) -> float:
    xs, xt, xh = _gower_matrix([synthetic, train, holdout], schema, train)
    dt = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(xt).kneighbors(xs)[0][:, 0]
    dh = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(xh).kneighbors(xs)[0][:, 0]
    return float(np.mean((dt < dh) + 0.5 * (dt == dh)))


def _keys(df: pd.DataFrame, schema: Schema) -> pd.Series:
    f = df[schema.learned].astype(str)
    return pd.util.hash_pandas_object(f, index=False)


def exact_copy_share(rows: pd.DataFrame, train: pd.DataFrame, schema: Schema) -> float:
    return float(np.isin(_keys(rows, schema).to_numpy(), _keys(train, schema).to_numpy()).mean())


def column_pair_trends(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> float:
    cols = schema.learned
    scores = []
    num = {c: schema[c].kind in (Kind.NUMERICAL, Kind.DATETIME) for c in cols}

    def as_num(s, c):
        if schema[c].kind == Kind.DATETIME:
            s = pd.to_datetime(s, errors="coerce")
            v = s.astype("int64").astype(float)
            v[s.isna().to_numpy()] = np.nan
            return pd.Series(np.asarray(v))
        return pd.to_numeric(s, errors="coerce").reset_index(drop=True)

    def as_cat(s, c, ref):
        if num[c]:
            r = as_num(ref, c)
            edges = np.histogram_bin_edges(r.dropna(), bins=10)
            return pd.Series(np.digitize(as_num(s, c), edges[1:-1])).astype(str)
        return s.astype(str).reset_index(drop=True)

    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            if num[a] and num[b]:
                ra = pd.concat([as_num(real[a], a), as_num(real[b], b)], axis=1).dropna()
                sa = pd.concat([as_num(synthetic[a], a), as_num(synthetic[b], b)], axis=1).dropna()
                if len(ra) < 2 or len(sa) < 2:
                    continue
                cr, cs = ra.corr().iloc[0, 1], sa.corr().iloc[0, 1]
                if np.isnan(cr) or np.isnan(cs):
                    continue
                scores.append(1 - abs(cr - cs) / 2)
            else:
                r = pd.crosstab(as_cat(real[a], a, real[a]), as_cat(real[b], b, real[b]), normalize=True)
                s = pd.crosstab(as_cat(synthetic[a], a, real[a]), as_cat(synthetic[b], b, real[b]), normalize=True)
                r, s = r.stack(), s.stack()
                idx = r.index.union(s.index)
                tvd = 0.5 * np.abs(r.reindex(idx, fill_value=0) - s.reindex(idx, fill_value=0)).sum()
                scores.append(1 - tvd)
    return float(np.mean(scores)) if scores else float("nan")
