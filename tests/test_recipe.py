"""Reproducibility bundles: build -> load -> replay gives the same rows; bad bundles are refused clearly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import synthlab.generators as gens
from synthlab import recipe as rc
from synthlab.errors import DataError, GeneratorError, SchemaError, SynthLabError
from synthlab.generators.base import Generator, ParamSpec
from synthlab.recipe import build_bundle, frame_sha256, load_bundle, replay, version_differences
from synthlab.runs import Run, new_run_id
from synthlab.schema import Schema
from synthlab.split import train_holdout_split

ROOT = Path(__file__).resolve().parents[1]
_REAL_CHOICES = ("independent", "synthlab", "gaussian_copula")
_FAST = ("independent", "gaussian_copula", "synthlab")  # registry generators quick enough for a test


class TinyGenerator(Generator):
    """Test-only: draws each column independently from its training values."""

    name: ClassVar[str] = "tiny_test"

    @classmethod
    def _param_specs(cls) -> list[ParamSpec]:
        return [ParamSpec("noise", "float", 0.0, "noise added to numbers", low=0.0, high=10.0)]

    def _fit(self, data, schema, on_progress):
        self.data_ = data.reset_index(drop=True)

    def _sample(self, n, seed):
        rng = np.random.default_rng([self.random_state, seed])
        out = {}
        for col in self.data_.columns:
            s = self.data_[col]
            values = s.iloc[rng.integers(0, len(s), n)].reset_index(drop=True)
            if s.dtype == "float64" and self.noise:
                values = values + rng.normal(0, self.noise, n)
            out[col] = values
        return pd.DataFrame(out)


@pytest.fixture
def tiny(monkeypatch):
    original = gens.registry()
    monkeypatch.setattr(gens, "registry", lambda: {**original, "tiny_test": TinyGenerator})
    return "tiny_test"


def _real_generator() -> str | None:
    available = gens.registry()
    return next((g for g in _REAL_CHOICES if g in available), None)


def _data(n: int = 160) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    colour = rng.choice(["red", "green", "blue"], n).astype(object)
    colour[::11] = None
    amount = rng.gamma(2.0, 30.0, n).round(2)
    amount[::13] = np.nan
    return pd.DataFrame({
        "customer_id": np.arange(1000, 1000 + n),
        "amount": amount,
        "colour": colour,
        "member": rng.choice(["yes", "no"], n),
        "joined": [f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
        "label": rng.choice(["a", "b"], n),
    })


def _setup(generator: str, **params):
    raw = _data()
    schema = Schema.detect(raw, target="label")
    work = schema.coerce(raw)
    train, _, split = train_holdout_split(work, schema, holdout_share=0.25, seed=4)
    params = {"random_state": 3, **params}
    model = gens.make_generator(generator, **params).fit(train, schema)
    original = model.sample(120, seed=11)
    run = Run(new_run_id(), "my run", generator, model.get_params(), 11, 120, status="done", duration_s=0.1)
    return raw, schema, train, split.to_dict(), run, original


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def _members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# ----- identical replay -------------------------------------------------------------------------------
def test_bundle_with_data_replays_identical_rows(tiny):
    _raw, schema, train, split, run, original = _setup(tiny, noise=1.0)
    bundle = build_bundle(run, schema, split, {"overall": 0.9}, train)
    recipe = load_bundle(bundle)
    assert recipe.generator == tiny and recipe.seed == 11 and recipe.n_rows == 120
    assert recipe.scorecard == {"overall": 0.9} and recipe.split == split
    pd.testing.assert_frame_equal(recipe.train, train, check_exact=True)
    out = replay(recipe, warn=False)
    pd.testing.assert_frame_equal(out, original, check_exact=True)


def test_real_generator_replays_identical_rows():
    name = _real_generator()
    if name is None:
        pytest.skip("no registry generator available yet")
    _raw, schema, train, split, run, original = _setup(name)
    out = replay(load_bundle(build_bundle(run, schema, split, None, train)), warn=False)
    pd.testing.assert_frame_equal(out, original, check_exact=True)


def test_bundle_without_data_replays_from_the_original_file(tiny):
    raw, schema, train, split, run, original = _setup(tiny)
    bundle = build_bundle(run, schema, split, None, train, include_data=False)
    assert rc.TRAIN_NAME not in _members(bundle)
    recipe = load_bundle(bundle)
    assert recipe.train is None
    pd.testing.assert_frame_equal(replay(recipe, raw, warn=False), original, check_exact=True)
    with pytest.raises(DataError, match="--data"):
        replay(recipe, warn=False)
    changed = raw.assign(amount=raw["amount"] + 0.01)  # every row, so training rows change too
    with pytest.raises(DataError, match="fingerprint"):
        replay(recipe, changed, warn=False)
    with pytest.raises(DataError, match="columns"):
        replay(recipe, raw.drop(columns="colour"), warn=False)


def test_bundle_holds_recipe_scorecard_readme_and_is_deterministic(tiny):
    _raw, schema, train, split, run, _ = _setup(tiny)
    bundle = build_bundle(run, schema, split, {"s": 1}, train)
    assert bundle == build_bundle(run, schema, split, {"s": 1}, train)
    members = _members(bundle)
    assert set(members) == {"recipe.json", "scorecard.json", "train.parquet", "README.txt"}
    doc = json.loads(members["recipe.json"])
    for key in ("format_version", "generator", "params", "seed", "n_rows", "schema", "split", "conditions",
                "rules", "library_versions", "data_sha256"):
        assert key in doc
    assert doc["params"]["random_state"] == 3 and doc["schema"] == schema.to_dict()
    for lib in ("python", "synthlab", "sdv", "rdt", "sdmetrics", "ctgan", "torch", "scikit-learn", "pandas",
                "numpy", "faker"):
        assert lib in doc["library_versions"]
    assert doc["library_versions"]["pandas"] == pd.__version__
    assert doc["data_sha256"] == frame_sha256(train, schema)
    assert json.loads(members["scorecard.json"]) == {"s": 1}
    assert "REAL training rows" in members["README.txt"].decode()


def test_fingerprint_ignores_how_missing_values_are_spelled_but_not_values():
    df = pd.DataFrame({"x": pd.Series(["a", None, "b"], dtype=object), "y": [1.0, np.nan, 2.0]})
    schema = Schema.detect(df)
    same = df.assign(x=pd.Series(["a", np.nan, "b"], dtype=object))
    assert frame_sha256(df, schema) == frame_sha256(same, schema)
    assert frame_sha256(df, schema) != frame_sha256(df.assign(y=[1.0, np.nan, 2.5]), schema)
    assert frame_sha256(df, schema) != frame_sha256(df.iloc[::-1], schema)


def test_only_finished_runs_are_exported(tiny):
    _raw, schema, train, split, run, _ = _setup(tiny)
    run.status = "failed"
    with pytest.raises(SynthLabError, match="finished"):
        build_bundle(run, schema, split, None, train)


def test_other_library_versions_are_warned_about(tiny):
    _raw, schema, train, split, run, original = _setup(tiny)
    recipe = load_bundle(build_bundle(run, schema, split, None, train))
    assert version_differences(recipe) == []
    recipe.library_versions["pandas"] = "0.0.1"
    notes = version_differences(recipe)
    assert len(notes) == 1 and "pandas 0.0.1" in notes[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = replay(recipe)
    assert any(issubclass(w.category, rc.VersionWarning) for w in caught)
    pd.testing.assert_frame_equal(out, original, check_exact=True)


@pytest.mark.parametrize("extras", [
    {"conditions": {"fixed": {"colour": "red"}}},
    {"conditions": {"rebalance": {"column": "label", "value": "b", "share": 0.7}}},
    {"rules": ["amount >= 20"]},
    {"conditions": {"fixed": {"member": True}}, "rules": ["amount >= 20", "joined >= '2021-03-01'"]},
])
def test_conditions_and_rules_replay_identically(tiny, extras):
    from synthlab.runner import RunRequest, fitted_generator, sample_valid

    _raw, schema, train, split, run, _ = _setup(tiny)
    request = RunRequest(tiny, {"random_state": 3}, 90, 5, extras.get("conditions"), extras.get("rules", []))
    original = sample_valid(fitted_generator(request, train, schema), request, schema)
    run = Run(new_run_id(), "with extras", tiny, {"random_state": 3}, 5, 90, status="done", **extras)
    recipe = load_bundle(build_bundle(run, schema, split, None, train))
    assert recipe.conditions == extras.get("conditions") and recipe.rules == extras.get("rules", [])
    out = replay(recipe, warn=False)
    pd.testing.assert_frame_equal(out, original, check_exact=True)
    if "rules" in extras:
        assert (out["amount"].dropna() >= 20).all()  # a missing value breaks no rule
    if extras.get("conditions", {}).get("fixed"):
        column, value = next(iter(extras["conditions"]["fixed"].items()))
        assert (out[column] == value).all()


def test_recipes_with_conditions_need_the_conditions_module(tiny, monkeypatch):
    _raw, schema, train, split, run, _ = _setup(tiny)
    run.conditions = {"fixed": {"colour": "red"}}
    recipe = load_bundle(build_bundle(run, schema, split, None, train))
    monkeypatch.setitem(sys.modules, "synthlab.generators.conditions", None)  # as if it did not exist
    with pytest.raises(GeneratorError, match="conditions"):
        replay(recipe, warn=False)


# ----- malformed bundles --------------------------------------------------------------------------------
def _good_recipe(tiny) -> dict:
    _raw, schema, train, split, run, _ = _setup(tiny)
    return json.loads(_members(build_bundle(run, schema, split, None, train, include_data=False))["recipe.json"])


@pytest.mark.parametrize(("data", "message"), [
    (b"hello, not a zip", "not a zip"),
    (b"", "not a zip"),
    (b"PK\x03\x04broken", "not a zip|damaged"),
])
def test_non_zip_input_is_refused(data, message):
    with pytest.raises(DataError, match=message):
        load_bundle(data)


def test_missing_recipe_and_bad_json_are_refused():
    with pytest.raises(DataError, match=r"no recipe\.json"):
        load_bundle(_zip({"scorecard.json": "{}"}))
    with pytest.raises(DataError, match="not valid JSON"):
        load_bundle(_zip({"recipe.json": "{not json"}))
    with pytest.raises(DataError, match="UTF-8"):
        load_bundle(_zip({"recipe.json": b"\xff\xfe\x00"}))
    with pytest.raises(DataError, match="JSON object"):
        load_bundle(_zip({"recipe.json": "[1, 2]"}))


def test_missing_bundle_file_is_refused(tmp_path):
    with pytest.raises(DataError, match="No such bundle"):
        load_bundle(tmp_path / "absent.zip")


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"generator": "no_such_generator"}, GeneratorError, "no_such_generator"),
    ({"generator": ""}, DataError, "generator"),
    ({"params": {"bogus": 1}}, GeneratorError, "bogus"),
    ({"params": {"noise": 99.0}}, GeneratorError, "noise"),
    ({"params": ["x"]}, DataError, "params"),
    ({"seed": -1}, DataError, "seed"),
    ({"seed": "7"}, DataError, "seed"),
    ({"n_rows": 0}, DataError, "n_rows"),
    ({"n_rows": True}, DataError, "n_rows"),
    ({"format_version": 99}, DataError, "newer"),
    ({"format_version": None}, DataError, "format_version"),
    ({"schema": {"columns": [{"name": "a", "kind": "bogus"}]}}, SchemaError, "schema"),
    ({"schema": None}, DataError, "schema"),
    ({"split": {"holdout_share": 3}}, DataError, "split"),
    ({"rules": "x > 1"}, DataError, "rules"),
    ({"conditions": [1]}, DataError, "conditions"),
    ({"conditions": {"colour": "red"}}, DataError, "conditions"),
    ({"conditions": {"fixed": {"no_such_column": 1}}}, DataError, "no_such_column"),
    ({"conditions": {"rebalance": {"column": "label"}}}, DataError, "conditions"),
    ({"rules": ["no_such_column > 1"]}, GeneratorError, "no_such_column"),
    ({"rules": ["__import__('os').system('true')"]}, GeneratorError, "rule"),
    ({"data_sha256": "abc"}, DataError, "data_sha256"),
    ({"library_versions": {"sdv": 2}}, DataError, "library_versions"),
])
def test_invalid_recipes_are_refused_with_clear_messages(tiny, change, error, message):
    doc = {**_good_recipe(tiny), **change}
    with pytest.raises(error, match=message):
        load_bundle(_zip({"recipe.json": json.dumps(doc)}))


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/../../b.txt", "..\\evil.txt", "C:/evil.txt",
                                  "ok/../../x"])
def test_zip_slip_member_names_are_refused(tiny, name):
    doc = _good_recipe(tiny)
    with pytest.raises(DataError, match="unsafe file name"):
        load_bundle(_zip({"recipe.json": json.dumps(doc), name: "x"}))


def test_oversize_and_too_many_members_are_refused(tiny, monkeypatch):
    doc = json.dumps(_good_recipe(tiny))
    monkeypatch.setattr(rc, "MAX_MEMBER_BYTES", {**rc.MAX_MEMBER_BYTES, "recipe.json": 100})
    with pytest.raises(DataError, match="allowed"):
        load_bundle(_zip({"recipe.json": doc}))
    monkeypatch.undo()
    with pytest.raises(DataError, match="at most"):
        load_bundle(_zip({"recipe.json": doc, **{f"extra{i}.txt": "x" for i in range(rc.MAX_MEMBERS)}}))
    bomb = _zip({"recipe.json": doc, "padding.bin": b"\0" * 5000})
    monkeypatch.setattr(rc, "MAX_TOTAL_BYTES", 4000)
    with pytest.raises(DataError, match="unpacks to"):
        load_bundle(bomb)


def test_tampered_training_rows_are_refused(tiny):
    _raw, schema, train, split, run, _ = _setup(tiny)
    members = _members(build_bundle(run, schema, split, None, train))
    changed = train.copy()
    changed.loc[0, "amount"] = -1.0
    pq = io.BytesIO()
    changed.to_parquet(pq, index=False)
    with pytest.raises(DataError, match="fingerprint"):
        load_bundle(_zip({**members, "train.parquet": pq.getvalue()}))
    with pytest.raises(DataError, match="cannot be read"):
        load_bundle(_zip({**members, "train.parquet": b"PAR1 garbage"}))
    with pytest.raises(DataError, match="columns"):
        pq = io.BytesIO()
        train.drop(columns="colour").to_parquet(pq, index=False)
        load_bundle(_zip({**members, "train.parquet": pq.getvalue()}))


# ----- command line ---------------------------------------------------------------------------------------
_MAKE_BUNDLES = """
import sys
sys.path[:0] = [{root!r}]
from tests.test_recipe import _setup
from synthlab.cli_replay import write_rows
from synthlab.generators import registry
from synthlab.recipe import build_bundle
for name in {names!r}:
    if name in registry():
        raw, schema, train, split, run, original = _setup(name)
        open(name + ".zip", "wb").write(build_bundle(run, schema, split, None, train))
        write_rows(original, name + "-expected.csv", schema)
