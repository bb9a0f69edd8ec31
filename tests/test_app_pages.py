"""AppTest: the app opens on the default sample, every page renders, uploads switch the dataset."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from synthlab import samples
from tests.conftest import ROOT

PAGES = ["pages/data.py", "pages/generate.py", "pages/compare.py", "pages/evaluate.py", "pages/export.py",
         "pages/experiments.py"]


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _sidebar_text(at: AppTest) -> str:
    """Sidebar text; only reliable on a first run (AppTest drops the frame's elements after a widget event)."""
    return " ".join(t.value for t in at.sidebar.text) + " " + " ".join(c.value for c in at.sidebar.caption)


def test_opens_on_default_sample_with_its_schema():
    at = _app()
    default = samples.default_sample()
    assert default is not None
    assert default.title in _sidebar_text(at)
    assert at.title[0].value == "Data"
    # the detected schema is on screen
    assert any("kind" in df.value.columns for df in at.dataframe)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page):
    at = _app()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_pages_without_runs_say_what_to_do_first():
    at = _app()
    for page in ["pages/compare.py", "pages/evaluate.py", "pages/export.py"]:
        at.switch_page(page)
        at.run()
        assert any("Generate" in i.value for i in at.info), page


def test_upload_switches_active_dataset():
    at = _app()
    csv = b"visit_date,score,group\n" + b"\n".join(
        f"2021-01-{d:02d},{d * 1.5},{'ab'[d % 2]}".encode() for d in range(1, 29)
    )
    at.file_uploader(key="synthlab.uploader").set_value(("clinic.csv", csv, "text/csv"))
    at.run()
    assert not at.exception
    ds = at.session_state["synthlab.dataset"]
    assert ds.name == "clinic" and ds.shape_text == "28 rows × 3 columns"
    assert any("Loaded clinic.csv" in s.value for s in at.success)
    assert at.metric[0].value == "28"
    assert "clinic" in _sidebar_text(at)  # the frame is drawn again: the sidebar names the new dataset


def test_uploaded_panel_shows_its_row_number_and_person_id_as_identifiers():
    """A pandas-written panel (its index as an unnamed first column, 40 people x 3 years): the schema
    on screen marks both keys as identifiers, which no generator learns."""
    rows = [f"{i},{i // 3 + 1},{2000 + i % 3},{20 + i % 37}.5" for i in range(120)]
    csv = ("," + "person_id,year,wage\n" + "\n".join(rows)).encode()
    at = _app()
    at.file_uploader(key="synthlab.uploader").set_value(("panel.csv", csv, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    schema = next(df.value for df in at.dataframe if "kind" in df.value.columns)
    kinds = dict(zip(schema["column"], schema["kind"], strict=True))
    assert kinds == {"column_1": "id", "person_id": "id", "year": "numerical", "wage": "numerical"}
    assert at.session_state["synthlab.dataset"].schema.learned == ["year", "wage"]


@pytest.mark.parametrize(
    "content,fragment",
    [(b"", "empty"), (b"a,b\n1,2\n3,4,5\n", "fields"), (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"), (b"a,b\n", "no data rows")],
)
def test_bad_upload_shows_error_and_keeps_previous(content, fragment):
    at = _app()
    before = at.session_state["synthlab.dataset"]
    at.file_uploader(key="synthlab.uploader").set_value(("bad.csv", content, "text/csv"))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert fragment in errors and "previous dataset is still active" in errors
    assert at.session_state["synthlab.dataset"] is before


def test_upload_shows_progress_and_cancel_keeps_the_previous_dataset(monkeypatch):
    """A Cancel click while a file loads: Streamlit stops the run at the next progress update (here:
    raising its StopException in the parse, as its script runner does), and the rerun the click
    causes drops the upload."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    import components.data_loading as data_loading

    at = _app()
    before = at.session_state["synthlab.dataset"]
    seen = []

    def interrupted(data, filename, on_progress=None):
        on_progress(data_loading.Progress(0.05, f"Parsing {filename}…"))
        seen.append(filename)
        raise StopException()

    monkeypatch.setattr(data_loading, "load_table", interrupted)
    at.file_uploader(key="synthlab.uploader").set_value(("big.csv", b"a,b\n1,2\n", "text/csv"))
    at.run()
    assert seen == ["big.csv"]
    assert at.session_state["synthlab.upload_pending"] is True
    monkeypatch.undo()
    at.button(key="synthlab.upload_cancel").click()
    at.run()
    assert not at.exception, at.exception
    assert any("cancelled" in i.value and "previous dataset is still active" in i.value for i in at.info)
    assert at.session_state["synthlab.dataset"] is before
    assert "synthlab.upload_pending" not in at.session_state
    at.run()  # nothing is loaded later either
    assert at.session_state["synthlab.dataset"] is before


def test_picking_another_sample_switches():
    at = _app()
    other = next(s for s in samples.catalog() if not s.default)
    at.selectbox(key="synthlab.sample_picker").set_value(other.id)
    at.run()
    assert not at.exception
    assert at.session_state["synthlab.dataset"].name == other.title


def test_workspace_survives_a_fresh_session_with_the_same_token():
    at = _app()
    token = at.session_state["synthlab.token"]
    assert at.query_params["ws"] == [token] or at.query_params["ws"] == token
    at.file_uploader(key="synthlab.uploader").set_value(("kept.csv", b"a,b\n1,x\n2,y\n3,z\n", "text/csv"))
    at.run()
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.query_params["ws"] = token
    again.run()
    assert not again.exception
    assert again.session_state["synthlab.dataset"].name == "kept"
    other = _app()
    assert other.session_state["synthlab.token"] != token
    assert other.session_state["synthlab.dataset"].name != "kept"


def test_the_split_is_computed_in_the_background_once_a_dataset_is_active():
    """Generate then starts at once: the seeded split of the active dataset is ready, and equal to
    the plain one."""
    import pandas as pd

    from components import state
    from synthlab.split import train_holdout_split

    at = _app()
    splits = at.session_state[state.SPLITS]
    assert len(splits) == 1
    train, holdout, info = next(iter(splits.values())).result(timeout=60)
    ds = at.session_state[state.DATASET]
    want = train_holdout_split(ds.frame, ds.schema, 0.25, 0)
    pd.testing.assert_frame_equal(train, want[0])
    pd.testing.assert_frame_equal(holdout, want[1])
    assert info == want[2]
