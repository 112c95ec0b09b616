"""Numbered forward migrations of the project file.

``MIGRATIONS[n - 1]`` takes a file from schema ``n - 1`` to schema ``n``; migration 1 creates
everything. Each one is frozen once released: later changes are new functions appended to the
list, never edits of old ones, so migration 1 is plain SQL and does not follow models.py.
The schema version lives in ``PRAGMA user_version`` (and in Meta for people reading the file).
All pending migrations run in one IMMEDIATE transaction: a failure leaves the file as it was.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence

APPLICATION_ID = 0x4C55444D  # "LUDM", in the SQLite header at offset 68

Migration = Callable[[sqlite3.Connection], None]

_CHANGE_TOPICS = ("lineage", "version", "job", "vote", "recording", "mechanic", "memory")

_SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
CREATE TABLE change (topic TEXT PRIMARY KEY NOT NULL, counter INTEGER NOT NULL DEFAULT 0);
CREATE TABLE lineage (
  id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]', favourite INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0, island INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL);
CREATE TABLE version (
  id TEXT PRIMARY KEY NOT NULL,
  lineage_id TEXT NOT NULL REFERENCES lineage (id) ON DELETE CASCADE,
  status TEXT NOT NULL, operator TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 0,
  plan TEXT, mechanics TEXT NOT NULL DEFAULT '[]', reward REAL,
  breakdown TEXT NOT NULL DEFAULT '{}', rating INTEGER CHECK (rating BETWEEN 0 AND 5),
  bt_score REAL, bt_low REAL, bt_high REAL, model TEXT,
  tokens_in INTEGER NOT NULL DEFAULT 0, tokens_out INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0, wall_time REAL, seed INTEGER NOT NULL DEFAULT 0,
  direction TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
  favourite INTEGER NOT NULL DEFAULT 0, deleted_at REAL, created REAL NOT NULL, evaluated REAL,
  rev INTEGER NOT NULL DEFAULT 0);
CREATE INDEX version_lineage ON version (lineage_id);
CREATE INDEX version_rev ON version (rev);
CREATE INDEX version_status ON version (status);
CREATE TABLE version_parent (
  child_id TEXT NOT NULL REFERENCES version (id) ON DELETE CASCADE,
  parent_id TEXT NOT NULL REFERENCES version (id),
  kind TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (child_id, position));
CREATE INDEX version_parent_parent ON version_parent (parent_id);
CREATE TABLE blob (
  sha256 TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, codec TEXT NOT NULL DEFAULT '',
  data BLOB NOT NULL);
CREATE TABLE version_file (
  version_id TEXT NOT NULL REFERENCES version (id) ON DELETE CASCADE,
  path TEXT NOT NULL, blob_sha TEXT NOT NULL REFERENCES blob (sha256), mime TEXT NOT NULL,
  PRIMARY KEY (version_id, path));
CREATE INDEX version_file_blob ON version_file (blob_sha);
CREATE TABLE mechanic (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  changes TEXT NOT NULL DEFAULT '[]', category TEXT NOT NULL DEFAULT '',
  genres TEXT NOT NULL DEFAULT '[]', tags TEXT NOT NULL DEFAULT '[]',
  structural INTEGER NOT NULL DEFAULT 0, kit_module TEXT, example TEXT NOT NULL DEFAULT '',
  probe TEXT NOT NULL DEFAULT '', params TEXT NOT NULL DEFAULT '{}',
  origin TEXT NOT NULL DEFAULT 'seed', usage_count INTEGER NOT NULL DEFAULT 0,
  success_count INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, updated REAL NOT NULL);
CREATE INDEX mechanic_category ON mechanic (category);
CREATE VIRTUAL TABLE mechanic_fts USING fts5 (
  id, name, summary, description, category, genres, tags, changes,
  content='mechanic', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER mechanic_fts_insert AFTER INSERT ON mechanic BEGIN
  INSERT INTO mechanic_fts (rowid, id, name, summary, description, category, genres, tags, changes)
  VALUES (new.seq, new.id, new.name, new.summary, new.description, new.category, new.genres,
          new.tags, new.changes);
END;
CREATE TRIGGER mechanic_fts_delete AFTER DELETE ON mechanic BEGIN
  INSERT INTO mechanic_fts (mechanic_fts, rowid, id, name, summary, description, category, genres,
                            tags, changes)
  VALUES ('delete', old.seq, old.id, old.name, old.summary, old.description, old.category,
          old.genres, old.tags, old.changes);
END;
CREATE TRIGGER mechanic_fts_update AFTER UPDATE ON mechanic BEGIN
  INSERT INTO mechanic_fts (mechanic_fts, rowid, id, name, summary, description, category, genres,
                            tags, changes)
  VALUES ('delete', old.seq, old.id, old.name, old.summary, old.description, old.category,
          old.genres, old.tags, old.changes);
  INSERT INTO mechanic_fts (rowid, id, name, summary, description, category, genres, tags, changes)
  VALUES (new.seq, new.id, new.name, new.summary, new.description, new.category, new.genres,
          new.tags, new.changes);
END;
CREATE TABLE version_mechanic (
  version_id TEXT NOT NULL REFERENCES version (id) ON DELETE CASCADE,
  mechanic_id TEXT NOT NULL, role TEXT NOT NULL, probe_ok INTEGER,
  probe_detail TEXT NOT NULL DEFAULT '', PRIMARY KEY (version_id, mechanic_id, role));
CREATE INDEX version_mechanic_mechanic ON version_mechanic (mechanic_id);
CREATE TABLE recording (
  id INTEGER PRIMARY KEY, version_id TEXT NOT NULL REFERENCES version (id) ON DELETE CASCADE,
  video_sha TEXT REFERENCES blob (sha256), contact_sheet_sha TEXT REFERENCES blob (sha256),
  thumbnail_sha TEXT REFERENCES blob (sha256), input_trace TEXT NOT NULL DEFAULT '[]',
  console_log TEXT NOT NULL DEFAULT '', metrics TEXT NOT NULL DEFAULT '{}',
  duration REAL NOT NULL DEFAULT 0, fps REAL NOT NULL DEFAULT 0, bot TEXT NOT NULL DEFAULT '',
  created REAL NOT NULL);
CREATE INDEX recording_version ON recording (version_id);
CREATE TABLE vote (
  id INTEGER PRIMARY KEY, left_id TEXT NOT NULL REFERENCES version (id) ON DELETE CASCADE,
  right_id TEXT NOT NULL REFERENCES version (id) ON DELETE CASCADE, outcome TEXT NOT NULL,
  voter TEXT NOT NULL, judge_model TEXT, blind INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL);
CREATE INDEX vote_left ON vote (left_id);
CREATE INDEX vote_right ON vote (right_id);
CREATE TABLE memory (
  id INTEGER PRIMARY KEY, lineage_id TEXT NOT NULL REFERENCES lineage (id) ON DELETE CASCADE,
  intent TEXT NOT NULL, lesson TEXT NOT NULL DEFAULT '', q REAL NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0, updated REAL NOT NULL);
CREATE INDEX memory_lineage ON memory (lineage_id);
CREATE TABLE job (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}',
  priority INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, worker TEXT,
  heartbeat REAL, error TEXT, result TEXT, created REAL NOT NULL, started REAL, finished REAL);
CREATE INDEX job_queue ON job (status, priority, id);
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY, role TEXT NOT NULL, model TEXT NOT NULL,
  tokens_in INTEGER NOT NULL DEFAULT 0, tokens_out INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0, latency REAL NOT NULL DEFAULT 0,
  version_id TEXT REFERENCES version (id) ON DELETE SET NULL,
  job_id INTEGER REFERENCES job (id) ON DELETE SET NULL, created REAL NOT NULL);
CREATE INDEX ledger_created ON ledger (created);
"""


