"""What every experiment shares: its result type, the seeded sample and split, fitting, and the
few measurements (fidelity, detection, tails, rare categories, copies, utility) it repeats per step.

Every experiment works on a seeded sample of at most ``max_rows`` real rows, split into train (what
generators see) and a holdout no generator ever sees, where utility is measured. Figures that depend
on sample size compare equal-size samples, as the scorecard does.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError, SchemaError, SynthLabError
from synthlab.generators.base import Generator
from synthlab.metrics.base import clean
from synthlab.progress import ProgressCallback
from synthlab.schema import Kind, Schema
from synthlab.split import SplitInfo, train_holdout_split

DEFAULT_MAX_ROWS = 5_000
HOLDOUT_SHARE = 0.25
MIN_ROWS = 40  # below this a holdout and a fitted generator say nothing
MIN_TOLERANCE = 0.005  # summaries never call a difference smaller than this a change
RARE_SHARE = 0.05  # a category this rare in the real train counts as a rare category
TAIL_QUANTILES = (0.01, 0.99)
MODELS = ("hgb", "rf", "linear")


@dataclass
class ExperimentResult:
    """One experiment's outcome: ``table`` (one row per step), ``summary`` (plain-language findings),
    ``notes`` (what was skipped and why), ``extra`` (further tables or figures) and ``settings``
    (everything needed to run it again)."""

    name: str
    table: pd.DataFrame
    summary: list[str]
    settings: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # table column -> what it means
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as null): the table as a list of records, extra tables likewise."""
        return clean({
            "experiment": self.name,
            "settings": self.settings,
            "summary": list(self.summary),
            "notes": list(self.notes),
            "columns": dict(self.columns),
            "table": records(self.table),
            "extra": {k: records(v) if isinstance(v, pd.DataFrame) else v for k, v in self.extra.items()},
            "seconds": self.seconds,
        })


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [clean(r) for r in df.to_dict(orient="records")]


@dataclass
class Split:
    train: pd.DataFrame
    holdout: pd.DataFrame
    info: SplitInfo
    rows_in: int  # rows of the data before sampling


def prepare(data: pd.DataFrame, schema: Schema, max_rows: int | None, seed: int,
            holdout_share: float = HOLDOUT_SHARE) -> Split:
    """Working frame, seeded sample of at most ``max_rows`` rows, train/holdout split."""
    if not isinstance(data, pd.DataFrame):
        raise DataError("The data must be a table.")
    data = data.copy(deep=False)
    data.columns = [str(c) for c in data.columns]
    schema.validate(data)
    if not schema.learned:
        raise DataError("There are no learned columns (every column is an ID or personal data).")
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else int(max_rows)
    if max_rows < MIN_ROWS:
        raise DataError(f"Use at least {MIN_ROWS} rows for an experiment (max rows is {max_rows}).")
    frame = schema.coerce(data)
    rows_in = len(frame)
    if len(frame) > max_rows:
        frame = frame.sample(max_rows, random_state=seed)
    if len(frame) < MIN_ROWS:
        raise DataError(f"The data has {len(frame)} rows; an experiment needs at least {MIN_ROWS}.")
    train, holdout, info = train_holdout_split(frame, schema, holdout_share, seed)
    return Split(train, holdout, info, rows_in)


def fit(generator: str, params: dict[str, Any] | None, train: pd.DataFrame, schema: Schema, seed: int,
        on_progress: ProgressCallback | None = None) -> Generator:
    """A fitted generator (``random_state`` defaults to ``seed``), through the runner like every run."""
    from synthlab.runner import RunRequest, fitted_generator

    request = RunRequest(generator, dict(params or {}), len(train), seed)
    return fitted_generator(request, train, schema, on_progress)


def settings(name: str, generator: str, params: dict[str, Any] | None, seed: int, split: Split,
             **options: Any) -> dict[str, Any]:
    return {
        "experiment": name, "generator": generator, "params": dict(params or {}), "seed": int(seed),
        "options": options, "rows_in_data": split.rows_in, "train_rows": len(split.train),
        "holdout_rows": len(split.holdout), "split": split.info.describe(),
    }


def check_model(model: str) -> str:
    if model not in MODELS:
        raise DataError(f"Unknown model '{model}'; choose one of {', '.join(MODELS)}.")
    return model


def has_target(schema: Schema) -> bool:
    return schema.target is not None and schema.task is not None and schema.target in schema.learned


def score_name(schema: Schema) -> str:
    return "ROC AUC" if schema.task == "classification" else "R²"


