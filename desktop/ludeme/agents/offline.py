"""The OFFLINE GENERATOR: the embedded default model "offline" (no key, no network).

It builds new versions of kit-based games by recombining the archive's kit modules and mutating
their parameters, following a direction when it maps to mechanics ("harder", "add a double jump",
"more juice"; see :mod:`ludeme.agents.offline_directions`). Deterministic for a seed: the same
(parent, seed, direction) always gives the identical HTML.

A built kit game holds marker-wrapped pieces (``/* ludeme:kit:<id>:begin */ … :end */``): core,
the mechanic modules, the game. The generator

- inserts / removes module pieces (inserted right before the game piece, requires first), and
- writes an ``overrides`` piece right after core::

      Kit.overrides = {"params": {...}, "add": {...}, "remove": [...], "offline": {...}};

  which ``Kit.game`` merges into the game's module list (params per module, modules switched on
  with params, modules switched off). ``offline.added`` remembers the modules earlier offline
  generations added: only those and pure feedback modules are ever removed.

Pure Python, no Qt.

Why this module is over 500 lines: a rule-based generator: the direction-to-mechanic tables and
the recombination rules.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ludeme.agents.offline_directions import Intent, genre_words, normalise, parse_direction
from ludeme.core.archive import MechanicEntry, load_archive

OVERRIDES_ID = "overrides"
FRAME = ("core", "game", OVERRIDES_ID)

_PIECE = re.compile(r"/\* ludeme:kit:([a-z0-9_]+):begin \*/\n(.*?)\n/\* ludeme:kit:\1:end \*/", re.S)
_OVERRIDES_JS = re.compile(r"Kit\.overrides\s*=\s*(\{.*\})\s*;?\s*$", re.S)

#: Modules that restructure a game (its control scheme, world or rules): never added or removed by
#: exploration; a direction may still add them when the genre fits.
STRUCTURAL = frozenset({
    "gravity", "jump", "top_down_move", "grid_move", "paddle_control", "ball_bounce", "brick_grid",
    "launcher", "push_blocks", "goal_tiles", "beat_clock", "timing_window", "auto_scroll", "lives",
    "health", "wrap_edges", "gravity_wells", "friction", "moving_platforms", "obstacle_spawner",
})
#: Params that position or lay out things the game draws itself, or switch modes: not mutated.
FROZEN_PARAMS = frozenset({
    "origin_x", "origin_y", "anchor_x", "anchor_y", "tile", "top", "height", "gap", "margin", "cols",
    "rows", "direction", "side", "button", "mode", "bottom", "serve", "count", "player", "recycle",
})
_STEPS = (0.7, 0.8, 0.87, 1.15, 1.25, 1.4)
_UP = (1.15, 1.25, 1.4)
_DOWN = (0.7, 0.8, 0.87)


@dataclass
class OfflineResult:
    html: str
    plan: dict[str, Any]
    realised: list[str]
    notes: list[str] = field(default_factory=list)
    followed: bool | None = None       # whether a direction was followed (None: no direction given)


# ---------------------------------------------------------------------------------------- parsing
@dataclass
class _Game:
    html: str
    pieces: dict[str, str]             # marker id -> source
    modules: list[str]                 # module pieces, in order (frame left out)
    overrides: dict[str, Any]
    title: str
    game_js: str

    @property
    def removed(self) -> list[str]:
        return list(self.overrides.get("remove", []))

    @property
    def active(self) -> list[str]:
        gone = set(self.removed)
        return [m for m in self.modules if m not in gone]

    @property
    def added_by_offline(self) -> list[str]:
        return list(self.overrides.get("offline", {}).get("added", []))


def _parse(html: str) -> _Game:
    pieces: dict[str, str] = {}
    order: list[str] = []
    for m in _PIECE.finditer(html):
        pieces[m.group(1)] = m.group(2)
        order.append(m.group(1))
    if "core" not in pieces or "game" not in pieces:
        raise ValueError("not a kit game: the core and game pieces (ludeme:kit markers) are missing")
    overrides: dict[str, Any] = {}
    if OVERRIDES_ID in pieces:
        mo = _OVERRIDES_JS.search(pieces[OVERRIDES_ID].strip())
        if mo:
            try:
                overrides = json.loads(mo.group(1))
            except json.JSONDecodeError:
                overrides = {}
    overrides = {
        "params": {k: dict(v) for k, v in (overrides.get("params") or {}).items() if isinstance(v, dict)},
        "add": {k: dict(v or {}) for k, v in (overrides.get("add") or {}).items()},
        "remove": [r for r in overrides.get("remove") or [] if isinstance(r, str)],
        "offline": dict(overrides.get("offline") or {}),
    }
    t = re.search(r"<title>(.*?)</title>", html, re.S)
    return _Game(html=html, pieces=pieces, modules=[m for m in order if m not in FRAME],
                 overrides=overrides, title=(t.group(1).strip() if t else ""), game_js=pieces["game"])


def _literal_params(game_js: str, module_id: str) -> dict[str, float]:
    """Numeric params the game's own code gives a module (``module_id: {k: 1, ...}``), best effort."""
    m = re.search(r"\b" + re.escape(module_id) + r"\s*:\s*\{", game_js)
    if not m:
        return {}
    depth, i = 0, m.end() - 1
    while i < len(game_js):
        ch = game_js[i]
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            break
        i += 1
    body = game_js[m.end():i]
    body = re.sub(r"\{[^{}]*\}|\[[^\[\]]*\]", "", body)          # nested objects / arrays are not params
    out: dict[str, float] = {}
    for k, v in re.findall(r"\b([a-z_][a-z0-9_]*)\s*:\s*(-?\d+(?:\.\d+)?(?:e\d+)?)\b", body):
        out.setdefault(k, float(v) if any(c in v for c in ".e") else int(v))
    return out


