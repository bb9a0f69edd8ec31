"""Self-check: the verdicts are calibrated on the holdout, on every bundled sample dataset.

* the holdout itself, scored as if it were synthetic, is rated excellent everywhere;
* independent marginals (each column resampled on its own) are rated worse than the holdout on pair
  fidelity (lower pair trends, relationship strength rated below excellent) and detection, with a detection AUC whose interval lies above the holdout's, and at least
  0.9 where the columns are strongly related (two or more pairs with |ρ| or Cramér's V >= 0.75);
* a planted leak (a copy of train with 10% of its cells perturbed) gets a closer-to-train share far
  above 0.5 (>= 0.8 where the holdout has under 5% rows duplicating a train row) and a poor privacy
  verdict;
* an exact copy of train is flagged by the exact-copy check.

Large datasets are subsampled (seeded) to keep the suite fast; thresholds come from the scorecard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthlab.intake import load_table
from synthlab.metrics.scorecard import SECTIONS, evaluate
from synthlab.samples import catalog
from synthlab.schema import Schema
from synthlab.split import train_holdout_split

MAX_ROWS = 2500
STRONG = 0.75
DATASETS = catalog()


def independent_marginals(train: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: train[c].to_numpy()[rng.integers(0, len(train), len(train))] for c in train.columns})


def planted_leak(train: pd.DataFrame, seed: int, share: float = 0.1) -> pd.DataFrame:
    """A copy of train with ``share`` of its cells replaced by a random value of the same column."""
    rng = np.random.default_rng(seed)
    out = train.copy()
    for c in out.columns:
        hit = rng.random(len(out)) < share
        out.loc[hit, c] = train[c].to_numpy()[rng.integers(0, len(train), int(hit.sum()))]
    return out


@pytest.fixture(scope="module", params=DATASETS, ids=[d.id for d in DATASETS])
def dataset(request):
    info = request.param
    df = load_table(info.path).df
    if len(df) > MAX_ROWS:
        df = df.sample(MAX_ROWS, random_state=0).reset_index(drop=True)
    schema = Schema.detect(df, target=info.target, sensitive=info.sensitive)
    train, holdout, _ = train_holdout_split(df, schema, 0.25, seed=0)
    return info, schema, train, holdout


def test_catalog_is_not_empty():
    assert DATASETS, "sample_data/catalog.json lists no dataset"


def test_holdout_as_synthetic_is_excellent_everywhere(dataset):
    info, schema, train, holdout = dataset
    card = evaluate(train, holdout, holdout, schema, seed=0)
    ratings = card.summary()["ratings"]
    for section in SECTIONS:
        applicable = not (section == "utility" and schema.task is None) and not (
            section == "bias" and not [s for s in schema.sensitive if s != schema.target])
        expected = "excellent" if applicable else "n/a"
        assert ratings[section] == expected, (info.id, section, card.verdicts()[section]["why"])


def test_independent_marginals_lose_pairs_and_are_detected(dataset):
    info, schema, train, holdout = dataset
    card = evaluate(train, independent_marginals(train, 1), holdout, schema, seed=0,
                    sections=("fidelity", "detection"))
    trend, rel, auc = (card.figure(k) for k in ("fidelity.trend", "fidelity.relationships", "detection.auc"))
    # pair fidelity: SDMetrics' pair trends drop, and the relationship strength is rated below the holdout's
    assert trend["value"] < trend["ceiling"], (info.id, trend)
    assert rel["value"] < rel["ceiling"] and rel["rating"] != "excellent", (info.id, rel)
    assert auc["rating"] != "excellent" and auc["ci"][0] > auc["ceiling_ci"][1], (info.id, auc)
    strong = [p for p in card.figure("fidelity.pairs")
              if abs(p.get("real_correlation") or p.get("real_association") or 0) >= STRONG]
    if len(strong) >= 2:
        assert auc["value"] >= 0.9, (info.id, auc["value"], [p["columns"] for p in strong])


def test_planted_leak_is_closer_to_train_and_poor(dataset):
    info, schema, train, holdout = dataset
    card = evaluate(train, planted_leak(train, 2), holdout, schema, seed=0, sections=("privacy",))
    closer = card.figure("privacy.closer_to_train_share")
    assert closer["ci"][0] > closer["ceiling_ci"][1] and closer["value"] > 0.65, (info.id, closer)
    if card.figure("privacy.exact_copy_share")["ceiling"] < 0.05:
        assert closer["value"] >= 0.8, (info.id, closer["value"])
    assert card.verdicts()["privacy"]["rating"] == "poor", (info.id, card.verdicts()["privacy"])


def test_exact_copy_of_train_is_flagged(dataset):
    info, schema, train, holdout = dataset
    card = evaluate(train, train, holdout, schema, seed=0, sections=("privacy",))
    exact = card.figure("privacy.exact_copy_share")
    assert exact["value"] == 1.0 and exact["flagged"], (info.id, exact)
    assert card.verdicts()["privacy"]["rating"] == "poor"
