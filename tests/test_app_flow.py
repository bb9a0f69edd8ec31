"""AppTest: the whole flow (upload → generate → compare → evaluate → export) with a fast generator,
and failed or cancelled runs that leave earlier runs intact."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

SAMPLE = ROOT / "sample_data" / "health_insurance.csv"


def _wait(at: AppTest, run_id: str | None = None, timeout: float = 240):
    """Rerun the app until this session's newest run (or ``run_id``) has finished."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.5)
        at.run()
        runs = at.session_state["synthlab.workspace"].runs()
        run = next((r for r in runs if r.id == run_id), None) if run_id else (runs[0] if runs else None)
        if run is not None and run.status != "running" and not at.session_state["synthlab.jobs"]:
            return run
    raise AssertionError("the run did not finish in time")


def _generate(at: AppTest, generator: str, rules: str = "", **params):
    at.switch_page("pages/generate.py")
    at.run()
    at.selectbox(key="synthlab.generator").set_value(generator)
    at.run()
    for name, value in params.items():
        widget = at.number_input(key=f"synthlab.params.{generator}.{name}")
        widget.set_value(value)
    if rules:
        at.text_area(key="synthlab.rules_text").set_value(rules)
    at.run()
    assert not at.exception, at.exception
    at.button(key="synthlab.go").click()
    at.run()
    assert not at.exception, at.exception


@pytest.fixture
def app_with_upload() -> AppTest:
    df = pd.read_csv(SAMPLE).head(400)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.file_uploader(key="synthlab.uploader").set_value(("insurance.csv", df.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert at.session_state["synthlab.dataset"].name == "insurance"
    return at


def test_full_flow_upload_generate_compare_evaluate_export(app_with_upload):
    at = app_with_upload
    _generate(at, "independent")
    run = _wait(at)
    assert run.status == "done", run.error
    assert set(run.verdicts) >= {"fidelity", "detection", "privacy", "validity"}
    assert any("finished" in s.value for s in at.success)
    syn = at.session_state["synthlab.workspace"].load_table(run.id, "synthetic")
    assert len(syn) == 300 and list(syn.columns) == list(pd.read_csv(SAMPLE, nrows=1).columns)

    at.switch_page("pages/compare.py")
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) >= 2
    at.selectbox(key="synthlab.compare_column").set_value("age")
    at.run()
    assert not at.exception
    at.selectbox(key="synthlab.segment_col").set_value("gender")
    at.run()
    assert not at.exception and any("Segment gender" in c.value for c in at.caption)

    at.switch_page("pages/evaluate.py")
    at.run()
    assert not at.exception and not at.error
    markdown = " ".join(m.value for m in at.markdown)
    for section in ["Fidelity", "Detection", "Privacy", "Validity"]:
        assert section in markdown
    tables = [d.value for d in at.dataframe]
    assert any("holdout (ceiling)" in t.columns for t in tables)

    at.switch_page("pages/export.py")
    at.run()
    assert not at.exception and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert {"Download CSV", "Download Parquet", "Download bundle (.zip)"} <= set(labels)
    at.toggle(key="synthlab.export_filter").set_value(True)
    at.run()
    assert not at.exception and any("The filter keeps" in c.value for c in at.caption)


def test_failed_run_is_recorded_and_earlier_runs_stay(app_with_upload):
    at = app_with_upload
    _generate(at, "independent")
    first = _wait(at)
    assert first.status == "done"
    _generate(at, "independent", rules="age < -1000")
    failed = _wait(at)
    assert failed.id != first.id and failed.status == "failed"
    assert "business rules" in failed.error
    assert any("failed" in e.value for e in at.error)
    ws = at.session_state["synthlab.workspace"]
    assert ws.get_run(first.id).status == "done"
    assert ws.load_table(first.id, "synthetic") is not None


def test_cancel_stops_a_neural_fit(app_with_upload):
    at = app_with_upload
    _generate(at, "tvae", epochs=2000)
    deadline = time.time() + 60
    cancel = []
    while not cancel and time.time() < deadline:
        cancel = [b for b in at.button if b.key and b.key.startswith("cancel-")]
        if not cancel:
            time.sleep(0.5)
            at.run()
    assert cancel, "no cancel button while the fit runs"
    cancel[0].click()
    at.run()
    run = _wait(at, timeout=120)
    assert run.status == "cancelled"
    assert any("cancelled" in w.value for w in at.warning)


def test_runs_survive_a_fresh_session_with_the_same_token(app_with_upload):
    at = app_with_upload
    _generate(at, "independent")
    run = _wait(at)
    token = at.session_state["synthlab.token"]
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.query_params["ws"] = token
    again.run()
    again.switch_page("pages/evaluate.py")
    again.run()
    assert not again.exception
    assert again.session_state["synthlab.dataset"].name == "insurance"
    assert [r.id for r in again.session_state["synthlab.workspace"].runs()] == [run.id]
    assert any(run.name in str(s.options) for s in again.selectbox)


def test_compare_charts_a_run_whose_rows_exist_while_it_is_still_scored(app_with_upload):
    from synthlab.runs import Run, new_run_id
    from synthlab.split import train_holdout_split

    at = app_with_upload
    ws = at.session_state["synthlab.workspace"]
    ds = at.session_state["synthlab.dataset"]
    train, _, info = train_holdout_split(ds.frame, ds.schema, 0.25, 0)
    run = ws.add_run(Run(id=new_run_id(), name="Still scoring", generator="independent", params={}, seed=0,
                         n_rows=len(train)))
    assert run.status == "running"
    at.switch_page("pages/compare.py")
    at.run()
    assert any("Generate" in i.value for i in at.info)  # no rows yet: nothing to chart
    ws.save_table(run.id, "synthetic", train.sample(frac=1.0, random_state=1).reset_index(drop=True))
    ws.save_json(run.id, "scorecard", {"split": info.to_dict()})
    at.run()
    assert not at.exception, at.exception
    assert at.get("plotly_chart"), "no chart for a run whose rows exist"
    assert any("Still being scored" in c.value and "Still scoring" in c.value for c in at.caption), [c.value for c in at.caption]


def test_generate_page_shows_the_fit_sample_and_its_estimate(app_with_upload):
    at = app_with_upload
    at.switch_page("pages/generate.py")
    at.run()
    at.selectbox(key="synthlab.generator").set_value("synthlab")
    at.run()
    assert not any("seeded random sample" in c.value for c in at.caption)  # 300 train rows: all learned
    at.number_input(key="synthlab.params.synthlab.fit_rows").set_value(120)
    at.run()
    assert not at.exception, at.exception
    assert any("sample of **120** of the 300 train rows" in c.value for c in at.caption), [c.value for c in at.caption]
