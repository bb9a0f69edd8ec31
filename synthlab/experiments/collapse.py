"""Model collapse: a generator trained on real data, then again and again on its own output.

Generation 1 is fitted on the real train; generation *g* on the rows generation *g − 1* made, with an
optional share of real train rows mixed back in each time (the usual mitigation). Every generation's
rows are measured against the real train on equal-size samples — fidelity, detection AUC, tail
coverage, rare-category survival, exact copies — and a model trained on them is tested on the real
holdout (utility). Generation 0 is the real holdout measured the same way: the level a fresh real
sample reaches, so a falling line shows what is lost, not what any sample would lose.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from synthlab.errors import DataError
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
    rare_categories,
    rare_survival,
    score_name,
    score_noise,
    settings,
    share_noise,
    stack,
    subsample,
    tail_coverage,
    utility,
)
from synthlab.progress import ProgressCallback, report, scaled
from synthlab.schema import Schema

MAX_GENERATIONS = 50

COLUMNS = {
    "generation": "0 = the real holdout (the level of a fresh real sample); 1 = fitted on real rows; "
                  "g = fitted on generation g − 1's rows",
    "trained_on": "what the generator of this generation was fitted on",
    "real_rows_mixed": "real train rows mixed into this generation's training rows",
    "fidelity": "mean of column shapes and pair trends (1 = identical to the real train)",
    "column_shapes": "per-column distribution similarity with the real train (1 = identical)",
    "pair_trends": "similarity of correlations / contingency tables with the real train (1 = identical)",
    "detection_auc": "how well a classifier tells these rows from real train rows (0.5 = it cannot)",
    "tail_coverage": "share of the real 1st–99th percentile range of each number column the rows reach",
    "rare_survival": "share of the real train's rare categories (< 5% of rows) still present",
    "exact_copies": "share of rows identical to a real train row",
    "utility": "ROC AUC / R² on the real holdout of a model trained on these rows",
    "fit_seconds": "time to fit this generation's generator",
}


def run_collapse(data: pd.DataFrame, schema: Schema, generator: str = "synthlab",
                 params: dict[str, Any] | None = None, seed: int = 0,
                 on_progress: ProgressCallback | None = None, *, generations: int = 5, real_share: float = 0.0,
                 max_rows: int | None = DEFAULT_MAX_ROWS, holdout_share: float = HOLDOUT_SHARE,
                 model: str = "hgb") -> ExperimentResult:
    """Fit ``generator`` for ``generations`` generations, each on the previous one's output (plus
    ``real_share`` of real rows), and measure every generation; see the module doc."""
    timer = Timer()
    generations = int(generations)
    if not 1 <= generations <= MAX_GENERATIONS:
        raise DataError(f"The number of generations must be between 1 and {MAX_GENERATIONS}.")
    real_share = float(real_share)
    if not 0.0 <= real_share < 1.0:
        raise DataError("The share of real rows mixed back must be at least 0 and below 1.")
    check_model(model)
    report(on_progress, 0.0, "Splitting the real data")
    split = prepare(data, schema, max_rows, seed, holdout_share)
    train, holdout = split.train, split.holdout
    n = len(train)
    rare = rare_categories(train, schema)
    target = has_target(schema)
    steps = generations + 1
    measure = _Measure(train, holdout, schema, rare, seed, model, target)

    report(on_progress, 0.0, "Measuring the real holdout (generation 0)")
    rows = [{"generation": 0, "trained_on": "real holdout (reference)", "real_rows_mixed": 0,
             **measure(holdout, train, scaled(on_progress, 0.0, 1 / steps)), "fit_seconds": 0.0}]
    current, k_real = train, n
    for g in range(1, generations + 1):
        base = g / steps
        span = 1 / steps
        report(on_progress, base, f"Generation {g} of {generations}: fitting {generator}")
        t = Timer()
        model_g = fit(generator, params, current, schema, seed + g - 1, scaled(on_progress, base, base + 0.5 * span))
        fit_s = t.seconds
        report(on_progress, base + 0.5 * span, f"Generation {g} of {generations}: sampling {n:,} rows")
        synthetic = model_g.sample(n, seed + g - 1)
        trained_on = "real train" if g == 1 else (
            f"generation {g - 1}" + (f" + {real_share:.0%} real" if real_share > 0 else ""))
        rows.append({"generation": g, "trained_on": trained_on, "real_rows_mixed": k_real,
                     **measure(synthetic, synthetic, scaled(on_progress, base + 0.55 * span, base + span)),
                     "fit_seconds": fit_s})
        k_real = round(real_share * n)
        mixed_in = subsample(train, k_real, seed + 1000 + g) if k_real else train.iloc[:0]
        current = stack(synthetic.iloc[: n - k_real], mixed_in)
    report(on_progress, 1.0, "Done")

    table = pd.DataFrame(rows)
    notes = []
    if not target:
        table = table.drop(columns=["utility"])
        notes.append("Utility is skipped: no target column is set (choose one on the Data page, or --target).")
    if not rare:
        notes.append("Rare-category survival is empty: no category holds less than 5% of the real rows.")
    if table["tail_coverage"].isna().all():
        notes.append("Tail coverage is empty: the data has no number or date columns.")
    return ExperimentResult(
        name="collapse", table=table, summary=_summary(table, real_share, schema, holdout), notes=notes,
        settings=settings("collapse", generator, params, seed, split, generations=generations,
                          real_share=real_share, max_rows=max_rows, holdout_share=holdout_share, model=model,
                          score=score_name(schema) if target else None),
        columns={c: d for c, d in COLUMNS.items() if c in table.columns}, seconds=timer.seconds,
    )


class _Measure:
    """The per-generation measurements, each rows-vs-real-train comparison on holdout-size samples."""

    def __init__(self, train, holdout, schema, rare, seed, model, target) -> None:
        self.train, self.holdout, self.schema = train, holdout, schema
        self.rare, self.seed, self.model, self.target = rare, seed, model, target

    def __call__(self, rows: pd.DataFrame, model_rows: pd.DataFrame, on_progress: ProgressCallback | None) -> dict:
        from synthlab.metrics.detection import detection_auc
        from synthlab.metrics.fidelity import column_pair_trends, column_shapes
        from synthlab.metrics.privacy import exact_copy_share

        tr, s = self.train, self.schema
        eq = subsample(rows, len(self.holdout), self.seed + 7)
        report(on_progress, 0.0, "Comparing columns and pairs")
        shapes, pairs = column_shapes(tr, eq, s), column_pair_trends(tr, eq, s)
        report(on_progress, 0.2, "Training the detection classifier")
        auc = detection_auc(tr, eq, s, seed=self.seed)
        report(on_progress, 0.6, "Checking tails, rare categories and copies")
        out = {
            "fidelity": _mean(shapes, pairs), "column_shapes": shapes, "pair_trends": pairs, "detection_auc": auc,
            "tail_coverage": tail_coverage(tr, eq, s), "rare_survival": rare_survival(self.rare, eq),
            "exact_copies": exact_copy_share(eq, tr, s),
        }
        report(on_progress, 0.7, "Training a model, testing it on the real holdout")
        out["utility"] = utility(model_rows, self.holdout, s, self.model, self.seed) if self.target else float("nan")
        report(on_progress, 1.0, "Measured")
        return out


def _mean(*values: float) -> float:
    ok = [v for v in values if finite(v)]
    return sum(ok) / len(ok) if ok else float("nan")


def _summary(table: pd.DataFrame, real_share: float, schema: Schema, holdout: pd.DataFrame) -> list[str]:
    ref, first, last = table.iloc[0], table.iloc[1], table.iloc[-1]
    n = int(last["generation"])
    lines = []
    noise = share_noise(len(holdout))

    def trend(label: str, col: str, better: str, what: str, tol: float = noise) -> None:
        if col not in table.columns or not finite(first[col]):
            return
        a, b, r = float(first[col]), float(last[col]), float(ref[col]) if finite(ref[col]) else None
        if n == 1:
            lines.append(f"{label}: {fmt(a)} after one generation; a fresh real sample: {fmt(r)}. {what}")
            return
        delta = b - a
        if better == "lower":
            delta = -delta
        if better == "half":
            delta = abs(a - 0.5) - abs(b - 0.5)
        tol = tol if finite(tol) else noise
        verdict = ("it degrades as generations feed on their own output" if delta < -tol else
                   "it improves" if delta > tol else "no clear change beyond sampling noise")
        lines.append(f"{label}: {fmt(a)} in generation 1, {fmt(b)} after {n} generations ({verdict}); "
                     f"a fresh real sample: {fmt(r)}. {what}")

    trend("Fidelity", "fidelity", "higher", "1 = same shapes and pairs as the real data.")
    trend("Detection AUC", "detection_auc", "half", "0.5 = indistinguishable from real rows.")
    trend("Tail coverage", "tail_coverage", "higher", "1 = the real 1st–99th percentile range is reached.")
    trend("Rare-category survival", "rare_survival", "higher",
          "1 = every category rarer than 5% still occurs.")
    if "utility" in table.columns:
        trend(f"Utility ({score_name(schema)} on the holdout)", "utility", "higher",
              "The reference is a model trained on the real train.",
              tol=score_noise(holdout, schema, float(ref["utility"])))
    if finite(last["exact_copies"]) and finite(ref["exact_copies"]) and \
            last["exact_copies"] > ref["exact_copies"] + 0.05:
        lines.append(f"{last['exact_copies']:.0%} of the rows of generation {n} are exact copies of real "
                     f"training rows (a fresh real sample: {ref['exact_copies']:.0%}).")
    if real_share > 0:
        lines.append(f"Each generation after the first was fitted on its predecessor's rows with "
                     f"{real_share:.0%} real rows mixed back in.")
    return lines