"""


@pytest.fixture(scope="module")
def bundles_from_another_process(tmp_path_factory) -> Path:
    """Bundles and their rows, made in a separate process with its own hash seed (as on another machine)."""
    folder = tmp_path_factory.mktemp("bundles")
    code = _MAKE_BUNDLES.format(root=str(ROOT), names=_FAST)
    made = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONHASHSEED": "1"})
    assert made.returncode == 0, made.stderr
    return folder


@pytest.mark.parametrize("name", _FAST)
def test_cli_replay_in_another_process_writes_identical_rows(name, bundles_from_another_process, tmp_path):
    """``python -m synthlab replay`` end to end: another process, another hash seed, the same CSV bytes."""
    folder = bundles_from_another_process
    if not (folder / f"{name}.zip").exists():
        pytest.skip(f"{name} is not in the registry")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "2"}
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "synthlab", "replay", str(folder / f"{name}.zip"), "--out", str(out)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Wrote 120 rows" in done.stdout
    assert out.read_bytes() == (folder / f"{name}-expected.csv").read_bytes()


def test_cli_replay_from_original_data_to_parquet_and_errors(tiny, tmp_path, capsys):
    from synthlab.cli import main

    raw, schema, train, split, run, original = _setup(tiny)
    (tmp_path / "nodata.zip").write_bytes(build_bundle(run, schema, split, None, train, include_data=False))
    raw.to_csv(tmp_path / "original.csv", index=False)
    out = tmp_path / "out.parquet"
    assert main(["replay", str(tmp_path / "nodata.zip"), "--data", str(tmp_path / "original.csv"),
                 "--out", str(out)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out), schema.restore(original), check_exact=True)
    capsys.readouterr()

    assert main(["replay", str(tmp_path / "nodata.zip"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "--data" in capsys.readouterr().err
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert main(["replay", str(tmp_path / "bad.zip"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "not a zip" in capsys.readouterr().err
    assert main(["replay", str(tmp_path / "nodata.zip"), "--data", str(tmp_path / "original.csv"),
                 "--out", str(tmp_path / "x.json")]) == 2
    assert ".csv" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.json").exists()
