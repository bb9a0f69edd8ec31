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