def _requires(module_id: str, kit_dir: Path) -> list[str]:
    p = kit_dir / "mechanics" / f"{module_id}.js"
    if not p.is_file():
        return []
    m = re.search(r"requires\s*:\s*\[([^\]]*)\]", p.read_text(encoding="utf-8"))
    return re.findall(r"[\"']([a-z0-9_]+)[\"']", m.group(1)) if m else []


def _kit_dir(kit_dir) -> Path:
    if kit_dir is not None:
        return Path(kit_dir)
    from ludeme import paths

    return paths.kit_dir()


# ---------------------------------------------------------------------------------------- the editor
class _Editor:
    """Holds the parent, the archive and the changes decided so far; writes the child."""

    def __init__(self, parent_html: str, rng: random.Random, archive: list[MechanicEntry] | None,
                 kit_dir) -> None:
        self.game = _parse(parent_html)
        self.rng = rng
        self.kit_dir = _kit_dir(kit_dir)
        entries = archive if archive is not None else load_archive()
        self.archive = {e.kit_module: e for e in entries if e.kit_module}
        self.available = sorted(p.stem for p in (self.kit_dir / "mechanics").glob("*.js"))
        self.genre = self._genre()
        self.params: dict[str, dict[str, Any]] = {k: dict(v) for k, v in self.game.overrides["params"].items()}
        self.add_params: dict[str, dict[str, Any]] = {k: dict(v) for k, v in self.game.overrides["add"].items()}
        self.removed: list[str] = list(self.game.removed)
        self.added: list[str] = []               # new pieces (ids), in insertion order
        self.sources: dict[str, str] = {}        # id -> source for new pieces (default: kit file)
        self.dropped: list[str] = []             # pieces taken out
        self.changes: list[dict[str, Any]] = []
        self.notes: list[str] = []

    # ---- what the game is
    def _genre(self) -> str | None:
        try:
            from ludeme.core.kit import seed_games

            for sg in seed_games():
                if sg.title and sg.title == self.game.title:
                    return sg.genre
        except Exception:  # no bundled games: fall back to a vote
            pass
        votes: dict[str, float] = {}
        for m in self.game.active:
            e = self.archive.get(m)
            if e is None or e.category == "feedback":
                continue
            for i, g in enumerate(e.genres):
                votes[g] = votes.get(g, 0.0) + 1.0 / (1 + i)
        return max(sorted(votes), key=lambda g: votes[g]) if votes else None

    @property
    def active(self) -> list[str]:
        gone = set(self.removed) | set(self.dropped)
        return [m for m in self.game.modules if m not in gone] + [m for m in self.added if m not in gone]

    def present(self, mid: str) -> bool:
        return mid in self.active

    def current(self, mid: str, name: str) -> float | None:
        e = self.archive.get(mid)
        if e is None or name not in e.params:
            return None
        default, lo, hi = e.params[name]
        for src in (self.params.get(mid, {}), self.add_params.get(mid, {}), _literal_params(self.game.game_js, mid)):
            v = src.get(name)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return min(max(v, lo), hi)
        return default

    def mutable_params(self, mid: str) -> list[str]:
        e = self.archive.get(mid)
        if e is None:
            return []
        out = []
        for name, (d, lo, hi) in e.params.items():
            if name in FROZEN_PARAMS or hi <= lo:
                continue
            if all(float(x).is_integer() for x in (d, lo, hi)) and (lo, hi) == (0, 1):
                continue                                         # an on/off switch
            out.append(name)
        return out

    def removable(self, mid: str) -> bool:
        if not self.present(mid) or mid in STRUCTURAL:
            return False
        if any(mid in _requires(o, self.kit_dir) for o in self.active if o != mid):
            return False
        if re.search(r"[\"']" + re.escape(mid) + r"[\"']", self.game.game_js):
            return False                                         # the game's own logic names it
        e = self.archive.get(mid)
        return mid in self.game.added_by_offline or mid in self.added or (e is not None and e.category == "feedback")

    def compatible(self, mid: str, *, allow_requires: bool, explore: bool) -> tuple[bool, str]:
        if mid not in self.available:
            return False, f"{mid}: no kit module"
        if self.present(mid):
            return False, f"{mid}: already on"
        e = self.archive.get(mid)
        feedback = e is not None and e.category == "feedback"
        if explore and mid in STRUCTURAL:
            return False, f"{mid}: restructures the game"
        missing = [r for r in self._all_requires(mid) if not self.present(r)]
        builds_on_game = bool(self._all_requires(mid)) and not missing and not explore
        if (not feedback and not builds_on_game and e is not None and self.genre is not None
                and self.genre not in e.genres):
            return False, f"{mid}: not a {self.genre} mechanic"
        if missing and not allow_requires:
            return False, f"{mid}: needs {', '.join(missing)}"
        if "jump" in self._all_requires(mid) and not self.present("jump"):
            return False, f"{mid}: the game has no jump"
        return True, ""

    def _all_requires(self, mid: str, seen: tuple[str, ...] = ()) -> list[str]:
        out: list[str] = []
        for r in _requires(mid, self.kit_dir):
            if r in seen:
                continue
            for rr in self._all_requires(r, seen + (mid,)) + [r]:
                if rr not in out:
                    out.append(rr)
        return out

    # ---- changes
    def _entry_fields(self, mid: str) -> dict[str, Any]:
        e = self.archive.get(mid)
        return {"mechanic_id": e.id if e else mid, "probe": e.probe if e else "", "kit_module": mid}

    def change_param(self, mid: str, name: str, sign: int = 0, why: str = "") -> bool:
        e = self.archive.get(mid)
        cur = self.current(mid, name)
        if e is None or cur is None:
            return False
        default, lo, hi = e.params[name]
        integer = all(float(x).is_integer() for x in (default, lo, hi))
        steps = _UP if sign > 0 else _DOWN if sign < 0 else _STEPS
        factor = self.rng.choice(steps)
        if cur == 0:
            return False                                         # 0 often means "off": leave it
        new = cur * factor
        if integer:
            new = int(round(new))
            if new == cur:
                new = int(cur) + (1 if factor > 1 else -1)
        else:
            new = float(f"{new:.4g}")
        new = min(max(new, lo), hi)
        if integer:
            new = int(new)
        if new == cur and sign == 0:                            # at a bound: step the other way
            new = min(max(int(round(cur / factor)) if integer else float(f"{cur / factor:.4g}"), lo), hi)
        if new == cur:
            return False
        target = self.add_params if (mid in self.add_params and mid not in self.params) else self.params
        target.setdefault(mid, {})[name] = new
        self.changes.append({"action": "change", **self._entry_fields(mid),
                             "summary": f"{name} {_fmt(cur)} -> {_fmt(new)}" + (f" ({why})" if why else ""),
                             "params": {name: new}})
        return True

    def add_module(self, mid: str, why: str = "", source: str | None = None,
                   params: dict[str, Any] | None = None) -> bool:
        for r in self._all_requires(mid):
            if not self.present(r):
                self._add_one(r, f"required by {mid}", None, None)
        self._add_one(mid, why, source, params)
        return True

    def _add_one(self, mid: str, why: str, source: str | None, params: dict[str, Any] | None) -> None:
        if mid in self.removed:
            self.removed.remove(mid)                            # switched off by overrides: switch on
        if mid in self.dropped:
            self.dropped.remove(mid)
        elif mid not in self.game.modules:
            self.added.append(mid)
            if source is not None:
                self.sources[mid] = source
        self.add_params[mid] = dict(params or {})
        e = self.archive.get(mid)
        self.changes.append({"action": "add", **self._entry_fields(mid),
                             "summary": (e.summary if e else mid) + (f" ({why})" if why else ""),
                             "params": dict(params or {})})

    def remove_module(self, mid: str, why: str = "") -> bool:
        if not self.removable(mid):
            return False
        if mid in self.added:
            self.added.remove(mid)
        else:
            self.dropped.append(mid)
        if mid not in self.removed:
            self.removed.append(mid)
        self.params.pop(mid, None)
        self.add_params.pop(mid, None)
        e = self.archive.get(mid)
        self.changes.append({"action": "remove", **self._entry_fields(mid),
                             "summary": f"switch off {e.name if e else mid}" + (f" ({why})" if why else ""),
                             "params": {}})
        return True

    # ---- exploration
    def explore_params(self, n: int | None = None, why: str = "exploration") -> int:
        cands = [(m, p) for m in self.active for p in self.mutable_params(m)]
        self.rng.shuffle(cands)
        n = n or self.rng.randint(1, 3)
        done = 0
        for m, p in cands:
            if done >= n:
                break
            done += self.change_param(m, p, 0, why)
        return done

    def explore_add(self, why: str = "exploration") -> bool:
        cands = [m for m in self.available if self.compatible(m, allow_requires=False, explore=True)[0]]
        if not cands:
            return False
        return self.add_module(self.rng.choice(cands), why)

    def explore_remove(self, why: str = "exploration") -> str | None:
        cands = [m for m in self.active if self.removable(m)]
        if not cands:
            return None
        mid = self.rng.choice(cands)
        return mid if self.remove_module(mid, why) else None

    def explore(self, mode: str) -> None:
        ops = {"params": ["params"], "structure": ["add", "remove", "swap"]}.get(
            mode, ["params", "params", "params", "add", "add", "remove", "swap"])
        op = self.rng.choice(ops)
        ok = False
        if op == "params":
            ok = self.explore_params() > 0
        elif op == "add":
            ok = self.explore_add()
        elif op == "remove":
            ok = self.explore_remove() is not None
        elif op == "swap":
            gone = self.explore_remove("swap")
            if gone:
                cat = self.archive[gone].category if gone in self.archive else None
                same = [m for m in self.available if m != gone and self.archive.get(m) is not None
                        and self.archive[m].category == cat
                        and self.compatible(m, allow_requires=False, explore=True)[0]]
                if same:
                    self.add_module(self.rng.choice(same), f"swapped in for {gone}")
                else:
                    self.explore_add("swap")
                ok = True
        if not ok:                                             # whatever is possible, in a fixed order
            ok = self.explore_params() > 0 or self.explore_add() or self.explore_remove() is not None
        if not ok:
            self.notes.append("nothing to change: no mutable params, no compatible module to add")

    # ---- writing the child
    def overrides(self) -> dict[str, Any]:
        added_before = self.game.added_by_offline
        added = [m for m in added_before if m in self.active] + [m for m in self.added if m not in added_before]
        add = {m: self.add_params.get(m, {}) for m in self.active if m in self.add_params}
        gen = int(self.game.overrides["offline"].get("generation", 0)) + 1
        return {"params": {m: p for m, p in sorted(self.params.items()) if p and self.present(m)},
                "add": add,
                "remove": [m for m in self.removed if m not in self.active],
                "offline": {"added": added, "generation": gen}}

    def html(self) -> str:
        out = self.game.html
        for mid in self.dropped:
            out = re.sub(r"\n?/\* ludeme:kit:" + mid + r":begin \*/\n.*?\n/\* ludeme:kit:" + mid + r":end \*/",
                         "", out, count=1, flags=re.S)
        new_pieces = []
        for mid in self.added:
            src = self.sources.get(mid)
            if src is None:
                src = (self.kit_dir / "mechanics" / f"{mid}.js").read_text(encoding="utf-8").rstrip()
            new_pieces.append(_wrapped(mid, src))
        if new_pieces:
            marker = "/* ludeme:kit:game:begin */"
            i = out.index(marker)
            out = out[:i] + "\n".join(new_pieces) + "\n" + out[i:]
        ov = _wrapped(OVERRIDES_ID, "Kit.overrides = " + json.dumps(self.overrides(), sort_keys=True) + ";")
        existing = re.search(r"/\* ludeme:kit:overrides:begin \*/\n.*?\n/\* ludeme:kit:overrides:end \*/", out, re.S)
        if existing:
            out = out[:existing.start()] + ov + out[existing.end():]
        else:
            end = "/* ludeme:kit:core:end */"
            i = out.index(end) + len(end)
            out = out[:i] + "\n" + ov + out[i:]
        return out

    def result(self, intent: str, direction: str, seed: int, mode: str, extra: dict | None = None) -> OfflineResult:
        touched = {c["kit_module"] for c in self.changes}
        keeps = [{"action": "keep", **self._entry_fields(m), "summary": "kept", "params": {}}
                 for m in self.active if m not in touched]
        plan = {"model": "offline", "intent": intent, "direction": direction, "seed": seed, "mode": mode,
                "genre": self.genre, "changes": self.changes + keeps, **(extra or {})}
        html = self.html()
        if html.lower().count("</script") != self.game.html.lower().count("</script"):
            raise ValueError("a grafted module source contains '</script'")
        return OfflineResult(html=html, plan=plan, realised=self.active, notes=list(self.notes))


