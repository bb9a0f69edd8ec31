"""Resource limits: the memory budget (refuse or sample, with a clear message) and the bounded job
queue (new work refused while too much waits), so one user cannot take the shared server down."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.jobs import BoundedExecutor, JobQueueFull
from synthlab import guard
from synthlab.errors import DataError, SynthLabError
from synthlab.intake import load_table
from tests.conftest import ROOT


def _csv(n: int, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    # "b" has thousands of labels, so it stays text (a few labels would load as a compact categorical)
    df = pd.DataFrame({"a": rng.normal(size=n).round(4), "b": rng.choice([f"label{i}" for i in range(5000)], n),
                       "c": rng.integers(0, 1000, n)})
    return df.to_csv(index=False).encode()


def test_budget_and_width_come_from_the_environment(monkeypatch):
    monkeypatch.delenv(guard.BUDGET_ENV, raising=False)
    monkeypatch.delenv(guard.MAX_COLUMNS_ENV, raising=False)
    assert guard.memory_budget_bytes() == 2048 * 2**20 and guard.max_columns() == 1000
    monkeypatch.setenv(guard.BUDGET_ENV, "64")
    monkeypatch.setenv(guard.MAX_COLUMNS_ENV, "10")
    assert guard.memory_budget_bytes() == 64 * 2**20 and guard.max_columns() == 10
    monkeypatch.setenv(guard.BUDGET_ENV, "not a number")
    assert guard.memory_budget_bytes() == 2048 * 2**20


def test_a_file_too_big_to_parse_is_refused_before_parsing(monkeypatch):
    data = _csv(40_000)  # ~0.8 MB: parsing needs ~3 MB
    monkeypatch.setenv(guard.BUDGET_ENV, "1")
    with pytest.raises(DataError) as err:
        load_table(data, "big.csv")
    msg = str(err.value)
    assert "budget of 1.0 MB" in msg and "reading it would need about" in msg and "fewer rows" in msg


def test_a_table_too_big_to_work_on_is_sampled_with_a_message(monkeypatch):
    data = _csv(60_000)
    full = load_table(data, "big.csv").df
    need = guard.working_need(full)
    monkeypatch.setenv(guard.BUDGET_ENV, str(max(2, int(need / 2**20 / 2))))  # about half of what is needed
    table = load_table(data, "big.csv")
    assert 10_000 < len(table.df) < len(full)
    assert "random sample of" in table.warnings[0] and f"of its {len(full):,} rows" in table.warnings[0]
    again = load_table(data, "big.csv")
    pd.testing.assert_frame_equal(table.df, again.df)  # seeded: the same sample every time
    assert table.df.index.equals(pd.RangeIndex(len(table.df)))
    assert guard.working_need(table.df) <= guard.memory_budget_bytes()


def test_a_table_wider_than_allowed_is_refused(monkeypatch):
    monkeypatch.setenv(guard.MAX_COLUMNS_ENV, "5")
    wide = ",".join(f"c{i}" for i in range(6)) + "\n" + "\n".join(",".join("1" * 6) for _ in range(3))
    with pytest.raises(DataError, match="6 columns; SynthLab works with at most 5"):
        load_table(wide.encode(), "wide.csv")


def test_generation_beyond_the_budget_is_refused(monkeypatch):
    monkeypatch.setenv(guard.BUDGET_ENV, "100")
    guard.check_generation(10_000, 20)
    with pytest.raises(DataError, match="ask for at most"):
        guard.check_generation(5_000_000, 200)


def test_app_refuses_an_over_budget_upload_and_keeps_the_previous_dataset(monkeypatch):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    before = at.session_state["synthlab.dataset"]
    monkeypatch.setenv(guard.BUDGET_ENV, "1")
    at.file_uploader(key="synthlab.uploader").set_value(("big.csv", _csv(40_000), "text/csv"))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "budget" in errors and "previous dataset is still active" in errors
    assert at.session_state["synthlab.dataset"] is before


def test_app_refuses_a_generation_beyond_the_budget_and_records_no_run(monkeypatch):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/generate.py")
    at.run()
    monkeypatch.setenv(guard.BUDGET_ENV, "1")
    at.number_input(key="synthlab.n_rows").set_value(5_000_000)
    at.run()
    at.button(key="synthlab.go").click()
    at.run()
    assert not at.exception
    assert any("budget" in e.value for e in at.error)
    assert at.session_state["synthlab.workspace"].runs() == []


def test_the_job_queue_is_bounded_and_recovers():
    pool = BoundedExecutor(max_workers=1, max_queued=2, thread_name_prefix="test-pool")
    release = threading.Event()
    started = threading.Event()

    def blocker():
        started.set()
        release.wait(10)
        return "done"

    try:
        first = pool.submit(blocker)
        assert started.wait(5)
        waiting = [pool.submit(lambda i=i: i) for i in range(2)]  # queued behind the running job
        assert pool.waiting == 2
        with pytest.raises(JobQueueFull) as err:
            pool.submit(lambda: "one too many")
        assert isinstance(err.value, SynthLabError) and "busy" in str(err.value)
        with pytest.raises(JobQueueFull):
            pool.check_capacity()
        release.set()
        assert first.result(5) == "done" and [f.result(5) for f in waiting] == [0, 1]
        deadline = time.time() + 5
        while pool.waiting and time.time() < deadline:
            time.sleep(0.01)
        assert pool.waiting == 0
        assert pool.submit(lambda: "again").result(5) == "again"
    finally:
        release.set()
        pool.shutdown(wait=True)
