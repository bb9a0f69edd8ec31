"""A real browser shows hostile column names, cell values and file names as text: no script runs,
no image loads, no link, bold text, heading or formula appears (tests/test_security.py checks the
Markdown source of every page; this checks what Chromium actually draws)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, running_app

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")

NAMES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold**", "[link](http://x)",
         "![img](http://x)", ":red[red]", "$x^2$"]


def test_hostile_strings_render_as_text(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: the test command installs it with scripts/ensure-chromium.sh")
    rng = np.random.default_rng(0)
    n = 60
    df = pd.DataFrame({name: rng.choice(NAMES, n) if i % 2 == 0 else rng.integers(0, 9, n)
                       for i, name in enumerate(NAMES)})
    df[":material/home:"] = "# heading"  # a constant column: its name is quoted in a warning
    upload = tmp_path / "**x** <img src=x onerror=alert(2)>.csv"
    df.to_csv(upload, index=False)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with running_app(data_dir) as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("Loaded **x** <img src=x onerror=alert(2)>.csv").wait_for(timeout=60_000)
        page.get_by_role("heading", name="**x** <img src=x onerror=alert(2)>").wait_for(timeout=30_000)
        page.get_by_text("':material/home:'").first.wait_for(timeout=30_000)  # the warning, literally
        for title in ["Generate", "Compare", "Evaluate", "Export", "Experiments", "Data"]:
            page.get_by_role("link", name=title).first.click()
            page.get_by_role("heading", name=title).wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            main = page.locator("section.stMain, [data-testid=stMain], main").first
            assert main.locator("img[src='x'], img[src='http://x/'], img[src='http://x']").count() == 0, title
            assert main.locator("a[href^='http://x']").count() == 0, title
            assert main.locator("strong", has_text="bold").count() == 0, title
            assert main.locator(".katex").count() == 0, title
            assert main.locator("h1, h2, h3", has_text="heading").count() == 0, title
            assert page.get_by_text("Traceback").count() == 0
        assert dialogs == []
        assert not [r for r in requests if r.startswith("http://x") or r.endswith("/x")]
        browser.close()
