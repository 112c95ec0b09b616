"""Direction vocabulary of the offline generator: words a designer types -> mechanic changes.

A direction is free text ("harder", "add a double jump", "more juice"). :func:`parse_direction`
turns it into an :class:`Intent`: param nudges (module, param, sign), modules to add, modules to
remove, and whether anything was understood at all. Module mentions are matched against the
archive (ids, names, tags) by the generator; this module only holds the fixed vocabulary.
Pure Python, no Qt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: (module id, param, sign): +1 raises the param, -1 lowers it.
Nudge = tuple[str, str, int]

_HARDER: tuple[Nudge, ...] = (
    ("difficulty_ramp", "step", +1), ("difficulty_ramp", "max", +1), ("difficulty_ramp", "level_time", -1),
    ("speed_ramp", "rate", +1), ("speed_ramp", "max", +1),
    ("enemy_spawner", "interval", -1), ("enemy_spawner", "speed", +1), ("enemy_spawner", "max_alive", +1),
    ("enemy_spawner", "hp", +1),
    ("homing_enemies", "speed", +1), ("homing_enemies", "turn", +1), ("homing_enemies", "range", +1),
    ("enemy_bullets", "interval", -1), ("enemy_bullets", "speed", +1),
    ("obstacle_spawner", "speed", +1), ("obstacle_spawner", "gap_min", -1), ("obstacle_spawner", "gap_max", -1),
    ("auto_scroll", "speed", +1),
    ("invincibility_frames", "seconds", -1), ("coyote_time", "seconds", -1),
    ("timer_countdown", "seconds", -1), ("health", "max_hp", -1), ("lives", "count", -1),
    ("ball_bounce", "speed", +1), ("ball_bounce", "speedup", +1), ("ball_bounce", "max_speed", +1),
    ("timing_window", "perfect", -1), ("timing_window", "good", -1),
    ("beat_clock", "bpm", +1), ("gravity_wells", "strength", +1),
    ("shield_powerup", "spawn_every", +1), ("shield_powerup", "duration", -1),
    ("magnet_pickup", "duration", -1), ("knockback", "force", +1),
)

_FASTER: tuple[Nudge, ...] = (
    ("gravity", "run_speed", +1), ("gravity", "run_accel", +1), ("top_down_move", "speed", +1),
    ("auto_scroll", "speed", +1), ("obstacle_spawner", "speed", +1), ("ball_bounce", "speed", +1),
    ("ball_bounce", "max_speed", +1), ("paddle_control", "speed", +1), ("enemy_spawner", "speed", +1),
    ("homing_enemies", "speed", +1), ("enemy_bullets", "speed", +1), ("shoot", "speed", +1),
    ("shoot", "rate", +1), ("beat_clock", "bpm", +1), ("speed_ramp", "rate", +1), ("speed_ramp", "max", +1),
    ("dash", "speed", +1), ("grid_move", "slide", -1), ("grid_move", "repeat", -1),
)

_FLOATIER: tuple[Nudge, ...] = (
    ("gravity", "g", -1), ("gravity", "max_fall", -1), ("jump", "cut", +1), ("double_jump", "strength", +1),
    ("launcher", "gravity", -1),
)

_HIGHER_JUMP: tuple[Nudge, ...] = (
    ("jump", "strength", +1), ("double_jump", "strength", +1), ("wall_jump", "strength", +1),
    ("bounce_pads", "strength", +1),
)

_JUICE: tuple[Nudge, ...] = (
    ("screen_shake", "magnitude", +1), ("screen_shake", "duration", +1), ("particles", "amount", +1),
    ("hit_pause", "seconds", +1),
)

_REWARD: tuple[Nudge, ...] = (
    ("coins", "value", +1), ("coin_spawner", "value", +1), ("coin_spawner", "interval", -1),
    ("combo_score", "step", +1), ("combo_score", "max", +1), ("score_multiplier", "factor", +1),
    ("distance_score", "per_second", +1), ("brick_grid", "points", +1), ("shoot", "points", +1),
    ("timing_window", "perfect_points", +1), ("launcher", "points", +1),
)

FEEDBACK_MODULES = ("screen_shake", "particles", "hit_pause", "floating_text")


def _neg(nudges: tuple[Nudge, ...]) -> tuple[Nudge, ...]:
    return tuple((m, p, -s) for m, p, s in nudges)


@dataclass(frozen=True)
class Concept:
    """One word family of the vocabulary."""

    name: str
    words: tuple[str, ...]
    nudges: tuple[Nudge, ...] = ()
    add: tuple[str, ...] = ()          # modules to switch on when absent (first compatible ones)
    remove: tuple[str, ...] = ()       # modules to switch off when present (if removable)
    add_first: bool = False            # prefer adding modules over nudging params


#: The vocabulary, in matching order (multi-word phrases before single words).
CONCEPTS: tuple[Concept, ...] = (
    Concept("less_juice", ("less juice", "less juicy", "calmer", "subtle", "minimal", "less shake",
                           "no juice", "cleaner"), _neg(_JUICE), remove=FEEDBACK_MODULES),
    Concept("juice", ("juice", "juicy", "juicier", "polish", "punchy", "punchier", "impact", "feedback",
                      "satisfying", "flashy"), _JUICE, add=FEEDBACK_MODULES, add_first=True),
    Concept("double_jump", ("double jump", "double-jump", "doublejump", "air jump", "more jumps",
                            "extra jump", "triple jump"), (("double_jump", "extra_jumps", +1),),
            add=("double_jump",), add_first=True),
    Concept("higher_jump", ("higher jump", "bigger jump", "jump higher", "stronger jump", "jumpier"),
            _HIGHER_JUMP),
    Concept("lower_jump", ("lower jump", "smaller jump", "weaker jump"), _neg(_HIGHER_JUMP)),
    Concept("floatier", ("floaty", "floatier", "floatiest", "low gravity", "lower gravity", "moon",
                         "lighter", "float"), _FLOATIER),
    Concept("heavier", ("heavy", "heavier", "snappy", "snappier", "weighty", "high gravity",
                        "higher gravity", "more gravity"), _neg(_FLOATIER)),
    Concept("easier", ("easy", "easier", "forgiving", "casual", "relaxed", "gentle", "gentler",
                       "simpler", "less difficult", "more forgiving", "kinder", "accessible"),
            _neg(_HARDER), add=("coyote_time", "invincibility_frames", "shield_powerup")),
    Concept("harder", ("hard", "harder", "difficult", "challenging", "challenge", "intense", "brutal",
                       "tougher", "tough", "punishing", "more enemies", "hardcore"),
            _HARDER, add=("difficulty_ramp", "speed_ramp")),
    Concept("slower", ("slow", "slower", "calm", "chill", "leisurely"), _neg(_FASTER)),
    Concept("faster", ("fast", "faster", "quick", "quicker", "speedy", "speedier", "frantic",
                       "speed up", "more speed", "zippy"), _FASTER, add=("speed_ramp",)),
    Concept("reward", ("more points", "rewarding", "more rewarding", "generous", "more score",
                       "higher score"), _REWARD, add=("combo_score", "score_multiplier")),
)

#: Words in front of a mechanic name that ask to switch it off.
NEGATORS = ("remove", "without", "no", "drop", "disable", "delete", "fewer", "less", "kill", "lose")
#: Words that ask to switch a mechanic on (or strengthen it when present).
ADDERS = ("add", "with", "more", "give", "enable", "include", "plus", "new", "extra")


@dataclass
class Intent:
    """What a direction asks for (before looking at the game)."""

    text: str
    concepts: list[str] = field(default_factory=list)
    nudges: list[Nudge] = field(default_factory=list)
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    add_first: bool = False
    mentioned: list[str] = field(default_factory=list)          # archive modules named in the text
    negated: list[str] = field(default_factory=list)            # ... named after a negator

    @property
    def understood(self) -> bool:
        return bool(self.concepts or self.mentioned)


def normalise(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower().replace("-", " ")).strip() + " "


def _has_phrase(norm: str, phrase: str) -> int:
    """Index of the phrase as whole words in the normalised text, or -1."""
    return norm.find(" " + normalise(phrase).strip() + " ")


def parse_direction(text: str, mechanic_names: dict[str, tuple[str, ...]] | None = None) -> Intent:
    """``mechanic_names``: module id -> phrases naming it (id with spaces, archive name, ...)."""
    intent = Intent(text=text)
    norm = normalise(text or "")
    if not norm.strip():
        return intent
    consumed = norm
    for c in CONCEPTS:
        hit = next((w for w in c.words if _has_phrase(consumed, w) >= 0), None)
        if hit is None:
            continue
        intent.concepts.append(c.name)
        intent.nudges += [n for n in c.nudges if n not in intent.nudges]
        intent.add += [m for m in c.add if m not in intent.add]
        intent.remove += [m for m in c.remove if m not in intent.remove]
        intent.add_first = intent.add_first or c.add_first
        # a matched phrase is not matched again by a weaker concept ("less juice" is not "juice")
        consumed = consumed.replace(" " + normalise(hit).strip() + " ", " _ ")
    # mechanics named in the text, longest names first; a matched name is consumed so "jump" is not
    # found again inside "double jump" (nor inside a phrase a concept already used)
    pairs = sorted(((ph, mid) for mid, phrases in (mechanic_names or {}).items() for ph in phrases),
                   key=lambda t: (-len(t[0]), t[0], t[1]))
    for ph, mid in pairs:
        pos = _has_phrase(consumed, ph)
        if pos < 0:
            continue
        if mid not in intent.mentioned:
            intent.mentioned.append(mid)
        before = consumed[:pos].split()[-3:]
        if any(w in NEGATORS for w in before) and mid not in intent.negated:
            intent.negated.append(mid)
        consumed = consumed[:pos] + " _ " + consumed[pos + len(normalise(ph).strip()) + 2:]
    return intent


def genre_words() -> dict[str, tuple[str, ...]]:
    """Words that point at a genre (used by idea_to_game)."""
    return {
        "platformer": ("platformer", "platform", "platforms", "jump", "jumping", "climb", "tower", "hop", "mario"),
        "shooter": ("shooter", "shoot", "shooting", "space", "bullet", "bullets", "laser", "ship", "alien",
                    "invaders", "asteroids", "gun"),
        "puzzle": ("puzzle", "sokoban", "crate", "crates", "push", "boxes", "logic", "think"),
        "endless_runner": ("runner", "run", "running", "endless", "dash", "desert", "dodge", "obstacles"),
        "breakout": ("breakout", "brick", "bricks", "paddle", "ball", "arkanoid", "pong"),
        "top_down": ("maze", "top", "down", "topdown", "dungeon", "explore", "labyrinth", "pacman"),
        "rhythm": ("rhythm", "music", "beat", "beats", "dance", "song", "tempo", "pulse"),
        "physics_toy": ("physics", "orbit", "gravity", "planet", "planets", "sling", "slingshot", "toy",
                        "sandbox", "space"),
    }
