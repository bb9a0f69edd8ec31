"""Experiments: the open questions people bring synthetic data to, answered on their own data.

* ``collapse`` — :func:`run_collapse`: train on real data, then on your own output, for N generations.
* ``balance`` — :func:`run_balance`: holdout utility as the synthetic:real ratio varies and as real rows
  get scarce, with and without synthetic fill.
* ``rare`` — :func:`run_rare`: boost a rare class or group; per-group recall, precision and calibration.
* ``seeds`` — :func:`run_seeds`: the same generator with k seeds; the spread of every headline figure.

Each is ``run_<name>(data, schema, generator="synthlab", params=None, seed=0, on_progress=None,
**options) -> ExperimentResult``; :data:`EXPERIMENTS` describes them for the UI and the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from synthlab.errors import DataError
from synthlab.experiments._common import DEFAULT_MAX_ROWS, MIN_ROWS, ExperimentResult
from synthlab.experiments.balance import FRACTIONS, RATIOS, run_balance
from synthlab.experiments.collapse import run_collapse
from synthlab.experiments.rare import run_rare
from synthlab.experiments.seeds import run_seeds
from synthlab.progress import ProgressCallback
from synthlab.schema import Schema

__all__ = [
    "DEFAULT_MAX_ROWS",
    "EXPERIMENTS",
    "MIN_ROWS",
    "ExperimentInfo",
    "ExperimentResult",
    "run_balance",
    "run_collapse",
    "run_experiment",
    "run_rare",
    "run_seeds",
]


@dataclass(frozen=True)
class ExperimentInfo:
    name: str
    label: str
    question: str  # one line: what the experiment answers
    run: Callable[..., ExperimentResult]
    needs_target: bool  # without a target the whole experiment is meaningless (not just a part)

    def fits(self, **options: Any) -> int:
        """How many times a generator is fitted (for the fit-time estimate shown before running)."""
        if self.name == "collapse":
            return int(options.get("generations", 5))
        if self.name == "balance":
            ratios = options.get("ratios", RATIOS)
            return (1 if len(ratios) else 0) + sum(1 for f in options.get("fractions", FRACTIONS) if f < 1)
        if self.name == "seeds":
            return int(options.get("seeds", 5))
        return 1


EXPERIMENTS: Mapping[str, ExperimentInfo] = MappingProxyType({
    "collapse": ExperimentInfo(
        "collapse", "Model collapse",
        "Train a generator on real data, then on its own output, for N generations: what is lost?",
        run_collapse, False),
    "balance": ExperimentInfo(
        "balance", "Synthetic : real balance",
        "How does a model's score on real data change as synthetic rows are added, or fill in for scarce real rows?",
        run_balance, True),
    "rare": ExperimentInfo(
        "rare", "Rare cases and groups",
        "Boost a rare class or an under-represented group: does the model get better for it, and at what cost?",
        run_rare, False),
    "seeds": ExperimentInfo(
        "seeds", "Seed variability",
        "Fit the same generator with several seeds: how much does every headline figure move by chance?",
        run_seeds, False),
})


def run_experiment(name: str, data: pd.DataFrame, schema: Schema, generator: str = "synthlab",
                   params: dict[str, Any] | None = None, seed: int = 0,
                   on_progress: ProgressCallback | None = None, **options: Any) -> ExperimentResult:
    """Run the experiment called ``name`` (see :data:`EXPERIMENTS`)."""
    if name not in EXPERIMENTS:
        raise DataError(f"Unknown experiment '{name}'. Choose one of: {', '.join(EXPERIMENTS)}.")
    return EXPERIMENTS[name].run(data, schema, generator=generator, params=params, seed=seed,
                                 on_progress=on_progress, **options)
