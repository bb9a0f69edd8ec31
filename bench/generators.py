"""Generator benchmark: every generator on every sample dataset, each figure next to the real holdout's.

Run from the repository root (2 cores, ideally nothing else running):

    python bench/generators.py                                   # everything (neural ones take long)
    python bench/generators.py --generators synthlab,gaussian_copula --datasets health_insurance
    python bench/generators.py --epochs 50 --max-rows 5000

Protocol (issue 3): each dataset is split 40/40/20 into train / holdout / test with
:func:`synthlab.split.three_way_split` (seed 0, stratified on a categorical target). A generator is
fitted on train and samples as many rows as train has. Every figure is computed for X = the
synthetic rows and for X = the real holdout (same size as train, never seen by the generator), so
the holdout gives the figure a fresh real sample reaches:

* detection AUC: X against train, gradient boosting, 5-fold ROC AUC (0.5 = indistinguishable);
* column pair trends (SDMetrics' definition): X against train;
* TSTR: a model trained on X, scored on test (ROC AUC, or R² for a numeric target);
* closer-to-train share: synthetic rows nearer a train row than a holdout row (0.5 = no leak); the
  holdout's analogue is the same share for the *test* rows (real rows nobody trained on);
* exact-copy share: rows of X equal to a train row on every learned column.

Results are merged into ``bench/results/generators.json`` (one entry per dataset and generator;
``--fresh`` starts over) and the "Generators" section of ``docs/BENCHMARKS.md`` is rewritten from it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._markdown import replace_section  # noqa: E402
from synthlab.generators import registry  # noqa: E402
from synthlab.metrics.detection import detection_auc  # noqa: E402
from synthlab.metrics.fidelity import column_pair_trends  # noqa: E402
from synthlab.metrics.privacy import closer_to_train_share, exact_copy_share  # noqa: E402
from synthlab.metrics.utility import train_test_score  # noqa: E402
from synthlab.samples import catalog, load_sample  # noqa: E402
from synthlab.schema import Schema  # noqa: E402
from synthlab.split import three_way_split  # noqa: E402

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
RESULTS = ROOT / "bench" / "results" / "generators.json"
START, END = "<!-- generators:start -->", "<!-- generators:end -->"
SPEED_REFERENCE = "gaussian_copula"
DEFAULT_GENERATOR = "synthlab"

# The targets for SynthLab's default generator (each against the holdout's figure).
MAX_DETECTION = 0.60
MIN_TRENDS_RATIO = 0.98
MIN_TSTR_RATIO = 0.97
MAX_CLOSER = 0.55


# ----- measuring ------------------------------------------------------------------------------
def figures(x: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame, test: pd.DataFrame, schema: Schema,
            synthetic: bool) -> dict[str, float | None]:
    """The five figures for X (synthetic rows, or the holdout itself when ``synthetic`` is False)."""
    out: dict[str, float | None] = {
        "detection_auc": detection_auc(train, x, schema, folds=5, seed=0),
        "pair_trends": column_pair_trends(train, x, schema),
        "tstr": train_test_score(x, test, schema, seed=0) if schema.task else None,
        # the holdout's analogue of the closer-to-train share: unseen real rows (test) as queries
        "closer_to_train": closer_to_train_share(x if synthetic else test, train, holdout, schema),
        "exact_copies": exact_copy_share(x, train, schema),
    }
    return {k: (None if v is None else float(v)) for k, v in out.items()}


def run_generator(name: str, train: pd.DataFrame, holdout: pd.DataFrame, test: pd.DataFrame, schema: Schema,
                  epochs: int | None) -> dict[str, Any]:
    cls = registry()[name]
    params: dict[str, Any] = {"random_state": 0}
    if epochs is not None and any(p.name == "epochs" for p in cls.params()):
        params["epochs"] = epochs
    try:
        gen = cls(**params)
        t = time.perf_counter()
        gen.fit(train, schema)
        fit_s = time.perf_counter() - t
        t = time.perf_counter()
        synthetic = gen.sample(len(train), seed=0)
        sample_s = time.perf_counter() - t
        figs = figures(synthetic, train, holdout, test, schema, synthetic=True)
    except Exception as e:  # a failing generator is a row of the table, not the end of the run
        traceback.print_exc()
        return {"error": f"{type(e).__name__}: {e}"[:300], "params": params}
    return {"fit_s": fit_s, "sample_s": sample_s, "params": {k: v for k, v in params.items() if k != "random_state"},
            **figs}


def run_dataset(sample_id: str, generators: list[str], epochs: int | None, max_rows: int | None,
                results: dict) -> None:
    info = next(i for i in catalog() if i.id == sample_id)
    df = load_sample(sample_id).df
    if max_rows and len(df) > max_rows:
        df = df.sample(n=max_rows, random_state=0).reset_index(drop=True)
    schema = Schema.detect(df, target=info.target, sensitive=info.sensitive)
    train, holdout, test = three_way_split(df, schema, (0.4, 0.4, 0.2), seed=0)
    print(f"\n{sample_id}: {len(df):,} rows x {len(schema.learned)} learned columns, target "
          f"{schema.target!r} ({schema.task}); train/holdout/test {len(train)}/{len(holdout)}/{len(test)}",
          flush=True)
    entry = results.setdefault(sample_id, {"generators": {}})
    entry.update({"title": info.title, "rows": len(df), "learned_columns": len(schema.learned),
                  "target": schema.target, "task": schema.task,
                  "split": [len(train), len(holdout), len(test)]})
    entry["holdout"] = figures(holdout, train, holdout, test, schema, synthetic=False)
    print(f"  holdout   {_line(entry['holdout'])}", flush=True)
    for name in generators:
        res = run_generator(name, train, holdout, test, schema, epochs)
        entry["generators"][name] = res
        if "error" in res:
            print(f"  {name:<16} ERROR {res['error']}", flush=True)
        else:
            print(f"  {name:<16} fit {res['fit_s']:7.2f} s  sample {res['sample_s']:6.2f} s  {_line(res)}", flush=True)


def _line(f: dict) -> str:
    tstr = "n/a" if f.get("tstr") is None else f"{f['tstr']:.3f}"
    return (f"det {f['detection_auc']:.3f}  trends {f['pair_trends']:.3f}  tstr {tstr}  "
            f"closer {f['closer_to_train']:.3f}  copies {f['exact_copies']:.3f}")


# ----- targets --------------------------------------------------------------------------------
def targets(entry: dict, name: str) -> dict[str, bool | None]:
    """PASS (True) / FAIL (False) / not applicable (None) per issue target, for one generator row."""
    res, hold = entry["generators"][name], entry["holdout"]
    if "error" in res:
        return {}
    ref = entry["generators"].get(SPEED_REFERENCE, {})
    speed = None
    if name != SPEED_REFERENCE and "fit_s" in ref:
        speed = res["fit_s"] + res["sample_s"] < ref["fit_s"] + ref["sample_s"]
    tstr = None
    if res.get("tstr") is not None and hold.get("tstr") is not None:
        tstr = res["tstr"] >= MIN_TSTR_RATIO * hold["tstr"]
    return {
        "detection": res["detection_auc"] <= MAX_DETECTION,
        "pair_trends": res["pair_trends"] >= MIN_TRENDS_RATIO * hold["pair_trends"],
        "tstr": tstr,
        "closer_to_train": res["closer_to_train"] <= MAX_CLOSER,
        "exact_copies": res["exact_copies"] <= hold["exact_copies"],
        "speed": speed,
    }


# ----- report ---------------------------------------------------------------------------------
def _ratio(v: float | None, h: float | None) -> str:
    if v is None or h is None or h == 0:
        return "n/a"
    return f"{v:.3f} ({h:.3f}, ×{v / h:.3f})"


def render(results: dict, meta: dict) -> str:
    lines = [
        "Every generator on every bundled sample dataset (`python bench/generators.py`). Protocol: each "
        "dataset is split 40/40/20 into train / holdout / test (seed 0, stratified on a categorical target); "
        "a generator is fitted on train and samples as many rows as train has. Each figure is computed for "
        "the synthetic rows and, in brackets, for the real holdout (as large as train and never seen by the "
        "generator), so the bracket is what a fresh real sample scores:",
        "",
        "- **detection AUC**: rows against train, gradient boosting, 5-fold ROC AUC (0.5 = cannot be told "
        "apart; the holdout scores ≈ 0.5 by construction);",
        "- **pair trends**: SDMetrics' Column Pair Trends against train (holdout's, ×ratio);",
        "- **TSTR**: a model trained on the rows, scored on test: ROC AUC, or R² for a numeric target "
        "(holdout's, ×ratio);",
        "- **closer to train**: share of synthetic rows nearer a train row than a holdout row, balanced for "
        "the set sizes (0.5 = no leak); in brackets the same share for the test rows;",
        "- **exact copies**: share of rows equal to a train row on every learned column (holdout's).",
        "",
        f"Targets for `{DEFAULT_GENERATOR}` (issue 3): detection ≤ {MAX_DETECTION}, pair trends ≥ "
        f"{MIN_TRENDS_RATIO} × holdout, TSTR ≥ {MIN_TSTR_RATIO} × holdout, closer to train ≤ {MAX_CLOSER}, "
        f"exact copies ≤ holdout, fit + sample faster than `{SPEED_REFERENCE}` on the same table.",
        "",
        f"`{DEFAULT_GENERATOR}` runs with its defaults: leaves sized on held-out rows (at least 5 rows; for "
        "categories the largest within one standard error of the best), Gaussian smoothing of continuous "
        "numbers, copies of training rows redrawn beyond the share real rows repeat, a numeric target drawn "
        "from rows with a similar gradient-boosting prediction. Neural generators run with their default "
        "epochs unless the command says otherwise. Results are merged per dataset and generator from "
        "`bench/results/generators.json`; the command below is the last one run.",
        "",
        f"Machine: {meta.get('machine', '?')}. Last run: {meta.get('finished', '?')}; "
        f"command: `{meta.get('command', '?')}`. Times are wall-clock seconds and depend on what else runs.",
        "",
    ]
    summary = []
    for sid, entry in results.items():
        h = entry["holdout"]
        lines += [f"### {entry.get('title', sid)} (`{sid}`)", "",
                  f"{entry['rows']:,} rows × {entry['learned_columns']} learned columns; target "
                  f"`{entry['target']}` ({entry['task'] or 'none'}); train / holdout / test "
                  f"{' / '.join(f'{n:,}' for n in entry['split'])} rows.", "",
                  "| generator | fit s | sample s | detection AUC | pair trends | TSTR | closer to train | "
                  "exact copies | targets |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, res in entry["generators"].items():
            if "error" in res:
                lines.append(f"| {name} | | | | | | | | error: {res['error'].replace('|', '/')} |")
                continue
            t = targets(entry, name)
            marks = "; ".join(f"{k} {'PASS' if ok else 'FAIL'}" for k, ok in t.items() if ok is not None)
            if name != DEFAULT_GENERATOR:
                marks = ""
            else:
                summary.append((sid, t))
            epochs = f" ({res['params']['epochs']} epochs)" if "epochs" in res.get("params", {}) else ""
            lines.append(
                f"| {name}{epochs} | {res['fit_s']:.2f} | {res['sample_s']:.2f} | "
                f"{res['detection_auc']:.3f} ({h['detection_auc']:.3f}) | {_ratio(res['pair_trends'], h['pair_trends'])} | "
                f"{_ratio(res['tstr'], h['tstr'])} | {res['closer_to_train']:.3f} ({h['closer_to_train']:.3f}) | "
                f"{res['exact_copies']:.3f} ({h['exact_copies']:.3f}) | {marks} |")
        lines.append("")
    if summary:
        keys = ["detection", "pair_trends", "tstr", "closer_to_train", "exact_copies", "speed"]
        lines += [f"### `{DEFAULT_GENERATOR}` against the targets", "",
                  "| dataset | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
        for sid, t in summary:
            cells = ["n/a" if t.get(k) is None else ("PASS" if t[k] else "FAIL") for k in keys]
            lines.append(f"| {sid} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_section(body: str, path: Path = BENCHMARKS) -> None:
    """Replace the text between the generators markers (creating the file or the section if missing)."""
    replace_section(path, START, END, f"{START}\n## Generators\n\n{body}{END}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=None, help="comma-separated sample ids (default: every one in the catalog)")
    ap.add_argument("--generators", default=None, help="comma-separated generator names (default: all registered)")
    ap.add_argument("--epochs", type=int, default=None, help="epochs for neural generators (default: theirs)")
    ap.add_argument("--max-rows", type=int, default=None, help="subsample larger datasets to this many rows")
    ap.add_argument("--out", type=Path, default=BENCHMARKS, help="markdown file whose Generators section is rewritten")
    ap.add_argument("--json", type=Path, default=RESULTS, help="results file (merged with earlier runs)")
    ap.add_argument("--fresh", action="store_true", help="discard earlier results instead of merging")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    ids = [i.id for i in catalog()]
    datasets = args.datasets.split(",") if args.datasets else ids
    unknown = [d for d in datasets if d not in ids]
    if unknown:
        ap.error(f"unknown dataset(s) {unknown}; known: {ids}")
    names = args.generators.split(",") if args.generators else list(registry())
    bad = [g for g in names if g not in registry()]
    if bad:
        ap.error(f"unknown generator(s) {bad}; known: {list(registry())}")

    stored = json.loads(args.json.read_text()) if args.json.exists() and not args.fresh else {}
    results = stored.get("datasets", {})
    for sid in datasets:
        run_dataset(sid, names, args.epochs, args.max_rows, results)
        _save(args.json, results, stored.get("meta", {}), argv)
    meta = _save(args.json, results, stored.get("meta", {}), argv)
    ordered = {sid: results[sid] for sid in ids if sid in results}
    write_section(render(ordered, meta), args.out)
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json} and the "
          f"Generators section of {args.out}")
    return 0


def _save(path: Path, results: dict, meta: dict, argv: list[str] | None) -> dict:
    meta = {**meta, "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python bench/generators.py " + " ".join(sys.argv[1:] if argv is None else argv),
            "machine": f"{os.cpu_count()} CPU cores, {platform.system()} {platform.machine()}, "
                       f"Python {platform.python_version()}"}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "datasets": results}, indent=1, default=float))
    return meta


if __name__ == "__main__":
    raise SystemExit(main())
