"""The playtest harness: virtual clock, determinism, sound, inputs, captures, hostile signals."""
from __future__ import annotations

import hashlib
import os
import signal
import time

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from ludeme.core.kit import build_game_html
from ludeme.runtime.harness import HarnessCrashed, HarnessSession, HarnessTimeout


@pytest.fixture
def open_session(sandbox, qapp):
    """open_session(html_or_None, version_id, **kwargs) -> a loaded HarnessSession (closed after)."""
    profile, resolver, _views = sandbox
    sessions: list[HarnessSession] = []

    def make(html: str | None, version_id: str, load: bool = True, load_timeout: float = 5.0, **kwargs):
        if html is not None:
            resolver.put(version_id, "index.html", html)
        session = HarnessSession(profile, **kwargs)
        sessions.append(session)
        if load:
            assert session.load(version_id, timeout=load_timeout), "the page should load"
        return session

    yield make
    for session in sessions:
        if session.load_retries:
            print(f"\n[harness] {session.load_retries} load retries")
        session.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def digests(caps) -> list[str]:
    return [hashlib.sha1(c.jpeg).hexdigest() for c in caps if c.jpeg]


RANDOM_PAGE = """<!DOCTYPE html><html><body style="margin:0;background:#000">
<canvas id="c" width="320" height="240"></canvas><script>
const c = document.getElementById("c"), x = c.getContext("2d");
let px = 160;
addEventListener("keydown", e => { if (e.code === "ArrowLeft") px -= 20; if (e.code === "ArrowRight") px += 20; });
function frame(t) {
  x.fillStyle = "rgba(0,0,0,0.2)"; x.fillRect(0, 0, 320, 240);
  x.fillStyle = "hsl(" + Math.floor(Math.random() * 360) + ",80%,60%)";
  x.fillRect(Math.random() * 300, Math.random() * 220, 20, 20);
  x.fillStyle = "#fff"; x.fillRect(px, 200 + 10 * Math.sin(t / 200), 12, 12);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
</script></body></html>"""


def test_same_seed_and_inputs_replay_identically(open_session):
    inputs = {10: {"type": "key", "code": "ArrowLeft", "down": True},
              11: {"type": "key", "code": "ArrowLeft", "down": False},
              40: [{"type": "key", "code": "ArrowRight", "down": True},
                   {"type": "key", "code": "ArrowRight", "down": False}]}
    runs = []
    for seed in (7, 7, 8):
        session = open_session(RANDOM_PAGE, "0000000000000a01", seed=seed, capture_size=(320, 240))
        runs.append(digests(session.step(90, inputs=inputs, capture_every=3)))
    assert len(runs[0]) == 30 and len(set(runs[0])) > 20, "frames should change over time"
    assert runs[0] == runs[1], "same seed and inputs must give identical frames"
    assert runs[0] != runs[2], "a different seed must give different frames"
    # Reloading in the same session with the same seed replays too.
    session = open_session(RANDOM_PAGE, "0000000000000a01", seed=7, capture_size=(320, 240))
    session.step(15)
    assert session.load("0000000000000a01", seed=7)
    assert digests(session.step(90, inputs=inputs, capture_every=3)) == runs[0]


CLOCK_PAGE = """<!DOCTYPE html><html><body><script>
window.log = [];
const t0 = [performance.now(), Date.now(), new Date().getTime()];
setTimeout(() => log.push(["timeout", performance.now(), Date.now() - t0[1]]), 2000);
let ticks = 0;
const iv = setInterval(() => { ticks++; if (ticks === 5) clearInterval(iv); }, 100);
let frames = 0, lastTs = null;
requestAnimationFrame(function f(ts) { frames++; lastTs = ts; requestAnimationFrame(f); });
setTimeout(function chain() { window.chained = (window.chained || 0) + 1; setTimeout(chain, 0); }, 0);
window.state = () => JSON.stringify({log, ticks, frames, lastTs, now: performance.now(),
  date: Date.now() - t0[1], newDate: new Date().getTime() - t0[2], t0, chained: window.chained});
</script></body></html>"""


