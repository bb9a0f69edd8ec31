"""What the SDV generators share: metadata, data hand-over, seeding, epoch progress, cancellation.

The SDV 2.0 synthesizers are driven through their public API (``fit({table: df})``,
``add_constraints``) plus a few private hooks, all checked on sdv 2.0.0 / ctgan 0.12.1 (pinned in
requirements.txt):

* **Per-epoch progress and cancellation.** ctgan's ``CTGAN.fit``/``TVAE.fit`` take no callback,
  but both assign ``self.loss_values`` exactly once per epoch (a DataFrame whose last rows are that
  epoch's losses). ``ReportingCTGAN``/``ReportingTVAE`` turn that attribute into a property whose
  setter calls our callback: it reports the losses and, by raising
  :class:`~synthlab.errors.Cancelled`, stops training after the current epoch. SDV builds its
  model inside ``CTGANSynthesizer._fit``/``TVAESynthesizer._fit``, so the ``Hooked*Synthesizer``
  classes override that ``_fit`` (five lines, as in SDV) to build the reporting model instead
  (CopulaGAN's own ``_fit`` calls it through ``super()``). No module is monkeypatched.
* **Seeding.** Fitting: ``CTGAN.set_random_state(random_state)`` (ctgan swaps its seeded numpy and
  torch states in for the fit and restores the global ones after). Sampling:
  ``synthesizer._set_random_state(seed)`` for the model and a seeded ``reverse_transform`` state for
  each RDT transformer (missing values, rounding noise), so a seed, not call order, fixes the rows.
* **One at a time.** ctgan, copulas and RDT seed by swapping numpy's and torch's *global* random
  state in and out, so two threads fitting or sampling at once would disturb each other's streams.
  :func:`global_rng_lock` serialises SDV fits and samples in this process (a waiting fit reports
  "waiting" and can still be cancelled): the price of reproducible models in a server shared by
  many users.
* **No progress bars on stderr.** Sampling calls ``_sample_with_progress_bar(...,
  show_progress_bar=False)`` and conditional sampling ``_sample_with_conditions`` (the public
  methods print tqdm bars); each falls back to the public method if SDV renames it.
* **Dates.** Datetimes are handed over as ``datetime64`` and the metadata's ``datetime_format`` is
  dropped (:func:`sdv_metadata`): with a format, SDV parses every sampled date string one at a
  time (17x slower sampling).
"""

from __future__ import annotations

import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.errors import GeneratorError, SynthLabError
from synthlab.generators.base import Generator, ParamSpec
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Kind, Schema

TABLE = "table"
DISTRIBUTIONS = ("beta", "norm", "truncnorm", "gamma", "uniform", "gaussian_kde")

_RNG_LOCK = threading.Lock()  # guards numpy's and torch's process-wide random state (see module doc)


@contextmanager
def global_rng_lock(on_progress: ProgressCallback | None = None) -> Iterator[None]:
    """Hold the process-wide random-state lock; while waiting, report and allow cancelling."""
    while not _RNG_LOCK.acquire(timeout=0.5):
        report(on_progress, 0.0, "Waiting for another model in this server to finish…")
    try:
        yield
    finally:
        _RNG_LOCK.release()


@contextmanager
def seeded_globals(seed: int | None) -> Iterator[None]:
    """For code inside :func:`global_rng_lock`: seed numpy's legacy global RNG and torch (when
    ``seed`` is given) and run torch on one thread; restore all of it after.

    One thread because the server's 2 cores are shared: with two torch threads competing with
    other work, CTGAN ran 15x slower per epoch than on one thread (bench/sdv_fit_times.py under
    load), while on an idle machine a second thread gains little on these small networks. It also
    keeps results identical across machines with different core counts.
    """
    import torch

    np_state, torch_state, threads = np.random.get_state(), torch.get_rng_state(), torch.get_num_threads()
    if seed is not None:
        np.random.seed(seed % 2**32)
        torch.manual_seed(seed)
    torch.set_num_threads(1)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        torch.set_rng_state(torch_state)
        torch.set_num_threads(threads)


