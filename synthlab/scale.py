"""Generation past one process: a fitted generator sampled in partitions on Dask workers.

The generator is fitted once, shipped to every worker once, and each partition is sampled and
written as its own Parquet file by the worker that drew it, so no process ever holds more than one
partition. Partition ``i`` always holds rows ``i*size .. (i+1)*size`` and is drawn with a seed
derived from ``(seed, i)``: the same seed and partition count give the same dataset whatever the
number of workers or the order they finish in.

Unique identifier and personal-data columns are drawn unique within a partition; across partitions
integer IDs are re-based on the global row number and text values get a partition tag
(``name.p3@example.org``, ``AB-1234-p3``), so they stay unique over the whole dataset.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthlab.errors import SynthLabError
from synthlab.generators.base import Generator
from synthlab.progress import ProgressCallback, report
from synthlab.schema import Kind

DEFAULT_PARTITION_ROWS = 1_000_000


@dataclass(frozen=True)
class ScaleResult:
    out_dir: str
    rows: int
    partitions: int
    workers: int
    seconds: float
    files: list[str]

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
                     partitions: int) -> pd.DataFrame:
    """Partition ``index``: ``n`` rows starting at global row ``start``."""
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
                     out_dir: str) -> tuple[int, str]:
    """Runs on a worker: sample one partition and write it; return (rows, file name)."""
    df = sample_partition(generator, index, n, start, seed, partitions)
    name = f"part-{index:05d}.parquet"
    path = Path(out_dir) / name
    tmp = path.with_suffix(".tmp")
    generator.schema_.restore(df).to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return len(df), name


def generate_with_dask(generator: Generator, n_rows: int, out_dir: str | Path, seed: int = 0,
                       partitions: int | None = None, scheduler: str | None = None,
                       workers: int | None = None, on_progress: ProgressCallback | None = None) -> ScaleResult:
    """Sample ``n_rows`` from a fitted ``generator`` on Dask and write partitioned Parquet to ``out_dir``.

    Without ``scheduler`` a local cluster of ``workers`` processes (default: the CPU count) is
    started and stopped; with one, the existing cluster at that address is used.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is in requirements
        raise SynthLabError("Dask is not installed; install requirements.txt.") from None
    if generator.schema_ is None:
        raise SynthLabError("Fit the generator before generating at scale.")
    plan = partition_plan(n_rows, partitions)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.parquet"):
        old.unlink()
    starts = np.concatenate([[0], np.cumsum(plan)[:-1]]).tolist()
    t0 = time.perf_counter()
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            n_workers = workers or os.cpu_count() or 1
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
    except OSError as e:
        raise SynthLabError(f"Could not reach the Dask scheduler: {e}") from None
    try:
        n_workers_used = len(client.scheduler_info().get("workers", {})) or 1
        shipped = client.scatter(generator, broadcast=True)
        futures = [
            client.submit(_write_partition, shipped, i, n, start, seed, len(plan), str(out), pure=False)
            for i, (n, start) in enumerate(zip(plan, starts, strict=True))
        ]
        files, done_rows = [], 0
        for k, fut in enumerate(as_completed(futures), start=1):
            rows, name = fut.result()
            done_rows += rows
            files.append(name)
            report(on_progress, k / len(plan), f"{done_rows:,} of {n_rows:,} rows written", rows=done_rows)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return ScaleResult(str(out), n_rows, len(plan), n_workers_used, time.perf_counter() - t0, sorted(files))


def read_partitions(out_dir: str | Path) -> pd.DataFrame:
    """All partitions back in row order (for tests and small outputs)."""
    files = sorted(Path(out_dir).glob("part-*.parquet"))
    if not files:
        raise SynthLabError(f"No partitions in {out_dir}.")
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
