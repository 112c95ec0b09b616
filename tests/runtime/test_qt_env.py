"""Chromium's switches follow the display the studio really has."""
from __future__ import annotations

import pytest

from ludeme.runtime.qt_env import configure_environment


@pytest.mark.parametrize("platform, display, offscreen, blocklist_ignored", [
    ("offscreen", "", False, True),   # tests, the evaluator: WebGL through SwiftShader
    ("", "", True, True),             # no display at all: offscreen is chosen
    ("xcb", ":99", True, False),      # a screenshot on a real X server: its GL decides (Mesa breaks
    ("", ":0", False, False),         # compositing with the blocklist ignored: a blank game)
])
def test_the_gpu_blocklist_is_ignored_only_headless(monkeypatch, platform, display, offscreen, blocklist_ignored):
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    for name, value in (("QT_QPA_PLATFORM", platform), ("DISPLAY", display)):
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    configure_environment(offscreen=offscreen)
    import os

    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert ("--ignore-gpu-blocklist" in flags) is blocklist_ignored
    assert "--proxy-server=http://127.0.0.1:0" in flags  # the network backstop, always


@pytest.mark.parametrize("platform, offscreen, keeps_display", [
    ("", True, False),          # `ludeme evaluate` / a pool member started from a desktop session
    ("offscreen", False, False),  # the studio's worker and its jobs
    ("xcb", True, True),        # the studio itself on the display
])
def test_a_headless_process_lets_go_of_the_display(monkeypatch, platform, offscreen, keeps_display):
    """Offscreen with DISPLAY still set made Qt reach for GLX and Chromium's GPU process die on a
    software X server (every playtest of the studio's worker failed under Xvfb)."""
    import os

    monkeypatch.setenv("DISPLAY", ":42")
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if platform:
        monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    else:
        monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    configure_environment(offscreen=offscreen)
    assert (os.environ.get("DISPLAY") == ":42") is keeps_display
    assert (os.environ.get("QT_QPA_PLATFORM") == "offscreen") is not keeps_display


def test_the_studios_worker_gets_no_display(monkeypatch):
    from ludeme.ui.worker_control import worker_environment

    monkeypatch.setenv("DISPLAY", ":42")
    env = worker_environment()
    assert env["QT_QPA_PLATFORM"] == "offscreen" and "DISPLAY" not in env
