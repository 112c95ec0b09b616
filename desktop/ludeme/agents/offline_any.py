"""The offline generator for games that are not built on the kit: tuning, not rewriting.

A hand-written or imported game has no kit modules to add or swap, but it has *named numbers*
(``const GRAVITY = 0.5``, ``speed: 3``, ``let lives = 3``, ``setInterval(step, 120)``) and colour
literals. :func:`tune` finds them, reads what each one is from its name (speed, gravity, jump,
spawn interval, tick interval, lives, size, points, timer), and moves the ones a direction asks
for — "harder" raises speeds and spawn rates and shortens intervals and lives, "floatier" lowers
gravity, "more colourful" shifts the palette — by a bounded factor, keeping integers integers and
every value within a third to three times its original. Without a direction it nudges a few
tunables at random (seeded). The evaluation decides whether the child stays.

A direction it cannot follow (no word it knows, or nothing in this game that the words touch) is
:class:`NotUnderstood`, whose message names what it does understand and the way forward (a
model, or a direction from the list): never a silent unrelated change or a copy.
"""
from __future__ import annotations

import colorsys
import random
import re
from dataclasses import dataclass, field
from typing import Any

from ludeme.agents.offline_directions import normalise

FACTOR = 1.3
MAX_RATIO = 3.0

# kind -> name patterns (matched against the lower-cased name with _ and - removed)
_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("tick", re.compile(r"(tick|step|move|drop|fall|update|game|frame)(interval|delay|ms|time|rate|speed)$|^(tick|interval|delay|stepms|tickms|dropms)$")),
    ("spawn_interval", re.compile(r"(spawn|enemy|obstacle|pipe|wave|asteroid|meteor)\w*(interval|delay|cooldown|every|period|time|ms)$|^(spawninterval|spawndelay|cooldown)$")),
    ("spawn_rate", re.compile(r"(spawn\w*(rate|chance|prob|frequency)|(enemy|obstacle)\w*(count|max|rate|chance))$|^max(enemies|obstacles|asteroids)$")),
    ("gravity", re.compile(r"gravity|^grav$|^g$")),
    ("jump", re.compile(r"jump|flap|lift|thrust|bounce")),
    ("speed", re.compile(r"speed|velocity|^vel$|^v[xy]$|^d[xy]$|accel|pace|scroll")),
    ("lives", re.compile(r"lives|^life$|^hp$|health|maxhp")),
    ("timer", re.compile(r"(time|timer)(limit|left)?$|duration|countdown|seconds")),
    ("points", re.compile(r"points|^score(per|value|step)|reward|bonus|value$")),
    ("size", re.compile(r"(player|paddle|ball|pad|hole|gap|target)\w*(size|width|height|radius)$|^(gap|padding)$")),
)

# concept -> kind -> direction (+1 raise, -1 lower)
_CONCEPTS: dict[str, dict[str, int]] = {
    "harder": {"speed": +1, "spawn_rate": +1, "spawn_interval": -1, "tick": -1, "lives": -1, "timer": -1,
               "size": -1, "gravity": +1},
    "easier": {"speed": -1, "spawn_rate": -1, "spawn_interval": +1, "tick": +1, "lives": +1, "timer": +1,
               "size": +1, "gravity": -1},
    "faster": {"speed": +1, "tick": -1, "spawn_interval": -1},
    "slower": {"speed": -1, "tick": +1, "spawn_interval": +1},
    "floatier": {"gravity": -1, "jump": -1},
    "heavier": {"gravity": +1, "jump": +1},
    "higher_jump": {"jump": +1},
    "lower_jump": {"jump": -1},
    "reward": {"points": +1},
    "more_enemies": {"spawn_rate": +1, "spawn_interval": -1},
    "fewer_enemies": {"spawn_rate": -1, "spawn_interval": +1},
    "longer": {"timer": +1, "lives": +1},
    "bigger": {"size": +1},
    "smaller": {"size": -1},
}
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("more_enemies", ("more enemies", "more obstacles", "more spawns", "busier", "crowded")),
    ("fewer_enemies", ("fewer enemies", "less enemies", "fewer obstacles", "emptier")),
    ("higher_jump", ("higher jump", "bigger jump", "jump higher", "stronger jump")),
    ("lower_jump", ("lower jump", "smaller jump", "weaker jump")),
    ("harder", ("harder", "hard", "difficult", "challenging", "challenge", "tougher", "tough", "intense",
                "brutal", "punishing", "hardcore")),
    ("easier", ("easier", "easy", "forgiving", "casual", "gentle", "gentler", "relaxed", "kinder", "accessible")),
    ("faster", ("faster", "fast", "quicker", "quick", "speedier", "frantic", "speed up", "zippy")),
    ("slower", ("slower", "slow", "calmer", "chill", "leisurely")),
    ("floatier", ("floatier", "floaty", "lower gravity", "low gravity", "moon", "lighter")),
    ("heavier", ("heavier", "heavy", "more gravity", "higher gravity", "snappier", "weighty")),
    ("reward", ("more points", "rewarding", "generous", "higher score", "more score")),
    ("longer", ("longer", "more lives", "more time", "last longer")),
    ("bigger", ("bigger", "larger", "chunkier")),
    ("smaller", ("smaller", "tinier", "tighter")),
)
_COLOUR_WORDS = ("colour", "color", "colours", "colors", "colourful", "colorful", "palette", "recolour",
                 "recolor", "brighter", "bright", "neon", "vivid", "darker", "dark", "pastel", "warmer", "cooler")