def _wrapped(piece_id: str, source: str) -> str:
    return f"/* ludeme:kit:{piece_id}:begin */\n{source.rstrip()}\n/* ludeme:kit:{piece_id}:end */"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.4g}"


def _rng(*parts: Any) -> random.Random:
    key = "\x1f".join(str(p) for p in parts)
    return random.Random(hashlib.sha256(key.encode("utf-8")).hexdigest())


def _mechanic_names(archive: dict[str, MechanicEntry]) -> dict[str, tuple[str, ...]]:
    out = {}
    for mid, e in archive.items():
        names = {mid.replace("_", " "), e.name.lower(), e.id.replace("_", " ")}
        # plural/short forms: "coins" -> "coin", "homing enemies" -> "homing enemy"
        for n in list(names):
            if n.endswith("s") and len(n) > 4:
                names.add(n[:-1])
        out[mid] = names
    # a word of an id that names only that module ("shield", "magnet", "multiball") names it too
    owners: dict[str, set[str]] = {}
    for mid in archive:
        for w in mid.split("_"):
            owners.setdefault(w, set()).add(mid)
    for w, mids in owners.items():
        if len(mids) == 1 and len(w) >= 4 and w not in _GENERIC_WORDS:
            mid = next(iter(mids))
            out[mid] |= {w, w + "s"}
    return {mid: tuple(sorted(n, key=len, reverse=True)) for mid, n in out.items()}


