"""Bias: does the synthetic data keep each group's share and outcome, or widen the gaps between groups?

For every sensitive attribute (numbers are cut into the real train's quartiles) the section reports
each group's share of rows and its *target rate* — the share of rows with the outcome of interest
(for a yes/no target the positive or rarer class; for several classes the rarest one; for a number
its mean in train standard deviations) — in real train, synthetic and holdout rows. The *gap* is the
largest difference in target rate between two groups. Bias amplification is flagged when the
synthetic gap exceeds the real one by more than the tolerance the holdout's own gap shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.metrics.base import Figure, Metric
from synthlab.metrics.encoding import continuous_values, text_values
from synthlab.metrics.uncertainty import bootstrap_weights, percentile_ci, replicates_for, spread
from synthlab.metrics.verdicts import judge, section_verdict
from synthlab.schema import Kind, Schema

MIN_GROUP_ROWS = 10
MIN_GROUP_SHARE = 0.01
REPLICATES = 100
MISSING = "(missing)"
OTHER = "(other)"
_POSITIVE = frozenset({"true", "yes", "y", "1", "positive", "pos"})


class GapWidening(Metric):
    name = "Gap widening"
    key = "gap_widening"
    goal = "minimize"
    range = (-1.0, 1.0)
    good = "At most the holdout's: the synthetic gap in target rate between groups is no wider than the real gap."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        values = [r["value"] for r in cls.breakdown(real, synthetic, schema) if r["value"] is not None]
        return float(max(values)) if values else float("nan")

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        """Per sensitive attribute: real gap, synthetic gap and their difference."""
        sec = _section_without_holdout(real, synthetic, schema)
        return [{"attribute": a["attribute"], "value": a["gap_widening"].value,
                 "gap_real": a["gap_widening"].extra["gap_real"], "gap_synthetic": a["gap_widening"].extra["gap_synthetic"]}
                for a in sec["attributes"] if "gap_widening" in a]


class GroupShareDistance(Metric):
    name = "Group-share distance"
    key = "group_share_distance"
    goal = "minimize"
    good = "About the holdout's: each group keeps its real share of rows (total variation distance)."

    @classmethod
    def compute(cls, real, synthetic, schema, **kwargs) -> float:
        values = [r["value"] for r in cls.breakdown(real, synthetic, schema)]
        return float(max(values)) if values else float("nan")

    @classmethod
    def breakdown(cls, real, synthetic, schema, **kwargs) -> list[dict]:
        sec = _section_without_holdout(real, synthetic, schema)
        return [{"attribute": a["attribute"], "value": a["group_share_distance"].value} for a in sec["attributes"]]


def _section_without_holdout(real, synthetic, schema) -> dict:
    from synthlab.metrics.encoding import prepare

    r = prepare(real, schema, what="real data")
    return bias_section(r, prepare(synthetic, schema, what="synthetic data"), r, schema, replicates=2)


def _groups(schema: Schema, attr: str, train: pd.DataFrame, frames: list[pd.DataFrame]) -> tuple[list[str], list[np.ndarray]]:
    """Group labels and per-frame integer group codes for one sensitive attribute."""
    if schema[attr].kind in (Kind.NUMERICAL, Kind.DATETIME):
        t = continuous_values(train[attr])
        fin = t[np.isfinite(t)]
        edges = np.unique(np.quantile(fin, [0.25, 0.5, 0.75])) if fin.size else np.array([])
        bounds = np.r_[fin.min() if fin.size else 0.0, edges, fin.max() if fin.size else 0.0]
        labels = [f"{bounds[i]:.4g}–{bounds[i + 1]:.4g}" for i in range(len(edges) + 1)] + [MISSING]
        codes = []
        for f in frames:
            x = continuous_values(f[attr])
            g = np.digitize(x, edges, right=True)
            codes.append(np.where(np.isfinite(x), g, len(labels) - 1))
        return labels, codes
    texts = [text_values(f[attr]).fillna(MISSING) for f in frames]
    vc = text_values(train[attr]).fillna(MISSING).value_counts()
    big = [str(v) for v, k in vc.items() if k >= max(MIN_GROUP_ROWS, MIN_GROUP_SHARE * len(train))]
    labels = [*big, OTHER]
    codes = [np.where(pd.Categorical(t, categories=big).codes < 0, len(big), pd.Categorical(t, categories=big).codes)
             for t in texts]
    return labels, codes


def _outcome(schema: Schema, train: pd.DataFrame, frames: list[pd.DataFrame]) -> tuple[str, list[np.ndarray]]:
    """What the target rate measures, and per frame the outcome per row (NaN = target missing)."""
    target = schema.target
    if schema.task == "regression":
        t = continuous_values(train[target])
        mu, sd = np.nanmean(t), np.nanstd(t)
        sd = sd if sd > 0 else 1.0
        return f"mean of '{target}' (in train standard deviations)", [(continuous_values(f[target]) - mu) / sd
                                                                        for f in frames]
    vc = text_values(train[target]).dropna().value_counts()
    labels = [str(v) for v in vc.index]
    positive = next((v for v in labels if v.strip().lower() in _POSITIVE), None) if len(labels) == 2 else None
    positive = positive if positive is not None else (labels[-1] if labels else "")
    outs = []
    for f in frames:
        s = text_values(f[target])
        o = (s == positive).astype("float64").to_numpy(na_value=np.nan)
        outs.append(np.where(s.isna().to_numpy(), np.nan, o))
    return f"share of '{target}' = '{positive}'", outs


def _rates(codes: np.ndarray, outcome: np.ndarray | None, k: int, w: np.ndarray | None):
    """Group shares and target rates per replicate: two ``(B, k)`` arrays."""
    ws = np.ones((1, codes.size)) if w is None else w
    b = ws.shape[0]
    flat = (codes[None, :] + k * np.arange(b)[:, None]).ravel()
    n = np.bincount(flat, weights=ws.ravel(), minlength=b * k).reshape(b, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = n / n.sum(axis=1, keepdims=True)
        if outcome is None:
            return shares, None
        known = np.isfinite(outcome)
        wk = ws * known[None, :]
        nk = np.bincount(flat, weights=wk.ravel(), minlength=b * k).reshape(b, k)
        so = np.bincount(flat, weights=(wk * np.where(known, outcome, 0.0)[None, :]).ravel(),
                         minlength=b * k).reshape(b, k)
        rates = np.where(nk >= 1, so / np.maximum(nk, 1e-12), np.nan)
    return shares, rates


def _gap(rates: np.ndarray, valid: np.ndarray) -> np.ndarray:
    r = np.where(valid[None, :], rates, np.nan)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(r).sum(axis=1) >= 2
        return np.where(ok, np.nanmax(np.where(np.isfinite(r), r, -np.inf), axis=1)
                        - np.nanmin(np.where(np.isfinite(r), r, np.inf), axis=1), np.nan)


def bias_section(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, schema: Schema,
                 seed: int = 0, replicates: int = REPLICATES) -> dict:
    """Per sensitive attribute: group shares, target rates and gap widening (working frames in)."""
    attrs = [a for a in schema.sensitive if a in schema.learned and a != schema.target]
    if not attrs:
        reason = "no sensitive attribute is chosen"
        return {"attributes": [], "verdict": {"rating": "n/a", "why": f"Not rated: {reason}.", "decided_by": None},
                "note": reason}
    has_target = schema.target is not None and schema.task is not None and schema.target in schema.learned
    rng = np.random.default_rng(seed)
    replicates = replicates_for(replicates, len(train), len(synthetic), len(holdout))
    wt = bootstrap_weights(len(train), replicates, rng)
    ws = bootstrap_weights(len(synthetic), replicates, rng)
    wh = bootstrap_weights(len(holdout), replicates, rng)
    frames = [train, synthetic, holdout]
    measure, outcomes = _outcome(schema, train, frames) if has_target else (None, [None, None, None])
    figures, out_attrs, widening_figs = [], [], []
    for attr in attrs:
        labels, codes = _groups(schema, attr, train, frames)
        k = len(labels)
        plain = [_rates(c, o, k, None) for c, o in zip(codes, outcomes, strict=True)]
        boot = [_rates(c, o, k, w) for c, o, w in zip(codes, outcomes, (wt, ws, wh), strict=True)]
        n_train = np.bincount(codes[0], minlength=k)
        valid = n_train >= MIN_GROUP_ROWS

        tv = [0.5 * np.abs(plain[i][0] - plain[0][0]).sum(axis=1)[0] for i in (1, 2)]
        btv = [0.5 * np.abs(boot[i][0] - boot[0][0]).sum(axis=1) for i in (1, 2)]
        share_fig = Figure.of(GroupShareDistance, tv[0], ceiling=tv[1], ci=percentile_ci(btv[0], center=tv[0]),
                              ceiling_ci=percentile_ci(btv[1], center=tv[1]))
        share_fig.label = f"Group-share distance for '{attr}'"
        judge(share_fig, spread(btv[0] - btv[1]), ideal=0.0)
        figures.append(share_fig)
        entry = {"attribute": attr, "group_share_distance": share_fig, "groups": []}

        if has_target:
            gaps = [_gap(p[1], valid)[0] for p in plain]
            bgaps = [_gap(b[1], valid) for b in boot]
            wid = Figure.of(GapWidening, gaps[1] - gaps[0], ceiling=gaps[2] - gaps[0],
                            ci=percentile_ci(bgaps[1] - bgaps[0], center=gaps[1] - gaps[0]),
                            ceiling_ci=percentile_ci(bgaps[2] - bgaps[0], center=gaps[2] - gaps[0]))
            wid.label = f"Gap widening for '{attr}'"
            judge(wid, spread(bgaps[1] - bgaps[2]), ideal=0.0)
            wid.extra.update({"gap_real": gaps[0], "gap_synthetic": gaps[1], "gap_holdout": gaps[2],
                              "flagged": bool(wid.rating not in ("excellent", "n/a") and (wid.value or 0) > 0)})
            figures.append(wid)
            widening_figs.append(wid)
            entry["gap_widening"] = wid
            entry["measure"] = measure
        for g, label in enumerate(labels):
            if n_train[g] == 0 and all(p[0][0, g] == 0 for p in plain[1:]):
                continue
            row = {"group": label, "share_real": plain[0][0][0, g], "share_synthetic": plain[1][0][0, g],
                   "share_holdout": plain[2][0][0, g], "rows_real": int(n_train[g])}
            if has_target:
                row.update({"rate_real": plain[0][1][0, g], "rate_synthetic": plain[1][1][0, g],
                            "rate_holdout": plain[2][1][0, g], "in_gap": bool(valid[g])})
            entry["groups"].append(row)
        out_attrs.append(entry)

    section: dict = {"attributes": out_attrs, "measure": measure}
    if widening_figs:
        worst = max(widening_figs, key=lambda f: (f.loss or 0.0) / (f.tolerance or 1.0))
        section["amplification"] = worst
        section["flagged"] = [f.label for f in widening_figs if f.extra.get("flagged")]
    section["verdict"] = section_verdict(figures)
    return section
