"""The mechanic archive: ludemes (game mechanics) as first-class, validated objects.

The seed archive ships as ``resources/mechanics/archive.json``::

    {"schema": 1, "mechanics": [{"id": "double_jump", "name": "Double jump", ...}, ...]}

:func:`load_archive` reads and validates it and returns frozen :class:`MechanicEntry` objects.
Validation errors are raised as ``ValueError`` naming the entry (index and id) and the field.
Pure Python: no Qt, no database.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

SCHEMA_VERSION = 1

#: Where a mechanic lives in a game, coarse bucket used for browsing and mutation operators.
CATEGORIES: tuple[str, ...] = (
    "movement", "combat", "collection", "spawning", "physics", "scoring", "feedback", "rules",
    "timing", "puzzle", "camera", "progression", "economy", "ai", "social", "narrative",
)

#: What part of the game a mechanic changes (CreativeGame taxonomy).
CHANGE_KINDS: tuple[str, ...] = (
    "actions",        # what the player can do
    "transitions",    # rules of how the state evolves
    "observations",   # what the player can see
    "feedback",       # juice and signals
    "resources",      # things accumulated or spent
    "goals",          # win / lose / score conditions
)

FIELDS: tuple[str, ...] = (
    "id", "name", "summary", "description", "changes", "category", "genres", "tags",
    "structural", "kit_module", "example", "probe", "params", "origin",
)

_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_TAG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class MechanicEntry:
    """One ludeme. ``params`` maps a parameter name to ``(default, min, max)``."""

    id: str
    name: str
    summary: str
    description: str
    changes: tuple[str, ...]
    category: str
    genres: tuple[str, ...]
    tags: tuple[str, ...]
    structural: bool
    kit_module: str | None
    example: str
    probe: str
    params: dict[str, tuple[float, float, float]]
    origin: str = "seed"

    def __hash__(self) -> int:  # params is a dict; ids are unique within an archive
        return hash(self.id)

    @property
    def executable(self) -> bool:
        """True when a kit module implements this mechanic."""
        return self.kit_module is not None

    def param_defaults(self) -> dict[str, float]:
        return {name: spec[0] for name, spec in self.params.items()}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (lists instead of tuples), as stored in archive.json."""
        d = {f: getattr(self, f) for f in FIELDS}
        for key in ("changes", "genres", "tags"):
            d[key] = list(d[key])
        d["params"] = {k: list(v) for k, v in self.params.items()}
        return d


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str
    name: str
    summary: str
    description: str
    changes: list[str]
    category: str
    genres: list[str]
    tags: list[str]
    structural: bool
    kit_module: str | None
    example: str
    probe: str
    params: dict[str, list[int | float]]
    origin: str = "seed"

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"bad id {v!r}: use snake_case (lowercase letters, digits, underscores)")
        return v

    @field_validator("kit_module")
    @classmethod
    def _kit_module(cls, v: str | None) -> str | None:
        if v is not None and not _ID_RE.match(v):
            raise ValueError(f"bad kit_module {v!r}: use a snake_case module id or null")
        return v

    @field_validator("name", "summary", "description", "example", "probe", "origin")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}; expected one of: {', '.join(CATEGORIES)}")
        return v

    @field_validator("changes")
    @classmethod
    def _changes(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("must list at least one change kind")
        for c in v:
            if c not in CHANGE_KINDS:
                raise ValueError(f"unknown change {c!r}; expected any of: {', '.join(CHANGE_KINDS)}")
        if len(set(v)) != len(v):
            raise ValueError("lists a change kind twice")
        return v

    @field_validator("genres")
    @classmethod
    def _genres(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("must list at least one genre")
        for g in v:
            if not _ID_RE.match(g):
                raise ValueError(f"bad genre {g!r}: use snake_case")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        for t in v:
            if not _TAG_RE.match(t):
                raise ValueError(f"bad tag {t!r}: use lowercase words joined by '-'")
        return v

    @field_validator("params")
    @classmethod
    def _params(cls, v: dict[str, list[int | float]]) -> dict[str, list[int | float]]:
        for name, spec in v.items():
            if not _ID_RE.match(name):
                raise ValueError(f"bad param name {name!r}: use snake_case")
            if len(spec) != 3:
                raise ValueError(f"param {name!r} must be [default, min, max], got {spec!r}")
            default, lo, hi = spec
            if not lo <= default <= hi:
                raise ValueError(f"param {name!r}: default {default} is not within [{lo}, {hi}]")
        return v

    @model_validator(mode="before")
    @classmethod
    def _missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            missing = [f for f in FIELDS if f != "origin" and f not in data]
            if missing:
                raise ValueError(f"missing field(s): {', '.join(missing)}")
        return data

    def freeze(self) -> MechanicEntry:
        return MechanicEntry(
            id=self.id,
            name=self.name,
            summary=self.summary,
            description=self.description,
            changes=tuple(self.changes),
            category=self.category,
            genres=tuple(self.genres),
            tags=tuple(self.tags),
            structural=self.structural,
            kit_module=self.kit_module,
            example=self.example,
            probe=self.probe,
            params={k: (s[0], s[1], s[2]) for k, s in self.params.items()},
            origin=self.origin,
        )


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def entry_from_dict(data: Any, where: str = "mechanic") -> MechanicEntry:
    """Validate one entry (e.g. a mechanic proposed by an agent); ValueError on any problem."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
    label = f"{where} ({data['id']!r})" if isinstance(data.get("id"), str) else where
    try:
        return _Entry.model_validate(data).freeze()
    except ValidationError as err:
        raise ValueError(f"{label}: {_describe(err)}") from None


def parse_archive(doc: Any, source: str = "archive") -> list[MechanicEntry]:
    """Validate an archive document already loaded from JSON."""
    if not isinstance(doc, dict):
        raise ValueError(f"{source}: expected a JSON object with 'schema' and 'mechanics'")
    schema = doc.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise ValueError(f"{source}: missing or non-integer 'schema' version")
    if schema > SCHEMA_VERSION:
        raise ValueError(
            f"{source}: schema {schema} is newer than supported ({SCHEMA_VERSION}); update Ludeme"
        )
    if schema < 1:
        raise ValueError(f"{source}: invalid schema version {schema}")
    mechanics = doc.get("mechanics")
    if not isinstance(mechanics, list):
        raise ValueError(f"{source}: 'mechanics' must be a list")
    entries: list[MechanicEntry] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(mechanics):
        entry = entry_from_dict(raw, f"{source}: mechanics[{i}]")
        if entry.id in seen:
            raise ValueError(
                f"{source}: mechanics[{i}]: duplicate id {entry.id!r} (first at mechanics[{seen[entry.id]}])"
            )
        seen[entry.id] = i
        entries.append(entry)
    return entries


def load_archive(path: str | Path | None = None) -> list[MechanicEntry]:
    """Load and validate the mechanic archive (default: the bundled seed archive)."""
    if path is None:
        from ludeme import paths

        path = paths.mechanics_archive_path()
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path.name}: not valid JSON ({err})") from None
    return parse_archive(doc, path.name)


def archive_index(entries: list[MechanicEntry]) -> dict[str, MechanicEntry]:
    """Entries keyed by id."""
    return {e.id: e for e in entries}