def test_the_clock_is_virtual(open_session, qtbot):
    session = open_session(CLOCK_PAGE, "0000000000000b01")
    state = session._js_json("state()")
    assert state["t0"][0] == 0 and state["frames"] == 0
    qtbot.wait(300)  # real time passes; virtual time does not
    assert session._js_json("state()")["now"] == 0 and session._js_json("state()")["frames"] == 0

    session.step(119)
    state = session._js_json("state()")
    assert state["log"] == [], "2000 ms have not passed after 119 frames"
    assert state["ticks"] == 5 and state["frames"] == 119
    session.step(1)
    state = session._js_json("state()")
    assert state["log"] == [["timeout", 2000, 2000]], "fires exactly at frame 120"
    assert state["now"] == pytest.approx(2000) and state["lastTs"] == pytest.approx(2000)
    assert state["date"] == 2000 and state["newDate"] == 2000
    # setTimeout(f, 0) chains are clamped to 4 ms after 5 levels, as in a browser: finite per frame.
    assert 400 < state["chained"] < 600

    start = time.perf_counter()
    caps = session.step(300)
    wall = time.perf_counter() - start
    print(f"\n300 frames (no capture) in {wall * 1000:.0f} ms wall, JS {sum(c.cost_ms for c in caps):.1f} ms")
    assert wall < 5.0 and caps[-1].time == pytest.approx(7.0)
    assert [c.frame for c in caps[:2]] == [121, 122]


BEEP_PAGE = """<!DOCTYPE html><html><body><script>
const ac = new AudioContext();
function beep(when, freq) {
  const o = ac.createOscillator(), g = ac.createGain();
  o.frequency.value = freq; g.gain.value = 0.4;
  o.connect(g); g.connect(ac.destination);
  o.start(when); o.stop((when === undefined ? ac.currentTime : Math.max(when, ac.currentTime)) + 0.1);
}
setTimeout(() => beep(undefined, 440), 500);                 // no `when`: now (0.5 s)
setTimeout(() => beep(ac.currentTime + 0.25, 660), 1000);   // scheduled ahead: 1.25 s
setTimeout(() => beep(0, 880), 2000);                       // a past `when`: now (2.0 s)
window.acState = () => JSON.stringify([ac.state, ac.currentTime, ac instanceof AudioContext]);
</script></body></html>"""


def onsets(pcm: np.ndarray, rate: int, threshold: float = 0.05, gap: float = 0.15) -> list[float]:
    loud = np.flatnonzero(np.abs(pcm) > threshold)
    found: list[float] = []
    for i in loud:
        t = i / rate
        if not found or t - found[-1] > gap:
            found.append(t)
    return found


def test_sound_follows_the_virtual_clock(open_session):
    session = open_session(BEEP_PAGE, "0000000000000c01", audio_seconds=3.0)
    session.step(150)
    state, now, is_ac = session._js_json("acState()")
    assert state == "running" and now == pytest.approx(2.5) and is_ac
    events = session.audio_events()
    assert [e["kind"] for e in events] == ["oscillator"] * 3
    assert [e["t"] for e in events] == pytest.approx([0.5, 1.25, 2.0], abs=1e-6)
    start = time.perf_counter()
    pcm, rate = session.audio()
    print(f"\naudio render of 3 s: {(time.perf_counter() - start) * 1000:.0f} ms ({session.last_audio_info})")
    assert rate == 48000 and pcm.dtype == np.float32 and len(pcm) == 3 * 48000
    assert float(np.abs(pcm).max()) > 0.1, "the render must not be silent"
    found = onsets(pcm, rate)
    assert len(found) == 3 and np.allclose(found, [0.5, 1.25, 2.0], atol=0.010), found
    again, _ = session.audio()
    assert np.array_equal(again, pcm)


PARAM_PAGE = """<!DOCTYPE html><html><body><script>
const ac = new AudioContext(), o = ac.createOscillator(), g = ac.createGain();
g.gain.value = 0; o.connect(g); g.connect(ac.destination); o.start();
setTimeout(() => { g.gain.value = 0.5; }, 1000);
setTimeout(() => { g.gain.value = 0; }, 1500);
</script></body></html>"""


