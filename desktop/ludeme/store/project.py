"""A project: one ``*.ludeme`` SQLite file, opened with :func:`open_project`.

Each Project owns its peewee database and its own model classes, so several projects can be
open in one process. Repository methods (from the mixins) return frozen objects of
:mod:`ludeme.core.domain`, never peewee rows; every write is one IMMEDIATE transaction.
"""
from __future__ import annotations

import secrets
import threading
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from peewee import DatabaseError

from ludeme import __version__
from ludeme.store import db as dbmod
from ludeme.store.db import ProjectError
from ludeme.store.files import FilesMixin
from ludeme.store.jobs import JobsMixin
from ludeme.store.lineages import LineagesMixin
from ludeme.store.mechanics import MechanicsMixin
from ludeme.store.migrations import MIGRATIONS, Migration, migrate
from ludeme.store.models import build_models
from ludeme.store.records import RecordsMixin
from ludeme.store.table import TableMixin
from ludeme.store.versions import VersionsMixin


class Project(FilesMixin, LineagesMixin, VersionsMixin, TableMixin, MechanicsMixin, RecordsMixin,
              JobsMixin):
    def __init__(self, path: Path, database, migrations: Sequence[Migration]) -> None:
        self.path = path
        self.db = database
        self.m = build_models(database)
        self._latest = len(migrations)
        self._open_key = dbmod.register_open(path)
        self._owner_thread = threading.get_ident()

    def __repr__(self) -> str:
        return f"<Project {str(self.path)!r}>"

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close this thread's connection (the last one to close folds the WAL into the file)."""
        if not self.db.is_closed():
            try:
                self.db.execute_sql("PRAGMA optimize")  # keeps the query planner's statistics fresh
            except DatabaseError:
                pass  # busy or read-only: statistics can wait for the next close
            self.db.close()
        if threading.get_ident() == self._owner_thread:  # other threads close only their connection
            dbmod.unregister_open(self._open_key)
            self._open_key = None

    @property
    def schema_version(self) -> int:
        return self.db.execute_sql("PRAGMA user_version").fetchone()[0]

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute_sql("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db.execute_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                (key, str(value)))

    def change_counter(self) -> int:
        """A number that grows whenever any process commits a change to lineages, versions, jobs,
        votes, recordings, mechanics or memories: poll it, refresh when it moves."""
        return self.db.execute_sql("SELECT sum(counter) FROM change").fetchone()[0]

    def change_counters(self) -> dict[str, int]:
        """The counter per topic (lineage, version, job, vote, recording, mechanic, memory)."""
        return dict(self.db.execute_sql("SELECT topic, counter FROM change").fetchall())


def open_project(path: str | Path, create: bool = False, *,
                 migrations: Sequence[Migration] | None = None) -> Project:
    """Open a project file, migrating it forward if it is older (a backup copy is kept beside it).

    Files that are missing (unless ``create``), not SQLite, another program's database, from a
    newer Ludeme, or damaged raise :class:`ProjectError` and are left untouched.
    """
    path = Path(path)
    migrations = list(MIGRATIONS if migrations is None else migrations)
    if create and not path.exists():
        try:
            return create_project(path, migrations=migrations)
        except ProjectError:
            if not path.exists():  # lost a race with another process creating it: open theirs
                raise
    schema = dbmod.inspect_file(path, len(migrations))
    database = dbmod.connect(path)
    try:
        database.connect()  # WAL needs to write beside the file: fail here, not on first use
    except DatabaseError as err:
        raise ProjectError(path, f"cannot be opened for writing ({err})",
                           "check that the file and its folder are writable") from None
    try:
        if schema < len(migrations):
            conn = database.connection()
            dbmod.backup_before_migration(conn, path, schema)
            migrate(conn, migrations, __version__)
        return Project(path, database, migrations)
    except ProjectError:
        database.close()
        raise
    except Exception as err:
        database.close()
        raise ProjectError(path, f"could not be upgraded ({err})",
                           "the file is unchanged; report this to the Ludeme developers") from err


def create_project(path: str | Path, *, populate: Callable[[Project], None] | None = None,
                   migrations: Sequence[Migration] | None = None) -> Project:
    """Create a new project file (and its folder). It is built under a temporary name and moved
    into place only when complete, so a crash never leaves a half-made project behind."""
    path = Path(path)
    migrations = list(MIGRATIONS if migrations is None else migrations)
    if path.exists():
        raise ProjectError(path, "already exists", "open it or choose another name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ProjectError(path, f"cannot be created ({err.strerror})",
                           "choose a folder you can write to") from None
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.creating")
    try:
        database = dbmod.connect(tmp)
        project = Project(tmp, database, migrations)
        try:
            migrate(database.connection(), migrations, __version__)
            if populate is not None:
                populate(project)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            project.close()
        dbmod.publish(tmp, path)
    except OSError as err:
        raise ProjectError(path, f"cannot be created ({err.strerror or err})",
                           "choose a folder you can write to") from None
    except (sqlite3.Error, DatabaseError) as err:
        raise ProjectError(path, f"cannot be created ({err})",
                           "check the disk, or report this to the Ludeme developers") from err
    finally:
        for leftover in (tmp, *dbmod.side_files(tmp)):
            leftover.unlink(missing_ok=True)
    return open_project(path, migrations=migrations)
