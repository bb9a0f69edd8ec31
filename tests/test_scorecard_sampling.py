"""Large tables: the scorecard's seeded stratified sample, its record, and bounded charts.

The scheme is in :mod:`synthlab.metrics.sampling`; here the caps are lowered so small frames exercise it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synthlab import plots
from synthlab.metrics import sampling
from synthlab.metrics.sampling import (
    ENV_MAX_ROWS,
    allocate,
    max_rows_from_env,
    privacy_pairs,
    privacy_rows,
    sample_frames,
    stratified_positions,
)
from synthlab.metrics.scorecard import evaluate
from synthlab.schema import Schema
from tests.conftest import ROOT


def _frame(n: int, seed: int = 0, shares=(0.9, 0.07, 0.028, 0.002)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    return pd.DataFrame({
        "a": a,
        "b": a + rng.normal(scale=0.5, size=n),
        "group": rng.choice(["x", "y", "z"], n),
        "label": rng.choice(["common", "less", "rare", "tiny"], n, p=list(shares)),
    })


# ----- the sampling module --------------------------------------------------------------------
def test_allocation_is_proportional_keeps_every_stratum_and_sums_to_size():
    counts = np.array([9000, 700, 280, 20, 1])
    alloc = allocate(counts, 1000)
    assert alloc.sum() == 1000
    assert (alloc >= 1).all() and (alloc <= counts).all()
    assert np.abs(alloc / 1000 - counts / counts.sum()).max() < 0.002
    assert allocate(counts, 3).sum() == 3  # fewer rows than strata: no minimum, still exact
    assert allocate(counts, 10**6).tolist() == counts.tolist()


def test_stratified_sample_is_seeded_and_keeps_class_shares():
    labels = np.repeat(np.arange(4), [9000, 700, 280, 20])
    rng = np.random.default_rng
    first = stratified_positions(labels, 500, rng(0))
    assert np.array_equal(first, stratified_positions(labels, 500, rng(0)))
    assert not np.array_equal(first, stratified_positions(labels, 500, rng(1)))
    assert first.size == 500 and np.unique(first).size == 500 and np.all(np.diff(first) > 0)
    got = np.bincount(labels[first], minlength=4) / 500
    want = np.bincount(labels) / labels.size
    assert (got > 0).all() and np.abs(got - want).max() <= 2 / 500


def test_frames_at_or_under_the_cap_are_used_whole():
    df = _frame(300)
    schema = Schema.detect(df, target="label")
    frames, rec = sample_frames(df, df, df, schema, max_rows=300, seed=0)
    assert all(f is df for f in frames)
    assert not rec.sampled and rec.to_dict()["note"] is None
    assert rec.to_dict()["frames"]["train"] == {"rows_used": 300, "rows_available": 300, "sampled": False}


def test_sample_frames_stratifies_by_the_target_and_records_it():
    train, syn, hold = _frame(6000, 0), _frame(5000, 1), _frame(800, 2)
    schema = Schema.detect(train, target="label")
    (tr, sy, ho), rec = sample_frames(train, syn, hold, schema, max_rows=1000, seed=7)
    assert (len(tr), len(sy), len(ho)) == (1000, 1000, 800) and ho is hold
    assert rec.stratified_by == "label" and rec.strata == "classes"
    for full, part in ((train, tr), (syn, sy)):
        want = full["label"].value_counts(normalize=True)
        got = part["label"].value_counts(normalize=True).reindex(want.index, fill_value=0)
        assert (got > 0).all(), "every class present in the frame stays present in its sample"
        assert (got - want).abs().max() <= 0.005
    again, _ = sample_frames(train, syn, hold, schema, max_rows=1000, seed=7)
    assert again[0].equals(tr) and again[1].equals(sy)
    other, _ = sample_frames(train, syn, hold, schema, max_rows=1000, seed=8)
    assert not other[0].equals(tr)
    d = rec.to_dict()
    assert d["frames"]["train"] == {"rows_used": 1000, "rows_available": 6000, "sampled": True}
    assert d["note"] == ("Evaluated on a seeded stratified sample: 1,000 of 6,000 training rows, 1,000 of 5,000 "
                         "synthetic rows, all 800 holdout rows (seed 7, stratified by label); intervals include "
                         "the sampling.")


def test_regression_target_uses_train_deciles_and_no_target_a_category():
    train = _frame(4000)
    reg = Schema.detect(train, target="b")
    (tr, _, _), rec = sample_frames(train, train, train, reg, max_rows=500, seed=0)
    assert rec.strata == "deciles" and rec.stratified_by == "b"
    edges = np.quantile(train["b"], np.arange(1, 10) / 10)
    per_decile = np.bincount(np.searchsorted(edges, tr["b"], side="right"), minlength=10)
    assert np.abs(per_decile - 50).max() <= 1
    none = Schema.detect(train.drop(columns=["label"]))
    assert sampling.strata_column(none, train)[0] == "group"
    many = train.assign(group=[f"c{i % 150}" for i in range(len(train))]).drop(columns=["label"])
    schema = Schema.detect(many)
    assert schema["group"].kind.value == "categorical" and schema.target is None
    assert sampling.strata_column(schema, many) == (None, None)  # too many values for strata: simple random


def test_cap_from_the_environment(monkeypatch):
    monkeypatch.delenv(ENV_MAX_ROWS, raising=False)
    assert max_rows_from_env() == sampling.DEFAULT_MAX_ROWS
    monkeypatch.setenv(ENV_MAX_ROWS, "25_000")
    assert max_rows_from_env() == 25_000
    monkeypatch.setenv(ENV_MAX_ROWS, "none")
    assert max_rows_from_env() is None
    monkeypatch.setenv(ENV_MAX_ROWS, "5")
    assert max_rows_from_env() == sampling.MIN_MAX_ROWS


def test_privacy_work_is_bounded_and_keeps_the_train_holdout_ratio():
    assert privacy_rows(15_000, 15_000, 5_000) == (15_000, 15_000, 5_000)  # today's 20k benchmark: untouched
    t, s, h = privacy_rows(50_000, 50_000, 50_000)
    assert privacy_pairs(t, s, h) <= sampling.PRIVACY_MAX_PAIRS
    assert t == s == h and t > 10_000


# ----- the scorecard --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sampled_card():
    train = _frame(1200, 0)
    holdout = _frame(400, 1)
    syn = train.sample(frac=1.0, replace=True, random_state=2).reset_index(drop=True)  # copies of train rows
    schema = Schema.detect(train, target="label")
    card = evaluate(train, syn, holdout, schema, seed=0, max_rows=300,
                    sections=("fidelity", "detection", "privacy", "validity"))
    return card, train, syn


def test_scorecard_records_the_sampling(sampled_card):
    card = sampled_card[0]
    d = json.loads(json.dumps(card.to_dict(), allow_nan=False))
    s = d["sampling"]
    assert s["sampled"] and s["max_rows"] == 300 and s["seed"] == 0 and s["stratified_by"] == "label"
    assert s["frames"]["train"] == {"rows_used": 300, "rows_available": 1200, "sampled": True}
    assert s["frames"]["holdout"] == {"rows_used": 300, "rows_available": 400, "sampled": True}
    assert s["note"].startswith("Evaluated on a seeded stratified sample: 300 of 1,200 training rows")
    assert d["split"]["train_rows"] == 1200 and d["split"]["equal_size_rows"] == 300
    assert d["fidelity"]["rows_compared"] == 300
    assert s["note"] in card.text()  # the CLI prints it
    from synthlab.report import render_html

    assert "Evaluated on a seeded stratified sample: 300 of 1,200 training rows" in render_html(d)


def test_every_sampled_figure_with_a_ceiling_has_its_interval(sampled_card):
    card = sampled_card[0]
    checked = 0
    for name in ("fidelity", "detection", "privacy", "validity"):
        for key, fig in card.to_dict()[name].items():
            if isinstance(fig, dict) and "ceiling" in fig and fig.get("ceiling") is not None:
                assert fig["ci"] and fig["ceiling_ci"], f"{name}.{key}"
                checked += 1
    assert checked >= 8


def test_sampled_privacy_checks_copies_against_every_train_row(sampled_card):
    card, train, syn = sampled_card
    exact = card.figure("privacy.exact_copy_share")
    assert exact["compared_with"] == "every training row"
    assert exact["value"] > 0.95 and exact["flagged"]  # every synthetic row copies a train row
    rows = card.to_dict()["privacy"]["closest_rows"]
    assert rows
    for row in rows:  # named by their positions in the full frames, not in the sample
        for frame, which in ((syn, "synthetic"), (train, "train")):
            full = frame.iloc[row[f"{which}_row"]]
            assert full["a"] == pytest.approx(row[which]["a"])
            assert (full["group"], full["label"]) == (row[which]["group"], row[which]["label"])


def test_a_cap_above_the_rows_changes_nothing():
    df = _frame(240)
    schema = Schema.detect(df, target="label")
    kwargs = {"seed": 0, "sections": ("fidelity", "privacy", "validity")}
    capped = evaluate(df, df.iloc[::-1], df.head(80), schema, max_rows=10_000, **kwargs).to_dict()
    whole = evaluate(df, df.iloc[::-1], df.head(80), schema, max_rows=None, **kwargs).to_dict()
    assert capped["sampling"]["sampled"] is False and capped["sampling"]["note"] is None
    for d in (capped, whole):
        d.pop("seconds"), d.pop("cpu_seconds"), d.pop("sampling")
    assert json.dumps(capped, sort_keys=True) == json.dumps(whole, sort_keys=True)


# ----- charts stay aggregates -----------------------------------------------------------------
def _points(figs) -> int:
    most = 0
    for fig in figs if isinstance(figs, (tuple, list)) else [figs]:
        for trace in fig.data:
            for attr in ("x", "y", "z"):
                values = getattr(trace, attr, None)
                if values is not None and not isinstance(values, str):
                    most = max(most, len(values))
    return most


def test_charts_of_large_frames_send_bounded_points():
    n = 60_000
    real, syn = _frame(n, 0), _frame(n, 1)
    schema = Schema.detect(real)
    charts = [
        plots.column_overlay(real["a"], [syn["a"]], schema["a"].kind),
        plots.ecdf_overlay(real["a"], [syn["a"]]),
        plots.pair_plot(real, syn, "a", "b", schema),
        plots.pca_projection(real, [syn], schema),
        plots.dcr_histograms(np.random.default_rng(0).random(n), np.random.default_rng(1).random(n)),
    ]
    for fig in charts:
        assert _points(fig) <= plots.MAX_POINTS


# ----- the Evaluate page ----------------------------------------------------------------------
def test_evaluate_page_shows_the_sampling_note(monkeypatch):
    from synthlab.runner import RunRequest, execute
    from synthlab.runs import Run, new_run_id
    from synthlab.scoring import headline
    from synthlab.split import train_holdout_split

    monkeypatch.setenv(ENV_MAX_ROWS, "300")  # read by the scorecard itself: the app's runs are sampled too
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    ws, ds = at.session_state["synthlab.workspace"], at.session_state["synthlab.dataset"]
    frame = ds.frame.head(800)
    train, holdout, _ = train_holdout_split(frame, ds.schema, 0.25, 0)
    out = execute(RunRequest("independent", n_rows=500), train, holdout, ds.schema)
    run = ws.add_run(Run(id=new_run_id(), name="sampled", generator="independent", params={}, seed=0,
                         n_rows=500, dataset_id=ds.dataset_id))
    ws.save_table(run.id, "synthetic", out.synthetic)
    ws.save_json(run.id, "scorecard", out.scorecard)
    figures, verdicts = headline(out.scorecard)
    ws.update_run(run.id, status="done", duration_s=1.0, figures=figures, verdicts=verdicts)
    at.switch_page("pages/evaluate.py")
    at.run()
    assert not at.exception, at.exception
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "Evaluated on a seeded stratified sample: 300 of 600 training rows, 300 of 500 synthetic rows" in captions
    assert "intervals include the sampling" in captions


def test_copies_against_every_train_row_read_in_chunks(monkeypatch):
    """Copies of train rows left out of the sample count; a train value the evaluated rows never have
    (here 'zz') is not mistaken for a missing value."""
    from synthlab.metrics import scorecard

    monkeypatch.setattr(scorecard, "COPY_CHUNK_ROWS", 70)
    train, holdout = _frame(400, 0), _frame(150, 1)
    train.loc[:1, "group"] = "zz"
    schema = Schema.detect(train, target="label")
    (tr, _, _), rec = sample_frames(train, train, holdout, schema, max_rows=100, seed=3)
    assert "zz" not in set(tr["group"]) and rec.frames["train"].sampled
    copied = train.iloc[5:25]  # 20 exact copies, almost all of rows outside the train sample
    lookalike = train.iloc[:2].assign(group=None)  # equal to train rows 0-1 but for 'zz' -> missing
    fresh = _frame(78, 9)
    syn = pd.concat([copied, lookalike, fresh], ignore_index=True)
    card = evaluate(train, syn, holdout, schema, seed=3, max_rows=100, sections=("privacy",))
    exact = card.figure("privacy.exact_copy_share")
    assert exact["compared_with"] == "every training row"
    assert exact["rows"] == 20 and exact["value"] == pytest.approx(0.2)
