"""Bots: deterministic input schedules that play a game through the harness's input driver.

``discover_controls(html)`` reads which keys and pointer gestures a game listens for;
``make_bot(name, …)`` builds a bot whose ``inputs_for(frame)`` returns the events to dispatch before
capture frame ``frame``, in the harness format::

    {"type": "key", "code": "ArrowLeft", "down": True}
    {"type": "pointer", "x": 400, "y": 300, "action": "down" | "move" | "up"}   # logical canvas px

Bot frames are simulation steps (``fps`` is the stepping rate, 60 in the evaluator), so a bot's
seconds are game seconds: a trace event at ``t`` = 4.0 s is dispatched before the step that starts
at 4.0 s of virtual time. A tap lasts at least ``MIN_TAP_S`` (a person's quick press), and never
less than two steps.

A bot is deterministic: the same name, seed, controls, size and observations give the same events,
however the caller paces its calls (events of skipped frames are delivered late, never dropped).
Every key pressed is released again — by the schedule itself, or by ``finish(frame)`` at the end of
a run — and ``trace`` keeps everything sent as ``{"frame": f, "t": seconds, **event}``, which
``replay`` plays back. ``observe(frame, obs)`` hands a bot what the page shows (see
``HarnessSession.observe``): visible buttons and clickable elements, text on the page and drawn on
canvases, and how long the picture has stood still; pointer events aimed at a DOM element carry
``"space": "client"`` (page pixels) instead of canvas pixels.

Bots: ``idle`` (nothing), ``monkey`` (random taps, holds, mashes, clicks and drags),
``explorer`` (plays like a curious person: clicks what says Start / Play / Restart — DOM buttons,
links, text drawn on a canvas —, answers "press Space / Enter / any key / click to start", probes a
still title screen with clicks where a button would be and keeps the point that worked, tries each
control in turn — taps, holds, mashes, move+action combos, clicks on what is clickable, drags —
through the whole run, and starts again after a game over), ``replay``.

Why this module is over 500 lines: four bots and the control discovery they share; the explorer is
most of it.
"""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ludeme.evaluation.static_checks import extract_scripts, is_kit_game, kit_pieces, tokenize

# ------------------------------------------------------------------------------------ controls

KIT_VIRTUAL = {"left": "ArrowLeft", "right": "ArrowRight", "up": "ArrowUp", "down": "ArrowDown",
               "action": "Space", "alt": "KeyX", "restart": "KeyR"}
KIT_DEFAULT = ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Space", "KeyX", "KeyR")
FALLBACK_KEYS = ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Space", "Enter")
# Keys a bot should not explore: they pause, mute, leave focus or trigger browser shortcuts.
AVOID = frozenset({"Escape", "Tab", "KeyM", "KeyP", "ControlLeft", "ControlRight", "AltLeft", "AltRight",
                   "MetaLeft", "MetaRight", "Backspace", "CapsLock"} | {f"F{i}" for i in range(1, 13)})
RESTART = "KeyR"
_PRIORITY = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Space", "Enter", "KeyZ", "KeyX",
             "KeyA", "KeyD", "KeyW", "KeyS", "ShiftLeft", "ShiftRight", "KeyC", "KeyE", "KeyQ", "KeyF"]

_CODE = re.compile(r"^(?:Arrow(?:Left|Right|Up|Down)|Key[A-Z]|Digit[0-9]|Numpad[0-9]|Space|Enter|NumpadEnter|"
                   r"Shift(?:Left|Right)|Control(?:Left|Right)|Alt(?:Left|Right)|Escape|Tab|Backspace)$")
_KEY_NAMES = {" ": "Space", "Spacebar": "Space", "Enter": "Enter", "Shift": "ShiftLeft", "Control": "ControlLeft",
              "Alt": "AltLeft", "Escape": "Escape", "Esc": "Escape", "Tab": "Tab", "Left": "ArrowLeft",
              "Right": "ArrowRight", "Up": "ArrowUp", "Down": "ArrowDown", "Backspace": "Backspace"}
_KEYCODES = {32: "Space", 13: "Enter", 37: "ArrowLeft", 38: "ArrowUp", 39: "ArrowRight", 40: "ArrowDown",
             16: "ShiftLeft", 17: "ControlLeft", 18: "AltLeft", 27: "Escape", 9: "Tab", 8: "Backspace"}
