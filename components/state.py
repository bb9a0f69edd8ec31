"""Session state: the only place its keys are named.

Everything a user owns (their dataset, schema, runs) lives in their own session (and, from the
workspace on, on disk under their token); nothing user-specific is cached across sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from synthlab.schema import Schema

DATASET = "synthlab.dataset"
FLASH = "synthlab.flash"
SCHEMA_EDITOR = "synthlab.schema_editor"
SCHEMA_EDITOR_VERSION = "synthlab.schema_editor_version"
UPLOADER = "synthlab.uploader"
SAMPLE_PICKER = "synthlab.sample_picker"
RUNS = "synthlab.runs"


@dataclass
class ActiveDataset:
    """The dataset a user works on: as loaded (``raw``), its schema, and what intake warned about."""

    name: str
    source: str  # "sample:<id>" or "upload:<file name>"
    raw: pd.DataFrame
    schema: Schema
    warnings: list[str] = field(default_factory=list)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The working frame (see ``Schema.coerce``), recomputed only when the schema changes."""
        if self._frame is None:
            self._frame = self.schema.coerce(self.raw)
        return self._frame

    def with_schema(self, schema: Schema) -> ActiveDataset:
        return ActiveDataset(self.name, self.source, self.raw, schema, self.warnings)

    @property
    def shape_text(self) -> str:
        return f"{len(self.raw):,} rows × {self.raw.shape[1]:,} columns"


def get_dataset() -> ActiveDataset | None:
    return st.session_state.get(DATASET)


def set_dataset(ds: ActiveDataset) -> None:
    st.session_state[DATASET] = ds
    st.session_state[SCHEMA_EDITOR_VERSION] = st.session_state.get(SCHEMA_EDITOR_VERSION, 0) + 1


def set_schema(schema: Schema) -> None:
    ds = get_dataset()
    if ds is not None:
        st.session_state[DATASET] = ds.with_schema(schema)


def schema_editor_key() -> str:
    """A fresh editor key per dataset, so edits of an old dataset never apply to a new one."""
    return f"{SCHEMA_EDITOR}.{st.session_state.get(SCHEMA_EDITOR_VERSION, 0)}"


def get_runs() -> list[Any]:
    return st.session_state.get(RUNS, [])


def flash(kind: str, message: str) -> None:
    """Queue a message to show once on the next render (survives st.rerun)."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def pop_flashes() -> list[tuple[str, str]]:
    return st.session_state.pop(FLASH, [])


