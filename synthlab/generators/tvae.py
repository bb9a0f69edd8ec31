"""SDV's TVAE: a variational autoencoder for tables. Usually faster and steadier than CTGAN on CPU,
with similar ability to learn interactions."""

from __future__ import annotations

from typing import Any, ClassVar

from synthlab.generators import _sdv_common
from synthlab.generators._sdv_common import (
    SdvGenerator,
    common_sdv_params,
    neural_estimate,
    neural_params,
)
from synthlab.generators.base import ParamSpec

# measured on 10k rows × 15 columns: 0.34 CPU-seconds per epoch plus about 8 s of set-up
# (bench/sdv_fit_times.py: 42 s for 100 epochs), so 100 epochs fit in under a minute (SDV: 300).
DEFAULT_EPOCHS = 100
PER_CELL_EPOCH = 2.3e-6
PER_CELL_SETUP = 4.0e-5


class TVAEGenerator(SdvGenerator):
    name: ClassVar[str] = "tvae"
    label: ClassVar[str] = "TVAE (SDV)"
    description: ClassVar[str] = (
        "A variational autoencoder for tables (SDV's TVAESynthesizer). Learns interactions; "
        "usually faster and steadier than CTGAN on a CPU."
    )
    neural: ClassVar[bool] = True
    default_fit_rows: ClassVar[int] = 10_000  # neural fits grow with rows × epochs

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        return [
            *neural_params(DEFAULT_EPOCHS),
            ParamSpec("compress_dims", "json", [128, 128], "Hidden layer sizes of the encoder.", advanced=True),
            ParamSpec("decompress_dims", "json", [128, 128], "Hidden layer sizes of the decoder.", advanced=True),
            ParamSpec("l2scale", "float", 1e-5, "Weight decay (L2 regularisation).", low=0.0, high=1.0,
                      advanced=True),
            ParamSpec("loss_factor", "float", 2.0, "Weight of the reconstruction error in the loss.",
                      low=0.0, high=1000.0, advanced=True),
            *common_sdv_params(),
        ]

    def _make_synthesizer(self, metadata: Any) -> Any:
        return _sdv_common.HookedTVAESynthesizer(
            metadata, embedding_dim=self.embedding_dim, compress_dims=tuple(self.compress_dims),
            decompress_dims=tuple(self.decompress_dims), l2scale=self.l2scale, batch_size=self.batch_size,
            verbose=self.verbose, epochs=self.epochs, loss_factor=self.loss_factor, enable_gpu=self.enable_gpu,
            **self._model_kwargs(),
        )

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        epochs = int(params.get("epochs", DEFAULT_EPOCHS))
        return neural_estimate(n_rows, n_cols, epochs, PER_CELL_EPOCH, PER_CELL_SETUP)
