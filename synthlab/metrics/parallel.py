"""Run independent pieces of work (model fits, distance blocks) on a few threads, each single-threaded.

scikit-learn's gradient boosting (OpenMP) and numpy's BLAS start their own threads, which spin-wait at
every barrier: on a busy shared server that slows a fit or a small matrix product ten- to fifty-fold.
Running whole pieces of work side by side on Python threads (numpy and scikit-learn release the GIL in
their heavy loops), each limited to one OpenMP/BLAS thread, uses the cores when they are free and
degrades gracefully when they are not. :func:`single_threaded` applies the same limit to the caller.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from threadpoolctl import threadpool_limits

T = TypeVar("T")
F = TypeVar("F", bound=Callable)
MAX_WORKERS = 4


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def single_threaded():
    """Context manager: BLAS and OpenMP limited to one thread in this block."""
    return threadpool_limits(limits=1)


def limited(fn: F) -> F:
    """Decorator: run ``fn`` with BLAS and OpenMP limited to one thread (see the module doc)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def run_all(tasks: Sequence[Callable[[], T]], workers: int | None = None) -> list[T]:
    """Results of ``tasks`` in order; exceptions propagate."""
    n = min(len(tasks), workers or min(available_cpus(), MAX_WORKERS))

    def one(task: Callable[[], T]) -> T:
        with threadpool_limits(limits=1):
            return task()

    if n <= 1:
        return [one(t) for t in tasks]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, tasks))
