"""Frames are the page as a person sees it: the canvas alone where that is exact (fast, in the page),
the composited page where anything else paints (DOM games, overlays, score divs), exact per step."""
from __future__ import annotations

import numpy as np
import pytest

from ludeme.runtime.harness import HarnessSession, _crop_for

# A DOM grid: cell t % 60 is white after t frames; nothing else moves. The grid fills the window.
GRID = """<!DOCTYPE html><html><body style='margin:0;background:#123'>
<div id=g style='display:grid;grid-template-columns:repeat(10,96px)'></div>
<script>const g = document.getElementById('g');
for (let i = 0; i < 60; i++) { const d = document.createElement('div'); d.style.height = '120px'; g.appendChild(d); }
let t = 0;
function f() { t++; for (let i = 0; i < 60; i++) g.children[i].style.background = i === t % 60 ? '#fff' : '#333';
  requestAnimationFrame(f); }
requestAnimationFrame(f);</script></body></html>"""

CANVAS = """<!DOCTYPE html><html><body style='margin:0;background:#000'>
<canvas id=c width=640 height=480></canvas>
<div id=o style='position:absolute;left:200px;top:200px;padding:20px;background:#fff;font-size:30px'>START</div>
<script>const c = document.getElementById('c').getContext('2d'); let x = 0;
addEventListener('keydown', () => document.getElementById('o').remove());
function f() { x = (x + 4) % 640; c.fillStyle = '#222'; c.fillRect(0, 0, 640, 480); c.fillStyle = '#f00';
  c.fillRect(x, 100, 40, 40); requestAnimationFrame(f); }
requestAnimationFrame(f);</script></body></html>"""


def _session(sandbox, html, vid):
    profile, resolver, _views = sandbox
    resolver.put(vid, "index.html", html)
    session = HarnessSession(profile, capture_size=(640, 480))
    assert session.load(vid)
    return session


