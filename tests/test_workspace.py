"""The per-user workspace: everything survives a restart, tokens are safe, failures touch nothing else."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthlab.errors import DataError, SynthLabError
from synthlab.runs import Run, new_run_id
from synthlab.schema import Schema
from synthlab.workspace import Workspace, data_root, new_token, valid_token, workspace_dir


def _frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    when = pd.Series(pd.to_datetime("2021-03-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"))
    when[3] = pd.NaT
    when[4] = pd.Timestamp("1969-07-20 20:17:40.123456789")  # nanoseconds and before 1970
    colour = pd.Series(rng.choice(["red", "green", "blue"], n), dtype=object)
    colour[[1, 7]] = None
    colour[2] = ""  # an empty string is a value, not a missing one
    amount = rng.normal(50, 10, n).round(2)
    amount[5] = np.nan
    return pd.DataFrame({
        "amount": amount,
        "colour": colour,
        "member": pd.array(rng.choice([True, False], n), dtype="boolean").copy(),
        "joined": when,
        "comment": pd.Series(["ünïcode ✓", "line\nbreak", *[f"c{i}" for i in range(n - 2)]], dtype=object),
    })


def _working() -> tuple[pd.DataFrame, Schema]:
    df = _frame()
    df.loc[6, "member"] = pd.NA
    schema = Schema.detect(df)
    work = schema.coerce(df)
    assert str(work["member"].dtype) == "boolean" and str(work["joined"].dtype) == "datetime64[ns]"
    return work, schema


def _run(name: str = "run", status: str = "running", **kw) -> Run:
    return Run(new_run_id(), name, "synthlab", {"random_state": 0}, 0, 10, status=status, **kw)


# ----- tokens and paths -----------------------------------------------------------------------------
def test_tokens_are_long_random_and_valid():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    for t in tokens:
        assert valid_token(t) and len(t) >= 43  # 32 random bytes


@pytest.mark.parametrize("bad", [
    "../x", "../" + "a" * 40, "/etc/passwd", "/" + "a" * 40, "a" * 31, "a" * 65, "", None, 12345,
    "a" * 40 + "/..", "a" * 20 + "." + "a" * 20, "a" * 40 + "\x00", "a" * 39 + " ", "..", "~" + "a" * 40,
])
def test_malformed_and_traversal_tokens_refused(bad, tmp_path):
    assert not valid_token(bad)
    with pytest.raises(SynthLabError, match="not valid"):
        Workspace.open(bad, root=tmp_path)
    assert not Workspace.exists(bad, root=tmp_path)
    assert not any(p for p in tmp_path.rglob("*") if p.is_file())


def test_workspace_lives_inside_the_data_directory(tmp_path):
    token = new_token()
    ws = Workspace.open(token, root=tmp_path)
    assert ws.path == (tmp_path / "workspaces" / token).resolve()
    assert ws.path.is_relative_to(tmp_path.resolve())
    assert workspace_dir(token, tmp_path) == ws.path


def test_data_dir_env_is_honoured(tmp_path, monkeypatch):
    target = tmp_path / "chosen"
    monkeypatch.setenv("SYNTHLAB_DATA_DIR", str(target))
    assert data_root() == target.resolve()
    ws = Workspace.open(new_token())
    assert ws.path.is_relative_to(target.resolve()) and (ws.path / "meta.sqlite").is_file()


def test_default_data_dir_is_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("SYNTHLAB_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert data_root() == (tmp_path / ".synthlab-data").resolve()


# ----- dataset round trip ---------------------------------------------------------------------------
def test_dataset_round_trips_exactly_and_survives_restart():
    work, schema = _working()
    token = new_token()
    ws = Workspace.open(token)
    assert ws.load_dataset() is None
    split = {"holdout_share": 0.25, "seed": 3, "stratified_on": None}
    dataset_id = ws.save_dataset(work, "people", schema, split)

    reopened = Workspace.open(token)  # a server restart: a new object, nothing shared in memory
    df, name, schema2, split2 = reopened.load_dataset()
    pd.testing.assert_frame_equal(df, work, check_exact=True)
    assert df.dtypes.to_dict() == work.dtypes.to_dict()
    assert df["colour"].iloc[2] == "" and pd.isna(df["colour"].iloc[1])
    assert df["joined"].iloc[4] == pd.Timestamp("1969-07-20 20:17:40.123456789")
    assert pd.isna(df["member"].iloc[6]) and pd.isna(df["joined"].iloc[3])
    assert name == "people" and split2 == split and schema2.to_dict() == schema.to_dict()
    info = reopened.dataset_info()
    assert info.id == dataset_id and info.n_rows == len(work) and info.n_columns == work.shape[1] and info.active


def test_mixed_type_text_columns_are_stored_as_text():
    df = pd.DataFrame({"a": pd.Series(["x", 2, None, 3.5], dtype=object), "b": [1.0, 2.0, 3.0, 4.0]})
    schema = Schema.detect(df)
    ws = Workspace.open(new_token())
    ws.save_dataset(df, "mixed", schema)
    out = ws.load_dataset()[0]
    assert out["a"].tolist() == ["x", "2", None, "3.5"]


def test_save_schema_updates_and_checks_columns():
    work, schema = _working()
    ws = Workspace.open(new_token())
    with pytest.raises(DataError):
        ws.save_schema(schema)  # no dataset yet
    ws.save_dataset(work, "people", schema)
    edited = Schema.from_dict({**schema.to_dict(), "target": "member"})
    ws.save_schema(edited)
    assert Workspace.open(ws.token).load_dataset()[2].target == "member"
    wrong = Schema.detect(work[["amount", "colour"]])
    with pytest.raises(DataError, match="columns"):
        ws.save_schema(wrong)


# ----- runs ----------------------------------------------------------------------------------------
def test_runs_tables_and_json_round_trip_and_survive_restart():
    work, schema = _working()
    ws = Workspace.open(new_token())
    dataset_id = ws.save_dataset(work, "people", schema)
    first = ws.add_run(_run("first", created_at="2024-01-01T00:00:00.000+00:00"))
    second = ws.add_run(_run("second", created_at="2024-01-02T00:00:00.000+00:00", conditions={"colour": "red"},
                             rules=["amount >= 0"]))
    assert first.dataset_id == dataset_id
    ws.save_table(first.id, "synthetic", work.iloc[:10])
    card = {"overall": np.float64(0.91), "n": np.int64(3), "flags": [np.bool_(True)], "nan": float("nan")}
    ws.save_json(first.id, "scorecard", card)
    ws.save_json(first.id, "losses", [{"epoch": 1, "loss": 0.5}])
    ws.update_run(first.id, status="done", duration_s=1.5, verdicts={"fidelity": "good"}, figures={"overall": 0.91})

    again = Workspace.open(ws.token)
    assert [r.name for r in again.runs()] == ["second", "first"]  # newest first
    assert [r.name for r in again.runs(dataset_id)] == ["second", "first"]
    got = again.get_run(first.id)
    assert got.status == "done" and got.duration_s == 1.5 and got.verdicts == {"fidelity": "good"}
    assert again.get_run(second.id).conditions == {"colour": "red"}
    assert again.get_run(second.id).rules == ["amount >= 0"]
    pd.testing.assert_frame_equal(again.load_table(first.id, "synthetic"), work.iloc[:10], check_exact=True)
    loaded = again.load_json(first.id, "scorecard")
    assert loaded["overall"] == 0.91 and loaded["n"] == 3 and loaded["flags"] == [True] and np.isnan(loaded["nan"])
    assert again.load_json(first.id, "losses") == [{"epoch": 1, "loss": 0.5}]
    assert again.load_table(second.id, "synthetic") is None and again.load_json(second.id, "scorecard") is None
    assert again.get_run("nope") is None
    assert not list(ws.path.rglob("*.tmp"))  # atomic writes leave no temporary files


def test_runs_keep_the_schema_and_split_they_started_with():
    work, schema = _working()
    ws = Workspace.open(new_token())
    ws.save_dataset(work, "people", schema, {"holdout_share": 0.25, "seed": 1})
    run = ws.add_run(_run())
    ws.save_schema(Schema.from_dict({**schema.to_dict(), "target": "member"}))
    ws.save_split({"holdout_share": 0.3, "seed": 2})
    kept_schema, kept_split = Workspace.open(ws.token).run_setup(run.id)
    assert kept_schema.to_dict() == schema.to_dict() and kept_schema.target != "member"
    assert kept_split == {"holdout_share": 0.25, "seed": 1}
    later = ws.add_run(_run("later"))
    assert ws.run_setup(later.id)[1] == {"holdout_share": 0.3, "seed": 2}
    assert ws.run_setup("unknown") is None


def test_failed_and_cancelled_runs_leave_earlier_runs_intact():
    work, schema = _working()
    ws = Workspace.open(new_token())
    ws.save_dataset(work, "people", schema)
    good = ws.add_run(_run("good"))
    ws.save_table(good.id, "synthetic", work)
    ws.save_json(good.id, "scorecard", {"overall": 0.8})
    good = ws.update_run(good.id, status="done", figures={"overall": 0.8})

    for status, exc in (("failed", RuntimeError("boom")), ("cancelled", KeyboardInterrupt())):
        bad = ws.add_run(_run(status))
        try:
            raise exc
        except (RuntimeError, KeyboardInterrupt) as e:
            ws.update_run(bad.id, status=status, error=str(e) or "Cancelled by the user.")

    again = Workspace.open(ws.token)
    statuses = {r.name: r.status for r in again.runs()}
    assert statuses == {"good": "done", "failed": "failed", "cancelled": "cancelled"}
    assert again.get_run(good.id) == good
    assert next(r for r in again.runs() if r.name == "failed").error == "boom"
    pd.testing.assert_frame_equal(again.load_table(good.id, "synthetic"), work, check_exact=True)
    assert again.load_json(good.id, "scorecard") == {"overall": 0.8}


def test_rename_and_delete_run():
    work, schema = _working()
    ws = Workspace.open(new_token())
    ws.save_dataset(work, "people", schema)
    keep, drop = ws.add_run(_run("keep")), ws.add_run(_run("drop"))
    for r in (keep, drop):
        ws.save_table(r.id, "synthetic", work)
    ws.rename_run(keep.id, "  renamed  ")
    assert ws.get_run(keep.id).name == "renamed"
    with pytest.raises(SynthLabError):
        ws.rename_run(keep.id, "   ")
    ws.delete_run(drop.id)
    ws.delete_run(drop.id)  # already gone: nothing happens
    assert [r.id for r in ws.runs()] == [keep.id]
    assert not (ws.path / "runs" / drop.id).exists()
    assert ws.load_table(keep.id, "synthetic") is not None
    with pytest.raises(SynthLabError, match="no longer exists"):
        ws.save_table(drop.id, "synthetic", work)
    with pytest.raises(SynthLabError, match="no longer exists"):
        ws.update_run(drop.id, status="done")


def test_run_ids_and_kinds_cannot_escape_the_workspace():
    ws = Workspace.open(new_token())
    run = ws.add_run(_run())
    for bad_kind in ("../x", "a/b", "", "Synthetic", "x" * 40):
        with pytest.raises(SynthLabError):
            ws.save_json(run.id, bad_kind, {})
    for bad_id in ("../x", "/abs", "a/b", ""):
        with pytest.raises(SynthLabError):
            ws.load_table(bad_id, "synthetic")
    with pytest.raises(ValueError):
        ws.update_run(run.id, id="other")


def test_replacing_the_dataset_keeps_old_runs_tied_to_the_old_data():
    work, schema = _working()
    ws = Workspace.open(new_token())
    old_id = ws.save_dataset(work, "old", schema)
    old_run = ws.add_run(_run("old run"))
    small = work.iloc[:20].reset_index(drop=True)
    new_id = ws.save_dataset(small, "new", schema)
    assert new_id != old_id and ws.active_dataset_id() == new_id
    assert ws.runs(new_id) == [] and [r.id for r in ws.runs(old_id)] == [old_run.id]
    assert ws.get_run(old_run.id).dataset_id == old_id
    assert len(ws.load_dataset()[0]) == 20
    assert len(ws.load_dataset(old_id)[0]) == len(work)  # still exportable
    ws.delete_run(old_run.id)  # nothing refers to the old data any more: it goes
    assert ws.load_dataset(old_id) is None and ws.dataset_info(old_id) is None
    assert len(list((ws.path / "datasets").glob("*.parquet"))) == 1


def test_interrupted_runs_are_marked_at_open():
    ws = Workspace.open(new_token())
    mine = ws.add_run(_run("still fitting here"))
    dead = ws.add_run(_run("dead process"))
    restarted = ws.add_run(_run("same pid, earlier server"))
    finished = ws.add_run(_run("finished"))
    ws.update_run(finished.id, status="done")
    with sqlite3.connect(ws.db_path) as con:
        con.execute("UPDATE runs SET owner = ? WHERE id = ?", ("999999999:deadbeef", dead.id))
        con.execute("UPDATE runs SET owner = ? WHERE id = ?", (f"{os.getpid()}:0123456789abcdef", restarted.id))
    con.close()
    again = Workspace.open(ws.token)
    status = {r.id: r.status for r in again.runs()}
    assert status == {mine.id: "running", dead.id: "interrupted", restarted.id: "interrupted", finished.id: "done"}
    assert "stopped" in again.get_run(dead.id).error


def test_two_tokens_are_isolated():
    work, schema = _working()
    a, b = Workspace.open(new_token()), Workspace.open(new_token())
    a.save_dataset(work, "a data", schema)
    run = a.add_run(_run("a run"))
    assert b.load_dataset() is None and b.runs() == [] and b.get_run(run.id) is None
    b.clear()
    assert a.load_dataset()[1] == "a data" and len(a.runs()) == 1


def test_clear_deletes_everything_and_leaves_an_empty_workspace():
    work, schema = _working()
    ws = Workspace.open(new_token())
    ws.save_dataset(work, "people", schema)
    run = ws.add_run(_run())
    ws.save_table(run.id, "synthetic", work)
    ws.clear()
    assert ws.load_dataset() is None and ws.runs() == []
    assert not (ws.path / "runs").exists() and not (ws.path / "datasets").exists()
    assert Workspace.exists(ws.token)
    ws.add_run(_run("after clear"))
    assert [r.name for r in Workspace.open(ws.token).runs()] == ["after clear"]


def test_threads_of_one_token_and_of_many_tokens_do_not_clash():
    work, schema = _working()
    shared = Workspace.open(new_token())
    shared.save_dataset(work, "people", schema)
    errors: list[BaseException] = []

    def worker(ws: Workspace, k: int) -> None:
        try:
            for i in range(8):
                run = ws.add_run(_run(f"t{k}-{i}"))
                ws.save_json(run.id, "scorecard", {"k": k, "i": i})
                ws.update_run(run.id, status="done", figures={"i": float(i)})
        except BaseException as e:  # collected: a thread's exception would otherwise vanish
            errors.append(e)

    others = [Workspace.open(new_token()) for _ in range(2)]
    threads = [threading.Thread(target=worker, args=(shared, k)) for k in range(3)]
    threads += [threading.Thread(target=worker, args=(ws, 10 + k)) for k, ws in enumerate(others)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    runs = shared.runs()
    assert len(runs) == 24 and all(r.status == "done" for r in runs)
    assert all(shared.load_json(r.id, "scorecard")["i"] == r.figures["i"] for r in runs)
    assert [len(ws.runs()) for ws in others] == [8, 8]


def test_stored_files_are_data_not_code(tmp_path):
    ws = Workspace.open(new_token(), root=tmp_path)
    work, schema = _working()
    ws.save_dataset(work, "people", schema)
    run = ws.add_run(_run())
    ws.save_table(run.id, "synthetic", work)
    suffixes = {p.suffix for p in Path(ws.path).rglob("*") if p.is_file()}
    assert suffixes <= {".sqlite", ".sqlite-wal", ".sqlite-shm", ".parquet", ".json"}
    assert {".parquet", ".sqlite"} <= suffixes


def test_deleting_a_run_removes_its_generate_at_scale_outputs():
    ws = Workspace.open(new_token())
    run = ws.add_run(_run("scaled"))
    out = ws.scale_dir(run.id, "out1")
    out.mkdir(parents=True)
    (out / "part-0.parquet").write_bytes(b"x")
    ws.delete_run(run.id)
    assert not ws.scale_dir(run.id).exists()
