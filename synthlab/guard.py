"""Resource limits for data from strangers: a memory budget per dataset and a cap on columns.

One shared server holds many users' data, so a single file must not be able to exhaust its
memory. Before parsing, the file size (or, for archives, the declared uncompressed size) gives
an estimate of the memory parsing needs: above the budget the file is refused. After parsing,
the frame's real footprint times the copies a run makes (working frame, splits, generator) gives
the memory working on it needs: above the budget a seeded random sample of rows is kept, and the
user is told so. Limits come from the environment, read on every call (nothing is cached):

- ``SYNTHLAB_MEMORY_BUDGET_MB`` (default 2048): memory one dataset may need.
- ``SYNTHLAB_MAX_COLUMNS`` (default 1000): widest table accepted.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd

from synthlab.errors import DataError

BUDGET_ENV = "SYNTHLAB_MEMORY_BUDGET_MB"
DEFAULT_BUDGET_MB = 2048
MAX_COLUMNS_ENV = "SYNTHLAB_MAX_COLUMNS"
DEFAULT_MAX_COLUMNS = 1000
# Peak memory while parsing, per byte of input: the raw bytes, the decoded text, Arrow's table
# and the pandas frame can all be alive at once.
PARSE_FACTOR = {"text": 4.0, "parquet": 3.0, "excel": 2.0}
# Memory while working on a frame, per byte of the parsed frame: the working frame, train and
# holdout splits, the generator's encoded copy and the synthetic rows.
WORK_FACTOR = 5.0
SAMPLE_SEED = 0
_MB = 1 << 20


def _env_int(name: str, default: int, low: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(float(raw))
    except ValueError:
        return default
    return max(low, value)


def memory_budget_bytes() -> int:
    """The memory one dataset may need, in bytes (``$SYNTHLAB_MEMORY_BUDGET_MB``, default 2048 MB)."""
    return _env_int(BUDGET_ENV, DEFAULT_BUDGET_MB, 1) * _MB


def max_columns() -> int:
    """The widest table accepted (``$SYNTHLAB_MAX_COLUMNS``, default 1000)."""
    return _env_int(MAX_COLUMNS_ENV, DEFAULT_MAX_COLUMNS, 1)


def mb_text(n_bytes: float) -> str:
    mb = n_bytes / _MB
    if mb < 0.1:
        return f"{n_bytes / 1024:,.0f} KB"
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:,.1f} MB"


def check_parse_size(n_bytes: int, fmt: str, what: str = "This file") -> None:
    """Refuse input whose parsing alone would need more memory than the budget."""
    need = n_bytes * PARSE_FACTOR.get(fmt, 4.0)
    budget = memory_budget_bytes()
    if need > budget:
        raise DataError(
            f"{what} is {mb_text(n_bytes)}; reading it would need about {mb_text(need)} of memory, more than "
            f"this server's budget of {mb_text(budget)} for one dataset. Upload fewer rows or columns "
            "(for example a random sample of the rows)."
        )


def check_columns(n_columns: int) -> None:
    """Refuse tables wider than :func:`max_columns` before they are parsed further."""
    limit = max_columns()
    if n_columns > limit:
        raise DataError(
            f"The table has {n_columns:,} columns; SynthLab works with at most {limit:,}. "
            "Keep the columns you need (fewer columns also make synthetic data better) and upload again."
        )


def frame_bytes(df: pd.DataFrame) -> int:
    """Memory the frame holds, text included (a sample of rows for large frames)."""
    n = len(df)
    if n <= 20_000:
        return int(df.memory_usage(deep=True, index=False).sum())
    probe = df.iloc[np.linspace(0, n - 1, 5_000).astype(int)]
    return int(probe.memory_usage(deep=True, index=False).sum() / len(probe) * n)


def working_need(df: pd.DataFrame) -> int:
    """Estimated memory needed to fit, sample and score ``df``."""
    return int(frame_bytes(df) * WORK_FACTOR)


def fit_to_budget(df: pd.DataFrame, min_rows: int = 2) -> tuple[pd.DataFrame, str | None]:
    """``df``, or a seeded random sample of its rows that fits the budget, with a message saying so."""
    need = working_need(df)
    budget = memory_budget_bytes()
    if need <= budget or len(df) == 0:
        return df, None
    keep = math.floor(len(df) * budget / need * 0.95)
    if keep < min_rows:
        raise DataError(
            f"Working on this table would need about {mb_text(need)} of memory, more than this server's budget "
            f"of {mb_text(budget)} for one dataset, even for a few rows. Upload fewer or narrower columns."
        )
    sample = df.sample(n=keep, random_state=SAMPLE_SEED).sort_index().reset_index(drop=True)
    message = (f"The table needs about {mb_text(need)} of memory to work with, more than this server's budget of "
               f"{mb_text(budget)}; a random sample of {keep:,} of its {len(df):,} rows (seed {SAMPLE_SEED}) "
               "is used instead.")
    return sample, message


def check_generation(n_rows: int, n_columns: int) -> None:
    """Refuse a request for more synthetic rows than the budget holds (8 bytes per cell, times the copies)."""
    need = float(n_rows) * max(n_columns, 1) * 8 * WORK_FACTOR
    budget = memory_budget_bytes()
    if need > budget:
        most = max(1, int(budget / (max(n_columns, 1) * 8 * WORK_FACTOR)))
        raise DataError(
            f"{n_rows:,} synthetic rows × {n_columns:,} columns would need about {mb_text(need)} of memory, more "
            f"than this server's budget of {mb_text(budget)}; ask for at most {most:,} rows."
        )
