"""Versions and their parent edges.

Listing is the hot path (the lineage tree asks for every version): it is one SQL statement, no
blobs, and builds the frozen Version objects directly, parsing plan and breakdown JSON only when
someone reads them.
"""
from __future__ import annotations

import gc
import json
import time
from contextlib import contextmanager
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ludeme.core.domain import (
    EMPTY, Edge, FrozenMap, MechanicRole, Operator, Version, VersionStatus, new_id,
)
from ludeme.store.models import dumps

COLUMNS = ("id", "lineage_id", "status", "operator", "generation", "plan", "mechanics", "reward",
           "breakdown", "rating", "bt_score", "bt_low", "bt_high", "model", "tokens_in",
           "tokens_out", "cost", "wall_time", "seed", "direction", "note", "favourite",
           "deleted_at", "created", "evaluated")
_SELECT = (
    f"SELECT {', '.join('v.' + c for c in COLUMNS)}, (SELECT group_concat(parent_id, ' ') FROM "
    "(SELECT parent_id FROM version_parent p WHERE p.child_id = v.id ORDER BY p.position))"
    " FROM version v"
)
_INSERT = f"INSERT INTO version ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_STATUS = {s.value: s for s in VersionStatus}
_OPERATOR = {o.value: o for o in Operator}
_FINISHED = {VersionStatus.EVALUATED, VersionStatus.BROKEN, VersionStatus.REJECTED}
# After evaluation the game itself is fixed (edits make new versions); scores and notes may move.
_MUTABLE = {"status", "plan", "mechanics", "reward", "breakdown", "model", "tokens_in",
            "tokens_out", "cost", "wall_time", "note", "direction", "evaluated"}
_MUTABLE_FINISHED = {"status", "reward", "breakdown", "note", "direction"}


def version_from_row(row: Sequence[Any], mechanics_cache: dict[str, tuple[str, ...]]) -> Version:
    """A Version from a row of _SELECT. Skips __init__ (its checks cost more than the fetch when
    listing 100,000 versions); the row comes from our own schema, so it is already valid."""
    (vid, lineage_id, status, operator, generation, plan, mechanics, reward, breakdown, rating,
     bt_score, bt_low, bt_high, model, tokens_in, tokens_out, cost, wall_time, seed, direction,
     note, favourite, deleted_at, created, evaluated, parents) = row
    mech = mechanics_cache.get(mechanics)
    if mech is None:
        mech = mechanics_cache[mechanics] = tuple(json.loads(mechanics))
    v = _new(Version)
    v.__dict__.update(
        id=vid, lineage_id=lineage_id, status=_STATUS[status], operator=_OPERATOR[operator],
        generation=generation, parents=() if parents is None else tuple(parents.split(" ")),
        plan=None if plan is None else _lazy(plan), mechanics=mech, reward=reward,
        breakdown=EMPTY if breakdown == "{}" else _lazy(breakdown), rating=rating,
        bt_score=bt_score, bt_low=bt_low, bt_high=bt_high, model=model, tokens_in=tokens_in,
        tokens_out=tokens_out, cost=cost, wall_time=wall_time, seed=seed, direction=direction,
        note=note, favourite=favourite == 1, deleted_at=deleted_at, created=created,
        evaluated=evaluated)
    return v


_new = object.__new__
_lazy = FrozenMap.lazy


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many acyclic objects: its passes,
    triggered by every 700 allocations, would otherwise cost as much as the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parents(parents: Iterable[str | tuple[str, str]], default_kind: str) -> list[tuple[str, str]]:
    out = []
    for p in parents:
        pid, kind = (p, default_kind) if isinstance(p, str) else (p[0], p[1])
        out.append((pid, str(kind)))
    return out



