"""Generator benchmark: every generator on every sample dataset, each figure next to the real holdout's.

Run from the repository root (2 cores, ideally nothing else running):

    python bench/generators.py                                   # everything (neural ones take long)
    python bench/generators.py --generators synthlab,gaussian_copula   # the default generator's verdict (10 seeds)
    python bench/generators.py --generators synthlab,gaussian_copula --datasets health_insurance
    python bench/generators.py --epochs 50 --max-rows 5000

Protocol (issue 3): each dataset is split 40/40/20 into train / holdout / test with
:func:`synthlab.split.three_way_split` (stratified on a categorical target). A generator is fitted on
train and samples as many rows as train has. Every figure is computed for X = the synthetic rows and
for X = the real holdout (same size as train, never seen by the generator), so the holdout gives the
figure a fresh real sample reaches:

* detection AUC: X against train, gradient boosting, 5-fold ROC AUC (0.5 = indistinguishable);
* column pair trends (SDMetrics' definition): X against train;
* TSTR: a model trained on X, scored on test (ROC AUC, or R² for a numeric target);
* closer-to-train share: synthetic rows nearer a train row than a holdout row (0.5 = no leak); the
  holdout's analogue is the same share for the *test* rows (real rows nobody trained on);
* exact-copy share: rows of X equal to a train row on every learned column.

*Seeds* (``--seeds K``; by default 10 for the default generator and the speed reference, whose
figures the targets judge, and 1 for the others): the whole protocol is repeated for seeds 0..K-1 — split, generator seed,
sample seed and the metrics' model seeds all take the seed — and each figure is reported as its mean
over the seeds ± its standard deviation, next to the holdout's mean ± sd on the same splits. Targets
are judged on the means. Seed 0 is the single-run protocol, so rows run with one seed stay
comparable. The holdout's own spread, and a second real sample's TSTR (a model trained on *train*,
scored on test: two real samples of the same size), show how much of a gap is sampling noise.

Results are merged into ``bench/results/generators.json`` per dataset, generator and seed (``--fresh``
starts over): running some generators replaces only their rows, so the slow neural generators' rows
are kept when the fast ones are rerun. The "Generators" section of ``docs/BENCHMARKS.md`` is
rewritten from the file.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
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

import numpy as np
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
JUDGED_SEEDS = 10  # seeds the default generator and the speed reference run on unless --seeds is given
FIGURES = ("detection_auc", "pair_trends", "tstr", "closer_to_train", "exact_copies")

# The targets for SynthLab's default generator (each against the holdout's figure).
MAX_DETECTION = 0.60
MIN_TRENDS_RATIO = 0.98
MIN_TSTR_RATIO = 0.97
MAX_CLOSER = 0.55


# ----- measuring ------------------------------------------------------------------------------
def split(df: pd.DataFrame, schema: Schema, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return three_way_split(df, schema, (0.4, 0.4, 0.2), seed=seed)


def figures(x: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame, test: pd.DataFrame, schema: Schema,
            synthetic: bool, seed: int = 0) -> dict[str, float | None]:
    """The five figures for X (synthetic rows, or the holdout itself when ``synthetic`` is False).

    For the holdout, ``tstr_train`` is added: the same model trained on *train* (a second real sample
    as large as the holdout), which shows how far two real samples' TSTR lie apart."""
    out: dict[str, float | None] = {
        "detection_auc": detection_auc(train, x, schema, folds=5, seed=seed),
        "pair_trends": column_pair_trends(train, x, schema),
        "tstr": train_test_score(x, test, schema, seed=seed) if schema.task else None,
        # the holdout's analogue of the closer-to-train share: unseen real rows (test) as queries
        "closer_to_train": closer_to_train_share(x if synthetic else test, train, holdout, schema),
        "exact_copies": exact_copy_share(x, train, schema),
    }
    if not synthetic:
        out["tstr_train"] = train_test_score(train, test, schema, seed=seed) if schema.task else None
    return {k: (None if v is None else float(v)) for k, v in out.items()}


