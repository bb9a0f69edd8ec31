"""SDV's CopulaGAN: CTGAN trained on columns first made Gaussian by a fitted distribution, which
helps columns with unusual shapes. As slow as CTGAN."""

from __future__ import annotations

from typing import Any, ClassVar

from synthlab.generators import _sdv_common
from synthlab.generators._sdv_common import copula_params, neural_estimate
from synthlab.generators.base import ParamSpec
from synthlab.generators.ctgan import CTGANGenerator

DEFAULT_EPOCHS = 25  # as CTGAN: under a minute for 10k rows × 15 columns on 2 cores
PER_CELL_EPOCH = 1.15e-5  # measured 1.7 s per epoch on 10k × 15 (bench/sdv_fit_times.py)
PER_CELL_SETUP = 7.0e-5  # CTGAN's set-up plus fitting a distribution to each number column


class CopulaGANGenerator(CTGANGenerator):
    name: ClassVar[str] = "copulagan"
    label: ClassVar[str] = "CopulaGAN (SDV)"
    description: ClassVar[str] = (
        "CTGAN trained on columns first transformed by fitted distributions (SDV's "
        "CopulaGANSynthesizer): helps skewed or bounded numbers. As slow as CTGAN."
    )
    neural: ClassVar[bool] = True

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        specs = super()._param_specs()
        return [*specs, *copula_params()]

    def _make_synthesizer(self, metadata: Any) -> Any:
        return _sdv_common.HookedCopulaGANSynthesizer(
            metadata, default_distribution=self.default_distribution,
            numerical_distributions=self.numerical_distributions, **self._gan_kwargs(),
        )

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        epochs = int(params.get("epochs", DEFAULT_EPOCHS))
        return neural_estimate(n_rows, n_cols, epochs, PER_CELL_EPOCH, PER_CELL_SETUP)
