"""``python -m synthlab``: the command-line contract (benchmarks and scripts call it).

Each subcommand's handler lives in its own module and is imported only when used. Errors the core
raises on purpose (:class:`SynthLabError`) become a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from synthlab.errors import SynthLabError

_HANDLERS = {
    "generators": "synthlab.cli_generate:cmd_generators",
    "generate": "synthlab.cli_generate:cmd_generate",
    "evaluate": "synthlab.cli_evaluate:cmd_evaluate",
    "replay": "synthlab.cli_replay:cmd_replay",
    "experiment": "synthlab.cli_experiment:cmd_experiment",
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m synthlab", description="SynthLab: synthetic tabular data, validated.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generators", help="list generators and their parameters")
    g.add_argument("--json", action="store_true", help="machine-readable output")

    g = sub.add_parser("generate", help="fit a generator on DATA and write synthetic rows")
    g.add_argument("data", help="CSV/TSV/TXT, Parquet or Excel file")
    g.add_argument("--out", required=True, help="output CSV (or .parquet) path")
    g.add_argument("--generator", default=None, help="registry name (default: SynthLab's default)")
    g.add_argument("--rows", type=int, default=None, help="rows to generate (default: as many as DATA)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE", help="generator parameter")
    g.add_argument("--keep-formulas", action="store_true",
                   help="do not neutralise text cells starting with = + - @ (CSV output)")
    g.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="dask: sample partitions in parallel and write partitioned Parquet to --out (a folder)")
    g.add_argument("--scheduler", default=None, help="dask: address of an existing scheduler (default: a local cluster)")
    g.add_argument("--partitions", type=int, default=None, help="dask: number of partitions (default: ≤ 1M rows each)")
    g.add_argument("--workers", type=int, default=None, help="dask: workers of the local cluster (default: CPU count)")

    e = sub.add_parser("evaluate", help="score synthetic data against real train and holdout")
    e.add_argument("--real", required=True, help="the real training data the generator saw")
    e.add_argument("--synthetic", required=True)
    e.add_argument("--holdout", required=True, help="real rows the generator never saw")
    e.add_argument("--target", default=None)
    e.add_argument("--sensitive", nargs="*", default=[])
    e.add_argument("--out", required=True, help="scorecard JSON path")
    e.add_argument("--html", default=None, help="also write a standalone HTML report")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--rule", action="append", default=[], metavar="RULE",
                   help='business rule every row should satisfy, e.g. "age >= 0" (repeatable)')

    r = sub.add_parser("replay", help="regenerate the data of a reproducibility bundle")
    r.add_argument("bundle", help="bundle .zip exported from the app")
    r.add_argument("--out", required=True)
    r.add_argument("--data", default=None, help="the real data file, if the bundle does not include it")

    x = sub.add_parser("experiment", help="run an experiment: collapse, balance, rare or seeds")
    x.add_argument("name", choices=["collapse", "balance", "rare", "seeds"])
    x.add_argument("data", help="CSV/TSV/TXT, Parquet or Excel file")
    x.add_argument("--out", required=True, help="result JSON path")
    x.add_argument("--generator", default=None, help="registry name (default: SynthLab's default)")
    x.add_argument("--target", default=None)
    x.add_argument("--sensitive", nargs="*", default=[])
    x.add_argument("--seed", type=int, default=0)
    x.add_argument("--generations", type=int, default=5, help="collapse: number of generations")
    x.add_argument("--real-share", type=float, default=0.0, help="collapse: share of real rows mixed back each generation")
    x.add_argument("--column", default=None, help="rare: the column whose rare value is boosted")
    x.add_argument("--value", default=None, help="rare: the value to boost (default: the rarest)")
    x.add_argument("--share", type=float, default=0.5, help="rare: target share of the boosted value")
    x.add_argument("--seeds", type=int, default=5, help="seeds: number of seeds")
    x.add_argument("--max-rows", type=int, default=None, help="use a seeded sample of at most this many rows")
    x.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE", help="generator parameter")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, func_name = _HANDLERS[args.command].split(":")
    try:
        handler = getattr(importlib.import_module(module_name), func_name)
        return int(handler(args) or 0)
    except SynthLabError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except (OSError, MemoryError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
