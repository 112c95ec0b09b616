"""Checking a project file before anything writes to it, and connecting to it.

A file is looked at in order: it exists, it starts with the SQLite header, its header names
Ludeme (``PRAGMA application_id``), then a read-only connection reads the schema version and runs
``PRAGMA quick_check``. Any refusal raises :class:`ProjectError` and leaves the file byte for byte
as it was; side files a read-only look had to create (``-wal``/``-shm``) are removed again.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from peewee import SqliteDatabase

from ludeme.store.migrations import APPLICATION_ID

SQLITE_MAGIC = b"SQLite format 3\x00"

PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", 5000),
    ("synchronous", "normal"),
)


class ProjectError(Exception):
    """A project file cannot be created or opened. The message is one line for a dialog."""

    def __init__(self, path: str | os.PathLike, problem: str, advice: str) -> None:
        self.path = Path(path)
        self.problem = " ".join(str(problem).split())
        super().__init__(f'"{self.path.name}" {self.problem}; {advice}')


def side_files(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def read_only_uri(path: Path) -> str:
    return f"{path.absolute().as_uri()}?mode=ro"


# Files this process holds open through SQLite, by (device, inode) → number of connections.
# Closing *any* descriptor of a file drops all of this process's POSIX locks on it (fcntl
# semantics); SQLite guards its own descriptors, but a plain open()/close() of a project file we
# already have open would silently drop our locks, and another process could then remove the WAL
# under us and lose our writes. So a file we have open is never read directly again.
_OPEN_INODES: dict[tuple[int, int], int] = {}
_OPEN_LOCK = threading.Lock()


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def register_open(path: Path) -> tuple[int, int] | None:
    key = _inode(path)
    if key is not None:
        with _OPEN_LOCK:
            _OPEN_INODES[key] = _OPEN_INODES.get(key, 0) + 1
    return key


def unregister_open(key: tuple[int, int] | None) -> None:
    if key is None:
        return
    with _OPEN_LOCK:
        n = _OPEN_INODES.get(key, 0) - 1
        if n > 0:
            _OPEN_INODES[key] = n
        else:
            _OPEN_INODES.pop(key, None)


def is_open_here(path: Path) -> bool:
    key = _inode(path)
    with _OPEN_LOCK:
        return key is not None and key in _OPEN_INODES


def inspect_file(path: Path, latest: int) -> int:
    """The schema version of an existing project file, or ProjectError. Writes nothing."""
    if is_open_here(path):  # already open and checked in this process: ask SQLite, not the file
        return _inspect_connected(path, latest)
    try:
        if path.is_dir():
            raise ProjectError(path, "is a folder, not a project file", "choose a .ludeme file")
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        raise ProjectError(path, "does not exist", "check the path or create a new project") from None
    except PermissionError:
        raise ProjectError(path, "cannot be read (permission denied)",
                           "check the file's permissions") from None
    except OSError as err:
        raise ProjectError(path, f"cannot be read ({err.strerror})", "check the disk") from None
    if head[:16] != SQLITE_MAGIC:
        raise ProjectError(path, "is not a Ludeme project (not an SQLite file)",
                           "choose a .ludeme file")
    problem = header_problem(head)
    if problem:
        raise ProjectError(path, f"is damaged: {problem}", _RESTORE)
    wal, shm = side_files(path)
    hot_wal = wal.exists() and wal.stat().st_size > 0
    # Without a WAL to replay, the header is authoritative: refuse other programs' databases
    # without even a read-only connection.
    if not hot_wal and int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        _refuse_foreign(path)
    missing = [p for p in (wal, shm) if not p.exists()]
    try:
        return _inspect_connected(path, latest)
    except ProjectError:
        # Only for a refused file: an accepted one is opened for writing at once and needs them.
        _remove_created(missing)
        raise


def header_problem(head: bytes) -> str | None:
    """What is wrong with the fixed fields of a 100-byte SQLite header, if anything."""
    if len(head) < 100:
        return "the file ends inside its header"
    page_size = int.from_bytes(head[16:18], "big")
    if not (page_size == 1 or (512 <= page_size <= 32768 and page_size & (page_size - 1) == 0)):
        return "its header has an impossible page size"
    if head[18] not in (1, 2) or head[19] not in (1, 2) or head[21:24] != b"\x40\x20\x20":
        return "its header is not a valid SQLite header"
    return None


def _inspect_connected(path: Path, latest: int) -> int:
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    except sqlite3.Error as err:
        raise ProjectError(path, f"cannot be opened ({err})", "check the file and its folder") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            _refuse_foreign(path)
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if schema > latest:
            raise ProjectError(
                path,
                f"was written by a newer Ludeme (schema {schema}, this version reads up to {latest})",
                "update Ludeme to open it",
            )
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise ProjectError(path, f"is damaged: {'; '.join(problems)}", _RESTORE)
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        if schema >= 1 and not has_meta:
            raise ProjectError(path, "is damaged: its meta table is missing", _RESTORE)
        return schema
    except sqlite3.DatabaseError as err:
        raise ProjectError(path, f"is damaged: {err}", _RESTORE) from None
    finally:
        conn.close()


_RESTORE = "restore it from a backup (Ludeme has not changed it)"


def _refuse_foreign(path: Path) -> None:
    raise ProjectError(path, "is not a Ludeme project (an SQLite database of another program)",
                       "choose a .ludeme file")


def _remove_created(paths: list[Path]) -> None:
    """Remove empty -wal / -shm files that a read-only look created (never a non-empty WAL)."""
    for p in paths:
        try:
            if p.name.endswith("-wal") and p.stat().st_size > 0:
                continue
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # in use or read-only folder: harmless litter, the project file is untouched


def connect(path: Path) -> SqliteDatabase:
    """A peewee database for one project; every write transaction is BEGIN IMMEDIATE."""
    return SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=5, lock_type="IMMEDIATE")


def publish(tmp: Path, path: Path) -> None:
    """Move a finished new project into place, never over an existing file."""
    wal = side_files(tmp)[0]
    if wal.exists() and wal.stat().st_size > 0:  # the file alone would miss those pages
        raise ProjectError(path, "could not be completed (its write-ahead log is still open)",
                           "try again")
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ProjectError(path, "already exists", "open it or choose another name") from None
    except OSError:  # file systems without hard links
        if path.exists():
            raise ProjectError(path, "already exists", "open it or choose another name") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def backup_before_migration(conn: sqlite3.Connection, path: Path, schema: int) -> Path:
    """A consistent copy of an old-schema file, kept beside it before migrating."""
    target = path.with_name(f"{path.name}.schema{schema}.bak")
    if target.exists():
        return target
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target