_GENERIC_WORDS = {"time", "score", "move", "control", "frames", "window", "edges", "grid", "clock",
                  "text", "pause", "ramp", "spawner", "pickup", "powerup", "tiles", "blocks", "enemies",
                  "enemy", "bullets", "platforms", "moving", "bounce", "pads", "down", "floating", "auto",
                  "distance", "countdown", "speed", "difficulty", "hit", "screen"}


# ---------------------------------------------------------------------------------------- directions
def _follow(ed: _Editor, intent: Intent) -> list[str]:
    """Apply what the intent asks for; returns what was done, in words."""
    did: list[str] = []
    # mechanics named in the text: switch off (after a negator) or on / strengthen
    for mid in intent.mentioned:
        if mid in intent.negated:
            if ed.remove_module(mid, "direction"):
                did.append(f"removed {mid}")
            elif ed.present(mid):
                params = ed.mutable_params(mid)
                if params and ed.change_param(mid, params[0], -1, "direction: less"):
                    did.append(f"weakened {mid}")
                else:
                    ed.notes.append(f"{mid} stays: the game depends on it")
            continue
        if ed.present(mid):
            if intent.concepts:
                continue                                         # the word family says what to do
            params = ed.mutable_params(mid)
            if params and ed.change_param(mid, params[0], +1, "direction: more"):
                did.append(f"strengthened {mid}")
            continue
        ok, why = ed.compatible(mid, allow_requires=True, explore=False)
        if ok:
            ed.add_module(mid, "direction")
            did.append(f"added {mid}")
        else:
            ed.notes.append(f"cannot add {why}")
    if did:
        return did
    # word families
    if intent.add_first:
        for mid in intent.add:
            if ed.compatible(mid, allow_requires=True, explore=False)[0]:
                ed.add_module(mid, "direction")
                did.append(f"added {mid}")
    nudges = [n for n in intent.nudges if ed.present(n[0]) and n[1] in ed.archive.get(n[0]).params] \
        if intent.nudges else []
    if nudges and not did:
        ed.rng.shuffle(nudges)
        want = ed.rng.randint(1, 3)
        done = 0
        for mid, name, sign in nudges:
            if done >= want:
                break
            if ed.change_param(mid, name, sign, "direction"):
                done += 1
                did.append(f"{'raised' if sign > 0 else 'lowered'} {mid}.{name}")
    if not did:
        for mid in intent.remove:
            if ed.remove_module(mid, "direction"):
                did.append(f"removed {mid}")
                break
    if not did:
        for mid in intent.add:
            if ed.compatible(mid, allow_requires=True, explore=False)[0]:
                ed.add_module(mid, "direction")
                did.append(f"added {mid}")
                break
    return did


