"""AppTest: the Experiments page renders, runs an experiment in the background, and shows its charts,
table and downloads; an experiment that needs a target says so."""

from __future__ import annotations

import time

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

SAMPLE = ROOT / "sample_data" / "health_insurance.csv"
RESULTS = "synthlab.experiment_results"
JOBS = "synthlab.experiment_jobs"


def _key(name: str, option: str) -> str:
    return f"synthlab.experiment_option.{name}.{option}"


def _app(df: pd.DataFrame | None, filename: str = "insurance.csv") -> AppTest:
    """The app on the Experiments page, with ``df`` uploaded (None: the bundled default sample, which has a
    target and sensitive attributes)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if df is not None:
        at.file_uploader(key="synthlab.uploader").set_value((filename, df.to_csv(index=False).encode(), "text/csv"))
        at.run()
    at.switch_page("pages/experiments.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _wait(at: AppTest, name: str, timeout: float = 120) -> dict | None:
    """Rerun until the experiment's job is gone; its stored result (None when it did not finish)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception
        try:
            results = at.session_state[RESULTS]
        except KeyError:
            results = {}
        if not at.session_state[JOBS]:
            return results.get(name)
    raise AssertionError("the experiment did not finish in time")


def test_run_collapse_shows_charts_table_and_downloads():
    at = _app(pd.read_csv(SAMPLE).head(300))
    assert any("Model collapse" in str(o) for o in at.radio(key="synthlab.experiment").options)
    at.radio(key="synthlab.experiment").set_value("collapse")
    at.run()
    at.selectbox(key=_key("common", "generator")).set_value("independent")
    at.number_input(key=_key("collapse", "generations")).set_value(2)
    at.run()
    assert not at.exception, at.exception
    assert any("Estimated fit time" in m.label for m in at.metric)
    at.button(key=_key("common", "run")).click()
    at.run()
    assert not at.exception, at.exception
    stored = _wait(at, "collapse")
    assert stored is not None
    assert len(stored["result"].table) == 3
    assert any("finished" in s.value for s in at.success)
    assert len(at.get("plotly_chart")) >= 4
    labels = {b.label for b in at.get("download_button")}
    assert {"Download table (CSV)", "Download full result (JSON)"} <= labels
    assert any("What good looks like" in c.value for c in at.caption)
    assert any(len(d.value) == 3 for d in at.dataframe)


def test_balance_without_target_asks_for_one():
    df = pd.read_csv(SAMPLE).head(200).drop(columns=["insurance"])
    at = _app(df, "no_target.csv")
    assert at.session_state["synthlab.dataset"].schema.target is None
    at.radio(key="synthlab.experiment").set_value("balance")
    at.run()
    assert not at.exception, at.exception
    assert any("needs a target column" in w.value for w in at.warning)
    assert at.button(key=_key("common", "run")).disabled


def test_rare_view_and_cancel():
    at = _app(None)
    assert at.session_state["synthlab.dataset"].schema.target is not None
    at.radio(key="synthlab.experiment").set_value("rare")
    at.run()
    at.selectbox(key=_key("common", "generator")).set_value("independent")
    at.number_input(key=_key("common", "max_rows")).set_value(400)
    at.selectbox(key=_key("rare", "column")).set_value("ethnicity")
    at.run()
    assert not at.exception, at.exception
    at.button(key=_key("common", "run")).click()
    at.run()
    stored = _wait(at, "rare")
    assert stored is not None and stored["result"].settings["options"]["column"] == "ethnicity"
    assert not at.error, [e.value for e in at.error]
    charts = len(at.get("plotly_chart"))
    assert charts >= 3  # boosted share, per-group figure, gaps between groups
    at.selectbox(key=_key("rare", "view_metric")).set_value("brier")
    at.run()
    assert not at.exception and len(at.get("plotly_chart")) == charts

    at.radio(key="synthlab.experiment").set_value("seeds")
    at.run()
    at.number_input(key=_key("seeds", "seeds")).set_value(20)
    at.number_input(key=_key("common", "max_rows")).set_value(400)
    at.run()
    at.button(key=_key("common", "run")).click()
    at.run()
    deadline = time.time() + 60
    cancel = None
    while cancel is None and time.time() < deadline:
        cancel = next((b for b in at.button if b.key == _key("seeds", "cancel")), None)
        if cancel is None:
            time.sleep(0.3)
            at.run()
    assert cancel is not None, "no Cancel button while the experiment runs"
    cancel.click()
    at.run()
    assert _wait(at, "seeds") is None
    assert any("cancelled" in w.value for w in at.warning)
    assert "rare" in at.session_state[RESULTS]  # the earlier result is untouched
