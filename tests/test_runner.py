"""The run pipeline: synthetic rows are handed over before scoring starts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthlab.runner import RunRequest, execute
from synthlab.schema import Schema


def test_synthetic_rows_are_handed_over_before_scoring():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=400), "c": rng.choice(["a", "b"], 400)})
    schema = Schema.detect(df)
    events: list[str] = []

    def progress(p):
        if p.message and p.message.startswith("Scoring"):
            events.append("scoring")

    def sampled(rows: pd.DataFrame) -> None:
        assert len(rows) == 150 and list(rows.columns) == ["x", "c"]
        events.append("sampled")

    out = execute(RunRequest("independent", {}, 150, 0), df[:300], df[300:], schema, progress, on_sampled=sampled)
    assert events[:2] == ["sampled", "scoring"] and out.scorecard is not None


def test_split_info_matches_the_split_without_copying_rows():
    from synthlab.split import split_info, train_holdout_split

    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=1000), "y": rng.choice(["a", "b", "c"], 1000)})
    schema = Schema.detect(df, target="y")
    for share, seed in ((0.25, 0), (0.1, 7)):
        assert split_info(df, schema, share, seed) == train_holdout_split(df, schema, share, seed)[2]


def test_splits_cover_every_row_once_and_stay_stratified():
    from synthlab.split import three_way_split, train_holdout_split

    rng = np.random.default_rng(2)
    df = pd.DataFrame({"row": np.arange(2000), "y": rng.choice(["a", "b", "rare"], 2000, p=[0.6, 0.35, 0.05])})
    schema = Schema.detect(df, target="y")
    train, hold, info = train_holdout_split(df, schema, 0.25, seed=3)
    assert all((np.diff(p["row"].to_numpy()) > 0).all() for p in (train, hold))  # the app's split: table order
    for split in ((train, hold), three_way_split(df, schema, (0.4, 0.4, 0.2), seed=3)):
        assert sorted(np.concatenate([p["row"].to_numpy() for p in split])) == list(range(2000))
        for p in split:
            assert list(p.index) == list(range(len(p)))
            # stratified: each part's class shares match the table's within a row or two
            assert abs((p["y"] == "rare").mean() - (df["y"] == "rare").mean()) < 2.5 / len(p) + 0.002
    assert info.stratified_on == "y" and len(hold) == 500


def test_split_info_of_the_table_as_loaded_matches_the_split_of_the_working_frame():
    """The Generate page describes the split from the loaded table (the working frame may still be
    being built in the background); the counts must be those of the split runs use."""
    from synthlab import samples
    from synthlab.split import split_info, train_holdout_split

    for s in samples.catalog():
        raw = samples.load_sample(s.id).df
        schema = Schema.detect(raw, target=s.target, sensitive=s.sensitive)
        assert split_info(raw, schema, 0.25, 1) == train_holdout_split(schema.coerce(raw), schema, 0.25, 1)[2], s.id