_DECL = re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(-?\d+(?:\.\d+)?)(?![\w.])")
_PROP = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*:\s*(-?\d+(?:\.\d+)?)(?![\w.])")
_MORE = re.compile(r",\s*([A-Za-z_$][\w$]*)\s*=\s*(-?\d+(?:\.\d+)?)(?![\w.])")   # const A = 1, B = 2
_ASSIGN = re.compile(r"\bthis\.([A-Za-z_$][\w$]*)\s*=\s*(-?\d+(?:\.\d+)?)(?![\w.])")
_INTERVAL = re.compile(r"\bset(?:Interval|Timeout)\s*\(\s*[A-Za-z_$][\w$.]*\s*,\s*(\d+(?:\.\d+)?)\s*\)")
_HEX = re.compile(r"#([0-9a-fA-F]{6})\b")
_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script\s*>)", re.IGNORECASE | re.DOTALL)
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)


class NotUnderstood(ValueError):
    """The offline generator cannot follow this direction in this game (the message says why and
    what to do instead)."""


def understood_words() -> list[str]:
    return [words[0] for _c, words in _WORDS] + ["more colourful"]


@dataclass
class Tunable:
    name: str
    kind: str
    value: float
    start: int              # position of the number in the whole document
    end: int
    integer: bool


@dataclass
class TuneResult:
    html: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return "; ".join(c["summary"] for c in self.changes)


def _kind(name: str) -> str | None:
    n = re.sub(r"[_\-$]", "", name).lower()
    for kind, pattern in _KINDS:
        if pattern.search(n):
            return kind
    return None


def tunables(html: str) -> list[Tunable]:
    """The named numbers of a game's inline scripts whose name says what they are."""
    out: list[Tunable] = []
    seen: set[int] = set()
    for sm in _SCRIPT.finditer(html):
        if re.search(r"\bsrc\s*=", sm.group(1), re.I):
            continue
        base = sm.start(2)
        code = sm.group(2)
        for pattern in (_DECL, _MORE, _PROP, _ASSIGN):
            for m in pattern.finditer(code):
                kind = _kind(m.group(1))
                start = base + m.start(2)
                if kind is None or start in seen:
                    continue
                value = float(m.group(2))
                if value == 0:
                    continue
                seen.add(start)
                out.append(Tunable(m.group(1), kind, value, start, base + m.end(2), "." not in m.group(2)))
        for m in _INTERVAL.finditer(code):
            start = base + m.start(1)
            if start not in seen and float(m.group(1)) >= 16:
                seen.add(start)
                out.append(Tunable("setInterval delay", "tick", float(m.group(1)), start, base + m.end(1),
                                   "." not in m.group(1)))
    return sorted(out, key=lambda t: t.start)


def read_direction(direction: str) -> tuple[list[str], bool]:
    """(concepts, colours asked for) from a direction's words."""
    norm = normalise(direction or "")
    concepts: list[str] = []
    consumed = norm
    for concept, words in _WORDS:
        hit = next((w for w in words if f" {w} " in consumed), None)
        if hit:
            concepts.append(concept)
            consumed = consumed.replace(f" {hit} ", " _ ")
    colours = any(f" {w} " in norm for w in _COLOUR_WORDS)
    return concepts, colours


def _fmt(value: float, integer: bool) -> str:
    if integer:
        return str(int(round(value)))
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _moved(t: Tunable, sign: int, factor: float) -> float:
    v = t.value * (factor if sign > 0 else 1 / factor)
    lo, hi = sorted((t.value / MAX_RATIO, t.value * MAX_RATIO))
    v = max(lo, min(hi, v))
    if t.integer:
        iv = int(round(v))
        if iv == int(t.value):                 # small integers still move by one
            iv = int(t.value) + (1 if (sign > 0) == (t.value > 0) else -1)
        if t.kind == "lives":
            iv = max(1, iv)
        if iv == 0:
            iv = 1 if t.value > 0 else -1
        return float(iv)
    return v


