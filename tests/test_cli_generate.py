"""``python -m synthlab generators`` / ``generate``: output contract and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from synthlab.cli import main
from synthlab.generators import registry


def run_cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "synthlab", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture
def data_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    df = pd.DataFrame({
        "id": np.arange(1, n + 1),
        "age": rng.integers(18, 90, n),
        "score": np.round(rng.normal(50, 10, n), 1),
        "group": rng.choice(["x", "y", "z"], n),
        "joined": pd.date_range("2022-01-01", periods=n, freq="D").strftime("%d/%m/%Y"),
    })
    path = tmp_path / "people.csv"
    df.to_csv(path, index=False)
    return path


def test_generators_json_lists_every_generator(root):
    proc = run_cli("generators", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert [g["name"] for g in info] == list(registry())
    for g in info:
        assert {"name", "label", "description", "reference", "neural", "params"} <= set(g)
        assert {"random_state", "locale"} <= {p["name"] for p in g["params"]}
        for p in g["params"]:
            assert {"name", "type", "default", "help", "low", "high", "choices", "advanced"} == set(p)


def test_generators_text(capsys):
    assert main(["generators"]) == 0
    out = capsys.readouterr().out
    assert "gaussian_copula" in out and "--set epochs=" in out


def test_generate_writes_csv(root, data_csv, tmp_path):
    out = tmp_path / "synthetic.csv"
    proc = run_cli("generate", str(data_csv), "--out", str(out), "--generator", "independent", "--seed", "3",
                   "--set", "random_state=2", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "independent" in proc.stderr
    real, synthetic = pd.read_csv(data_csv), pd.read_csv(out)
    assert list(synthetic.columns) == list(real.columns)
    assert len(synthetic) == len(real)  # --rows defaults to the data's rows
    assert not set(synthetic["id"]) & set(real["id"])
    assert pd.to_datetime(synthetic["joined"], format="%d/%m/%Y").notna().all()  # source date format kept
    assert synthetic["age"].dtype.kind == "i"  # whole numbers written without ".0"


def test_generate_default_generator_and_parquet(data_csv, tmp_path, capsys):
    out = tmp_path / "synthetic.parquet"
    assert main(["generate", str(data_csv), "--out", str(out), "--rows", "37"]) == 0
    synthetic = pd.read_parquet(out)
    assert synthetic.shape == (37, 5)
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


BAD_INPUTS = [
    (["missing.csv"], "No such file"),
    (["EMPTY"], "empty"),
    (["DATA", "--generator", "no_such_generator"], "Unknown generator"),
    (["DATA", "--generator", "ctgan", "--set", "epochs=many"], "epochs"),
    (["DATA", "--generator", "independent", "--set", "bogus=1"], "Unknown parameter"),
    (["DATA", "--set", "no-equals-sign"], "PARAM=VALUE"),
    (["DATA", "--rows", "0", "--generator", "independent"], "--rows"),
]


def _args(args, data_csv, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    return [str(data_csv) if a == "DATA" else str(empty) if a == "EMPTY" else a for a in args]


@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_bad_input_one_line(args, message, data_csv, tmp_path, capsys):
    code = main(["generate", *_args(args, data_csv, tmp_path), "--out", str(tmp_path / "out.csv")])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("args, message", [BAD_INPUTS[0], BAD_INPUTS[3]])
def test_bad_input_process_has_no_traceback(args, message, root, data_csv, tmp_path):
    proc = run_cli("generate", *_args(args, data_csv, tmp_path), "--out", str(tmp_path / "out.csv"), cwd=root)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
