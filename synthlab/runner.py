"""One run, end to end: fit a generator on train, sample (with conditions and business rules),
score against the holdout. The UI, the CLI's replay and the benchmarks all go through here, so
a run means the same thing everywhere.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from synthlab.errors import GeneratorError
from synthlab.generators import make_generator
from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report, scaled
from synthlab.schema import Schema

MAX_RULE_ATTEMPTS = 8


@dataclass
class RunRequest:
    """What to generate. ``conditions`` is None, ``{"fixed": {column: value, ...}}`` or
    ``{"rebalance": {"column": c, "value": v, "share": 0.3}}``; ``rules`` are row rules such as
    ``"end_date >= start_date"`` that every synthetic row must satisfy."""

    generator: str
    params: dict[str, Any] = field(default_factory=dict)
    n_rows: int = 1000
    seed: int = 0
    conditions: dict[str, Any] | None = None
    rules: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunOutput:
    synthetic: pd.DataFrame
    fit_seconds: float
    sample_seconds: float
    generator: Generator
    scorecard: dict[str, Any] | None = None
    evaluate_seconds: float | None = None
    rule_shares: dict[str, float] = field(default_factory=dict)


def fitted_generator(request: RunRequest, train: pd.DataFrame, schema: Schema,
                     on_progress: ProgressCallback | None = None) -> Generator:
    params = dict(request.params)
    params.setdefault("random_state", request.seed)
    generator = make_generator(request.generator, **params)
    if request.rules:
        from synthlab.generators.rules import parse_rules, prepare_fit

        prepare_fit(generator, parse_rules(request.rules, schema))  # SDV learns what it can as constraints
    return generator.fit(train, schema, on_progress=on_progress)


def draw(generator: Generator, request: RunRequest, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows honouring the request's conditions (not yet its rules)."""
    cond = request.conditions or {}
    if cond.get("fixed"):
        from synthlab.generators.conditions import sample_conditions

        return sample_conditions(generator, n, seed, dict(cond["fixed"]))
    if cond.get("rebalance"):
        from synthlab.generators.conditions import rebalance

        r = cond["rebalance"]
        return rebalance(generator, n, seed, r["column"], r["value"], float(r["share"]))
    return generator.sample(n, seed)


def sample_valid(generator: Generator, request: RunRequest, schema: Schema) -> pd.DataFrame:
    """Rows satisfying every rule, by rejection: draw more than needed, keep the valid ones."""
    if not request.rules:
        return draw(generator, request, request.n_rows, request.seed)
    from synthlab.generators.rules import Rule

    rules = [Rule.parse(text, schema) for text in request.rules]
    kept: list[pd.DataFrame] = []
    have, ask = 0, request.n_rows
    for attempt in range(MAX_RULE_ATTEMPTS):
        batch = draw(generator, request, ask, request.seed + 7919 * attempt)
        ok = pd.Series(True, index=batch.index)
        for rule in rules:
            ok &= rule.check(batch).to_numpy()
        good = batch[ok.to_numpy()]
        kept.append(good)
        have += len(good)
        if have >= request.n_rows:
            return pd.concat(kept, ignore_index=True).head(request.n_rows)
        rate = max(len(good) / max(len(batch), 1), 0.01)
        ask = min(50 * request.n_rows, math.ceil(1.2 * (request.n_rows - have) / rate))
    share = have / max(request.n_rows, 1)
    raise GeneratorError(
        f"Only {have} of {request.n_rows} rows ({share:.0%}) satisfied the business rules after "
        f"{MAX_RULE_ATTEMPTS} attempts; relax a rule or pick a generator that learns that relationship."
    )


def execute(request: RunRequest, train: pd.DataFrame, holdout: pd.DataFrame | None, schema: Schema,
            on_progress: ProgressCallback | None = None, evaluate: bool = True,
            on_sampled: Callable[[pd.DataFrame], None] | None = None) -> RunOutput:
    """Fit on ``train``, sample, and (with a holdout) score; progress 0–60% fit, 60–70% sample, rest scoring.

    ``on_sampled`` gets the synthetic rows as soon as they exist, before scoring: the app stores
    them then, so charts can be drawn while the scorecard is still being computed."""
    t0 = time.perf_counter()
    report(on_progress, 0.0, f"Fitting {request.generator}…")
    generator = fitted_generator(request, train, schema, scaled(on_progress, 0.0, 0.6))
    t1 = time.perf_counter()
    report(on_progress, 0.6, f"Sampling {request.n_rows:,} rows…")
    synthetic = sample_valid(generator, request, schema)
    t2 = time.perf_counter()
    out = RunOutput(synthetic, t1 - t0, t2 - t1, generator)
    if on_sampled is not None:
        on_sampled(synthetic)
    if request.rules:
        from synthlab.generators.rules import parse_rules, violation_shares

        out.rule_shares = violation_shares(synthetic, parse_rules(request.rules, schema))
    if evaluate and holdout is not None:
        from synthlab.metrics.scorecard import evaluate as score

        report(on_progress, 0.7, "Scoring against the holdout…")
        card = score(train, synthetic, holdout, schema, rules=request.rules or None, seed=request.seed,
                     on_progress=scaled(on_progress, 0.7, 1.0))
        out.scorecard = card.to_dict()
        out.evaluate_seconds = time.perf_counter() - t2
    report(on_progress, 1.0, "Done.")
    return out
