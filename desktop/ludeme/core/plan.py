"""The mechanic plan of a version and its reconciliation with what the game showed: one owner.

A plan is stored with each version as a dict (``Version.plan``): a planner's ``MechanicPlan``
(``changes``: keep / add / change / remove, each with an id, an optional kit module and a probe) or
a seed's own list of ``mechanics`` (all kept). Every reader goes through the functions here:
``plan_changes`` (the entries, whatever the shape), ``planned_ids`` (what the child must show),
``removed_ids`` and ``mechanic_rows`` (plan against realised mechanics and probe results, as the
inspector shows them). Pure: no I/O, no Qt.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Action = Literal["keep", "add", "change", "remove"]


class _PlanModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MechanicChange(_PlanModel):
    """One mechanic of the plan: keep, add, change or remove it, and how to see it at run time."""

    action: Action = Field(description="keep | add | change | remove")
    mechanic_id: str = Field(description="snake_case id; an archive id when the mechanic is from the archive")
    name: str = Field(description="display name")
    summary: str = Field(default="", description="one line: what the player experiences")
    probe: str = Field(default="", description="how to see it working at run time: input, what must change, within how many frames")
    kit_module: str | None = Field(default=None, description="id of the kit module that implements it, or null")
    params: dict[str, Any] = Field(default_factory=dict, description="parameter values for the kit module or the code")

    @field_validator("mechanic_id")
    @classmethod
    def _id(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("mechanic_id must not be empty")
        return v


class MechanicPlan(_PlanModel):
    """The mechanic contract for the next version: what to keep, add, change and remove."""

    intent: str = Field(description="one sentence: what this version tries")
    changes: list[MechanicChange] = Field(description="every mechanic the child has or loses")
    rationale: str = Field(default="", description="why this should make the game better or newer")

    def ids(self, *actions: str) -> list[str]:
        """Mechanic ids with one of the given actions (all when none given), in plan order."""
        return [c.mechanic_id for c in self.changes if not actions or c.action in actions]

    def planned_ids(self) -> list[str]:
        """Ids (and kit modules) the child must show: everything not removed."""
        return planned_ids(self)

    def removed_ids(self) -> list[str]:
        return removed_ids(self)


def _as_dict(plan) -> Mapping[str, Any] | None:
    if plan is None:
        return None
    if isinstance(plan, BaseModel):
        return plan.model_dump()
    return plan


def plan_changes(plan) -> list[dict]:
    """The plan's mechanic entries, whatever its shape: a MechanicPlan (or its dict, ``changes``)
    or a seed's plan (a list of ``mechanics``, all kept)."""
    plan = _as_dict(plan)
    if not plan:
        return []
    changes = plan.get("changes")
    if isinstance(changes, list):
        return [dict(c) for c in changes if isinstance(c, Mapping) and c.get("mechanic_id")]
    mechanics = plan.get("mechanics")
    if isinstance(mechanics, list):
        return [{"action": "keep", "mechanic_id": str(m)} for m in mechanics if m]
    return []


def _ids(plan, removed: bool) -> list[str]:
    out: list[str] = []
    for c in plan_changes(plan):
        if (c.get("action") == "remove") == removed:
            out.append(str(c["mechanic_id"]))
            if c.get("kit_module"):
                out.append(str(c["kit_module"]))
    return list(dict.fromkeys(out))


def planned_ids(plan) -> list[str]:
    """Ids (and kit modules) the child must show: every entry the plan does not remove, in order."""
    return _ids(plan, removed=False)


def removed_ids(plan) -> list[str]:
    """Ids (and kit modules) the plan removes."""
    return _ids(plan, removed=True)


@dataclass(frozen=True)
class MechanicRow:
    id: str
    name: str
    action: str          # keep | add | change | remove | "" (not in the plan)
    realised: bool
    probe: bool | None   # None: not probed
    detail: str
    summary: str
    status: str          # realised | missing | removed | kept-despite-removal | unplanned | failed

    @property
    def planned(self) -> bool:
        return self.action in ("keep", "add", "change")


def mechanic_rows(version, links=(), names: Mapping[str, str] | None = None) -> list[MechanicRow]:
    """Plan against what was realised and what the probes saw, plan order first, then extras.
    ``version`` has ``plan``, ``mechanics`` (realised ids) and ``breakdown``; ``links`` are its
    mechanic links (``role``, ``mechanic_id``, ``probe_ok``, ``probe_detail``)."""
    names = names or {}
    realised = list(version.mechanics or ())
    realised_set = set(realised)
    probes: dict[str, tuple[bool | None, str]] = {}
    for link in links:
        if str(link.role) == "realised" and link.probe_ok is not None:
            probes[link.mechanic_id] = (link.probe_ok, link.probe_detail)
    bd = version.breakdown or {}
    for p in [*(bd.get("probes", []) or []), *(bd.get("behaviour_probes", []) or [])]:
        if isinstance(p, Mapping) and p.get("id"):
            probes[str(p["id"])] = (bool(p.get("ok")), str(p.get("reason") or ""))
    # a planned mechanic a behaviour probe showed is realised, archived or not (any game, kit or not)
    realised_set |= {str(p["id"]) for p in bd.get("behaviour_probes", []) or []
                     if isinstance(p, Mapping) and p.get("ok") and p.get("id")}
    rows: list[MechanicRow] = []
    seen: set[str] = set()
    for c in plan_changes(version.plan):
        mid = str(c["mechanic_id"])
        if mid in seen:
            continue
        seen.add(mid)
        kit = c.get("kit_module")
        action = str(c.get("action") or "keep")
        is_real = mid in realised_set or (kit is not None and kit in realised_set)
        if kit:
            seen.add(kit)
        ok, detail = probes.get(mid) or probes.get(kit or "", (None, ""))
        if action == "remove":
            status = "kept-despite-removal" if is_real else "removed"
        elif not is_real:
            status = "missing"
        elif ok is False:
            status = "failed"
        else:
            status = "realised"
        summary = str(c.get("summary") or "")
        rows.append(MechanicRow(mid, str(c.get("name") or names.get(mid) or mid), action, is_real,
                                ok if is_real else None, detail, "" if summary == "kept" else summary, status))
    for mid in realised:
        if mid in seen:
            continue
        seen.add(mid)
        ok, detail = probes.get(mid, (None, ""))
        rows.append(MechanicRow(mid, names.get(mid, mid), "", True, ok, detail, "",
                                "failed" if ok is False else "unplanned"))
    return rows
