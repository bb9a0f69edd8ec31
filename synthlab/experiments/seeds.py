"""Seed variability: the same generator fitted and sampled with k seeds, each scored with the full
scorecard against the same real train and holdout.

The spread of each headline figure across seeds says how much of a difference between two runs (or two
generators) is luck: a gap smaller than the seed-to-seed range is not evidence. The evaluation itself uses
one fixed seed, so the spread is the generator's alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError
from synthlab.experiments._common import (
    DEFAULT_MAX_ROWS,
    HOLDOUT_SHARE,
    ExperimentResult,
    Timer,
    fit,
    fmt,
    prepare,
    settings,
)
from synthlab.progress import ProgressCallback, report, scaled
from synthlab.schema import Schema

MAX_SEEDS = 50
# Headline figures the summary names first, with their plain names.
NAMES = {
    "fidelity.shape": "column shapes",
    "fidelity.trend": "pair trends",
    "detection.auc": "detection AUC",
    "utility.tstr": "utility (train on synthetic, test on real)",
    "privacy.exact_copy_share": "exact copies",
    "privacy.closer_to_train_share": "closer-to-train share",
}

COLUMNS = {
    "seed": "the seed used to fit the generator and to sample from it",
    "fit_seconds": "time to fit",
    "overall": "the scorecard's overall rating (its worst section)",
}


def run_seeds(data: pd.DataFrame, schema: Schema, generator: str = "synthlab", params: dict[str, Any] | None = None,
              seed: int = 0, on_progress: ProgressCallback | None = None, *, seeds: int = 5,
              max_rows: int | None = DEFAULT_MAX_ROWS, holdout_share: float = HOLDOUT_SHARE) -> ExperimentResult:
    """Fit ``generator`` with seeds ``seed … seed + seeds − 1``; one row of headline figures per seed, and
    their spread in ``extra["spread"]``."""
    from synthlab.metrics.scorecard import evaluate
    from synthlab.scoring import headline

    timer = Timer()
    k = int(seeds)
    if not 2 <= k <= MAX_SEEDS:
        raise DataError(f"Use between 2 and {MAX_SEEDS} seeds to see a spread.")
    report(on_progress, 0.0, "Splitting the real data")
    split = prepare(data, schema, max_rows, seed, holdout_share)
    train, holdout = split.train, split.holdout
    rows, ratings, labels = [], [], {}
    for i in range(k):
        s = seed + i
        base, span = i / k, 1 / k
        report(on_progress, base, f"Seed {s} ({i + 1} of {k}): fitting {generator}")
        t = Timer()
        run_params = {**dict(params or {}), "random_state": s}
        gen = fit(generator, run_params, train, schema, s, scaled(on_progress, base, base + 0.4 * span))
        fit_s = t.seconds
        report(on_progress, base + 0.4 * span, f"Seed {s}: sampling {len(train):,} rows")
        synthetic = gen.sample(len(train), s)
        card = evaluate(train, synthetic, holdout, schema, seed=seed,
                        on_progress=scaled(on_progress, base + 0.45 * span, base + span)).to_dict()
        figures, verdicts = headline(card)
        labels.update(_labels(card))
        ratings.append(card["summary"]["overall"])
        rows.append({"seed": s, "fit_seconds": fit_s, "overall": card["summary"]["overall"],
                     **{f"rating.{sec}": r for sec, r in verdicts.items()},
                     **{key: v for key, v in figures.items() if not key.endswith(".ratio")}})
    report(on_progress, 1.0, "Done")
    table = pd.DataFrame(rows)
    spread = spread_table(table)
    spread.insert(1, "label", [labels.get(f, f) for f in spread["figure"]])
    columns = dict(COLUMNS)
    columns.update({c: f"rating of the {c.split('.', 1)[1]} section" for c in table.columns if c.startswith("rating.")})
    columns.update({c: "headline figure of the scorecard (see the Evaluate page for what good looks like)"
                    for c in figure_columns(table)})
    return ExperimentResult(
        name="seeds", table=table, summary=_summary(spread, ratings), notes=[],
        settings=settings("seeds", generator, params, seed, split, seeds=k, max_rows=max_rows,
                          holdout_share=holdout_share, evaluation_seed=seed),
        extra={"spread": spread}, columns=columns, seconds=timer.seconds,
    )


def _labels(card: dict) -> dict[str, str]:
    """Plain names of the headline figures (``"detection.auc"`` -> ``"Detection AUC"``)."""
    out = {}
    for section, body in card.items():
        if isinstance(body, dict):
            for key, item in body.items():
                if isinstance(item, dict) and isinstance(item.get("label"), str):
                    out[f"{section}.{key}"] = item["label"]
    return out


def figure_columns(table: pd.DataFrame) -> list[str]:
    """The headline-figure columns of a seeds table (numbers, not the seed, time or ratings)."""
    skip = {"seed", "fit_seconds", "overall"}
    return [c for c in table.columns if c not in skip and not c.startswith("rating.")
            and pd.api.types.is_numeric_dtype(table[c])]


def spread_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per headline figure: mean, standard deviation, min, max and range across seeds."""
    out = []
    for c in figure_columns(table):
        v = pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        if not v.size:
            continue
        out.append({"figure": c, "mean": float(v.mean()), "sd": float(v.std(ddof=1)) if v.size > 1 else 0.0,
                    "min": float(v.min()), "max": float(v.max()), "range": float(v.max() - v.min()),
                    "seeds": int(v.size)})
    return pd.DataFrame(out, columns=["figure", "mean", "sd", "min", "max", "range", "seeds"])


def _summary(spread: pd.DataFrame, ratings: list[str]) -> list[str]:
    lines = []
    if len(spread):
        top = spread.sort_values("range", ascending=False, kind="stable").head(3)
        parts = [f"{NAMES.get(r['figure'], r.get('label', r['figure']))} {fmt(r['min'])}–{fmt(r['max'])}"
                 for _, r in top.iterrows()]
        lines.append(f"Across {len(ratings)} seeds the figures that move most: {'; '.join(parts)}.")
        for key, name in NAMES.items():
            row = spread[spread["figure"] == key]
            if len(row):
                r = row.iloc[0]
                lines.append(f"{name[0].upper()}{name[1:]}: {fmt(r['mean'])} ± {fmt(r['sd'])} (range {fmt(r['range'])}).")
    counts = Counter(ratings)
    if len(counts) == 1:
        lines.append(f"The overall rating is the same for every seed: {ratings[0]}.")
    else:
        lines.append("The overall rating depends on the seed: " +
                     ", ".join(f"{r} ×{n}" for r, n in counts.most_common()) + ".")
    lines.append("A difference between two runs smaller than a figure's seed-to-seed range is not evidence.")
    return lines
