"""Experiments: model collapse, real/synthetic balance, rare cases, seed variability, on the user's data.

Each experiment runs as a background job (progress and cancel, refreshed every second); its result is
kept in this user's session, one per experiment, and shown with charts, the table and downloads.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from components import state
from components.experiment_view import show_result
from components.guards import require_dataset
from components.jobs import executor
from components.page import header
from components.text import md_escape
from synthlab.errors import SynthLabError
from synthlab.experiments import DEFAULT_MAX_ROWS, EXPERIMENTS, MIN_ROWS, run_experiment
from synthlab.experiments.balance import FRACTIONS, RATIOS
from synthlab.experiments.rare import default_column
from synthlab.generators import DEFAULT_GENERATOR, registry
from synthlab.jobs import Job
from synthlab.schema import Kind

RATIO_CHOICES = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
FRACTION_CHOICES = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0)
MODELS = {"hgb": "gradient boosting", "rf": "random forest", "linear": "linear model"}


def _key(name: str, option: str) -> str:
    return state.experiment_key(name, option)


def collect_finished() -> bool:
    """Move finished experiment jobs' results into this session's results; True when one finished."""
    jobs = state.experiment_jobs()
    finished = [name for name, job in jobs.items() if not job.active]
    for name in finished:
        job = jobs.pop(name)
        label = EXPERIMENTS[name].label
        if job.status == "done":
            result, dataset = job.result
            state.experiment_results()[name] = {"result": result, "dataset": dataset, "finished": time.time()}
            state.flash("success", f"{label} finished: see the findings and charts below.")
        elif job.status == "cancelled":
            state.flash("warning", f"{label} was cancelled; earlier results are untouched.")
        else:
            state.flash("error", f"{label} failed: {md_escape(job.error)}")
    return bool(finished)


@st.fragment(run_every=1.0)
def live_progress() -> None:
    """The running experiment's progress, refreshed every second, with a Cancel button."""
    if collect_finished():
        st.rerun(scope="app")
    for name, job in state.experiment_jobs().items():
        progress, _ = job.snapshot()
        with st.status(f"Running {job.label}…", expanded=True, state="running"):
            st.progress(progress.fraction or 0.0, text=progress.message or "Working…")
            if job.cancel_requested:
                st.caption("Cancelling at the next step…")
            elif st.button("Cancel", key=_key(name, "cancel"), type="secondary"):
                job.cancel()


def start(name: str, ds: state.ActiveDataset, generator: str, seed: int, options: dict[str, Any]) -> None:
    frame, schema, dataset = ds.frame, ds.schema, ds.name

    def work(on_progress):
        result = run_experiment(name, frame, schema, generator=generator, seed=seed, on_progress=on_progress,
                                **options)
        return result, dataset

    job = Job(work, label=f"{EXPERIMENTS[name].label} ({generator})")
    state.experiment_jobs()[name] = job
    job.submit(executor())


# ----- options per experiment ---------------------------------------------------------------------------
def collapse_options(ds: state.ActiveDataset) -> dict[str, Any]:
    c1, c2 = st.columns(2)
    generations = c1.number_input("Generations", 1, 20, 5, key=_key("collapse", "generations"),
                                  help="Generation 1 is fitted on real rows, each later one on the previous output.")
    share = c2.slider("Real rows mixed back each generation", 0.0, 0.9, 0.0, 0.05, key=_key("collapse", "real_share"),
                      help="The usual mitigation: keep a share of real rows in every generation's training set.")
    return {"generations": int(generations), "real_share": float(share)}


def balance_options(ds: state.ActiveDataset) -> dict[str, Any]:
    c1, c2 = st.columns(2)
    ratios = c1.multiselect("Synthetic : real ratios", RATIO_CHOICES, default=list(RATIOS),
                            format_func=lambda r: f"{r:g}×", key=_key("balance", "ratios"))
    fractions = c2.multiselect("Shares of real train rows kept", FRACTION_CHOICES, default=list(FRACTIONS),
                               format_func=lambda f: f"{f:.0%}", key=_key("balance", "fractions"))
    return {"ratios": sorted(ratios), "fractions": sorted(fractions)}


def rare_options(ds: state.ActiveDataset) -> dict[str, Any]:
    schema = ds.schema
    columns = [c for c in schema.learned if schema[c].kind in (Kind.CATEGORICAL, Kind.BOOLEAN)
               and ds.frame[c].notna().any()]
    if not columns:
        st.warning("This experiment needs a categorical or yes/no column to boost; the data has none.")
        return {"column": None}
    try:
        default = default_column(schema)
    except SynthLabError:
        default = columns[0]
    c1, c2, c3 = st.columns(3)
    column = c1.selectbox("Column to boost", columns, index=columns.index(default) if default in columns else 0,
                          key=_key("rare", "column"))
    counts = ds.frame[column].dropna().astype("string").value_counts()
    values = [str(v) for v in counts.index[:200]]
    value = c2.selectbox("Value to boost", values, index=len(values) - 1, key=_key("rare", f"value.{column}"),
                         help="Default: the rarest value.")
    share = c3.slider("Target share", 0.05, 0.95, 0.5, 0.05, key=_key("rare", "share"))
    real = float(counts.get(value, 0)) / max(int(counts.sum()), 1)
    st.caption(f"Now {real:.1%} of the rows; boosted to {share:.0%}.")
    return {"column": column, "value": value, "share": float(share)}


