"""Baseline: every column resampled on its own from its real values.

Each column has exactly the right shape (its values and missing share are redrawn from the real
column) but no relationship to any other column: the floor any real generator must beat on
pair-wise trends and machine-learning utility.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Schema


class IndependentGenerator(Generator):
    name: ClassVar[str] = "independent"
    label: ClassVar[str] = "Independent columns (baseline)"
    description: ClassVar[str] = (
        "Reference point: each column is drawn on its own from its real values. Right shapes, no "
        "relationships between columns; real values are reused, so do not share its output."
    )
    reference: ClassVar[bool] = True
    default_fit_rows: ClassVar[int] = 0  # cheap on any size; learns from every row

    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        report(on_progress, 0.0, "Storing each column's values")
        self.columns_ = {c: data[c].to_numpy(copy=True) for c in data.columns}
        self.index_ = list(data.columns)
        report(on_progress, 1.0, "Done")

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        out = {}
        for i, col in enumerate(self.index_):
            values = self.columns_[col]
            rng = np.random.default_rng([int(seed), int(self.random_state), i])
            out[col] = pd.Series(values[rng.integers(0, len(values), size=n)])
        return pd.DataFrame(out)

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        return 0.1 + 2e-8 * n_rows * n_cols
