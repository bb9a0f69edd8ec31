"""Fit seconds of the SDV generators at their default epochs on a ~10k x 15 sample table.

Justifies the epoch defaults (10k rows x ~15 columns in under a minute on 2 CPU cores) and the
constants in each generator's ``estimate_fit_seconds``. Run:

    python bench/sdv_fit_times.py [--generators gaussian_copula,ctgan,tvae,copulagan] [--rows 10000]

Prints one JSON line per generator: wall and CPU seconds, the estimate, the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synthlab.generators import get_generator, make_generator  # noqa: E402
from synthlab.intake import load_table  # noqa: E402
from synthlab.schema import Schema  # noqa: E402

COLUMNS = ["emp_length", "state", "homeownership", "annual_income", "verified_income", "debt_to_income",
           "delinq_2y", "inquiries_last_12m", "open_credit_lines", "total_credit_limit", "loan_purpose",
           "loan_amount", "term", "interest_rate", "grade"]


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--generators", default="gaussian_copula,tvae,ctgan,copulagan")
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--set", action="append", default=[], help="NAME=VALUE for every generator (e.g. epochs=5)")
    args = p.parse_args()
    df = load_table(ROOT / "sample_data" / "lending_club_loans.csv").df[COLUMNS].head(args.rows)
    schema = Schema.detect(df)
    extra = dict(s.split("=", 1) for s in args.set)
    make_generator("gaussian_copula").fit(df.head(200), schema)  # pay the SDV/torch imports outside the timing
    for name in args.generators.split(","):
        params = {k: v for k, v in extra.items() if k in {p.name for p in get_generator(name).params()}}
        g = make_generator(name, **params)
        wall, cpu = time.perf_counter(), cpu_seconds()
        g.fit(df, schema)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        t = time.perf_counter()
        g.sample(len(df), seed=0)
        print(json.dumps({
            "generator": name, "rows": len(df), "cols": df.shape[1], "epochs": getattr(g, "epochs", None),
            "fit_wall_s": round(wall, 1), "fit_cpu_s": round(cpu, 1),
            "sample_wall_s": round(time.perf_counter() - t, 1),
            "estimate_s": round(g.estimate_fit_seconds(len(df), df.shape[1], **g.get_params()), 1),
            "load_avg_1m": round(os.getloadavg()[0], 1), "cores": os.cpu_count(),
        }), flush=True)


if __name__ == "__main__":
    main()