def test_a_dom_game_is_captured_exactly_at_every_step(sandbox):
    session = _session(sandbox, GRID, "dddd000000000001")
    try:
        caps = session.step(240, capture_every=2)
        frames = [c for c in caps if c.rgb is not None]
        assert len(frames) == 120 and not any(c.jpeg for c in caps)
        exact = 0
        for c in frames:
            cell = c.frame % 60
            # the window is 960×720, captured at 640×480: a cell is 64×80 in the capture
            y, x = (cell // 10) * 80 + 40, (cell % 10) * 64 + 32
            hit = c.rgb[y, x].mean() > 200
            exact += hit
            if not hit:
                lit = [i for i in range(60) if c.rgb[(i // 10) * 80 + 40, (i % 10) * 64 + 32].mean() > 200]
                print("frame", c.frame, "wants cell", cell, "shows", lit)
        print(f"\\nwhole-page captures showing their own step: {exact}/{len(frames)}")
        assert exact >= 0.97 * len(frames)
    finally:
        session.close()


def test_an_overlay_is_seen_and_the_fast_path_returns_once_it_is_gone(sandbox):
    session = _session(sandbox, CANVAS, "dddd000000000002")
    try:
        before = session.step(10, capture_every=5)
        assert [c.rgb is not None for c in before if c.frame % 5 == 0] == [True, True], "the overlay needs the page"
        white = before[-1].rgb.reshape(-1, 3).min(axis=1) > 240
        assert white.mean() > 0.01, "the START overlay is in the picture"
        after = session.step(10, capture_every=5, inputs={0: {"type": "key", "code": "Space", "down": True},
                                                          1: {"type": "key", "code": "Space", "down": False}})
        shots = [c for c in after if c.frame % 5 == 0]
        assert all(c.jpeg is not None and c.rgb is None for c in shots), "canvas alone again: the fast path"
    finally:
        session.close()


def test_inputs_after_a_page_capture_keep_their_frames(sandbox):
    """A batch stops at a whole-page capture; the inputs of the frames it did not reach still land
    on their own frames."""
    page = GRID.replace("requestAnimationFrame(f);</script>", "requestAnimationFrame(f);"
                        "window.downs = []; addEventListener('keydown', () => downs.push(performance.now()));</script>")
    session = _session(sandbox, page, "dddd000000000003")
    try:
        inputs = {f: [{"type": "key", "code": "KeyA", "down": True}, {"type": "key", "code": "KeyA", "down": False}]
                  for f in (3, 7, 30, 59)}
        session.step(60, inputs=inputs, capture_every=2)
        times = session.run_json("JSON.stringify(window.downs)")
        assert times == pytest.approx([f * 1000 / 60 for f in (3, 7, 30, 59)], abs=0.01)
    finally:
        session.close()


def test_the_capture_frames_the_part_of_the_window_the_page_uses():
    assert _crop_for([0, 0, 640, 480], [960, 720], (640, 480)) == (0, 0, 650, 488)
    assert _crop_for([0, 0, 960, 700], [960, 720], (640, 480)) is None, "a page that fills the window"
    assert _crop_for(None, [960, 720], (640, 480)) is None
    x, y, w, h = _crop_for([400, 100, 160, 400], [960, 720], (640, 480))
    assert abs(w / h - 4 / 3) < 0.02 and x < 400 and x + w > 560


# A DOM page that changes only every 10 frames: cell (t // 10) % 60 is lit.
SLOW_GRID = GRID.replace("i === t % 60", "i === Math.floor(t / 10) % 60")


def test_an_unchanged_page_reuses_its_last_grab_and_stays_exact(sandbox):
    """Nothing that paints changed since the last grab: the capture is that grab (no compositor
    wait), and every capture still shows its own step."""
    session = _session(sandbox, SLOW_GRID, "dddd000000000004")
    try:
        caps = [c for c in session.step(200, capture_every=2) if c.rgb is not None]
        assert len(caps) == 100
        wrong = [c.frame for c in caps
                 if c.rgb[((c.frame // 10) % 60 // 10) * 80 + 40, ((c.frame // 10) % 60 % 10) * 64 + 32].mean() <= 200]
        assert len(wrong) <= 3, f"captures that missed their step: {wrong}"
        assert session.page_reused >= 60, f"only {session.page_reused} of 100 captures reused the last grab"
        assert session._renders and session._renders >= 15, "Qt's frames of the page are counted (grabs wait for them)"
    finally:
        session.close()


def test_what_paints_on_real_time_or_answers_input_is_grabbed_again(sandbox):
    # a running CSS animation paints without a DOM change: no capture may be reused
    spinner = SLOW_GRID.replace("</body>", "<div style='width:40px;height:40px;background:#f0f;"
                                "animation:spin 1s linear infinite'></div><style>@keyframes spin"
                                "{to{transform:rotate(360deg)}}</style></body>")
    session = _session(sandbox, spinner, "dddd000000000005")
    try:
        session.step(40, capture_every=2)
        assert session.page_reused == 0
    finally:
        session.close()
    # a checkbox checked by script paints a :checked style without a DOM change: the capture
    # after it is fresh
    checked = ("<!DOCTYPE html><html><body style='margin:0;background:#000'><style>#b{width:960px;height:720px;"
               "background:#000}#c:checked+#b{background:#fff}#c{position:absolute;opacity:0}</style>"
               "<input type=checkbox id=c><div id=b></div><script>"
               "setTimeout(() => { document.getElementById('c').checked = true; }, 250);</script></body></html>")
    session = _session(sandbox, checked, "dddd000000000006")
    try:
        caps = [c for c in session.step(30, capture_every=2) if c.rgb is not None]
        assert caps[0].rgb.mean() < 20 and session.page_reused >= 3
        late = [c for c in caps if c.time >= 0.27]
        assert late and all(c.rgb.mean() > 235 for c in late), "the checked style is white in every capture after it"
    finally:
        session.close()


def test_emoji_sprites_are_drawn_in_colour(sandbox):
    """LLM-written games draw sprites with emoji: the set-up installs a colour emoji font, so an
    apple is red in the capture, not an empty box."""
    page = ("<!DOCTYPE html><html><body style='margin:0;background:#000'><canvas id=c width=640 height=480>"
            "</canvas><script>const x = document.getElementById('c').getContext('2d');"
            "function f() { x.fillStyle = '#000'; x.fillRect(0, 0, 640, 480); x.font = '200px sans-serif';"
            "x.fillText('\\u{1F34E}', 200, 300); requestAnimationFrame(f); } requestAnimationFrame(f);"
            "</script></body></html>")
    session = _session(sandbox, page, "dddd000000000007")
    try:
        cap = [c for c in session.step(4, capture_every=2) if c.jpeg][-1]
        rgb = session.decode(cap.jpeg).astype(int)
        red = (rgb[..., 0] > 150) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)
        assert red.mean() > 0.02, f"only {red.mean():.3%} of the picture is apple red"
    finally:
        session.close()
