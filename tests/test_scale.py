"""Generation at scale on Dask: a two-worker local cluster end to end, same data whatever the workers."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from synthlab.generators import make_generator
from synthlab.scale import generate_with_dask, partition_plan, partition_seed, read_partitions
from synthlab.schema import Schema
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def fitted():
    df = pd.read_csv(ROOT / "sample_data" / "math_placement.csv").head(400)
    return make_generator("independent").fit(df, Schema.detect(df))


def test_partition_plan_and_seeds():
    assert partition_plan(10, 3) == [4, 3, 3]
    assert sum(partition_plan(2_500_001)) == 2_500_001 and len(partition_plan(2_500_001)) == 3
    assert partition_seed(7, 0) == partition_seed(7, 0) != partition_seed(7, 1) != partition_seed(8, 1)


def test_same_seed_same_dataset_with_one_or_two_workers(fitted, tmp_path):
    two = generate_with_dask(fitted, 3000, tmp_path / "two", seed=5, partitions=4, workers=2)
    one = generate_with_dask(fitted, 3000, tmp_path / "one", seed=5, partitions=4, workers=1)
    assert two.workers == 2 and one.workers == 1 and two.partitions == 4
    a, b = read_partitions(tmp_path / "two"), read_partitions(tmp_path / "one")
    assert len(a) == 3000 and list(a.columns) == list(fitted.schema_.names)
    pd.testing.assert_frame_equal(a, b)


def test_unique_ids_stay_unique_across_partitions(tmp_path):
    df = pd.DataFrame({"patient_id": range(1000, 1300), "age": [20 + i % 50 for i in range(300)],
                       "email": [f"p{i}@clinic.org" for i in range(300)]})
    gen = make_generator("independent").fit(df, Schema.detect(df))
    generate_with_dask(gen, 2000, tmp_path / "ids", seed=1, partitions=4, workers=2)
    out = read_partitions(tmp_path / "ids")
    assert out["patient_id"].is_unique and out["email"].is_unique
    assert not set(out["patient_id"].astype(str)) & set(df["patient_id"].astype(str))


def test_cli_dask_engine_writes_partitioned_parquet(tmp_path):
    out = tmp_path / "big"
    run = subprocess.run(
        [sys.executable, "-m", "synthlab", "generate", str(ROOT / "sample_data" / "math_placement.csv"),
         "--generator", "independent", "--rows", "5000", "--engine", "dask", "--partitions", "3",
         "--workers", "2", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.glob("*.parquet")) == [f"part-0000{i}.parquet" for i in range(3)]
    assert len(read_partitions(out)) == 5000
    assert "Traceback" not in run.stderr
