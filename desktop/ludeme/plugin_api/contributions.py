"""What a plugin contributes: one small frozen record per feature, returned from its hooks.

Every record has a ``name`` (lower case: letters, digits, ``_ . -``; unique per kind) and a
one-line ``description`` that ``ludeme plugins`` and the studio show.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class EvaluationContext:
    """What an evaluator sees of one finished evaluation (read it; changing it changes nothing).

    ``frames``: the bot run's frames, downsampled, as a numpy uint8 array (n, height, width, 3),
    or None when the game never played (static failure, no load). ``metrics`` is the report's
    metrics dict (``visual_variety``, ``playability``, …; empty without a play run)."""

    html: str
    verdict: str
    metrics: Mapping[str, Any]
    frames: Any = None
    fps: int = 30
    report: Any = None


@dataclass(frozen=True)
class Evaluator:
    """An extra reward term. ``fn(ctx: EvaluationContext) -> {term: value in 0..1 or None}``;
    None means "not available for this version" (the term is left out, like a missing judge).
    Each term joins the positive reward terms at ``weight`` (0..1, renormalised with the others)."""

    name: str
    fn: Callable[[EvaluationContext], Mapping[str, float | None]]
    weight: float = 0.1
    description: str = ""


@dataclass(frozen=True)
class Operator:
    """An extra mutation operator, offline: ``fn(files, direction, seed) -> new files``, where
    files maps paths (``index.html``, …) to bytes. The result is playtested and saved as a child."""

    name: str
    fn: Callable[[dict[str, bytes], str, int], dict[str, bytes]]
    description: str = ""


@dataclass(frozen=True)
class BotType:
    """An extra bot for the playtest harness. ``factory(seed=, fps=, sim_hz=, controls=, width=,
    height=)`` returns a bot: an object with ``inputs_for(frame) -> [event, …]`` (subclass
    :class:`ludeme.evaluation.bots.Bot` to get ``trace``, ``finish`` and key bookkeeping free)."""

    name: str
    factory: Callable[..., Any]
    description: str = ""


@dataclass(frozen=True)
class Exporter:
    """An export format: ``fn(project, target_id, out: Path) -> Path`` writes under/at ``out`` and
    returns the file or folder written. ``target_id`` is a version id or a lineage id."""

    name: str
    fn: Callable[[Any, str, Path], Path]
    description: str = ""
    suffix: str = ""          # the file name ending it writes, e.g. ".html" ("" = a folder)


@dataclass(frozen=True)
class Generator:
    """A game generator: ``fn(idea: str, seed: int) -> files`` (at least ``index.html``)."""

    name: str
    fn: Callable[[str, int], dict[str, bytes]]
    description: str = ""


KINDS: dict[str, type] = {"evaluators": Evaluator, "operators": Operator, "bots": BotType,
                          "exporters": Exporter, "generators": Generator}


@dataclass(frozen=True)
class PluginProblem:
    """A plugin that did not load, or a contribution that failed; shown, never fatal."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    origin: str                                  # file, folder or "entry point module:obj (dist x.y)"
    contributions: tuple[str, ...] = field(default_factory=tuple)   # "evaluators:screen_usage", …
