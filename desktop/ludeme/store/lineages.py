"""Lineages: the trees versions grow in."""
from __future__ import annotations

import json
import time
from collections.abc import Iterable

import numpy as np

from ludeme.core.domain import Lineage, LineageSummary, new_id
from ludeme.store.models import dumps

_COLUMNS = "id, title, description, tags, favourite, archived, island, created"


def _lineage(row: tuple) -> Lineage:
    lid, title, description, tags, favourite, archived, island, created = row
    return Lineage(id=lid, title=title, description=description, tags=tuple(json.loads(tags)),
                   favourite=bool(favourite), archived=bool(archived), island=island,
                   created=created)


def _tags(tags: Iterable[str]) -> list[str]:
    if isinstance(tags, str):
        raise TypeError("tags must be a sequence of strings, not one string")
    return [str(t) for t in tags]


class LineagesMixin:
    def add_lineage(self, title: str, description: str = "", tags: Iterable[str] = (),
                    *, island: int = 0, favourite: bool = False, lineage_id: str | None = None,
                    created: float | None = None) -> Lineage:
        row = (lineage_id or new_id(), str(title), str(description), dumps(_tags(tags)),
               int(favourite), 0, int(island), time.time() if created is None else created)
        with self.db.atomic():
            self.db.execute_sql(f"INSERT INTO lineage ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                row)
        return _lineage(row)

    def lineage(self, lineage_id: str) -> Lineage:
        row = self.db.execute_sql(f"SELECT {_COLUMNS} FROM lineage WHERE id = ?",
                                  (lineage_id,)).fetchone()
        if row is None:
            raise KeyError(f"no lineage {lineage_id!r} in this project")
        return _lineage(row)

    def lineages(self, include_archived: bool = False) -> list[Lineage]:
        where = "" if include_archived else " WHERE archived = 0"
        cur = self.db.execute_sql(f"SELECT {_COLUMNS} FROM lineage{where} ORDER BY created, id")
        return [_lineage(row) for row in cur]

    def lineages_named(self, name: str) -> list[Lineage]:
        """What a person means by ``name``: the lineage with that id, else every lineage (archived
        ones too) whose title matches ignoring case. Several means the title is ambiguous."""
        name = name.strip()
        try:
            return [self.lineage(name)]
        except KeyError:
            wanted = name.casefold()
            return [lin for lin in self.lineages(include_archived=True) if lin.title.casefold() == wanted]

    def update_lineage(self, lineage_id: str, *, title: str | None = None,
                       description: str | None = None, tags: Iterable[str] | None = None,
                       favourite: bool | None = None, archived: bool | None = None,
                       island: int | None = None) -> Lineage:
        changes = {
            "title": title, "description": description,
            "tags": None if tags is None else dumps(_tags(tags)),
            "favourite": None if favourite is None else int(favourite),
            "archived": None if archived is None else int(archived),
            "island": None if island is None else int(island),
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        with self.db.atomic():
            if changes:
                sets = ", ".join(f"{k} = ?" for k in changes)
                self.db.execute_sql(f"UPDATE lineage SET {sets} WHERE id = ?",
                                    (*changes.values(), lineage_id))
            return self.lineage(lineage_id)

    def lineage_summaries(self, table=None) -> list[LineageSummary]:
        """One line per lineage from the numpy version table: count, best score, the version to play."""
        table = table if table is not None else self.version_table()
        out = []
        code_of = {lid: i for i, lid in enumerate(table.lineage_ids)}
        counts = np.bincount(table.lineage, minlength=len(table.lineage_ids)) if len(table) else []
        for lin in self.lineages():
            code = code_of.get(lin.id)
            if code is None:
                out.append(LineageSummary(lin.id, lin.title, lin.description, tuple(lin.tags), 0, None, None))
                continue
            rows = np.flatnonzero(table.lineage == code)
            rewards = table.reward[rows]
            if np.isfinite(rewards).any():
                best_row = int(rows[np.nanargmax(rewards)])
                best = float(table.reward[best_row])
            else:
                best_row, best = int(rows[0]), None
            out.append(LineageSummary(lin.id, lin.title, lin.description, tuple(lin.tags), int(counts[code]),
                                      table.ids[best_row], best))
        return out
