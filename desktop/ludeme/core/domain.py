"""The core objects of a project: lineages, versions, mechanics, recordings, votes, jobs.

Frozen dataclasses, free of SQL and Qt. The store turns rows into these and back; the rest of
Ludeme only ever sees these. Timestamps are UTC seconds since the epoch (floats); ids of versions
and lineages are 16 lowercase hex characters, valid as a hostname label (``game://<id>/``).
JSON-ish fields (plan, breakdown, metrics, payload…) are read-only mappings; the store may hand
out a :class:`FrozenMap` that parses its JSON only when first read, which keeps listing 100,000
versions cheap.
"""
from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


_RUN_TAG = re.compile(r"^evolve run=\S+ gen=\d+ slot=\d+")


def split_note(note: str) -> tuple[str, str]:
    """A version's note as (the evolution engine's run tag, the designer's own text). The tag is
    bookkeeping (which run, generation and slot made the version): never shown or exported."""
    m = _RUN_TAG.match(note or "")
    if not m:
        return "", note or ""
    return m.group(0), note[m.end():].lstrip("\n")


def join_note(run_tag: str, text: str) -> str:
    """The stored note for ``text`` on a version whose note carries ``run_tag`` (may be empty)."""
    return run_tag + ("\n" + text if text else "") if run_tag else text


def user_note(note: str) -> str:
    """What the designer wrote on a version (the run tag left out)."""
    return split_note(note)[1]


def new_id() -> str:
    """A fresh version or lineage id: 16 lowercase hex characters (64 random bits).

    All-digit ids are drawn again: URL parsers read a host that is all digits as an IPv4 address.
    """
    while True:
        token = secrets.token_hex(8)
        if not token.isdigit():
            return token


def is_valid_id(value: str) -> bool:
    return (isinstance(value, str) and len(value) == 16 and not value.isdigit()
            and all(c in "0123456789abcdef" for c in value))


def status_word(status: str, verdict: str | None, reward: float | None) -> str:
    """What a version's state is called wherever it is shown (badge, status bar, tooltips): a
    version stored as evaluated but never played (a new project's seed) is "not played yet"."""
    status = str(status)
    if not verdict and reward is None and status == "evaluated":
        return "not played yet"
    return status + (f" · {verdict}" if verdict and verdict != status else "")


class VersionStatus(StrEnum):
    QUEUED = "queued"
    GENERATING = "generating"
    VALIDATING = "validating"
    EVALUATED = "evaluated"
    BROKEN = "broken"
    REJECTED = "rejected"

    @property
    def finished(self) -> bool:
        return self in (VersionStatus.EVALUATED, VersionStatus.BROKEN, VersionStatus.REJECTED)


class Operator(StrEnum):
    SEED = "seed"
    IMPORT = "import"
    MUTATE = "mutate"
    FORK = "fork"
    CROSSOVER = "crossover"
    REPAIR = "repair"
    EXPLORE = "explore"
    MANUAL = "manual"
    IDEA = "idea"


class MechanicRole(StrEnum):
    PLANNED = "planned"
    REALISED = "realised"


class VoteOutcome(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    TIE = "tie"
    BOTH_BAD = "both_bad"


class Voter(StrEnum):
    HUMAN = "human"
    JUDGE = "judge"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class FrozenMap(Mapping[str, Any]):
    """A read-only mapping, built from a dict or (lazily) from the JSON text of an object."""

    __slots__ = ("_v",)  # a dict, or the JSON text not parsed yet

    def __init__(self, data: Mapping[str, Any] | None = None, *, text: str | None = None) -> None:
        self._v = dict(data) if data is not None else text if text is not None else {}

    @classmethod
    def lazy(cls, text: str) -> "FrozenMap":
        """The fast constructor the store uses when listing many versions."""
        m = object.__new__(cls)
        m._v = text
        return m

    def _get(self) -> dict[str, Any]:
        v = self._v
        if type(v) is str:
            v = self._v = json.loads(v)
        return v

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._get() == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:  # contents may be lists: hash their canonical JSON
        return hash(json.dumps(self._get(), sort_keys=True, default=repr))

    def __repr__(self) -> str:
        return f"FrozenMap({self._get()!r})"

    def to_dict(self) -> dict[str, Any]:
        return dict(self._get())


EMPTY = FrozenMap()


def frozen_map(value: Mapping[str, Any] | None) -> FrozenMap:
    """The read-only form of a mapping (the shared empty map for empty input)."""
    if isinstance(value, FrozenMap):
        return value
    return EMPTY if not value else FrozenMap(value)


def _freeze_fields(obj: object, names: tuple[str, ...]) -> None:
    """Turn plain dicts given to a frozen object into read-only maps (None stays None)."""
    for name in names:
        value = getattr(obj, name)
        if value is not None and not isinstance(value, FrozenMap):
            object.__setattr__(obj, name, frozen_map(value))


class Edge(NamedTuple):
    """A parent → child edge of the lineage graph; kind is usually the operator that made it."""

    parent: str
    child: str
    kind: str


@dataclass(frozen=True)
class Lineage:
    id: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    favourite: bool = False
    archived: bool = False
    island: int = 0
    created: float = 0.0


@dataclass(frozen=True)
class Version:
    """One playable game. Files are not part of it: ask the project for them."""

    id: str
    lineage_id: str
    status: VersionStatus
    operator: Operator
    generation: int = 0
    parents: tuple[str, ...] = ()
    plan: Mapping[str, Any] | None = field(default=None, hash=False)
    mechanics: tuple[str, ...] = ()  # realised mechanic ids
    reward: float | None = None
    breakdown: Mapping[str, Any] = field(default=EMPTY, hash=False)
    rating: int | None = None  # human rating 0..5, None = not rated
    bt_score: float | None = None
    bt_low: float | None = None
    bt_high: float | None = None
    model: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    wall_time: float | None = None
    seed: int = 0
    direction: str = ""
    note: str = ""
    favourite: bool = False
    deleted_at: float | None = None
    created: float = 0.0
    evaluated: float | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, ("plan", "breakdown"))
        object.__setattr__(self, "status", VersionStatus(self.status))
        object.__setattr__(self, "operator", Operator(self.operator))
        object.__setattr__(self, "parents", tuple(self.parents))
        object.__setattr__(self, "mechanics", tuple(self.mechanics))

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_root(self) -> bool:
        return not self.parents


