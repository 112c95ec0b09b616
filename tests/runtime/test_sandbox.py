"""The sandbox holds: hostile pages cannot reach the network or the disk, block the app, or hang it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from ludeme.runtime.sandbox import SandboxPage, SandboxProfile
from ludeme.runtime.scheme import MemoryResolver
from tests.helpers import flush_deletes, Canary, js_value, settle

VECTORS_JS = """
<!DOCTYPE html><html><head>
<link rel="stylesheet" href="{c}/css">
<link rel="prefetch" href="{c}/prefetch">
<script src="{c}/script.js"></script>
<style>body {{ background: url('{c}/bg.png'); }}</style>
</head><body>
<canvas id="c" width="100" height="100"></canvas>
<img src="{c}/img.png">
<iframe src="{c}/iframe"></iframe>
<iframe src="file:///etc/passwd"></iframe>
<form id="f" method="POST" action="{c}/form"><input name="a" value="b"></form>
<script>
window.results = {{}};
const note = (k, v) => {{ window.results[k] = String(v).slice(0, 120); }};
try {{ fetch("{c}/fetch").then(r => note("fetch", r.status), e => note("fetch", e)); }} catch (e) {{ note("fetch", e); }}
try {{ const x = new XMLHttpRequest(); x.open("GET", "{c}/xhr"); x.onload = () => note("xhr", x.status); x.onerror = () => note("xhr", "error"); x.send(); }} catch (e) {{ note("xhr", e); }}
try {{ const w = new WebSocket("{ws}/ws"); w.onopen = () => note("ws", "open"); }} catch (e) {{ note("ws", e); }}
try {{ const s = new EventSource("{c}/sse"); s.onopen = () => note("sse", "open"); }} catch (e) {{ note("sse", e); }}
try {{ note("beacon", navigator.sendBeacon("{c}/beacon", "x")); }} catch (e) {{ note("beacon", e); }}
try {{ new Image().src = "{c}/image-js"; }} catch (e) {{ note("image", e); }}
try {{ const pc = new RTCPeerConnection({{iceServers: [{{urls: "stun:127.0.0.1:{port}"}}]}}); pc.createDataChannel("x"); pc.createOffer().then(o => pc.setLocalDescription(o)); note("rtc", "made"); }} catch (e) {{ note("rtc", e); }}
try {{ const b = new Blob(["fetch('{c}/worker')"], {{type: "text/javascript"}}); new Worker(URL.createObjectURL(b)); note("worker", "made"); }} catch (e) {{ note("worker", e); }}
try {{ fetch("file:///etc/passwd").then(r => r.text()).then(t => note("file", t), e => note("file", e)); }} catch (e) {{ note("file", e); }}
try {{ const x = new XMLHttpRequest(); x.open("GET", "file:///etc/hostname"); x.onload = () => note("filexhr", x.responseText); x.onerror = () => note("filexhr", "error"); x.send(); }} catch (e) {{ note("filexhr", e); }}
try {{ note("open", window.open("{c}/popup")); }} catch (e) {{ note("open", e); }}
try {{ alert("hi"); confirm("sure?"); prompt("name?"); note("dialogs", "returned"); }} catch (e) {{ note("dialogs", e); }}
try {{ document.getElementById("f").submit(); }} catch (e) {{ note("form", e); }}
setTimeout(() => {{ try {{ location.href = "{c}/navigate"; }} catch (e) {{ note("nav", e); }} }}, 300);
setTimeout(() => {{ try {{ window.location.replace("file:///etc/passwd"); }} catch (e) {{ note("nav2", e); }} }}, 400);
</script></body></html>
"""


def hostile_page(canary: Canary) -> str:
    return VECTORS_JS.format(c=canary.url, ws=canary.url.replace("http", "ws"), port=canary.port)


@pytest.fixture
def canary():
    c = Canary()
    yield c
    c.close()


@pytest.fixture
def sandbox(qapp):
    resolver = MemoryResolver()
    profile = SandboxProfile(resolver)
    views: list[QWebEngineView] = []
    yield profile, resolver, views
    # Pages must go before their profile, or Chromium warns about a released profile.
    for view in views:
        view.page().deleteLater()
        view.deleteLater()
    flush_deletes()
    profile.deleteLater()
    flush_deletes()


def open_page(qtbot, sandbox, html: str, version_id: str = "a1b2c3d4e5f60718", timeout: float = 3.0):
    profile, resolver, views = sandbox
    resolver.put(version_id, "index.html", html)
    view = QWebEngineView()
    views.append(view)
    page = SandboxPage(profile, view, watchdog_timeout=timeout)
    view.setPage(page)
    view.resize(400, 300)
    view.show()
    loaded = []
    page.loadFinished.connect(loaded.append)
    page.load_version(version_id)
    return view, page, loaded


CONTROL = """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox"   # Chromium as it comes: no Ludeme flags
from PySide6.QtCore import QEventLoop, QTimer, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWidgets import QApplication
app = QApplication([])
profile = QWebEngineProfile()
page = QWebEnginePage(profile)
page.setHtml(sys.argv[1], QUrl(sys.argv[2]))
loop = QEventLoop(); QTimer.singleShot(4000, loop.quit); loop.exec()
os._exit(0)
"""


def test_canary_is_reachable_without_the_sandbox(canary):
    """Control: the same hostile page in an ordinary Chromium (another process, without Ludeme's
    sandbox or its network backstop) does reach the canary, so the tests that count nothing can fail."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "QTWEBENGINE_CHROMIUM_FLAGS"}
    subprocess.run([sys.executable, "-c", CONTROL, hostile_page(canary), canary.url + "/"], env=env,
                   timeout=60, capture_output=True)
    assert len(canary.hits) >= 3, canary.hits