def _change_triggers(topic: str) -> str:
    """Bump the topic's counter on every write. A version row also keeps the counter value of its
    last change (``rev``), so a view can fetch only what changed since it last looked."""
    bump = f"UPDATE change SET counter = counter + 1 WHERE topic = '{topic}';"
    stamp = ("UPDATE version SET rev = (SELECT counter FROM change WHERE topic = 'version')"
             " WHERE rowid = new.rowid;" if topic == "version" else "")
    when = " WHEN new.rev = old.rev" if topic == "version" else ""
    return (
        f"CREATE TRIGGER {topic}_changed_insert AFTER INSERT ON {topic} BEGIN {bump} {stamp} END;\n"
        f"CREATE TRIGGER {topic}_changed_update AFTER UPDATE ON {topic}{when}"
        f" BEGIN {bump} {stamp} END;\n"
        f"CREATE TRIGGER {topic}_changed_delete AFTER DELETE ON {topic} BEGIN {bump} END;\n"
    )


def _migration_1(conn: sqlite3.Connection) -> None:
    """Create everything."""
    for statement in _split(_SCHEMA_1 + "".join(_change_triggers(t) for t in _CHANGE_TOPICS)):
        conn.execute(statement)
    conn.executemany("INSERT INTO change (topic, counter) VALUES (?, 0)",
                     [(t,) for t in _CHANGE_TOPICS])
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
        ("application", "ludeme"),
        ("created", repr(time.time())),
    ])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _split(script: str) -> list[str]:
    """Statements of a script (triggers keep their inner semicolons)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement: {current.strip()[:80]}")
    return statements


def _migration_2(conn: sqlite3.Connection) -> None:
    """A version's quality (what the game is) and progress (what it adds) beside its score, so the
    tree can colour by either; filled from the breakdown where it already holds them."""
    conn.execute("ALTER TABLE version ADD COLUMN quality REAL")
    conn.execute("ALTER TABLE version ADD COLUMN progress REAL")
    conn.execute("UPDATE version SET quality = json_extract(breakdown, '$.quality'),"
                 " progress = json_extract(breakdown, '$.progress') WHERE json_valid(breakdown)"
                 " AND json_extract(breakdown, '$.quality') IS NOT NULL")


MIGRATIONS: list[Migration] = [_migration_1, _migration_2]


def latest_version(migrations: Sequence[Migration] | None = None) -> int:
    return len(MIGRATIONS if migrations is None else migrations)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] | None = None,
            app_version: str = "") -> tuple[int, int]:
    """Bring an open connection (autocommit mode) to the latest schema; returns (old, new).

    The current version is read again inside the write lock, so two processes opening the same
    old file at once migrate it only once.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    target = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > target:
            raise RuntimeError(f"schema {current} is newer than {target}")
        for number in range(current + 1, target + 1):
            migrations[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
        if current < target:
            rows = [("schema_version", str(target)), ("migrated_by", app_version)]
            if current == 0:
                rows.append(("created_by", app_version))
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", rows)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current, target
