"""Baseline: real rows resampled with replacement: what a complete leak looks like.

Every synthetic row is a real training row (only ID and personal-data columns are replaced), so
fidelity and utility are as good as they get and every privacy check must flag it. It calibrates
the scorecard; it is never a way to share data.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Schema


class BootstrapGenerator(Generator):
    name: ClassVar[str] = "bootstrap"
    label: ClassVar[str] = "Bootstrap of real rows (baseline)"
    description: ClassVar[str] = (
        "Reference point: real rows drawn again with replacement. Perfect fidelity and a complete "
        "leak: privacy checks must flag it. Never share its output."
    )
    reference: ClassVar[bool] = True
    default_fit_rows: ClassVar[int] = 0  # cheap on any size; learns from every row

    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        report(on_progress, 0.0, "Storing the real rows")
        self.rows_ = data.reset_index(drop=True).copy()
        report(on_progress, 1.0, "Done")

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng([int(seed), int(self.random_state)])
        return self.rows_.iloc[rng.integers(0, len(self.rows_), size=n)].reset_index(drop=True)

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        return 0.1 + 2e-8 * n_rows * n_cols
