"""Bots: controls discovered from source; schedules deterministic per seed; every key released."""
from __future__ import annotations

import pytest

from ludeme.core.kit import build_game_html
from ludeme.evaluation.bots import AVOID, Controls, discover_controls, make_bot

FPS = 30


def run(bot, frames: int = 300, stride: int = 1) -> list[tuple[int, dict]]:
    out = []
    asked = list(range(0, frames, stride))
    if asked and asked[-1] != frames - 1:
        asked.append(frames - 1)
    for f in asked:
        out += [(f, e) for e in bot.inputs_for(f)]
    out += [(frames, e) for e in bot.finish(frames)]
    return out


def keys_balanced(events) -> bool:
    held: set[str] = set()
    pointer_down = False
    for _, e in events:
        if e["type"] == "key":
            if e["down"]:
                assert e["code"] not in held, f"{e['code']} pressed twice"
                held.add(e["code"])
            else:
                assert e["code"] in held, f"{e['code']} released while up"
                held.discard(e["code"])
        elif e["action"] == "down":
            assert not pointer_down
            pointer_down = True
        elif e["action"] == "up":
            assert pointer_down
            pointer_down = False
    return not held and not pointer_down


@pytest.mark.parametrize("source, keys, pointer, drag", [
    ("addEventListener('keydown', e => { if (e.code === 'ArrowLeft') l(); if (e.code == 'KeyZ') z(); });",
     ["ArrowLeft", "KeyZ"], False, False),
    ("document.onkeydown = e => { if (e.key === ' ') jump(); if (e.key == 'a' || e.key === 'd') walk(); };",
     ["Space", "KeyA", "KeyD"], False, False),
    ("addEventListener('keydown', e => { switch (e.keyCode) { case 32: j(); break; case 37: l(); case 39: r(); } });",
     ["ArrowLeft", "ArrowRight", "Space"], False, False),
    ("const keys = {}; onkeydown = e => keys[e.key] = true; if (keys['w']) up(); if (keys['ArrowDown']) dn();",
     ["ArrowDown", "KeyW"], False, False),
    ("onkeydown = e => { keys[e.code] = true; }; function u() { if (keys.ArrowUp) y--; if (keys.KeyF) fire(); }",
     ["ArrowUp", "KeyF"], False, False),
    ("canvas.addEventListener('mousedown', d); canvas.addEventListener('mousemove', m);", [], True, True),
    ("canvas.addEventListener('pointerdown', shoot);", [], True, False),
    ("addEventListener('keydown', k);", ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Space", "Enter"],
     False, False),
])
def test_controls_are_read_from_the_source(source, keys, pointer, drag):
    c = discover_controls(f"<html><body><canvas></canvas><script>{source}</script></body></html>")
    assert c == Controls(keys, pointer, drag)


def test_key_names_in_comments_are_not_controls():
    c = discover_controls("<script>// press 'KeyQ' to quit\naddEventListener('keydown', e => e.code === 'KeyE' && use());"
                          "</script><canvas></canvas>")
    assert c.keys == ["KeyE"]


def test_kit_games_get_the_keys_their_modules_poll():
    sky = discover_controls(build_game_html("sky_hopper"))
    assert {"ArrowLeft", "ArrowRight", "Space", "KeyR"} <= set(sky.keys) and not sky.pointer
    assert sky.keys[-1] == "KeyR"                              # restart last
    lane = discover_controls(build_game_html("pulse_lane"))   # lanes polled through a table of names
    assert {"ArrowLeft", "ArrowDown", "ArrowUp", "ArrowRight", "Space"} <= set(lane.keys) and lane.pointer


@pytest.mark.parametrize("name", ["monkey", "explorer"])
def test_bots_are_deterministic_per_seed_and_release_everything(name):
    controls = Controls(["ArrowLeft", "ArrowRight", "Space", "KeyX", "KeyR", "Escape"], True, True)
    a = run(make_bot(name, seed=7, fps=FPS, controls=controls, width=800, height=600))
    b = run(make_bot(name, seed=7, fps=FPS, controls=controls, width=800, height=600))
    c = run(make_bot(name, seed=8, fps=FPS, controls=controls, width=800, height=600))
    assert a == b and a != c
    assert keys_balanced(a) and keys_balanced(c)
    assert not any(e.get("code") == "Escape" for _, e in a)   # avoided keys are never pressed
    pointer_events = [e for _, e in a if e["type"] == "pointer"]
    assert pointer_events and all(0 <= e["x"] <= 800 and 0 <= e["y"] <= 600 for e in pointer_events)
    assert {e["code"] for _, e in a if e["type"] == "key"} >= {"ArrowLeft", "ArrowRight", "Space"}


