"""Start runs as background jobs and show their live progress (progress bar, losses, cancel).

Fits run on a small server-wide thread pool (``st.cache_resource``: one pool shared on purpose, it
holds no user data), so the page stays responsive and other pages can be used meanwhile. The job
writes its outcome (done / failed / cancelled) into the user's workspace itself, so closing the tab
loses nothing.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import streamlit as st

from components import state
from synthlab import plots
from synthlab.errors import Cancelled, SynthLabError
from synthlab.jobs import Job
from synthlab.runner import RunRequest, execute
from synthlab.runs import Run, new_run_id
from synthlab.scoring import headline
from synthlab.split import train_holdout_split

MAX_WORKERS = 2


@st.cache_resource(show_spinner=False)
def executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="synthlab-job")


def start_run(ds: state.ActiveDataset, request: RunRequest, name: str) -> Run:
    """Record the run as running, then fit/sample/score it in the background."""
    ws = state.workspace()
    split = state.get_split()
    train, holdout, info = train_holdout_split(ds.frame, ds.schema, split["holdout_share"], split["seed"])
    run = Run(id=new_run_id(), name=name, generator=request.generator, params=dict(request.params),
              seed=request.seed, n_rows=request.n_rows, conditions=request.conditions,
              rules=list(request.rules), dataset_id=ds.dataset_id)
    ws.save_split(split)
    ws.add_run(run)
    schema = ds.schema
    started = time.time()

    def work(on_progress):
        try:
            out = execute(request, train, holdout, schema, on_progress)
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
        ws.save_table(run.id, "synthetic", out.synthetic)
        card = dict(out.scorecard or {})
        card["split"] = {**info.to_dict(), **card.get("split", {})}
        card["timings"] = {"fit_s": out.fit_seconds, "sample_s": out.sample_seconds, "evaluate_s": out.evaluate_seconds}
        ws.save_json(run.id, "scorecard", card)
        ws.save_json(run.id, "losses", job.losses)
        figures, verdicts = headline(card)
        ws.update_run(run.id, status="done", duration_s=time.time() - started, figures=figures, verdicts=verdicts)
        return run.id

    job = Job(work, label=f"{name} ({request.generator})")
    state.jobs()[run.id] = job
    job.submit(executor())
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
            state.flash("error", f"The run failed: {job.error} Earlier runs are untouched.")
        elif job.status == "cancelled":
            state.flash("warning", "The run was cancelled; earlier runs are untouched.")
        else:
            state.flash("success", "The run finished: see its scores below, or open Compare and Evaluate.")
    if finished:
        st.rerun(scope="app")
    for rid, job in jobs.items():
        progress, losses = job.snapshot()
        with st.status(f"Generating {job.label}…", expanded=True, state="running"):
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
