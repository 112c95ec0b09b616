"""Numbered forward migrations: fresh files are created at the latest schema, older files move
forward once, in one transaction, with a backup kept beside them."""
from __future__ import annotations

import sqlite3

import pytest

from ludeme.store import MIGRATIONS, ProjectError, create_project, latest_version, open_project

from .conftest import html, sha256_of

calls: list[int] = []


def _migration_2(conn: sqlite3.Connection) -> None:
    calls.append(2)
    conn.execute("ALTER TABLE lineage ADD COLUMN colour TEXT NOT NULL DEFAULT '#fff'")


def _broken_migration(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE lineage ADD COLUMN half_done TEXT")
    raise RuntimeError("boom")


def test_fresh_project_is_at_the_latest_schema(project):
    assert project.schema_version == latest_version() == len(MIGRATIONS)
    tables = {r[0] for r in project.db.execute_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in ("meta", "change", "lineage", "version", "version_parent", "blob", "version_file",
                  "mechanic", "mechanic_fts", "version_mechanic", "recording", "vote", "memory",
                  "job", "ledger"):
        assert table in tables


def test_injected_migration_runs_once_and_keeps_data(tmp_path):
    path = tmp_path / "old.ludeme"
    with create_project(path) as proj:
        lin = proj.add_lineage("kept")
        ver = proj.add_version(lin.id, {"index.html": html()})
    calls.clear()
    extended = [*MIGRATIONS, _migration_2]
    with open_project(path, migrations=extended) as proj:
        assert proj.schema_version == len(extended)
        assert proj.meta("schema_version") == str(len(extended))
        assert proj.lineage(lin.id).title == "kept"
        assert proj.version_files(ver.id) == {"index.html": html()}
        colour = proj.db.execute_sql("SELECT colour FROM lineage").fetchone()[0]
        assert colour == "#fff"
    backup = tmp_path / f"old.ludeme.schema{len(MIGRATIONS)}.bak"
    assert backup.exists(), "an old file is copied before it is migrated"
    with open_project(backup) as old:
        assert old.schema_version == len(MIGRATIONS)
    with open_project(path, migrations=extended):
        pass
    assert calls == [2], "a migration runs once"
    # and the current Ludeme now refuses the migrated file as newer
    with pytest.raises(ProjectError, match="newer Ludeme"):
        open_project(path)


def test_failed_migration_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "old.ludeme"
    create_project(path).close()
    before = sha256_of(path)
    with pytest.raises(ProjectError, match="could not be upgraded"):
        open_project(path, migrations=[*MIGRATIONS, _broken_migration])
    with open_project(path) as proj:
        assert proj.schema_version == len(MIGRATIONS)
        columns = [r[1] for r in proj.db.execute_sql("PRAGMA table_info(lineage)")]
        assert "half_done" not in columns
    assert sha256_of(path) == before


def test_new_file_with_injected_migrations(tmp_path):
    calls.clear()
    with create_project(tmp_path / "n.ludeme", migrations=[*MIGRATIONS, _migration_2]) as proj:
        assert proj.schema_version == len(MIGRATIONS) + 1
    assert calls == [2]


def test_models_match_the_migrated_schema(project):
    """models.py and migration 1 are written separately: they must agree column for column."""
    for model in project.m.all:
        table = model._meta.table_name
        columns = {r[1]: r for r in project.db.execute_sql(f"PRAGMA table_info({table})")}
        fields = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(fields) == set(columns), table
        for name, field in fields.items():
            notnull = bool(columns[name][3])
            pk = bool(columns[name][5])
            assert notnull or pk or field.null, f"{table}.{name} is nullable but the model is not"
            assert not notnull or not field.null, f"{table}.{name} is NOT NULL but the model allows None"