def test_skipped_frames_deliver_late_and_a_hold_cut_short_is_released_by_finish():
    controls = Controls(["ArrowRight", "Space"], False, False)
    every = run(make_bot("explorer", seed=1, fps=FPS, controls=controls))
    sparse = run(make_bot("explorer", seed=1, fps=FPS, controls=controls), stride=7)
    assert [e for _, e in every] == [e for _, e in sparse]
    bot = make_bot("explorer", seed=1, fps=FPS, controls=controls)
    for f in range(200):
        bot.inputs_for(f)
        if bot.held:
            break
    assert bot.held
    held = set(bot.held)
    released = bot.finish(f + 1)
    assert {e["code"] for e in released} == held and not bot.held
    assert keys_balanced([(0, {k: v for k, v in t.items() if k != "frame"}) for t in bot.trace])


def test_the_explorer_starts_the_game_then_tries_each_control():
    controls = Controls(["ArrowLeft", "ArrowRight", "ArrowUp", "Space", "KeyX", "KeyR"], True, False)
    events = run(make_bot("explorer", seed=3, fps=FPS, controls=controls, width=640, height=480), frames=600)
    first = [e for _, e in events][:6]
    assert first[0] == {"type": "key", "code": "Space", "down": True}
    assert {"type": "pointer", "x": 320, "y": 240, "action": "down"} in [e for _, e in events][:10]
    tried = [e["code"] for _, e in events if e["type"] == "key" and e["down"]]
    assert set(tried) >= {"ArrowLeft", "ArrowRight", "ArrowUp", "Space", "KeyX"}
    # holds: some key stays down for at least half a second
    downs = {}
    longest = 0
    for f, e in events:
        if e["type"] == "key":
            if e["down"]:
                downs[e["code"]] = f
            else:
                longest = max(longest, f - downs.pop(e["code"]))
    assert longest >= FPS // 2
    assert tried.count("KeyR") <= 2                          # restart only rarely


def test_taps_last_at_least_two_simulation_steps():
    bot = make_bot("monkey", seed=2, fps=60, sim_hz=60, controls=Controls(["Space"], False, False))
    events = run(bot, 400)
    downs = {}
    for f, e in events:
        if e["type"] == "key":
            if e["down"]:
                downs[e["code"]] = f
            else:
                assert f - downs.pop(e["code"]) >= 2


def test_idle_sends_nothing_and_replay_plays_a_trace_back():
    assert run(make_bot("idle", seed=1, fps=FPS)) == []
    explorer = make_bot("explorer", seed=5, fps=FPS, controls=Controls(["ArrowLeft", "Space"], True, True))
    original = run(explorer, 240)
    replay = make_bot("replay", seed=99, fps=FPS, trace=explorer.trace)
    assert run(replay, 241) == original
    seconds = make_bot("replay", fps=FPS, trace=[{"t": 1.0, "type": "key", "code": "Space", "down": True}])
    assert run(seconds, 60) == [(30, {"type": "key", "code": "Space", "down": True}),
                                (60, {"type": "key", "code": "Space", "down": False})]
    with pytest.raises(ValueError):
        make_bot("replay", fps=FPS)
    with pytest.raises(ValueError):
        make_bot("nonsense", fps=FPS)


def test_avoided_keys_are_browser_or_pause_keys():
    assert {"Escape", "Tab", "KeyM", "KeyP", "F5"} <= AVOID and "Space" not in AVOID


def test_a_tap_lasts_as_long_as_a_quick_press():
    bot = make_bot("monkey", seed=2, fps=60, sim_hz=60, controls=Controls(["Space"], False, False))
    downs, shortest = {}, 10 ** 9
    for f, e in run(bot, 600):
        if e["type"] == "key":
            if e["down"]:
                downs[e["code"]] = f
            elif f < 600:  # not the releases of finish() at the end of the run
                shortest = min(shortest, f - downs.pop(e["code"]))
    assert shortest >= 5, "0.08 s at 60 steps a second"


