"""AppTest: the Export page's "Generate at scale" section writes a Parquet folder in the background,
shows it (and still lists it in a fresh session), refuses bad requests with a specific message, and
cancels without leaving a folder behind."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synthlab import scale
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_data" / "health_insurance.csv"
ROWS, PARTITIONS, START = "synthlab.scale.rows", "synthlab.scale.partitions", "synthlab.scale.start"
JOBS = "synthlab.scale_jobs"


def _texts(at: AppTest, *kinds: str) -> str:
    return " ".join(str(e.value) for kind in kinds for e in at.get(kind))


def _finished_run_on_export(at: AppTest):
    """Upload a small table, generate one run with a fast generator, wait for it, open Export."""
    df = pd.read_csv(SAMPLE).head(300)
    at.file_uploader(key="synthlab.uploader").set_value(("insurance.csv", df.to_csv(index=False).encode(), "text/csv"))
    at.run()
    at.switch_page("pages/generate.py")
    at.run()
    at.selectbox(key="synthlab.generator").set_value("independent")
    at.run()
    at.button(key="synthlab.go").click()
    at.run()
    deadline = time.time() + 180
    while time.time() < deadline:
        time.sleep(0.5)
        at.run()
        runs = at.session_state["synthlab.workspace"].runs()
        if runs and runs[0].status != "running" and not at.session_state["synthlab.jobs"]:
            break
    run = at.session_state["synthlab.workspace"].runs()[0]
    assert run.status == "done", run.error
    at.switch_page("pages/export.py")
    at.run()
    assert not at.exception, at.exception
    return run


def _wait_for_scale(at: AppTest, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception
        if not at.session_state[JOBS]:
            return
    raise AssertionError("the at-scale job did not finish in time")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_generate_at_scale_writes_a_parquet_folder_and_lists_it(app):
    at = app
    run = _finished_run_on_export(at)
    assert any(s.value == "Generate at scale" for s in at.subheader)
    at.number_input(key=ROWS).set_value(5000)
    at.number_input(key=PARTITIONS).set_value(3)
    at.run()
    assert "5,000 rows in 3 files" in _texts(at, "caption")
    at.button(key=START).click()
    at.run()
    assert not at.exception, at.exception
    _wait_for_scale(at)
    assert "Wrote 5,000 rows in 3 Parquet files" in _texts(at, "success")

    ws = at.session_state["synthlab.workspace"]
    folders = [p for p in ws.scale_dir(run.id).iterdir()]
    assert len(folders) == 1
    folder = folders[0]
    parts = sorted(folder.glob("*.parquet"))
    assert [p.name for p in parts] == [f"part-0000{i}.parquet" for i in range(3)]
    assert sum(len(pd.read_parquet(p)) for p in parts) == 5000
    assert len(pd.read_parquet(folder)) == 5000  # the folder reads as one dataset
    manifest = scale.read_manifest(folder)
    assert manifest["run_id"] == run.id and manifest["seed"] == run.seed and manifest["rows"] == 5000

    def shows_result(page: AppTest) -> None:
        codes = _texts(page, "code")
        assert str(folder) in codes and "pd.read_parquet(" in codes and "dd.read_parquet(" in codes
        assert "--engine dask" in codes and "--rows 5000" in codes and f"--seed {run.seed}" in codes
        assert "--partitions 3" in codes
        metrics = {m.label: m.value for m in page.metric}
        assert metrics["Rows"] == "5,000" and metrics["Files"] == "3"

    shows_result(at)
    # a refresh (a fresh session on the same workspace) still lists it, from disk
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.query_params["ws"] = at.session_state["synthlab.token"]
    again.run()
    again.switch_page("pages/export.py")
    again.run()
    assert not again.exception, again.exception
    shows_result(again)


def test_bad_requests_are_refused_and_cancel_leaves_nothing(app, monkeypatch):
    at = app
    run = _finished_run_on_export(at)
    at.number_input(key=ROWS).set_value(0)
    at.run()
    assert "Choose at least 1 row" in _texts(at, "error")
    assert at.button(key=START).disabled

    monkeypatch.setattr(scale, "free_bytes", lambda folder: 2 << 30)  # a nearly full disk: 2 GB free
    at.number_input(key=ROWS).set_value(100_000_000)
    at.run()
    errors = _texts(at, "error")
    assert "Not enough disk space" in errors and "ask for at most" in errors
    assert at.button(key=START).disabled

    # a long job, cancelled: no folder is left, the run is untouched
    monkeypatch.setattr(scale, "free_bytes", lambda folder: 1 << 40)
    at.number_input(key=ROWS).set_value(20_000_000)
    at.number_input(key=PARTITIONS).set_value(2000)
    at.run()
    assert not _texts(at, "error")
    at.button(key=START).click()
    at.run()
    cancel_key = f"synthlab.scale.cancel.{run.id}"
    deadline = time.time() + 60
    while not [b for b in at.button if b.key == cancel_key] and time.time() < deadline:
        time.sleep(0.3)
        at.run()
    at.button(key=cancel_key).click()
    at.run()
    _wait_for_scale(at, timeout=120)
    assert "cancelled" in _texts(at, "warning")
    base: Path = at.session_state["synthlab.workspace"].scale_dir(run.id)
    assert not base.exists() or list(base.iterdir()) == []
    ws = at.session_state["synthlab.workspace"]
    assert ws.get_run(run.id).status == "done" and ws.load_table(run.id, "synthetic") is not None
