"""A session stepped in the background (the evaluator's no-input run) makes the same captures as
one stepped in the foreground, moves while the caller waits on another session, and a game that
hangs in it is stopped, not waited on for ever."""
from __future__ import annotations

import hashlib
import time

import numpy as np
import pytest

from ludeme.core.kit import build_game_html
from ludeme.runtime.background import BackgroundRun
from ludeme.runtime.harness import HarnessSession, HarnessTimeout

DOM = """<!DOCTYPE html><html><body style='margin:0;background:#123;font:40px sans-serif;color:#fff'>
<div id=s>0</div><script>let t = 0; setInterval(() => { t++; document.getElementById('s').textContent = 'tick ' + t;
  document.body.style.background = t % 2 ? '#321' : '#123'; }, 200);</script></body></html>"""

HANGS = """<!DOCTYPE html><html><body><canvas id=c width=64 height=64></canvas><script>
let n = 0; function f() { if (++n > 90) { while (true) {} } document.getElementById('c').getContext('2d')
  .fillRect(n % 64, 0, 4, 4); requestAnimationFrame(f); } requestAnimationFrame(f);</script></body></html>"""


def _loaded(sandbox, html, vid, **kw):
    profile, resolver, _views = sandbox
    resolver.put(vid, "index.html", html)
    s = HarnessSession(profile, **kw)
    assert s.load(vid)
    return s


def _picture(cap) -> str:
    data = cap.jpeg if cap.jpeg is not None else cap.rgb.tobytes()
    return hashlib.sha1(data).hexdigest()


@pytest.mark.parametrize("game", ["kit", "dom"])
def test_background_captures_are_the_foreground_ones(sandbox, game):
    html = build_game_html("dune_dash") if game == "kit" else DOM
    front = _loaded(sandbox, html, f"bbbb00000000000{1 if game == 'kit' else 2}")
    back = _loaded(sandbox, html, f"bbbb00000000000{3 if game == 'kit' else 4}")
    try:
        expected = [c for c in front.step(180, capture_every=6) if c.captured]
        got = []
        run = BackgroundRun(back, 180, 6, got.append).start()
        run.wait(timeout=20)
        assert [c.frame for c in got] == [c.frame for c in expected]
        if game == "kit":  # the in-page JPEG is deterministic byte for byte
            assert [_picture(c) for c in got] == [_picture(c) for c in expected]
        else:  # whole-page grabs: the same picture at every capture
            diffs = [float(np.abs(a.rgb.astype(int) - b.rgb.astype(int)).mean()) for a, b in zip(got, expected)]
            assert max(diffs) < 1.0, diffs
        assert [c.telemetry for c in got] == [c.telemetry for c in expected]
    finally:
        front.close()
        back.close()


def test_it_moves_while_the_caller_waits_on_another_session(sandbox):
    html = build_game_html("dune_dash")
    front = _loaded(sandbox, html, "bbbb000000000005")
    back = _loaded(sandbox, html, "bbbb000000000006")
    try:
        got = []
        run = BackgroundRun(back, 300, 10, got.append).start()
        front.step(300, capture_every=2)  # only the foreground session is driven here
        assert len(got) >= 10, "the background run advanced during the foreground's waits"
        run.wait(timeout=20)
        assert len(got) == 30 and run.done and run.error is None
    finally:
        front.close()
        back.close()


def test_a_game_that_hangs_in_the_background_is_stopped(sandbox):
    back = _loaded(sandbox, HANGS, "bbbb000000000007", call_timeout=1.5)
    try:
        got = []
        run = BackgroundRun(back, 600, 10, got.append).start()
        t0 = time.monotonic()
        with pytest.raises(HarnessTimeout, match="did not answer"):
            run.wait(timeout=20)
        assert time.monotonic() - t0 < 6
        assert back.crashed, "its renderer was killed"
        assert [c.frame for c in got] == list(range(10, 100, 10)), "what it made before the hang is kept"
    finally:
        back.close()
