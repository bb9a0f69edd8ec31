"""Session state: the only place its keys are named.

Everything a user owns (their dataset, schema, runs) lives in their own session (and, from the
workspace on, on disk under their token); nothing user-specific is cached across sessions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from synthlab.runs import Run
from synthlab.schema import Schema
from synthlab.workspace import Workspace, new_token, valid_token

DATASET = "synthlab.dataset"
FLASH = "synthlab.flash"
SCHEMA_EDITOR = "synthlab.schema_editor"
SCHEMA_EDITOR_VERSION = "synthlab.schema_editor_version"
UPLOADER = "synthlab.uploader"
UPLOAD_PENDING = "synthlab.upload_pending"  # an upload the Data page has still to load
UPLOAD_CANCEL = "synthlab.upload_cancel"
SAMPLE_PICKER = "synthlab.sample_picker"
TOKEN = "synthlab.token"
WORKSPACE = "synthlab.workspace"
JOBS = "synthlab.jobs"
SPLIT = "synthlab.split"
SPLITS = "synthlab.splits"
SELECTED_RUNS = "synthlab.selected_runs"
FRAME_SEEN = "synthlab.frame_seen"
QUERY_TOKEN = "ws"  # the URL query parameter carrying the workspace token


@dataclass
class ActiveDataset:
    """The dataset a user works on: as loaded (``raw``), its schema, and what intake warned about."""

    name: str
    source: str  # "sample:<id>", "upload:<file name>" or "workspace"
    raw: pd.DataFrame
    schema: Schema
    warnings: list[str] = field(default_factory=list)
    dataset_id: str | None = None
    _frame: pd.DataFrame | None = field(default=None, repr=False)
    _frame_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The working frame (see ``Schema.coerce``), recomputed only when the schema changes (once,
        also when a page and the background split ask for it at the same time)."""
        with self._frame_lock:
            if self._frame is None:
                self._frame = self.schema.coerce(self.raw)
            return self._frame

    def with_schema(self, schema: Schema) -> ActiveDataset:
        return ActiveDataset(self.name, self.source, self.raw, schema, self.warnings, self.dataset_id)

    @property
    def shape_text(self) -> str:
        return f"{len(self.raw):,} rows × {self.raw.shape[1]:,} columns"


# ----- workspace ------------------------------------------------------------------------------
def open_workspace() -> Workspace:
    """This session's workspace, named by the token in the URL (a new one when absent or invalid).

    The token is written back into the URL on every run, so a refresh, a bookmark or a server
    restart brings the user back to their own data and runs.
    """
    url_token = st.query_params.get(QUERY_TOKEN)
    token = st.session_state.get(TOKEN)
    if valid_token(url_token) and url_token != token:
        token = url_token
        for key in (DATASET, WORKSPACE, SPLIT):
            st.session_state.pop(key, None)
    if not valid_token(token):
        token = new_token()
    st.session_state[TOKEN] = token
    if st.query_params.get(QUERY_TOKEN) != token:
        st.query_params[QUERY_TOKEN] = token
    ws = st.session_state.get(WORKSPACE)
    if ws is None or ws.token != token:
        ws = Workspace.open(token)
        st.session_state[WORKSPACE] = ws
    return ws


def workspace() -> Workspace:
    ws = st.session_state.get(WORKSPACE)
    return ws if ws is not None else open_workspace()


def restore_dataset() -> bool:
    """Load the workspace's active dataset into the session; False when it has none."""
    stored = workspace().load_dataset()
    if stored is None:
        return False
    raw, name, schema, split = stored
    info = workspace().dataset_info()
    st.session_state[DATASET] = ActiveDataset(name, "workspace", raw, schema, [], info.id if info else None)
    if split:
        st.session_state[SPLIT] = split
    return True


def clear_workspace() -> None:
    for job in [*jobs().values(), *scale_jobs().values()]:
        job.cancel()  # nothing may land in the cleared workspace afterwards
    workspace().clear()
    for key in (DATASET, SPLIT, SPLITS, JOBS, SCALE_JOBS, SAMPLE_PICKER):
        st.session_state.pop(key, None)


