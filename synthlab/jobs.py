"""Background jobs: long work (fit, sample, evaluate) runs off the UI's script thread.

A :class:`Job` wraps a function taking a progress callback. The callback records the latest
progress and every per-epoch loss, and raises :class:`Cancelled` once :meth:`Job.cancel` was
called, so cancellation stops the work at its next progress report. The UI polls the job; the
function itself stores its results (e.g. in the user's workspace), so a closed browser tab loses
nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from synthlab.errors import Cancelled, SynthLabError
from synthlab.progress import Progress

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class Job:
    def __init__(self, fn: Callable[[Callable[[Progress], None]], Any], label: str = "") -> None:
        self.fn = fn
        self.label = label
        self.status = QUEUED
        self.progress = Progress(0.0, "Waiting for a free worker…")
        self.losses: list[dict[str, Any]] = []
        self.result: Any = None
        self.error: str | None = None
        self.started: float | None = None
        self.finished: float | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()

    # called from the worker thread -------------------------------------------------------
    def _on_progress(self, p: Progress) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        with self._lock:
            self.progress = p
            if "epoch" in p.metrics:
                self.losses.append(dict(p.metrics))

    def run(self) -> None:
        if self._cancel.is_set():
            self.status = CANCELLED
            return
        self.status, self.started = RUNNING, time.time()
        try:
            self.result = self.fn(self._on_progress)
            self.status = DONE
        except Cancelled:
            self.status = CANCELLED
            self.error = "Cancelled by the user."
        except SynthLabError as e:
            self.status, self.error = FAILED, str(e)
        except MemoryError:
            self.status, self.error = FAILED, "Ran out of memory; try fewer rows or a lighter generator."
        except Exception as e:  # reported as a plain message, logged in full
            log.exception("job %s failed", self.label)
            self.status, self.error = FAILED, f"The job failed unexpectedly ({type(e).__name__}: {str(e)[:200]})."
        finally:
            self.finished = time.time()

    # called from the UI -----------------------------------------------------------------
    def submit(self, executor: Executor) -> Job:
        executor.submit(self.run)
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def active(self) -> bool:
        return self.status in (QUEUED, RUNNING)

    def snapshot(self) -> tuple[Progress, list[dict[str, Any]]]:
        with self._lock:
            return self.progress, list(self.losses)
