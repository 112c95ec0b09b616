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