def _recolour(html: str, rng: random.Random, norm: str) -> tuple[str, int]:
    """Shift the hue of every #rrggbb colour in scripts and styles alike (one rotation, so the palette
    stays a palette); brighter / darker / pastel move lightness or saturation."""
    shift = rng.uniform(0.12, 0.5)
    light = 0.12 if any(f" {w} " in norm for w in ("brighter", "bright", "neon", "vivid")) else \
        -0.12 if any(f" {w} " in norm for w in ("darker", "dark")) else 0.0
    sat = -0.3 if " pastel " in norm else 0.2 if " neon " in norm or " vivid " in norm else 0.0
    count = 0

    def swap(m: re.Match) -> str:
        nonlocal count
        r, g, b = (int(m.group(1)[i:i + 2], 16) / 255 for i in (0, 2, 4))
        h, l, s = colorsys.rgb_to_hls(r, g, b)
        if s < 0.08 and not light:           # greys and black/white keep their place
            return m.group(0)
        h = (h + shift) % 1.0
        l = max(0.0, min(1.0, l + light))
        s = max(0.0, min(1.0, s + sat))
        count += 1
        return "#" + "".join(f"{int(round(c * 255)):02x}" for c in colorsys.hls_to_rgb(h, l, s))

    def in_blocks(pattern: re.Pattern, text: str) -> str:
        return pattern.sub(lambda m: m.group(1) + _HEX.sub(swap, m.group(2)) + m.group(3), text)

    return in_blocks(_STYLE, in_blocks(_SCRIPT, html)), count


def tune(html: str, *, seed: int, direction: str = "") -> TuneResult:
    """A tuned copy of any game (module docstring). NotUnderstood when a direction cannot be followed."""
    rng = random.Random(f"tune|{seed}|{direction.strip().lower()}")
    found = tunables(html)
    concepts, colours = read_direction(direction)
    norm = normalise(direction or "")
    result = TuneResult(html, concepts=concepts)
    if direction.strip() and not concepts and not colours:
        raise NotUnderstood(
            f"the offline generator does not understand {direction.strip()!r} for a game that is not built on "
            f"the kit: it can tune numbers and colours ({', '.join(understood_words())}). Choose a language "
            "model in Settings ▸ Models to follow any direction, or pick one of those words.")
    moves: list[tuple[Tunable, int, float]] = []
    for concept in concepts:
        for t in found:
            sign = _CONCEPTS[concept].get(t.kind)
            if sign and not any(m[0] is t for m in moves):
                moves.append((t, sign, FACTOR))
    if concepts and not moves and not colours:
        kinds = sorted({k for c in concepts for k in _CONCEPTS[c]})
        named = ", ".join(f"{t.name} ({t.kind})" for t in found[:6]) or "none"
        raise NotUnderstood(
            f"the offline generator understood {direction.strip()!r} as {', '.join(concepts)} but this game has "
            f"no named number for that ({', '.join(kinds)}); named numbers found: {named}. Choose a language "
            "model in Settings ▸ Models to make this change.")
    if not direction.strip():
        if not found:
            colours = True
        else:
            for t in rng.sample(found, k=min(len(found), rng.choice((1, 2, 3)))):
                moves.append((t, rng.choice((-1, 1)), rng.uniform(1.15, 1.45)))
    text = html
    for t, sign, factor in sorted(moves, key=lambda m: -m[0].start):   # from the end: offsets stay valid
        new = _moved(t, sign, factor)
        if new == t.value:
            continue
        text = text[:t.start] + _fmt(new, t.integer) + text[t.end:]
        result.changes.append({"kind": "param", "name": t.name, "what": t.kind, "from": t.value, "to": new,
                               "summary": f"{t.name} {_fmt(t.value, t.integer)} → {_fmt(new, t.integer)}"})
    result.changes.reverse()
    if colours:
        text, n = _recolour(text, rng, norm)
        if n:
            result.changes.append({"kind": "colour", "count": n, "summary": f"{n} colour(s) shifted"})
    if not result.changes:
        raise NotUnderstood("the offline generator found nothing to tune in this game (no named speeds, "
                            "intervals, lives or colours). Choose a language model in Settings ▸ Models.")
    result.html = text
    return result


def tuned_result(html: str, *, seed: int, direction: str = ""):
    """:func:`tune` as the offline generator's result (``agents.offline.OfflineResult``)."""
    from ludeme.agents.offline import OfflineResult

    tuned = tune(html, seed=seed, direction=direction)
    plan = {"intent": (f"follow the direction {direction.strip()!r}: " if direction.strip() else "seeded tuning: ")
            + tuned.summary,
            "rationale": "offline tuning of a game not built on the kit: named numbers and colours only",
            "changes": [], "tuning": tuned.changes}
    return OfflineResult(tuned.html, plan, [], list(tuned.notes), followed=True if direction.strip() else None)
