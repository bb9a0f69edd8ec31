"""The generator contract, in scikit-learn's style: ``__init__`` stores parameters, ``fit`` returns
self, ``sample(n, seed)`` is reproducible.

Subclasses implement ``_fit`` and ``_sample`` on the *learned* columns of the working frame
(see :mod:`synthlab.schema`); the base class handles parameter validation, ID/PII columns (never
learned: filled with Faker values), column order and dtypes, so every generator behaves alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthlab.errors import GeneratorError
from synthlab.progress import ProgressCallback
from synthlab.schema import Kind, Schema, nullable_ints


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: what the UI builds a form field from and what the CLI's --set validates."""

    name: str
    type: str  # "int" | "float" | "bool" | "choice" | "str" | "json"
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    advanced: bool = False

    def validate(self, value: Any) -> Any:
        """Coerce ``value`` (possibly a string from the CLI) to this type, or raise GeneratorError."""
        try:
            if self.type == "int":
                if isinstance(value, str):
                    value = float(value)
                if float(value) != int(float(value)):
                    raise ValueError
                value = int(value)
            elif self.type == "float":
                value = float(value)
            elif self.type == "bool":
                if isinstance(value, str):
                    if value.strip().lower() not in {"true", "false", "1", "0", "yes", "no"}:
                        raise ValueError
                    value = value.strip().lower() in {"true", "1", "yes"}
                value = bool(value)
            elif self.type == "choice":
                if value not in self.choices:
                    matches = [c for c in self.choices if str(c) == str(value)]
                    if not matches:
                        raise GeneratorError(
                            f"'{self.name}' must be one of {', '.join(map(str, self.choices))}; got '{value}'."
                        )
                    value = matches[0]
            elif self.type == "json":
                if isinstance(value, str):
                    import json

                    value = json.loads(value)
            elif self.type == "str":
                value = str(value)
        except GeneratorError:
            raise
        except (TypeError, ValueError):
            raise GeneratorError(f"'{self.name}' must be of type {self.type}; got '{value}'.") from None
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise GeneratorError(f"'{self.name}' must be between {self.low} and {self.high}; got {value}.")
        return value

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "default": self.default, "help": self.help,
                "low": self.low, "high": self.high,
                "choices": list(self.choices) if self.choices is not None else None,
                "advanced": self.advanced}