_CODE_PROPERTY = re.compile(r"\.(Arrow(?:Left|Right|Up|Down)|Key[A-Z]|Digit[0-9]|Space|Enter|Shift(?:Left|Right))\b")
_QUOTED = re.compile(r"([\"'`])([A-Za-z0-9 ]{1,12})\1")
_CHAR_CONTEXT = [
    re.compile(r"(?:\bkey|\bcode|\bk|\bch|\bc)(?:\.toLowerCase\(\)|\.toUpperCase\(\))?\s*(?:===?|!==?)\s*"
               r"([\"'])([A-Za-z0-9 ])\1"),
    re.compile(r"([\"'])([A-Za-z0-9 ])\1\s*(?:===?|!==?)\s*\w+\.key\b"),
    re.compile(r"\b\w*(?:keys|Keys|pressed|Pressed|held|Held|down|Down|input|Input|state|State)\w*\s*\[\s*"
               r"([\"'])([A-Za-z0-9 ])\1\s*\]"),
    re.compile(r"\bcase\s*([\"'])([A-Za-z0-9 ])\1\s*:"),
    re.compile(r"\.(?:includes|has|indexOf)\(\s*\w+\.key"),
]
# Helpers that ask about one key: keyPressed('q'), isDown("ArrowUp"), wasJustPressed('Space'),
# input.held('x'), btn("z"). Their argument is a key even when it is one letter or a key name.
_KEY_HELPER = re.compile(r"\b\w*(?:[kK]ey|[pP]ress|[dD]own|[hH]eld|[hH]old|[rR]elease|[bB]tn)\w*\s*\(\s*"
                         r"([\"'])([A-Za-z0-9 ]{1,12})\1\s*\)")
# Key names that are also ordinary words ('Left', 'Up' are old `e.key` values, but also labels and
# text alignments): keys only when compared with a key or used as one.
_KEY_WORD_CONTEXT = re.compile(r"(?:\.key|\bkey|\bcode)\s*(?:===?|!==?)\s*$|\bcase\s*$|\[\s*$")
_LIST_OF_CHARS = re.compile(r"\[\s*([\"'])([A-Za-z ])\1(?:\s*,\s*([\"'])[A-Za-z ]\3)+\s*\]")
_NUMERIC = [
    re.compile(r"(?:keyCode|which)\s*(?:===?|!==?)\s*(\d{1,3})\b"),
    re.compile(r"\b(\d{1,3})\s*(?:===?|!==?)\s*\w+\.(?:keyCode|which)"),
    re.compile(r"\bkeys?\w*\s*\[\s*(\d{1,3})\s*\]"),
]
_CASE_NUM = re.compile(r"\bcase\s+(\d{1,3})\s*:")
_LISTEN = re.compile(r"addEventListener\s*\(\s*[\"'`](\w+)")
_ON_PROP = re.compile(r"\bon(mousedown|mouseup|mousemove|pointerdown|pointerup|pointermove|touchstart|"
                      r"touchmove|touchend|click)\s*=")
_POINTER_EVENTS = {"mousedown", "mouseup", "pointerdown", "pointerup", "touchstart", "touchend", "click",
                   "dblclick"}
_MOVE_EVENTS = {"mousemove", "pointermove", "touchmove"}


@dataclass(frozen=True)
class Controls:
    keys: list[str] = field(default_factory=list)     # KeyboardEvent.code values, most useful first
    pointer: bool = False
    drag: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "pointer": self.pointer, "drag": self.drag}


def _char_code(ch: str) -> str | None:
    if ch == " ":
        return "Space"
    if len(ch) == 1 and ch.isalpha():
        return "Key" + ch.upper()
    if len(ch) == 1 and ch.isdigit():
        return "Digit" + ch
    return None


def _from_keycode(n: int) -> str | None:
    if n in _KEYCODES:
        return _KEYCODES[n]
    if 65 <= n <= 90:
        return "Key" + chr(n)
    if 48 <= n <= 57:
        return "Digit" + chr(n)
    return None


