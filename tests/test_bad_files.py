"""The corpus of bad and hostile files (tests/data/bad/, built by tests/data/make_bad_files.py):
every file is either read correctly or refused with a specific, plain message, never a traceback,
through the loader, the CLI and the app; a refused upload leaves the previous dataset and the
runs untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.text import md_escape
from synthlab.errors import DataError
from synthlab.intake import SUFFIXES, load_table
from synthlab.runs import Run, new_run_id
from synthlab.schema import Kind, Schema
from tests.conftest import ROOT
from tests.data.make_bad_files import BAD_DIR, CASES, PICKLE_SENTINEL, Case, build

BY_NAME = {c.name: c for c in CASES}
WORKING_DTYPES = {Kind.NUMERICAL: "float64", Kind.BOOLEAN: "boolean", Kind.DATETIME: "datetime64[ns]"}


@pytest.fixture(autouse=True, scope="module")
def _no_pickle_was_ever_run():
    Path(PICKLE_SENTINEL).unlink(missing_ok=True)
    yield
    assert not Path(PICKLE_SENTINEL).exists(), "a pickle from the corpus was unpickled"


def test_corpus_is_large_small_and_reproducible(tmp_path):
    files = sorted(p.name for p in BAD_DIR.iterdir() if p.is_file())
    assert len(files) >= 40
    assert files == sorted(BY_NAME), "tests/data/bad/ is out of date: run python tests/data/make_bad_files.py"
    assert sum((BAD_DIR / f).stat().st_size for f in files) < 5 * 1024 * 1024
    rebuilt = build(tmp_path)
    for path in rebuilt:
        assert path.read_bytes() == (BAD_DIR / path.name).read_bytes(), f"{path.name} is not reproducible"
    assert sum(1 for c in CASES if c.refuse) >= 20 and sum(1 for c in CASES if not c.refuse) >= 20


def _check_message(message: str, case: Case) -> None:
    assert case.refuse in message, f"{case.name}: {message!r}"
    assert "Traceback" not in message and "File \"" not in message
    assert len(message) < 400


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_loader_reads_or_refuses_plainly(case: Case):
    path = BAD_DIR / case.name
    if case.refuse:
        with pytest.raises(DataError) as err:
            load_table(path)
        _check_message(str(err.value), case)
        with pytest.raises(DataError):  # the same from bytes, as an upload arrives
            load_table(path.read_bytes(), case.name)
        return
    table = load_table(path.read_bytes(), case.name)
    df = table.df
    if case.shape:
        assert df.shape == case.shape, case.name
    if case.warn:
        assert any(case.warn in w for w in table.warnings), table.warnings
    assert all(isinstance(c, str) and 0 < len(c) <= 100 for c in df.columns)
    assert df.columns.is_unique
    schema = Schema.detect(df)
    work = schema.coerce(df)
    for spec in schema.columns:
        if spec.kind in WORKING_DTYPES:
            assert str(work[spec.name].dtype) == WORKING_DTYPES[spec.kind], (case.name, spec)
    numeric = work.select_dtypes("number")
    assert not numeric.isin([float("inf"), float("-inf")]).any().any(), "infinite values must not reach generators"


def test_loaded_values_are_read_as_meant():
    money = load_table(BAD_DIR / "thousands_currency.csv").df
    raw = pd.read_csv(BAD_DIR / "thousands_currency.csv", dtype=str)
    assert all(money[c].dtype == "float64" for c in money.columns)
    first_usd = float(raw["price_usd"][0].replace("$", "").replace(",", ""))
    assert money["price_usd"][0] == pytest.approx(first_usd)
    assert money["price_eur"][0] == pytest.approx(first_usd)  # the same amount, written the European way
    assert (money.loc[raw["accounting"].str.startswith("("), "accounting"] < 0).all()
    eu = load_table(BAD_DIR / "european_decimals.csv").df
    assert eu["length"].between(1, 9).all() and eu["weight"].between(10, 90).all()

    zones = load_table(BAD_DIR / "mixed_timezones.csv").df["seen_at"]
    assert str(zones.dtype) == "datetime64[ns]"
    assert zones[0] == pd.Timestamp("2021-03-01 00:15:00") - pd.Timedelta(hours=2)  # +02:00 → UTC
    dates = load_table(BAD_DIR / "dates_many_formats.csv").df
    assert (pd.to_datetime(dates["mixed"]) == pd.to_datetime(dates["iso"])).all()

    inf = load_table(BAD_DIR / "inf_nan.csv").df
    assert inf["x"].isna().sum() == 10 and not inf["x"].abs().eq(float("inf")).any()
    names = list(load_table(BAD_DIR / "unicode_rtl_emoji_names.csv").df.columns)
    assert "العمر" in names and "😀 mood" in names and "evil_name" in names and "zerowidth" in names
    hostile = load_table(BAD_DIR / "html_js_injection.csv").df
    assert list(hostile.columns)[:2] == ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
    formulas = load_table(BAD_DIR / "formula_injection.csv").df
    assert formulas.columns[0] == "=cmd|' /C calc'!A0" and formulas.iloc[0, 0] == "=cmd|' /C calc'!A0"
    nested = load_table(BAD_DIR / "nested_values.parquet").df
    assert nested["tags"].map(type).eq(str).all() or nested["tags"].isna().any()
    assert str(nested["seen_at"].dtype) == "datetime64[ns]" and nested["amount"].dtype == "float64"
    assert load_table(BAD_DIR / "high_cardinality_10000.csv").df["category"].nunique() == 10_000
    text_pickle = load_table(BAD_DIR / "pickle_rce_text.csv").df
    assert text_pickle.shape == (7, 1)  # plain text lines, never unpickled


# ----- the CLI -----------------------------------------------------------------------------------
_CLI_LOOP = r"""
import contextlib, io, json, sys, traceback
from pathlib import Path
from synthlab import cli
out_dir, names = Path(sys.argv[1]), sys.argv[2:]
results = {}
for name in names:
    err = io.StringIO()
    out = out_dir / (name + ".out.csv")
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = cli.main(["generate", name, "--out", str(out), "--generator", "independent", "--rows", "50"])
    except SystemExit as e:
        rc = e.code
    except BaseException:
        rc, err = "crash", io.StringIO(traceback.format_exc())
    results[name] = {"rc": rc, "stderr": err.getvalue(), "out": out.exists()}
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    """Every corpus file through ``python -m synthlab generate`` in one interpreter (fast)."""
    out = tmp_path_factory.mktemp("cli-out")
    env = {**os.environ, "SYNTHLAB_DATA_DIR": str(out), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _CLI_LOOP, str(out), *[c.name for c in CASES]],
                          cwd=BAD_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli_generates_or_refuses_plainly(case: Case, cli_results):
    results, out = cli_results
    r = results[case.name]
    assert r["rc"] != "crash", r["stderr"]
    assert "Traceback" not in r["stderr"], r["stderr"]
    if case.refuse:
        assert r["rc"] == 2 and r["stderr"].startswith("error: "), r
        _check_message(r["stderr"], case)
        assert not r["out"]
    else:
        assert r["rc"] == 0, r["stderr"]
        synthetic = pd.read_csv(out / (case.name + ".out.csv"))
        assert len(synthetic) == 50
        assert synthetic.shape[1] == load_table(BAD_DIR / case.name).df.shape[1]


