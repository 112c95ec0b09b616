"""Lineage bundles: a lossless, re-importable export of a lineage (or of one version and its
ancestors), and its import.

A bundle is a zip (``*.ludeme-bundle``)::

    manifest.json            format, schema_version, app_version, target, counts,
                             sha256 and size of every other entry
    lineages.json            lineage rows (title, description, tags, favourite, archived, island…)
    versions.json            version rows, every field (plan, breakdown, ratings, cost, note…)
    edges.json               parent edges (child, parent, kind, position)
    files.json               each version's files: path, mime, sha256 of the blob
    recordings.json          recordings (video / contact sheet / thumbnail as blob sha256s, input
                             trace, console log, metrics, duration, fps, bot)
    votes.json               votes between two exported versions
    mechanics.json           archive entries the exported versions planned or realised
    version_mechanics.json   version ↔ mechanic links with their probe results
    memories.json            the lineages' memories (lessons)
    blobs/<sha256>           file and media bytes, each stored once

Never exported: the project's settings and meta table (model configuration), jobs and the
ledger. Nothing key-like can therefore leave the project.

Import is all or nothing: :func:`~ludeme.exchange.validate.read_bundle` checks the whole bundle
first, then everything is written in one transaction. A bundle whose lineages or versions are
already in the project (imported before, or exported from it) is refused with a clear reason;
``as_copy=True`` imports it again under fresh lineage and version ids instead. Row ids of
recordings, votes and memories are the importing project's own; mechanics the project already
has are kept as they are; a file's MIME type is derived from its name by this project's rule
(the game:// scheme serves it), never taken from the bundle.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TYPE_CHECKING

from peewee import DatabaseError, IntegrityError, OperationalError

from ludeme import __version__
from ludeme.core.domain import new_id
from ludeme.exchange import ExportError, ImportRefused
from ludeme.exchange.targets import Target, resolve_target
from ludeme.exchange.validate import (
    BLOB_DIR, DEFAULT_LIMITS, FORMAT, MANIFEST, PAYLOADS, SCHEMA, Bundle, Limits, Progress,
    read_bundle,
)
from ludeme.store.files import decode_blob, encode_blob, mime_for
from ludeme.store.models import dumps

if TYPE_CHECKING:
    from ludeme.store.project import Project

SUFFIX = ".ludeme-bundle"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # entries carry no clock: the same lineage zips the same
_CHUNK = 500

_LINEAGE_COLS = ("id", "title", "description", "tags", "favourite", "archived", "island", "created")
_VERSION_COLS = ("id", "lineage_id", "status", "operator", "generation", "plan", "mechanics",
                 "reward", "breakdown", "rating", "bt_score", "bt_low", "bt_high", "model",
                 "tokens_in", "tokens_out", "cost", "wall_time", "seed", "direction", "note",
                 "favourite", "deleted_at", "created", "evaluated")
_RECORDING_COLS = ("version_id", "video_sha", "contact_sheet_sha", "thumbnail_sha", "input_trace",
                   "console_log", "metrics", "duration", "fps", "bot", "created")
_VOTE_COLS = ("left_id", "right_id", "outcome", "voter", "judge_model", "blind", "created")
_MECHANIC_COLS = ("id", "name", "summary", "description", "changes", "category", "genres", "tags",
                  "structural", "kit_module", "example", "probe", "params", "origin",
                  "usage_count", "success_count", "created", "updated")
_VM_COLS = ("version_id", "mechanic_id", "role", "probe_ok", "probe_detail")
_MEMORY_COLS = ("lineage_id", "intent", "lesson", "q", "visits", "updated")
_JSON_COLS = {"tags", "plan", "mechanics", "breakdown", "input_trace", "metrics", "changes",
              "genres", "params"}
_BOOL_COLS = {"favourite", "archived", "blind", "structural", "probe_ok"}


# -- export ------------------------------------------------------------------------------------

def _rows(project: Project, table: str, cols: Sequence[str], key: str, ids: Sequence[str],
          order: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        part = list(ids[start:start + _CHUNK])
        cur = project.db.execute_sql(
            f"SELECT {', '.join(cols)} FROM {table} WHERE {key} IN ({', '.join('?' * len(part))})"
            f" ORDER BY {order}", part)
        for row in cur:
            item = {}
            for col, value in zip(cols, row):
                if col in _JSON_COLS and value is not None:
                    value = json.loads(value)
                elif col in _BOOL_COLS and value is not None:
                    value = bool(value)
                item[col] = value
            out.append(item)
    return out


def _out_path(out: str | Path, target: Target) -> Path:
    out = Path(out)
    if out.is_dir():
        slug = re.sub(r"[^A-Za-z0-9]+", "-", target.title).strip("-").lower() or "lineage"
        name = slug if target.kind == "lineage" else f"{slug}-{target.id}"
        out = out / f"{name}{SUFFIX}"
    if not out.parent.is_dir():  # a folder that does not exist yet is made, as every export does
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot make the folder {out.parent}: {exc.strerror or exc}") from None
    return out


def collect(project: Project, target: Target) -> dict[str, Any]:
    """The rows of a bundle (without blob bytes) for a resolved target."""
    vids = list(target.version_ids)
    versions = {v["id"]: v for v in _rows(project, "version", _VERSION_COLS, "id", vids, "rowid")}
    versions = [versions[v] for v in vids]  # parents before children
    exported = set(vids)
    lineages = _rows(project, "lineage", _LINEAGE_COLS, "id", list(target.lineage_ids), "created, id")
    edges = [
        {"child": e["child_id"], "parent": e["parent_id"], "kind": e["kind"], "position": e["position"]}
        for e in _rows(project, "version_parent", ("child_id", "parent_id", "kind", "position"),
                       "child_id", vids, "rowid")]
    files = [{"version_id": f["version_id"], "path": f["path"], "sha256": f["blob_sha"], "mime": f["mime"]}
             for f in _rows(project, "version_file", ("version_id", "path", "blob_sha", "mime"),
                            "version_id", vids, "version_id, path")]
    recordings = _rows(project, "recording", _RECORDING_COLS, "version_id", vids, "id")
    votes = [
        {"left": v["left_id"], "right": v["right_id"], **{k: v[k] for k in _VOTE_COLS[2:]}}
        for v in _rows(project, "vote", ("id",) + _VOTE_COLS, "left_id", vids, "id")
        if v["right_id"] in exported]
    links = _rows(project, "version_mechanic", _VM_COLS, "version_id", vids,
                  "version_id, role, mechanic_id")
    wanted = sorted({link["mechanic_id"] for link in links}
                    | {m for v in versions for m in v["mechanics"]})
    mechanics = _rows(project, "mechanic", _MECHANIC_COLS, "id", wanted, "id")
    memories = _rows(project, "memory", ("id",) + _MEMORY_COLS, "lineage_id",
                     list(target.lineage_ids), "id")
    for row in memories:
        del row["id"]
    # Each blob once, with a hint of its kind for how the importing project stores it.
    blobs: dict[str, str] = {}
    for f in files:
        blobs.setdefault(f["sha256"], f["mime"])
    for r in recordings:
        for col in ("video_sha", "contact_sheet_sha", "thumbnail_sha"):
            if r[col] is not None:
                blobs.setdefault(r[col], "application/octet-stream")
    return {"lineages": lineages, "versions": versions, "edges": edges, "files": files,
            "recordings": recordings, "votes": votes, "mechanics": mechanics,
            "version_mechanics": links, "memories": memories, "blobs": dict(sorted(blobs.items()))}


def _entry(name: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return info


def export_bundle(project: Project, target_id: str, out_path: str | Path, *,
                  progress: Progress | None = None) -> Path:
    """Write a lineage (id or title) or a version id with its ancestors as a bundle.

    ``out_path`` is the file to write, or an existing folder (the file is then named after the
    lineage). The bundle is written under a temporary name and moved into place when complete.
    Returns the path written. ``progress(fraction, message)`` follows the blobs written.
    """
    with _snapshot(project):
        return _export(project, target_id, out_path, progress)


@contextmanager
def _snapshot(project: Project):
    """One read transaction around the whole export: with WAL, a worker committing new versions
    meanwhile is not seen halfway (and is not blocked)."""
    if project.db.in_transaction():
        yield
        return
    conn = project.db.connection()
    conn.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        conn.execute("COMMIT")  # nothing was written: this only ends the snapshot


def _export(project: Project, target_id: str, out_path: str | Path, progress: Progress | None) -> Path:
    target = resolve_target(project, target_id)
    out = _out_path(out_path, target)
    data = collect(project, target)
    payloads: dict[str, dict[str, Any]] = {}
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        with zipfile.ZipFile(tmp, "w", compresslevel=6) as zf:
            for name in PAYLOADS:
                raw = json.dumps(data[name.removesuffix(".json")], ensure_ascii=False,
                                 separators=(",", ":"), allow_nan=False).encode("utf-8")
                zf.writestr(_entry(name, True), raw)
                payloads[name] = {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}
            for i, (sha, mime) in enumerate(data["blobs"].items()):
                if progress is not None:
                    progress(i / max(len(data["blobs"]), 1), "writing the bundle")
                row = project.db.execute_sql("SELECT codec, data FROM blob WHERE sha256 = ?",
                                             (sha,)).fetchone()
                if row is None:
                    raise ExportError(f"the project lacks blob {sha[:12]}… (damaged project?)")
                raw = decode_blob(row[0], row[1])
                if hashlib.sha256(raw).hexdigest() != sha:
                    raise ExportError(f"blob {sha[:12]}… in the project is damaged")
                codec, _ = encode_blob(raw[:65536], mime) if len(raw) > 65536 else encode_blob(raw, mime)
                zf.writestr(_entry(BLOB_DIR + sha, codec == "zlib"), raw)
                payloads[BLOB_DIR + sha] = {"sha256": sha, "size": len(raw)}
            counts = {key: len(data[key]) for key in
                      ("lineages", "versions", "edges", "files", "recordings", "votes",
                       "mechanics", "version_mechanics", "memories", "blobs")}
            manifest = {
                "format": FORMAT, "schema_version": SCHEMA, "app_version": __version__,
                "created": time.time(),
                "target": {"kind": target.kind, "id": target.id, "title": target.title},
                "counts": counts, "payloads": payloads,
            }
            zf.writestr(_entry(MANIFEST, True), json.dumps(manifest, indent=1, ensure_ascii=False))
        os.replace(tmp, out)
        if progress is not None:
            progress(1.0, "done")
    except ValueError as err:  # NaN or infinity in a JSON field: not JSON
        raise ExportError(f"cannot export {target.title!r}: {err}") from None
    except OSError as err:
        raise ExportError(f"cannot write {out} ({err.strerror or err})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out


# -- import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportResult:
    """What an import added to the project."""
    lineages: int
    versions: int
    edges: int
    files: int
    blobs: int            # blobs new to the project (the others it already had)
    recordings: int
    votes: int
    mechanics: int        # archive entries new to the project
    memories: int
    lineage_ids: tuple[str, ...]      # the imported lineages' ids in this project
    target: str                       # the bundle's target (lineage or version) id in this project
    title: str
    id_map: Mapping[str, str] = field(default_factory=dict)  # bundle id → new id (as_copy only)

    def summary(self) -> str:
        def n(count: int, word: str, plural: str = "") -> str:
            return f"{count} {word if count == 1 else plural or word + 's'}"
        return (f"imported {self.title!r}: {n(self.lineages, 'lineage')}, {n(self.versions, 'version')}, "
                f"{n(self.recordings, 'recording')}, {n(self.votes, 'vote')}, "
                f"{n(self.mechanics, 'new mechanic')}, {n(self.memories, 'memory', 'memories')}"
                + (" (as a copy, under new ids)" if self.id_map else ""))


def _existing(project: Project, table: str, ids: Iterable[str]) -> list[str]:
    ids = list(ids)
    found: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        part = ids[start:start + _CHUNK]
        found += [row[0] for row in project.db.execute_sql(
            f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(part))})", part)]
    return found


def _clash(project: Project, bundle: Bundle) -> str | None:
    versions = _existing(project, "version", (v.id for v in bundle.versions))
    lineages = _existing(project, "lineage", (lin.id for lin in bundle.lineages))
    if not versions and not lineages:
        return None
    if versions:
        what = (f"all {len(bundle.versions)} of its versions" if len(versions) == len(bundle.versions)
                else f"{len(versions)} of its {len(bundle.versions)} versions")
    else:
        what = f"{len(lineages)} of its lineages"
    return (f"this project already has {what} (e.g. {(versions or lineages)[0]}): the bundle was "
            "imported before or exported from here; import it as a copy (--copy) to get new ids")


def _value(col: str, value: Any) -> Any:
    if col in _JSON_COLS:
        return None if value is None else dumps(value)
    if col in _BOOL_COLS:
        return None if value is None else int(value)
    return value


def _insert(conn: sqlite3.Connection, table: str, cols: Sequence[str],
            rows: Iterable[Mapping[str, Any]], *, conflict: str = "") -> int:
    sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
           + (f" {conflict}" if conflict else ""))
    cur = conn.executemany(sql, ([_value(c, row[c]) for c in cols] for row in rows))
    return max(cur.rowcount, 0)  # rows this statement wrote (triggers' writes not counted)


def import_bundle(project: Project, bundle_path: str | Path, *, as_copy: bool = False,
                  limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None) -> ImportResult:
    """Check a bundle completely, then add it to the project in one transaction.

    Raises :class:`ImportRefused` (one-line reason) and writes nothing if the bundle is unsafe,
    damaged, from a newer Ludeme, or already in this project (unless ``as_copy``).
    """
    half = None if progress is None else (lambda f, msg: progress(f / 2, msg))
    later = None if progress is None else (lambda f, msg: progress(0.5 + f / 2, msg))
    return import_checked(project, read_bundle(bundle_path, limits, progress=half), as_copy=as_copy,
                          progress=later)


def import_checked(project: Project, bundle: Bundle, *, as_copy: bool = False,
                   progress: Progress | None = None) -> ImportResult:
    """Import a bundle that :func:`read_bundle` has already checked (see :func:`import_bundle`)."""
    clash = None if as_copy else _clash(project, bundle)
    if clash:
        raise ImportRefused(clash)
    id_map: dict[str, str] = {}
    if as_copy:
        for row in (*bundle.lineages, *bundle.versions):
            id_map[row.id] = new_id()
    m = id_map.get if as_copy else (lambda key, default=None: key)

    def remap(rows, **cols):
        for row in rows:
            item = row.model_dump()
            for col, src in cols.items():
                item[col] = m(item.pop(src) if src != col else item[col], None)
            yield item

    mimes: dict[str, str] = {}  # the type is this project's rule for the name, never the bundle's word
    for f in bundle.files:
        mimes.setdefault(f.sha256, mime_for(f.path))
    try:
        with project.db.atomic():
            clash = None if as_copy else _clash(project, bundle)  # again, inside the write lock
            if clash:
                raise ImportRefused(clash)
            conn = project.db.connection()
            new_blobs = 0
            total, done = sum(bundle.blob_sizes.values()) or 1, 0
            for sha, data in bundle.blobs():
                done += len(data)
                if progress is not None:
                    progress(0.9 * done / total, "importing")
                if conn.execute("SELECT 1 FROM blob WHERE sha256 = ?", (sha,)).fetchone() is None:
                    project._insert_blob(data, mimes.get(sha, "application/octet-stream"))
                    new_blobs += 1
            n_lin = _insert(conn, "lineage", _LINEAGE_COLS, remap(bundle.lineages, id="id"))
            n_ver = _insert(conn, "version", _VERSION_COLS,
                            remap(bundle.versions, id="id", lineage_id="lineage_id"))
            n_edges = _insert(conn, "version_parent", ("child_id", "parent_id", "kind", "position"),
                              remap(bundle.edges, child_id="child", parent_id="parent"))
            n_files = _insert(conn, "version_file", ("version_id", "path", "blob_sha", "mime"),
                              ({**f, "blob_sha": f["sha256"], "mime": mime_for(f["path"])}
                               for f in remap(bundle.files, version_id="version_id")))
            n_mech = _insert(conn, "mechanic", _MECHANIC_COLS,
                             (row.model_dump() for row in bundle.mechanics),
                             conflict="ON CONFLICT (id) DO NOTHING")
            _insert(conn, "version_mechanic", _VM_COLS,
                    remap(bundle.version_mechanics, version_id="version_id"))
            n_rec = _insert(conn, "recording", _RECORDING_COLS,
                            remap(bundle.recordings, version_id="version_id"))
            n_votes = _insert(conn, "vote", _VOTE_COLS,
                              remap(bundle.votes, left_id="left", right_id="right"))
            n_mem = _insert(conn, "memory", _MEMORY_COLS, remap(bundle.memories, lineage_id="lineage_id"))
    except (IntegrityError, sqlite3.IntegrityError) as err:
        raise ImportRefused(f"the bundle does not fit this project ({err}); nothing was imported") from None
    except (OperationalError, sqlite3.OperationalError) as err:
        if "locked" in str(err) or "busy" in str(err):
            raise ImportRefused("the project is busy (another process is writing to it); nothing was "
                                "imported, try again in a moment") from None
        raise ImportRefused(f"could not write to the project ({err}); nothing was imported") from None
    except (DatabaseError, sqlite3.DatabaseError) as err:
        raise ImportRefused(f"could not write to the project ({err}); nothing was imported") from None
    target = bundle.manifest.target
    if progress is not None:
        progress(1.0, "done")
    return ImportResult(
        lineages=n_lin, versions=n_ver, edges=n_edges, files=n_files, blobs=new_blobs,
        recordings=n_rec, votes=n_votes, mechanics=n_mech, memories=n_mem,
        lineage_ids=tuple(m(lin.id, None) for lin in bundle.lineages),
        target=m(target.id, None), title=target.title, id_map=dict(id_map))