# ----- data hand-over ------------------------------------------------------------------------
def sdv_metadata(schema: Schema, columns: list[str]) -> Any:
    """SDV metadata from :meth:`Schema.to_sdv_metadata`, minus two keys SDV 2.0 handles badly:
    ``datetime_format`` (with it SDV parses every sampled date string one by one: 17x slower
    sampling; datetimes are handed over as datetime64 instead) and ``computer_representation``
    (deprecated and ignored in SDV 2.0, with a warning per column)."""
    from sdv.metadata import Metadata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        spec = schema.to_sdv_metadata(TABLE, columns).to_dict()
    for col in spec["tables"][TABLE]["columns"].values():
        col.pop("datetime_format", None)
        col.pop("computer_representation", None)
    return Metadata.load_from_dict(spec)


def to_sdv(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """The working frame as SDV takes it: booleans as object ``True/False/NaN`` (pandas' nullable
    ``boolean`` is not an SDV input type); everything else as is."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if schema[col].kind == Kind.BOOLEAN:
            s = s.astype(object).where(s.notna(), np.nan)
        out[col] = s
    return pd.DataFrame(out, index=frame.index)


def from_sdv(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """SDV's output back into working-frame types (the base class finishes the casting)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if schema[col].kind == Kind.DATETIME and not pd.api.types.is_datetime64_any_dtype(s):
            s = pd.to_datetime(s, errors="coerce")
        out[col] = s
    return pd.DataFrame(out).reset_index(drop=True)


def condition_values(fixed: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """Fixed values for ``sample_from_conditions`` in SDV's representation."""
    out = {}
    for col, value in fixed.items():
        kind = schema[col].kind
        if kind == Kind.DATETIME:
            out[col] = pd.Timestamp(value)
        elif kind == Kind.BOOLEAN:
            out[col] = bool(value)
        elif kind == Kind.NUMERICAL:
            out[col] = float(value)
        else:
            out[col] = str(value)
    return out


# ----- the reporting ctgan models ------------------------------------------------------------
class _LossHook:
    """Mixin: ``loss_values`` as a property whose setter calls ``self._on_epoch(df)``."""

    @property
    def loss_values(self) -> pd.DataFrame | None:
        return self.__dict__.get("_loss_values_df")

    @loss_values.setter
    def loss_values(self, df: pd.DataFrame | None) -> None:
        self.__dict__["_loss_values_df"] = df
        hook = self.__dict__.get("_on_epoch")
        if hook is not None and df is not None and len(df):
            hook(df)

    def __getstate__(self) -> dict[str, Any]:  # the hook (a UI callback) is never pickled
        state = super().__getstate__()
        state.pop("_on_epoch", None)
        return state


def reporting_model(kind: str, on_epoch: Callable[[pd.DataFrame], None] | None, **kwargs: Any) -> Any:
    """A ctgan ``CTGAN`` (kind ``"ctgan"``) or ``TVAE`` calling ``on_epoch`` after each epoch."""
    classes = _classes()
    model = classes["ReportingCTGAN" if kind == "ctgan" else "ReportingTVAE"](**kwargs)
    model.__dict__["_on_epoch"] = on_epoch
    return model


@cache
def _classes() -> dict[str, type]:
    """The ctgan/SDV subclasses, defined on first use so that listing generators stays light
    (importing SDV and torch takes seconds). Reached as module attributes (for pickling)."""
    from ctgan import CTGAN, TVAE
    from sdv.single_table import CopulaGANSynthesizer, CTGANSynthesizer, TVAESynthesizer
    from sdv.single_table.utils import detect_discrete_columns

    class ReportingCTGAN(_LossHook, CTGAN):
        """ctgan's CTGAN reporting each epoch's generator and discriminator losses."""

    class ReportingTVAE(_LossHook, TVAE):
        """ctgan's TVAE reporting each epoch's mean loss."""

    class _HookedFit:
        """Replaces SDV's ``_fit`` (which builds a plain ctgan model) with one building a
        reporting, seeded model. Body as in sdv 2.0.0's CTGANSynthesizer/TVAESynthesizer._fit."""

        _model_kind: ClassVar[str] = "ctgan"
        on_epoch: Callable[[pd.DataFrame], None] | None = None
        fit_seed: int = 0

        def _fit(self, processed_data: pd.DataFrame) -> None:
            transformers = self._data_processor._hyper_transformer.field_transformers
            discrete_columns = detect_discrete_columns(self.metadata, processed_data, transformers)
            self._model = reporting_model(self._model_kind, self.on_epoch, **self._model_kwargs)
            self._model.set_random_state(int(self.fit_seed))
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*Attempting to run cuBLAS.*")
                self._model.fit(processed_data, discrete_columns=discrete_columns)
            self._model.__dict__.pop("_on_epoch", None)

        def __getstate__(self) -> dict[str, Any]:
            state = dict(self.__dict__)
            state.pop("on_epoch", None)
            return state

    class HookedCTGANSynthesizer(_HookedFit, CTGANSynthesizer):
        _model_kind = "ctgan"

    class HookedTVAESynthesizer(_HookedFit, TVAESynthesizer):
        _model_kind = "tvae"

    class HookedCopulaGANSynthesizer(CopulaGANSynthesizer, HookedCTGANSynthesizer):
        """CopulaGAN's ``_fit`` transforms the columns, then calls ``super()._fit``: ours."""

        _model_kind = "ctgan"

    found = {}
    for cls in (ReportingCTGAN, ReportingTVAE, HookedCTGANSynthesizer, HookedTVAESynthesizer,
                HookedCopulaGANSynthesizer):
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
        found[cls.__name__] = cls
    return found


def __getattr__(name: str) -> type:
    if name in {"ReportingCTGAN", "ReportingTVAE", "HookedCTGANSynthesizer", "HookedTVAESynthesizer",
                "HookedCopulaGANSynthesizer"}:
        return _classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----- the generator base ---------------------------------------------------------------------
def common_sdv_params() -> list[ParamSpec]:
    return [
        ParamSpec("enforce_min_max_values", "bool", True,
                  "Keep every number and date within the range seen in the real data."),
        ParamSpec("enforce_rounding", "bool", True,
                  "Round numbers to the decimal places seen in the real data.", advanced=True),
    ]


def neural_params(epochs: int, batch_size: int = 500) -> list[ParamSpec]:
    return [
        ParamSpec("epochs", "int", epochs,
                  "Training passes over the data: more fit the data more closely and take longer "
                  "(SDV's own default is 300).", low=1, high=10_000),
        ParamSpec("batch_size", "int", batch_size, "Rows per training step.", low=2, high=100_000, advanced=True),
        ParamSpec("embedding_dim", "int", 128, "Size of the random input (CTGAN) or latent space (TVAE).",
                  low=1, high=4096, advanced=True),
        ParamSpec("verbose", "bool", False, "Print SDV's own training progress bar to the server log.",
                  advanced=True),
        ParamSpec("enable_gpu", "bool", True, "Train on a GPU when there is one (CPU otherwise).", advanced=True),
    ]


def gan_params() -> list[ParamSpec]:
    return [
        ParamSpec("generator_dim", "json", [256, 256], "Hidden layer sizes of the generator network.",
                  advanced=True),
        ParamSpec("discriminator_dim", "json", [256, 256], "Hidden layer sizes of the discriminator network.",
                  advanced=True),
        ParamSpec("generator_lr", "float", 2e-4, "Generator learning rate.", low=1e-7, high=1.0, advanced=True),
        ParamSpec("generator_decay", "float", 1e-6, "Generator weight decay.", low=0.0, high=1.0, advanced=True),
        ParamSpec("discriminator_lr", "float", 2e-4, "Discriminator learning rate.", low=1e-7, high=1.0,
                  advanced=True),
        ParamSpec("discriminator_decay", "float", 1e-6, "Discriminator weight decay.", low=0.0, high=1.0,
                  advanced=True),
        ParamSpec("discriminator_steps", "int", 1, "Discriminator updates per generator update.", low=1, high=100,
                  advanced=True),
        ParamSpec("log_frequency", "bool", True,
                  "Sample categories by their log frequency while training (helps rare categories).",
                  advanced=True),
        ParamSpec("pac", "int", 10, "Rows the discriminator judges together (batch size must be a multiple).",
                  low=1, high=1000, advanced=True),
    ]


def copula_params() -> list[ParamSpec]:
    return [
        ParamSpec("default_distribution", "choice", "beta",
                  "Distribution fitted to each number column unless set per column.", choices=DISTRIBUTIONS),
        ParamSpec("numerical_distributions", "json", None,
                  'Per-column distributions, e.g. {"age": "truncnorm"} (null: the default for all).',
                  advanced=True),
    ]


class _ConstraintNotMet(Exception):
    """The real data breaks a constraint handed to SDV."""


class SdvGenerator(Generator):
    """Base of the SDV generators: subclasses list their parameters and build the synthesizer."""

    synthesizer_label: ClassVar[str] = ""  # SDV's class name, for error messages

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._check_params()
        self.sdv_constraints: list[Any] = []  # sdv.cag constraints added before fitting (rules.prepare_fit)
        self.sdv_constraint_rules: list[str] = []  # the rule texts they came from

    def _check_params(self) -> None:
        for name in ("generator_dim", "discriminator_dim", "compress_dims", "decompress_dims"):
            if hasattr(self, name):
                value = getattr(self, name)
                if not (isinstance(value, (list, tuple)) and value
                        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
                    raise GeneratorError(f"'{name}' must be a list of positive whole numbers, e.g. [256, 256].")
        if hasattr(self, "pac") and (self.batch_size % 2 or self.batch_size % self.pac):
                raise GeneratorError(
                    f"'batch_size' ({self.batch_size}) must be even and a multiple of 'pac' ({self.pac})."
                )
        dists = getattr(self, "numerical_distributions", None)
        if dists is not None and (
            not isinstance(dists, dict) or any(v not in DISTRIBUTIONS for v in dists.values())
        ):
                raise GeneratorError(
                    "'numerical_distributions' must map column names to one of "
                    f"{', '.join(DISTRIBUTIONS)}, e.g. {{\"age\": \"truncnorm\"}}."
                )

    # subclasses: the synthesizer for this metadata
    def _make_synthesizer(self, metadata: Any) -> Any:
        raise NotImplementedError

    def _model_kwargs(self) -> dict[str, Any]:
        return {"enforce_min_max_values": self.enforce_min_max_values, "enforce_rounding": self.enforce_rounding}

    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        report(on_progress, 0.0, f"Preparing {self.label}")
        self.learned_schema_ = schema
        dists = getattr(self, "numerical_distributions", None) or {}
        numeric = set(schema.of_kind(Kind.NUMERICAL))
        bad = [c for c in dists if c not in numeric or c not in data.columns]
        if bad:
            raise GeneratorError(f"'numerical_distributions' names columns that are not learned numbers: {bad}.")
        metadata = sdv_metadata(schema, list(data.columns))
        frame = to_sdv(data, schema)
        self.dropped_constraints_: list[str] = []
        started = time.perf_counter()
        try:
            self.synthesizer_ = self._fit_synthesizer(metadata, frame, list(self.sdv_constraints), on_progress)
        except _ConstraintNotMet:
            # the real data breaks a rule handed to SDV: learn without it (enforce() rejects instead)
            self.dropped_constraints_ = list(getattr(self, "sdv_constraint_rules", []))
            self.synthesizer_ = self._fit_synthesizer(metadata, frame, [], on_progress)
        self.fit_seconds_ = time.perf_counter() - started
        report(on_progress, 1.0, f"{self.label} fitted", seconds=round(self.fit_seconds_, 2))

    def _fit_synthesizer(self, metadata: Any, frame: pd.DataFrame, constraints: list[Any],
                         on_progress: ProgressCallback | None) -> Any:
        try:
            synth = self._make_synthesizer(metadata)
            if constraints:
                synth.add_constraints(constraints)
        except SynthLabError:
            raise
        except Exception as e:  # SDV rejects a setting
            raise GeneratorError(f"{self.label} could not be set up: {e}") from None
        if hasattr(synth, "on_epoch"):
            synth.on_epoch = self._epoch_reporter(on_progress)
            synth.fit_seed = int(self.random_state)
        try:
            with global_rng_lock(on_progress), seeded_globals(int(self.random_state)), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                synth.fit({TABLE: frame})
        except SynthLabError:
            raise
        except Exception as e:
            if constraints and type(e).__name__ == "ConstraintNotMetError":
                raise _ConstraintNotMet() from None
            raise GeneratorError(f"{self.label} could not learn this data: {type(e).__name__}: {e}") from None
        finally:
            if hasattr(synth, "on_epoch"):
                synth.on_epoch = None
        return synth

    def _epoch_reporter(self, on_progress: ProgressCallback | None) -> Callable[[pd.DataFrame], None]:
        epochs = int(getattr(self, "epochs", 1))
        self.losses_: list[dict[str, float]] = []

        def on_epoch(losses: pd.DataFrame) -> None:
            last_epoch = int(losses["Epoch"].iloc[-1])
            rows = losses[losses["Epoch"] == last_epoch]
            done = last_epoch + 1
            if "Generator Loss" in rows:
                metrics = {"generator_loss": float(rows["Generator Loss"].iloc[-1]),
                           "discriminator_loss": float(rows["Discriminator Loss"].iloc[-1])}
            else:
                metrics = {"loss": float(rows["Loss"].mean())}
            self.losses_.append({"epoch": done, **metrics})
            report(on_progress, done / epochs, f"epoch {done}/{epochs}", epoch=done, **metrics)

        return on_epoch

    def loss_frame(self) -> pd.DataFrame:
        """Per-epoch losses of the last fit (empty for non-neural generators)."""
        return pd.DataFrame(getattr(self, "losses_", []))

    # ----- sampling -----------------------------------------------------------------------
    def _seed_sampling(self, seed: int) -> None:
        synth = self.synthesizer_
        synth.reset_sampling()
        synth._set_random_state(int(seed))
        transformers = synth._data_processor._hyper_transformer.field_transformers
        for column, transformer in transformers.items():  # (SDV's order varies with PYTHONHASHSEED)
            if transformer is not None and hasattr(transformer, "set_random_state"):
                key = zlib.crc32(str(column).encode("utf-8"))
                state = np.random.RandomState(np.random.SeedSequence([int(seed), key]).generate_state(1)[0])
                transformer.set_random_state(state, "reverse_transform")

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        synth = self.synthesizer_
        try:
            with global_rng_lock(), seeded_globals(None), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._seed_sampling(seed)
                if hasattr(synth, "_sample_with_progress_bar"):
                    out = synth._sample_with_progress_bar(n, 100, None, None, show_progress_bar=False)
                else:
                    out = synth.sample(n)[TABLE]
        except SynthLabError:
            raise
        except Exception as e:
            raise GeneratorError(f"{self.label} could not sample: {type(e).__name__}: {e}") from None
        return from_sdv(out, self.learned_schema_)

    def conditions_native(self, kinds: dict[str, Kind]) -> bool:
        """Whether SDV conditions on columns of these kinds without slow rejection (override)."""
        return False

    def sample_conditions_learned(self, n: int, seed: int, fixed: dict[str, Any], max_tries: int = 100) -> pd.DataFrame:
        """Learned rows with ``fixed`` column values, by SDV's conditional sampling
        (``sample_from_conditions`` without its progress bar)."""
        from sdv.sampling import Condition

        synth = self.synthesizer_
        condition = Condition(num_rows=int(n), column_values=condition_values(fixed, self.learned_schema_))
        try:
            with global_rng_lock(), seeded_globals(None), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._seed_sampling(seed)
                if hasattr(synth, "_sample_with_conditions"):
                    frames = synth._make_condition_dfs([condition])
                    synth._validate_conditions(frames)
                    out = synth._sample_with_conditions(frames[0], max_tries, None, None, None)
                else:
                    out = synth.sample_from_conditions([condition], max_tries_per_batch=max_tries)[TABLE]
        except Exception as e:
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise GeneratorError(f"{self.label} could not make rows with {fixed}: {first}") from None
        return from_sdv(out, self.learned_schema_)


def neural_estimate(n_rows: int, n_cols: int, epochs: int, per_cell_epoch: float, per_cell_setup: float) -> float:
    """Seconds ≈ 2 + cells × (setup + epochs × per-epoch cost), cells = rows × columns.

    Calibrated with ``bench/sdv_fit_times.py`` on 10k rows × 15 columns (lending_club_loans),
    torch on one thread (``OMP_NUM_THREADS=1``: the machine's 2 cores were shared, and a second
    thread gains little on these small networks), so the estimate errs on the slow side. The setup
    (mode-specific normalisation: a Bayesian Gaussian mixture per number column) and the epochs
    both grow with the cells; more categories per column make epochs slower than this says.
    """
    cells = max(n_rows, 1) * max(n_cols, 1)
    return 2.0 + cells * (per_cell_setup + max(int(epochs), 0) * per_cell_epoch)
