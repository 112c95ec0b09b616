"""All versions as numpy columns, for views that draw tens of thousands of nodes at once.

``Project.versions()`` builds one frozen object per version (about 5 µs each); the lineage tree
and the plots want arrays instead (pyqtgraph style), and this is several times cheaper.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ludeme.core.domain import Operator, VersionStatus
from ludeme.store.versions import gc_paused, version_where

STATUSES: tuple[VersionStatus, ...] = tuple(VersionStatus)
OPERATORS: tuple[Operator, ...] = tuple(Operator)
_STATUS_CODE = {s.value: i for i, s in enumerate(STATUSES)}
_OPERATOR_CODE = {o.value: i for i, o in enumerate(OPERATORS)}


@dataclass(frozen=True, eq=False)
class VersionTable:
    """Row ``i`` describes version ``ids[i]``; rows are in the order versions were added.

    ``status``/``operator`` are codes into STATUSES/OPERATORS; ``parent`` is the row of the first
    parent (-1 for a root or a parent outside the table); ``extra_edges`` holds (parent row,
    child row) for second and later parents (crossovers). Missing numbers are NaN (reward,
    bt_score) or -1 (rating).
    """

    ids: tuple[str, ...]
    lineage_ids: tuple[str, ...]
    lineage: np.ndarray
    status: np.ndarray
    operator: np.ndarray
    generation: np.ndarray
    parent: np.ndarray
    extra_edges: np.ndarray
    reward: np.ndarray
    rating: np.ndarray
    bt_score: np.ndarray
    favourite: np.ndarray
    deleted: np.ndarray
    created: np.ndarray
    quality: np.ndarray        # NaN: not scored with quality and progress apart
    progress: np.ndarray       # NaN: a root, or not scored

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Version id → row."""
        return {vid: i for i, vid in enumerate(self.ids)}


def _with_rows(table: VersionTable, row_of: dict[str, int]) -> VersionTable:
    table.__dict__["row_of"] = row_of  # the cached property, already known
    return table


_SELECT = ("SELECT id, lineage_id, status, operator, generation, reward, rating, bt_score,"
           " favourite, deleted_at IS NOT NULL, created, quality, progress")
_ROWID = 13                                      # the rowid a merge query adds after _SELECT's columns
_CHANGEABLE = ("status", "reward", "rating", "bt_score", "favourite", "quality", "progress")  # what may change


def _columns(rows, lineage_code: dict[str, int]) -> dict[str, np.ndarray]:
    """The numpy columns of rows from ``_SELECT`` (extra trailing fields are ignored)."""
    cols = list(zip(*rows)) if rows else [()] * 13
    n = len(cols[0])
    return {
        "lineage": np.fromiter((lineage_code[x] for x in cols[1]), np.int32, n),
        "status": np.fromiter((_STATUS_CODE[x] for x in cols[2]), np.int8, n),
        "operator": np.fromiter((_OPERATOR_CODE[x] for x in cols[3]), np.int8, n),
        "generation": np.array(cols[4], dtype=np.int32),
        "reward": np.array(cols[5], dtype=np.float64),  # None → nan
        "rating": np.array([-1 if r is None else r for r in cols[6]], dtype=np.int8),
        "bt_score": np.array(cols[7], dtype=np.float64),
        "favourite": np.array(cols[8], dtype=bool),
        "deleted": np.array(cols[9], dtype=bool),
        "created": np.array(cols[10], dtype=np.float64),
        "quality": np.array(cols[11], dtype=np.float64),
        "progress": np.array(cols[12], dtype=np.float64),
    }


