"""Scale benchmark (issue 6): 10k → 100k → 1M input rows, Dask throughput, and the app on 1M rows.

Three parts, each recorded in the "Scale" section of docs/BENCHMARKS.md:

* **steps**: for 10k, 100k and 1M input rows × 20 columns (a seeded bootstrap of
  ``sample_data/lending_club_loans.csv``: numbers, categories, free-text job titles, a date): load
  the CSV, detect the schema, fit the default generator (as users get it: a seeded fit sample of
  at most ``fit_rows`` rows, and on every row), sample as many rows as the input, and score them
  with the full scorecard. Each size runs in a fresh process; every step records its wall time and
  the process's peak resident memory while it ran, and the table shows the growth from one size to
  the next (10× the rows: close to 10× the time is linear).
* **dask**: 10M synthetic rows from the default generator (fitted once on the 10k sample) with
  ``synthlab.scale.generate_with_dask`` on a local cluster of 1 and of 2 worker processes.
  Target: ≤ 60 s with 2 workers, speed-up ≥ 1.7.
* **app**: a real browser (Debian's Chromium) uploads the 1M-row CSV on the Data page, presses
  Generate with the defaults, and opens the Compare page: the time until the first real-vs-synthetic
  chart is drawn (and until the run's scorecard is done), and the server's peak memory (process and
  children). Target: first chart ≤ 20 s, ≤ 3 GB.

    python bench/scale.py                  # all parts, writes docs/BENCHMARKS.md
    python bench/scale.py --parts steps --sizes 10000 100000 --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._markdown import replace_section  # noqa: E402
from bench.load import MemoryWatch  # noqa: E402
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"
SOURCE = ROOT / "sample_data" / "lending_club_loans.csv"
DROP = ("installment", "total_credit_utilized", "application_type")  # 23 columns → 20
SIZES = (10_000, 100_000, 1_000_000)
DASK_ROWS = 10_000_000
STEPS = ("load", "detect", "fit", "fit_all_rows", "sample", "scorecard")
STEP_LABELS = {"fit": "fit (default fit sample)", "fit_all_rows": "fit, all rows"}
GB = 1 << 30


def make_csv(n_rows: int, path: Path, seed: int = 0) -> Path:
    """``n_rows`` rows × 20 columns: a seeded bootstrap of the Lending Club sample."""
    df = pd.read_csv(SOURCE).drop(columns=list(DROP))
    rows = np.random.default_rng(seed).integers(0, len(df), n_rows)
    df.iloc[rows].to_csv(path, index=False)
    return path


def measure_size(csv: Path) -> dict[str, dict[str, float]]:
    """Every step on one input file, in this process: seconds, CPU seconds, peak RSS in MB."""
    from synthlab.generators import DEFAULT_GENERATOR, make_generator
    from synthlab.intake import load_table
    from synthlab.metrics.scorecard import evaluate
    from synthlab.schema import Schema
    from synthlab.split import train_holdout_split

    out: dict[str, dict[str, float]] = {}
    state: dict[str, object] = {}

    def step(name: str, work) -> None:
        with MemoryWatch(os.getpid(), interval=0.02) as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            state[name] = work()
            out[name] = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                         "peak_mb": mem.peak / 2**20}
        print(f"  {name}: {out[name]['seconds']:.1f} s, {out[name]['peak_mb']:,.0f} MB", flush=True)

    step("load", lambda: load_table(csv).df)
    df = state["load"]
    step("detect", lambda: Schema.detect(df, target="interest_rate"))
    schema = state["detect"]
    train, holdout, _ = train_holdout_split(df, schema, seed=0)
    step("fit", lambda: make_generator(DEFAULT_GENERATOR).fit(train, schema))
    state["fit_default"] = state.pop("fit")
    step("fit_all_rows", lambda: make_generator(DEFAULT_GENERATOR, fit_rows=0).fit(train, schema))
    generator = state.pop("fit_all_rows")
    del state["fit_default"]
    step("sample", lambda: generator.sample(len(df), seed=1))
    synthetic = state["sample"]
    step("scorecard", lambda: evaluate(train, synthetic, holdout, schema, seed=0).to_dict())
    out["meta"] = {"rows": len(df), "columns": df.shape[1], "train": len(train), "holdout": len(holdout),
                   "fit_rows_default": float(make_generator(DEFAULT_GENERATOR).fit_rows),
                   "frame_mb": df.memory_usage(deep=True).sum() / 2**20}
    return out


def run_steps(sizes: list[int], work: Path) -> dict[int, dict]:
    """Each size in a fresh process, so one size's memory does not count against the next."""
    results = {}
    for n in sizes:
        csv = make_csv(n, work / f"scale_{n}.csv")
        print(f"{n:,} rows ({csv.stat().st_size / 2**20:,.0f} MB CSV)", flush=True)
        proc = subprocess.run([sys.executable, __file__, "--one-size", str(csv)], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        sys.stdout.write("".join(line + "\n" for line in proc.stdout.splitlines() if line.startswith("  ")))
        if proc.returncode != 0:
            raise RuntimeError(f"size {n} failed:\n{proc.stderr[-3000:]}")
        results[n] = json.loads(proc.stdout.strip().splitlines()[-1])
        results[n]["meta"]["csv_mb"] = csv.stat().st_size / 2**20
    return results


def run_dask(rows: int, work: Path, repeats: int = 3) -> dict[str, dict[int, dict]]:
    """10M rows from the default generator fitted on 10k rows, as uploaded (no target) and with the
    sample's target (``interest_rate``: its step predicts the target with gradient boosting, the
    costliest column to draw), on 1 and on 2 worker processes. Timings on a shared 2-core machine
    vary by several seconds, so the as-uploaded case runs ``repeats`` times (1 and 2 workers taking
    turns) and the median counts; the target case, far from the target, runs once."""
    from synthlab.generators import DEFAULT_GENERATOR, make_generator
    from synthlab.intake import load_table
    from synthlab.scale import generate_with_dask
    from synthlab.schema import Schema

    df = load_table(make_csv(10_000, work / "dask_fit.csv")).df
    results: dict[str, dict[int, dict]] = {}
    for label, target, times in (("no target (as uploaded)", None, repeats),
                                 ("target interest_rate", "interest_rate", 1)):
        generator = make_generator(DEFAULT_GENERATOR).fit(df, Schema.detect(df, target=target))
        results[label] = {}
        for _, workers in itertools.product(range(times), (1, 2)):
            out = work / f"dask_{workers}_{target}"
            t0 = time.perf_counter()
            res = generate_with_dask(generator, rows, out, seed=0, partitions=20, workers=workers)
            seconds = time.perf_counter() - t0
            entry = results[label].setdefault(workers, {"runs": [], "partitions": res.partitions, "rows": res.rows,
                                                        "mb_on_disk": sum(f.stat().st_size for f in out.glob("*.parquet")) / 2**20})
            entry["runs"].append(seconds)
            entry.setdefault("startup_runs", []).append(res.startup_seconds)
            entry.setdefault("sampling_runs", []).append(seconds - res.startup_seconds)
            for key in ("seconds", "startup", "sampling"):
                entry[key] = float(np.median(entry["runs" if key == "seconds" else f"{key}_runs"]))
            print(f"  dask, {label}, {workers} worker(s): {seconds:.1f} s (start {res.startup_seconds:.1f} s)",
                  flush=True)
            shutil.rmtree(out, ignore_errors=True)
    return results


async def _drive_app(url: str, csv: Path, timeout_s: float) -> dict[str, float]:
    from playwright.async_api import async_playwright

    ms = timeout_s * 1000
    laps: dict[str, float] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.goto(url)
        await page.get_by_role("heading", name="Data").wait_for(timeout=ms)
        t0 = time.perf_counter()
        await page.locator("input[type=file]").set_input_files(str(csv))
        await page.get_by_text(f"Loaded {csv.name}").wait_for(timeout=ms)
        laps["upload and load"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        await page.get_by_role("link", name="Generate").first.click()
        await page.get_by_role("heading", name="Generate").wait_for(timeout=ms)
        await page.get_by_role("button", name="Generate", exact=True).click()
        await page.get_by_text("Cancel").or_(page.get_by_text("The run")).first.wait_for(timeout=ms)
        await page.get_by_role("link", name="Compare").first.click()
        await page.get_by_role("heading", name="Compare").wait_for(timeout=ms)
        await page.locator(".js-plotly-plot").first.wait_for(timeout=ms)
        laps["generate to first chart"] = time.perf_counter() - t1
        laps["total"] = time.perf_counter() - t0
        await page.screenshot(path=str(csv.parent / "scale_compare.png"))
        done = page.get_by_text("The run finished").or_(page.get_by_text("The run failed")).first
        await done.wait_for(timeout=ms)
        if await page.get_by_text("The run failed").count():
            raise RuntimeError("the run failed in the app")
        laps["scorecard done"] = time.perf_counter() - t0
        await page.screenshot(path=str(csv.parent / "scale_compare.png"))
        await browser.close()
    return laps


def run_app(rows: int, work: Path, repeats: int = 3, timeout_s: float = 600) -> dict[str, float]:
    """The browser flow ``repeats`` times, each on a fresh server (a first visit: nothing imported or
    cached); the median of each lap counts, every run is kept in ``runs``."""
    csv = make_csv(rows, work / f"upload_{rows}.csv")
    runs = []
    for i in range(repeats):
        data_dir = work / f"app_data_{i}"
        data_dir.mkdir(exist_ok=True)
        proc = start_app(data_dir, work / f"server_{i}.log", timeout=120)
        try:
            with MemoryWatch(proc.pid, interval=0.1) as mem:
                laps = asyncio.run(_drive_app(proc.url, csv, timeout_s))
            laps["peak_gb"] = mem.peak / GB
            laps["idle_gb"] = mem.idle / GB
            print(f"  app: {laps}", flush=True)
            runs.append(laps)
        finally:
            stop_app(proc, timeout=30)
    out = {key: float(np.median([r[key] for r in runs])) for key in runs[0]}
    out["peak_gb"] = max(r["peak_gb"] for r in runs)
    out["csv_mb"] = csv.stat().st_size / 2**20
    out["runs"] = runs
    return out


# ----- report --------------------------------------------------------------------------------
def _growth(results: dict[int, dict], step: str, key: str = "seconds") -> list[str]:
    sizes = sorted(results)
    cells = ["–"]
    for a, b in itertools.pairwise(sizes):
        before, after = results[a][step][key], results[b][step][key]
        cells.append(f"×{after / before:.1f}" if before > 0 else "–")
    return cells


def report(steps: dict[int, dict] | None, dask: dict[int, dict] | None, app: dict | None) -> str:
    load = os.getloadavg()[0]
    lines = [START, "## Scale", ""]
    lines += [f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `python bench/scale.py` on "
              f"{os.cpu_count()} CPU cores, {psutil.virtual_memory().total / GB:.0f} GB RAM, Python "
              f"{platform.python_version()}; 1-minute load average at the end: {load:.1f}. Data: a seeded "
              "bootstrap of `sample_data/lending_club_loans.csv` (20 columns: numbers, categories, free-text "
              "job titles, a month).", ""]
    if steps:
        sizes = sorted(steps)
        lines += ["### Steps by input size", "",
                  "Each size in a fresh process; peak = the process's resident memory while the step ran. "
                  "`fit` is the default generator as users get it (a seeded fit sample of at most "
                  f"{int(steps[sizes[0]]['meta']['fit_rows_default']):,} train rows); `fit, all rows` learns "
                  "from every train row (75% of the input); `sample` draws as many rows as the input from "
                  "that all-rows fit (the detected target `interest_rate` is drawn from gradient boosting: "
                  "about 10 µs a row); "
                  "`scorecard` is the full holdout-calibrated scorecard (seeded stratified samples above "
                  "its row cap).", ""]
        head = "| step | " + " | ".join(f"{n:,} rows s (peak MB)" for n in sizes) + " | growth s |"
        lines += [head, "|---|" + "---:|" * len(sizes) + "---|"]
        for step in STEPS:
            cells = [f"{steps[n][step]['seconds']:.1f} ({steps[n][step]['peak_mb']:,.0f})" for n in sizes]
            lines.append(f"| {STEP_LABELS.get(step, step)} | "
                         + " | ".join(cells) + " | " + " → ".join(_growth(steps, step)[1:]) + " |")
        lines += ["", "Loaded frame in memory: " + ", ".join(
            f"{n:,} rows {steps[n]['meta']['frame_mb']:,.0f} MB (CSV {steps[n]['meta']['csv_mb']:,.0f} MB)"
            for n in sizes) + ".", ""]
    if dask:
        first = next(iter(dask.values()))[2]
        lines += ["### Dask sampling throughput", "",
                  f"{first['rows']:,} rows from the default generator fitted on 10,000 rows, {first['partitions']} "
                  f"partitions written as Parquet (about {first['mb_on_disk']:,.0f} MB), local cluster of worker "
                  "processes with one thread each (targets: ≤ 60 s with 2 workers, speed-up ≥ 1.7). Two fits: "
                  "as uploaded (no target set) and with the sample's target, whose step draws from a "
                  "gradient-boosting prediction (the costliest column to draw).", "",
                  "End to end: the whole call, including starting the local cluster and shipping the fitted "
                  "generator to every worker (which imports scikit-learn and pandas there); sampling: from the "
                  "first partition submitted to the last one written, the throughput the workers add. Medians "
                  "over the runs listed (1 and 2 workers taking turns).", "",
                  "| generator | 1 worker s | 2 workers s | speed-up | start s (1 / 2) | sampling s (1 / 2) | "
                  "rows per second sampling (2 workers) | sampling speed-up | runs end to end (1 / 2 workers) s |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for label, by_workers in dask.items():
            one, two = by_workers[1], by_workers[2]
            runs = " / ".join(", ".join(f"{t:.1f}" for t in by_workers[w].get("runs", [by_workers[w]["seconds"]]))
                              for w in (1, 2))
            start = f"{one['startup']:.1f} / {two['startup']:.1f}"
            sampling = f"{one['sampling']:.1f} / {two['sampling']:.1f}"
            rate = f"{two['rows'] / two['sampling']:,.0f}"
            speed = f"**{one['sampling'] / two['sampling']:.2f}×**"
            lines.append(f"| {label} | {one['seconds']:.1f} | **{two['seconds']:.1f}** | "
                         f"**{one['seconds'] / two['seconds']:.2f}×** | {start} | {sampling} | {rate} | {speed} | "
                         f"{runs} |")
        lines.append("")
    if app:
        lines += ["### The app on a 1,000,000-row upload", "",
                  f"Headless Chromium uploads a {app['csv_mb']:,.0f} MB CSV (1,000,000 rows × 20 columns) on the "
                  "Data page, presses Generate with the defaults, and opens Compare (targets: first comparison "
                  "chart ≤ 20 s, server peak memory ≤ 3 GB).", "",
                  "| upload and load s | Generate → first chart on Compare s | **upload → first chart s** | "
                  "scorecard done s | server peak GB (idle) |",
                  "|---:|---:|---:|---:|---:|",
                  f"| {app['upload and load']:.1f} | {app['generate to first chart']:.1f} | **{app['total']:.1f}** | "
                  f"{app['scorecard done']:.1f} | **{app['peak_gb']:.2f}** ({app['idle_gb']:.2f}) |", "",
                  "Medians over fresh servers (the peak: the largest). Each run, upload → first chart s: "
                  + ", ".join(f"{r['total']:.1f}" for r in app.get("runs", [])) + ".", "",
                  "Compare charts a run as soon as its rows are stored; its scorecard (and Evaluate) follow when "
                  "scoring ends (last column, from the upload).", ""]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parts", nargs="+", choices=("steps", "dask", "app"), default=["steps", "dask", "app"])
    ap.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    ap.add_argument("--dask-rows", type=int, default=DASK_ROWS)
    ap.add_argument("--app-rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3, help="runs of the app flow and of the as-uploaded Dask case")
    ap.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    ap.add_argument("--one-size", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one_size:
        print(json.dumps(measure_size(args.one_size)))
        return 0
    with tempfile.TemporaryDirectory(prefix="synthlab-scale-") as tmp:
        work = Path(tmp)
        steps = run_steps(args.sizes, work) if "steps" in args.parts else None
        dask = run_dask(args.dask_rows, work, args.repeats) if "dask" in args.parts else None
        app = run_app(args.app_rows, work, args.repeats) if "app" in args.parts else None
        if app and not args.no_write:
            shot = ROOT / "bench" / "results" / "scale_compare.png"
            shot.write_bytes((work / "scale_compare.png").read_bytes())
    raw_path = ROOT / "bench" / "results" / "scale.json"
    earlier = json.loads(raw_path.read_text()) if raw_path.exists() and not args.no_write else {}
    # parts not run this time keep their last recorded figures (JSON keys are text: back to numbers)
    steps = steps or {int(k): v for k, v in (earlier.get("steps") or {}).items()} or None
    dask = dask or {label: {int(k): v for k, v in by.items()} for label, by in (earlier.get("dask") or {}).items()} or None
    app = app or earlier.get("app")
    section = report(steps, dask, app)
    raw = {"steps": steps, "dask": dask, "app": app}
    if not args.no_write:
        raw_path.write_text(json.dumps(raw, indent=1, default=float))
    if args.no_write:
        print(section)
    else:
        replace_section(BENCHMARKS, START, END, section)
        print(f"wrote the Scale section of {BENCHMARKS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
