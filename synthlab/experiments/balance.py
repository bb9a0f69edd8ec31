"""Balance of synthetic and real rows: when does adding synthetic data help a model, and when does it hurt?

Two parts, every score measured on the real holdout (never trained on):

* **ratio** — the generator is fitted on all real train rows; a model is trained on the real train
  plus ``ratio`` × as many synthetic rows (0, 0.5, 1, 2, 5, 10 ×). The 0× point is the real-only score.
* **scarcity** — only a share of the real train is kept (5, 10, 25, 50, 100 %); a model is trained on
  it alone, and on it filled up to the full train size with rows of a generator fitted on that share
  only (all the real data one would have).

Synthetic sets are nested (the 2× rows include the 1× rows; the 10 % share includes the 5 % share),
so steps differ by what was added, not by a fresh draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError, GeneratorError, SchemaError
from synthlab.experiments._common import (
    DEFAULT_MAX_ROWS,
    HOLDOUT_SHARE,
    ExperimentResult,
    Timer,
    check_model,
    finite,
    fit,
    has_target,
    prepare,
    score_name,
    score_noise,
    settings,
    signed,
    stack,
    utility,
)
from synthlab.progress import ProgressCallback, report, scaled
from synthlab.schema import Schema

RATIOS = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0)
FRACTIONS = (0.05, 0.1, 0.25, 0.5, 1.0)
MAX_RATIO = 50.0

COLUMNS = {
    "part": "ratio: synthetic rows added to all real rows; scarcity: a share of the real rows, alone or filled up",
    "step": "the ratio (synthetic : real) or the share of real train rows kept",
    "ratio": "synthetic rows per real row in the training set",
    "real_fraction": "share of the real train rows used",
    "real_rows": "real rows in the training set",
    "synthetic_rows": "synthetic rows in the training set",
    "score_real_only": "holdout score of a model trained on these real rows alone",
    "score_with_synthetic": "holdout score of a model trained on these real rows plus the synthetic rows",
    "change": "score with synthetic rows minus score without (positive = synthetic rows help)",
}


def run_balance(data: pd.DataFrame, schema: Schema, generator: str = "synthlab",
                params: dict[str, Any] | None = None, seed: int = 0,
                on_progress: ProgressCallback | None = None, *, ratios: Sequence[float] = RATIOS,
                fractions: Sequence[float] = FRACTIONS, max_rows: int | None = DEFAULT_MAX_ROWS,
                holdout_share: float = HOLDOUT_SHARE, model: str = "hgb") -> ExperimentResult:
    """Holdout utility as the synthetic:real ratio varies and as real rows get scarce (module doc)."""
    timer = Timer()
    if not has_target(schema):
        raise SchemaError("The balance experiment measures how well a model predicts the target, so it needs a "
                          "target column: set one on the Data page (or pass --target).")
    ratios = sorted({float(r) for r in ratios})
    fractions = sorted({float(f) for f in fractions})
    if not ratios and not fractions:
        raise DataError("Give at least one ratio or one share of real rows.")
    if any(not 0.0 <= r <= MAX_RATIO for r in ratios):
        raise DataError(f"Ratios must be between 0 and {MAX_RATIO:g}.")
    if any(not 0.0 < f <= 1.0 for f in fractions):
        raise DataError("Shares of real rows must be above 0 and at most 1.")
    check_model(model)
    report(on_progress, 0.0, "Splitting the real data")
    split = prepare(data, schema, max_rows, seed, holdout_share)
    train, holdout = split.train, split.holdout
    n = len(train)
    fills = [f for f in fractions if f < 1.0]
    fits = (1 if ratios else 0) + len(fills)
    span = 1.0 / max(fits, 1)
    at = 0.0
    rows: list[dict] = []
    notes: list[str] = []
    real_score = utility(train, holdout, schema, model, seed)

    if ratios:
        report(on_progress, at, f"Fitting {generator} on all {n:,} real train rows")
        gen = fit(generator, params, train, schema, seed, scaled(on_progress, at, at + 0.5 * span))
        most = math.ceil(max(ratios) * n)
        pool = gen.sample(most, seed) if most else train.iloc[:0]
        for i, r in enumerate(ratios):
            report(on_progress, at + span * (0.5 + 0.5 * i / len(ratios)), f"Training a model on real + {r:g}× synthetic")
            k = round(r * n)
            score = real_score if k == 0 else utility(stack(train, pool.iloc[:k]), holdout, schema, model, seed)
            rows.append(_row("ratio", f"{r:g}×", r, 1.0, n, k, real_score, score))
        at += span

    order = np.random.default_rng([int(seed), 3]).permutation(n)
    for f in fractions:
        k_real = max(2, round(f * n))
        part = train.iloc[np.sort(order[:k_real])].reset_index(drop=True)
        alone = real_score if k_real >= n else utility(part, holdout, schema, model, seed)
        k_syn = n - k_real
        if k_syn <= 0:
            rows.append(_row("scarcity", f"{f:.0%}", 0.0, f, k_real, 0, alone, alone))
            continue
        report(on_progress, at, f"Fitting {generator} on {f:.0%} of the real rows ({k_real:,})")
        try:
            gen = fit(generator, params, part, schema, seed, scaled(on_progress, at, at + 0.7 * span))
            fill = gen.sample(k_syn, seed)
            report(on_progress, at + 0.8 * span, f"Training models on {f:.0%} of the real rows, alone and filled up")
            filled = utility(stack(part, fill), holdout, schema, model, seed)
        except GeneratorError as e:
            notes.append(f"With {f:.0%} of the real rows ({k_real}) the generator could not be fitted: {e}")
            filled = float("nan")
        rows.append(_row("scarcity", f"{f:.0%}", k_syn / k_real, f, k_real, k_syn, alone, filled))
        at += span
    report(on_progress, 1.0, "Done")

    table = pd.DataFrame(rows, columns=list(COLUMNS))
    tol = score_noise(holdout, schema, real_score)
    return ExperimentResult(
        name="balance", table=table, summary=_summary(table, schema, tol), notes=notes,
        settings=settings("balance", generator, params, seed, split, ratios=ratios, fractions=fractions,
                          max_rows=max_rows, holdout_share=holdout_share, model=model,
                          score=score_name(schema), noise=tol),
        columns=dict(COLUMNS), seconds=timer.seconds,
    )


def _row(part: str, step: str, ratio: float, fraction: float, real_rows: int, syn_rows: int, alone: float,
         with_syn: float) -> dict:
    return {"part": part, "step": step, "ratio": ratio, "real_fraction": fraction, "real_rows": real_rows,
            "synthetic_rows": syn_rows, "score_real_only": alone, "score_with_synthetic": with_syn,
            "change": with_syn - alone if finite(with_syn) and finite(alone) else float("nan")}


def _summary(table: pd.DataFrame, schema: Schema, tol: float) -> list[str]:
    name = score_name(schema)
    tol = tol if finite(tol) else 0.0
    lines = []
    ratio = table[(table["part"] == "ratio") & (table["ratio"] > 0)]
    ratio = ratio[ratio["change"].map(finite)]
    if len(ratio):
        base = float(table.loc[table["part"] == "ratio", "score_real_only"].iloc[0])
        best = ratio.loc[ratio["change"].idxmax()]
        hurt = ratio[ratio["change"] < -tol]
        helped = ratio[ratio["change"] > tol]
        if len(helped):
            lines.append(f"Added to all real rows, synthetic rows help: {name} rises from {base:.3f} to "
                         f"{best['score_with_synthetic']:.3f} at {best['step']} ({signed(best['change'])}).")
        else:
            lines.append(f"Added to all real rows, synthetic rows bring no clear gain: {name} changes by "
                         f"{signed(ratio['change'].min())} to {signed(ratio['change'].max())} around the "
                         f"real-only {base:.3f}.")
        if len(hurt):
            first = hurt.iloc[0]
            lines.append(f"They start to hurt from {first['step']} ({signed(first['change'])}); at "
                         f"{ratio.iloc[-1]['step']} the change is {signed(ratio.iloc[-1]['change'])}.")
    scarce = table[(table["part"] == "scarcity") & (table["synthetic_rows"] > 0)]
    scarce = scarce[scarce["change"].map(finite)]
    if len(scarce):
        helps = scarce[scarce["change"] > tol]
        hurts = scarce[scarce["change"] < -tol]
        if len(helps):
            top = helps.iloc[-1]
            best = helps.loc[helps["change"].idxmax()]
            lines.append(f"Synthetic fill helps up to {top['step']} of the real data (largest gain "
                         f"{signed(best['change'])} at {best['step']}).")
        else:
            lines.append("Synthetic fill does not clearly help at any share of the real data tried.")
        if len(hurts):
            lines.append(f"Synthetic fill hurts at {', '.join(hurts['step'])} of the real data "
                         f"(worst {signed(hurts['change'].min())}).")
    lines.append(f"Differences under {tol:.3f} in {name} (about two standard errors on this holdout) are "
                 "treated as noise.")
    return lines
