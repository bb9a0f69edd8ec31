"""Per-user persistent workspace: the dataset, its schema and every run survive a browser refresh
or a server restart.

Layout under the data directory (env ``SYNTHLAB_DATA_DIR``, default ``./.synthlab-data``)::

    workspaces/<token>/meta.sqlite              datasets, runs (SQLite, WAL mode)
    workspaces/<token>/datasets/<id>.parquet    the working frame of each dataset still needed
    workspaces/<token>/runs/<run id>/<kind>.parquet | <kind>.json
    workspaces/<token>/scale/<run id>/<name>/   Parquet folders written by "generate at scale"

Each browser session owns one workspace, named by an unguessable token carried in the URL
(:func:`new_token`: 256 random bits). A token is checked against a strict pattern *and* the
resolved path must sit inside the data directory, so no token can reach another folder.

Concurrency: nothing is cached between calls. Every call opens its own SQLite connection with
a short transaction, and every file is written to a temporary name and moved into place with
``os.replace``, so two threads of one session, or many sessions at once, never see a half-written
file. Nothing stored is ever unpickled: metadata is JSON, tables are Parquet.

Interrupted runs: a run is stored with the id of the process fitting it. When a workspace is
opened, a run still ``running`` whose process is gone (a server restart, a crash) becomes
``interrupted``; a run whose process is alive (another tab, the same server) is left alone.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError, SynthLabError
from synthlab.runs import Run, now_iso, run_fields, valid_run_id
from synthlab.schema import Schema

DATA_DIR_ENV = "SYNTHLAB_DATA_DIR"
DEFAULT_DATA_DIR = ".synthlab-data"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_DB_NAME = "meta.sqlite"
_SCHEMA_VERSION = 1
_BUSY_TIMEOUT_S = 30.0
# Identifies this server process among the owners of running runs (an immutable constant).
_PROCESS_NONCE = secrets.token_hex(8)
INTERRUPTED_MESSAGE = "The server stopped while this run was in progress."


# ----- data directory and tokens ----------------------------------------------------------------
def data_root() -> Path:
    """The data directory: ``$SYNTHLAB_DATA_DIR``, or ``.synthlab-data`` in the working directory."""
    raw = os.environ.get(DATA_DIR_ENV, "").strip()
    root = Path(raw).expanduser() if raw else Path.cwd() / DEFAULT_DATA_DIR
    return root.resolve()


def new_token() -> str:
    """A fresh workspace token: 32 random bytes (256 bits), URL-safe, 43 characters."""
    return secrets.token_urlsafe(32)


def valid_token(token: Any) -> bool:
    """True when ``token`` has the shape of a workspace token (never a path, never short)."""
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


def workspace_dir(token: str, root: Path | str | None = None) -> Path:
    """The folder of ``token``'s workspace, refusing any token that could lead outside the root."""
    if not valid_token(token):
        raise SynthLabError("This workspace link is not valid; a new workspace will be needed.")
    base = (Path(root).expanduser().resolve() if root is not None else data_root()) / "workspaces"
    path = (base / token).resolve()
    if path.parent != base.resolve():
        raise SynthLabError("This workspace link is not valid; a new workspace will be needed.")
    return path


def _process_owner() -> str:
    return f"{os.getpid()}:{_PROCESS_NONCE}"


def _owner_alive(owner: str | None) -> bool:
    """Whether the process recorded as a run's owner may still be working on it."""
    if not owner or ":" not in owner:
        return False
    pid_text = owner.split(":", 1)[0]
    if owner == _process_owner():
        return True
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return False  # our pid but another nonce: an earlier server (containers reuse pids on restart)
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


# ----- JSON and Parquet helpers -------------------------------------------------------------------
def _json_default(o: Any) -> Any:
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (pd.Timestamp, datetime, date)):
        return o.isoformat()
    if isinstance(o, Enum):
        return o.value
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    if o is pd.NA or o is pd.NaT:
        return None
    if hasattr(o, "to_dict"):
        return o.to_dict()
    raise TypeError(f"{type(o).__name__} cannot be stored as JSON")


def dumps_json(obj: Any, indent: int | None = None) -> str:
    """JSON text for ``obj``; numpy scalars, timestamps, enums and objects with ``to_dict`` allowed."""
    return json.dumps(obj, default=_json_default, indent=indent, ensure_ascii=False)