def _ordered(keys: Iterable[str]) -> list[str]:
    uniq = list(dict.fromkeys(keys))
    rank = {k: i for i, k in enumerate(_PRIORITY)}
    return sorted(uniq, key=lambda k: (k == RESTART, rank.get(k, len(rank)), k))


def _keys_in(text: str) -> list[str]:
    found: list[str] = []
    for m in _QUOTED.finditer(text):
        word = m.group(2)
        if _CODE.match(word):
            found.append(word)
        elif word in _KEY_NAMES and (len(word) > 1 or word == " "):
            if word == " ":
                if any(p.search(text) for p in _CHAR_CONTEXT[:4]):
                    found.append("Space")
            elif word in ("Left", "Right", "Up", "Down", "Esc", "Spacebar") and \
                    not _KEY_WORD_CONTEXT.search(text[max(0, m.start() - 24):m.start()]):
                continue  # a label or an alignment, not a key
            else:
                found.append(_KEY_NAMES[word])
        elif re.fullmatch(r"Arrow(?:Left|Right|Up|Down)", word):
            found.append(word)
    found += [m.group(1) for m in _CODE_PROPERTY.finditer(text)]        # keys.ArrowLeft, held.KeyW
    for m in _KEY_HELPER.finditer(text):                                 # keyPressed('q')
        word = m.group(2)
        code = word if _CODE.match(word) else _KEY_NAMES.get(word) or _char_code(word.lower() if len(word) == 1 else "")
        if code:
            found.append(code)
    for p in _CHAR_CONTEXT[:4]:
        for m in p.finditer(text):
            code = _char_code(m.group(2))
            if code:
                found.append(code)
    if _CHAR_CONTEXT[4].search(text):
        for m in _LIST_OF_CHARS.finditer(text):
            found += [c for c in (_char_code(x) for x in re.findall(r"[\"']([A-Za-z ])[\"']", m.group(0))) if c]
    for p in _NUMERIC:
        for m in p.finditer(text):
            code = _from_keycode(int(m.group(1)))
            if code:
                found.append(code)
    if "keyCode" in text or ".which" in text:
        for m in _CASE_NUM.finditer(text):
            code = _from_keycode(int(m.group(1)))
            if code:
                found.append(code)
    return found


def _pointer_in(text: str) -> tuple[bool, bool]:
    events = {m.group(1).lower() for m in _LISTEN.finditer(text)} | {m.group(1) for m in _ON_PROP.finditer(text)}
    pointer = bool(events & _POINTER_EVENTS)
    return pointer, pointer and bool(events & _MOVE_EVENTS)


def discover_controls(html: str) -> Controls:
    """Keys and pointer gestures the game's code listens for (kit games: what its modules poll)."""
    if is_kit_game(html):
        pieces = kit_pieces(html)
        text = "\n".join(tokenize(src).stripped for pid, src in pieces.items() if pid != "core")
        keys = [KIT_VIRTUAL[m.group(1)] for m in
                re.finditer(r"\.(?:down|pressed|released)\(\s*[\"'](left|right|up|down|action|alt|restart)[\"']",
                            text)]
        if re.search(r"\.(?:down|pressed|released)\(\s*[^\"'\s)]", text):   # names held in variables
            keys += [KIT_VIRTUAL[m.group(1)] for m in
                     re.finditer(r"[\"'](left|right|up|down|action|alt|restart)[\"']", text)]
        keys += [k for k in _keys_in(text) if k not in ("KeyM",)]
        keys = keys or list(KIT_DEFAULT)
        keys += ["Space", RESTART]                      # the core starts and restarts with them
        pointer = bool(re.search(r"\bpointer\b", text))
        drag = pointer and bool(re.search(r"pointer\.(?:down|released|x|y)\b|\bptr\.(?:x|y|down)\b", text))
        return Controls(_ordered(keys), pointer, drag)
    text = "\n".join(tokenize(s.code).stripped for s in extract_scripts(html))
    keys = _keys_in(text)
    pointer, drag = _pointer_in(text)
    if not pointer:
        pointer, drag = _pointer_in(html)
    has_key_listener = bool(re.search(r"[\"'`]key(?:down|up|press)[\"'`]|onkey(?:down|up|press)\s*=", text))
    if not keys and (has_key_listener or not pointer):
        keys = list(FALLBACK_KEYS)
    if not keys and not pointer:
        pointer = True
    return Controls(_ordered(keys), pointer, drag)


