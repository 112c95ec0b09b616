"""Every seed game, played for real in the sandbox: loads cleanly, paints, reacts to its controls, sounds."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from ludeme.core import kit
from ludeme.runtime.sandbox import SandboxPage
from tests.helpers import js_value, settle

SLUGS = [g.slug for g in kit.seed_games()]
K = Qt.Key
KEYS = {"Space": (K.Key_Space, " "), "Left": (K.Key_Left, ""), "Right": (K.Key_Right, ""),
        "Up": (K.Key_Up, ""), "Down": (K.Key_Down, ""), "D": (K.Key_D, "d"), "F": (K.Key_F, "f"),
        "J": (K.Key_J, "j"), "K": (K.Key_K, "k"), "X": (K.Key_X, "x"), "Z": (K.Key_Z, "z")}
TELEMETRY = "JSON.stringify(window.ludeme || null)"


def key(view, name, down):
    code, text = KEYS[name]
    kind = QEvent.Type.KeyPress if down else QEvent.Type.KeyRelease
    QApplication.sendEvent(view.focusProxy() or view, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, text))


def tap(qtbot, view, name, hold_ms=120):
    key(view, name, True)
    qtbot.wait(hold_ms)
    key(view, name, False)
    qtbot.wait(60)


def mouse(view, kind, x, y, buttons):
    target = view.focusProxy() or view
    pos = QPointF(x, y)
    event = QMouseEvent(kind, pos, target.mapToGlobal(pos), Qt.MouseButton.LeftButton, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, event)


def drag(qtbot, view, x0, y0, x1, y1):
    mouse(view, QEvent.Type.MouseButtonPress, x0, y0, Qt.MouseButton.LeftButton)
    for i in range(1, 9):
        mouse(view, QEvent.Type.MouseMove, x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8, Qt.MouseButton.LeftButton)
        qtbot.wait(25)
    mouse(view, QEvent.Type.MouseButtonRelease, x1, y1, Qt.MouseButton.NoButton)


def player_pos(t):
    for e in (t or {}).get("entities", []):
        if e.get("tag") in ("player", "paddle"):
            return (round(e["x"]), round(e["y"]))
    return None


def grew(before, after):
    b, a = (before or {}).get("events", {}), (after or {}).get("events", {})
    return {k for k, v in a.items() if v > b.get(k, 0)}


@pytest.mark.parametrize("slug", SLUGS)
def test_seed_game_plays(qtbot, sandbox, slug):
    profile, resolver, views = sandbox
    vid = f"{abs(hash(slug)) % (1 << 60):016x}"
    resolver.put(vid, "index.html", kit.build_game_html(slug))
    view = QWebEngineView()
    page = SandboxPage(profile, view)
    view.setPage(page)
    view.resize(800, 600)
    view.show()
    views.append(view)
    loaded = []
    page.loadFinished.connect(loaded.append)
    page.load_version(vid)
    qtbot.waitUntil(lambda: bool(loaded), timeout=15000)
    assert loaded[0] is True
    view.setFocus()
    settle(qtbot, 0.6)

    title = js_value(qtbot, page, TELEMETRY)
    assert title and title["frame"] > 10, "the game loop must run and publish telemetry"
    image = view.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 23)}
    assert len(colours) > 8, "the title screen must be painted"

    tap(qtbot, view, "Space")
    settle(qtbot, 0.4)
    started = js_value(qtbot, page, TELEMETRY)
    assert started["phase"] == "playing", f"{slug}: Space should start the game"

    settle(qtbot, 1.0)  # idle: what happens without input
    idle = js_value(qtbot, page, TELEMETRY)
    idle_grew = grew(started, idle)
    idle_move = player_pos(started) != player_pos(idle)

    key(view, "Right", True); qtbot.wait(350); key(view, "Right", False)
    for name in ("Space", "Up", "D", "F", "J", "K", "Down", "Z", "X"):
        tap(qtbot, view, name, 90)
    key(view, "Left", True); qtbot.wait(300); key(view, "Left", False)
    drag(qtbot, view, 400, 300, 300, 420)
    tap(qtbot, view, "Space", 90)
    settle(qtbot, 0.3)
    played = js_value(qtbot, page, TELEMETRY)

    input_grew = grew(idle, played) - idle_grew
    moved = player_pos(idle) != player_pos(played) and not idle_move
    pixels_before = view.grab().toImage()
    assert input_grew or moved, (
        f"{slug}: no reaction to input (events idle {sorted(idle_grew)}, with input {sorted(grew(idle, played))})")
    assert not pixels_before.isNull()

    tap_info = js_value(qtbot, page, "window.__ludemeAudioTap()")
    assert tap_info["starts"] > 0, f"{slug}: no sound was started"
    errors = [c.message for c in page.console if c.level == "error"]
    assert errors == [], f"{slug}: console errors {errors[:5]}"
