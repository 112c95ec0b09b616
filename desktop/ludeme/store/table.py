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

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Version id → row."""
        return {vid: i for i, vid in enumerate(self.ids)}


class TableMixin:
    def version_table(self, lineage_id: str | None = None,
                      include_deleted: bool = False) -> VersionTable:
        clause, args = version_where(lineage_id=lineage_id, include_deleted=include_deleted)
        sql = ("SELECT id, lineage_id, status, operator, generation, reward, rating, bt_score,"
               f" favourite, deleted_at IS NOT NULL, created FROM version{clause} ORDER BY rowid")
        with gc_paused():
            rows = self.db.execute_sql(sql, args).fetchall()
            edge_sql = "SELECT child_id, parent_id, position FROM version_parent"
            edges = self.db.execute_sql(edge_sql).fetchall()
        cols = list(zip(*rows)) if rows else [()] * 11
        ids = tuple(cols[0])
        lineage_ids = tuple(dict.fromkeys(cols[1]))
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
        table = VersionTable(
            ids=ids, lineage_ids=lineage_ids,
            lineage=np.fromiter((lineage_code[x] for x in cols[1]), np.int32, len(ids)),
            status=np.fromiter((_STATUS_CODE[x] for x in cols[2]), np.int8, len(ids)),
            operator=np.fromiter((_OPERATOR_CODE[x] for x in cols[3]), np.int8, len(ids)),
            generation=np.array(cols[4], dtype=np.int32),
            parent=parent,
            extra_edges=np.array(extra, dtype=np.int32).reshape(-1, 2),
            reward=np.array(cols[5], dtype=np.float64),  # None → nan
            rating=np.array([-1 if r is None else r for r in cols[6]], dtype=np.int8),
            bt_score=np.array(cols[7], dtype=np.float64),
            favourite=np.array(cols[8], dtype=bool),
            deleted=np.array(cols[9], dtype=bool),
            created=np.array(cols[10], dtype=np.float64),
        )
        table.__dict__["row_of"] = row_of
        return table