def test_hostile_page_reaches_nothing(qtbot, canary, sandbox):
    view, page, loaded = open_page(qtbot, sandbox, hostile_page(canary))
    qtbot.waitUntil(lambda: bool(loaded), timeout=10000)
    settle(qtbot, 2.5)
    results = js_value(qtbot, page, "JSON.stringify(window.results || null)")
    print("page results:", results, "blocked:", page.blocked_count)
    assert canary.hits == [], f"the canary was reached: {canary.hits}"
    assert results is not None, "the page's own script should still run"
    # Local files are unreadable and nothing leaked into the results.
    for key in ("file", "filexhr"):
        assert "root:" not in results.get(key, "") and "localhost" not in results.get(key, "")
    assert results.get("open") in ("null", None)
    assert results.get("dialogs") == "returned", "dialogs must not block the page"
    assert page.url().scheme() == "game", "navigation away must be refused"
    assert page.blocked_count > 0
    assert any("blocked" in c.message for c in page.console)


def test_page_cannot_read_another_versions_files(qtbot, sandbox):
    profile, resolver, _ = sandbox
    resolver.put("ffffffffffffffff", "secret.txt", "top secret")
    html = """<script>
      window.r = {};
      fetch('game://ffffffffffffffff/secret.txt').then(r => r.text()).then(t => r.f = t, e => r.f = 'err');
      const i = new Image(); i.onload = () => r.img = 'loaded'; i.onerror = () => r.img = 'err';
      i.src = 'game://ffffffffffffffff/secret.txt';
    </script>"""
    view, page, loaded = open_page(qtbot, sandbox, html)
    qtbot.waitUntil(lambda: bool(loaded), timeout=10000)
    settle(qtbot, 1.0)
    r = js_value(qtbot, page, "JSON.stringify(window.r)")
    assert r.get("f") != "top secret"
    assert r.get("img") != "loaded"


def test_infinite_loop_at_load_is_killed_and_window_keeps_working(qtbot, sandbox):
    view, page, loaded = open_page(qtbot, sandbox, "<script>while(true){}</script>", timeout=1.5)
    with qtbot.waitSignal(page.game_stopped, timeout=15000) as stopped:
        pass
    assert "stopped responding" in stopped.args[0]
    assert page.watchdog.kills == 1
    # The app goes on: the same page can load a good game afterwards.
    profile, resolver, _ = sandbox
    resolver.put("0123456789abcdef", "index.html", "<script>window.ok = 41 + 1</script>")
    loaded.clear()
    page.load_version("0123456789abcdef")
    qtbot.waitUntil(lambda: bool(loaded and loaded[-1]), timeout=15000)
    assert js_value(qtbot, page, "JSON.stringify(window.ok)") == 42


def test_infinite_loop_after_start_is_killed(qtbot, sandbox):
    html = "<canvas></canvas><script>window.alive = 1; setTimeout(() => { for(;;){} }, 500)</script>"
    view, page, loaded = open_page(qtbot, sandbox, html, timeout=1.5)
    qtbot.waitUntil(lambda: bool(loaded), timeout=10000)
    assert js_value(qtbot, page, "JSON.stringify(window.alive)") == 1
    with qtbot.waitSignal(page.game_stopped, timeout=15000):
        pass
    assert page.stopped_reason and "stopped responding" in page.stopped_reason


def test_csp_header_is_enforced(qtbot, sandbox):
    """The CSP arrives intact and forbids connections even to the game's own origin."""
    profile, resolver, _ = sandbox
    resolver.put("a1b2c3d4e5f60718", "data.txt", "same-origin data")
    html = """<script>
      window.r = {violations: []};
      document.addEventListener('securitypolicyviolation', e => r.violations.push(e.effectiveDirective));
      fetch('/data.txt').then(x => x.text()).then(t => r.fetch = t, e => r.fetch = 'blocked');
      try { eval('1'); r.eval = 'ok' } catch (e) { r.eval = 'blocked' }
    </script>"""
    view, page, loaded = open_page(qtbot, sandbox, html)
    qtbot.waitUntil(lambda: bool(loaded), timeout=10000)
    settle(qtbot, 0.5)
    r = js_value(qtbot, page, "JSON.stringify(window.r)")
    assert r["fetch"] == "blocked"
    assert "connect-src" in r["violations"]
    assert r["eval"] == "ok"  # many games use eval or new Function; that alone reaches nothing
    assert not [c for c in page.console if "Content-Security-Policy directive" in c.message], \
        "the policy must arrive as one well-formed header"
    assert js_value(qtbot, page, "JSON.stringify((()=>{try{new WebSocket('ws://x')}catch(e){return e.name}})())") \
        == "SecurityError"
