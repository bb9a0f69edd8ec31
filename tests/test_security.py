"""Security: formula-safe exports, nothing unpickled or executed, bundles validated, safe server
settings, unguessable workspace tokens, sessions isolated, and user strings never rendered as markup.

Token format and path checks live in tests/test_workspace.py; these tests add what the app does
with hostile URLs, files and strings.
"""

from __future__ import annotations

import io
import re
import time
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from components.text import md_escape
from synthlab.errors import DataError
from synthlab.export import FORMULA_PREFIXES, csv_bytes, neutralise_formulas
from synthlab.intake import load_table
from synthlab.recipe import load_bundle
from synthlab.schema import Schema
from synthlab.workspace import data_root, new_token, valid_token
from tests.conftest import ROOT
from tests.data.make_bad_files import BAD_DIR, FORMULAS, PICKLE_SENTINEL

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold**", "[link](http://x)",
           "![img](http://x)", ":red[red]", "$x^2$", "# heading", "<b>b</b>", "www.evil.example", "a@evil.example",
           ":material/home:"]
_MD_SPECIAL = set("\\`*_{}[]<>#+!|~:$&@^=/")


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


# ----- exports --------------------------------------------------------------------------------------
def test_csv_export_neutralises_formulas_by_default_and_can_opt_out():
    table = load_table(BAD_DIR / "formula_injection.csv")
    schema = Schema.detect(table.df)
    work = schema.coerce(table.df)
    safe = pd.read_csv(io.BytesIO(csv_bytes(work, schema)), dtype=str, keep_default_na=False)
    assert safe.columns[0] == "'=cmd|' /C calc'!A0"  # the header row is neutralised too
    for value in safe.iloc[:, 0]:
        assert not value.startswith(FORMULA_PREFIXES), value
        assert value.startswith("'") and value[1:] in FORMULAS
    assert set(safe.iloc[:, 0].str[1:]) == set(FORMULAS)
    # numbers are numbers, never touched, even negative ones
    assert pd.to_numeric(safe["amount"]).tolist() == list(range(-12, 12))
    raw = pd.read_csv(io.BytesIO(csv_bytes(work, schema, neutralise=False)), dtype=str, keep_default_na=False)
    assert raw.columns[0] == "=cmd|' /C calc'!A0"
    assert set(raw.iloc[:, 0]) == set(FORMULAS)


def test_cli_csv_output_neutralises_formulas_by_default(tmp_path):
    from synthlab import cli

    out = tmp_path / "synthetic.csv"
    assert cli.main(["generate", str(BAD_DIR / "formula_injection.csv"), "--out", str(out), "--generator",
                     "independent", "--rows", "80"]) == 0
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(written) == 80
    assert not written.columns[0].startswith(FORMULA_PREFIXES)
    assert not written.iloc[:, 0].str.startswith(FORMULA_PREFIXES).any()


