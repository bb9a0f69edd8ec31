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

    e = sub.add_parser("evaluate", help="score synthetic data against real train and holdout")
    e.add_argument("--real", required=True, help="the real training data the generator saw")
    e.add_argument("--synthetic", required=True)
    e.add_argument("--holdout", required=True, help="real rows the generator never saw")
    e.add_argument("--target", default=None)
    e.add_argument("--sensitive", nargs="*", default=[])
    e.add_argument("--out", required=True, help="scorecard JSON path")
    e.add_argument("--html", default=None, help="also write a standalone HTML report")
    e.add_argument("--seed", type=int, default=0)

    r = sub.add_parser("replay", help="regenerate the data of a reproducibility bundle")
    r.add_argument("bundle", help="bundle .zip exported from the app")
    r.add_argument("--out", required=True)
    r.add_argument("--data", default=None, help="the real data file, if the bundle does not include it")
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
