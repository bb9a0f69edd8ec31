"""Generate: pick a generator, set its parameters, create a synthetic dataset (a run)."""

from __future__ import annotations

import streamlit as st

from components import state
from components.generate_options import conditions_form, rules_form, split_form
from components.guards import require_dataset
from components.jobs import active_jobs, live_progress, start_run
from components.page import header
from components.param_form import param_form
from components.run_table import run_history
from components.text import md_escape
from synthlab.errors import SynthLabError
from synthlab.generators import registry
from synthlab.runner import RunRequest

DEFAULT_MAX_ROWS = 100_000  # a first run on a million-row table stays quick; more rows are one edit away

header("Generate", "Fit a generator on the real train split and create synthetic rows; every run is kept.")
ds = require_dataset()
if ds is None:
    st.stop()

reg = registry()
names = list(reg)
n_train = round(len(ds.raw) * (1 - state.get_split()["holdout_share"]))
n_learned = len(ds.schema.learned)

left, right = st.columns([3, 2])
with left:
    name = st.selectbox(
        "Generator", names, key="synthlab.generator",
        format_func=lambda n: f"{reg[n].label}{'  · reference' if reg[n].reference else ''}",
    )
    cls = reg[name]
    st.caption(cls.description)
    if cls.reference:
        st.info("A reference baseline: it shows what a trivial or leaky generator scores, not data to use.")

overrides = {}
if hasattr(cls, "default_rules"):
    overrides["rules"] = cls.default_rules(ds.frame, ds.schema)
params, param_errors = param_form(cls.params(), key_prefix=f"synthlab.params.{name}", skip=("random_state",),
                                  defaults=overrides)
try:
    n_fit = cls(**params).rows_learned(n_train)
except SynthLabError:  # the form's own messages say what is wrong
    n_fit = n_train
with right:
    estimate = cls.estimate_fit_seconds(n_fit, n_learned, **params)
    st.metric("Estimated fit time", f"~{estimate:,.0f} s" if estimate >= 1 else "< 1 s",
              help=f"For {n_fit:,} rows × {n_learned} learned columns on 2 CPU cores.")
    if n_fit < n_train:
        st.caption(f"Learns from a seeded random sample of **{n_fit:,}** of the {n_train:,} train rows "
                   "(every class of the target kept). Raise “fit rows” below for more detail, at the cost of time.")

c1, c2 = st.columns(2)
n_rows = c1.number_input("Rows to generate", 1, 5_000_000, min(n_train, DEFAULT_MAX_ROWS), step=100,
                         key="synthlab.n_rows",
                         help=f"Default: as many as the train split, at most {DEFAULT_MAX_ROWS:,} (enough for every "
                              "chart and score; the scorecard samples larger tables anyway). For millions of rows "
                              "use Export → Generate at scale.")
seed = c2.number_input("Seed", 0, 2**31 - 1, 0, key="synthlab.seed",
                       help="Same data, parameters and seed give identical synthetic data.")
with st.expander("Conditional sampling and rebalancing"):
    conditions = conditions_form(ds)
with st.expander("Business rules"):
    rules, rule_errors = rules_form(ds)
with st.expander("Evaluation split"):
    split_form(ds)

for message in param_errors + rule_errors:
    st.error(md_escape(message))
busy = bool(active_jobs())
default_name = f"{cls.label} #{len(state.get_runs()) + 1}"
if st.button("Generate", type="primary", disabled=busy or bool(param_errors or rule_errors), key="synthlab.go"):
    params["random_state"] = int(seed)
    request = RunRequest(name, params, int(n_rows), int(seed), conditions, rules)
    try:
        start_run(ds, request, default_name)
    except SynthLabError as e:
        st.error(md_escape(e))
    else:
        st.rerun()
if busy:
    st.caption("One run at a time per session; you can browse other pages meanwhile.")
live_progress()
st.divider()
run_history()