# ---------------------------------------------------------------------------------------- bots

def key(code: str, down: bool) -> dict[str, Any]:
    return {"type": "key", "code": code, "down": bool(down)}


def pointer(x: float, y: float, action: str, space: str | None = None) -> dict[str, Any]:
    ev = {"type": "pointer", "x": int(round(x)), "y": int(round(y)), "action": action}
    if space:
        ev["space"] = space
    return ev


MIN_TAP_S = 0.08


class Bot:
    """Base: a lazily generated, seed-determined timeline of input events."""

    name = "base"

    def __init__(self, *, seed: int = 1, fps: float = 30, sim_hz: float = 60, controls: Controls | None = None,
                 width: int = 640, height: int = 480) -> None:
        self.seed = seed
        self.fps = float(fps) if fps else 30.0
        self.sim_hz = float(sim_hz) if sim_hz else 60.0
        self.controls = controls or Controls(list(FALLBACK_KEYS), True, True)
        self.width, self.height = int(width), int(height)
        self.rng = random.Random(f"ludeme-bot:{self.name}:{seed}")
        # a tap lasts as long as a person's quick press, and at least two simulation steps so
        # polled input sees it
        self.tap = max(1, math.ceil(2 * self.fps / self.sim_hz), int(round(MIN_TAP_S * self.fps)))
        self.trace: list[dict[str, Any]] = []
        self._timeline: dict[int, list[dict[str, Any]]] = {}
        self._generated = 0              # the schedule is complete for frames < _generated
        self._next = 0                   # first frame not yet delivered
        self._held: set[str] = set()     # keys down as delivered
        self._pointer_down = False

    # -- scheduling helpers (segments call these) --------------------------------------------
    def frames(self, seconds: float) -> int:
        return max(1, int(round(seconds * self.fps)))

    def at(self, frame: int, event: dict[str, Any]) -> None:
        self._timeline.setdefault(frame, []).append(event)

    def press(self, f: int, code: str, hold: int | None = None) -> int:
        """Key down at f, up after ``hold`` frames (a tap by default); returns the frame after."""
        hold = max(self.tap, hold or self.tap)
        self.at(f, key(code, True))
        self.at(f + hold, key(code, False))
        return f + hold + 1

    def click(self, f: int, x: float, y: float, space: str | None = None) -> int:
        self.at(f, pointer(x, y, "move", space))
        self.at(f, pointer(x, y, "down", space))
        self.at(f + self.tap, pointer(x, y, "up", space))
        return f + self.tap + 1

    def drag(self, f: int, x0: float, y0: float, x1: float, y1: float, steps: int) -> int:
        steps = max(1, steps)
        self.at(f, pointer(x0, y0, "move"))
        self.at(f, pointer(x0, y0, "down"))
        for i in range(1, steps + 1):
            t = i / steps
            self.at(f + i, pointer(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, "move"))
        self.at(f + steps + self.tap, pointer(x1, y1, "up"))
        return f + steps + self.tap + 1

    def point(self) -> tuple[int, int]:
        mx, my = self.width * 0.08, self.height * 0.08
        return (int(self.rng.uniform(mx, self.width - mx)), int(self.rng.uniform(my, self.height - my)))

    def segment(self, f: int) -> int:
        """Schedule the next stretch of play starting at frame f; return where the next begins."""
        return f + 10 ** 9

    # -- delivery ------------------------------------------------------------------------------
    def _generate(self, frame: int) -> None:
        while self._generated <= frame:
            nxt = self.segment(self._generated)
            self._generated = max(nxt, self._generated + 1)

    def inputs_for(self, frame: int) -> list[dict[str, Any]]:
        """Events to dispatch before capture frame ``frame`` (and any from skipped frames)."""
        if frame < self._next:
            return []
        self._generate(frame + 1)
        out: list[dict[str, Any]] = []
        for f in range(self._next, frame + 1):
            for ev in self._timeline.pop(f, ()):
                if not self._accept(ev):
                    continue
                out.append(ev)
                self.trace.append({"frame": frame, "t": round(frame / self.fps, 4), **ev})
        self._next = frame + 1
        return out

    def observe(self, frame: int, obs: Mapping[str, Any]) -> None:
        """What the page shows at ``frame`` (see the module docstring); most bots ignore it."""

    def _accept(self, ev: Mapping[str, Any]) -> bool:
        if ev["type"] == "key":
            if ev["down"]:
                if ev["code"] in self._held:
                    return False
                self._held.add(ev["code"])
            else:
                if ev["code"] not in self._held:
                    return False
                self._held.discard(ev["code"])
        else:
            if ev["action"] == "down":
                if self._pointer_down:
                    return False
                self._pointer_down = True
            elif ev["action"] == "up":
                if not self._pointer_down:
                    return False
                self._pointer_down = False
        return True

    def finish(self, frame: int) -> list[dict[str, Any]]:
        """Release everything still held at the end of a run (recorded in the trace)."""
        out = [key(c, False) for c in sorted(self._held)]
        if self._pointer_down:
            last = next((e for e in reversed(self.trace) if e["type"] == "pointer"), None)
            out.append(pointer(last["x"] if last else 0, last["y"] if last else 0, "up", last.get("space") if last else None))
        for ev in out:
            self._accept(ev)
            self.trace.append({"frame": frame, "t": round(frame / self.fps, 4), **ev})
        self._next = max(self._next, frame + 1)
        return out

    @property
    def held(self) -> frozenset[str]:
        return frozenset(self._held)


