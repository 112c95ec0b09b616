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
