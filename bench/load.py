"""Load test: N concurrent headless Chromium sessions against one SynthLab server.

Each session, in its own browser context (its own cookies, Streamlit session and workspace):
uploads a sample CSV, generates with the default generator, opens the Evaluate page (scorecard
and charts drawn), and downloads the synthetic CSV from the Export page. The server's resident
memory (its process and every child) is sampled throughout; the peak is reported.

    python bench/load.py                      # 8 sessions, sample_data/math_placement.csv
    python bench/load.py --sessions 4 --csv sample_data/college_distance.csv --no-write

Writes the "Load" section of docs/BENCHMARKS.md (between ``<!-- load:start -->`` and
``<!-- load:end -->``) unless ``--no-write``. Chromium is Debian's (/usr/bin/chromium); the
launch arguments are those of tests/browser/server.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._markdown import replace_section  # noqa: E402
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"
STEPS = ("open", "upload", "generate", "evaluate", "export")


@dataclass
class SessionResult:
    index: int
    seconds: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    rows_downloaded: int = 0
    error: str | None = None


class MemoryWatch:
    """Peak resident memory of a process and all its children, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._sample())
            except psutil.NoSuchProcess:
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self.idle = self.peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


async def one_session(browser, url: str, csv: Path, index: int, timeout_s: float, out_dir: Path) -> SessionResult:
    result = SessionResult(index)
    context = await browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    ms = int(timeout_s * 1000)
    started = time.perf_counter()
    step_start = started

    def lap(name: str) -> None:
        nonlocal step_start
        now = time.perf_counter()
        result.seconds[name] = now - step_start
        step_start = now

    try:
        await page.goto(url)
        await page.get_by_role("heading", name="Data").wait_for(timeout=ms)
        lap("open")
        await page.locator("input[type=file]").set_input_files(str(csv))
        await page.get_by_text(f"Loaded {csv.name}").wait_for(timeout=ms)
        lap("upload")

        await page.get_by_role("link", name="Generate").first.click()
        await page.get_by_role("heading", name="Generate").wait_for(timeout=ms)
        await page.get_by_role("button", name="Generate", exact=True).click()
        finished = page.get_by_text("The run finished")
        failed = page.get_by_text("The run failed")
        await finished.or_(failed).first.wait_for(timeout=ms)
        if await failed.count():
            raise RuntimeError("the run failed: " + (await failed.first.inner_text())[:300])
        lap("generate")

        await page.get_by_role("link", name="Evaluate").first.click()
        await page.get_by_role("heading", name="Evaluate").wait_for(timeout=ms)
        await page.get_by_text("Overall:").wait_for(timeout=ms)
        await page.locator(".js-plotly-plot").first.wait_for(timeout=ms)
        lap("evaluate")

        await page.get_by_role("link", name="Export").first.click()
        await page.get_by_role("heading", name="Export").wait_for(timeout=ms)
        async with page.expect_download(timeout=ms) as info:
            await page.get_by_role("button", name="Download CSV").click()
        download = await info.value
        target = out_dir / f"session-{index}.csv"
        await download.save_as(str(target))
        result.rows_downloaded = len(pd.read_csv(target))
        lap("export")
        for bad in ("Traceback", "Something went wrong"):
            if await page.get_by_text(bad).count():
                raise RuntimeError(f"the page shows '{bad}'")
    except Exception as e:  # recorded per session; the run goes on
        result.error = f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"
        await page.screenshot(path=str(out_dir / f"session-{index}-error.png"), full_page=True)
    finally:
        result.total = time.perf_counter() - started
        await context.close()
    return result


async def drive(url: str, csv: Path, sessions: int, timeout_s: float, out_dir: Path) -> list[SessionResult]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return list(await asyncio.gather(*(one_session(browser, url, csv, i + 1, timeout_s, out_dir)
                                               for i in range(sessions))))
        finally:
            await browser.close()


def report(results: list[SessionResult], peak: int, idle: int, csv: Path, wall: float, sessions: int,
           load_before: float | None = None) -> str:
    df = pd.read_csv(csv)
    ok = [r for r in results if r.error is None]
    lines = [
        f"{sessions} concurrent headless Chromium sessions (one browser, one context each) against one server: "
        f"upload `{csv.relative_to(ROOT) if csv.is_relative_to(ROOT) else csv.name}` ({len(df):,} rows × "
        f"{df.shape[1]} columns) → generate with the default generator → Evaluate page (scorecard and charts "
        "drawn) → Export page, download the synthetic CSV.",
        "",
        f"- Completed: **{len(ok)} of {sessions}** sessions; errors: {sessions - len(ok)}.",
        f"- Wall time, all sessions: {wall:,.0f} s. Server peak RSS (process + children): "
        f"**{peak / 2**20:,.0f} MB** (idle before the sessions: {idle / 2**20:,.0f} MB).",
        f"- Machine: {psutil.cpu_count()} CPU cores, {psutil.virtual_memory().total / 2**30:,.0f} GB RAM, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}; the fit pool has 2 "
        "workers, so runs queue and finish in turn"
        + (f"; 1-minute load average before the run: {load_before:.1f} (other work on the machine)."
           if load_before is not None else "."),
        f"- Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} with `python bench/load.py --sessions "
        f"{sessions}`.",
        "",
        "| session | open s | upload s | generate s (incl. queue) | evaluate s | export s | total s | rows downloaded "
        "| error |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in sorted(results, key=lambda r: r.index):
        cells = [f"{r.seconds[s]:.1f}" if s in r.seconds else "–" for s in STEPS]
        lines.append(f"| {r.index} | {' | '.join(cells)} | {r.total:.1f} | {r.rows_downloaded:,} | "
                     f"{r.error or ''} |")
    if ok:
        totals = [r.total for r in ok]
        lines += ["", f"Per session: median {statistics.median(totals):.1f} s, min {min(totals):.1f} s, "
                      f"max {max(totals):.1f} s."]
    return "\n".join(lines)


def write_section(body: str, path: Path = BENCHMARKS) -> None:
    """Replace the text between the load markers (creating the file or the section if missing)."""
    replace_section(path, START, END, f"{START}\n## Load\n\n{body}\n{END}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--csv", type=Path, default=ROOT / "sample_data" / "math_placement.csv")
    ap.add_argument("--timeout", type=float, default=900, help="seconds each step may take")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = ap.parse_args(argv)
    csv = args.csv.resolve()
    if not Path(CHROMIUM).exists():
        print(f"Chromium is missing at {CHROMIUM}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="synthlab-load-") as tmp:
        tmp_path = Path(tmp)
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        proc = start_app(data_dir, tmp_path / "server.log", timeout=120)
        try:
            with MemoryWatch(proc.pid) as watch:
                t0 = time.perf_counter()
                results = asyncio.run(drive(proc.url, csv, args.sessions, args.timeout, tmp_path))
                wall = time.perf_counter() - t0
        finally:
            stop_app(proc, timeout=20)
        body = report(results, watch.peak, watch.idle, csv, wall, args.sessions, load_before)
        print(body)
        if any(r.error for r in results):
            log = (tmp_path / "server.log").read_text()[-3000:]
            print("\nserver log (tail):\n" + log, file=sys.stderr)
    if not args.no_write:
        write_section(body)
        print(f"\nwrote the Load section of {BENCHMARKS.relative_to(ROOT)}")
    return 0 if all(r.error is None for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
