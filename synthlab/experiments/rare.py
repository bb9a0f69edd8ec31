"""Rare cases and under-represented groups: boost a rare class or group with conditional sampling and
see what it does to a model, per group, and to the bias section's figures.

The generator is fitted once on the real train. Four training sets are compared, every model tested on
the real holdout:

* **real** — the real train as it is (the "before");
* **synthetic** — as many plain synthetic rows;
* **boosted synthetic** — as many synthetic rows, ``share`` of them with ``column == value``
  (:func:`synthlab.generators.conditions.rebalance`);
* **real + boosted** — the real train plus just enough synthetic ``column == value`` rows for the value
  to reach ``share`` (:func:`~synthlab.generators.conditions.sample_conditions`): the usual practice.

Per group of the boosted column and of each sensitive attribute (numbers cut into quartiles) the table
gives recall and precision for the outcome of interest (the boosted class when the target is boosted;
otherwise the positive or rarest target class) and two calibration figures: the Brier score and the
expected calibration error. A number target gets mean absolute error and mean error per group instead.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError, SchemaError
from synthlab.experiments._common import (
    DEFAULT_MAX_ROWS,
    HOLDOUT_SHARE,
    ExperimentResult,
    Timer,
    check_model,
    finite,
    fit,
    fmt,
    has_target,
    prepare,
    require_column,
    settings,
    stack,
)
from synthlab.progress import ProgressCallback, report, scaled
from synthlab.schema import Kind, Schema

ALL = "(all)"
MISSING = "(missing)"
OTHER = "(other)"
MAX_GROUPS = 12
CALIBRATION_BINS = 10
_POSITIVE = {"true", "yes", "y", "1", "positive", "pos"}
CONDITIONS = ("real", "synthetic", "boosted synthetic", "real + boosted")

COLUMNS = {
    "condition": "what the model was trained on: real train, plain synthetic, boosted synthetic, real + boosted",
    "training_rows": "rows the model was trained on",
    "boosted_share": "share of the training rows with the boosted value",
    "attribute": "the column whose groups this row is about ((all) = every holdout row)",
    "group": "the group",
    "group_share": "the group's share of the training rows",
    "holdout_rows": "holdout rows in the group",
    "positives": "holdout rows in the group with the outcome of interest",
    "recall": "share of the group's positives the model finds (higher is better)",
    "precision": "share of the group's predicted positives that are right (higher is better)",
    "brier": "mean squared error of the predicted probability (calibration; lower is better)",
    "ece": "expected calibration error: gap between predicted and observed rates (lower is better)",
    "mae": "mean absolute error of the prediction in the group (lower is better)",
    "mean_error": "mean of prediction − truth in the group (0 = no systematic over- or under-prediction)",
}


def run_rare(data: pd.DataFrame, schema: Schema, generator: str = "synthlab", params: dict[str, Any] | None = None,
             seed: int = 0, on_progress: ProgressCallback | None = None, *, column: str | None = None,
             value: Any = None, share: float = 0.5, max_rows: int | None = DEFAULT_MAX_ROWS,
             holdout_share: float = HOLDOUT_SHARE, model: str = "hgb") -> ExperimentResult:
    """Boost ``column == value`` (default: the target's, else a sensitive attribute's rarest value) to
    ``share`` of the rows and compare models per group before and after (see the module doc)."""
    timer = Timer()
    check_model(model)
    share = float(share)
    if not 0.0 < share < 1.0:
        raise DataError("The target share of the boosted value must be above 0 and below 1.")
    column = default_column(schema) if column is None else str(column)
    require_column(schema, column, "column to boost")
    if schema[column].kind not in (Kind.CATEGORICAL, Kind.BOOLEAN):
        raise SchemaError(f"'{column}' is {schema[column].kind.value}; boost a categorical or yes/no column.")
    report(on_progress, 0.0, "Splitting the real data")
    split = prepare(data, schema, max_rows, seed, holdout_share)
    train, holdout = split.train, split.holdout
    n = len(train)
    value_text = match_value(train, column, value)
    is_value = _is(value_text, column)
    real_share = float(is_value(train).mean())

    report(on_progress, 0.02, f"Fitting {generator} on the real train")
    gen = fit(generator, params, train, schema, seed, scaled(on_progress, 0.02, 0.5))
    from synthlab.generators.conditions import rebalance, sample_conditions

    report(on_progress, 0.5, "Sampling plain synthetic rows")
    plain = gen.sample(n, seed)
    report(on_progress, 0.55, f"Sampling synthetic rows with {value_text!r} boosted to {share:.0%}")
    boosted = rebalance(gen, n, seed, column, value_text, share, on_progress=scaled(on_progress, 0.55, 0.65))
    notes = []
    k = math.ceil((share * n - is_value(train).sum()) / (1 - share))
    if k > 0:
        report(on_progress, 0.65, f"Sampling {k:,} synthetic rows with {column} = {value_text!r}")
        extra = sample_conditions(gen, k, seed + 1, {column: value_text}, on_progress=scaled(on_progress, 0.65, 0.7))
        augmented = stack(train, extra)
    else:
        augmented = train
        notes.append(f"'{value_text}' already makes up {real_share:.0%} of the real rows, at least the target "
                     f"{share:.0%}: real + boosted is the real train.")
    sets = dict(zip(CONDITIONS, (train, plain, boosted, augmented), strict=True))

    attrs = [a for a in dict.fromkeys([column, *schema.sensitive]) if a != schema.target and a in schema.learned]
    groupers = {a: Grouper.fit(schema, a, train) for a in attrs}
    target = has_target(schema)
    if target:
        positive = positive_class(schema, train, column, value_text)
        truth = _truth(schema, holdout, positive)
    else:
        notes.append("Per-group model performance is skipped: no target column is set (choose one on the Data "
                     "page, or --target). Group shares and the bias figures below are still shown.")
        positive, truth = None, None
    rows = []
    for i, (cond, frame) in enumerate(sets.items()):
        report(on_progress, 0.7 + 0.2 * i / len(sets), f"Training a model on the {cond} rows")
        pred = holdout_predictions(frame, holdout, schema, positive, model, seed) if target else None
        common = {"condition": cond, "training_rows": len(frame), "boosted_share": float(is_value(frame).mean())}
        rows.append({**common, "attribute": ALL, "group": ALL, "group_share": 1.0,
                     **_group_figures(schema, truth, pred, np.ones(len(holdout), dtype=bool))})
        for attr, grouper in groupers.items():
            train_codes, hold_codes = grouper.codes(frame), grouper.codes(holdout)
            for g, label in enumerate(grouper.labels):
                mask = hold_codes == g
                if not mask.any() and not (train_codes == g).any():
                    continue
                rows.append({**common, "attribute": attr, "group": label,
                             "group_share": float((train_codes == g).mean()),
                             **_group_figures(schema, truth, pred, mask)})
    table = pd.DataFrame(rows)
    if not target:
        table = table[[c for c in table.columns if c in ("condition", "training_rows", "boosted_share", "attribute",
                                                         "group", "group_share", "holdout_rows")]]
    report(on_progress, 0.9, "Computing the bias figures")
    bias_schema = replace(schema, sensitive=attrs)
    figures, rates = bias_tables(sets, holdout, bias_schema, seed) if attrs else (pd.DataFrame(), pd.DataFrame())
    if not attrs:
        notes.append("No group to compare: the boosted column is the target and no sensitive attribute is set.")
    report(on_progress, 1.0, "Done")
    summary = _summary(table, figures, column, value_text, share, real_share, positive, schema)
    return ExperimentResult(
        name="rare", table=table.reset_index(drop=True), summary=summary, notes=notes,
        settings=settings("rare", generator, params, seed, split, column=column, value=value_text, share=share,
                          max_rows=max_rows, holdout_share=holdout_share, model=model, positive_class=positive),
        extra={"bias_figures": figures, "bias_groups": rates},
        columns={c: d for c, d in COLUMNS.items() if c in table.columns}, seconds=timer.seconds,
    )


# ----- choosing what to boost -------------------------------------------------------------------------
def default_column(schema: Schema) -> str:
    """The target when it is a class, else the first categorical sensitive attribute, else the first
    categorical column."""
    discrete = [c for c in schema.learned if schema[c].kind in (Kind.CATEGORICAL, Kind.BOOLEAN)]
    if schema.target in discrete:
        return schema.target
    for s in schema.sensitive:
        if s in discrete:
            return s
    if discrete:
        return discrete[0]
    raise SchemaError("The rare-cases experiment needs a categorical or yes/no column to boost; the data has none.")


def match_value(train: pd.DataFrame, column: str, value: Any) -> str:
    """The value as it is written in the working frame (default: the rarest one in the real train)."""
    counts = train[column].dropna().astype("string").value_counts()
    if counts.empty:
        raise DataError(f"'{column}' has no values in the real train.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return str(counts.index[-1])
    text = str(value).strip()
    if text in counts.index:
        return text
    if str(train[column].dtype) == "boolean":
        low = text.lower()
        if low in {"true", "yes", "y", "1", "1.0"}:
            text = "True"
        elif low in {"false", "no", "n", "0", "0.0"}:
            text = "False"
        if text in counts.index:
            return text
    shown = ", ".join(map(str, counts.index[:10]))
    raise SchemaError(f"'{value}' never occurs in '{column}' in the real train. Values: {shown}.")


def positive_class(schema: Schema, train: pd.DataFrame, column: str, value_text: str) -> str | None:
    """The outcome recall and precision are about: the boosted class when the target is boosted, else a
    yes-like class of a yes/no target, else the rarest class (None for a number target)."""
    if schema.task != "classification":
        return None
    if column == schema.target:
        return value_text
    counts = train[schema.target].dropna().astype("string").value_counts()
    labels = [str(v) for v in counts.index]
    if len(labels) == 2:
        for v in labels:
            if v.strip().lower() in _POSITIVE:
                return v
    return labels[-1] if labels else None


def _is(value_text: str, column: str):
    def test(df: pd.DataFrame) -> pd.Series:
        return (df[column].astype("string") == value_text).fillna(False).astype(bool)

    return test


# ----- groups ------------------------------------------------------------------------------------------
class Grouper:
    """Group codes of one attribute: the real train's most common labels (the rest pooled), or the real
    train's quartiles of a number; missing values form their own group."""

    def __init__(self, column: str, labels: list[str], edges: np.ndarray | None) -> None:
        self.column, self.labels, self.edges = column, labels, edges

    @classmethod
    def fit(cls, schema: Schema, column: str, train: pd.DataFrame) -> Grouper:
        if schema[column].kind in (Kind.NUMERICAL, Kind.DATETIME):
            x = _numbers(train[column])
            x = x[np.isfinite(x)]
            edges = np.unique(np.quantile(x, [0.25, 0.5, 0.75])) if x.size else np.array([])
            bounds = np.r_[x.min() if x.size else 0.0, edges, x.max() if x.size else 0.0]
            labels = [f"{bounds[i]:.4g}–{bounds[i + 1]:.4g}" for i in range(len(edges) + 1)]
            return cls(column, [*labels, MISSING], edges)
        counts = train[column].dropna().astype("string").value_counts()
        top = [str(v) for v in counts.index[:MAX_GROUPS]]
        return cls(column, [*top, OTHER, MISSING], None)

    def codes(self, df: pd.DataFrame) -> np.ndarray:
        missing = len(self.labels) - 1
        if self.edges is not None:
            x = _numbers(df[self.column])
            return np.where(np.isfinite(x), np.digitize(x, self.edges, right=True), missing)
        s = df[self.column].astype("string")
        codes = pd.Categorical(s, categories=self.labels[:-2]).codes.astype(int)
        codes = np.where(codes < 0, missing - 1, codes)
        return np.where(s.isna().to_numpy(), missing, codes)