def subsample(df: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """At most ``n`` rows, seeded; the frame itself when it is not larger."""
    if len(df) <= n:
        return df.reset_index(drop=True)
    return df.sample(n, random_state=seed).reset_index(drop=True)


def stack(*frames: pd.DataFrame) -> pd.DataFrame:
    """Rows of several working frames of the same columns, one index; a single frame is kept as is."""
    parts = [f for f in frames if len(f)]
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


# ----- measurements -------------------------------------------------------------------------------
def utility(train: pd.DataFrame, holdout: pd.DataFrame, schema: Schema, model: str, seed: int) -> float:
    """ROC AUC or R² on the holdout of a model trained on ``train``; NaN when it cannot be measured."""
    from synthlab.metrics.utility import train_test_score

    try:
        return float(train_test_score(train, holdout, schema, model=model, seed=seed))
    except SynthLabError:
        return float("nan")


def tail_coverage(real: pd.DataFrame, rows: pd.DataFrame, schema: Schema) -> float:
    """Mean over number and date columns of how much of the real 1st–99th percentile range the rows'
    own 1st–99th percentile range reaches (1 = the tails are reached; collapse narrows it)."""
    lo_q, hi_q = TAIL_QUANTILES
    shares = []
    for col in schema.of_kind(Kind.NUMERICAL, Kind.DATETIME):
        if col not in schema.learned:
            continue
        r, s = _numbers(real[col]), _numbers(rows[col])
        if r.size < 2 or s.size < 2:
            continue
        lo, hi = np.quantile(r, [lo_q, hi_q])
        if not hi > lo:
            continue
        slo, shi = np.quantile(s, [lo_q, hi_q])
        shares.append(float(np.clip((min(hi, shi) - max(lo, slo)) / (hi - lo), 0.0, 1.0)))
    return float(np.mean(shares)) if shares else float("nan")


def rare_categories(real: pd.DataFrame, schema: Schema, rare_share: float = RARE_SHARE) -> list[tuple[str, str]]:
    """(column, category) pairs holding less than ``rare_share`` of the real rows of their column."""
    out = []
    for col in schema.of_kind(Kind.CATEGORICAL, Kind.BOOLEAN):
        if col not in schema.learned:
            continue
        shares = real[col].dropna().astype("string").value_counts(normalize=True)
        out += [(col, str(v)) for v, s in shares.items() if s < rare_share]
    return out


def rare_survival(rare: list[tuple[str, str]], rows: pd.DataFrame) -> float:
    """Share of the real data's rare categories that still occur at least once in ``rows``."""
    if not rare:
        return float("nan")
    seen: dict[str, set[str]] = {}
    hits = 0
    for col, value in rare:
        if col not in seen:
            seen[col] = set(rows[col].dropna().astype("string").tolist())
        hits += value in seen[col]
    return hits / len(rare)


def share_noise(n: int) -> float:
    """Two standard errors of a share-like figure in [0, 1] measured on ``n`` rows (at worst 0.5 / sqrt(n)
    each): changes smaller than this are not called changes in the summaries."""
    return max(MIN_TOLERANCE, 1.0 / math.sqrt(max(n, 1)))


def score_noise(holdout: pd.DataFrame, schema: Schema, score: float) -> float:
    """About two standard errors of a holdout score: ROC AUC by Hanley and McNeil's formula (the mean
    over classes, one against the rest, when there are several), R² as (1 − R²)·sqrt(2 / n). Scores of
    two models on the same holdout are correlated, so this errs on the side of calling less a change."""
    if not finite(score):
        return float("nan")
    y = holdout[schema.target].dropna()
    n = len(y)
    if n < 2:
        return float("nan")
    if schema.task == "regression":
        return max(MIN_TOLERANCE, 2.0 * max(1.0 - score, 0.0) * math.sqrt(2.0 / n))
    counts = y.astype("string").value_counts()
    a = min(max(float(score), 1e-6), 1 - 1e-6)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    classes = counts.iloc[-1:] if len(counts) == 2 else counts
    ses = []
    for k in classes:
        n1, n2 = int(k), n - int(k)
        if n1 < 1 or n2 < 1:
            continue
        var = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)
        ses.append(math.sqrt(max(var, 0.0)))
    return max(MIN_TOLERANCE, 2.0 * float(np.mean(ses))) if ses else float("nan")


def _numbers(s: pd.Series) -> np.ndarray:
    from synthlab.metrics.encoding import continuous_values

    v = continuous_values(s)
    return v[np.isfinite(v)]


# ----- summaries ----------------------------------------------------------------------------------
def fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def signed(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:+.{digits}f}"


def finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def require_column(schema: Schema, column: str, what: str) -> None:
    if column not in schema.names:
        raise SchemaError(f"There is no column named '{column}' (the {what}).")


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start