# ----- dataset -------------------------------------------------------------------------------
def get_dataset() -> ActiveDataset | None:
    return st.session_state.get(DATASET)


def set_dataset(ds: ActiveDataset) -> None:
    """Make ``ds`` active and store it in the workspace (earlier runs are kept)."""
    ds.dataset_id = workspace().save_dataset(ds.raw, ds.name, ds.schema)
    st.session_state[DATASET] = ds
    st.session_state.pop(SPLIT, None)
    st.session_state[SCHEMA_EDITOR_VERSION] = st.session_state.get(SCHEMA_EDITOR_VERSION, 0) + 1


def set_schema(schema: Schema) -> None:
    ds = get_dataset()
    if ds is not None:
        workspace().save_schema(schema)
        st.session_state[DATASET] = ds.with_schema(schema)


def get_split() -> dict[str, Any]:
    """The evaluation split settings: holdout share and seed."""
    return st.session_state.get(SPLIT) or {"holdout_share": 0.25, "seed": 0}


def set_split(holdout_share: float, seed: int) -> None:
    split = {"holdout_share": float(holdout_share), "seed": int(seed)}
    st.session_state[SPLIT] = split
    workspace().save_split(split)


def splits() -> OrderedDict:
    """This session's train/holdout splits (futures, newest last; see ``components.run_data``)."""
    return st.session_state.setdefault(SPLITS, OrderedDict())


def schema_editor_key() -> str:
    """A fresh editor key per dataset, so edits of an old dataset never apply to a new one."""
    return f"{SCHEMA_EDITOR}.{st.session_state.get(SCHEMA_EDITOR_VERSION, 0)}"


def get_runs(all_datasets: bool = False) -> list[Run]:
    """Runs of the active dataset (newest first), from the workspace."""
    ds = get_dataset()
    if ds is None and not all_datasets:
        return []
    return workspace().runs(None if all_datasets else ds.dataset_id)


def jobs() -> dict[str, Any]:
    """Background jobs started in this session, by run id (live progress and cancel)."""
    return st.session_state.setdefault(JOBS, {})


def flash(kind: str, message: str) -> None:
    """Queue a message to show once on the next render (survives st.rerun)."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def pop_flashes() -> list[tuple[str, str]]:
    return st.session_state.pop(FLASH, [])




def selected_runs() -> list[str]:
    """Run ids chosen for Compare/Evaluate/Export (kept across pages)."""
    return list(st.session_state.get(SELECTED_RUNS, []))


def set_selected_runs(run_ids: list[str]) -> None:
    st.session_state[SELECTED_RUNS] = list(run_ids)


# ----- experiments ---------------------------------------------------------------------------
EXPERIMENT = "synthlab.experiment"  # the experiment picked on the Experiments page
EXPERIMENT_OPTION = "synthlab.experiment_option"  # prefix of that page's option widgets
EXPERIMENT_JOBS = "synthlab.experiment_jobs"
EXPERIMENT_RESULTS = "synthlab.experiment_results"


def experiment_key(name: str, option: str) -> str:
    """The widget key of one option of one experiment (each experiment keeps its own settings)."""
    return f"{EXPERIMENT_OPTION}.{name}.{option}"


def experiment_jobs() -> dict[str, Any]:
    """This session's running experiments, by experiment name (live progress and cancel)."""
    return st.session_state.setdefault(EXPERIMENT_JOBS, {})


def experiment_results() -> dict[str, Any]:
    """This session's latest result per experiment name (never shared with other users)."""
    return st.session_state.setdefault(EXPERIMENT_RESULTS, {})


# ----- generate at scale (Export page) -------------------------------------------------------
SCALE_OPTION = "synthlab.scale"  # prefix of the "Generate at scale" section's widgets
SCALE_JOBS = "synthlab.scale_jobs"


def scale_key(option: str, run_id: str | None = None) -> str:
    """The widget key of one option of the at-scale section (per run where the default depends on the run)."""
    return f"{SCALE_OPTION}.{option}" + (f".{run_id}" if run_id else "")


def scale_jobs() -> dict[str, Any]:
    """This session's at-scale jobs, by run id (live progress and cancel)."""
    return st.session_state.setdefault(SCALE_JOBS, {})