def _numbers(s: pd.Series) -> np.ndarray:
    from synthlab.metrics.encoding import continuous_values

    return continuous_values(s)


# ----- models -------------------------------------------------------------------------------------------
def _estimator(model: str, task: str, seed: int):
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from sklearn.linear_model import LogisticRegression, Ridge

    if task == "classification":
        return {"hgb": lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=seed),
                "rf": lambda: RandomForestClassifier(n_estimators=50, min_samples_leaf=2, max_samples=0.5,
                                                     n_jobs=1, random_state=seed),
                "linear": lambda: LogisticRegression(max_iter=300)}[model]()
    return {"hgb": lambda: HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=seed),
            "rf": lambda: RandomForestRegressor(n_estimators=50, min_samples_leaf=2, max_samples=0.5, n_jobs=1,
                                                random_state=seed),
            "linear": lambda: Ridge(alpha=1.0)}[model]()


def holdout_predictions(train: pd.DataFrame, holdout: pd.DataFrame, schema: Schema, positive: str | None,
                        model: str, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Per holdout row, from a model trained on ``train`` with the features the utility section uses:
    (probability of ``positive``, whether ``positive`` is the predicted class) for classification,
    (predicted number, None) for regression."""
    from synthlab.metrics.encoding import prepare as prepare_frame
    from synthlab.metrics.parallel import single_threaded
    from synthlab.metrics.utility import ModelEncoder

    target, task = schema.target, schema.task
    tr = prepare_frame(train, schema, what="training data")
    te = prepare_frame(holdout, schema, what="holdout data")
    enc = ModelEncoder.fit(tr, schema, target)
    x, y, xte = enc.transform(tr).onehot, enc.target(tr), enc.transform(te).onehot  # one view suits every model
    if task == "regression":
        keep = np.isfinite(y)
        if keep.sum() < 2:
            return np.full(len(te), float(np.nanmean(y)) if keep.any() else np.nan), None
        with single_threaded():
            return _estimator(model, task, seed).fit(x[keep], y[keep]).predict(xte), None
    keep = np.array([v is not None for v in y], dtype=bool)
    x, y = x[keep], y[keep]
    labels = sorted(set(y.tolist()))
    if len(labels) < 2:  # one class learned: it is always predicted, with certainty
        only = labels == [positive]
        return np.full(len(te), 1.0 if only else 0.0), np.full(len(te), only)
    with single_threaded():
        est = _estimator(model, task, seed).fit(x, y)
        proba = est.predict_proba(xte)
    classes = list(est.classes_)
    if positive not in classes:
        return np.zeros(len(te)), np.zeros(len(te), dtype=bool)
    k = classes.index(positive)
    return proba[:, k], proba.argmax(axis=1) == k


def _truth(schema: Schema, holdout: pd.DataFrame, positive: str | None) -> np.ndarray:
    if schema.task == "regression":
        return _numbers(holdout[schema.target])
    s = holdout[schema.target].astype("string")
    out = (s == positive).astype("float64").to_numpy(na_value=np.nan)
    return np.where(s.isna().to_numpy(), np.nan, out)


def _group_figures(schema: Schema, truth: np.ndarray | None, pred: tuple | None, mask: np.ndarray) -> dict:
    out: dict[str, Any] = {"holdout_rows": int(mask.sum())}
    if truth is None or pred is None:
        return out
    values, predicted = pred
    known = mask & np.isfinite(truth) & np.isfinite(values)
    y, p = truth[known], values[known]
    if schema.task == "regression":
        err = p - y
        out.update({"mae": float(np.mean(np.abs(err))) if y.size else np.nan,
                    "mean_error": float(np.mean(err)) if y.size else np.nan})
        return out
    hit = predicted[known]
    pos = y == 1
    out.update({
        "positives": int(pos.sum()),
        "recall": float((hit & pos).sum() / pos.sum()) if pos.any() else np.nan,
        "precision": float((hit & pos).sum() / hit.sum()) if hit.any() else np.nan,
        "brier": float(np.mean((p - y) ** 2)) if y.size else np.nan,
        "ece": calibration_error(y, p),
    })
    return out


def calibration_error(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: |mean prediction − observed rate| per probability bin, weighted by rows."""
    if y.size == 0:
        return float("nan")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in np.unique(idx):
        sel = idx == b
        total += sel.sum() * abs(float(p[sel].mean()) - float(y[sel].mean()))
    return total / y.size


# ----- the bias section's figures ------------------------------------------------------------------------
def bias_tables(sets: dict[str, pd.DataFrame], holdout: pd.DataFrame, schema: Schema,
                seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bias section of the scorecard for each synthetic training set, flattened: per attribute its
    figures, and per group its shares and target rates (real train, that set, holdout)."""
    from synthlab.metrics.bias import bias_section

    train = sets["real"]
    figs, groups = [], []
    for cond, frame in sets.items():
        if cond == "real":
            continue
        section = bias_section(train, frame, holdout, schema, seed=seed)
        for entry in section.get("attributes", []):
            attr = entry["attribute"]
            gsd = entry["group_share_distance"]
            row = {"condition": cond, "attribute": attr, "group_share_distance": gsd.value,
                   "group_share_distance_holdout": gsd.ceiling}
            wid = entry.get("gap_widening")
            if wid is not None:
                row.update({"gap_real": wid.extra.get("gap_real"), "gap_synthetic": wid.extra.get("gap_synthetic"),
                            "gap_holdout": wid.extra.get("gap_holdout"), "gap_widening": wid.value,
                            "rating": wid.rating, "flagged": wid.extra.get("flagged")})
            figs.append(row)
            for g in entry.get("groups", []):
                groups.append({"condition": cond, "attribute": attr, **g})
    return pd.DataFrame(figs), pd.DataFrame(groups)


# ----- summary ------------------------------------------------------------------------------------------
def _summary(table: pd.DataFrame, figures: pd.DataFrame, column: str, value: str, share: float,
             real_share: float, positive: str | None, schema: Schema) -> list[str]:
    shares = table[table["attribute"] == ALL].set_index("condition")["boosted_share"]
    lines = [f"'{value}' in '{column}' is {real_share:.1%} of the real train; boosted synthetic rows hold "
             f"{shares.get('boosted synthetic', float('nan')):.1%} and real + boosted rows "
             f"{shares.get('real + boosted', float('nan')):.1%} (target {share:.0%})."]
    if column == schema.target:
        focus = table[table["attribute"] == ALL]
        where = f"the class '{value}'"
    else:
        focus = table[(table["attribute"] == column) & (table["group"] == value)]
        where = f"the group {column} = '{value}'"
    focus = focus.set_index("condition")
    if "recall" in table.columns and len(focus):
        def get(cond: str, col: str) -> str:
            return fmt(focus[col].get(cond)) if cond in focus.index else "n/a"

        about = f" (outcome: {schema.target} = '{positive}')" if column != schema.target else ""
        lines.append(f"For {where}{about}: recall {get('real', 'recall')} trained on real rows, "
                     f"{get('real + boosted', 'recall')} on real + boosted, {get('boosted synthetic', 'recall')} "
                     f"on boosted synthetic only.")
        lines.append(f"Precision {get('real', 'precision')} → {get('real + boosted', 'precision')} (real + boosted); "
                     f"Brier score {get('real', 'brier')} → {get('real + boosted', 'brier')} (lower is better "
                     f"calibrated). Boosting usually trades precision and calibration for recall.")
    elif "mae" in table.columns and len(focus):
        lines.append(f"For {where}: mean absolute error {fmt(focus['mae'].get('real'))} trained on real rows, "
                     f"{fmt(focus['mae'].get('real + boosted'))} on real + boosted.")
    if len(figures) and "gap_synthetic" in figures.columns:
        for _, r in figures[figures["condition"] == "real + boosted"].iterrows():
            if finite(r.get("gap_real")):
                flag = " — flagged as widening" if r.get("flagged") else ""
                lines.append(f"Gap in target rate between groups of '{r['attribute']}': real {fmt(r['gap_real'])}, "
                             f"real + boosted {fmt(r['gap_synthetic'])}, holdout {fmt(r['gap_holdout'])}{flag}.")
    return lines
