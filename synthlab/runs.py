"""The Run record: one fit-and-sample of a generator, as the workspace stores and the leaderboard shows it.

A run is written as soon as fitting starts (status ``running``) and updated when it ends, so a fit
that fails, is cancelled or is cut off by a server restart still leaves a trace, and never touches
the runs before it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from synthlab.errors import SynthLabError

RUN_STATUSES = ("running", "done", "failed", "cancelled", "interrupted")
FINISHED_STATUSES = ("done", "failed", "cancelled", "interrupted")

# Run ids become folder names in the workspace: keep them to a safe alphabet.
RUN_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def now_iso() -> str:
    """The current UTC time as ISO 8601 text (what ``created_at`` holds)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """A fresh run id: sortable by creation time, with 48 random bits so two runs never collide."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(6)}"


def valid_run_id(run_id: Any) -> bool:
    return isinstance(run_id, str) and RUN_ID_PATTERN.fullmatch(run_id) is not None


@dataclass
class Run:
    """One run. ``params`` are the generator's parameters (``random_state`` included), ``seed`` the
    sampling seed; ``verdicts`` and ``figures`` are the scorecard's headline verdicts and numbers
    (kept here so leaderboards need not load every scorecard); ``dataset_id`` ties the run to the
    dataset it was fitted on (set by the workspace when left empty)."""

    id: str
    name: str
    generator: str
    params: dict[str, Any]
    seed: int
    n_rows: int
    status: str = "running"
    created_at: str = field(default_factory=now_iso)
    duration_s: float | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    conditions: dict[str, Any] | None = None
    rules: list[str] = field(default_factory=list)
    dataset_id: str | None = None

    def __post_init__(self) -> None:
        if not valid_run_id(self.id):
            raise SynthLabError(f"'{self.id}' is not a valid run id.")
        if self.status not in RUN_STATUSES:
            raise SynthLabError(f"Run status must be one of {', '.join(RUN_STATUSES)}; got '{self.status}'.")

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Run:
        """Build a run from :meth:`to_dict` output; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in d.items() if k in known})
        except TypeError as e:
            raise SynthLabError(f"A stored run is malformed: {e}") from None


def run_fields() -> set[str]:
    """Names of the fields :meth:`Workspace.update_run` may change (all but ``id``)."""
    return {f.name for f in fields(Run)} - {"id"}