def test_param_value_writes_follow_the_virtual_clock(open_session):
    """A live context applies `param.value = v` from now on; the offline stand-in must too."""
    session = open_session(PARAM_PAGE, "0000000000000c03", audio_seconds=2.0)
    session.step(120)
    pcm, rate = session.audio()
    loud = np.abs(pcm) > 0.1
    assert not loud[: int(0.99 * rate)].any() and not loud[int(1.51 * rate):].any()
    assert loud[int(1.01 * rate): int(1.49 * rate)].mean() > 0.5
    assert [e["t"] for e in session.audio_events()] == [0]


def test_silent_game_gives_silence_of_the_recording_length(open_session):
    session = open_session("<canvas></canvas>", "0000000000000c02", audio_seconds=1.0, sample_rate=22050)
    session.step(10)
    pcm, rate = session.audio()
    assert rate == 22050 and len(pcm) == 22050 and not pcm.any()
    assert session.capture() is not None  # a 300x150 blank canvas is still a canvas


INPUT_PAGE = """<!DOCTYPE html><html><body style="margin:0">
<div style="height:50px"></div>
<canvas id="c" tabindex="0" width="800" height="600" style="width:400px;height:300px;margin-left:20px"></canvas>
<script>
window.log = [];
const c = document.getElementById("c");
const rec = (where) => (e) => log.push([where, e.type, e.code || null, e.key || null, e.keyCode || 0, e.which || 0,
  e.clientX === undefined ? null : Math.round(e.clientX), e.clientY === undefined ? null : Math.round(e.clientY),
  e.isTrusted, e.target === c]);
for (const t of ["keydown", "keyup", "keypress"]) { c.addEventListener(t, rec("canvas")); window.addEventListener(t, rec("window")); }
for (const t of ["pointerdown", "mousedown", "pointerup", "mouseup", "click", "mousemove"]) c.addEventListener(t, rec("canvas"));
</script></body></html>"""


def test_key_and_pointer_events_reach_the_page(open_session):
    session = open_session(INPUT_PAGE, "0000000000000d01", capture_size=(640, 480))
    session._js("document.getElementById('c').focus(), ''")
    session.step(2, inputs={0: [{"type": "key", "code": "ArrowLeft", "down": True},
                                {"type": "key", "code": "ArrowLeft", "down": False}],
                            1: {"type": "key", "code": "Space", "down": True},
                            2: [{"type": "pointer", "x": 400, "y": 300, "action": "down"},
                                {"type": "pointer", "x": 400, "y": 300, "action": "up"}]})
    log = session._js_json("JSON.stringify(log)")
    keys = [e for e in log if e[1].startswith("key")]
    assert keys[0] == ["canvas", "keydown", "ArrowLeft", "ArrowLeft", 37, 37, None, None, False, True]
    assert keys[1][:2] == ["window", "keydown"], "key events bubble from the focused element to window"
    assert ["canvas", "keyup", "ArrowLeft", "ArrowLeft", 37, 37] in [e[:6] for e in keys]
    assert ["canvas", "keydown", "Space", " ", 32, 32] in [e[:6] for e in keys]
    assert any(e[1] == "keypress" and e[3] == " " for e in keys), "a character key also sends keypress"
    pointer = [e for e in log if not e[1].startswith("key")]
    assert [e[1] for e in pointer] == ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]
    # Canvas logical (400, 300) of 800x600 drawn at 400x300 from (20, 50): client (220, 200).
    assert all(e[6:8] == [220, 200] and e[9] for e in pointer)
    session.pointer(0, 0, "move")
    assert session._js_json("JSON.stringify(log[log.length - 1])")[1:] == \
        ["mousemove", None, None, 0, 0, 20, 50, False, True]
    # With a logical size, pointer coordinates are in that space instead of backing-store pixels.
    scaled = open_session(None, "0000000000000d01", logical_size=(200, 150))
    scaled.pointer(100, 75, "down")
    assert scaled._js_json("JSON.stringify(log.map(e => e.slice(1, 2).concat(e.slice(6, 8))))") == \
        [["pointerdown", 220, 200], ["mousedown", 220, 200]]


