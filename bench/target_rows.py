"""How the drawn target's train-on-synthetic loss shrinks as the generator learns from more rows.

On regressions with a weak signal (college_distance: R² about 0.18) train-on-synthetic stays under
0.97 × train-on-holdout, and :mod:`bench.target_labels` shows the loss is the drawn target's: real
rows with the default's drawn target lose it as well. This script asks whether that is a flaw of the
target model or the price of drawing from any model fitted on the training rows: a model fitted on
n rows carries its estimation error into every label it draws, and a model trained on those labels
adds its own, where one trained on the holdout pays only the second. If the loss is that, it shrinks
as the generator sees more rows. The protocol is :mod:`bench.generators`' split (40/40/20); the
default is fitted on a seeded share of train (``--shares``), and the holdout's real rows get its drawn
target (``SynthLabGenerator.draw_target``); the evaluator is trained on them and tested on test.

Run from the repository root (development tool; writes ``bench/results/target_rows.json`` and the
"Train-on-synthetic and the rows the generator learns from" section of docs/BENCHMARKS.md):

    python bench/target_rows.py --seeds 20 --first-seed 10
    python bench/target_rows.py --datasets college_distance --shares 0.25,0.5,1 --seeds 20
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._markdown import replace_section  # noqa: E402
from bench.generators import BENCHMARKS, DEFAULT_GENERATOR, split  # noqa: E402
from bench.target_labels import load, with_drawn_target  # noqa: E402
from synthlab.generators import registry  # noqa: E402
from synthlab.metrics.utility import train_test_score  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "target_rows.json"
START, END = "<!-- target-rows:start -->", "<!-- target-rows:end -->"
# regression tables missing the bar in the Generators and unseen sections, and two classifications
DATASETS = ("college_distance", "mortgage_applications", "Salaries", "economics", "SwissLabor", "OJ")


def measure(name: str, shares: list[float], seeds: list[int]) -> dict:
    """Per seed: the holdout's score and, per share of train, the holdout with the drawn target's."""
    df, schema = load(name)
    if not schema.task:
        return {"task": None}
    runs = {}
    for seed in seeds:
        train, holdout, test = split(df, schema, seed)
        run = {"holdout": train_test_score(holdout, test, schema, seed=seed)}
        for share in shares:
            rows = train if share >= 1 else train.sample(frac=share, random_state=seed)
            gen = registry()[DEFAULT_GENERATOR](random_state=seed).fit(rows, schema)
            run[str(share)] = train_test_score(with_drawn_target(gen, holdout, schema, seed), test, schema, seed=seed)
        runs[str(seed)] = run
    keys = ["holdout", *map(str, shares)]
    return {"task": schema.task, "train_rows": len(train), "runs": runs,
            "mean": {k: float(np.mean([r[k] for r in runs.values()])) for k in keys}}


def render(results: dict, meta: dict) -> str:
    shares = sorted({k for e in results.values() if e.get("task") for k in e["mean"] if k != "holdout"}, key=float)
    lines = [
        f"Last run {meta['finished']}: `{meta['command']}` (means over seeds; kept per table in "
        "`bench/results/target_rows.json`). The holdout's real rows with the default's drawn target, the "
        "default fitted on a share of train, scored by the TSTR evaluator (AUC or R²), × the same rows with "
        "their real target. A loss that shrinks as the share grows is the estimation error a model "
        "fitted on the training rows hands to every label it draws.",
        "",
        "| table | task | train rows | seeds | holdout | " + " | ".join(f"drawn, fitted on {float(s):.0%}" for s in shares)
        + " |",
        "|---|---|---:|---:|---:|" + "---|" * len(shares),
    ]
    for name, e in results.items():
        if not e.get("task"):
            continue
        m = e["mean"]
        cells = " | ".join(f"×{m[s] / m['holdout']:.3f}" if s in m and m["holdout"] > 0 else "" for s in shares)
        lines.append(f"| {name} | {e['task']} | {e['train_rows']:,} | {len(e['runs'])} | {m['holdout']:.3f} | {cells} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated sample ids or unseen tables")
    ap.add_argument("--shares", default="0.25,0.5,1", help="shares of train the generator is fitted on")
    ap.add_argument("--seeds", type=int, default=10, help="how many seeds (default 10)")
    ap.add_argument("--first-seed", type=int, default=0, help="seeds S..S+K-1 (default 0)")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    shares = [float(s) for s in args.shares.split(",")]
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name in args.datasets.split(","):
        entry = measure(name, shares, seeds)
        if entry["task"]:
            results[name] = entry
            m = entry["mean"]
            print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()), flush=True)
    meta = {"finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python bench/target_rows.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1))
    body = render(results, meta)
    replace_section(BENCHMARKS, START, END,
                    f"{START}\n## Train-on-synthetic and the rows the generator learns from\n\n{body}{END}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
