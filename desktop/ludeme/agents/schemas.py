"""Typed results of the agent roles (pydantic v2).

Each model's docstring and field descriptions are what a structured-output model sees, so they are
short and concrete. Pure: no I/O, no Qt, nothing done at import beyond class definitions.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Action = Literal["keep", "add", "change", "remove"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MechanicChange(_Model):
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


class MechanicPlan(_Model):
    """The mechanic contract for the next version: what to keep, add, change and remove."""

    intent: str = Field(description="one sentence: what this version tries")
    changes: list[MechanicChange] = Field(description="every mechanic the child has or loses")
    rationale: str = Field(default="", description="why this should make the game better or newer")

    def ids(self, *actions: str) -> list[str]:
        """Mechanic ids with one of the given actions (all when none given), in plan order."""
        return [c.mechanic_id for c in self.changes if not actions or c.action in actions]

    def planned_ids(self) -> list[str]:
        """Ids (and kit modules) the child must show: everything not removed."""
        out: list[str] = []
        for c in self.changes:
            if c.action != "remove":
                out.append(c.mechanic_id)
                if c.kit_module:
                    out.append(c.kit_module)
        return list(dict.fromkeys(out))

    def removed_ids(self) -> list[str]:
        out: list[str] = []
        for c in self.changes:
            if c.action == "remove":
                out.append(c.mechanic_id)
                if c.kit_module:
                    out.append(c.kit_module)
        return list(dict.fromkeys(out))


class Edit(_Model):
    """One SEARCH/REPLACE edit: `search` is copied exactly from the current code."""

    search: str = Field(description="exact lines of the current code to find (unique)")
    replace: str = Field(description="what replaces them")


class CodeReply(_Model):
    """The coder's answer: a full HTML document, or SEARCH/REPLACE edits against the parent."""

    mode: Literal["full", "edits"] = Field(description="full | edits")
    html: str | None = Field(default=None, description="the whole document when mode is full")
    edits: list[Edit] | None = Field(default=None, description="the edits when mode is edits")
    notes: str = Field(default="", description="short notes on what changed")


class CriticReport(_Model):
    """A critic's view of one recorded game."""

    score: float = Field(ge=0, le=10, description="0 (broken or dull) to 10 (excellent)")
    strengths: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list, description="concrete, actionable changes")


class Lesson(_Model):
    """What one attempt taught: the intent tried, the lesson, and its value."""

    intent: str
    lesson: str
    value: float = Field(ge=-1, le=1, description="-1 (harmful) to 1 (very good)")


class Reflection(_Model):
    """Lessons for the lineage memory after a version was evaluated."""

    lessons: list[Lesson] = Field(default_factory=list)


class ArchiveProposal(_Model):
    """A new mechanic for the archive (add=false when it is not new, verified or useful)."""

    add: bool
    id: str = Field(default="", description="snake_case id")
    name: str = ""
    summary: str = ""
    description: str = ""
    changes: list[str] = Field(default_factory=list, description="any of actions transitions observations feedback resources goals")
    category: str = ""
    genres: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    structural: bool = True
    kit_module: str | None = None
    example: str = ""
    probe: str = ""
    params: dict[str, list[float]] = Field(default_factory=dict, description="name: [default, min, max]")
    duplicate_of: str | None = Field(default=None, description="id of the existing entry it duplicates")
    reason: str = ""

    def entry_dict(self, origin: str = "agent") -> dict[str, Any]:
        """The archive-schema entry (validate with ludeme.core.archive.entry_from_dict)."""
        from ludeme.core.archive import FIELDS

        d = {f: getattr(self, f) for f in FIELDS if f != "origin"}
        d["params"] = {k: list(v) for k, v in self.params.items()}
        d["origin"] = origin
        return d


class CriterionScore(_Model):
    """Scores of both games on one criterion, 0-10."""

    criterion: str
    a: float = Field(ge=0, le=10)
    b: float = Field(ge=0, le=10)


class JudgeVerdict(_Model):
    """Which of two recorded games is better."""

    winner: Literal["A", "B", "tie", "both_bad"]
    confidence: float = Field(ge=0, le=1)
    reasons: list[str] = Field(default_factory=list)
    scores: list[CriterionScore] = Field(default_factory=list)
