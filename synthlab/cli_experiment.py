"""``python -m synthlab experiment NAME DATA --out RESULT.json``: run one experiment from the command line.

NAME is ``collapse`` (``--generations``, ``--real-share``), ``balance`` (needs a target), ``rare``
(``--column``, ``--value``, ``--share``) or ``seeds`` (``--seeds``). The result JSON holds the
settings, the per-step table, the plain-language summary and any extra tables (docs/experiments.md).
Progress goes to stderr, the summary to stdout; bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from synthlab.errors import GeneratorError, SchemaError, SynthLabError
from synthlab.intake import load_table
from synthlab.progress import Progress
from synthlab.schema import Schema


def _print_progress(p: Progress) -> None:
    if p.message:
        pct = f"{p.fraction:>4.0%} " if p.fraction is not None else ""
        print(f"  {pct}{p.message}", file=sys.stderr, flush=True)


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``["epochs=5", "smoothing=0.5"]`` -> ``{"epochs": "5", ...}`` (the generator validates the types)."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, value = str(pair).partition("=")
        if not sep or not name.strip():
            raise GeneratorError(f"--set takes PARAM=VALUE; got '{pair}'.")
        out[name.strip()] = value.strip()
    return out


def experiment_options(args) -> dict[str, Any]:
    """The options of the chosen experiment, from the parsed arguments."""
    options: dict[str, Any] = {}
    if args.max_rows is not None:
        options["max_rows"] = args.max_rows
    if args.name == "collapse":
        options.update(generations=args.generations, real_share=args.real_share)
    elif args.name == "rare":
        options.update(column=args.column, value=args.value, share=args.share)
    elif args.name == "seeds":
        options.update(seeds=args.seeds)
    return options


def cmd_experiment(args) -> int:
    from synthlab.experiments import run_experiment
    from synthlab.generators import DEFAULT_GENERATOR, get_generator

    df = load_table(args.data).df
    df.columns = [str(c) for c in df.columns]
    sensitive = list(args.sensitive or [])
    for what, name in [("--target", args.target), ("--column", getattr(args, "column", None)),
                       *[("--sensitive", s) for s in sensitive]]:
        if name is not None and name not in df.columns:
            raise SchemaError(f"{what}: the column '{name}' is not in {args.data}.")
    generator = args.generator or DEFAULT_GENERATOR
    get_generator(generator)  # an unknown name fails before the data is examined
    schema = Schema.detect(df, target=args.target, sensitive=sensitive or None)
    result = run_experiment(args.name, df, schema, generator=generator, params=parse_params(args.set),
                            seed=args.seed, on_progress=_print_progress, **experiment_options(args))
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result.to_dict(), indent=2, allow_nan=False), encoding="utf-8")
    except OSError as e:
        raise SynthLabError(f"Could not write the result: {e}") from None
    for line in result.summary:
        print(f"- {line}")
    for line in result.notes:
        print(f"Note: {line}")
    print(f"Result ({len(result.table)} steps) written to {out}")
    return 0