@dataclass(frozen=True)
class FileEntry:
    """One file of a version, without its bytes."""

    path: str
    sha256: str
    size: int
    mime: str


@dataclass(frozen=True)
class Mechanic:
    """An entry of the project's mechanic archive (the archive file's MechanicEntry plus counts)."""

    id: str
    name: str
    summary: str = ""
    description: str = ""
    changes: tuple[str, ...] = ()
    category: str = ""
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    structural: bool = False
    kit_module: str | None = None
    example: str = ""
    probe: str = ""
    params: Mapping[str, Any] = field(default=EMPTY, hash=False)
    origin: str = "seed"
    usage_count: int = 0
    success_count: int = 0

    def __post_init__(self) -> None:
        _freeze_fields(self, ("params",))

    @property
    def executable(self) -> bool:
        return self.kit_module is not None


@dataclass(frozen=True)
class VersionMechanic:
    """A mechanic a version planned or realised, with what its behavioural probe saw."""

    version_id: str
    mechanic_id: str
    role: MechanicRole
    probe_ok: bool | None = None  # None: not probed
    probe_detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", MechanicRole(self.role))


@dataclass(frozen=True)
class Recording:
    """One evaluation run on video. Media are blob hashes; ask the project for their bytes."""

    id: int
    version_id: str
    video_sha: str | None = None
    contact_sheet_sha: str | None = None
    thumbnail_sha: str | None = None
    input_trace: tuple[Any, ...] = field(default=(), hash=False)
    console_log: str = ""
    metrics: Mapping[str, Any] = field(default=EMPTY, hash=False)
    duration: float = 0.0
    fps: float = 0.0
    bot: str = ""
    created: float = 0.0

    def __post_init__(self) -> None:
        _freeze_fields(self, ("metrics",))


@dataclass(frozen=True)
class Vote:
    id: int
    left: str
    right: str
    outcome: VoteOutcome
    voter: Voter = Voter.HUMAN
    judge_model: str | None = None
    blind: bool = False
    created: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", VoteOutcome(self.outcome))
        object.__setattr__(self, "voter", Voter(self.voter))


@dataclass(frozen=True)
class Memory:
    """A lineage-scoped lesson: what was tried (intent), what it taught, and its running value."""

    id: int
    lineage_id: str
    intent: str
    lesson: str = ""
    q: float = 0.0
    visits: int = 0
    updated: float = 0.0


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    payload: Mapping[str, Any] = field(default=EMPTY, hash=False)
    priority: int = 0
    status: JobStatus = JobStatus.QUEUED
    progress: float = 0.0
    message: str = ""
    attempts: int = 0
    worker: str | None = None
    heartbeat: float | None = None
    error: str | None = None
    result: Mapping[str, Any] | None = field(default=None, hash=False)
    created: float = 0.0
    started: float | None = None
    finished: float | None = None

    def __post_init__(self) -> None:
        _freeze_fields(self, ("payload", "result"))
        object.__setattr__(self, "status", JobStatus(self.status))


@dataclass(frozen=True)
class LedgerEntry:
    """One LLM call."""

    id: int
    role: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    latency: float = 0.0
    version_id: str | None = None
    job_id: int | None = None
    created: float = 0.0


@dataclass(frozen=True)
class LineageSummary:
    """What the list shows of a lineage; built from the version table (Project.lineage_summaries)."""

    lineage_id: str
    title: str
    description: str
    tags: tuple[str, ...]
    versions: int
    play_id: str | None  # the version to play when the lineage is picked (best score, else root)
    best: float | None
