"""Killing the server mid-fit (SIGKILL), then restarting it on the same data directory: the runs
before are intact, and the interrupted run is shown as interrupted when the user comes back with
their workspace link."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app, stop_app

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
ARTIFACTS = ROOT / "test-artifacts"


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    page.locator("[data-testid=stSelectbox]").filter(has_text=label).first.click()
    page.get_by_role("option", name=option).first.click()


def test_kill_mid_fit_then_restart_keeps_earlier_runs_and_shows_the_interrupted_one(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: the test command installs it with scripts/ensure-chromium.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    upload = tmp_path / "placement.csv"
    pd.read_csv(ROOT / "sample_data" / "math_placement.csv").head(300).to_csv(upload, index=False)

    proc = start_app(data_dir, tmp_path / "server-1.log")
    url = proc.url
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            page.goto(url)
            page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
            page.locator("input[type=file]").set_input_files(str(upload))
            page.get_by_text("Loaded placement.csv").wait_for(timeout=60_000)
            token = re.search(r"[?&]ws=([A-Za-z0-9_-]+)", page.url)[1]

            page.get_by_role("link", name="Generate").first.click()
            page.get_by_role("heading", name="Generate").wait_for(timeout=60_000)
            _choose(page, "Generator", "Independent columns (baseline)")
            page.get_by_role("button", name="Generate", exact=True).click()
            page.get_by_text("The run finished").wait_for(timeout=240_000)

            _choose(page, "Generator", "TVAE (SDV)")
            epochs = page.get_by_role("spinbutton", name="epochs")
            epochs.fill("5000")
            epochs.press("Enter")
            page.wait_for_timeout(1000)
            page.get_by_role("button", name="Generate", exact=True).click()
            page.get_by_role("button", name="Cancel").wait_for(timeout=120_000)  # the fit is under way
            page.wait_for_timeout(3000)
            page.screenshot(path=str(ARTIFACTS / "restart-1-fitting.png"), full_page=True)
            browser.close()
    finally:
        proc.kill()  # SIGKILL: no clean shutdown, exactly like a crash
        proc.wait(timeout=30)

    proc = start_app(data_dir, tmp_path / "server-2.log")
    url = proc.url
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            page.goto(f"{url}/?ws={token}")  # the link the user bookmarked
            page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
            page.get_by_text("placement").first.wait_for(timeout=60_000)  # their dataset is back
            page.get_by_role("link", name="Generate").first.click()
            page.get_by_role("heading", name="Generate").wait_for(timeout=60_000)
            notice = page.get_by_text(re.compile(r"1 run\(s\) were interrupted because the server stopped"))
            notice.wait_for(timeout=60_000)
            assert "TVAE" in notice.inner_text()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "restart-2-after.png"), full_page=True)
            assert page.get_by_text("Traceback").count() == 0

            page.get_by_role("link", name="Evaluate").first.click()
            page.get_by_role("heading", name="Evaluate").wait_for(timeout=60_000)
            page.get_by_text("Overall:").wait_for(timeout=60_000)  # the earlier run's scorecard is there
            assert page.get_by_text("No finished runs yet").count() == 0
            browser.close()
    finally:
        stop_app(proc)

    from synthlab.workspace import Workspace

    runs = {r.generator: r for r in Workspace.open(token, root=data_dir).runs()}
    assert runs["independent"].status == "done" and runs["tvae"].status == "interrupted"
    ws = Workspace.open(token, root=data_dir)
    assert len(ws.load_table(runs["independent"].id, "synthetic")) == 225  # 75% of 300 rows
    assert ws.load_json(runs["independent"].id, "scorecard")
    assert "stopped" in runs["tvae"].error