def test_seed_game_plays_under_the_harness(open_session):
    html = build_game_html("sky_hopper")
    session = open_session(html, "0000000000000e01", seed=3, logical_size=(800, 600))
    title = session.step(30, capture_every=10)
    assert title[-1].telemetry and title[-1].telemetry["phase"] == "title"
    play = {0: {"type": "key", "code": "Space", "down": True}, 2: {"type": "key", "code": "Space", "down": False},
            10: {"type": "key", "code": "ArrowRight", "down": True},
            40: {"type": "key", "code": "Space", "down": True}, 44: {"type": "key", "code": "Space", "down": False},
            70: {"type": "key", "code": "ArrowRight", "down": False},
            71: {"type": "key", "code": "ArrowLeft", "down": True}, 100: {"type": "key", "code": "ArrowLeft", "down": False}}
    caps = session.step(120, inputs=play, capture_every=5)
    tel = caps[-1].telemetry
    assert tel["phase"] == "playing" and tel["events"].get("jump", 0) >= 1
    xs = [next((e["x"] for e in c.telemetry["entities"] if e["tag"] == "player"), None) for c in caps]
    assert max(xs) - min(xs) > 30, "the arrow keys move the player"
    frames = [c for c in caps if c.jpeg]
    assert len(frames) == 24 and len(set(digests(frames))) > 15
    image = session.decode(frames[-1].jpeg)
    assert image.shape == (480, 640, 3) and image.dtype == np.uint8 and image.std() > 5
    assert session.audio_events(), "jumping makes sound"
    assert not [c for c in session.console if c.level == "error"], session.console
    sig = session.signals()
    assert sig["errors"] == 0 and sig["bridge"] == {} and sig["storage_writes"] == 0

    # Same seed and inputs in a fresh session: the same frames.
    again = open_session(None, "0000000000000e01", seed=3, logical_size=(800, 600))
    again.step(30, capture_every=10)
    assert digests(again.step(120, inputs=play, capture_every=5)) == digests(caps)


