"""Generate at scale (Export page): many more rows than a download holds, as a folder of Parquet files.

The run's generator is refitted from its saved setup (same schema, split and seeds, so the same
model) and sampled partition by partition in this process (:func:`synthlab.scale.generate_partitions`,
the same files the CLI's Dask engine writes), in the background with progress and cancel. Jobs run
on their own small server-wide pool, apart from the fits' pool, so a long export never holds up
anyone's runs. Outputs live in the user's workspace (``scale/<run id>/<name>/``) and are listed
from their manifests, so they survive a refresh or a server restart.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import time
from typing import Any

import pandas as pd
import streamlit as st

from components import state
from components.jobs import BoundedExecutor
from components.memo import memo
from components.run_data import scorecard
from components.text import md_escape
from synthlab.errors import SynthLabError
from synthlab.generators import get_generator
from synthlab.jobs import Job
from synthlab.progress import report, scaled
from synthlab.runner import RunRequest, fitted_generator
from synthlab.runs import Run
from synthlab.scale import (
    BYTES_PER_ROW_SAMPLE,
    MAX_PARTITIONS,
    MAX_ROWS,
    ScaleOutput,
    ScalePlan,
    auto_partition_rows,
    bytes_per_row,
    generate_partitions,
    list_outputs,
    new_output_name,
    plan_scale,
    remove_output,
    size_text,
)
from synthlab.split import train_holdout_split

log = logging.getLogger(__name__)

SCALE_WORKERS = 1  # at-scale jobs are long: one at a time server-wide, the rest queue
SCALE_QUEUED = 8
DEFAULT_ROWS = 1_000_000
FIT_SHARE = 0.1  # of the progress bar: refitting the generator; the rest is writing partitions
# An unfinished folder untouched this long is left by an interrupted job (a live one writes a file per partition),
# so it may be removed without breaking a job running in another tab.
LEFTOVER_AGE_S = 900


@st.cache_resource(show_spinner=False)
def scale_executor() -> BoundedExecutor:
    """The server-wide pool for at-scale jobs (shared on purpose: it holds no user data, only closures)."""
    return BoundedExecutor(SCALE_WORKERS, SCALE_QUEUED, thread_name_prefix="synthlab-scale")


# ----- text helpers (pure) ---------------------------------------------------------------------------------
def read_snippet(folder: str) -> str:
    """Python that reads an output folder back with pandas and with Dask."""
    return (
        "import pandas as pd\n"
        f"df = pd.read_parquet({folder!r})  # every row in memory\n\n"
        "import dask.dataframe as dd\n"
        f"ddf = dd.read_parquet({folder!r})  # lazy: one partition per file\n"
    )


def cli_command(manifest: dict[str, Any], out: str = "synthetic-at-scale") -> str:
    """The ``python -m synthlab generate ... --engine dask`` command for an output's settings."""
    name = str(manifest.get("generator", ""))
    params = dict(manifest.get("params") or {})
    try:
        defaults = {p.name: p.default for p in get_generator(name).params()}
    except SynthLabError:
        defaults = {}
    parts = ["python", "-m", "synthlab", "generate", str(manifest.get("data_file") or "DATA.csv"), "--generator", name]
    for key, value in params.items():
        if key == "random_state" or key not in defaults or value != defaults[key]:
            text = value if isinstance(value, str) else json.dumps(value, default=str)
            parts += ["--set", f"{key}={text}"]
    parts += ["--rows", str(manifest.get("rows")), "--seed", str(manifest.get("seed")), "--engine", "dask",
              "--partitions", str(manifest.get("partitions")), "--out", f"{out}/"]
    return " ".join(shlex.quote(p) for p in parts)


def _data_file(ds: state.ActiveDataset) -> str:
    kind, _, value = ds.source.partition(":")
    if kind == "upload" and value:
        return value
    if kind == "sample" and value:
        try:
            from synthlab.samples import get_sample

            return f"sample_data/{get_sample(value).file}"
        except SynthLabError:
            pass
    return f"{ds.name}.csv"