def seeds_options(ds: state.ActiveDataset) -> dict[str, Any]:
    k = st.number_input("Seeds", 2, 20, 5, key=_key("seeds", "seeds"),
                        help="The generator is fitted and sampled once per seed, and each run fully scored.")
    return {"seeds": int(k)}


OPTION_FORMS = {"collapse": collapse_options, "balance": balance_options, "rare": rare_options,
                "seeds": seeds_options}


# ----- the page -------------------------------------------------------------------------------------------
collect_finished()  # before the header, so a just-finished experiment's message shows in this render
header("Experiments", "The open questions people bring synthetic data to, answered on your own data.")
ds = require_dataset()
if ds is None:
    st.stop()

name = st.radio("Experiment", list(EXPERIMENTS), format_func=lambda n: EXPERIMENTS[n].label, horizontal=True,
                key=state.EXPERIMENT)
info = EXPERIMENTS[name]
st.caption(info.question)

has_target = ds.schema.target is not None and ds.schema.task is not None
blocked = False
if not has_target:
    if info.needs_target:
        st.warning("This experiment measures how well a model predicts the target, so it needs a target column: "
                   "set one on the Data page.")
        blocked = True
    else:
        st.info("No target column is set, so the utility parts are skipped. Set a target on the Data page to "
                "include them.")
    st.page_link("pages/data.py", label="Go to Data", icon=":material/table:")

reg = registry()
c1, c2, c3 = st.columns(3)
generator = c1.selectbox("Generator", list(reg), index=list(reg).index(DEFAULT_GENERATOR) if DEFAULT_GENERATOR in reg
                         else 0, format_func=lambda n: reg[n].label, key=_key("common", "generator"))
max_rows = c2.number_input("Rows used (seeded sample)", MIN_ROWS, 1_000_000,
                           max(MIN_ROWS, min(DEFAULT_MAX_ROWS, len(ds.raw))), step=100,
                           key=_key("common", "max_rows"),
                           help="Experiments fit many generators; a sample keeps them quick.")
seed = c3.number_input("Seed", 0, 2**31 - 1, 0, key=_key("common", "seed"),
                       help="Same data, options and seed give the same result.")
options = OPTION_FORMS[name](ds)
with st.expander("Advanced"):
    holdout_share = st.slider("Holdout share", 0.1, 0.5, float(state.get_split()["holdout_share"]), 0.05,
                              key=_key("common", "holdout_share"),
                              help="Real rows no generator sees; utility is measured on them.")
    options["holdout_share"] = float(holdout_share)
    if name != "seeds":
        options["model"] = st.selectbox("Model for utility", list(MODELS), format_func=MODELS.get,
                                        key=_key("common", "model"))
options["max_rows"] = int(max_rows)
if name == "rare" and options.get("column") is None:
    blocked = True
if len(ds.raw) < MIN_ROWS:
    st.warning(f"The dataset has {len(ds.raw)} rows; experiments need at least {MIN_ROWS}.")
    blocked = True

rows_used = min(int(max_rows), len(ds.raw))
n_train = round(rows_used * (1 - options["holdout_share"]))
fits = info.fits(**options)
one = reg[generator].estimate_fit_seconds(n_train, len(ds.schema.learned))
total = fits * one
st.metric("Estimated fit time", f"~{total:,.0f} s" if total >= 1 else "< 1 s",
          help=f"{fits} fit(s) × ~{one:,.1f} s each for {n_train:,} train rows on 2 CPU cores, plus scoring.")
if reg[generator].neural:
    st.caption("A neural generator: each fit takes minutes. A fast generator (the default) answers most questions.")

busy = bool(state.experiment_jobs())
if st.button("Run experiment", type="primary", disabled=busy or blocked, key=_key("common", "run")):
    start(name, ds, generator, int(seed), options)
    st.rerun()
if busy:
    st.caption("One experiment at a time per session; you can browse other pages meanwhile.")
live_progress()

stored = state.experiment_results().get(name)
if stored is not None:
    st.divider()
    if stored["dataset"] != ds.name:
        st.caption("This result is from another dataset: " + md_escape(stored["dataset"]) + ".")
    show_result(stored["result"], stored["dataset"])
