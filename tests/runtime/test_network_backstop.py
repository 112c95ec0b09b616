"""No socket leaves a game page: resource hints are defused before the page sees them, and every
connection Chromium tries goes to a proxy that cannot exist. Counted as TCP connections at a canary
on 127.0.0.1, not only as requests."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from ludeme.core.settings import EvaluationSettings
from ludeme.evaluation.evaluator import evaluate
from ludeme.runtime.serving import defuse_resource_hints, transform
from tests.helpers import Canary, settle

HINTS = """<!DOCTYPE html><html><head>
<link rel="preconnect" href="{c}">
<link rel=preconnect href="http://localhost:{port}" crossorigin>
<link rel="dns-prefetch" href="{c}">
<link rel="prefetch" href="{c}/prefetch">
<link rel="preload" href="{c}/font.woff2" as="font">
<link rel="modulepreload" href="{c}/m.js">
</head><body><canvas width=100 height=100></canvas>
<script>const l = document.createElement('link'); l.rel = 'preconnect'; l.href = '{c}/late';
document.head.appendChild(l);
const c = document.querySelector('canvas').getContext('2d'); let t = 0;
addEventListener('keydown', () => t += 10);
(function f() {{ c.fillStyle = '#000'; c.fillRect(0, 0, 100, 100); c.fillStyle = '#fff'; c.fillRect(t % 90, 40, 10, 10);
  requestAnimationFrame(f); }})();</script></body></html>"""


@pytest.fixture
def canary():
    c = Canary()
    yield c
    c.close()


def test_resource_hints_are_made_inert_and_local_preloads_kept():
    html, n = defuse_resource_hints('<link rel="preconnect" href="http://a"><LINK REL=dns-prefetch href=//b>'
                                    '<link rel="preload" href="x.png" as="image"><link rel="stylesheet" href="s.css">'
                                    '<link href="https://f/x.woff" rel="preload">')
    assert n == 3
    assert "ludeme-blocked-preconnect" in html and "ludeme-blocked-dns-prefetch" in html
    assert '<link rel="preload" href="x.png" as="image">' in html and 'rel="stylesheet"' in html
    assert transform("game.js", b'<link rel="preconnect" href="http://a">') == b'<link rel="preconnect" href="http://a">'


def test_the_backstop_alone_stops_connections(qtbot, canary):
    """A page outside the sandbox (no interceptor, no CSP, no rewrite) still reaches nothing: the
    process-wide dead proxy is the network-level backstop."""
    profile = QWebEngineProfile()
    page = QWebEnginePage(profile)
    view = QWebEngineView()
    view.setPage(page)
    page.setHtml(HINTS.format(c=canary.url, port=canary.port) +
                 f"<img src='{canary.url}/img'><script>fetch('{canary.url}/f').catch(() => 0)</script>",
                 QUrl("http://example.com/"))
    settle(qtbot, 2.5)
    assert canary.hits == [], f"connections reached the canary: {canary.hits}"
    view.setPage(None)
    del page
    view.deleteLater()
    qtbot.wait(50)


def test_an_evaluated_game_with_resource_hints_opens_no_socket(qapp, canary):
    html = HINTS.format(c=canary.url, port=canary.port)
    report = evaluate({"index.html": html.encode()}, EvaluationSettings(seconds=2, idle_seconds=2))
    settle_s = 1.0
    import time
    time.sleep(settle_s)
    assert canary.hits == [], f"connections reached the canary: {canary.hits}"
    assert report.verdict == "playable", report.reasons