class TableMixin:
    def version_table(self, lineage_id: str | None = None,
                      include_deleted: bool = False) -> VersionTable:
        clause, args = version_where(lineage_id=lineage_id, include_deleted=include_deleted)
        sql = f"{_SELECT} FROM version{clause} ORDER BY rowid"
        with gc_paused():
            rows = self.db.execute_sql(sql, args).fetchall()
            edge_sql = "SELECT child_id, parent_id, position FROM version_parent"
            edges = self.db.execute_sql(edge_sql).fetchall()
        ids = tuple(r[0] for r in rows)
        lineage_ids = tuple(dict.fromkeys(r[1] for r in rows))
        lineage_code = {lid: i for i, lid in enumerate(lineage_ids)}
        row_of = {vid: i for i, vid in enumerate(ids)}
        parent = np.full(len(ids), -1, dtype=np.int32)
        extra = []
        for child, par, position in edges:
            c, p = row_of.get(child), row_of.get(par)
            if c is None or p is None:
                continue
            if position == 0:
                parent[c] = p
            else:
                extra.append((p, c))
        table = VersionTable(ids=ids, lineage_ids=lineage_ids, parent=parent,
                             extra_edges=np.array(extra, dtype=np.int32).reshape(-1, 2),
                             **_columns(rows, lineage_code))
        table.__dict__["row_of"] = row_of
        return table

    def version_table_update(self, table: VersionTable, since_rev: int,
                             max_changed: int = 5000) -> VersionTable | None:
        """``table`` brought up to date with the versions changed since the version counter was
        ``since_rev``: new versions appended, scores/ratings/favourites/status updated in place.
        Reads only the changed rows, so following a worker costs milliseconds at 100,000
        versions. None when a full :meth:`version_table` is needed instead (a version was deleted
        or restored, a new lineage appeared, a parent is unknown, or too much changed)."""
        # Through the rev index (an ORDER BY rowid here made SQLite scan all 100,000 rows), then
        # sorted in Python: parents before children.
        sql = f"{_SELECT}, rowid FROM version INDEXED BY version_rev WHERE rev > ?"
        with gc_paused():
            rows = sorted(self.db.execute_sql(sql, (int(since_rev),)).fetchall(), key=lambda r: r[_ROWID])
        if not rows:
            return table
        if len(rows) > max_changed:
            return None
        row_of = table.row_of
        lineage_code = {lid: i for i, lid in enumerate(table.lineage_ids)}
        known = [r for r in rows if r[0] in row_of]
        new = [r for r in rows if r[0] not in row_of]
        for r in known:  # deleted or restored: membership changes, rebuild
            if bool(r[9]) != bool(table.deleted[row_of[r[0]]]):
                return None
        new = [r for r in new if not r[9]]  # added and deleted in between: not shown
        if any(r[1] not in lineage_code for r in new):
            return None
        changed = {name: getattr(table, name).copy() for name in _CHANGEABLE}
        if known:
            at = [row_of[r[0]] for r in known]
            for name, values in _columns(known, lineage_code).items():
                if name in changed:
                    changed[name][at] = values
        fields = {name: getattr(table, name) for name in ("lineage", "operator", "generation", "deleted", "created")}
        if not new:
            return _with_rows(VersionTable(ids=table.ids, lineage_ids=table.lineage_ids, parent=table.parent,
                                           extra_edges=table.extra_edges, **fields, **changed), row_of)
        n0 = len(table)
        ids = table.ids + tuple(r[0] for r in new)
        new_row_of = dict(row_of)
        new_row_of.update({r[0]: n0 + k for k, r in enumerate(new)})
        marks = ",".join("?" * len(new))
        with gc_paused():
            edges = self.db.execute_sql(
                f"SELECT child_id, parent_id, position FROM version_parent WHERE child_id IN ({marks})",
                [r[0] for r in new]).fetchall()
            # A restored version may already have children on screen: rows must stay parent-first.
            restored = self.db.execute_sql(
                f"SELECT child_id FROM version_parent WHERE parent_id IN ({marks})", [r[0] for r in new]).fetchall()
        if any(child in row_of for (child,) in restored):
            return None
        parent = np.concatenate([table.parent, np.full(len(new), -1, dtype=np.int32)])
        extra = [tuple(e) for e in table.extra_edges.tolist()]
        for child, par, position in edges:
            c, p = new_row_of.get(child), new_row_of.get(par)
            if p is None:
                return None  # a parent we do not show (deleted meanwhile): rebuild
            if position == 0:
                parent[c] = p
            else:
                extra.append((p, c))
        added = _columns(new, lineage_code)
        merged = {name: np.concatenate([old, added[name]]) for name, old in {**fields, **changed}.items()}
        return _with_rows(VersionTable(ids=ids, lineage_ids=table.lineage_ids, parent=parent,
                                       extra_edges=np.array(extra, dtype=np.int32).reshape(-1, 2), **merged),
                          new_row_of)
