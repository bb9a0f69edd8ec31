"""Start runs as background jobs and show their live progress (progress bar, losses, cancel).

Fits run on a small server-wide thread pool (``st.cache_resource``: one pool shared on purpose, it
holds no user data), so the page stays responsive and other pages can be used meanwhile. The job
writes its outcome (done / failed / cancelled) into the user's workspace itself, so closing the tab
loses nothing.

The pool's queue is bounded: when more than ``MAX_QUEUED`` jobs (env ``SYNTHLAB_MAX_QUEUED_JOBS``)
already wait for a worker, a new one is refused with a plain message instead of piling up, so a
burst of users cannot grow the server's memory without limit. Requests for more synthetic rows
than the memory budget holds (:mod:`synthlab.guard`) are refused before anything starts.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pandas as pd
import streamlit as st

from components import state
from components.run_data import split_of
from components.text import md_escape
from synthlab import guard, plots
from synthlab.errors import Cancelled, SynthLabError
from synthlab.jobs import Job
from synthlab.runner import RunRequest, execute
from synthlab.runs import Run, new_run_id
from synthlab.scoring import headline

MAX_WORKERS = 2
MAX_QUEUED = 16
MAX_QUEUED_ENV = "SYNTHLAB_MAX_QUEUED_JOBS"


class JobQueueFull(SynthLabError):
    """Too many jobs already wait for a worker; the user should try again shortly."""


class BoundedExecutor(ThreadPoolExecutor):
    """A thread pool that refuses new work while ``max_queued`` submitted jobs have not started yet."""

    def __init__(self, max_workers: int, max_queued: int, thread_name_prefix: str = "") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self.max_queued = max_queued
        self._waiting = 0
        self._count_lock = threading.Lock()

    @property
    def waiting(self) -> int:
        """Jobs submitted but not yet started."""
        with self._count_lock:
            return self._waiting

    def check_capacity(self) -> None:
        """Raise :class:`JobQueueFull` when a new job would be refused."""
        if self.waiting >= self.max_queued:
            raise JobQueueFull(f"The server is busy: {self.max_queued} runs are already waiting for a free worker. "
                               "Nothing was started; try again in a minute.")

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._count_lock:
            if self._waiting >= self.max_queued:
                raise JobQueueFull(f"The server is busy: {self.max_queued} runs are already waiting for a free "
                                   "worker. Nothing was started; try again in a minute.")
            self._waiting += 1

        def started():
            with self._count_lock:
                self._waiting -= 1
            return fn(*args, **kwargs)

        try:
            return super().submit(started)
        except BaseException:
            with self._count_lock:
                self._waiting -= 1
            raise


def _max_queued() -> int:
    try:
        return max(1, int(os.environ.get(MAX_QUEUED_ENV, MAX_QUEUED)))
    except ValueError:
        return MAX_QUEUED


@st.cache_resource(show_spinner=False)
def executor() -> BoundedExecutor:
    """The server-wide pool (shared on purpose: it holds no user data, only the jobs' closures)."""
    return BoundedExecutor(MAX_WORKERS, _max_queued(), thread_name_prefix="synthlab-job")


def start_run(ds: state.ActiveDataset, request: RunRequest, name: str) -> Run:
    """Record the run as running, then fit/sample/score it in the background.

    Raises a :class:`SynthLabError` (and records nothing) when the request would exceed the memory
    budget or the server's queue is full.
    """
    guard.check_generation(request.n_rows, len(ds.schema.names))
    pool = executor()
    pool.check_capacity()
    ws = state.workspace()
    split = state.get_split()
    train, holdout, info = split_of(ds, split["holdout_share"], split["seed"])
    run = Run(id=new_run_id(), name=name, generator=request.generator, params=dict(request.params),
              seed=request.seed, n_rows=request.n_rows, conditions=request.conditions,
              rules=list(request.rules), dataset_id=ds.dataset_id)
    ws.save_split(split)
    ws.add_run(run)
    schema = ds.schema
    started = time.time()

    def sampled(rows):
        """Stored before scoring, so Compare can chart the run while its scorecard is computed."""
        ws.save_table(run.id, "synthetic", rows)
        ws.save_json(run.id, "scorecard", {"split": info.to_dict()})

    def work(on_progress):
        try:
            out = execute(request, train, holdout, schema, on_progress, on_sampled=sampled)
        except Cancelled:
            ws.update_run(run.id, status="cancelled", duration_s=time.time() - started, error="Cancelled by the user.")
            raise
        except SynthLabError as e:
            ws.update_run(run.id, status="failed", duration_s=time.time() - started, error=str(e))
            raise
        except Exception as e:
            ws.update_run(run.id, status="failed", duration_s=time.time() - started,
                          error=f"Unexpected failure ({type(e).__name__}).")
            raise
        card = dict(out.scorecard or {})
        # The scorecard leaves what it cannot know (e.g. the split's seed) as None: the split's own values win then.
        card["split"] = {**info.to_dict(), **{k: v for k, v in (card.get("split") or {}).items() if v is not None}}
        card["timings"] = {"fit_s": out.fit_seconds, "sample_s": out.sample_seconds, "evaluate_s": out.evaluate_seconds}
        ws.save_json(run.id, "scorecard", card)
        ws.save_json(run.id, "losses", job.losses)
        figures, verdicts = headline(card)
        ws.update_run(run.id, status="done", duration_s=time.time() - started, figures=figures, verdicts=verdicts)
        return run.id

    job = Job(work, label=f"{name} ({request.generator})")
    try:
        job.submit(pool)
    except JobQueueFull as e:  # filled up since the check above: say so on the run, too
        ws.update_run(run.id, status="failed", duration_s=0.0, error=str(e))
        raise
    state.jobs()[run.id] = job
    return run


def active_jobs() -> dict[str, Job]:
    return {rid: j for rid, j in state.jobs().items() if j.active}


@st.fragment(run_every=1.0)
def live_progress() -> None:
    """Progress of this session's running jobs, refreshed every second; a cancel button each."""
    jobs = state.jobs()
    finished = [rid for rid, j in jobs.items() if not j.active]
    for rid in finished:
        job = jobs.pop(rid)
        if job.status == "failed":
            state.flash("error", f"The run failed: {md_escape(job.error)} Earlier runs are untouched.")
        elif job.status == "cancelled":
            state.flash("warning", "The run was cancelled; earlier runs are untouched.")
        else:
            # shown on whichever page is open when the run ends (often Compare, opened while it ran)
            state.flash("success", "The run finished: its scores are ready, and Compare and Evaluate show it in full.")
    if finished:
        st.rerun(scope="app")
    for rid, job in jobs.items():
        progress, losses = job.snapshot()
        with st.status(f"Generating {md_escape(job.label)}…", expanded=True, state="running"):
            st.progress(progress.fraction or 0.0, text=progress.message or "Working…")
            if losses:
                st.plotly_chart(plots.loss_chart(_loss_frame(losses)), key=f"loss-{rid}")
            if job.cancel_requested:
                st.caption("Cancelling at the next step…")
            elif st.button("Cancel", key=f"cancel-{rid}", type="secondary"):
                job.cancel()


def _loss_frame(losses: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(losses)
    keep = ["epoch", *[c for c in df.columns if "loss" in c]]
    return df[keep]
