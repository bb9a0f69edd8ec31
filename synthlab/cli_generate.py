"""``python -m synthlab generators`` and ``python -m synthlab generate``.

Errors meant for the user are raised as :class:`SynthLabError` subclasses; ``synthlab.cli`` turns
them into one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from synthlab.errors import DataError, GeneratorError
from synthlab.export import csv_bytes, parquet_bytes
from synthlab.generators import DEFAULT_GENERATOR, get_generator, registry
from synthlab.intake import load_table
from synthlab.schema import Schema

FALLBACK_GENERATOR = "gaussian_copula"


def describe_generators() -> list[dict[str, Any]]:
    """Every registered generator with its parameter specs (what ``generators --json`` prints)."""
    return [
        {"name": cls.name, "label": cls.label, "description": cls.description, "reference": cls.reference,
         "neural": cls.neural, "params": [p.to_dict() for p in cls.params()]}
        for cls in registry().values()
    ]


def cmd_generators(args: argparse.Namespace) -> int:
    info = describe_generators()
    if getattr(args, "json", False):
        print(json.dumps(info, indent=2, default=str))
        return 0
    for g in info:
        tags = [t for t, on in (("default", g["name"] == default_generator_name()), ("reference", g["reference"]),
                                ("neural", g["neural"])) if on]
        print(f"{g['name']}: {g['label']}" + (f" [{', '.join(tags)}]" if tags else ""))
        print(f"    {g['description']}")
        for p in g["params"]:
            allowed = (f" one of {', '.join(map(str, p['choices']))}" if p["choices"] else
                       f" in [{p['low']}, {p['high']}]" if p["low"] is not None or p["high"] is not None else "")
            flag = " (advanced)" if p["advanced"] else ""
            print(f"    --set {p['name']}=…  {p['type']}, default {json.dumps(p['default'], default=str)}{allowed}"
                  f"{flag}: {p['help']}")
        print()
    return 0


def default_generator_name() -> str:
    return DEFAULT_GENERATOR if DEFAULT_GENERATOR in registry() else FALLBACK_GENERATOR


def parse_settings(settings: list[str]) -> dict[str, str]:
    """``["epochs=10", "rules={...}"]`` -> ``{"epochs": "10", ...}`` (values validated by the generator)."""
    out = {}
    for item in settings or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise GeneratorError(f"--set needs PARAM=VALUE, got '{item}'.")
        out[name.strip()] = value
    return out


def cmd_generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    name = args.generator or default_generator_name()
    cls = get_generator(name)
    generator = cls(**parse_settings(args.set))
    out_path = Path(args.out)
    dask = getattr(args, "engine", "local") == "dask"
    if dask:
        if out_path.exists() and not out_path.is_dir():
            raise DataError(f"With --engine dask, --out is a folder for Parquet partitions; {out_path} is a file.")
    elif out_path.suffix.lower() not in {".csv", ".parquet"}:
        raise DataError(f"--out must end with .csv or .parquet, got '{out_path.name}'.")
    if not out_path.parent.exists():
        raise DataError(f"The folder for --out does not exist: {out_path.parent}")
    table = load_table(args.data)
    df = table.df
    rows = len(df) if args.rows is None else int(args.rows)
    if rows < 1:
        raise GeneratorError("--rows must be at least 1.")
    schema = Schema.detect(df)
    generator.fit(df, schema)
    if dask:
        from synthlab.scale import generate_with_dask

        result = generate_with_dask(generator, rows, out_path, seed=args.seed, partitions=args.partitions,
                                    scheduler=args.scheduler, workers=args.workers)
        print(f"{name}: fitted on {len(df):,} rows of {table.name}; wrote {rows:,} rows in {result.partitions} "
              f"partitions with {result.workers} Dask workers to {out_path}/ in "
              f"{time.perf_counter() - started:.1f} s (cluster start {result.startup_seconds:.1f} s, sampling "
              f"{result.seconds - result.startup_seconds:.1f} s)", file=sys.stderr)
        return 0
    synthetic = generator.sample(rows, args.seed)
    if out_path.suffix.lower() == ".parquet":
        out_path.write_bytes(parquet_bytes(synthetic, schema))
    else:
        out_path.write_bytes(csv_bytes(synthetic, schema, neutralise=not getattr(args, "keep_formulas", False)))
    seconds = time.perf_counter() - started
    print(f"{name}: fitted on {len(df):,} rows × {df.shape[1]} columns of {table.name}, wrote {rows:,} rows to "
          f"{out_path} in {seconds:.1f} s", file=sys.stderr)
    return 0