def generate(parent_html: str, *, seed: int, direction: str = "", archive: list[MechanicEntry] | None = None,
             kit_dir=None, mode: str = "mutate") -> OfflineResult:
    """A new version of a kit game. ``mode``: "mutate" (any change), "params" (parameters only),
    "structure" (add / remove / swap modules only); a direction that maps to mechanics wins."""
    ed = _Editor(parent_html, _rng("generate", seed, direction.strip().lower(), mode,
                                   hashlib.sha256(parent_html.encode("utf-8")).hexdigest()), archive, kit_dir)
    intent = parse_direction(direction, _mechanic_names(ed.archive)) if direction.strip() else Intent(text="")
    done: list[str] = []
    if intent.understood:
        done = _follow(ed, intent)
    if done:
        summary = f"follow the direction {direction!r}: " + "; ".join(done)
    else:
        if direction.strip():
            ed.notes.append(f"direction {direction!r} does not map to any mechanic this game can take; "
                            "seeded exploration instead")
        ed.explore(mode)
        summary = "seeded exploration: " + ("; ".join(c["summary"] for c in ed.changes) or "no change")
    if intent.concepts:
        ed.notes.append("direction read as: " + ", ".join(intent.concepts))
    res = ed.result(summary, direction, seed, mode)
    res.followed = bool(done) if direction.strip() else None
    return res


