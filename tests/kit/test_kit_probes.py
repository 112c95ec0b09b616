"""The kit's mechanic modules, run in QtWebEngine: every behavioural probe passes, and probes can fail."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

from ludeme import paths
from ludeme.core import kit

MIN_MODULES = 44


class RecordingPage(QWebEnginePage):
    """Keeps every console message so a test can assert there were no errors."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.messages: list[tuple[str, str, int]] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt override)
        self.messages.append((level.name, message, line))

    def errors(self) -> list[str]:
        return [f"{m} (line {ln})" for lvl, m, ln in self.messages if "Error" in lvl]


@pytest.fixture
def probe_view(qtbot):
    """A probe page: core + every mechanic module, loaded like the studio loads it."""
    view = QWebEngineView()
    page = RecordingPage(view)
    view.setPage(page)
    done = {}
    page.loadFinished.connect(lambda ok: done.setdefault("ok", ok))
    view.setHtml(kit.probe_page_html(), QUrl("https://kit.invalid/"))
    qtbot.waitUntil(lambda: "ok" in done, timeout=30000)
    assert done["ok"], "probe page did not load"
    yield view, page
    # Delete the page before the view and flush deferred deletes, so no page outlives the profile.
    view.setPage(None)
    page.deleteLater()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run_js(qtbot, page, expression: str, timeout_ms: int = 60000):
    """Evaluate an expression that returns JSON text (objects would arrive as empty strings) and decode it."""
    box = {}
    page.runJavaScript(expression, 0, lambda r: box.setdefault("r", r))
    qtbot.waitUntil(lambda: "r" in box, timeout=timeout_ms)
    assert isinstance(box["r"], str) and box["r"], f"no JSON back from {expression!r}: {box['r']!r}"
    return json.loads(box["r"])


def test_module_files_match_ids(qtbot, probe_view):
    _, page = probe_view
    ids = run_js(qtbot, page, "JSON.stringify(Kit.modules.map(m => m.id))")
    files = sorted(p.stem for p in (paths.kit_dir() / "mechanics").glob("*.js"))
    assert sorted(ids) == files, "each mechanics/<id>.js must register exactly the mechanic <id>"
    assert len(ids) >= MIN_MODULES


def test_module_metadata(qtbot, probe_view):
    _, page = probe_view
    mods = run_js(qtbot, page, """JSON.stringify(Kit.modules.map(m => ({
        id: m.id, name: m.name, summary: m.summary, category: m.category, changes: m.changes,
        requires: m.requires, params: m.params, probe: !!(m.probe && m.probe.check && m.probe.script)})))""")
    categories = {"movement", "combat", "collection", "spawning", "physics", "scoring", "feedback",
                  "rules", "timing", "puzzle", "camera"}
    changes = {"actions", "transitions", "observations", "feedback", "resources", "goals"}
    ids = {m["id"] for m in mods}
    for m in mods:
        assert m["name"] and m["summary"], m["id"]
        assert m["category"] in categories, m["id"]
        assert m["changes"] and set(m["changes"]) <= changes, m["id"]
        assert set(m["requires"]) <= ids, f"{m['id']} requires unknown modules"
        assert m["probe"], f"{m['id']} has no probe"
        assert isinstance(m["params"], dict), m["id"]


def test_every_probe_passes_without_console_errors(qtbot, probe_view):
    _, page = probe_view
    results = run_js(qtbot, page, "JSON.stringify(Kit.runAllProbes())")
    assert len(results) >= MIN_MODULES
    failing = [f"{r['id']}: {r['reason']}" for r in results if not r["ok"]]
    assert not failing, "failing probes:\n" + "\n".join(failing)
    assert all(r["frames"] > 0 for r in results)
    assert not page.errors(), page.errors()


def test_a_probe_can_fail(qtbot, probe_view):
    """With double_jump's update switched off inside the page, its probe must fail (then pass again)."""
    _, page = probe_view
    broken = run_js(qtbot, page, """(() => {
        const m = Kit.module("double_jump"), saved = m.update;
        m.update = () => {};
        try { return JSON.stringify(Kit.runProbe("double_jump")); } finally { m.update = saved; }
    })()""")
    assert broken["ok"] is False and broken["reason"]
    again = run_js(qtbot, page, 'JSON.stringify(Kit.runProbe("double_jump"))')
    assert again["ok"] is True


def test_every_probe_fails_when_its_module_is_switched_off(qtbot, probe_view):
    """A probe that passes with the mechanic disabled proves nothing: disable update and setup of each."""
    _, page = probe_view
    passing = run_js(qtbot, page, """(() => {
        const out = [];
        for (const m of Kit.modules) {
            const u = m.update, s = m.setup;
            m.update = undefined; m.setup = undefined;
            try { if (Kit.runProbe(m.id).ok) out.push(m.id); } finally { m.update = u; m.setup = s; }
        }
        return JSON.stringify(out);
    })()""")
    assert passing == [], f"probes that pass with their module switched off: {passing}"


def test_unknown_probe_and_core_contract(qtbot, probe_view):
    _, page = probe_view
    out = run_js(qtbot, page, """(() => {
        const r = Kit.runProbe("no_such_module");
        const g = Kit.game({autostart: false, modules: {double_jump: {}}});
        return JSON.stringify({ok: r.ok, reason: r.reason, version: Kit.VERSION, mechanics: g.mechanics,
                               phase: g.phase, telemetry: typeof window.ludeme});
    })()""")
    assert out["ok"] is False and out["reason"]
    assert out["version"]
    # requires are added automatically, before the module that needs them
    assert out["mechanics"] == ["gravity", "jump", "double_jump"]
    assert out["phase"] == "title"
    assert out["telemetry"] == "undefined", "games built with autostart:false must not publish telemetry"