COMMON_PARAMS = (
    ParamSpec("random_state", "int", 0, "Seed for fitting: same data, parameters and seed give the same model.",
              low=0, high=2**31 - 1, advanced=True),
    ParamSpec("locale", "choice", "en_US", "Faker locale for identifier and personal-data columns.",
              choices=("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "ja_JP", "zh_CN")),
)


def fit_rows_spec(default: int) -> ParamSpec:
    return ParamSpec(
        "fit_rows", "int", default,
        "Rows the generator learns from: a seeded random sample of the train split when it is larger "
        "(0 = all rows). Raise it for more detail, at the cost of fit time.", low=0, high=100_000_000)


def fit_sample(data: pd.DataFrame, rows: int, seed: int, target: str | None = None) -> pd.DataFrame:
    """A seeded random sample of ``rows`` rows of ``data`` in their original order; every class of a
    categorical ``target`` keeps a few rows, so rare cases are not lost to the sample."""
    if not rows or len(data) <= rows:
        return data
    rng = np.random.default_rng([int(seed), len(data)])
    picked = np.zeros(len(data), dtype=bool)
    picked[rng.choice(len(data), int(rows), replace=False)] = True
    if target is not None and target in data:
        codes = pd.factorize(data[target])[0]
        known = codes >= 0
        have = np.bincount(codes[known & picked], minlength=codes.max() + 1)
        for code in np.flatnonzero(have < RARE_CLASS_ROWS):
            rows_of = np.flatnonzero(codes == code)
            extra = rng.choice(rows_of, min(RARE_CLASS_ROWS, len(rows_of)), replace=False)
            picked[extra] = True
    return data[picked]


RARE_CLASS_ROWS = 10


class Generator:
    """Base class of every generator. Subclasses set the class variables and implement
    ``_param_specs``, ``_fit`` and ``_sample``.

    ``default_fit_rows`` is how many train rows a generator learns from unless the user says
    otherwise (``fit_rows``): a seeded sample keeps fits that scale badly (neural ones above all)
    bounded on tables of millions of rows; 0 means every row.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    description: ClassVar[str] = ""
    reference: ClassVar[bool] = False  # a baseline shown as a reference point, not for real use
    neural: ClassVar[bool] = False  # reports per-epoch losses
    default_fit_rows: ClassVar[int] = 50_000

    def __init__(self, **params: Any) -> None:
        specs = {p.name: p for p in self.params()}
        unknown = set(params) - set(specs)
        if unknown:
            raise GeneratorError(
                f"Unknown parameter(s) for {self.name}: {', '.join(sorted(unknown))}. "
                f"Known: {', '.join(sorted(specs))}."
            )
        for name, spec in specs.items():
            setattr(self, name, spec.validate(params[name]) if name in params else spec.default)
        self.schema_: Schema | None = None

    # ----- parameters ---------------------------------------------------------------------
    @classmethod
    def params(cls) -> list[ParamSpec]:
        """All parameter specs: the generator's own followed by the common ones (fit rows, seed, locale)."""
        return [*cls._param_specs(), fit_rows_spec(cls.default_fit_rows), *COMMON_PARAMS]

    def rows_learned(self, n_rows: int) -> int:
        """How many of ``n_rows`` train rows a fit learns from (see ``fit_rows``)."""
        return min(n_rows, self.fit_rows) if self.fit_rows else n_rows

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        return []

    def get_params(self) -> dict[str, Any]:
        return {p.name: getattr(self, p.name) for p in self.params()}

    @classmethod
    def estimate_fit_seconds(cls, n_rows: int, n_cols: int, **params: Any) -> float:
        """Rough fit time on 2 CPU cores, shown before fitting (override per generator)."""
        return 0.5 + 2e-6 * n_rows * n_cols

    # ----- fit / sample -------------------------------------------------------------------
    def fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None = None) -> Generator:
        """Learn from ``data`` (raw or working frame) described by ``schema``; return self."""
        schema.validate(data)
        if len(data) < 2:
            raise GeneratorError("At least 2 rows are needed to fit a generator.")
        self.train_rows_ = len(data)
        classes = schema.target if schema.task == "classification" else None
        data = fit_sample(data, self.fit_rows, self.random_state, classes)
        self.fit_rows_ = len(data)
        frame = schema.coerce(data)
        self.schema_ = schema
        self.dtypes_ = frame.dtypes.to_dict()
        from synthlab.generators.pii import PiiFiller  # imported here: keeps Faker off the import path

        self.pii_ = PiiFiller(schema, locale=getattr(self, "locale", "en_US")).fit(frame)
        # dates stored without a time of day come back without one (synthetic times are noise)
        self.day_dates_ = [c for c in schema.of_kind(Kind.DATETIME) if _whole_days(frame[c])]
        # category labels are part of the schema: kept to check values asked for (conditions)
        self.categories_ = {c: frozenset(frame[c].dropna().unique()) for c in schema.of_kind(Kind.CATEGORICAL)}
        learned = frame[schema.learned]
        self._fit(learned, schema, on_progress)
        return self

    def sample(self, n: int, seed: int | None = 0) -> pd.DataFrame:
        """``n`` synthetic rows with the real columns and working dtypes; same seed, same rows."""
        seed = check_seed(seed)
        return self.complete(self.sample_learned(n, seed), seed)

    def sample_learned(self, n: int, seed: int = 0) -> pd.DataFrame:
        """Just the learned columns of :meth:`sample` (working dtypes, index ``0..n-1``): what
        rejection sampling (rules, conditions) draws repeatedly before :meth:`complete`."""
        if self.schema_ is None:
            raise GeneratorError("Fit the generator before sampling.")
        n = int(n)
        if n < 1:
            raise GeneratorError("The number of rows to sample must be at least 1.")
        learned = self._sample(n, check_seed(seed)) if self.schema_.learned else pd.DataFrame(index=range(n))
        return self.finish_learned(learned)

    def finish_learned(self, learned: pd.DataFrame) -> pd.DataFrame:
        """Learned rows from any route (``_sample``, conditional sampling) in working form."""
        learned = renumbered(learned)
        days = [c for c in getattr(self, "day_dates_", []) if c in learned]
        if days:
            learned = learned.copy(deep=False)  # new columns, not the caller's frame changed
            for col in days:
                learned[col] = pd.to_datetime(learned[col], errors="coerce").dt.floor("D")
        return cast_like(learned, self.dtypes_)

    def complete(self, learned: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
        """Add fresh ID/PII values to learned rows; all real columns in order and working dtypes."""
        if self.schema_ is None:
            raise GeneratorError("Fit the generator before sampling.")
        learned = renumbered(learned)
        pii = renumbered(self.pii_.sample(len(learned), check_seed(seed)))
        columns = {**{c: learned[c] for c in learned.columns}, **{c: pii[c] for c in pii.columns}}
        out = pd.DataFrame({c: columns[c] for c in self.schema_.names}, copy=False)  # columns not copied
        return cast_like(out, self.dtypes_)

    def _fit(self, data: pd.DataFrame, schema: Schema, on_progress: ProgressCallback | None) -> None:
        raise NotImplementedError

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        raise NotImplementedError


def renumbered(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the index 0..n-1: as it is when it has that index already (``reset_index`` copies
    and consolidates every column, a tenth of the time of sampling a large partition)."""
    index = df.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return df
    return df.reset_index(drop=True)


def cast_like(df: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    """Cast each column to the working dtype it had in the real data."""
    out = {}
    for col in df.columns:
        s, dt = df[col], dtypes[col]
        try:
            if str(dt) == "boolean":
                s = s.astype("boolean") if pd.api.types.is_bool_dtype(s) else _map_distinct(s, bool, pd.NA).astype("boolean")
            elif str(dt).startswith("datetime64"):
                s = pd.to_datetime(s, errors="coerce").astype(dt)
            elif pd.api.types.is_float_dtype(dt):
                s = pd.to_numeric(s, errors="coerce").astype(dt)
            elif isinstance(dt, pd.api.extensions.ExtensionDtype) and dt.kind in "iu" and pd.api.types.is_float_dtype(s):
                s = nullable_ints(s, dt)
            elif dt == np.dtype(object):
                s = s.astype(object) if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty") \
                    else _map_distinct(s, str)
            else:
                s = s.astype(dt)
        except (TypeError, ValueError) as e:
            raise GeneratorError(f"Could not give column '{col}' its real type ({dt}): {e}") from None
        out[col] = s
    return pd.DataFrame(out, index=df.index, copy=False)


def _map_distinct(s: pd.Series, f: Any, missing: Any = None) -> pd.Series:
    """``f`` applied to each distinct present value, missing values kept (``missing`` replaces
    them when given): per-row Python calls cost seconds on a million rows, distinct values do not."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    out = s.astype(object).to_numpy(copy=True)
    present = codes >= 0
    out[present] = np.array([f(u) for u in uniques], dtype=object).take(codes[present]) if len(uniques) else out[present]
    if missing is not None:
        out[~present] = missing
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


def check_seed(seed: Any) -> int:
    """A sampling seed: a whole number from 0 to 2**32 - 1 (None means 0)."""
    if seed is None:
        return 0
    try:
        value = int(seed)
    except (TypeError, ValueError):
        raise GeneratorError(f"The seed must be a whole number; got '{seed}'.") from None
    if (value != seed and not isinstance(seed, str)) or not 0 <= value < 2**32:
        raise GeneratorError(f"The seed must be a whole number from 0 to {2**32 - 1}; got {seed}.")
    return value


def _whole_days(s: pd.Series) -> bool:
    values = s.dropna()
    return len(values) > 0 and bool((values == values.dt.floor("D")).all())


def rng_for(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def learned_kinds(schema: Schema) -> dict[str, Kind]:
    return {c: schema[c].kind for c in schema.learned}