def test_the_real_entry_point_reports_plainly(tmp_path):
    """``python -m synthlab`` itself: a refusal is one line on stderr and exit code 2."""
    env = {**os.environ, "SYNTHLAB_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "synthlab", "generate", str(BAD_DIR / "zip_bomb.xlsx"),
                           "--out", str(tmp_path / "x.csv"), "--generator", "independent"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "zip bomb" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.csv").exists()


# ----- the app ------------------------------------------------------------------------------------
def test_app_upload_of_every_file_loads_or_refuses_and_keeps_the_rest():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    good = pd.read_csv(ROOT / "sample_data" / "health_insurance.csv").head(120)
    at.file_uploader(key="synthlab.uploader").set_value(("good.csv", good.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert not at.exception and at.session_state["synthlab.dataset"].name == "good"
    ws = at.session_state["synthlab.workspace"]
    ds = at.session_state["synthlab.dataset"]
    run = ws.add_run(Run(new_run_id(), "earlier run", "independent", {"random_state": 0}, 0, 10,
                         dataset_id=ds.dataset_id))
    ws.save_table(run.id, "synthetic", ds.frame.head(10))
    ws.update_run(run.id, status="done")

    problems = []
    for case in CASES:
        before = at.session_state["synthlab.dataset"]
        # The uploader only accepts table extensions (Streamlit enforces it); other files are sent as
        # "name.ext.csv", so their content still has to be recognised and refused.
        upload_name = case.name if Path(case.name).suffix in SUFFIXES else case.name + ".csv"
        at.file_uploader(key="synthlab.uploader").set_value((upload_name, (BAD_DIR / case.name).read_bytes(),
                                                             "application/octet-stream"))
        at.run()
        if at.exception:
            problems.append(f"{case.name}: exception {at.exception}")
            continue
        errors = " ".join(e.value for e in at.error)
        if "Something went wrong" in errors:
            problems.append(f"{case.name}: generic failure")
        after = at.session_state["synthlab.dataset"]
        if case.refuse:
            if md_escape(case.refuse) not in errors or "previous dataset is still active" not in errors:
                problems.append(f"{case.name}: expected a refusal with {case.refuse!r}, got {errors!r}")
            if after is not before:
                problems.append(f"{case.name}: the previous dataset was replaced")
        else:
            if after is before or after.source != f"upload:{upload_name}":
                problems.append(f"{case.name}: not loaded ({errors!r})")
                continue
            if case.shape and after.raw.shape != case.shape:
                problems.append(f"{case.name}: shape {after.raw.shape}")
            shown = " ".join(w.value for w in at.warning)
            if case.warn and md_escape(case.warn) not in shown:
                problems.append(f"{case.name}: warning {case.warn!r} not shown")
            if not any("Loaded" in s.value for s in at.success):
                problems.append(f"{case.name}: no confirmation")
    assert not problems, "\n".join(problems)
    kept = ws.get_run(run.id)
    assert kept is not None and kept.status == "done"
    assert len(ws.load_table(run.id, "synthetic")) == 10
    assert not Path(PICKLE_SENTINEL).exists()