@pytest.mark.parametrize("source, expected", [
    ("addEventListener('keydown', e => keys[e.key] = true); if (keyPressed('q')) fire();", {"KeyQ"}),
    ("onkeydown = e => justPressed[e.code] = true; if (justPressed['KeyW']) hop();", {"KeyW"}),
    ("onkeydown = e => p[e.key] = 1; if (wasJustPressed('ArrowUp')) up(); if (input.held('x')) dash();",
     {"ArrowUp", "KeyX"}),
])
def test_keys_read_through_helper_calls_are_found(source, expected):
    keys = set(discover_controls(f"<html><body><canvas></canvas><script>{source}</script></body></html>").keys)
    assert expected <= keys


def test_labels_and_alignments_are_not_keys():
    src = ("addEventListener('keydown', e => { if (e.key === 'a') go(); }); ctx.fillText('Left', 10, 10);"
           " ctx.textAlign = 'left'; button('Up'); const dir = 'Right';")
    keys = discover_controls(f"<html><body><canvas></canvas><script>{src}</script></body></html>").keys
    assert keys == ["KeyA"]


def _explorer(**kw):
    return make_bot("explorer", seed=1, fps=60, sim_hz=60,
                    controls=kw.pop("controls", Controls(["ArrowLeft", "Space"], True, False)), **kw)


def test_the_explorer_clicks_what_says_start_on_the_page():
    bot = _explorer()
    bot.observe(0, {"targets": [{"x": 700, "y": 500, "w": 120, "h": 40, "text": "Start Game", "clickable": True},
                                {"x": 50, "y": 50, "w": 60, "h": 20, "text": "Settings", "clickable": True}],
                    "text": "Asteroid Dodge\nStart Game\nSettings"})
    events = [e for f in range(10) for e in bot.inputs_for(f)]
    assert {"type": "pointer", "x": 700, "y": 500, "action": "down", "space": "client"} in events
    assert not any(e.get("x") == 50 for e in events)


def test_the_explorer_clicks_a_button_drawn_on_a_canvas_and_answers_press_prompts():
    bot = _explorer()
    bot.observe(0, {"drawn": [{"text": "PLAY", "x": 200, "y": 380, "w": 80, "h": 30}], "drawnAge": 0.0, "text": ""})
    assert {"type": "pointer", "x": 200, "y": 380, "action": "down", "space": "client"} in \
        [e for f in range(10) for e in bot.inputs_for(f)]
    other = _explorer(controls=Controls(["ArrowLeft"], False, False))
    other.observe(0, {"text": "SPACE INVADERS\nPress ENTER to start"})
    assert {"type": "key", "code": "Enter", "down": True} in [e for f in range(5) for e in other.inputs_for(f)]


def test_the_explorer_probes_a_still_title_screen_and_keeps_the_point_that_worked():
    bot = _explorer()
    clicks = []
    for f in range(0, 240, 15):
        still = 0.0 if clicks and f > clicks[0] + 30 else f / 60
        bot.observe(f, {"text": "", "still_s": still})
        for g in range(f, f + 15):
            clicks += [g for e in bot.inputs_for(g) if e["type"] == "pointer" and e["action"] == "down"]
    assert clicks, "a still screen gets clicked"
    assert bot.start_point is not None


def test_a_replayed_trace_lands_on_its_timestamps(qapp):
    """Bot time is game time: a key pressed at t = 4.0 s in a trace reaches the game at 4.0 s."""
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate

    html = ("<html><body><canvas width=64 height=64></canvas><script>"
            "const c = document.querySelector('canvas').getContext('2d'); let n = 0;"
            "addEventListener('keydown', e => { n++; console.log('down ' + e.code + ' at ' + performance.now()); });"
            "(function f() { c.fillStyle = n ? '#fff' : '#000'; c.fillRect(0, 0, 64, 64); requestAnimationFrame(f); })();"
            "</script></body></html>")
    trace = [{"t": 1.5, "type": "key", "code": "KeyA", "down": True}, {"t": 1.6, "type": "key", "code": "KeyA", "down": False},
             {"t": 4.0, "type": "key", "code": "Space", "down": True}, {"t": 4.25, "type": "key", "code": "Space", "down": False}]
    report = evaluate({"index.html": html.encode()}, EvaluationSettings(seconds=5, idle_seconds=5, bot="replay"),
                      trace=trace)
    logged = [c["message"].split() for c in report.console if c["message"].startswith("down ")]
    assert [(code, round(float(ms), 6)) for _, code, _, ms in logged] == [("KeyA", 1500.0), ("Space", 4000.0)], logged
    sent = [(round(t["t"], 3), t["code"], t["down"]) for t in report.input_trace]
    assert sent == [(1.5, "KeyA", True), (1.6, "KeyA", False), (4.0, "Space", True), (4.25, "Space", False)]
