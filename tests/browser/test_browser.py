"""A real browser (Playwright driving Debian's Chromium) against the running app.

Screenshots of each page land in test-artifacts/ (kept by CI as artifacts, and looked at by us).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: the test command installs it with scripts/ensure-chromium.sh")
    with running_app(tmp_path_factory.mktemp("browser-data")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, width=1440, height=900):
    return browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True).new_page()


def test_opens_on_sample_and_every_page_renders(app_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser)
    page.goto(app_url)
    page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
    page.get_by_text("Active dataset").wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "data.png"), full_page=True)
    for title in ["Generate", "Compare", "Evaluate", "Export"]:
        page.get_by_role("link", name=title).first.click()
        page.get_by_role("heading", name=title).wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / f"{title.lower()}.png"), full_page=True)
        assert page.get_by_text("Traceback").count() == 0


def test_upload_generate_compare_evaluate_and_download(app_url, browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    real = ROOT / "sample_data" / "math_placement.csv"
    import pandas as pd

    upload = tmp_path / "placement.csv"
    pd.read_csv(real).head(500).to_csv(upload, index=False)
    header = upload.read_text().splitlines()[0]

    page = _page(browser)
    page.goto(app_url)
    page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_text("Loaded placement.csv").wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "flow-1-data.png"), full_page=True)

    page.get_by_role("link", name="Generate").first.click()
    page.get_by_role("heading", name="Generate").wait_for(timeout=60_000)
    page.get_by_role("button", name="Generate", exact=True).click()
    page.get_by_text("The run finished").wait_for(timeout=240_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "flow-2-generate.png"), full_page=True)

    for title in ["Compare", "Evaluate"]:
        page.get_by_role("link", name=title).first.click()
        page.get_by_role("heading", name=title).wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / f"flow-3-{title.lower()}.png"), full_page=True)
        assert page.get_by_text("Traceback").count() == 0

    page.get_by_role("link", name="Export").first.click()
    page.get_by_role("heading", name="Export").wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    path = tmp_path / "download.csv"
    info.value.save_as(str(path))
    page.screenshot(path=str(ARTIFACTS / "flow-4-export.png"), full_page=True)
    lines = path.read_text().splitlines()
    assert lines[0] == header
    assert len(lines) - 1 == 375  # as many rows as the train split (75% of 500)


def test_deep_link_on_a_fresh_server_runs_inside_the_frame(browser, tmp_path):
    """A bookmarked page link as the very first request still gets the workspace, sidebar and navigation."""
    with running_app(tmp_path) as url:
        page = _page(browser)
        page.goto(f"{url}/generate")
        page.get_by_role("heading", name="Generate").wait_for(timeout=60_000)
        page.get_by_text("Active dataset").wait_for(timeout=30_000)
        assert page.get_by_role("link", name="Experiments").count() == 1  # the frame's navigation, not file names
        assert "ws=" in page.url
