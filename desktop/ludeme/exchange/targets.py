"""What an export is about: a lineage (by id or title) or a version with everything it came from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ludeme.exchange import ExportError

if TYPE_CHECKING:
    from ludeme.store.project import Project


@dataclass(frozen=True)
class Target:
    kind: str                      # "lineage" or "version"
    id: str                        # the lineage or version id
    title: str                     # the lineage's title (a version: its lineage's title)
    version_ids: tuple[str, ...]   # what is exported, parents before children
    lineage_ids: tuple[str, ...]   # the lineages those versions belong to, target's first


def resolve_target(project: Project, target_id: str) -> Target:
    """A lineage id, a lineage title (case-insensitive) or a version id → the versions to export.

    A lineage brings all its versions (soft-deleted ones too: nothing is lost) plus any ancestors
    from other lineages (crossover parents); a version brings itself and all its ancestors, which
    is what is needed to reproduce it. Unknown or ambiguous targets raise ExportError.
    """
    if not isinstance(target_id, str) or not target_id.strip():
        raise ExportError("name a lineage (id or title) or a version id to export")
    wanted = target_id.strip()
    parents = {}
    for edge in project.edges():
        parents.setdefault(edge.child, []).append(edge.parent)
    named = project.lineages_named(wanted)
    if len(named) > 1:
        raise ExportError(f"{len(named)} lineages are titled {wanted!r}; name one by id "
                          f"({', '.join(lin.id for lin in named)})")
    if named:
        lineage = named[0]
        roots = [v.id for v in project.versions(lineage.id, include_deleted=True)]
        kind, tid = "lineage", lineage.id
    else:
        try:
            version = project.version(wanted)
        except KeyError:
            raise ExportError(f"no lineage or version {wanted!r} in {project.path.name}") from None
        lineage = project.lineage(version.lineage_id)
        roots = [version.id]
        kind, tid = "version", version.id
    # Ancestors, then an order where every parent comes before its children.
    seen: dict[str, None] = {}
    stack = list(reversed(roots))
    while stack:
        vid = stack.pop()
        if vid in seen:
            continue
        seen[vid] = None
        stack.extend(parents.get(vid, ()))
    order: list[str] = []
    placed: set[str] = set()
    for start in seen:
        walk = [(start, False)]
        while walk:
            vid, expanded = walk.pop()
            if vid in placed:
                continue
            if expanded:
                placed.add(vid)
                order.append(vid)
                continue
            walk.append((vid, True))
            walk.extend((p, False) for p in reversed(parents.get(vid, ())) if p not in placed)
    lineage_of = {v.id: v.lineage_id for v in project.versions(include_deleted=True) if v.id in placed}
    lineage_ids = [lineage.id] + sorted({lineage_of[v] for v in order} - {lineage.id})
    return Target(kind, tid, lineage.title, tuple(order), tuple(lineage_ids))
