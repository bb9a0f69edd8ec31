"""Generation past one process: a fitted generator sampled in partitions, one Parquet file each.

Two engines share the per-partition code (:func:`_write_partition`), so they write the same files:
:func:`generate_with_dask` ships the fitted generator to Dask workers (the CLI's ``--engine dask``),
:func:`generate_partitions` draws the partitions one after another in this process (the app: a
Dask cluster per user would be too heavy inside a shared web server). No process ever holds more
than one partition. Partition ``i`` always holds rows ``i*size .. (i+1)*size`` and is drawn with a
seed derived from ``(seed, i)``: the same seed and partition count give the same dataset whatever
the engine, the number of workers or the order they finish in.

Unique identifier and personal-data columns are drawn unique within a partition; across partitions
integer IDs are re-based on the global row number and text values get a partition tag
(``name.p3@example.org``, ``AB-1234-p3``), so they stay unique over the whole dataset.

A folder is complete when it holds ``_manifest.json`` (rows, partitions, seed, generator, run id),
written last. The in-process engine writes into a hidden staging folder beside the output and
moves it into place only when every partition is written, so a cancelled, failed or interrupted
job never leaves a folder that looks complete; readers (``pandas.read_parquet``,
``dask.dataframe.read_parquet``) skip the ``_``-prefixed manifest.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import DataError, SynthLabError
from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report
from synthlab.runner import RunRequest, sample_valid
from synthlab.schema import Kind

DEFAULT_PARTITION_ROWS = 1_000_000
# The app's partitions are smaller than the CLI's: cancelling waits for the partition being drawn.
APP_PARTITION_ROWS = 250_000
MAX_ROWS = 100_000_000
MAX_PARTITIONS = 10_000
MANIFEST = "_manifest.json"
MANIFEST_FORMAT = "synthlab-scale/1"
STAGING_MARK = ".partial-"
# Disk: the estimate is multiplied by DISK_MARGIN, and DISK_RESERVE_BYTES stay free for everything else.
DISK_MARGIN = 1.15
DISK_RESERVE_BYTES = 1 << 30
MAX_DISK_ENV = "SYNTHLAB_SCALE_MAX_MB"  # optional cap on one at-scale output (operators' setting)
BYTES_PER_ROW_SAMPLE = 20_000


@dataclass(frozen=True)
class ScaleResult:
    out_dir: str
    rows: int
    partitions: int
    workers: int
    seconds: float
    files: list[str]
    engine: str = "dask"
    # Of ``seconds``, the part before the first partition could start (cluster start, shipping the generator).
    startup_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def partition_plan(n_rows: int, partitions: int | None = None) -> list[int]:
    """Rows per partition: ``partitions`` near-equal parts (default: ≤ 1M rows each)."""
    if n_rows < 1:
        raise SynthLabError("The number of rows must be at least 1.")
    k = partitions or max(1, math.ceil(n_rows / DEFAULT_PARTITION_ROWS))
    if k < 1:
        raise SynthLabError("The number of partitions must be at least 1.")
    k = min(k, n_rows)
    base, extra = divmod(n_rows, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


def partition_seed(seed: int, index: int) -> int:
    """A seed for partition ``index`` that depends only on ``(seed, index)``."""
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1, dtype=np.uint32)[0])


def sample_partition(generator: Generator, index: int, n: int, start: int, seed: int,
                     partitions: int, request: RunRequest | None = None) -> pd.DataFrame:
    """Partition ``index``: ``n`` rows starting at global row ``start``, honouring ``request``'s
    conditions and business rules when it has any (each partition on its own, as a run does)."""
    if request is not None and (request.conditions or request.rules):
        part = replace(request, n_rows=n, seed=partition_seed(seed, index))
        df = sample_valid(generator, part, generator.schema_).reset_index(drop=True)
    else:
        df = generator.sample(n, partition_seed(seed, index))
    if partitions > 1:
        df = _globally_unique(df, generator, index, start)
    return df


def _globally_unique(df: pd.DataFrame, generator: Generator, index: int, start: int) -> pd.DataFrame:
    """Make unique ID/PII columns unique over all partitions, never equal to a real value."""
    shapes = getattr(generator.pii_, "shapes_", {})
    for spec in generator.schema_.columns:
        if spec.kind not in (Kind.ID, Kind.PII) or not spec.unique or spec.name not in shapes:
            continue
        col, shape = df[spec.name], shapes[spec.name]
        present = col.notna().to_numpy()
        if shape.kind == "int" and shape.high is not None:
            ids = (int(shape.high) + 1 + start + np.arange(len(df))).astype(str)  # past every real id
            df[spec.name] = pd.Series(np.where(present, ids, None), dtype=object)
        else:
            tag = f"p{index}"
            df[spec.name] = col.map(lambda v, t=tag: v if pd.isna(v) else _tag(str(v), t))
    return df


def _tag(value: str, tag: str) -> str:
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local}.{tag}@{domain}"
    return f"{value}-{tag}"


def _write_partition(generator: Generator, index: int, n: int, start: int, seed: int, partitions: int,
                     out_dir: str, request: RunRequest | None = None) -> tuple[int, str]:
    """Sample one partition and write it (on a Dask worker, or in process); return (rows, file name).

    One core per partition: a worker runs one task per thread, so native thread pools (OpenMP in
    scikit-learn's predictors, BLAS) inside it would only oversubscribe the machine."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        df = sample_partition(generator, index, n, start, seed, partitions, request)
    name = f"part-{index:05d}.parquet"
    path = Path(out_dir) / name
    tmp = path.with_suffix(".tmp")
    generator.schema_.restore(df).to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return len(df), name


def _starts(plan: list[int]) -> list[int]:
    return np.concatenate([[0], np.cumsum(plan)[:-1]]).astype(int).tolist()


def _require_fitted(generator: Generator) -> None:
    if getattr(generator, "schema_", None) is None:
        raise SynthLabError("Fit the generator before generating at scale.")


# ----- the manifest ------------------------------------------------------------------------------------
def _manifest(result: ScaleResult, plan: list[int], seed: int, generator: Generator, run_id: str | None,
              extra: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "complete": True,
        "rows": int(result.rows),
        "partitions": int(result.partitions),
        "rows_per_partition": [int(n) for n in plan],
        "files": list(result.files),
        "seed": int(seed),
        "generator": generator.name,
        "params": generator.get_params(),
        "columns": list(generator.schema_.names),
        "run_id": run_id,
        "engine": result.engine,
        "workers": int(result.workers),
        "seconds": round(float(result.seconds), 3),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }


def write_manifest(folder: str | Path, manifest: dict[str, Any]) -> Path:
    """Write ``_manifest.json`` atomically (it marks the folder complete, so it is written last)."""
    path = Path(folder) / MANIFEST
    tmp = path.with_name(f".{MANIFEST}.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when it has none (an incomplete or foreign folder)."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else None


def _clear_outputs(folder: Path) -> None:
    """Remove an earlier output's manifest (first: the folder stops looking complete) and partitions."""
    (folder / MANIFEST).unlink(missing_ok=True)
    for old in [*folder.glob("part-*.parquet"), *folder.glob("part-*.tmp")]:
        old.unlink(missing_ok=True)


# ----- the engines -------------------------------------------------------------------------------------
def generate_partitions(generator: Generator, n_rows: int, out_dir: str | Path, seed: int = 0,
                        partitions: int | None = None, on_progress: ProgressCallback | None = None,
                        run_id: str | None = None, extra: dict[str, Any] | None = None,
                        request: RunRequest | None = None) -> ScaleResult:
    """Sample ``n_rows`` from a fitted ``generator`` in this process, one partition at a time, and
    write partitioned Parquet to ``out_dir``: the same files as :func:`generate_with_dask` for the
    same seed and partition count.

    Progress is reported before the first partition and after each one (``rows`` written so far,
    ``partitions`` done); a :class:`~synthlab.errors.Cancelled` raised by ``on_progress`` stops the
    work and removes everything written, leaving an earlier output in ``out_dir`` untouched.
    ``run_id`` and ``extra`` go into the manifest; ``request``'s conditions and rules apply to
    every partition.
    """
    _require_fitted(generator)
    plan = partition_plan(n_rows, partitions)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise DataError(f"{out} is a file; generating at scale needs a folder for the Parquet partitions.")
    stage = out.parent / f".{out.name}{STAGING_MARK}{secrets.token_hex(4)}"
    k, total, t0 = len(plan), int(sum(plan)), time.perf_counter()
    report(on_progress, 0.0, f"Writing {total:,} rows in {k:,} partition{'s' if k > 1 else ''}…", rows=0,
           partitions=0)
    try:
        stage.mkdir(parents=True)
        files, done = [], 0
        for i, (n, start) in enumerate(zip(plan, _starts(plan), strict=True)):
            rows, name = _write_partition(generator, i, n, start, seed, k, str(stage), request)
            files.append(name)
            done += rows
            elapsed = time.perf_counter() - t0
            left = elapsed / done * (total - done) if done < total else 0.0
            eta = f", about {_duration_text(left)} left" if done < total else ""
            report(on_progress, (i + 1) / k, f"{done:,} of {total:,} rows written ({i + 1:,} of {k:,} files{eta})",
                   rows=done, partitions=i + 1)
        result = ScaleResult(str(out), total, k, 1, time.perf_counter() - t0, files, engine="in-process")
        write_manifest(stage, _manifest(result, plan, seed, generator, run_id, extra))
        _publish(stage, out)
    except OSError as e:
        raise DataError(f"Writing the Parquet files to {out} failed ({e.strerror or e}); nothing was kept. "
                        "Is the disk full?") from None
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    return result


def _publish(stage: Path, out: Path) -> None:
    """Move a complete staging folder into place (the manifest arrives last)."""
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if not out.exists():
        os.replace(stage, out)
        return
    _clear_outputs(out)
    for part in sorted(stage.glob("part-*.parquet")):
        os.replace(part, out / part.name)
    os.replace(stage / MANIFEST, out / MANIFEST)


def generate_with_dask(generator: Generator, n_rows: int, out_dir: str | Path, seed: int = 0,
                       partitions: int | None = None, scheduler: str | None = None,
                       workers: int | None = None, on_progress: ProgressCallback | None = None,
                       run_id: str | None = None, request: RunRequest | None = None) -> ScaleResult:
    """Sample ``n_rows`` from a fitted ``generator`` on Dask and write partitioned Parquet to ``out_dir``.

    Without ``scheduler`` a local cluster of ``workers`` processes (default: the CPU count) is
    started and stopped; with one, the existing cluster at that address is used. Workers write into
    ``out_dir`` itself (it must be shared with them); on failure or cancellation the partitions
    written are removed, and the manifest is only written once all of them are in.
    """
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is in requirements
        raise SynthLabError("Dask is not installed; install requirements.txt.") from None
    _require_fitted(generator)
    plan = partition_plan(n_rows, partitions)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear_outputs(out)
    t0 = time.perf_counter()
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            n_workers = workers or os.cpu_count() or 1
            # no statistical profiler in the workers: it samples their stacks every 10 ms for a
            # dashboard this cluster does not open (about 5% of sampling time, measured)
            with dask.config.set({"distributed.nanny.pre-spawn-environ": _worker_environ(),
                                  "distributed.worker.profile.enabled": False}):
                cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
            client = Client(cluster)
    except OSError as e:
        raise SynthLabError(f"Could not reach the Dask scheduler: {e}") from None
    futures = []
    try:
        n_workers_used = len(client.scheduler_info().get("workers", {})) or 1
        # Import on every worker at once first: a broadcast scatter reaches the workers one after
        # another, each importing scikit-learn and pandas (~2.5 s) as it unpickles, which made two
        # workers start ~2.5 s later than one (measured).
        client.run(_import_modules, sorted({__name__, type(generator).__module__}))
        shipped = client.scatter(generator, broadcast=True)
        startup = time.perf_counter() - t0
        futures = [
            client.submit(_write_partition, shipped, i, n, start, seed, len(plan), str(out), request, pure=False)
            for i, (n, start) in enumerate(zip(plan, _starts(plan), strict=True))
        ]
        files, done_rows = [], 0
        for k, fut in enumerate(as_completed(futures), start=1):
            rows, name = fut.result()
            done_rows += rows
            files.append(name)
            report(on_progress, k / len(plan), f"{done_rows:,} of {n_rows:,} rows written", rows=done_rows,
                   partitions=k)
        result = ScaleResult(str(out), n_rows, len(plan), n_workers_used, time.perf_counter() - t0, sorted(files),
                             startup_seconds=startup)
        write_manifest(out, _manifest(result, plan, seed, generator, run_id, None))
    except BaseException:
        if futures:
            client.cancel(futures)
        _clear_outputs(out)
        raise
    finally:
        if cluster is not None:
            _quiet_shutdown(client)
        client.close()
        if cluster is not None:
            cluster.close()
    return result


def _quiet_shutdown(client: Any) -> None:
    """Silence our own workers' logs before stopping them: a heartbeat in flight while the
    scheduler closes logs a CommClosedError traceback (a race inside distributed, seen in CI), which
    is noise once every partition is in or the run has already failed with its own error."""
    with contextlib.suppress(Exception):  # a worker already gone has nothing left to log
        client.run(_silence_logs)


def _silence_logs() -> None:
    """Run on each worker: log nothing from here on."""
    import logging

    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name.startswith("distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _import_modules(names: list[str]) -> None:
    """Run on each worker: import what unpickling the generator needs."""
    import importlib

    for name in names:
        importlib.import_module(name)


def _worker_environ() -> dict[str, Any]:
    """Dask's worker environment without ``MALLOC_TRIM_THRESHOLD_``: setting it turns off glibc's
    adaptive mmap threshold, so every large array is a fresh mmap with page faults, and sampling ran
    1.8× slower in the workers than in one process (measured). Thread caps stay."""
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return environ


def read_partitions(out_dir: str | Path) -> pd.DataFrame:
    """All partitions back in row order (for tests and small outputs)."""
    files = sorted(Path(out_dir).glob("part-*.parquet"))
    if not files:
        raise SynthLabError(f"No partitions in {out_dir}.")
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


# ----- outputs on disk -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScaleOutput:
    """One folder under a run's at-scale folder: complete (with its manifest) or not."""

    path: str
    name: str
    complete: bool
    manifest: dict[str, Any] = field(default_factory=dict)


def new_output_name() -> str:
    """A folder name for a new output: sortable by time, unique, in a safe alphabet."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def list_outputs(folder: str | Path) -> list[ScaleOutput]:
    """The outputs under ``folder`` (e.g. a run's ``scale/<run id>/``), newest first; staging folders
    and folders without a manifest are listed as incomplete."""
    base = Path(folder)
    if not base.is_dir():
        return []
    found = []
    for child in base.iterdir():
        if not child.is_dir():
            continue
        manifest = None if child.name.startswith(".") else read_manifest(child)
        found.append(ScaleOutput(str(child), child.name, manifest is not None, manifest or {}))
    return sorted(found, key=lambda o: o.name.lstrip("."), reverse=True)


def remove_output(path: str | Path, folder: str | Path) -> None:
    """Delete one output folder, refusing anything that is not directly inside ``folder``."""
    base, target = Path(folder).resolve(), Path(path).resolve()
    if target.parent != base or not target.is_dir():
        raise DataError("That folder is not one of this run's outputs.")
    shutil.rmtree(target)


# ----- planning: rows, partitions, memory and disk ------------------------------------------------------------
def bytes_per_row(sample: pd.DataFrame) -> float:
    """Parquet bytes per row of ``sample`` (at most 20,000 of its rows), what the partitions' size scales by.

    The file's fixed part (schema, footer) is taken off, as a partition of many rows spreads it thin;
    a small sample still compresses less well than a large one, so this errs on the large side.
    """
    if len(sample) == 0:
        return 8.0 * max(sample.shape[1], 1)
    part = sample.head(BYTES_PER_ROW_SAMPLE)
    whole, empty = _parquet_size(part), _parquet_size(part.head(0))
    net = (whole - empty) / len(part)
    return net if net > 0 else whole / len(part)


def _parquet_size(df: pd.DataFrame) -> int:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.tell()


def free_bytes(folder: str | Path) -> int:
    """Free disk space where ``folder`` is (or would be) created."""
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    return int(shutil.disk_usage(path).free)


def max_disk_bytes() -> int | None:
    """The operators' cap on one output (``$SYNTHLAB_SCALE_MAX_MB``), None when unset."""
    raw = os.environ.get(MAX_DISK_ENV, "").strip()
    try:
        mb = float(raw) if raw else 0.0
    except ValueError:
        return None
    return int(mb * (1 << 20)) if mb > 0 else None


def max_partition_rows(n_columns: int) -> int:
    """Rows one partition may hold in memory: the memory budget's limit for a table this wide."""
    from synthlab import guard

    return max(1, int(guard.memory_budget_bytes() / (max(n_columns, 1) * 8 * guard.WORK_FACTOR)))


def auto_partition_rows(n_columns: int) -> int:
    """Rows per partition when the app chooses: small enough to cancel quickly and to fit in memory."""
    return min(APP_PARTITION_ROWS, max_partition_rows(n_columns))


def size_text(n_bytes: float) -> str:
    """``1.2 GB``-style text (powers of 1024)."""
    value = float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit in ("bytes", "KB") else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} TB"  # pragma: no cover


def _duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class ScalePlan:
    """What a request would write and need, and what (if anything) stops it."""

    n_rows: int
    partitions: int
    partition_rows: int  # the largest partition
    need_bytes: int
    free_bytes: int
    cap_bytes: int | None
    bytes_per_row: float
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def check(self) -> ScalePlan:
        """Raise :class:`DataError` with the problem, if any; else return self."""
        if self.problem:
            raise DataError(self.problem)
        return self


def plan_scale(n_rows: int, partitions: int | None, n_columns: int, row_bytes: float, folder: str | Path,
               max_rows: int = MAX_ROWS) -> ScalePlan:
    """Check a request before anything starts: rows in range, partitions small enough for the memory
    budget, and the estimated size (``row_bytes`` per row, plus a margin) within the free disk space
    of ``folder`` (keeping 1 GB free) and the operators' cap. ``partitions`` None or 0: automatic."""
    n_rows, wanted = int(n_rows), int(partitions or 0)
    free, cap = free_bytes(folder), max_disk_bytes()
    most_rows = max_partition_rows(n_columns)

    def plan(problem: str | None, k: int = 0, largest: int = 0) -> ScalePlan:
        need = math.ceil(max(n_rows, 0) * row_bytes * DISK_MARGIN)
        return ScalePlan(n_rows, k, largest, need, free, cap, float(row_bytes), problem)

    if n_rows < 1:
        return plan("Choose at least 1 row to generate.")
    if n_rows > max_rows:
        return plan(f"At most {max_rows:,} rows can be generated here at once; for more, use the command line "
                    "with Dask (shown below).")
    if wanted < 0 or wanted > MAX_PARTITIONS:
        return plan(f"Choose between 1 and {MAX_PARTITIONS:,} partitions (or 0 for automatic).")
    k = wanted or max(1, math.ceil(n_rows / auto_partition_rows(n_columns)))
    sizes = partition_plan(n_rows, k)
    if sizes[0] > most_rows:
        least = math.ceil(n_rows / most_rows)
        return plan(f"Each partition would hold {sizes[0]:,} rows; this server's memory budget allows at most "
                    f"{most_rows:,} rows at a time for a table of {n_columns:,} columns. Choose at least {least:,} partitions "
                    "(or 0 for automatic).", len(sizes), sizes[0])
    result = plan(None, len(sizes), sizes[0])
    room = free - DISK_RESERVE_BYTES
    if cap is not None and result.need_bytes > cap:
        most = max(0, int(cap / (row_bytes * DISK_MARGIN)))
        return plan(f"{n_rows:,} rows would take about {size_text(result.need_bytes)} on disk "
                    f"({row_bytes:,.0f} bytes per row, estimated from this run's data), more than this server "
                    f"allows for one output ({size_text(cap)}); ask for at most {most:,} rows.", len(sizes), sizes[0])
    if result.need_bytes > room:
        most = max(0, int(room / (row_bytes * DISK_MARGIN)))
        return plan(f"Not enough disk space: {n_rows:,} rows would take about {size_text(result.need_bytes)} "
                    f"({row_bytes:,.0f} bytes per row, estimated from this run's data), but only "
                    f"{size_text(free)} is free in the workspace and {size_text(DISK_RESERVE_BYTES)} must stay free; "
                    f"ask for at most {most:,} rows.", len(sizes), sizes[0])
    return result
