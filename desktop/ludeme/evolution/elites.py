"""A MAP-Elites grid over mechanic descriptors (pure: no project, no Qt).

A cell is (category mix, control scheme, pace):

- category mix: the leading archive categories among the version's realised kit modules, the
  dominant one and its runner-up (ties all join, up to three; "feedback" is left out unless it is
  all there is; ranks within a count follow ``CATEGORY_ORDER``), sorted and joined by "+";
- control: "keys", "pointer" or "both", from the modules' source (``input.pointer`` versus
  ``input.down/pressed/released``) or, without source, from the module ids;
- pace: "slow", "medium", "fast" or "frantic" from how many pace-setting modules (spawners, ramps,
  scrolling, dashes) the game has: none, one, two, three or more (puzzle modules alone make it slow).

The grid keeps the best version per cell; its elites are protected (never dropped as parents).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CATEGORY_ORDER = ("movement", "physics", "combat", "puzzle", "timing", "spawning", "ai", "rules",
                  "collection", "scoring", "economy", "progression", "narrative", "social", "camera",
                  "feedback")
POINTER_MODULES = frozenset({"paddle_control", "launcher", "ball_bounce"})
FAST = frozenset({"auto_scroll", "speed_ramp", "enemy_spawner", "obstacle_spawner", "homing_enemies",
                  "enemy_bullets", "dash", "difficulty_ramp", "kamikaze_divers", "enemy_formations",
                  "multiball", "timer_countdown", "beat_clock"})
SLOW = frozenset({"grid_move", "push_blocks", "goal_tiles", "key_and_door", "secret_passages", "checkpoint"})

_POINTER = re.compile(r"input\.pointer")
_KEYS = re.compile(r"input\.(?:down|pressed|released)\(")

Descriptor = tuple[str, str, str]


def dominant_category(modules: Iterable[str], categories: Mapping[str, str]) -> str:
    counts: Counter = Counter()
    for m in modules:
        if m in categories:  # polish ("feedback") only decides when nothing else is there
            counts[categories[m]] += 0.1 if categories[m] == "feedback" else 1.0
    if not counts:
        return "none"
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return min(counts, key=lambda c: (-counts[c], rank.get(c, len(rank)), c))


def control_scheme(modules: Iterable[str], sources: Mapping[str, str] | None = None) -> str:
    """keys / pointer / both. ``sources``: module (and ``game``) id → source, ``core`` left out."""
    pointer = keys = False
    for mid, src in (sources or {}).items():
        if mid == "core":
            continue
        pointer |= bool(_POINTER.search(src))
        keys |= bool(_KEYS.search(src))
    if not sources:
        pointer = any(m in POINTER_MODULES for m in modules)
        keys = any(m not in POINTER_MODULES for m in modules)
    if pointer and keys:
        return "both"
    return "pointer" if pointer else "keys"


def pace(modules: Iterable[str], params: Mapping[str, Mapping[str, float]] | None = None) -> str:
    mods = set(modules)
    fast = len(mods & FAST)
    if mods & SLOW and fast == 0:
        return "slow"
    if fast >= 3:
        return "frantic"
    if fast == 2:
        return "fast"
    return "medium" if fast else "slow"


def category_mix(modules: Iterable[str], categories: Mapping[str, str]) -> str:
    """The game's leading categories: the dominant one and the runner-up, sorted and joined by "+"
    (runners-up tied in count all join, up to three in all; "feedback" only when nothing else is
    there). A platformer that gains a second spawner becomes "combat+movement+spawning", one that
    gains scoring keeps "combat+movement": finer than the dominant category alone, which a lineage
    almost never changes, yet still about what kind of game it is."""
    counts: Counter = Counter(categories[m] for m in modules if m in categories and categories[m] != "feedback")
    if not counts:
        return dominant_category(modules, categories)
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    ordered = sorted(counts, key=lambda c: (-counts[c], rank.get(c, len(rank)), c))
    top = ordered[:1]
    if len(ordered) > 1:
        second = counts[ordered[1]]
        top += [c for c in ordered[1:] if counts[c] == second][:2]
    return "+".join(sorted(top))


def describe(modules: Iterable[str], categories: Mapping[str, str],
             sources: Mapping[str, str] | None = None) -> Descriptor:
    mods = list(modules)
    return category_mix(mods, categories), control_scheme(mods, sources), pace(mods)


def describe_html(html: str, categories: Mapping[str, str]) -> Descriptor:
    """The descriptor of a kit game document (the realised modules and their source)."""
    from ludeme.evaluation.static_checks import kit_modules, kit_pieces  # no Qt there

    pieces = {k: v for k, v in kit_pieces(html).items() if k != "core"}
    return describe(kit_modules(html), categories, pieces)


@dataclass
class Elite:
    version_id: str
    score: float


@dataclass
class Grid:
    cells: dict[Descriptor, Elite] = field(default_factory=dict)

    def add(self, version_id: str, descriptor: Descriptor, score: float) -> bool:
        """Keep ``version_id`` when its cell is empty or it beats the cell's elite."""
        descriptor = tuple(descriptor)
        cur = self.cells.get(descriptor)
        if cur is None or float(score) > cur.score:
            self.cells[descriptor] = Elite(version_id, float(score))
            return True
        return False

    def protected(self) -> set[str]:
        return {e.version_id for e in self.cells.values()}

    def occupied(self) -> int:
        return len(self.cells)

    def to_json(self) -> list:
        return [[list(d), e.version_id, e.score] for d, e in sorted(self.cells.items())]

    @classmethod
    def from_json(cls, data) -> "Grid":
        g = cls()
        for d, vid, score in data or ():
            g.cells[tuple(d)] = Elite(vid, float(score))
        return g