def test_speed_of_a_ten_second_recording(open_session):
    """600 sim steps with a 640x480 capture every 2nd (300 frames at 30 fps) and 10 s of audio."""
    session = open_session(build_game_html("sky_hopper"), "0000000000000e02", seed=5)
    session.step(2, inputs={0: {"type": "key", "code": "Space", "down": True},
                            1: {"type": "key", "code": "Space", "down": False}})
    inputs = {}
    for i in range(0, 600, 40):
        inputs[i] = [{"type": "key", "code": "ArrowRight" if (i // 40) % 2 else "ArrowLeft", "down": True},
                     {"type": "key", "code": "Space", "down": True}]
        inputs[i + 20] = [{"type": "key", "code": "ArrowRight" if (i // 40) % 2 else "ArrowLeft", "down": False},
                          {"type": "key", "code": "Space", "down": False}]
    start = time.perf_counter()
    caps = session.step(600, inputs=inputs, capture_every=2)
    wall = time.perf_counter() - start
    captured = [c for c in caps if c.jpeg]
    sim = sum(c.cost_ms for c in caps)
    cap = sum(c.capture_ms for c in caps)
    size = sum(len(c.jpeg) for c in captured)
    start = time.perf_counter()
    pcm, rate = session.audio()
    audio_wall = time.perf_counter() - start
    print(f"\n600 steps + {len(captured)} captures 640x480: {wall:.2f} s wall "
          f"({len(captured) / wall:.0f} captured frames/s, {600 / wall:.0f} steps/s); "
          f"JS sim {sim:.0f} ms, JS capture {cap:.0f} ms, {size / len(captured) / 1024:.1f} KiB/frame; "
          f"10 s audio render {audio_wall * 1000:.0f} ms "
          f"(JS {session.last_audio_info.get('ms', 0):.0f} ms, peak {session.last_audio_info.get('peak', 0):.2f})")
    assert len(captured) == 300
    assert len(pcm) == 10 * rate and np.abs(pcm).max() > 0.01
    assert wall < 8.0, "far slower than the 2 s goal even on a loaded machine"


OVERDRAW_PAGE = """<!DOCTYPE html><html><body style="margin:0"><canvas id="c" width="300" height="200"></canvas><script>
const x = document.getElementById("c").getContext("2d");
let n = 0;
requestAnimationFrame(function f() {
  requestAnimationFrame(f); n++;
  const k = n % 4;
  x.setTransform(1.5, 0, 0, 1.5, 0, 0);
  if (k === 0) { x.fillStyle = "#203040"; x.fillRect(0, 0, 200, 140); }                  // full, opaque, scaled
  if (k === 1) { x.fillStyle = "rgba(0,0,0,0.3)"; x.fillRect(0, 0, 200, 140); }          // trails: not opaque
  if (k === 2) { x.save(); x.beginPath(); x.rect(0, 0, 60, 60); x.clip();
                 x.fillStyle = "#ff0000"; x.fillRect(0, 0, 300, 200); x.restore(); }   // full but clipped
  if (k === 3) { x.globalCompositeOperation = "lighter"; x.fillStyle = "#101010"; x.fillRect(0, 0, 300, 200);
                 x.globalCompositeOperation = "source-over"; }                          // full, additive
  x.setTransform(1, 0, 0, 1, 0, 0);
  x.fillStyle = "hsl(" + (n * 17 % 360) + ",70%,60%)"; x.fillRect((n * 13) % 280, (n * 7) % 180, 20, 20);
});
</script></body></html>"""


def test_the_overdraw_hint_does_not_change_a_pixel(open_session):
    runs = []
    for hint in (True, False):
        session = open_session(OVERDRAW_PAGE, "0000000000000f0d", overdraw_hint=hint, capture_size=(300, 200),
                               jpeg_quality=1.0)
        runs.append(digests(session.step(40, capture_every=1)))
    assert len(set(runs[0])) > 30 and runs[0] == runs[1]


def test_errors_in_callbacks_are_counted_and_reported(open_session):
    html = """<canvas></canvas><script>
      let n = 0;
      requestAnimationFrame(function f() { requestAnimationFrame(f); n++; if (n % 10 === 0) throw new Error("boom " + n); });
      setTimeout(() => { null.x; }, 100);
      window.count = () => JSON.stringify(n);
    </script>"""
    session = open_session(html, "0000000000000f01")
    session.step(30)
    assert session._js_json("count()") == 30, "the harness keeps going after errors"
    sig = session.signals()
    assert sig["errors"] == 4
    assert sig["error_list"][0]["message"].startswith("Cannot read properties of null")
    assert sig["error_list"][1]["message"] == "boom 10" and sig["error_list"][1]["frame"] == 10
    assert "boom" in sig["error_list"][1]["stack"]
    assert sum("boom" in c.message for c in session.console if c.level == "error") == 3


def test_infinite_loop_at_load_times_out_and_the_next_session_works(open_session):
    start = time.perf_counter()
    with pytest.raises(HarnessTimeout):
        open_session("<script>while (true) {}</script>", "ffff000000001001", load_timeout=2.0)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0 + 3.0, elapsed  # the timeout plus the kill
    session = open_session(RANDOM_PAGE, "ffff000000001002")
    assert len(session.step(10, capture_every=5)) == 10


def test_infinite_loop_during_play_times_out(open_session):
    html = "<canvas></canvas><script>window.alive = 1; setTimeout(() => { for (;;) {} }, 1000)</script>"
    session = open_session(html, "ffff000000001101", call_timeout=1.5)
    session.step(50)
    start = time.perf_counter()
    with pytest.raises(HarnessTimeout) as err:
        session.step(30)
    assert time.perf_counter() - start < 1.5 + 3.0
    assert "did not answer" in str(err.value)
    with pytest.raises(HarnessCrashed):
        session.step(1)
    # The same session can load again, and a new one works too.
    other = open_session(RANDOM_PAGE, "ffff000000001102", load=False)
    assert session.load("ffff000000001102")
    # After a kill the session runs on a fresh page: reusing the old one, Qt 6.12 ran the next
    # document without any injected script (no sandbox shims either).
    assert session._js_json("JSON.stringify([typeof __ludemeAudioTap, location.href, "
                            "(() => { try { new WebSocket('ws://127.0.0.1:9') } catch (e) { return e.name } })()])") \
        == ["function", "game://ffff000000001102/index.html", "SecurityError"]
    assert len(session.step(5)) == 5
    assert other.load("ffff000000001102")
    assert len(other.step(5)) == 5


def test_a_dead_renderer_raises_crashed(open_session):
    session = open_session(RANDOM_PAGE, "ffff000000001201")
    session.step(5)
    os.kill(session.page.renderProcessPid(), signal.SIGKILL)
    with pytest.raises(HarnessCrashed):
        session.step(5)
        session.step(5)


def test_storage_flood_is_capped_and_counted(open_session):
    html = """<script>
      window.r = {writes: 0};
      const chunk = "x".repeat(50000);
      try { for (let i = 0; i < 1000; i++) { localStorage.setItem("k" + i, chunk); r.writes++; } }
      catch (e) { r.error = e.name; }
      try { for (let i = 0; i < 10; i++) sessionStorage["p" + i] = chunk; } catch (e) { r.perr = e.name; }
      localStorage.hi = "there";
      r.read = localStorage.getItem("k0") === chunk && localStorage.k1 === chunk;
      r.keys = Object.keys(localStorage).length;
    </script>"""
    session = open_session(html, "ffff000000001301")
    r = session._js_json("JSON.stringify(r)")
    assert r["error"] == "QuotaExceededError" and r["writes"] == 10 and r["read"] is True
    assert r["perr"] == "QuotaExceededError"
    sig = session.signals()
    assert sig["storage_bytes"] <= 1 << 20 and sig["storage_refused"] >= 2 and sig["storage_writes"] == 11
    # The storage is private to the page: a reload starts empty.
    assert session.load("ffff000000001301")
    assert session._js_json("JSON.stringify(r)")["writes"] == 10


def test_bridge_probes_are_recorded(open_session):
    html = """<script>
      window.found = [];
      if (window.qt && qt.webChannelTransport) found.push("qt");
      if (typeof QWebChannel !== "undefined") found.push("QWebChannel");
      if (window.pywebview || window._pywebview) found.push("pywebview");
      if (window.external && window.external.invoke) found.push("external");
      if (window.chrome && window.chrome.webview) found.push("chrome");
      if (window.webkit && window.webkit.messageHandlers) found.push("webkit");
      if (window.__TAURI__ || window.cefQuery) found.push("other");
    </script>"""
    session = open_session(html, "ffff000000001401")
    assert session._js_json("JSON.stringify(found)") == [], "no bridge is there to find"
    bridge = session.signals()["bridge"]
    for name in ("qt", "qt.webChannelTransport", "QWebChannel", "pywebview", "_pywebview", "external.invoke",
                 "chrome.webview", "webkit.messageHandlers", "__TAURI__", "cefQuery"):
        assert bridge.get(name, 0) >= 1, (name, bridge)


def test_a_page_without_a_canvas_is_captured_whole(open_session):
    session = open_session("<p style='font-size:40px'>hello</p>", "ffff000000001501")
    caps = session.step(4, capture_every=1)
    assert [c.jpeg for c in caps] == [None] * 4 and all(c.telemetry is None for c in caps)
    assert all(c.rgb is not None and c.rgb.shape == (480, 640, 3) for c in caps)
    assert caps[-1].rgb.min() < 100 < caps[-1].rgb.max(), "the dark text on the white page is in the picture"
    assert session.capture() is None, "the in-page canvas capture has nothing to read"


def test_a_missing_version_does_not_load(open_session):
    session = open_session(RANDOM_PAGE, "ffff000000001601", load=False)
    start = time.perf_counter()
    assert session.load("ffff00000000dead", timeout=3.0) is False
    assert time.perf_counter() - start < 2.0
    assert session.load("ffff000000001601")
    assert len(session.step(3)) == 3
