"""What a page needs of a run: its synthetic rows, its scorecard and the real split it was scored on."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
from typing import Any

import pandas as pd

from components import state
from components.memo import memo
from synthlab.runs import Run

SPLITS_KEPT = 2  # a split holds a copy of every row: keep the current one and the one before


def done_runs() -> list[Run]:
    return [r for r in state.get_runs() if r.status == "done"]


def comparable_runs() -> list[Run]:
    """Finished runs, and running ones whose synthetic rows are stored (their scorecard is on its way)."""
    ws = state.workspace()
    return [r for r in state.get_runs()
            if r.status == "done" or (r.status == "running" and ws.has_table(r.id, "synthetic"))]


def synthetic(run: Run) -> pd.DataFrame | None:
    return memo(("synthetic", run.id), lambda: state.workspace().load_table(run.id, "synthetic"))


def scorecard(run: Run) -> dict[str, Any]:
    """The run's scorecard (while it is still scoring: only its split)."""
    return memo(("scorecard", run.id, run.status),
                lambda: state.workspace().load_json(run.id, "scorecard") or {})


def real_split(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The train and holdout rows this run was fitted and scored on (recomputed from its seeded split)."""
    ds = state.get_dataset()
    split = scorecard(run).get("split") or state.get_split()
    share, seed = float(split.get("holdout_share", 0.25)), int(split.get("seed", 0))

    train, holdout, _ = split_of(ds, share, seed)
    return train, holdout


def split_of(ds: state.ActiveDataset, share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """``ds``'s seeded train/holdout split, computed once per session: the run that is started and
    the pages that chart it share it. Raises what the split raises (too few rows)."""
    return _split_future(ds, share, seed).result()


def prefetch_split(ds: state.ActiveDataset) -> None:
    """Start computing the current split in the background (seconds on a million rows), so that
    pressing Generate starts the run at once."""
    split = state.get_split()
    _split_future(ds, split["holdout_share"], split["seed"])


def _split_future(ds: state.ActiveDataset, share: float, seed: int) -> Future:
    # the working frame, and so the split, depends on every column's kind: the whole schema is the key
    key = (ds.dataset_id, float(share), int(seed), json.dumps(ds.schema.to_dict(), sort_keys=True, default=str))
    store = state.splits()
    if key in store:
        store.move_to_end(key)
        return store[key]
    future: Future = Future()

    def work() -> None:
        from synthlab.split import train_holdout_split  # scikit-learn: imported off the page's thread

        try:
            future.set_result(train_holdout_split(ds.frame, ds.schema, float(share), int(seed)))
        except BaseException as e:  # handed to whoever asks for the split
            future.set_exception(e)

    threading.Thread(target=work, name="synthlab-split", daemon=True).start()
    store[key] = future
    while len(store) > SPLITS_KEPT:
        store.popitem(last=False)
    return future


def pick_runs(label: str, key: str, max_runs: int = 4, runs: list[Run] | None = None) -> list[Run]:
    """A run picker over ``runs`` (default: the finished ones), defaulting to the runs selected
    elsewhere, else the newest."""
    import streamlit as st

    runs = done_runs() if runs is None else runs
    by_id = {r.id: r for r in runs}
    default = [rid for rid in state.selected_runs() if rid in by_id][:max_runs] or [runs[0].id]
    chosen = st.multiselect(label, list(by_id), default=default, key=key, max_selections=max_runs,
                            format_func=lambda rid: by_id[rid].name)
    if chosen:
        state.set_selected_runs(chosen)
    return [by_id[rid] for rid in chosen]
