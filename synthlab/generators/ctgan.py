"""SDV's CTGAN: a conditional generative adversarial network for tables. Learns interactions and
multi-modal columns given enough rows and epochs; slow on CPU and needs thousands of rows."""

from __future__ import annotations

from typing import Any, ClassVar

from synthlab.generators import _sdv_common
from synthlab.generators._sdv_common import (
    SdvGenerator,
    common_sdv_params,
    gan_params,
    neural_estimate,
    neural_params,
)
from synthlab.generators.base import ParamSpec
from synthlab.schema import Kind

# SDV's default of 300 epochs takes about 10 minutes for 10k rows × 15 columns on 2 CPU cores;
# measured: 1.9 CPU-seconds per epoch plus about 6 s of set-up there (bench/sdv_fit_times.py: 50 s
# for 25 epochs), so 25 epochs fit in under a minute. Raise it for better models when there is time.
DEFAULT_EPOCHS = 25
PER_CELL_EPOCH = 1.25e-5  # seconds per row × column × epoch (1.87 s / 150k cells)
PER_CELL_SETUP = 4.0e-5  # seconds per row × column before training (6 s / 150k cells)


class CTGANGenerator(SdvGenerator):
    name: ClassVar[str] = "ctgan"
    label: ClassVar[str] = "CTGAN (SDV)"
    description: ClassVar[str] = (
        "A generative adversarial network for tables (SDV's CTGANSynthesizer). Can learn "
        "interactions and multi-peaked columns, but needs thousands of rows and many epochs; "
        "minutes on a CPU."
    )
    neural: ClassVar[bool] = True
    default_fit_rows: ClassVar[int] = 10_000  # neural fits grow with rows × epochs

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        return [*neural_params(DEFAULT_EPOCHS), *gan_params(), *common_sdv_params()]

    def _gan_kwargs(self) -> dict[str, Any]:
        return dict(
            locales=[self.locale], embedding_dim=self.embedding_dim, generator_dim=tuple(self.generator_dim),
            discriminator_dim=tuple(self.discriminator_dim), generator_lr=self.generator_lr,
            generator_decay=self.generator_decay, discriminator_lr=self.discriminator_lr,
            discriminator_decay=self.discriminator_decay, batch_size=self.batch_size,
            discriminator_steps=self.discriminator_steps, log_frequency=self.log_frequency,
            verbose=self.verbose, epochs=self.epochs, pac=self.pac, enable_gpu=self.enable_gpu,
            **self._model_kwargs(),
        )

    def _make_synthesizer(self, metadata: Any) -> Any:
        return _sdv_common.HookedCTGANSynthesizer(metadata, **self._gan_kwargs())

    def conditions_native(self, kinds: dict[str, Kind]) -> bool:
        """CTGAN's conditional vector covers category and yes/no columns."""
        return all(k in (Kind.CATEGORICAL, Kind.BOOLEAN) for k in kinds.values())

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        epochs = int(params.get("epochs", DEFAULT_EPOCHS))
        return neural_estimate(n_rows, n_cols, epochs, PER_CELL_EPOCH, PER_CELL_SETUP)