# ----- jobs ----------------------------------------------------------------------------------------------------
def start_job(ds: state.ActiveDataset, run: Run, plan: ScalePlan, seed: int) -> Job:
    """Refit the run's generator and write ``plan.n_rows`` rows in the background; raise a
    :class:`SynthLabError` (and start nothing) when the request cannot run."""
    plan.check()
    jobs = state.scale_jobs()
    if any(job.active for job in jobs.values()):
        raise SynthLabError("An at-scale job is already running in this session: wait for it or cancel it.")
    pool = scale_executor()
    pool.check_capacity()
    ws = state.workspace()
    setup = ws.run_setup(run.id)
    schema, split = setup if setup else (ds.schema, None)
    split = split or scorecard(run).get("split") or state.get_split()
    share, split_seed = float(split.get("holdout_share", 0.25)), int(split.get("seed", 0) or 0)
    if run.dataset_id in (None, ds.dataset_id):
        raw = ds.raw
    else:
        stored = ws.load_dataset(run.dataset_id)
        if stored is None:
            raise SynthLabError("The data this run was fitted on is no longer in the workspace.")
        raw = stored[0]
    request = RunRequest(generator=run.generator, params=dict(run.params), n_rows=run.n_rows, seed=run.seed,
                         conditions=run.conditions, rules=list(run.rules))
    out = ws.scale_dir(run.id, new_output_name())
    n_rows, partitions = plan.n_rows, plan.partitions
    extra = {"run_name": run.name, "dataset": ds.name, "data_file": _data_file(ds)}

    def work(on_progress):
        report(on_progress, 0.0, f"Refitting {run.generator} on this run's training rows…")
        started = time.perf_counter()
        frame = schema.coerce(raw).reset_index(drop=True)
        train, _, _ = train_holdout_split(frame, schema, share, split_seed)
        generator = fitted_generator(request, train, schema, scaled(on_progress, 0.0, FIT_SHARE))
        extra["fit_seconds"] = round(time.perf_counter() - started, 3)
        return generate_partitions(generator, n_rows, out, seed=seed, partitions=partitions,
                                   on_progress=scaled(on_progress, FIT_SHARE, 1.0), run_id=run.id, extra=extra,
                                   request=request)

    job = Job(work, label=f"{run.name}: {n_rows:,} rows")
    job.submit(pool)
    jobs[run.id] = job
    return job


def collect_finished() -> list[tuple[str, str]]:
    """Pop this session's finished at-scale jobs; the messages to show for them."""
    jobs = state.scale_jobs()
    messages = []
    for rid in [rid for rid, job in jobs.items() if not job.active]:
        job = jobs.pop(rid)
        if job.status == "done":
            r = job.result
            messages.append(("success", f"Wrote {r.rows:,} rows in {len(r.files):,} Parquet files in "
                                        f"{r.seconds:,.1f} s: the folder is listed below."))
        elif job.status == "cancelled":
            messages.append(("warning", "The at-scale job was cancelled and its unfinished folder removed. "
                                        "Your runs and earlier outputs are untouched."))
        else:
            messages.append(("error", f"Generating at scale failed: {md_escape(job.error)} "
                                      "Your runs and earlier outputs are untouched."))
    return messages


@st.fragment(run_every=1.0)
def live_progress() -> None:
    """This session's at-scale job: progress refreshed every second, and a Cancel button."""
    jobs = state.scale_jobs()
    if any(not job.active for job in jobs.values()):
        st.rerun(scope="app")
    for rid, job in jobs.items():
        progress, _ = job.snapshot()
        with st.status(f"Generating at scale: {md_escape(job.label)}…", expanded=True, state="running"):
            st.progress(progress.fraction or 0.0, text=progress.message or "Working…")
            if job.cancel_requested:
                st.caption("Cancelling after the file being written…")
            elif st.button("Cancel", key=state.scale_key("cancel", rid), type="secondary"):
                job.cancel()
                st.rerun(scope="fragment")


# ----- the section -------------------------------------------------------------------------------------------
def scale_section(ds: state.ActiveDataset, run: Run, rows: pd.DataFrame) -> None:
    """The "Generate at scale" section for ``run`` (its synthetic ``rows`` size the disk estimate)."""
    st.subheader("Generate at scale")
    st.caption(f"Draw up to {MAX_ROWS:,} rows from this run's generator, refitted exactly as it was, into a "
               "folder of Parquet files in your workspace. It runs in the background: other pages stay usable.")
    try:
        _section(ds, run, rows)
    except SynthLabError as e:
        st.error(md_escape(e))
    except Exception:  # a plain message, never a traceback; nothing here touches the user's runs
        log.exception("generate at scale failed for run %s", run.id)
        st.error("Generate at scale hit an unexpected problem. Your runs and earlier outputs are untouched; "
                 "try again.")