def test_neutralise_only_touches_text_that_starts_like_a_formula():
    df = pd.DataFrame({"t": ["=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "x-1", None, ""],
                       "n": [-1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    out = neutralise_formulas(df)
    assert out["t"].tolist()[:6] == ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx"]
    assert out["t"].tolist()[6:8] == ["a=1", "x-1"] and out["t"].isna().tolist()[8] and out["t"][9] == ""
    assert out["n"].tolist() == df["n"].tolist()
    assert df["t"][0] == "=1"  # the input is not modified


def test_export_page_offers_the_opt_out_switched_off_by_default():
    source = (ROOT / "pages" / "export.py").read_text()
    assert re.search(r'toggle\(\s*"Neutralise spreadsheet formulas", value=True', source)
    assert "csv_bytes(data, schema, neutralise)" in source


# ----- nothing unpickled or executed ---------------------------------------------------------------------
_DANGEROUS = re.compile(r"pickle\.loads?\(|read_pickle\(|joblib\.load\(|torch\.load\(|allow_pickle\s*=\s*True|"
                        r"(?<![\w.])eval\(|(?<![\w.])exec\(|yaml\.load\(|marshal\.loads?\(|shelve\.open\(|"
                        r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.v1\.html")


def test_no_code_path_unpickles_evaluates_or_renders_html():
    offenders = []
    for path in [ROOT / "app.py", *ROOT.glob("synthlab/**/*.py"), *ROOT.glob("components/*.py"),
                 *ROOT.glob("pages/*.py")]:
        for lineno, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if _DANGEROUS.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not offenders, offenders


def test_a_pickle_upload_is_refused_and_never_run():
    Path(PICKLE_SENTINEL).unlink(missing_ok=True)
    at = _app()
    before = at.session_state["synthlab.dataset"]
    for name in ["pickle_rce_v4.csv", "pickle_rce.pkl"]:
        at.file_uploader(key="synthlab.uploader").set_value((name if name.endswith(".csv") else name + ".csv",
                                                             (BAD_DIR / name).read_bytes(), "text/csv"))
        at.run()
        assert not at.exception
        assert any("pickle" in e.value for e in at.error)
        assert at.session_state["synthlab.dataset"] is before
    assert not Path(PICKLE_SENTINEL).exists()


def _bundle(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("members,fragment", [
    ({"recipe.json": b"\x80\x04\x95" + bytes(20)}, "not UTF-8"),  # a pickle where JSON belongs
    ({"recipe.json": b"cos\nsystem\n(S'touch /tmp/x'\ntR."}, "not valid JSON"),
    ({"recipe.json": b'{"generator": "independent"}'}, "recipe"),
    ({"recipe.json": b"[1, 2, 3]"}, "recipe"),
    ({"../recipe.json": b"{}"}, "unsafe file name"),
])
def test_bundles_are_json_and_validated_on_load(members, fragment):
    with pytest.raises(DataError) as err:
        load_bundle(_bundle(members))
    assert fragment in str(err.value)


def test_unknown_bundle_members_are_never_opened(monkeypatch):
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *a, **kw):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *a, **kw)

    bundle = _bundle({"model.pkl": b"\x80\x04payload", "recipe.json": b"{}"})
    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(DataError):
        load_bundle(bundle)
    assert "recipe.json" in opened and "model.pkl" not in opened


# ----- server settings ---------------------------------------------------------------------------------
def test_server_config_keeps_xsrf_on_limits_uploads_and_hides_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    assert server.get("enableCORS", True) is True
    assert 1 <= server["maxUploadSize"] <= 200
    assert config["client"]["showErrorDetails"] in ("none", False)
    assert config.get("runner", {}).get("magicEnabled") is False
    at = _app()
    assert any(f"{server['maxUploadSize']} MB" in c.value for c in at.caption)  # the limit is stated


def test_tokens_carry_at_least_128_random_bits():
    tokens = [new_token() for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    chars = Counter("".join(tokens))
    assert set(chars) <= alphabet and len(chars) == 64  # URL-safe base64: 6 bits per character
    assert min(len(t) for t in tokens) * 6 >= 128 + 6
    # every position varies like random base64 (no fixed prefix, no counter)
    for pos in range(0, 40, 7):
        assert len({t[pos] for t in tokens}) >= 60
    freq = np.array(list(chars.values())) / sum(chars.values())
    assert freq.max() < 2.0 / 64


@pytest.mark.parametrize("bad", ["../../../etc", "..%2F..%2Fetc", "/tmp/" + "a" * 40, "a" * 20 + "/../" + "b" * 20,
                                 "%2e%2e%2f" * 6, "a" * 31, "C:\\" + "a" * 40, "a" * 40 + "\x00"])
def test_a_hostile_workspace_link_gets_a_fresh_workspace_inside_the_data_dir(bad):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["ws"] = bad
    at.run()
    assert not at.exception
    token = at.session_state["synthlab.token"]
    assert token != bad and valid_token(token)
    root = data_root()
    for path in root.rglob("*"):
        assert path.resolve().is_relative_to(root)
    assert {p.name for p in (root / "workspaces").iterdir()} == {token}


# ----- two sessions ------------------------------------------------------------------------------------------
def _wait_run(at: AppTest, timeout: float = 240):
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.5)
        at.run()
        runs = at.session_state["synthlab.workspace"].runs()
        if runs and runs[0].status != "running" and not at.session_state["synthlab.jobs"]:
            return runs[0]
    raise AssertionError("the run did not finish in time")


def _all_text(at: AppTest) -> str:
    parts = []
    for node in at._tree:
        for attr in ("value", "label", "options"):
            if isinstance(node, et.Block) and attr != "label":
                continue
            try:
                v = getattr(node, attr, None)
            except Exception:  # some elements have no value outside a session
                continue
            if isinstance(v, str):
                parts.append(v)
            elif isinstance(v, pd.DataFrame):
                parts.append(v.to_csv())
            elif isinstance(v, (list, tuple)):
                parts.append(" ".join(map(str, v)))
    return "\n".join(parts)


def _generate(at: AppTest, generator: str = "independent") -> None:
    at.switch_page("pages/generate.py")
    at.run()
    at.selectbox(key="synthlab.generator").set_value(generator)
    at.run()
    at.button(key="synthlab.go").click()
    at.run()
    assert not at.exception, at.exception


def _upload(at: AppTest, name: str, df: pd.DataFrame) -> None:
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="synthlab.uploader").set_value((name, df.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert not at.exception


def test_two_concurrent_sessions_never_see_each_others_data_or_runs():
    rng = np.random.default_rng(0)
    alpha = pd.DataFrame({"alpha_marker": rng.choice(["ALPHA-SECRET-1", "ALPHA-SECRET-2"], 120),
                          "alpha_amount": rng.normal(1000, 10, 120).round(2)})
    beta = pd.DataFrame({"beta_marker": rng.choice(["beta-x", "beta-y"], 90), "beta_size": rng.integers(0, 9, 90)})
    a, b = _app(), _app()
    assert a.session_state["synthlab.token"] != b.session_state["synthlab.token"]
    _upload(a, "alpha.csv", alpha)
    _generate(a)  # A's fit runs on the shared pool while B works
    _upload(b, "beta.csv", beta)
    _generate(b)
    run_a, run_b = _wait_run(a), _wait_run(b)
    assert run_a.status == "done" and run_b.status == "done", (run_a.error, run_b.error)
    ws_a, ws_b = a.session_state["synthlab.workspace"], b.session_state["synthlab.workspace"]
    assert [r.id for r in ws_a.runs()] == [run_a.id] and [r.id for r in ws_b.runs()] == [run_b.id]
    assert ws_b.get_run(run_a.id) is None and ws_b.load_table(run_a.id, "synthetic") is None
    assert ws_a.get_run(run_b.id) is None
    assert ws_a.path != ws_b.path
    for page in ["pages/data.py", "pages/generate.py", "pages/compare.py", "pages/evaluate.py", "pages/export.py"]:
        for me, other_marks, mine in ((a, ["beta_marker", "beta-x", run_b.id], "alpha"),
                                      (b, ["alpha_marker", "ALPHA-SECRET", run_a.id], "beta")):
            me.switch_page(page)
            me.run()
            assert not me.exception, (page, me.exception)
            text = _all_text(me)
            leaked = [m for m in other_marks if m in text]
            assert not leaked, (page, mine, leaked)
            assert me.session_state["synthlab.dataset"].name == mine
    # B's selection state never holds A's runs, and a stale id from A is ignored on B's pages
    b.session_state["synthlab.selected_runs"] = [run_a.id]
    b.switch_page("pages/compare.py")
    b.run()
    assert not b.exception and "ALPHA-SECRET" not in _all_text(b)


# ----- user strings are text, never markup -------------------------------------------------------------------
def _raw_pattern(hostile: str) -> re.Pattern:
    """``hostile`` as it would appear in markdown source if it were NOT escaped."""
    return re.compile("".join(f"(?<!\\\\){re.escape(ch)}" if ch in _MD_SPECIAL else re.escape(ch) for ch in hostile))


RAW = [_raw_pattern(h) for h in HOSTILE]


def _markup_violations(at: AppTest, where: str) -> list[str]:
    """Markdown sources (text, alerts, headings, captions, widget and container labels) holding a raw
    hostile string; and any markdown with HTML allowed."""
    found = []
    for node in at._tree:
        sources = []
        if isinstance(node, (et.Markdown, et.AlertBase, et.HeadingBase)):
            sources.append(node.value)
            if isinstance(node, et.Markdown) and node.proto.allow_html:
                found.append(f"{where}: markdown with HTML allowed: {node.value[:80]!r}")
        label = getattr(node, "label", None)
        if isinstance(label, str):
            sources.append(label)
        for text in sources:
            if not isinstance(text, str):
                continue
            for h, pattern in zip(HOSTILE, RAW, strict=True):
                if pattern.search(text):
                    found.append(f"{where}: {type(node).__name__} renders {h!r} as markup: {text[:120]!r}")
    return found


def test_hostile_names_and_values_are_shown_as_text_on_every_page():
    rng = np.random.default_rng(3)
    n = 80
    df = pd.DataFrame({
        "<script>alert(1)</script>": rng.choice(["**bold**", "[link](http://x)"], n),
        "<img src=x onerror=alert(1)>": rng.normal(10, 2, n).round(2),
        "**bold**": rng.choice([":red[red]", "$x^2$", "![img](http://x)"], n),
        "[link](http://x)": rng.integers(0, 50, n),
        ":red[red]": ["# heading"] * n,
        "$x^2$": rng.normal(0, 1, n).round(3),
        "www.evil.example": rng.choice(["a@evil.example", ":material/home:", "<b>b</b>"], n),
    })
    at = _app()
    _upload(at, "<img src=x onerror=alert(1)>**x**.csv", df)
    ds = at.session_state["synthlab.dataset"]
    assert list(ds.raw.columns) == list(df.columns)
    problems = _markup_violations(at, "data")
    assert any(md_escape("<img src=x onerror=alert(1)>") in s.value for s in at.success)

    # make a hostile column the target and another a sensitive attribute, everywhere they are named
    schema = Schema.detect(ds.raw, target="<script>alert(1)</script>", sensitive=["**bold**"])
    at.session_state["synthlab.workspace"].save_schema(schema)
    at.session_state["synthlab.dataset"] = ds.with_schema(schema)
    at.run()
    problems += _markup_violations(at, "data with target")
    _generate(at)
    run = _wait_run(at)
    assert run.status == "done", run.error
    at.session_state["synthlab.workspace"].rename_run(run.id, "**run** <img src=x onerror=alert(1)>")

    at.switch_page("pages/generate.py")
    at.run()
    problems += _markup_violations(at, "generate")
    at.radio(key="synthlab.condition_mode").set_value("Fix values").run()
    at.multiselect(key="synthlab.fix_columns").set_value(["<script>alert(1)</script>", "**bold**"]).run()
    problems += _markup_violations(at, "generate: fix values")
    at.radio(key="synthlab.condition_mode").set_value("Rebalance a group").run()
    at.selectbox(key="synthlab.rebalance_column").set_value("www.evil.example").run()
    problems += _markup_violations(at, "generate: rebalance")
    at.text_area(key="synthlab.rules_text").set_value("`[link](http://x)` > 1\n**bold** == 2").run()
    problems += _markup_violations(at, "generate: rules")
    assert not at.exception

    at.switch_page("pages/compare.py")
    at.run()
    problems += _markup_violations(at, "compare")
    at.selectbox(key="synthlab.segment_col").set_value("**bold**").run()
    problems += _markup_violations(at, "compare: segment")
    assert any("Segment" in c.value for c in at.caption)

    for page in ["pages/evaluate.py", "pages/export.py", "pages/experiments.py", "pages/data.py"]:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, at.exception)
        problems += _markup_violations(at, page)
    assert not problems, "\n".join(problems)
    # the values themselves reach the tables (drawn as text by the data grid)
    at.switch_page("pages/data.py")
    at.run()
    preview = at.dataframe[0].value
    assert "<script>alert(1)</script>" in preview.columns and (preview["**bold**"] == ":red[red]").any()


def test_md_escape_leaves_no_markup_character_active():
    for h in [*HOSTILE, "1. item", "- item", "> quote", "a_b*c`d~e|f", "\\"]:
        escaped = md_escape(h)
        unescaped = re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "")
        assert unescaped == h.replace("\n", " ")
        stripped = re.sub(r"\\.", "", escaped)
        assert not (set(stripped) & (_MD_SPECIAL - {"="})), (h, escaped)
    assert md_escape("line\nbreak") == "line break"
    assert md_escape(None) == "None" and md_escape(1.5) == "1.5" and md_escape(-2) == "-2"