def version_where(*, lineage_id: str | None = None, include_deleted: bool = True,
                  changed_since: int | None = None, alias: str = "") -> tuple[str, list]:
    """The WHERE clause (with its arguments) that every version listing shares: by lineage, live
    only unless deleted ones are wanted, or changed since a counter value (deleted ones included,
    so a view can drop them)."""
    col = f"{alias}." if alias else ""
    where, args = [], []
    if lineage_id is not None:
        where.append(f"{col}lineage_id = ?")
        args.append(lineage_id)
    if changed_since is not None:
        where.append(f"{col}rev > ?")
        args.append(int(changed_since))
    elif not include_deleted:
        where.append(f"{col}deleted_at IS NULL")
    return (" WHERE " + " AND ".join(where) if where else ""), args

def _parts(breakdown: Mapping[str, Any] | None) -> dict[str, float | None]:
    """The quality and progress columns from a breakdown (None where it holds none)."""
    bd = breakdown if isinstance(breakdown, Mapping) else {}

    def num(key: str) -> float | None:
        v = bd.get(key)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    return {"quality": num("quality"), "progress": num("progress")}


class VersionsMixin:
    def add_version(
        self, lineage_id: str, files: Mapping[str, bytes | str], parents: Iterable = (), *,
        operator: Operator | str = Operator.MANUAL, status: VersionStatus | str = VersionStatus.QUEUED,
        plan: Mapping[str, Any] | None = None, mechanics: Iterable[str] = (),
        planned: Iterable[str] = (), reward: float | None = None,
        breakdown: Mapping[str, Any] | None = None, seed: int = 0, model: str | None = None,
        tokens_in: int = 0, tokens_out: int = 0, cost: float = 0.0,
        wall_time: float | None = None, note: str = "", direction: str = "",
        version_id: str | None = None, created: float | None = None,
    ) -> Version:
        """A new version with its files, parent edges and mechanic links, in one transaction.

        ``parents`` are version ids or (id, kind) pairs; kind defaults to the operator.
        ``mechanics`` are the realised mechanic ids, ``planned`` the ids of the plan.
        """
        operator, status = Operator(operator), VersionStatus(status)
        edges = _parents(parents, operator.value)
        vid = version_id or new_id()
        now = time.time() if created is None else created
        mechanics = [str(m) for m in mechanics]
        with self.db.atomic():
            generation = 0
            if edges:
                marks = ", ".join("?" * len(edges))
                found = dict(self.db.execute_sql(
                    f"SELECT id, generation FROM version WHERE id IN ({marks})",
                    [p for p, _ in edges]).fetchall())
                missing = [p for p, _ in edges if p not in found]
                if missing:
                    raise KeyError(f"parent version(s) not in this project: {', '.join(missing)}")
                generation = 1 + max(found.values())
            row = (vid, lineage_id, status.value, operator.value, generation,
                   None if plan is None else dumps(plan), dumps(mechanics), reward,
                   dumps(breakdown or {}), None, None, None, None, model, int(tokens_in),
                   int(tokens_out), float(cost), wall_time, int(seed), direction, note, 0, None,
                   now, now if status in _FINISHED else None)
            self.db.execute_sql(_INSERT, row)
            if breakdown:
                self._update("version", vid, _parts(breakdown))
            conn = self.db.connection()
            conn.executemany(
                "INSERT INTO version_parent (child_id, parent_id, kind, position) VALUES (?, ?, ?, ?)",
                [(vid, p, kind, i) for i, (p, kind) in enumerate(edges)])
            self._store_files(vid, files)
            links = [(vid, m, MechanicRole.PLANNED.value) for m in dict.fromkeys(planned)]
            links += [(vid, m, MechanicRole.REALISED.value) for m in dict.fromkeys(mechanics)]
            conn.executemany(
                "INSERT INTO version_mechanic (version_id, mechanic_id, role) VALUES (?, ?, ?)", links)
            return self.version(vid)

    def search_versions(self, text: str) -> list[str]:
        """Ids of live versions whose lineage title, direction, note, mechanics, model, operator or
        id (a prefix) match ``text`` (case-insensitive; a space also matches an underscore)."""
        like, under = f"%{text}%", f"%{text.replace(' ', '_')}%"
        # the designer's own note: an evolution run's tag (its first line) is bookkeeping, not searched
        note = ("(CASE WHEN v.note LIKE 'evolve run=%' THEN (CASE WHEN instr(v.note, char(10)) > 0"
                " THEN substr(v.note, instr(v.note, char(10)) + 1) ELSE '' END) ELSE v.note END)")
        sql = ("SELECT v.id FROM version v JOIN lineage l ON l.id = v.lineage_id WHERE v.deleted_at IS NULL"
               f" AND (l.title LIKE ? OR v.direction LIKE ? OR {note} LIKE ? OR v.mechanics LIKE ?"
               " OR v.mechanics LIKE ? OR v.model LIKE ? OR v.id LIKE ? OR v.operator LIKE ?)")
        return [r[0] for r in self.db.execute_sql(sql, (like, like, like, like, under, like, f"{text}%", like))]

    def version_extras(self, version_id: str) -> tuple[int, int]:
        """How many recordings and model calls a version has (to see when they change)."""
        return tuple(self.db.execute_sql(
            "SELECT (SELECT count(*) FROM recording WHERE version_id = ?),"
            " (SELECT count(*) FROM ledger WHERE version_id = ?)", (version_id, version_id)).fetchone())

    def version_briefs(self, version_ids: Iterable[str]) -> dict[str, tuple[str, int, str]]:
        """id → (lineage id, generation, operator) for many versions at once (for labels)."""
        ids, out = [str(v) for v in version_ids], {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            cur = self.db.execute_sql(
                f"SELECT id, lineage_id, generation, operator FROM version WHERE id IN ({', '.join('?' * len(part))})",
                part)
            out.update({vid: (lid, gen, op) for vid, lid, gen, op in cur.fetchall()})
        return out

    def version(self, version_id: str) -> Version:
        row = self.db.execute_sql(f"{_SELECT} WHERE v.id = ?", (version_id,)).fetchone()
        if row is None:
            raise KeyError(f"no version {version_id!r} in this project")
        return version_from_row(row, {})

    def versions(self, lineage_id: str | None = None, include_deleted: bool = False, *,
                 changed_since: int | None = None) -> list[Version]:
        """Versions (no file contents) in the order they were added to the project.

        ``changed_since``: only versions added or changed after that value of
        ``change_counters()["version"]``, soft-deleted ones included so a view can drop them.
        Read the counter first, then call this: a change in between is seen twice, never missed.
        """
        clause, args = version_where(lineage_id=lineage_id, include_deleted=include_deleted,
                                     changed_since=changed_since, alias="v")
        # Left to itself the planner scans the whole table in rowid order for "rev > ?".
        source = _SELECT + (" INDEXED BY version_rev" if changed_since is not None else "")
        sql = source + clause + " ORDER BY v.rowid"
        cache: dict[str, tuple[str, ...]] = {}
        with gc_paused():
            return [version_from_row(row, cache) for row in self.db.execute_sql(sql, args)]

    def count_versions(self, lineage_id: str | None = None, include_deleted: bool = False) -> int:
        clause, args = version_where(lineage_id=lineage_id, include_deleted=include_deleted)
        sql = "SELECT count(*) FROM version" + clause
        return self.db.execute_sql(sql, args).fetchone()[0]

    def edges(self, lineage_id: str | None = None, *,
              changed_since: int | None = None) -> list[Edge]:
        """Parent → child edges in the order they were added; a crossover child's edges come
        together, in parent order. ``changed_since`` as for :meth:`versions` (by child)."""
        sql = "SELECT p.parent_id, p.child_id, p.kind FROM version_parent p"
        if lineage_id is not None or changed_since is not None:
            sql += " JOIN version v ON v.id = p.child_id"
        clause, args = version_where(lineage_id=lineage_id, changed_since=changed_since, alias="v")
        sql += clause + " ORDER BY p.rowid"
        make = Edge._make
        with gc_paused():
            return [make(row) for row in self.db.execute_sql(sql, args)]

    def children(self, version_id: str) -> list[str]:
        cur = self.db.execute_sql("SELECT child_id FROM version_parent WHERE parent_id = ?"
                                  " ORDER BY child_id", (version_id,))
        return [row[0] for row in cur]

    def update_version(self, version_id: str, **changes: Any) -> Version:
        """Record generation/evaluation results. Once evaluated, broken or rejected, only the
        status (among finished ones), reward, breakdown, note and direction may change."""
        unknown = set(changes) - _MUTABLE
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a version")
        with self.db.atomic():
            current = self.version(version_id)
            if "status" in changes:
                changes["status"] = VersionStatus(changes["status"]).value
                if changes["status"] in _FINISHED and "evaluated" not in changes \
                        and current.evaluated is None:
                    changes["evaluated"] = time.time()
            if current.status in _FINISHED:
                frozen = set(changes) - _MUTABLE_FINISHED
                if frozen or changes.get("status", current.status) not in _FINISHED:
                    raise ValueError(f"version {version_id} is {current.status}: its game is fixed;"
                                     " make a new version instead")
            if "breakdown" in changes:
                changes.update(_parts(changes["breakdown"]))
            for key in ("plan", "breakdown"):
                if key in changes and changes[key] is not None:
                    changes[key] = dumps(changes[key])
            if changes.get("breakdown", "") is None:
                changes["breakdown"] = "{}"
            if "mechanics" in changes:
                mechanics = [str(m) for m in changes["mechanics"]]
                changes["mechanics"] = dumps(mechanics)
                self._relink(version_id, MechanicRole.REALISED, mechanics)
            if changes:
                self._update("version", version_id, changes)
            return self.version(version_id)

    def _relink(self, version_id: str, role: MechanicRole, ids: list[str]) -> None:
        conn = self.db.connection()
        conn.execute("DELETE FROM version_mechanic WHERE version_id = ? AND role = ? AND mechanic_id"
                     f" NOT IN ({', '.join('?' * len(ids))})", (version_id, role.value, *ids))
        conn.executemany("INSERT OR IGNORE INTO version_mechanic (version_id, mechanic_id, role)"
                         " VALUES (?, ?, ?)", [(version_id, m, role.value) for m in ids])

    def _update(self, table: str, key: str | int, changes: Mapping[str, Any]) -> None:
        sets = ", ".join(f"{column} = ?" for column in changes)
        cur = self.db.execute_sql(f"UPDATE {table} SET {sets} WHERE id = ?", (*changes.values(), key))
        if cur.rowcount == 0:
            raise KeyError(f"no {table} {key!r} in this project")

    def set_rating(self, version_id: str, rating: int | None) -> Version:
        if rating is not None and (not isinstance(rating, int) or not 0 <= rating <= 5):
            raise ValueError(f"a rating is 0 to 5 stars (or None), not {rating!r}")
        with self.db.atomic():
            self._update("version", version_id, {"rating": rating})
            return self.version(version_id)

    def set_favourite(self, version_id: str, favourite: bool = True) -> Version:
        with self.db.atomic():
            self._update("version", version_id, {"favourite": int(bool(favourite))})
            return self.version(version_id)

    def set_bt_scores(self, scores: Mapping[str, tuple[float, float, float]]) -> None:
        """Bradley–Terry (score, low, high) for many versions at once."""
        with self.db.atomic():
            self.db.connection().executemany(
                "UPDATE version SET bt_score = ?, bt_low = ?, bt_high = ? WHERE id = ?",
                [(s, lo, hi, vid) for vid, (s, lo, hi) in scores.items()])

    def soft_delete(self, version_id: str) -> Version:
        """Hide a version (its files, edges and votes stay, so restore loses nothing)."""
        with self.db.atomic():
            self.db.execute_sql("UPDATE version SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                                (time.time(), version_id))
            return self.version(version_id)

    def restore(self, version_id: str) -> Version:
        with self.db.atomic():
            self._update("version", version_id, {"deleted_at": None})
            return self.version(version_id)