def _section(ds: state.ActiveDataset, run: Run, rows: pd.DataFrame) -> None:
    for kind, message in collect_finished():
        getattr(st, kind)(message)
    ws = state.workspace()
    base = ws.scale_dir(run.id)
    setup = ws.run_setup(run.id)
    schema = setup[0] if setup else ds.schema
    if run.conditions or run.rules:
        st.caption("This run's conditions and business rules apply to every file, as they did to the run.")
    c1, c2, c3 = st.columns(3)
    n_rows = c1.number_input("Rows", 0, MAX_ROWS, DEFAULT_ROWS, step=100_000, key=state.scale_key("rows"))
    auto = auto_partition_rows(len(schema.names))
    partitions = c2.number_input("Partitions (files)", 0, MAX_PARTITIONS, 0, key=state.scale_key("partitions"),
                                 help=f"0: automatic, files of at most {auto:,} rows. Cancelling waits for the "
                                      "file being written.")
    seed = c3.number_input("Seed", 0, 2**31 - 1, int(run.seed), key=state.scale_key("seed", run.id),
                           help="Same run, rows, partitions and seed give the same files. Default: the run's seed.")
    row_bytes = memo(("scale_bytes_per_row", run.id),
                     lambda: bytes_per_row(schema.restore(rows.head(BYTES_PER_ROW_SAMPLE))))
    plan = plan_scale(int(n_rows), int(partitions), len(schema.names), row_bytes, base)
    if plan.ok:
        st.caption(f"{plan.n_rows:,} rows in {plan.partitions:,} file{'s' if plan.partitions > 1 else ''} of up to "
                   f"{plan.partition_rows:,} rows: about {size_text(plan.need_bytes)} on disk ({row_bytes:,.0f} "
                   f"bytes per row, estimated from this run's data); {size_text(plan.free_bytes)} free in the "
                   "workspace.")
    else:
        st.error(plan.problem)
    jobs = state.scale_jobs()
    busy = any(job.active for job in jobs.values())
    if st.button("Generate at scale", type="primary", disabled=busy or not plan.ok, key=state.scale_key("start")):
        start_job(ds, run, plan, int(seed))
        st.rerun()
    if busy:
        st.caption("One at-scale job at a time per session; you can use the other pages meanwhile.")
        live_progress()
    _outputs(run, base, running=run.id in jobs)


def _outputs(run: Run, base: Any, running: bool) -> None:
    """This run's earlier outputs (read from disk), the chosen one's details, and deleting."""
    outputs = list_outputs(base)
    done = [o for o in outputs if o.complete]
    leftovers = [o for o in outputs if not o.complete and _age_s(o.path) > LEFTOVER_AGE_S]
    if done:
        st.markdown("**This run's outputs**")
        st.dataframe(pd.DataFrame([_row(o) for o in done]), hide_index=True, width="stretch")
        names = [o.name for o in done]
        chosen = st.selectbox("Output", names, key=state.scale_key("output", run.id),
                              format_func=lambda n: _label(next(o for o in done if o.name == n)))
        _details(next(o for o in done if o.name == chosen))
        if st.button("Delete this output", key=state.scale_key("delete", run.id)):
            remove_output(os.path.join(str(base), chosen), base)
            st.rerun()
    if leftovers and not running:
        st.caption(f"{len(leftovers)} unfinished folder{'s' if len(leftovers) > 1 else ''} left by an interrupted "
                   "job (not readable as a dataset).")
        if st.button("Remove unfinished folders", key=state.scale_key("cleanup", run.id)):
            for o in leftovers:
                remove_output(o.path, base)
            st.rerun()


def _age_s(path: str) -> float:
    try:
        return time.time() - os.path.getmtime(path)
    except OSError:
        return 0.0


def _row(o: ScaleOutput) -> dict[str, Any]:
    m = o.manifest
    return {"created (UTC)": str(m.get("created_at", "")).replace("T", " ")[:19],
            "rows": f"{int(m.get('rows') or 0):,}", "files": len(m.get("files") or []), "seed": m.get("seed"),
            "seconds": round(float(m.get("seconds") or 0), 1), "folder": o.name}


def _label(o: ScaleOutput) -> str:
    m = o.manifest
    return f"{o.name} · {int(m.get('rows') or 0):,} rows · seed {m.get('seed')}"


def _details(o: ScaleOutput) -> None:
    m = o.manifest
    st.code(o.path, language=None, wrap_lines=True)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rows", f"{int(m.get('rows') or 0):,}")
    c2.metric("Files", f"{len(m.get('files') or []):,}")
    c3.metric("Seconds", f"{float(m.get('seconds') or 0):,.1f}",
              help="Writing the partitions (refitting the generator took "
                   f"{float(m.get('fit_seconds') or 0):,.1f} s more).")
    c4.metric("Seed", str(m.get("seed")))
    st.caption("Read it back (`_manifest.json` in the folder is skipped by both readers):")
    st.code(read_snippet(o.path), language="python", wrap_lines=True)
    st.caption("The same at scale from the command line, on a Dask cluster:")
    st.code(cli_command(m), language="bash", wrap_lines=True)
    st.caption("The command refits on the whole file you give it with a freshly detected schema; the app refits on "
               "this run's training rows with its saved schema, so the rows match only when those are the same.")
