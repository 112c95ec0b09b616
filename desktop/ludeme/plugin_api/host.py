"""Finding, loading and calling plugins; whatever a plugin does wrong becomes a PluginProblem.

Sources, in this order (the first plugin of a name wins, a later one is reported):
1. the bundled ``plugins/`` folder (:func:`ludeme.paths.plugins_dir`),
2. the user's ``<data dir>/plugins`` folder (:func:`ludeme.paths.user_plugins_dir`),
3. entry points in the group ``ludeme.plugins``.
In a folder, each ``name.py`` and each package ``name/__init__.py`` is a plugin (names starting with
``_`` or ``.`` are skipped). ``LUDEME_DISABLED_PLUGINS=a,b`` leaves plugins out by name.

Hooks run once per plugin, at load; the host validates what they return and wraps every later
call of a contribution (evaluator, operator, bot, exporter, generator) so that an exception or a
wrong result is recorded in :attr:`PluginHost.problems` and the caller goes on without it.
"""
from __future__ import annotations

import importlib.util
import math
import os
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping, TYPE_CHECKING

import pluggy

from ludeme.plugin_api import spec
from ludeme.plugin_api.contributions import (KINDS, NAME, EvaluationContext, Evaluator, PluginInfo, PluginProblem)

if TYPE_CHECKING:
    from ludeme.store.project import Project

ENTRY_POINT_GROUP = "ludeme.plugins"
# Built-in names a plugin may not take: reward terms and bots that exist without plugins.
RESERVED = {"evaluators": {"realisation", "structural", "novelty", "creativity", "playability", "cosmetic", "mechanics",
                           "quality", "progress",
                           "regression"},
            "bots": {"idle", "monkey", "explorer", "replay"},
            "exporters": {"bundle", "itch", "gallery", "git", "clip"}}


class PluginError(Exception):
    """A contribution failed when asked for by name (operator, exporter, generator): one line."""


