"""The scorecard: JSON shape and keys, flat access, progress and cancellation, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthlab.errors import Cancelled, DataError, SchemaError
from synthlab.metrics.scorecard import SECTIONS, evaluate, privacy_filter
from synthlab.schema import Schema
from synthlab.split import train_holdout_split


def _data(n: int = 800, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    return pd.DataFrame({
        "id": np.arange(n),
        "age": rng.integers(18, 90, n),
        "a": a,
        "b": a * 2 + rng.normal(scale=0.5, size=n),
        "sex": rng.choice(["f", "m"], n),
        "city": rng.choice(["x", "y", "z", "w"], n),
        "joined": (pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")).astype(str),
        "target": np.where(a + rng.normal(size=n) > 0, "yes", "no"),
    })


@pytest.fixture(scope="module")
def card():
    df = _data()
    schema = Schema.detect(df, target="target", sensitive=["sex"])
    train, holdout, info = train_holdout_split(df, schema, 0.25, seed=0)
    syn = train.sample(frac=1.0, replace=True, random_state=1).reset_index(drop=True)
    return evaluate(train, syn, holdout, schema, seed=0, split_info=info)


def test_json_has_every_section_figure_ceiling_and_verdict(card):
    d = json.loads(json.dumps(card.to_dict(), allow_nan=False))
    for section in SECTIONS:
        assert d[section]["verdict"]["rating"] in ("excellent", "good", "fair", "poor", "n/a")
        assert d[section]["verdict"]["why"]
    for key in ("fidelity.shape", "fidelity.trend", "fidelity.coverage", "detection.auc", "utility.tstr",
                "utility.augmentation", "privacy.closer_to_train_share", "privacy.exact_copy_share",
                "privacy.dcr", "privacy.nndr", "privacy.at_risk_share", "validity.in_range",
                "validity.known_categories"):
        fig = card.figure(key)
        assert {"value", "ceiling", "ratio", "ci", "good", "rating"} <= set(fig), key
        assert fig["value"] is not None and fig["ceiling"] is not None, key
        assert fig["good"], key
    assert d["split"]["stratified_on"] == "target" and d["split"]["train_rows"] == 600
    assert d["summary"]["overall"] in ("excellent", "good", "fair", "poor")
    assert card.value("detection.auc") == card.figure("detection.auc")["value"]
    assert card.figure("detection.auc.value") == card.value("detection.auc")
    assert card.figure("no.such.key") is None
    assert d["fidelity"]["columns"] and d["fidelity"]["pairs"] and d["detection"]["columns"]
    assert d["privacy"]["closest_rows"][0]["synthetic"].keys() == d["privacy"]["closest_rows"][0]["train"].keys()
    assert "id" not in d["split"]["columns_compared"]  # ID columns are regenerated, not compared


def test_bootstrap_resample_of_train_is_flagged_by_privacy(card):
    """Resampling train rows copies them: the exact-copy and closer-to-train checks must say so."""
    assert card.figure("privacy.exact_copy_share")["value"] > 0.5
    assert card.figure("privacy.exact_copy_share")["flagged"]
    assert card.sections["privacy"]["verdict"]["rating"] == "poor"


def test_progress_is_reported_and_cancellation_propagates():
    df = _data(300)
    schema = Schema.detect(df, target="target")
    seen = []
    evaluate(df, df, df, schema, sections=("fidelity", "validity"), on_progress=seen.append)
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0

    def cancel(p):
        if p.fraction and p.fraction > 0:
            raise Cancelled()

    with pytest.raises(Cancelled):
        evaluate(df, df, df, schema, on_progress=cancel)


def test_bad_inputs_are_plain_errors():
    df = _data(300)
    schema = Schema.detect(df, target="target")
    with pytest.raises(SchemaError, match="lacks the column"):
        evaluate(df, df.drop(columns=["a"]), df, schema)
    with pytest.raises(DataError, match="at least"):
        evaluate(df, df.head(3), df, schema)
    with pytest.raises(ValueError):
        evaluate(df, df, df, schema, sections=("nope",))


def test_privacy_filter_is_exposed_for_export():
    df = _data(600)
    schema = Schema.detect(df, target="target")
    keep = privacy_filter(df.iloc[:100], df.iloc[:400], df.iloc[400:], schema)
    assert keep.dtype == bool and not keep.any()
