"""Opening and creating project files; refused files are left byte for byte as they were."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from ludeme.store import ProjectError, create_project, latest_version, open_project
from ludeme.store.migrations import APPLICATION_ID
from tests.bulk import add_versions_bulk

from .conftest import html, sha256_of

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def _valid_project(path):
    proj = create_project(path)
    lin = proj.add_lineage("L")
    add_versions_bulk(proj, lin.id, 300, unique_files=True)
    proj.close()
    return path


def _refused(path, *needles):
    before = sha256_of(path)
    siblings = sorted(os.listdir(path.parent))
    with pytest.raises(ProjectError) as err:
        open_project(path)
    message = str(err.value)
    assert "\n" not in message and path.name in message
    for needle in needles:
        assert needle in message
    assert sha256_of(path) == before, "a refused file must not change"
    assert sorted(os.listdir(path.parent)) == siblings, "a refused file gets no side files"
    return message


def test_create_then_open(tmp_path):
    path = tmp_path / "sub" / "dir" / "new.ludeme"
    proj = create_project(path)
    assert proj.schema_version == latest_version()
    assert proj.meta("application") == "ludeme"
    assert proj.meta("schema_version") == str(latest_version())
    assert proj.meta("created_by")
    assert proj.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert proj.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert proj.db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert proj.db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert proj.db.execute_sql("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    proj.close()
    assert [p.name for p in path.parent.iterdir()] == ["new.ludeme"]  # no temporary leftovers
    with open_project(path) as again:
        assert again.lineages() == []


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "x.ludeme"
    path.write_text("mine")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "mine"


def test_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        open_project(tmp_path / "nope.ludeme")
    assert not (tmp_path / "nope.ludeme").exists()
    with open_project(tmp_path / "nope.ludeme", create=True) as proj:
        assert proj.schema_version == latest_version()


def test_folder_is_refused(tmp_path):
    with pytest.raises(ProjectError, match="folder"):
        open_project(tmp_path)


@pytest.mark.parametrize("content", [PNG, b"just some text\n", b"", b"SQLite format 2\x00rest"],
                         ids=["png", "text", "empty", "almost"])
def test_non_sqlite_files_are_refused_untouched(tmp_path, content):
    path = tmp_path / "thing.ludeme"
    path.write_bytes(content)
    _refused(path, "not a Ludeme project (not an SQLite file)")


@pytest.mark.parametrize("wal", [False, True])
def test_foreign_sqlite_database_is_refused_untouched(tmp_path, wal):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA user_version = 99")  # plenty of programs use user_version too
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    conn.close()
    _refused(path, "not a Ludeme project", "another program")


def test_newer_file_is_refused_untouched(tmp_path):
    path = _valid_project(tmp_path / "future.ludeme")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 3}")
    conn.close()
    message = _refused(path, "newer Ludeme", f"schema {latest_version() + 3}",
                       f"reads up to {latest_version()}", "update Ludeme")
    assert message.startswith('"future.ludeme"')


def test_random_bytes_after_a_valid_header_are_refused_untouched(tmp_path):
    path = tmp_path / "noise.ludeme"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    _refused(path, "damaged")


def test_truncated_file_is_refused_untouched(tmp_path):
    path = _valid_project(tmp_path / "cut.ludeme")
    data = path.read_bytes()
    assert len(data) > 64 * 1024
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "damaged")


def test_corrupted_pages_are_refused_untouched(tmp_path):
    path = _valid_project(tmp_path / "rot.ludeme")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 2, len(data) - page, page * 3):  # scribble over many pages
        data[offset + 8: offset + 200] = os.urandom(192)
    path.write_bytes(bytes(data))
    _refused(path, "damaged")


def test_two_projects_open_at_once_do_not_mix(tmp_path):
    a = create_project(tmp_path / "a.ludeme")
    b = create_project(tmp_path / "b.ludeme")
    try:
        la = a.add_lineage("only in a")
        lb = b.add_lineage("only in b")
        va = a.add_version(la.id, {"index.html": html("a")})
        b.add_version(lb.id, {"index.html": html("b")})
        assert [x.title for x in a.lineages()] == ["only in a"]
        assert [x.title for x in b.lineages()] == ["only in b"]
        assert a.version_file(va.id, "index.html")[0] == html("a")
        assert b.version_file(va.id, "index.html") is None
        a.add_vote(va.id, a.add_version(la.id, {}).id, "left")
        assert len(a.votes()) == 1 and b.votes() == []
        assert a.m.Version is not b.m.Version
        assert a.m.Vote.select().count() == 1 and b.m.Vote.select().count() == 0
    finally:
        a.close()
        b.close()


def test_reopen_keeps_everything(tmp_path):
    path = tmp_path / "keep.ludeme"
    with create_project(path) as proj:
        lin = proj.add_lineage("L", tags=["puzzle"])
        v = proj.add_version(lin.id, {"index.html": html()}, status="evaluated", reward=0.7)
    with open_project(path) as proj:
        assert proj.lineage(lin.id).tags == ("puzzle",)
        assert proj.version(v.id) == v
        assert proj.version_files(v.id) == {"index.html": html()}


def test_a_crash_loses_nothing_committed(tmp_path):
    """Files copied while a project is open (as a killed process leaves them: main file plus a
    write-ahead log not yet folded in) open with everything that was committed."""
    import shutil

    path = tmp_path / "live.ludeme"
    proj = create_project(path)
    lin = proj.add_lineage("survives")
    ver = proj.add_version(lin.id, {"index.html": html("committed")})
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            shutil.copy(f"{path}{suffix}", crashed / f"live.ludeme{suffix}")
    proj.close()
    assert (crashed / "live.ludeme-wal").stat().st_size > 0
    with open_project(crashed / "live.ludeme") as again:
        assert again.lineage(lin.id).title == "survives"
        assert again.version_file(ver.id, "index.html")[0] == html("committed")


def test_same_file_opened_twice(tmp_path, project):
    lin = project.add_lineage("shared")
    with open_project(project.path) as second:
        assert second.lineage(lin.id).title == "shared"
        second.update_lineage(lin.id, title="renamed elsewhere")
    assert project.lineage(lin.id).title == "renamed elsewhere"