class IdleBot(Bot):
    name = "idle"


class MonkeyBot(Bot):
    """Random taps, holds, mashes, clicks and drags over the discovered controls."""

    name = "monkey"

    def _key_pool(self) -> list[str]:
        keys = [k for k in self.controls.keys if k not in AVOID and k != RESTART]
        return keys or ([] if self.controls.pointer else list(FALLBACK_KEYS))

    def segment(self, f: int) -> int:
        r = self.rng
        keys = self._key_pool()
        if RESTART in self.controls.keys and r.random() < 0.02:
            return self.press(f, RESTART) + self.frames(0.2)
        choices = []
        if keys:
            choices += [("tap", 35), ("hold", 20), ("mash", 15)]
        if self.controls.pointer:
            choices += [("click", 15)]
            choices += [("drag", 10)] if self.controls.drag or not keys else []
        choices += [("wait", 5)]
        kind = r.choices([c for c, _ in choices], [w for _, w in choices])[0]
        if kind == "tap":
            return self.press(f, r.choice(keys), r.randint(self.tap, self.tap + 2)) + r.randint(0, 6)
        if kind == "hold":
            return self.press(f, r.choice(keys), self.frames(r.uniform(0.3, 1.5))) + r.randint(0, 4)
        if kind == "mash":
            k = r.choice(keys)
            for _ in range(r.randint(4, 8)):
                f = self.press(f, k) + r.randint(0, 2)
            return f
        if kind == "click":
            return self.click(f, *self.point()) + r.randint(0, 6)
        if kind == "drag":
            (x0, y0), (x1, y1) = self.point(), self.point()
            return self.drag(f, x0, y0, x1, y1, r.randint(5, 15)) + r.randint(0, 6)
        return f + self.frames(r.uniform(0.2, 1.0))