# ---------------------------------------------------------------------------------------- crossover
def crossover(parents_html: list[str], *, seed: int, archive: list[MechanicEntry] | None = None,
              kit_dir=None) -> OfflineResult:
    """The first parent's game with modules and params grafted from the others where compatible."""
    if not parents_html:
        raise ValueError("crossover needs at least one parent")
    base = parents_html[0]
    digest = hashlib.sha256("\x1e".join(parents_html).encode("utf-8")).hexdigest()
    ed = _Editor(base, _rng("crossover", seed, digest), archive, kit_dir)
    grafts: list[tuple[str, str, Any, str | None, int]] = []    # (kind, module, value, source, donor)
    for di, donor_html in enumerate(parents_html[1:], start=1):
        try:
            donor = _parse(donor_html)
        except ValueError:
            ed.notes.append(f"parent {di} is not a kit game; skipped")
            continue
        for mid in donor.active:
            if ed.present(mid):
                for name in ed.mutable_params(mid):
                    v = (donor.overrides["params"].get(mid, {}).get(name)
                         if name in donor.overrides["params"].get(mid, {})
                         else donor.overrides["add"].get(mid, {}).get(name,
                                                                      _literal_params(donor.game_js, mid).get(name)))
                    if isinstance(v, (int, float)) and v != ed.current(mid, name):
                        grafts.append(("param", mid, (name, v), None, di))
            elif ed.compatible(mid, allow_requires=False, explore=True)[0]:
                params = {k: v for k, v in {**_literal_params(donor.game_js, mid),
                                            **donor.overrides["add"].get(mid, {}),
                                            **donor.overrides["params"].get(mid, {})}.items()
                          if k in ed.mutable_params(mid)}
                grafts.append(("module", mid, params, donor.pieces.get(mid), di))
    ed.rng.shuffle(grafts)
    taken_modules = 0
    taken_params = 0
    for kind, mid, value, source, di in grafts:
        if kind == "module" and taken_modules < 2 and not ed.present(mid):
            e = ed.archive.get(mid)
            clean = {}
            for k, v in value.items():
                if e is not None and k in e.params:
                    _, lo, hi = e.params[k]
                    clean[k] = min(max(v, lo), hi)
            ed.add_module(mid, f"from parent {di}", source=source, params=clean)
            taken_modules += 1
        elif kind == "param" and taken_params < 3:
            name, v = value
            e = ed.archive[mid]
            _, lo, hi = e.params[name]
            cur = ed.current(mid, name)
            v = min(max(v, lo), hi)
            if v == cur:
                continue
            ed.params.setdefault(mid, {})[name] = v
            ed.changes.append({"action": "change", **ed._entry_fields(mid),
                               "summary": f"{name} {_fmt(cur)} -> {_fmt(v)} (from parent {di})",
                               "params": {name: v}})
            taken_params += 1
    if not ed.changes:
        ed.notes.append("the parents share nothing to graft; seeded mutation instead")
        ed.explore("mutate")
    summary = f"crossover of {len(parents_html)} parents: " + "; ".join(c["summary"] for c in ed.changes)
    return ed.result(summary, "", seed, "crossover", {"parents": len(parents_html)})


