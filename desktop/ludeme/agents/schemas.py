"""Typed results of the agent roles (pydantic v2).

Each model's docstring and field descriptions are what a structured-output model sees, so they are
short and concrete. Pure: no I/O, no Qt, nothing done at import beyond class definitions.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ludeme.core.plan import Action, MechanicChange, MechanicPlan  # noqa: F401 - the planner's reply type


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


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
