"""Progress reporting for long work (fitting, evaluation).

The core never knows about the UI: long functions accept ``on_progress``, a callable taking a
:class:`Progress`. The UI turns it into ``st.progress``; the CLI prints it. To cancel, the
callback raises :class:`synthlab.errors.Cancelled`, which propagates out of the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Progress:
    """One progress report.

    ``fraction`` is in [0, 1] (None when unknown); ``message`` is a short human phrase;
    ``metrics`` carries live numbers such as per-epoch losses (``{"epoch": 3, "generator_loss": 0.4}``).
    """

    fraction: float | None
    message: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)


ProgressCallback = Callable[[Progress], None]


def report(on_progress: ProgressCallback | None, fraction: float | None, message: str = "", **metrics: Any) -> None:
    """Send a report if anyone listens; a Cancelled raised by the listener propagates."""
    if on_progress is not None:
        frac = None if fraction is None else min(1.0, max(0.0, float(fraction)))
        on_progress(Progress(frac, message, dict(metrics)))


def scaled(on_progress: ProgressCallback | None, start: float, end: float) -> ProgressCallback | None:
    """A callback mapping a sub-task's 0..1 onto ``start..end`` of the parent's progress."""
    if on_progress is None:
        return None

    def _inner(p: Progress) -> None:
        frac = None if p.fraction is None else start + (end - start) * p.fraction
        on_progress(Progress(frac, p.message, p.metrics))

    return _inner
