"""Mechanic retrieval for the planner: relevant, under-used, over-used and banned mechanics.

Pure over the project API (``search_mechanics`` — FTS5 bm25 — ``mechanics()`` with usage and
success counts, ``memories(lineage_id)``); no SQL of its own, no Qt.

A mechanic is banned when the caller says so (a setting: ``banned=``) or when the lineage memory
holds a lesson whose intent is ``ban <id>`` / ``banned: <id>`` with a value at or below zero.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

_BAN = re.compile(r"^\s*ban(?:ned)?\b[\s:=-]*([a-z][a-z0-9_]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Retrieved:
    relevant: list[Any] = field(default_factory=list)
    under_used: list[Any] = field(default_factory=list)
    over_used: list[Any] = field(default_factory=list)
    banned: list[str] = field(default_factory=list)

    def for_prompt(self) -> dict[str, Any]:
        """Plain dicts for the planner template."""
        return {"relevant": [mechanic_brief(m) for m in self.relevant],
                "under_used": [mechanic_brief(m) for m in self.under_used],
                "over_used": [mechanic_brief(m) for m in self.over_used],
                "banned": list(self.banned)}


def mechanic_brief(m: Any) -> dict[str, Any]:
    """The few fields of an archive entry a prompt needs."""
    get = m.get if isinstance(m, dict) else (lambda k, d=None: getattr(m, k, d))
    out = {"id": get("id"), "name": get("name"), "summary": get("summary", ""),
           "category": get("category", ""), "kit_module": get("kit_module"),
           "probe": get("probe", "")}
    usage = get("usage_count")
    if usage is not None:
        out["usage"] = usage
        out["success"] = get("success_count", 0)
    return out


def kit_module_brief(m: Any) -> dict[str, Any]:
    """A kit module for the planner: id, summary and parameter defaults."""
    get = m.get if isinstance(m, dict) else (lambda k, d=None: getattr(m, k, d))
    params = dict(get("params", {}) or {})
    defaults = {k: (v[0] if isinstance(v, (list, tuple)) and v else v) for k, v in params.items()}
    return {"id": get("kit_module") or get("id"), "summary": get("summary", ""), "params": defaults}


def banned_from_memory(memories: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for mem in memories:
        get = mem.get if isinstance(mem, dict) else (lambda k, d=None: getattr(mem, k, d))
        m = _BAN.match(str(get("intent", "") or ""))
        q = get("q", None)
        if q is None:
            q = get("value", 0.0)
        if m and (q or 0.0) <= 0:
            out.add(m.group(1).lower())
    return out


def top_memory(project: Any, lineage_id: str | None, n: int = 5) -> list[dict[str, Any]]:
    """The lineage's lessons with the highest value (then most visited), as plain dicts."""
    if not lineage_id:
        return []
    items = sorted(project.memories(lineage_id), key=lambda m: (-m.q, -m.visits, m.id))
    return [{"intent": m.intent, "lesson": m.lesson, "q": round(m.q, 3), "visits": m.visits}
            for m in items[:n]]


def kit_modules_of(project: Any) -> list[dict[str, Any]]:
    """Executable archive entries (those with a kit module), briefed for the planner."""
    return [kit_module_brief(m) for m in project.mechanics() if getattr(m, "kit_module", None)]


def _spread(text: str, mid: str) -> str:
    """A stable, query-dependent order among equals (so under-used picks vary with the query)."""
    return hashlib.sha1(f"{text}\x00{mid}".encode()).hexdigest()


def retrieve(project: Any, *, text: str, lineage_id: str | None = None, k: int = 8,
             banned: Iterable[str] = ()) -> Retrieved:
    """Relevant (bm25 over the archive), under-used, over-used and banned mechanics.

    - relevant: the best ``k`` full-text matches of ``text`` that are not banned;
    - under_used: ``k`` mechanics used least (by usage count; ties spread by the query),
      not already relevant;
    - over_used: up to ``k`` mechanics used at least twice and at least twice the mean, most first;
    - banned: ids from ``banned`` and from the lineage memory.
    """
    ban = {b for b in banned if b}
    if lineage_id:
        ban |= banned_from_memory(project.memories(lineage_id))

    def allowed(m: Any) -> bool:
        return m.id not in ban and (m.kit_module or "") not in ban

    relevant = [m for m in project.search_mechanics(text or "", limit=k * 3 + len(ban))
                if allowed(m)][:k] if (text or "").strip() else []
    rel_ids = {m.id for m in relevant}

    everything = project.mechanics()
    pool = [m for m in everything if allowed(m)]
    under = sorted((m for m in pool if m.id not in rel_ids),
                   key=lambda m: (m.usage_count, _spread(text or "", m.id)))[:k]

    mean = (sum(m.usage_count for m in everything) / len(everything)) if everything else 0.0
    floor = max(2.0, 2.0 * mean)
    over = sorted((m for m in pool if m.usage_count >= floor),
                  key=lambda m: (-m.usage_count, m.success_count / max(1, m.usage_count), m.id))[:k]
    over_ids = {m.id for m in over}
    under = [m for m in under if m.id not in over_ids]
    return Retrieved(relevant, under, over, sorted(ban))