@functools.cache
def warm_up(name: str) -> None:
    """Fit ``name`` once on a tiny table before anything is timed: the first fit in a process pays
    one-time costs (SDV imports its transformers on first use: a second or so), which would
    otherwise count as the first table's fit time."""
    tiny = pd.DataFrame({"x": np.arange(40.0), "c": ["a", "b"] * 20})
    cls = registry()[name]
    params = {"epochs": 1} if any(p.name == "epochs" for p in cls.params()) else {}
    # a generator that fails here fails again, and is reported, in the run itself
    with contextlib.suppress(Exception):
        cls(**params).fit(tiny, Schema.detect(tiny)).sample(10, seed=0)


def run_generator(name: str, train: pd.DataFrame, holdout: pd.DataFrame, test: pd.DataFrame, schema: Schema,
                  epochs: int | None, seed: int = 0, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit ``name`` on train (random_state = seed, other ``params`` as given), sample len(train) rows
    (seed) and measure them (one-time costs paid first, see :func:`warm_up`)."""
    warm_up(name)
    cls = registry()[name]
    params = {**(params or {}), "random_state": seed}
    if epochs is not None and any(p.name == "epochs" for p in cls.params()):
        params["epochs"] = epochs
    try:
        gen = cls(**params)
        t = time.perf_counter()
        gen.fit(train, schema)
        fit_s = time.perf_counter() - t
        t = time.perf_counter()
        synthetic = gen.sample(len(train), seed=seed)
        sample_s = time.perf_counter() - t
        figs = figures(synthetic, train, holdout, test, schema, synthetic=True, seed=seed)
    except Exception as e:  # a failing generator is a row of the table, not the end of the run
        traceback.print_exc()
        return {"error": f"{type(e).__name__}: {e}"[:300], "params": params}
    return {"fit_s": fit_s, "sample_s": sample_s, "params": {k: v for k, v in params.items() if k != "random_state"},
            **figs}


def measure(df: pd.DataFrame, schema: Schema, generators: list[str], seeds: list[int],
            params: dict[str, Any] | None = None, report=None, epochs: int | None = None) -> dict:
    """One table's entry (the first seed's train/holdout/test sizes; per seed: the holdout's figures
    and each generator's run, ``params`` given to every generator, ``epochs`` to the neural ones), the
    format :func:`summary` and :func:`targets` read; ``report(seed, name, figures)`` is called after
    the holdout's figures (name ``"holdout"``) and after each run."""
    entry: dict = {"rows": len(df), "learned_columns": len(schema.learned), "task": schema.task,
                   "holdout_runs": {}, "generators": {g: {"seeds": seeds, "runs": {}} for g in generators}}
    for seed in seeds:
        train, holdout, test = split(df, schema, seed)
        entry.setdefault("split", [len(train), len(holdout), len(test)])  # the first seed's sizes
        hold = figures(holdout, train, holdout, test, schema, synthetic=False, seed=seed)
        entry["holdout_runs"][str(seed)] = hold
        if report is not None:
            report(seed, "holdout", hold)
        for g in generators:
            res = run_generator(g, train, holdout, test, schema, epochs, seed, params=params)
            entry["generators"][g]["runs"][str(seed)] = res
            if report is not None:
                report(seed, g, res)
    return entry


def sample_table(sample_id: str, max_rows: int | None = None) -> tuple[Any, pd.DataFrame, Schema]:
    """A bundled sample's catalog entry, rows (a seeded subset above ``max_rows``) and schema, with
    the target and sensitive columns its catalog entry names."""
    info = next(i for i in catalog() if i.id == sample_id)
    df = load_sample(sample_id).df
    if max_rows and len(df) > max_rows:
        df = df.sample(n=max_rows, random_state=0).reset_index(drop=True)
    return info, df, Schema.detect(df, target=info.target, sensitive=info.sensitive)


def run_dataset(sample_id: str, generators: list[str], epochs: int | None, max_rows: int | None,
                results: dict, seeds: list[int] | None = None) -> None:
    """Measure every generator (and the holdout) on every seed's split; replaces those generators' rows.
    ``seeds``: every generator's; None: :func:`seed_plan`'s. Each seed is split and its holdout
    measured once, for all the generators that run on it."""
    plan = seed_plan(generators, seeds)
    seeds_of = {g: s for group, s in plan for g in group}
    every_seed = sorted({s for _, ss in plan for s in ss})
    info, df, schema = sample_table(sample_id, max_rows)
    print(f"\n{sample_id}: {len(df):,} rows x {len(schema.learned)} learned columns, target "
          f"{schema.target!r} ({schema.task}); "
          + "; ".join(f"seeds {s} for {', '.join(group)}" for group, s in plan), flush=True)

    def report(seed: int, name: str, res: dict) -> None:
        if "error" in res:
            print(f"  seed {seed} {name:<16} ERROR {res['error']}", flush=True)
        elif name == "holdout":
            print(f"  seed {seed} holdout          {_line(res)}", flush=True)
        else:
            print(f"  seed {seed} {name:<16} fit {res['fit_s']:6.2f} s  sample {res['sample_s']:5.2f} s  "
                  f"{_line(res)}", flush=True)

    entry = upgrade_entry(results.setdefault(sample_id, {"generators": {}}))
    entry.update({"title": info.title, "rows": len(df), "learned_columns": len(schema.learned),
                  "target": schema.target, "task": schema.task})
    runs: dict[str, dict] = {g: {} for g in generators}
    for seed in every_seed:
        measured = measure(df, schema, [g for g in generators if seed in seeds_of[g]], [seed], report=report,
                           epochs=epochs)
        if seed == every_seed[0]:
            entry["split"] = measured["split"]
        entry["holdout_runs"].update(measured["holdout_runs"])
        for name, g in measured["generators"].items():
            runs[name].update(g["runs"])
    for name, by_seed in runs.items():
        params = next(iter(by_seed.values())).get("params", {})
        entry["generators"][name] = {"params": params, "seeds": seeds_of[name],
                                     "runs": {s: {k: v for k, v in r.items() if k != "params"}
                                              for s, r in by_seed.items()}}
        stats = summary(entry, name)
        if stats is not None:  # mean and sd over the seeds, next to the holdout's (for readers of the file)
            entry["generators"][name]["summary"] = {k: stats[k] for k in ("mean", "sd", "holdout_mean", "holdout_sd")}
            entry["generators"][name]["summary"]["targets"] = targets(entry, name) if name == DEFAULT_GENERATOR else {}


def upgrade_entry(entry: dict) -> dict:
    """Results written before seeds existed (one flat run = seed 0) in the per-seed layout."""
    entry.setdefault("generators", {})
    if "holdout_runs" not in entry:
        entry["holdout_runs"] = {"0": entry.pop("holdout")} if "holdout" in entry else {}
    entry.pop("holdout", None)
    for name, res in list(entry["generators"].items()):
        if "runs" not in res:
            entry["generators"][name] = {"params": res.get("params", {}), "seeds": [0],
                                         "runs": {"0": {k: v for k, v in res.items() if k != "params"}}}
    return entry


def _line(f: dict) -> str:
    tstr = "n/a" if f.get("tstr") is None else f"{f['tstr']:.3f}"
    return (f"det {f['detection_auc']:.3f}  trends {f['pair_trends']:.3f}  tstr {tstr}  "
            f"closer {f['closer_to_train']:.3f}  copies {f['exact_copies']:.3f}")


# ----- summarising over seeds -------------------------------------------------------------------
def _stats(values: list[float | None]) -> tuple[float | None, float | None]:
    v = [x for x in values if x is not None]
    if not v:
        return None, None
    return float(np.mean(v)), (float(np.std(v, ddof=1)) if len(v) > 1 else None)


def summary(entry: dict, name: str) -> dict[str, Any] | None:
    """Mean and sd over the generator's seeds of its figures and of the holdout's on the same splits;
    None when a run failed (the error) or the holdout of a seed is missing."""
    res = entry["generators"][name]
    runs = [res["runs"][str(s)] for s in res["seeds"]]
    if any("error" in r for r in runs):
        return None
    holds = [entry["holdout_runs"].get(str(s)) for s in res["seeds"]]
    if any(h is None for h in holds):
        return None
    out: dict[str, Any] = {"seeds": res["seeds"], "mean": {}, "sd": {}, "holdout_mean": {}, "holdout_sd": {}}
    for key in (*FIGURES, "fit_s", "sample_s"):
        out["mean"][key], out["sd"][key] = _stats([r.get(key) for r in runs])
    for key in (*FIGURES, "tstr_train"):
        out["holdout_mean"][key], out["holdout_sd"][key] = _stats([h.get(key) for h in holds])
    out["mean"]["total_s"] = out["mean"]["fit_s"] + out["mean"]["sample_s"]
    return out


def targets(entry: dict, name: str) -> dict[str, bool | None]:
    """PASS (True) / FAIL (False) / not applicable (None) per issue target, judged on the means over seeds."""
    s = summary(entry, name)
    if s is None:
        return {}
    m, h = s["mean"], s["holdout_mean"]
    speed = None
    if name != SPEED_REFERENCE and SPEED_REFERENCE in entry["generators"]:
        ref = summary(entry, SPEED_REFERENCE)
        if ref is not None:
            speed = m["total_s"] < ref["mean"]["total_s"]
    tstr = None
    if m.get("tstr") is not None and h.get("tstr") is not None:
        tstr = m["tstr"] >= MIN_TSTR_RATIO * h["tstr"]
    return {
        "detection": m["detection_auc"] <= MAX_DETECTION,
        "pair_trends": m["pair_trends"] >= MIN_TRENDS_RATIO * h["pair_trends"],
        "tstr": tstr,
        "closer_to_train": m["closer_to_train"] <= MAX_CLOSER,
        "exact_copies": m["exact_copies"] <= h["exact_copies"],
        "speed": speed,
    }


# ----- report ---------------------------------------------------------------------------------
def _pm(mean: float | None, sd: float | None) -> str:
    if mean is None:
        return "n/a"
    return f"{mean:.3f}" if sd is None else f"{mean:.3f} ± {sd:.3f}"


def _cell(s: dict, key: str, ratio: bool = False) -> str:
    m, sd, h, hsd = s["mean"][key], s["sd"][key], s["holdout_mean"][key], s["holdout_sd"][key]
    if m is None or h is None:
        return "n/a"
    r = f", ×{m / h:.3f}" if ratio and h != 0 else ""
    return f"{_pm(m, sd)} ({_pm(h, hsd)}{r})"


def _verdict(s: dict, t: dict, key: str) -> str:
    ok = t.get(key)
    if ok is None:
        return "n/a"
    word = "PASS" if ok else "**FAIL**"
    m, h = s["mean"], s["holdout_mean"]
    detail = {
        "detection": f"{m['detection_auc']:.3f}",
        "pair_trends": f"×{m['pair_trends'] / h['pair_trends']:.3f}" if h["pair_trends"] else "",
        # a ratio to a holdout score at or below 0 (an R² no better than the mean) reads backwards: both shown
        "tstr": "" if h.get("tstr") is None else (
            f"×{m['tstr'] / h['tstr']:.3f}" if h["tstr"] > 0 else f"{m['tstr']:.3f} vs {h['tstr']:.3f}"),
        "closer_to_train": f"{m['closer_to_train']:.3f}",
        "exact_copies": f"{m['exact_copies']:.3f} vs {h['exact_copies']:.3f}",
        "speed": "",
    }[key]
    return f"{word} {detail}".strip()


def render(results: dict, meta: dict) -> str:
    lines = [
        "Every generator on every bundled sample dataset (`python bench/generators.py`). Protocol: each "
        "dataset is split 40/40/20 into train / holdout / test (stratified on a categorical target); "
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
        "*Seeds*: a row run with several seeds (column `seeds`) repeats the whole protocol per seed — split, "
        "generator and sample seed, the metrics' model seeds — and shows mean ± standard deviation over the "
        "seeds, the holdout's on the same splits in brackets; seed 0 is the single-run protocol, so rows run "
        "with one seed (the neural generators, which take long) are directly comparable with seed 0 and show "
        f"no ±. Without `--seeds`, `{DEFAULT_GENERATOR}` and `{SPEED_REFERENCE}` run on {JUDGED_SEEDS} seeds (a "
        "single seed's verdict is noise) and the others on one.",
        "",
        f"Targets for `{DEFAULT_GENERATOR}` (issue 3), judged on the means over its seeds: detection ≤ "
        f"{MAX_DETECTION}, pair trends ≥ {MIN_TRENDS_RATIO} × holdout, TSTR ≥ {MIN_TSTR_RATIO} × holdout, "
        f"closer to train ≤ {MAX_CLOSER}, exact copies ≤ holdout, fit + sample faster than `{SPEED_REFERENCE}` "
        "on the same table (mean time over the same seeds).",
        "",
        f"`{DEFAULT_GENERATOR}` runs with its defaults: columns drawn most connected first (summed mutual "
        "information with the others) after a regular grid of months or dates that indexes the rows "
        "(a panel's or a series' time), leaves sized on held-out rows (at least 5 rows; for "
        "categories the largest within one standard error of the best), back-off to parent nodes as strong as "
        "still predicts held-out rows (splits whose sides differ beyond chance always followed), Gaussian "
        "smoothing of continuous numbers (values shared on a sparse grid, such as price points, or repeated to "
        "the last digit, drawn as they are), copies of training rows redrawn beyond the share real rows repeat (judged without a class "
        "target; a numeric target not drawn as levels is checked again with the whole row), fitted on up to "
        "2,000 rows twice the rows drawn and those nearer a training row than unseen real rows come thinned "
        "out (`thin_close_rows`; each drawn row kept by its modelled odds of not leaning, from its nearest and second-nearest training distances; their square root on fits of over 600 rows; the target left out of the distances), categories held "
        "by fewer rows than two leaves pooled unless they fix another category column, "
        "category columns that fix another in every training row (a country its continent) fixing it in "
        "every synthetic row, the target drawn "
        "from gradient boosting (learning rate 0.2) on the other columns, blended with a linear model where that predicts "
        "held-out rows better (a category from its class probabilities, raked to every predictor level's "
        "observed class shares, a number from real values of rows with a like prediction). "
        "Neural generators run with their default epochs unless the command says otherwise. Results are "
        "merged per dataset, generator and seed from `bench/results/generators.json`; the command below is "
        "the last one run.",
        "",
        f"Machine: {meta.get('machine', '?')}. Last run: {meta.get('finished', '?')}; "
        f"command: `{meta.get('command', '?')}`. Times are wall-clock seconds (mean over seeds) and depend on "
        "what else runs.",
        "",
    ]
    verdicts = []
    for sid, entry in results.items():
        entry = upgrade_entry(entry)
        lines += [f"### {entry.get('title', sid)} (`{sid}`)", "",
                  f"{entry['rows']:,} rows × {entry['learned_columns']} learned columns; target "
                  f"`{entry['target']}` ({entry['task'] or 'none'}); train / holdout / test "
                  f"{' / '.join(f'{n:,}' for n in entry['split'])} rows.", "",
                  "| generator | seeds | fit s | sample s | detection AUC | pair trends | TSTR | closer to train | "
                  "exact copies |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, res in entry["generators"].items():
            s = summary(entry, name)
            epochs = f" ({res['params']['epochs']} epochs)" if "epochs" in res.get("params", {}) else ""
            if s is None:
                err = next((r["error"] for r in res["runs"].values() if "error" in r), "holdout missing")
                lines.append(f"| {name}{epochs} | {len(res['seeds'])} | | | | | | | error: {err.replace('|', '/')} |")
                continue
            if name == DEFAULT_GENERATOR:
                verdicts.append((sid, s, targets(entry, name)))
            m = s["mean"]
            lines.append(
                f"| {name}{epochs} | {len(s['seeds'])} | {m['fit_s']:.2f} | {m['sample_s']:.2f} | "
                f"{_cell(s, 'detection_auc')} | {_cell(s, 'pair_trends', True)} | {_cell(s, 'tstr', True)} | "
                f"{_cell(s, 'closer_to_train')} | {_cell(s, 'exact_copies')} |")
        lines.append("")
    if verdicts:
        keys = ["detection", "pair_trends", "tstr", "closer_to_train", "exact_copies", "speed"]
        lines += [f"### `{DEFAULT_GENERATOR}` against the targets (means over seeds)", "",
                  "| dataset | seeds | " + " | ".join(keys) + " |", "|---|---:|" + "---|" * len(keys)]
        for sid, s, t in verdicts:
            lines.append(f"| {sid} | {len(s['seeds'])} | " + " | ".join(_verdict(s, t, k) for k in keys) + " |")
        lines += ["", "TSTR noise: the same model trained on a second real sample (train, as large as the "
                  "holdout) against the holdout-trained one, mean over the same seeds — how far apart two real "
                  "samples' TSTR lie:", "",
                  "| dataset | TSTR holdout (mean ± sd) | TSTR second real sample | ratio | "
                  f"`{DEFAULT_GENERATOR}` ratio |", "|---|---:|---:|---:|---:|"]
        for sid, s, _ in verdicts:
            h, m = s["holdout_mean"], s["mean"]
            if h.get("tstr") is None or h.get("tstr_train") is None:
                continue
            lines.append(f"| {sid} | {_pm(h['tstr'], s['holdout_sd']['tstr'])} | "
                         f"{_pm(h['tstr_train'], s['holdout_sd']['tstr_train'])} | ×{h['tstr_train'] / h['tstr']:.3f} | "
                         f"×{m['tstr'] / h['tstr']:.3f} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_section(body: str, path: Path = BENCHMARKS) -> None:
    """Replace the text between the generators markers (creating the file or the section if missing)."""
    replace_section(path, START, END, f"{START}\n## Generators\n\n{body}{END}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=None, help="comma-separated sample ids (default: every one in the catalog)")
    ap.add_argument("--generators", default=None,
                    help="comma-separated generator names (default: all registered); only their rows are replaced")
    ap.add_argument("--seeds", type=int, default=None,
                    help="repeat the protocol for seeds 0..K-1 (split, generator, sample and metric seeds); "
                         f"figures are mean ± sd over the seeds (default: {JUDGED_SEEDS} for {DEFAULT_GENERATOR} "
                         f"and {SPEED_REFERENCE}, whose figures the targets judge, 1 for the others)")
    ap.add_argument("--epochs", type=int, default=None, help="epochs for neural generators (default: theirs)")
    ap.add_argument("--max-rows", type=int, default=None, help="subsample larger datasets to this many rows")
    ap.add_argument("--out", type=Path, default=BENCHMARKS, help="markdown file whose Generators section is rewritten")
    ap.add_argument("--json", type=Path, default=RESULTS, help="results file (merged with earlier runs)")
    ap.add_argument("--fresh", action="store_true", help="discard earlier results instead of merging")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    if args.seeds is not None and args.seeds < 1:
        ap.error("--seeds must be at least 1")

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
    results = {sid: upgrade_entry(entry) for sid, entry in stored.get("datasets", {}).items()}
    seeds = list(range(args.seeds)) if args.seeds else None
    for sid in datasets:
        run_dataset(sid, names, args.epochs, args.max_rows, results, seeds)
        _save(args.json, results, stored.get("meta", {}), argv)
    meta = _save(args.json, results, stored.get("meta", {}), argv)
    ordered = {sid: results[sid] for sid in ids if sid in results}
    write_section(render(ordered, meta), args.out)
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json} and the "
          f"Generators section of {args.out}")
    return 0


def seed_plan(names: list[str], seeds: list[int] | None) -> list[tuple[list[str], list[int]]]:
    """(generators, seeds) to run: every generator on ``seeds`` when given; by default
    the two whose figures the targets judge on :data:`JUDGED_SEEDS` seeds (one seed's verdict is
    noise: over 10 seeds the default missed some cell on 23 of 60 single (sample, seed) runs where the
    means met every target; and 10 seeds can be lucky too: college_distance's TSTR is x0.968 on seeds
    0-9 and x0.762 on 10-19), the others on seed 0 (the neural ones are slow)."""
    if seeds:
        return [(names, seeds)]
    judged = [g for g in names if g in (DEFAULT_GENERATOR, SPEED_REFERENCE)]
    rest = [g for g in names if g not in judged]
    return [(group, s) for group, s in ((judged, list(range(JUDGED_SEEDS))), (rest, [0])) if group]


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