# ---------------------------------------------------------------------------------------- new games
def _words(text: str) -> set[str]:
    out = set()
    for w in normalise(text).split():
        out.add(w)
        if w.endswith("s") and len(w) > 3:
            out.add(w[:-1])
    return out


def idea_to_game(prompt: str, *, seed: int, archive: list[MechanicEntry] | None = None, kit_dir=None,
                 games_dir=None) -> OfflineResult:
    """Pick the seed game whose genre and description best match the prompt, then mutate toward it."""
    from ludeme.core.kit import build_game_html, seed_games

    games = seed_games(Path(games_dir) if games_dir else None)
    games = [g for g in games if g.kit or True]
    if not games:
        raise ValueError("no seed games to start from")
    words = _words(prompt)
    gw = genre_words()
    rng = _rng("idea", seed, prompt)

    def score(g) -> float:
        s = 3.0 * len(words & set(gw.get(g.genre, ()))) + 3.0 * (g.genre.replace("_", " ") in prompt.lower())
        s += 2.0 * len(words & _words(g.title))
        s += 1.0 * len(words & (_words(g.description) - _STOP))
        s += 0.5 * len(words & _words(" ".join(m.replace("_", " ") for m in g.kit)))
        return s

    scored = [(score(g), rng.random(), g) for g in games]
    scored.sort(key=lambda t: (-t[0], t[1]))
    best_score, _, chosen = scored[0]
    html = build_game_html(chosen.slug, Path(games_dir) if games_dir else None,
                           Path(kit_dir) if kit_dir else None)
    res = generate(html, seed=seed, direction=prompt, archive=archive, kit_dir=kit_dir)
    res.plan["base"] = chosen.slug
    res.plan["intent"] = f"new game from {chosen.title!r} ({chosen.genre}) for {prompt!r}; " + res.plan["intent"]
    res.notes.insert(0, f"started from the seed game {chosen.slug} ({chosen.genre})"
                     + ("" if best_score > 0 else ": nothing in the prompt matched; picked by the seed"))
    if not res.followed:
        # Say it where the designer looks (the plan, shown in the inspector): this is a seed game,
        # not the idea, and only a model can build the idea itself.
        res.plan.setdefault("limits", []).append(
            f"Offline, the idea was not understood: this is the seed game {chosen.title} ({chosen.genre}) "
            "with seeded changes, not the idea itself. Choose a language model in Settings ▸ Models and "
            "make a new lineage from the idea to build it.")
    return res


_STOP = {"the", "a", "an", "and", "of", "to", "in", "on", "with", "your", "you", "before", "for", "up",
         "it", "as", "by", "at", "from", "into", "off", "its", "or", "game"}
