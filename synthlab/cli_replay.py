"""``python -m synthlab replay BUNDLE.zip --out OUT.csv``: regenerate a bundle's synthetic rows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from synthlab.errors import DataError
from synthlab.recipe import load_bundle, replay, version_differences
from synthlab.schema import Schema

_CSV = {".csv", ".txt"}
_TSV = {".tsv", ".tab"}
_PARQUET = {".parquet", ".pq"}


def write_rows(df: pd.DataFrame, path: str | Path, schema: Schema) -> None:
    """Write rows as CSV/TSV or Parquet by the file's extension, numbers rounded as in the real data."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _CSV | _TSV | _PARQUET:
        raise DataError(f"Cannot write '{path.name}': use a .csv, .tsv or .parquet file name.")
    out = schema.restore(df)
    if suffix in _PARQUET:
        out.to_parquet(path, index=False)
    else:
        out.to_csv(path, index=False, sep="\t" if suffix in _TSV else ",")


def cmd_replay(args: argparse.Namespace) -> int:
    recipe = load_bundle(args.bundle)
    data = None
    if getattr(args, "data", None):
        from synthlab.intake import load_table

        data = load_table(args.data).df
    for note in version_differences(recipe):
        print(f"warning: {note}", file=sys.stderr)
    rows = replay(recipe, data, warn=False)
    write_rows(rows, args.out, recipe.schema)
    print(f"Wrote {len(rows):,} rows to {args.out} ({recipe.generator}, seed {recipe.seed}).")
    return 0