def parquet_ready(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with string column names and every mixed-type text column turned into strings.

    Parquet needs each object column to hold one type; the working frame already does, which is
    checked without a Python call per value (a million-row table would spend seconds on it). The
    index is not kept (``to_parquet(index=False)``), so it is left as it is; missing values stay
    missing. Columns are shared with ``df``, never copied.
    """
    out = {}
    for col in df.columns:
        s = df[col]
        if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
            s = s.map(lambda v: v if _isna(v) else str(v)).astype(object)
        out[str(col)] = s
    return pd.DataFrame(out, index=df.index, copy=False)


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    """Write via ``writer(tmp)`` to a temporary file beside ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_parquet(path: Path, df: pd.DataFrame) -> None:
    frame = parquet_ready(df)
    _write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _read_parquet(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        return None


def _write_text(path: Path, text: str) -> None:
    _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# ----- the workspace --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetInfo:
    """What the workspace knows about a stored dataset, without loading its rows."""

    id: str
    name: str
    n_rows: int
    n_columns: int
    created_at: str
    active: bool


_DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS datasets (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, schema_json TEXT NOT NULL, split_json TEXT,
        columns_json TEXT NOT NULL, n_rows INTEGER NOT NULL, created_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY, dataset_id TEXT, created_at TEXT NOT NULL, status TEXT NOT NULL,
        owner TEXT, data_json TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS runs_by_dataset ON runs (dataset_id, created_at)",
)


class Workspace:
    """One session's persistent store. Get one with :meth:`open`; the object holds only paths."""

    def __init__(self, token: str, path: Path) -> None:
        self.token = token
        self.path = path

    # ----- opening / clearing -------------------------------------------------------------------
    @classmethod
    def open(cls, token: str, root: Path | str | None = None) -> Workspace:
        """Open (creating if new) ``token``'s workspace; runs left ``running`` by a dead process
        become ``interrupted``."""
        ws = cls(token, workspace_dir(token, root))
        ws._init()
        ws.mark_interrupted()
        return ws

    @classmethod
    def exists(cls, token: str, root: Path | str | None = None) -> bool:
        """Whether ``token`` names a workspace already on disk (False for malformed tokens)."""
        if not valid_token(token):
            return False
        return (workspace_dir(token, root) / _DB_NAME).is_file()

    def _init(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        con = sqlite3.connect(self.db_path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("BEGIN IMMEDIATE")
            for ddl in _DDL:
                con.execute(ddl)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(_SCHEMA_VERSION),))
            con.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (now_iso(),))
            con.execute("COMMIT")
        finally:
            con.close()

    def clear(self) -> None:
        """Delete everything stored for this token (data, schema, runs, tables), leaving an
        empty workspace under the same token."""
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)
        self._init()

    @property
    def db_path(self) -> Path:
        return self.path / _DB_NAME

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A fresh connection with one short transaction (IMMEDIATE when writing), always closed."""
        if not self.db_path.is_file():
            self._init()  # cleared by another thread of this session
        con = sqlite3.connect(self.db_path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)}")
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    # ----- dataset --------------------------------------------------------------------------------
    def save_dataset(self, df: pd.DataFrame, name: str, schema: Schema, split: dict | None = None) -> str:
        """Store ``df`` (the working frame) as the one active dataset; return its id.

        Runs of an earlier dataset are kept and stay tied to it (their ``dataset_id``); the earlier
        dataset's rows are kept while some run still refers to them, so its bundles can be exported.
        """
        schema.validate(df)
        dataset_id = f"d{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}{secrets.token_hex(4)}"
        _write_parquet(self._dataset_file(dataset_id), df)
        with self._db(write=True) as con:
            con.execute("UPDATE datasets SET active = 0")
            con.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                (dataset_id, str(name), dumps_json(schema.to_dict()), None if split is None else dumps_json(split),
                 dumps_json([str(c) for c in df.columns]), len(df), now_iso()),
            )
        self._drop_unused_datasets()
        return dataset_id

    def load_dataset(self, dataset_id: str | None = None) -> tuple[pd.DataFrame, str, Schema, dict | None] | None:
        """``(df, name, schema, split)`` of the active dataset (or of ``dataset_id``); None if none."""
        row = self._dataset_row(dataset_id)
        if row is None:
            return None
        df = _read_parquet(self._dataset_file(row["id"]))
        if df is None:
            return None
        schema = Schema.from_dict(json.loads(row["schema_json"]))
        split = json.loads(row["split_json"]) if row["split_json"] else None
        return df, row["name"], schema, split

    def dataset_info(self, dataset_id: str | None = None) -> DatasetInfo | None:
        row = self._dataset_row(dataset_id)
        if row is None:
            return None
        return DatasetInfo(row["id"], row["name"], row["n_rows"], len(json.loads(row["columns_json"])),
                           row["created_at"], bool(row["active"]))

    def active_dataset_id(self) -> str | None:
        row = self._dataset_row(None)
        return None if row is None else row["id"]

    def save_schema(self, schema: Schema) -> None:
        """Replace the active dataset's schema (the user edited kinds, target or sensitive columns)."""
        with self._db(write=True) as con:
            row = con.execute("SELECT id, columns_json FROM datasets WHERE active = 1").fetchone()
            if row is None:
                raise DataError("Load a dataset before editing its schema.")
            schema.validate()
            if schema.names != json.loads(row[1]):
                raise DataError("The schema's columns do not match the stored dataset's columns.")
            con.execute("UPDATE datasets SET schema_json = ? WHERE id = ?", (dumps_json(schema.to_dict()), row[0]))

    def save_split(self, split: dict | None) -> None:
        """Replace the active dataset's split settings (holdout share, seed, ...)."""
        with self._db(write=True) as con:
            con.execute("UPDATE datasets SET split_json = ? WHERE active = 1",
                        (None if split is None else dumps_json(split),))

    def _dataset_row(self, dataset_id: str | None) -> dict[str, Any] | None:
        with self._db() as con:
            con.row_factory = sqlite3.Row
            if dataset_id is None:
                row = con.execute("SELECT * FROM datasets WHERE active = 1").fetchone()
            else:
                row = con.execute("SELECT * FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
        return None if row is None else dict(row)

    def _dataset_file(self, dataset_id: str) -> Path:
        if not valid_run_id(dataset_id):
            raise SynthLabError(f"'{dataset_id}' is not a valid dataset id.")
        return self.path / "datasets" / f"{dataset_id}.parquet"

    def _drop_unused_datasets(self) -> None:
        """Forget inactive datasets no run refers to any more (their rows are the user's data)."""
        with self._db(write=True) as con:
            ids = [r[0] for r in con.execute(
                "SELECT id FROM datasets WHERE active = 0 AND id NOT IN "
                "(SELECT dataset_id FROM runs WHERE dataset_id IS NOT NULL)")]
            con.executemany("DELETE FROM datasets WHERE id = ?", [(i,) for i in ids])
        for dataset_id in ids:
            self._dataset_file(dataset_id).unlink(missing_ok=True)

    # ----- runs -----------------------------------------------------------------------------------
    def add_run(self, run: Run) -> Run:
        """Store a new run (normally ``running``, before fitting starts); ties it to the active
        dataset when its ``dataset_id`` is empty. Returns the run as stored.

        The dataset's schema and split at this moment are kept with the run (:meth:`run_setup`), so
        later schema edits never change what an exported bundle of this run replays.
        """
        if run.dataset_id is None:
            run.dataset_id = self.active_dataset_id()
        row = self._dataset_row(run.dataset_id) if run.dataset_id is not None else None
        with self._db(write=True) as con:
            try:
                con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)",
                            (run.id, run.dataset_id, run.created_at, run.status, _process_owner(),
                             dumps_json(run.to_dict())))
            except sqlite3.IntegrityError:
                raise SynthLabError(f"A run with id '{run.id}' already exists.") from None
        if row is not None:
            setup = {"schema": json.loads(row["schema_json"]),
                     "split": json.loads(row["split_json"]) if row["split_json"] else None}
            _write_text(self._run_file(run.id, "setup", ".json"), dumps_json(setup))
        return run

    def run_setup(self, run_id: str) -> tuple[Schema, dict | None] | None:
        """The schema and split the run's dataset had when the run started (None if unknown)."""
        setup = self.load_json(run_id, "setup")
        if not isinstance(setup, dict) or "schema" not in setup:
            return None
        return Schema.from_dict(setup["schema"]), setup.get("split")

    def update_run(self, run_id: str, **changes: Any) -> Run:
        """Change some fields of a run (status, duration_s, verdicts, ...); returns the new run."""
        unknown = set(changes) - run_fields()
        if unknown:
            raise ValueError(f"Unknown run field(s): {', '.join(sorted(unknown))}")
        with self._db(write=True) as con:
            row = con.execute("SELECT data_json FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise SynthLabError("That run no longer exists (was it deleted in another tab?).")
            run = Run.from_dict({**json.loads(row[0]), **changes})
            con.execute("UPDATE runs SET dataset_id = ?, status = ?, data_json = ? WHERE id = ?",
                        (run.dataset_id, run.status, dumps_json(run.to_dict()), run_id))
        return run

    def runs(self, dataset_id: str | None = None) -> list[Run]:
        """All runs, newest first (only those of ``dataset_id`` when given)."""
        with self._db() as con:
            if dataset_id is None:
                rows = con.execute("SELECT data_json FROM runs ORDER BY created_at DESC, id DESC").fetchall()
            else:
                rows = con.execute("SELECT data_json FROM runs WHERE dataset_id = ? ORDER BY created_at DESC, id DESC",
                                   (dataset_id,)).fetchall()
        return [Run.from_dict(json.loads(r[0])) for r in rows]

    def get_run(self, run_id: str) -> Run | None:
        with self._db() as con:
            row = con.execute("SELECT data_json FROM runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else Run.from_dict(json.loads(row[0]))

    def rename_run(self, run_id: str, name: str) -> Run:
        name = str(name).strip()
        if not name:
            raise SynthLabError("A run's name cannot be empty.")
        if len(name) > 200:
            raise SynthLabError("A run's name can be at most 200 characters.")
        return self.update_run(run_id, name=name)

    def delete_run(self, run_id: str) -> None:
        """Delete a run and its tables; deleting a run that is already gone does nothing."""
        folder = self._run_dir(run_id)
        with self._db(write=True) as con:
            con.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        shutil.rmtree(folder, ignore_errors=True)
        if valid_run_id(run_id):
            shutil.rmtree(self.scale_dir(run_id), ignore_errors=True)  # its "generate at scale" outputs too
        self._drop_unused_datasets()

    def mark_interrupted(self) -> list[str]:
        """Turn runs left ``running`` by a process that is gone into ``interrupted``; return their ids."""
        with self._db(write=True) as con:
            rows = con.execute("SELECT id, owner, data_json FROM runs WHERE status = 'running'").fetchall()
            done = []
            for run_id, owner, data in rows:
                if _owner_alive(owner):
                    continue
                run = Run.from_dict({**json.loads(data), "status": "interrupted",
                                     "error": INTERRUPTED_MESSAGE})
                con.execute("UPDATE runs SET status = ?, data_json = ? WHERE id = ?",
                            (run.status, dumps_json(run.to_dict()), run_id))
                done.append(run_id)
        return done

    # ----- per-run tables and JSON ------------------------------------------------------------------
    def save_table(self, run_id: str, kind: str, df: pd.DataFrame) -> None:
        """Store a table of a run (kind ``synthetic``: the generated rows, working dtypes)."""
        _write_parquet(self._run_file(run_id, kind, ".parquet", must_exist=True), df)

    def load_table(self, run_id: str, kind: str) -> pd.DataFrame | None:
        return _read_parquet(self._run_file(run_id, kind, ".parquet"))

    def has_table(self, run_id: str, kind: str) -> bool:
        return self._run_file(run_id, kind, ".parquet").exists()

    def save_json(self, run_id: str, kind: str, obj: Any) -> None:
        """Store a JSON document of a run (kinds ``scorecard``, ``losses``, ...)."""
        _write_text(self._run_file(run_id, kind, ".json", must_exist=True), dumps_json(obj))

    def load_json(self, run_id: str, kind: str) -> Any | None:
        path = self._run_file(run_id, kind, ".json")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def scale_dir(self, run_id: str, name: str | None = None) -> Path:
        """Where "generate at scale" writes a run's Parquet folders: ``scale/<run id>/`` (all of them),
        or ``scale/<run id>/<name>/`` (one). Kept outside ``runs/`` so the run's own files stay small."""
        if not valid_run_id(run_id):
            raise SynthLabError(f"'{run_id}' is not a valid run id.")
        base = self.path / "scale" / run_id
        if name is None:
            return base
        if not valid_run_id(name):
            raise SynthLabError(f"'{name}' is not a valid folder name for generated data.")
        return base / name

    def _run_dir(self, run_id: str) -> Path:
        if not valid_run_id(run_id):
            raise SynthLabError(f"'{run_id}' is not a valid run id.")
        return self.path / "runs" / run_id

    def _run_file(self, run_id: str, kind: str, suffix: str, must_exist: bool = False) -> Path:
        if not isinstance(kind, str) or not _KIND_PATTERN.fullmatch(kind):
            raise SynthLabError(f"'{kind}' is not a valid kind of stored result.")
        path = self._run_dir(run_id) / f"{kind}{suffix}"
        if must_exist and self.get_run(run_id) is None:
            raise SynthLabError("That run no longer exists (was it deleted in another tab?).")
        return path