_MOVES = {"ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "KeyA", "KeyD", "KeyW", "KeyS"}
_ACTIONS = ("Space", "KeyZ", "Enter", "KeyX", "ShiftLeft", "KeyJ", "KeyK")


_START_WORDS = re.compile(r"\b(?:start|play|begin|continue|restart|retry|again|new game|resume|go!?|tap|click|"
                          r"let'?s go|ok|next|ready|launch|enter)\b", re.I)
_RESTART_WORDS = re.compile(r"\b(?:restart|retry|again|new game|play again|try again|replay|reset)\b", re.I)
_OVER_WORDS = re.compile(r"\b(?:game\s*over|you (?:lose|lost|died|win|won)|crashed|final score|the end|"
                         r"try again|play again|wasted)\b", re.I)
_PRESS = re.compile(r"\b(?:press|hit|tap|push)\s+(?:the\s+)?(?:\[\s*)?(space(?:bar)?|enter|return|any key|a key|"
                    r"[a-z0-9]\b|up|arrow keys?|r)\b", re.I)
_CLICK_TO = re.compile(r"\b(?:click|tap|touch)\b[^.!\n]{0,20}\b(?:start|play|begin|continue|restart|shoot|fly|jump)\b",
                       re.I)
# Where a button drawn on a canvas usually is (fractions of the canvas): centre, lower middle...
_PROBE_POINTS = ((0.5, 0.5), (0.5, 0.62), (0.5, 0.72), (0.5, 0.4), (0.5, 0.82), (0.35, 0.6), (0.65, 0.6),
                 (0.5, 0.3))


class ExplorerBot(Bot):
    """Start the game as a person would, then try every control: a quick pass first, deeper
    passes after, through the whole run; start again after a game over."""

    name = "explorer"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._plan: list[tuple] = []
        self._cycle = 0
        self._started = False
        self._obs: Mapping[str, Any] = {}
        self._clicked: dict[tuple, int] = {}   # target key -> frame it was last clicked
        self._pressed_prompt: dict[str, int] = {}
        self._probe = 0                        # next probe point for a still title screen
        self._probe_at: tuple | None = None    # the last probe click (point, frame)
        self.start_point: tuple[float, float] | None = None  # a probe click that got the game going
        self._over_since: int | None = None

    def _keys(self) -> list[str]:
        return [k for k in self.controls.keys if k not in AVOID and k != RESTART]

    # -- what the page shows -------------------------------------------------------------------
    def observe(self, frame: int, obs: Mapping[str, Any]) -> None:
        self._obs = obs or {}
        f = max(frame + 1, self._next)
        still = float(self._obs.get("still_s") or 0.0)
        if self._probe_at is not None and still < 0.2 and frame - self._probe_at[1] <= self.frames(0.6):
            self.start_point = self.start_point or self._probe_at[0]   # that click changed the picture
            self._probe_at = None
        text = str(self._obs.get("text") or "")
        over = bool(_OVER_WORDS.search(text))
        self._over_since = (self._over_since if self._over_since is not None else frame) if over else None
        # 1. something that says start / play / restart: click it (not the same one twice a second)
        for t in self._start_targets(over):
            tk = (round(t["x"] / 24), round(t["y"] / 24), str(t.get("text", ""))[:20])
            if frame - self._clicked.get(tk, -10 ** 9) < self.frames(1.0):
                continue
            self._clicked[tk] = frame
            self.click(f, t["x"], t["y"], "client")
            return
        # 2. "press space / enter / any key / click to start"
        prompt = _PRESS.search(text)
        if prompt:
            word = prompt.group(1).lower()
            code = {"space": "Space", "spacebar": "Space", "enter": "Enter", "return": "Enter", "any key": "Space",
                    "a key": "Space", "up": "ArrowUp", "arrow keys": "ArrowUp", "arrow key": "ArrowUp"}.get(word)
            code = code or _char_code(word) or "Space"
            if frame - self._pressed_prompt.get(code, -10 ** 9) >= self.frames(1.0):
                self._pressed_prompt[code] = frame
                self.press(f, code, self.frames(0.1))
                return
        if _CLICK_TO.search(text) and frame - self._clicked.get(("click-to",), -10 ** 9) >= self.frames(1.0):
            self._clicked[("click-to",)] = frame
            self.click(f, *self._point_for((0.5, 0.5)))
            return
        # 3. after a game over: the usual ways to play again
        if over and frame - self._over_since >= self.frames(0.5) and \
                frame - self._clicked.get(("over",), -10 ** 9) >= self.frames(1.0):
            self._clicked[("over",)] = frame
            g = self.press(f, RESTART if RESTART in self.controls.keys else "Space", self.frames(0.1))
            self.press(g + self.frames(0.2), "Enter" if RESTART in self.controls.keys else "KeyR", self.frames(0.1))
            if self.start_point:
                self.click(g + self.frames(0.4), *self._point_for(self.start_point))
            return
        # 4. a title screen that stands still: click where a button would be, then carry on
        if still >= 0.8 and self._probe < len(_PROBE_POINTS) * 2 and \
                frame - self._clicked.get(("probe",), -10 ** 9) >= self.frames(0.4):
            self._clicked[("probe",)] = frame
            point = _PROBE_POINTS[self._probe % len(_PROBE_POINTS)]
            self._probe += 1
            self._probe_at = (point, frame)
            self.click(f, *self._point_for(point))

    def _start_targets(self, over: bool) -> list[Mapping[str, Any]]:
        out = []
        for t in self._obs.get("targets") or ():
            words = str(t.get("text") or "") + " " + str(t.get("name") or "")
            if _START_WORDS.search(words) and (not _OVER_WORDS.search(words) or _RESTART_WORDS.search(words)):
                out.append(t)
        # text drawn on a canvas: a drawn button — while it is what the canvas shows (drawn in the
        # last frames, or nothing has changed since it was drawn)
        age, still = float(self._obs.get("drawnAge") or 0.0), float(self._obs.get("still_s") or 0.0)
        drawn = self._obs.get("drawn") or () if age <= 0.5 or still + 0.1 >= age else ()
        for t in drawn:
            words = str(t.get("text") or "")
            if len(words) <= 30 and _START_WORDS.search(words) and not _PRESS.search(words):
                out.append(t)
        if over:
            out.sort(key=lambda t: not _RESTART_WORDS.search(str(t.get("text") or "")))
        return out

    def _point_for(self, frac: tuple[float, float]) -> tuple[float, float]:
        return frac[0] * self.width, frac[1] * self.height

    def _clickables(self) -> list[Mapping[str, Any]]:
        return [t for t in self._obs.get("targets") or () if t.get("clickable")]

    # -- the plan ------------------------------------------------------------------------------
    def _start(self) -> list[tuple]:
        steps: list[tuple] = [("wait", self.frames(0.4)), ("tap", "Space"), ("wait", self.frames(0.25))]
        if "Enter" in self.controls.keys or not self.controls.keys:
            steps += [("tap", "Enter"), ("wait", self.frames(0.25))]
        if self.controls.pointer:
            steps += [("click", self.width / 2, self.height / 2), ("wait", self.frames(0.3))]
        return steps

    def _click_step(self) -> tuple:
        return ("aim",)   # where to click is decided when the click happens, from the latest look

    def _aim(self) -> tuple:
        targets = self._clickables()
        motion = list(self._obs.get("motion") or ())
        if motion and self.rng.random() < (0.35 if targets else 0.6):   # aim at what moves
            m = self.rng.choice(motion[:4])
            return ("click", float(m["x"]), float(m["y"]), "client")
        if targets and self.rng.random() < 0.7:
            t = self.rng.choice(targets)
            w, h = float(t.get("w") or 0), float(t.get("h") or 0)
            x = float(t["x"]) + self.rng.uniform(-0.3, 0.3) * w
            y = float(t["y"]) + self.rng.uniform(-0.3, 0.3) * h
            return ("click", x, y, "client")
        return ("click", *self.point())

    def _cycle_plan(self) -> list[tuple]:
        r = self.rng
        keys = self._keys()
        deep = self._cycle > 0
        if deep:
            r.shuffle(keys)
        steps: list[tuple] = []
        for k in keys:
            if not deep:   # quick pass: what does this key do?
                steps += [("tap", k), ("wait", self.frames(0.15)), ("hold", k, self.frames(0.45)),
                          ("wait", self.frames(0.15))]
                continue
            move = k in _MOVES
            steps += [("hold", k, self.frames(r.uniform(0.5, 1.2))), ("wait", self.frames(0.1))]
            action = next((a for a in _ACTIONS if a in keys and a != k), None)
            if move and action:
                steps += [("combo", k, action, self.frames(r.uniform(0.6, 1.0)))]
            else:
                steps += [("mash", k, r.randint(4, 7))]
            steps += [("wait", self.frames(r.uniform(0.1, 0.4)))]
            if self.controls.pointer and r.random() < 0.3:   # people mix mouse and keys
                steps += [self._click_step(), ("wait", self.frames(0.15))]
        if self.controls.pointer:
            for _ in range(3 if deep or not keys else 3):
                steps += [self._click_step(), ("wait", self.frames(0.2))]
            if not keys:   # a pointer game: click more, and sweep the pointer around
                for _ in range(6):
                    steps += [self._click_step(), ("wait", self.frames(r.uniform(0.1, 0.35)))]
            if self.controls.drag or not keys:
                (x0, y0), (x1, y1) = self.point(), self.point()
                steps += [("drag", x0, y0, x1, y1, r.randint(6, 14)), ("wait", self.frames(0.3))]
        # after a cycle the game may be over: the usual ways to play again
        steps += [("tap", "Space"), ("wait", self.frames(0.2))]
        if self.controls.pointer:
            steps += [("click", self.width / 2, self.height / 2), ("wait", self.frames(0.2))]
        if RESTART in self.controls.keys and deep and r.random() < 0.25:
            steps += [("tap", RESTART), ("wait", self.frames(0.3))]
        self._cycle += 1
        return steps

    def segment(self, f: int) -> int:
        if not self._plan:
            self._plan = self._start() if not self._started else self._cycle_plan()
            self._started = True
        step = self._plan.pop(0)
        kind = step[0]
        if kind == "wait":
            return f + step[1]
        if kind == "tap":
            return self.press(f, step[1]) + 1
        if kind == "hold":
            return self.press(f, step[1], step[2])
        if kind == "mash":
            for _ in range(step[2]):
                f = self.press(f, step[1]) + 1
            return f
        if kind == "combo":                 # hold a direction, tap the action key meanwhile
            move, action, length = step[1], step[2], step[3]
            self.at(f, key(move, True))
            g = f + 1
            while g + self.tap < f + length:
                g = self.press(g, action) + max(2, self.frames(0.2))
            self.at(f + length, key(move, False))
            return f + length + 1
        if kind == "aim":
            step = self._aim()
        if step[0] == "click":
            return self.click(f, step[1], step[2], step[3] if len(step) > 3 else None)
        if kind == "drag":
            return self.drag(f, step[1], step[2], step[3], step[4], step[5])
        return f + 1


class ReplayBot(Bot):
    """Plays back a recorded trace: ``[{frame | t, type, code, down} | {frame | t, type, x, y, action}]``."""

    name = "replay"

    def __init__(self, *, trace: Iterable[Mapping[str, Any]] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        for item in trace or ():
            frame = item.get("frame")
            if frame is None:  # a trace in seconds (recorded by a person): exact to the step
                frame = int(round(float(item.get("t", 0.0)) * self.fps))
            typ = item.get("type")
            if typ == "key" and item.get("code"):
                down = item.get("down")
                if down is None:
                    down = item.get("action") == "down"
                self.at(int(frame), key(str(item["code"]), bool(down)))
            elif typ == "pointer" and item.get("action") in ("down", "move", "up"):
                space = item.get("space") if item.get("space") == "client" else None
                self.at(int(frame), pointer(float(item.get("x", 0)), float(item.get("y", 0)), item["action"], space))
        self._generated = 10 ** 9


BOTS: dict[str, type[Bot]] = {"idle": IdleBot, "monkey": MonkeyBot, "explorer": ExplorerBot, "replay": ReplayBot}


def make_bot(name: str, *, seed: int = 1, fps: float = 30, sim_hz: float = 60, controls: Controls | None = None,
             width: int = 640, height: int = 480, trace: Iterable[Mapping[str, Any]] | None = None) -> Bot:
    """A fresh bot (see the module docstring). ``trace`` is required by, and only used by, ``replay``."""
    kw = dict(seed=seed, fps=fps, sim_hz=sim_hz, controls=controls, width=width, height=height)
    cls = BOTS.get(name)
    if cls is None:  # a plugin bot (ludeme.plugin_api), guarded: if it fails while playing it goes quiet
        from ludeme.plugin_api import PluginError, get_host

        plugin_bots = get_host().bots()
        if name not in plugin_bots:
            raise ValueError(f"unknown bot {name!r}; known: {', '.join(sorted(BOTS) + sorted(plugin_bots))}")
        try:
            return get_host().make_bot(name, **kw)
        except PluginError as exc:
            raise ValueError(str(exc)) from None
    if cls is ReplayBot:
        if trace is None:
            raise ValueError("the replay bot needs a trace")
        return ReplayBot(trace=trace, **kw)
    return cls(**kw)
