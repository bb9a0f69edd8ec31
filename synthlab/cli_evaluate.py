"""``python -m synthlab evaluate``: score a synthetic table against the real train and holdout.

Writes the scorecard JSON (keys documented in docs/scorecard.md), optionally the standalone HTML
report, and prints one line per section.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from synthlab.errors import SchemaError, SynthLabError
from synthlab.intake import load_table
from synthlab.progress import Progress
from synthlab.schema import Schema


def _print_progress(p: Progress) -> None:
    if p.message:
        pct = f"{p.fraction:>4.0%} " if p.fraction is not None else ""
        print(f"  {pct}{p.message}", file=sys.stderr, flush=True)


def cmd_evaluate(args) -> int:
    from synthlab.metrics.scorecard import evaluate  # heavy: imported only when used
    from synthlab.report import render_html

    real = load_table(args.real).df
    synthetic = load_table(args.synthetic).df
    holdout = load_table(args.holdout).df
    sensitive = list(args.sensitive or [])
    for name in [args.target, *sensitive]:
        if name is not None and name not in map(str, real.columns):
            raise SchemaError(f"The column '{name}' is not in {args.real}.")
    schema = Schema.detect(real, target=args.target, sensitive=sensitive or None)
    for df, path in ((synthetic, args.synthetic), (holdout, args.holdout)):
        missing = [c for c in schema.learned if c not in map(str, df.columns)]
        if missing:
            raise SchemaError(f"{path} lacks the column(s) {', '.join(missing[:5])} that {args.real} has.")
    rules = list(getattr(args, "rule", None) or [])
    card = evaluate(real, synthetic, holdout, schema, rules=rules or None, seed=args.seed,
                    on_progress=_print_progress)
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(card.to_dict(), indent=2, allow_nan=False), encoding="utf-8")
        if args.html:
            html_path = Path(args.html)
            html_path.parent.mkdir(parents=True, exist_ok=True)
            html_path.write_text(render_html(card, real=real, synthetic=synthetic, schema=schema), encoding="utf-8")
    except OSError as e:
        raise SynthLabError(f"Could not write the report: {e}") from None
    print(card.text())
    print(f"Scorecard written to {out}" + (f" and {args.html}" if args.html else ""))
    return 0
