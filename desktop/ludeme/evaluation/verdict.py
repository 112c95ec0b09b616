"""From stage outcomes to one verdict a designer can trust (pure: no Qt, no I/O).

Order matters: a game that attacked the sandbox is reported as such even if it also plays; a hung
game is a timeout; a game that never painted or crashed is broken; one that paints but ignores
every input is not interactive; everything else is playable.
"""
from __future__ import annotations

from dataclasses import dataclass, field

VERDICTS = ("playable", "not-interactive", "broken", "hostile-contained", "timeout")

# Below this divergence between play with input and play without (same seed, same length), a game
# is taken to ignore its player: input changed a few frames at most (a restart that dies at once, a
# flicker). Games that react score far above it (kit games and the calibration corpus: 0.5–1.0).
RESPONSIVE_MIN = 0.1


@dataclass
class Findings:
    """What the cascade saw; filled in stage by stage."""

    hostile: list[str] = field(default_factory=list)   # blocked requests, navigation, popups, probes...
    timeout: str | None = None                          # where the page stopped answering
    broken: list[str] = field(default_factory=list)     # load errors, no canvas, blank, crash...
    responsiveness: float | None = None
    telemetry_reacted: bool = False                     # events only the bot run produced
    notes: list[str] = field(default_factory=list)


def decide(f: Findings) -> tuple[str, list[str]]:
    if f.hostile:
        reasons = [f"contained: {h}" for h in f.hostile[:8]]
        if f.timeout:
            reasons.append(f"also hung: {f.timeout}")
        return "hostile-contained", reasons
    if f.timeout:
        return "timeout", [f.timeout]
    if f.broken:
        return "broken", list(f.broken)
    if not f.telemetry_reacted and f.responsiveness is not None and f.responsiveness < RESPONSIVE_MIN:
        return "not-interactive", [f"input changed nothing on screen (divergence {f.responsiveness:.3f})"]
    reasons = ["loads cleanly, paints and reacts to input"]
    if f.responsiveness is not None:
        reasons[0] += f" (divergence {f.responsiveness:.2f})"
    return "playable", reasons + f.notes