def one_line(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        where = f" ({Path(exc.filename or '?').name}, line {exc.lineno})"
        return f"SyntaxError: {exc.msg}{where}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


class PluginHost:
    """Loads plugins once (:meth:`load`, idempotent) and hands out their contributions by kind."""

    def __init__(self, folders: Iterable[Path] | None = None, *, entry_points: bool = True,
                 disabled: Iterable[str] | None = None) -> None:
        if folders is None:
            from ludeme import paths

            folders = [paths.plugins_dir(), paths.user_plugins_dir()]
        self.folders = [Path(f) for f in folders]
        self.use_entry_points = entry_points
        if disabled is None:
            disabled = [n.strip() for n in os.environ.get("LUDEME_DISABLED_PLUGINS", "").split(",") if n.strip()]
        self.disabled = set(disabled)
        self.plugins: list[PluginInfo] = []
        self.problems: list[PluginProblem] = []
        self._items: dict[str, dict[str, tuple[str, Any]]] = {kind: {} for kind in KINDS}
        self._loaded = False
        self._lock = threading.RLock()
        self.pm = pluggy.PluginManager(spec.PROJECT)
        self.pm.add_hookspecs(spec)

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> "PluginHost":
        with self._lock:
            if self._loaded:
                return self
            self._loaded = True
            for folder in self.folders:
                for name, path in _folder_plugins(folder):
                    self._add(name, str(path), lambda n=name, p=path: _import_file(n, p))
            if self.use_entry_points:
                for ep in _entry_points():
                    dist = getattr(ep, "dist", None)
                    origin = f"entry point {ep.value}" + (f" ({dist.name} {dist.version})" if dist else "")
                    self._add(ep.name, origin, ep.load)
            return self

    def problem(self, name: str, reason: str) -> None:
        with self._lock:
            p = PluginProblem(name, reason)
            if p not in self.problems:
                self.problems.append(p)

    def _add(self, name: str, origin: str, importer) -> None:
        if name in self.disabled:
            return
        if any(p.name == name for p in self.plugins):
            self.problem(name, f"a plugin of this name is already loaded; {origin} skipped")
            return
        try:
            obj = importer()
            if isinstance(obj, type):
                obj = obj()
        except BaseException as exc:  # SyntaxError, ImportError, SystemExit from a plugin...
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.problem(name, f"could not be imported: {one_line(exc)}")
            return
        unknown = [attr for attr in dir(obj) if attr.startswith("ludeme_") and attr not in spec.HOOKS
                   and callable(getattr(obj, attr, None))]
        if unknown:
            self.problem(name, f"unknown hook {unknown[0]}() (hooks: {', '.join(spec.HOOKS)})")
            return
        try:
            self.pm.register(obj, name=name)
        except Exception as exc:  # wrong hook arguments, a module registered twice
            self.problem(name, f"could not be registered: {one_line(exc)}")
            return
        contributions: list[tuple[str, str, Any]] = []
        for kind, cls in KINDS.items():
            for impl in getattr(self.pm.hook, f"ludeme_{kind}").get_hookimpls():
                if impl.plugin_name != name:
                    continue
                try:
                    result = impl.function()
                    items = list(result) if result is not None else []
                except Exception as exc:
                    self.problem(name, f"ludeme_{kind}() failed: {one_line(exc)}")
                    continue
                for item in items:
                    why = _invalid(item, kind, cls)
                    if why:
                        self.problem(name, f"ludeme_{kind}() {why}")
                        continue
                    if item.name in RESERVED.get(kind, ()) or item.name in self._items[kind]:
                        owner = self._items[kind].get(item.name, ("Ludeme",))[0]
                        self.problem(name, f"{kind[:-1]} {item.name!r} is already provided by {owner}; skipped")
                        continue
                    contributions.append((kind, item.name, item))
        if not contributions and not any(p.name == name for p in self.problems):
            unmarked = [h for h in spec.HOOKS if callable(getattr(obj, h, None))]
            self.problem(name, f"{unmarked[0]}() is not marked @hookimpl" if unmarked
                         else f"defines no ludeme hooks ({', '.join(spec.HOOKS)})")
        for kind, item_name, item in contributions:
            self._items[kind][item_name] = (name, item)
        self.plugins.append(PluginInfo(name, origin, tuple(f"{k}:{n}" for k, n, _ in contributions)))

    # -- contributions by kind ------------------------------------------------------------
    def _kind(self, kind: str) -> dict[str, Any]:
        self.load()
        return {n: item for n, (_, item) in self._items[kind].items()}

    def evaluators(self) -> dict[str, Any]:
        return self._kind("evaluators")

    def operators(self) -> dict[str, Any]:
        return self._kind("operators")

    def bots(self) -> dict[str, Any]:
        return self._kind("bots")

    def exporters(self) -> dict[str, Any]:
        return self._kind("exporters")

    def generators(self) -> dict[str, Any]:
        return self._kind("generators")

    def owner(self, kind: str, name: str) -> str:
        self.load()
        return self._items[kind][name][0]

    # -- guarded calls ----------------------------------------------------------------------
    def evaluator_terms(self, ctx: EvaluationContext) -> tuple[dict[str, dict[str, Any]], list[PluginProblem]]:
        """Every plugin evaluator's terms for one evaluation: ``{term: {"value", "weight", "plugin"}}``
        and the problems met on the way (also added to :attr:`problems`). Never raises."""
        terms: dict[str, dict[str, Any]] = {}
        met: list[PluginProblem] = []
        for ev_name, ev in self.evaluators().items():
            plugin = self.owner("evaluators", ev_name)
            try:
                out = ev.fn(ctx)
                if not isinstance(out, Mapping):
                    raise TypeError(f"returned {type(out).__name__}, expected a dict of term: value in 0..1")
                checked = {}
                for term, value in out.items():
                    if not isinstance(term, str) or not NAME.match(term):
                        raise TypeError(f"term name {term!r} is not a lower-case name")
                    if term in RESERVED["evaluators"] or term in terms:
                        raise TypeError(f"term {term!r} is already a reward term")
                    if value is not None:
                        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                                or not 0.0 <= float(value) <= 1.0:
                            raise TypeError(f"term {term!r} is {value!r}, expected a number in 0..1 or None")
                        value = float(value)
                    checked[term] = {"value": value, "weight": float(ev.weight), "plugin": plugin}
            except Exception as exc:
                p = PluginProblem(plugin, f"evaluator {ev_name} skipped: {one_line(exc)}")
                met.append(p)
                self.problem(p.name, p.reason)
                continue
            terms.update(checked)
        return terms, met

    def run_operator(self, name: str, files: dict[str, bytes], direction: str = "", seed: int = 0) -> dict[str, bytes]:
        op = self._get("operators", name)
        return self._files(name, "operator", lambda: op.fn(dict(files), direction, int(seed)))

    def generate(self, name: str, idea: str, seed: int = 0) -> dict[str, bytes]:
        gen = self._get("generators", name)
        return self._files(name, "generator", lambda: gen.fn(idea, int(seed)))

    def export(self, name: str, project, target_id: str, out: Path) -> Path:
        ex = self._get("exporters", name)
        try:
            written = ex.fn(project, target_id, Path(out))
        except Exception as exc:
            raise self._fail("exporters", name, f"exporter {name} failed: {one_line(exc)}") from exc
        if not isinstance(written, (str, Path)) or not Path(written).exists():
            raise self._fail("exporters", name, f"exporter {name} returned {written!r}, not a path it wrote")
        return Path(written)

    def make_bot(self, name: str, **kw: Any):
        """A plugin bot, guarded: if it raises while playing it is recorded and goes quiet."""
        bot_type = self._get("bots", name)
        try:
            bot = bot_type.factory(**kw)
        except Exception as exc:
            raise self._fail("bots", name, f"bot {name} could not be made: {one_line(exc)}") from exc
        if not callable(getattr(bot, "inputs_for", None)):
            raise self._fail("bots", name, f"bot {name} made a {type(bot).__name__} without inputs_for(frame)")
        return _GuardedBot(bot, lambda reason: self.problem(self.owner("bots", name), reason), name)

    def _get(self, kind: str, name: str):
        items = self._kind(kind)
        if name not in items:
            known = ", ".join(sorted(items)) or "none"
            raise PluginError(f"no {kind[:-1]} {name!r} (plugin {kind}: {known})")
        return items[name]

    def _fail(self, kind: str, name: str, reason: str) -> PluginError:
        self.problem(self.owner(kind, name), reason)
        return PluginError(reason)

    def _files(self, name: str, what: str, call) -> dict[str, bytes]:
        kind = what + "s"
        try:
            out = call()
        except Exception as exc:
            raise self._fail(kind, name, f"{what} {name} failed: {one_line(exc)}") from exc
        if not isinstance(out, Mapping) or not all(isinstance(k, str) and isinstance(v, (bytes, str))
                                                   for k, v in out.items()):
            raise self._fail(kind, name, f"{what} {name} returned {type(out).__name__}, expected {{path: bytes}}")
        files = {k: v.encode("utf-8") if isinstance(v, str) else bytes(v) for k, v in out.items()}
        if not files.get("index.html", b"").strip():
            raise self._fail(kind, name, f"{what} {name} returned no index.html")
        return files

    def wire_exchange(self) -> None:
        """Offer every plugin exporter through ``ludeme.exchange.export(..., format=name)``,
        guarded like every other plugin call (a failure is a one-line ExportError)."""
        try:
            from ludeme import exchange
        except Exception:
            return
        register = getattr(exchange, "register_exporter", None)
        if register is None:
            return
        for name in self.exporters():
            def guarded(project: Project, target_id, out, _name=name):
                try:
                    return self.export(_name, project, target_id, Path(out))
                except PluginError as exc:
                    error = getattr(exchange, "ExportError", RuntimeError)
                    raise error(str(exc)) from None
            try:
                register(name, guarded)
            except Exception as exc:
                self.problem(self.owner("exporters", name), f"exporter {name} not offered: {one_line(exc)}")

    # -- listing ------------------------------------------------------------------------------
    def summary_lines(self) -> list[str]:
        """One line per plugin and per problem, for ``ludeme plugins`` and the studio."""
        self.load()
        lines = []
        for info in self.plugins:
            what = ", ".join(info.contributions) or "nothing"
            lines.append(f"{info.name}: {what} — {info.origin}")
        lines += [f"problem: {p}" for p in self.problems]
        return lines


class _GuardedBot:
    """A plugin bot whose failures end its input, not the evaluation."""

    def __init__(self, bot, report, name: str) -> None:
        self._bot, self._report, self.name, self.failed = bot, report, name, False

    def inputs_for(self, frame: int) -> list[dict]:
        if self.failed:
            return []
        try:
            events = self._bot.inputs_for(frame)
            if not isinstance(events, list) or not all(isinstance(e, dict) and "type" in e for e in events):
                raise TypeError(f"inputs_for returned {events!r:.60}, expected a list of event dicts")
            return events
        except Exception as exc:
            self.failed = True
            self._report(f"bot {self.name} stopped at frame {frame}: {one_line(exc)}")
            return []

    def finish(self, frame: int) -> list[dict]:
        try:
            return self._bot.finish(frame) if hasattr(self._bot, "finish") else []
        except Exception as exc:
            self._report(f"bot {self.name} finish() failed: {one_line(exc)}")
            return []

    @property
    def trace(self) -> list[dict]:
        return list(getattr(self._bot, "trace", []) or [])


def _invalid(item: Any, kind: str, cls: type) -> str | None:
    if not isinstance(item, cls):
        return f"returned {type(item).__name__}, expected {cls.__name__} records"
    if not isinstance(item.name, str) or not NAME.match(item.name):
        return f"gave the {cls.__name__} name {item.name!r}; use lower-case letters, digits, _ . -"
    fn = getattr(item, "factory", None) if kind == "bots" else item.fn
    if not callable(fn):
        return f"{cls.__name__} {item.name!r} has nothing to call"
    if kind == "evaluators":
        w = item.weight
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 <= w <= 1:
            return f"Evaluator {item.name!r} has weight {w!r}; expected 0..1"
    return None


def _folder_plugins(folder: Path) -> list[tuple[str, Path]]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.is_file() and path.suffix == ".py":
            found.append((path.stem, path))
        elif path.is_dir() and (path / "__init__.py").is_file():
            found.append((path.name, path))
    return found


def _import_file(name: str, path: Path):
    """Import a plugin file or package under a private module name (``ludeme_plugin_<name>``)."""
    modname = f"ludeme_plugin_{name.replace('-', '_').replace('.', '_')}"
    if path.is_dir():
        spec_ = importlib.util.spec_from_file_location(modname, path / "__init__.py",
                                                       submodule_search_locations=[str(path)])
    else:
        spec_ = importlib.util.spec_from_file_location(modname, path)
    if spec_ is None or spec_.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec_)
    sys.modules[modname] = module  # packages import their own submodules through it
    try:
        spec_.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return module


def _entry_points() -> list:
    try:
        return list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception:
        return []


_HOST: PluginHost | None = None
_HOST_LOCK = threading.RLock()


def get_host() -> PluginHost:
    """The process's plugin host, loaded on first use."""
    global _HOST
    with _HOST_LOCK:
        if _HOST is None:
            _HOST = PluginHost().load()
            _HOST.wire_exchange()
        host = _HOST
    return host.load()


def set_host(host: PluginHost | None) -> None:
    """Use this host (tests; a studio reloading plugins); None: load afresh on next use."""
    global _HOST
    with _HOST_LOCK:
        _HOST = host
