"""Behaviour probes for any game: does the planned mechanic do what its probe says?

A plan's probe is a sentence ("press Space: the frog jumps within 20 frames", "click: a lily pad
sinks", "press ArrowLeft and hold: the paddle moves left"). :func:`parse_probe` reads from it an
input (a key, a held key, a click, or none), what must change (the picture, the sound, the page's
text, the game's telemetry) and within how many frames (60 Hz game frames; 45 when unsaid).

:class:`BehaviourProbes` then plays the game twice more from the same seed: a *baseline* that
replays the play run's own inputs up to a start time ``t0`` and then presses nothing, and one
*probe* run per distinct input that does the same and then gives the probe's input at ``t0``.
Both runs are the same game in the same state at ``t0`` (virtual clock, seeded randomness — the
frame at ``t0`` is compared to check that), so whatever differs in the window after ``t0`` is the
input's doing. A probe passes when its channel differs within its frames; otherwise its reason
says what was compared. Works for canvas, DOM and SVG games alike (frames are the whole page), and
needs nothing from the kit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

DEFAULT_FRAMES = 45
MAX_FRAMES = 120
MAX_PROBES = 4
CAPTURE_EVERY = 4          # steps between probe-window captures (15 per second at 60 Hz)
TAP_STEPS = 12             # a press lasts 0.2 s; "hold" 0.6 s
HOLD_STEPS = 36
PIXEL_NOISE = 12
MIN_PIXELS = 3

_KEY_WORDS = {
    "space": "Space", "spacebar": "Space", "space bar": "Space", "enter": "Enter", "return": "Enter",
    "left arrow": "ArrowLeft", "arrow left": "ArrowLeft", "arrowleft": "ArrowLeft", "left": "ArrowLeft",
    "right arrow": "ArrowRight", "arrow right": "ArrowRight", "arrowright": "ArrowRight", "right": "ArrowRight",
    "up arrow": "ArrowUp", "arrow up": "ArrowUp", "arrowup": "ArrowUp", "up": "ArrowUp",
    "down arrow": "ArrowDown", "arrow down": "ArrowDown", "arrowdown": "ArrowDown", "down": "ArrowDown",
    "shift": "ShiftLeft", "alt": "AltLeft", "ctrl": "ControlLeft", "control": "ControlLeft",
    "escape": "Escape", "esc": "Escape", "tab": "Tab",
}
_PRESS = re.compile(
    r"\b(?P<verb>press(?:es|ing)?|tap(?:s|ping)?|hold(?:s|ing)?|push(?:es)?|hit(?:s)?|key)\s+"
    r"(?:the\s+|down\s+)?(?P<key>(?:left|right|up|down)\s+arrow|arrow\s*(?:left|right|up|down)|space\s*bar|"
    r"[A-Za-z]+|\d)\b(?:\s+key)?", re.IGNORECASE)
_CODE = re.compile(r"\b(Arrow(?:Left|Right|Up|Down)|Key[A-Z]|Digit\d|Space|Enter|Shift(?:Left|Right)|Escape)\b")
_CLICK = re.compile(r"\b(click|tap(?:s)? (?:on )?the (?:screen|canvas|board|page)|mouse ?down|pointer|touch)\b", re.I)
_MOVE = re.compile(r"\b(move|drag)s? the (mouse|pointer|cursor)\b", re.I)
_HOLD = re.compile(r"\bhold", re.I)
_FRAMES = re.compile(r"within\s+(\d{1,4})\s*(frames?|ms|milliseconds?|s|sec|seconds?)\b", re.I)
_SOUND = re.compile(r"\b(sound|audio|beep|plays? a|tone|chime|sfx)\b", re.I)
_TEXT = re.compile(r"\b(score|text|label|counter|lives|dom|message|reads|shows? the)\b", re.I)
_TELEMETRY = re.compile(r"\btelemetry|\bevent\b|window\.ludeme", re.I)
_WAIT = re.compile(r"\b(wait|after \d|over time|by itself|on its own|without input|every \d)", re.I)
_NOT_KEYS = {"the", "a", "an", "it", "to", "and", "then", "once", "twice", "again", "button", "key", "any",
             "jump", "fire", "shoot", "action", "start"}


@dataclass(frozen=True)
class ProbeSpec:
    id: str
    text: str
    input: str                       # key:<code> | click | move | none
    hold: bool = False
    expect: str = "screen"           # screen | sound | text | telemetry
    frames: int = DEFAULT_FRAMES
    new: bool = False                # the mechanic is new in this version (an "add")
    note: str = ""                   # how the sentence was read, when it was not plain

    def events(self, t0: int, width: int, height: int) -> dict[int, list[dict]]:
        """The probe's input as harness events by step."""
        if self.input.startswith("key:"):
            code = self.input[4:]
            up = t0 + (HOLD_STEPS if self.hold else TAP_STEPS)
            return {t0: [{"type": "key", "code": code, "down": True}],
                    up: [{"type": "key", "code": code, "down": False}]}
        cx, cy = width // 2, height // 2
        if self.input == "click":
            return {t0: [{"type": "pointer", "x": cx, "y": cy, "action": "move"},
                         {"type": "pointer", "x": cx, "y": cy, "action": "down"}],
                    t0 + 6: [{"type": "pointer", "x": cx, "y": cy, "action": "up"}]}
        if self.input == "move":
            return {t0 + i * 4: [{"type": "pointer", "x": cx + (i - 5) * width // 14, "y": cy, "action": "move"}]
                    for i in range(10)}
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "probe": self.text, "input": self.input, "hold": self.hold,
                "expect": self.expect, "frames": self.frames, "new": self.new}


def _key_code(word: str) -> str | None:
    w = " ".join(word.lower().split())
    if w in _KEY_WORDS:
        return _KEY_WORDS[w]
    if len(w) == 1 and w.isalpha():
        return f"Key{w.upper()}"
    if len(w) == 1 and w.isdigit():
        return f"Digit{w}"
    return None


def parse_probe(mechanic_id: str, text: str, *, new: bool = False, fallback_key: str | None = None) -> ProbeSpec:
    """A probe sentence as a runnable spec (see the module docstring)."""
    t = " ".join((text or "").split())
    frames = DEFAULT_FRAMES
    if m := _FRAMES.search(t):
        n, unit = int(m.group(1)), m.group(2).lower()
        frames = n if unit.startswith("frame") else round(n * 60 / 1000) if unit.startswith("m") else n * 60
    frames = max(CAPTURE_EVERY * 2, min(MAX_FRAMES, frames))
    expect = ("telemetry" if _TELEMETRY.search(t) else "sound" if _SOUND.search(t)
              else "text" if _TEXT.search(t) else "screen")
    hold = bool(_HOLD.search(t))
    note = ""
    code = next((c for c in _CODE.findall(t)), None)
    if code is None:
        for m in _PRESS.finditer(t):
            word = m.group("key")
            if word.lower() in _NOT_KEYS:
                continue
            code = _key_code(word)
            if code:
                break
    if code:
        inp = f"key:{code}"
    elif _MOVE.search(t):
        inp = "move"
    elif _CLICK.search(t):
        inp = "click"
    elif _WAIT.search(t):
        inp = "none"
    elif fallback_key:
        inp, note = f"key:{fallback_key}", f"no input named; tried the game's main key {fallback_key}"
    else:
        inp, note = "click", "no input named; tried a click"
    return ProbeSpec(mechanic_id, t, inp, hold, expect, int(frames), bool(new), note)


def specs_from_plan(plan: Mapping[str, Any] | None, *, fallback_key: str | None = None) -> list[ProbeSpec]:
    """Probe specs for the mechanics a plan adds or changes (those with a probe sentence)."""
    out: list[ProbeSpec] = []
    for c in (plan or {}).get("changes", []) or []:
        if not isinstance(c, Mapping) or c.get("action") not in ("add", "change"):
            continue
        text = str(c.get("probe") or "").strip()
        mid = str(c.get("mechanic_id") or "").strip()
        if text and mid:
            out.append(parse_probe(mid, text, new=c.get("action") == "add", fallback_key=fallback_key))
    return out[:MAX_PROBES]


def passed_ids(results: Iterable[Mapping[str, Any]] | None) -> list[str]:
    """The mechanic ids whose probe passed, in order (kit or behaviour probe results alike)."""
    return [str(p["id"]) for p in results or () if isinstance(p, Mapping) and p.get("ok") and p.get("id")]


def specs_from_wire(items: Iterable[Mapping[str, Any]] | None) -> list[ProbeSpec]:
    out = []
    for d in items or ():
        try:
            out.append(ProbeSpec(str(d["id"]), str(d.get("probe", "")), str(d["input"]), bool(d.get("hold")),
                                 str(d.get("expect", "screen")), int(d.get("frames", DEFAULT_FRAMES)),
                                 bool(d.get("new"))))
        except (KeyError, TypeError, ValueError):
            continue
    return out[:MAX_PROBES]


# ------------------------------------------------------------------------------------ running

@dataclass
class _Run:
    frames: list[np.ndarray] = field(default_factory=list)
    at_t0: np.ndarray | None = None
    text: str = ""
    sounds: int = 0
    events: dict = field(default_factory=dict)
    error: str = ""


def _differs(a: np.ndarray, b: np.ndarray) -> tuple[bool, float]:
    if a.shape != b.shape:
        return True, 1.0
    d = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    changed = int((d > PIXEL_NOISE).sum())
    return changed >= MIN_PIXELS, changed / d.size


def _prefix(trace: Iterable[Mapping[str, Any]], t0: int) -> dict[int, list[dict]]:
    """The play run's inputs before ``t0``, with every key and button still down released at t0."""
    out: dict[int, list[dict]] = {}
    down: set[str] = set()
    pointer_down = None
    for item in trace or ():
        frame = int(item.get("frame", 0))
        if frame >= t0:
            break
        ev = {k: v for k, v in item.items() if k not in ("frame", "t")}
        out.setdefault(frame, []).append(ev)
        if ev.get("type") == "key":
            (down.add if ev.get("down") else down.discard)(str(ev.get("code")))
        elif ev.get("type") == "pointer":
            pointer_down = ev if ev.get("action") == "down" else None if ev.get("action") == "up" else pointer_down
    release = [{"type": "key", "code": c, "down": False} for c in sorted(down)]
    if pointer_down is not None:
        release.append({**pointer_down, "action": "up"})
    if release:
        out.setdefault(t0 - 1, []).extend(release)
    return out


class BehaviourProbes:
    """Runs probe specs against a no-input baseline (module docstring). ``evaluation`` gives the
    sandbox, settings and sessions (``ludeme.evaluation.evaluator.Evaluation``)."""

    def __init__(self, evaluation, specs: list[ProbeSpec], trace: list[dict], *, t0: int, sim_hz: int) -> None:
        self.ev = evaluation
        self.specs = specs
        self.trace = trace
        self.t0 = t0
        self.sim_hz = sim_hz
        self.window = max(s.frames for s in specs) if specs else DEFAULT_FRAMES

    def _run(self, extra: Mapping[int, list[dict]]) -> _Run:
        from ludeme.evaluation.evaluator import EVAL_HOST, JpegDecoder
        from ludeme.runtime.harness import HarnessError

        t0, total = self.t0, self.t0 + self.window + CAPTURE_EVERY
        schedule = _prefix(self.trace, t0)
        for step, evs in extra.items():
            schedule.setdefault(step, []).extend(evs)
        out = _Run()
        decode = JpegDecoder()
        session = self.ev._session(total / self.sim_hz)
        try:
            if not session.load(EVAL_HOST, timeout=self.ev.s.load_timeout):
                out.error = "the page did not load"
                return out
            done = 0

            def step(n: int, capture: int) -> list:
                nonlocal done
                inputs = {s - done: schedule[s] for s in schedule if done <= s < done + n}
                caps = session.step(n, inputs=inputs, capture_every=capture)
                done += n
                return caps

            step(t0 - 1, 0)
            for cap in step(1, 1):           # the frame at t0, before the probe's input
                f = decode.any(cap)
                if f is not None:
                    out.at_t0 = decode.small(f)
            caps = step(total - done, CAPTURE_EVERY)
            for cap in caps:
                f = decode.any(cap)
                if f is not None:
                    out.frames.append(decode.small(f))
            if caps and isinstance(caps[-1].telemetry, Mapping):
                out.events = dict(caps[-1].telemetry.get("events") or {})
            out.text = str(session.observe().get("text") or "")
            out.sounds = sum(1 for e in session.audio_events() or []
                             if isinstance(e, Mapping) and float(e.get("t", 0)) >= t0 / self.sim_hz)
        except HarnessError as exc:
            out.error = f"stopped: {exc}"
        finally:
            session.close()
        return out

    def run(self) -> list[dict]:
        """One result per spec: id, ok, reason, input, expect, frames, new."""
        base = self._run({})
        results: list[dict] = []
        runs: dict[tuple[str, bool], _Run] = {}
        w, h = int(self.ev.s.width), int(self.ev.s.height)
        t0_s = self.t0 / self.sim_hz
        for spec in self.specs:
            res = {**spec.to_dict(), "ok": False, "reason": ""}
            results.append(res)
            what = {"none": "no input"}.get(spec.input, spec.input.replace("key:", "") + (" held" if spec.hold else ""))
            if base.error:
                res["reason"] = f"baseline run {base.error}"
                continue
            if spec.input == "none":
                changed = any(_differs(a, b)[0] for a, b in zip(base.frames, base.frames[1:]))
                res["ok"] = changed
                res["reason"] = ("the game kept changing on its own after "
                                 f"{t0_s:.1f} s" if changed else f"nothing changed on its own after {t0_s:.1f} s")
                continue
            key = (spec.input, spec.hold)
            if key not in runs:
                runs[key] = self._run(spec.events(self.t0, w, h))
            run = runs[key]
            if run.error:
                res["reason"] = f"probe run {run.error}"
                continue
            if base.at_t0 is not None and run.at_t0 is not None and _differs(base.at_t0, run.at_t0)[0]:
                res["reason"] = (f"not decided: the game did not replay the same way up to {t0_s:.1f} s "
                                 "(it is not deterministic under the same seed and inputs)")
                continue
            n = max(1, spec.frames // CAPTURE_EVERY)
            first, share = None, 0.0
            for i, (a, b) in enumerate(zip(base.frames[:n], run.frames[:n])):
                d, s = _differs(a, b)
                if d and first is None:
                    first = (i + 1) * CAPTURE_EVERY
                share = max(share, s)
            screen = first is not None
            channel = {"screen": screen, "sound": run.sounds > base.sounds,
                       "text": run.text != base.text, "telemetry": run.events != base.events}
            ok = channel.get(spec.expect, screen)
            res["ok"] = bool(ok)
            if spec.expect == "screen":
                res["reason"] = (f"{what} at {t0_s:.1f} s: the picture differed from the no-input run after "
                                 f"{first} frames ({share:.0%} of the page)" if ok else
                                 f"{what} at {t0_s:.1f} s: the picture stayed as in the no-input run for "
                                 f"{spec.frames} frames")
            else:
                seen = {"sound": f"{run.sounds} sound(s) against {base.sounds}",
                        "text": "the page's text changed" if channel["text"] else "the page's text stayed the same",
                        "telemetry": "telemetry events differed" if channel["telemetry"] else
                        "telemetry events were the same"}[spec.expect]
                res["reason"] = (f"{what} at {t0_s:.1f} s, against the no-input run: {seen}"
                                 + ("" if ok else f" (the picture {'did' if screen else 'did not'} change)"))
            if spec.note:
                res["reason"] += f"; {spec.note}"
        return results
