"""Shell collapse: a child that lost canvas, loop, input, modules or substance is caught."""
from __future__ import annotations

from ludeme.core.kit import build_game_html
from ludeme.evaluation.collapse import code_size, shell_collapse
from ludeme.evaluation.metrics import Metrics

PARENT = """<html><body><canvas id="c"></canvas><script>
const ctx = document.getElementById("c").getContext("2d");
const keys = {}; let x = 0, y = 0, vy = 0, coins = [], score = 0;
addEventListener("keydown", (e) => { keys[e.code] = true; });
addEventListener("keyup", (e) => { keys[e.code] = false; });
function flap() { vy = -6; }
function update() { if (keys.Space) flap(); vy += 0.3; y += vy; x += 2;
  for (const c of coins) if (Math.abs(c.x - x) < 8) { score += 1; c.x = -99; } }
function draw() { ctx.fillRect(0, 0, 400, 300); ctx.fillRect(x, y, 8, 8);
  for (const c of coins) ctx.fillRect(c.x, c.y, 4, 4); ctx.fillText(String(score), 10, 10); }
function loop() { update(); draw(); requestAnimationFrame(loop); }
loop();
</script></body></html>"""

SHELL = """<html><body><canvas id="c"></canvas><script>
const ctx = document.getElementById("c").getContext("2d");
ctx.fillText("Arcade!", 10, 10);
</script></body></html>"""


def test_a_child_that_lost_canvas_loop_and_input_has_collapsed():
    no_canvas = SHELL.replace('.getContext("2d")', "")
    c = shell_collapse(PARENT, no_canvas)
    assert c.collapsed and c.severity == 1.0
    assert {"canvas", "loop", "input"} <= set(c.lost)
    assert "loop" in c.detail


def test_an_unchanged_child_has_not_collapsed():
    c = shell_collapse(PARENT, PARENT.replace("vy = -6", "vy = -7"))
    assert not c.collapsed and c.lost == [] and c.severity == 0.0


def test_kit_modules_lost_count_unless_the_plan_removed_them():
    parent = build_game_html("sky_hopper")
    start = parent.index("/* ludeme:kit:double_jump:begin */")
    end = parent.index("/* ludeme:kit:double_jump:end */") + len("/* ludeme:kit:double_jump:end */")
    child = parent[:start] + parent[end:]
    c = shell_collapse(parent, child)
    assert "kit:double_jump" in c.lost and 0 < c.severity < 0.5 and not c.collapsed
    assert shell_collapse(parent, child, removed=["double_jump"]).lost == []


def test_a_version_compared_with_itself_loses_nothing_whatever_the_plan_names():
    # LLM plans name mechanics in their own words ("lily_pad_sink"): a name absent from the code is
    # not a loss when the parent never had it either
    for planned in (["flap", "coin_magnet", "score"], ["lily_pad_sink", "croak_combo"]):
        c = shell_collapse(PARENT, PARENT, planned=planned)
        assert c.lost == [] and c.severity == 0.0, planned


def test_planned_mechanics_the_parent_had_must_show_in_the_child():
    no_flap = PARENT.replace("function flap() { vy = -6; }", "").replace("if (keys.Space) flap(); ", "")
    c = shell_collapse(PARENT, no_flap, planned=["flap", "coin_magnet"])
    assert c.lost == ["mechanic:flap"]
    # a behaviour probe that showed it (under another implementation) is proof enough
    assert shell_collapse(PARENT, no_flap, planned=["flap"], shown=["flap"]).lost == []
    had = Metrics(mechanics=("coin_magnet",))
    c = shell_collapse(PARENT, PARENT, parent_metrics=had, planned=["coin_magnet"])
    assert c.lost == ["mechanic:coin_magnet"]
    assert shell_collapse(PARENT, PARENT, parent_metrics=had, child_metrics=had, planned=["coin_magnet"]).lost == []


def test_controls_the_child_stopped_listening_for_count():
    mouse_only = PARENT.replace('addEventListener("keydown", (e) => { keys[e.code] = true; });',
                                'addEventListener("pointerdown", () => flap());').replace(
        'addEventListener("keyup", (e) => { keys[e.code] = false; });', "").replace("if (keys.Space) flap(); ", "")
    c = shell_collapse(PARENT, mouse_only)
    assert "controls" in c.lost and "Space" in c.detail


def test_a_hollowed_out_child_collapses_on_size_and_behaviour():
    parent_m = Metrics(changing_fraction=0.9, responsiveness=0.6, entity_variety=5, audio_activity=0.4)
    child_m = Metrics(changing_fraction=0.1, responsiveness=0.05, entity_variety=1, audio_activity=0.0)
    hollow = PARENT.replace("for (const c of coins) if (Math.abs(c.x - x) < 8) { score += 1; c.x = -99; } ", "")
    c = shell_collapse(PARENT, hollow, parent_m, child_m.to_dict())
    assert {"activity", "responsiveness", "entity_variety", "audio"} <= set(c.lost)
    assert c.collapsed
    assert code_size(SHELL) < 0.5 * code_size(PARENT)
    assert "code_size" in shell_collapse(PARENT, SHELL.replace("ctx.fillText", "requestAnimationFrame(function f(){"
                                                               "addEventListener('keydown', f); ctx.fillRect(0,0,1,1);"
                                                               "requestAnimationFrame(f);}); ctx.fillText")).lost
