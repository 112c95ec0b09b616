"""Behaviour probes run on any game: a plan's probe sentence becomes an input, a channel and a
window, played against a no-input baseline of the same seed. The game here is not a kit game:
DOM only (no canvas), a Start button first, sound from WebAudio."""
from __future__ import annotations

import pytest

from ludeme.core.settings import EvaluationSettings
from ludeme.evaluation.evaluator import evaluate
from ludeme.evaluation.probes import parse_probe, specs_from_plan

POND = """<!DOCTYPE html><html><head><title>Pond</title>
<style>body{margin:0;background:#123;font:20px sans-serif;color:#fff}
#frog{position:absolute;left:300px;width:40px;height:30px;background:#4c4;border-radius:12px}
#pad{position:absolute;top:400px;height:12px;width:90px;background:#2a6}
#start{position:absolute;left:250px;top:200px;font-size:28px}</style></head>
<body><div id="score">Score 0</div><div id="pad"></div><div id="frog" style="top:360px"></div>
<button id="start">Start</button>
<script>
let on = false, y = 360, vy = 0, score = 0, px = 0, ctx = null;
document.getElementById('start').onclick = () => { on = true; document.getElementById('start').remove(); };
document.addEventListener('keydown', e => {
  if (!on) return;
  if (e.code === 'Space' && y >= 360) vy = -9;
  if (e.code === 'Enter') { score += 10; document.getElementById('score').textContent = 'Score ' + score; }
  if (e.code === 'KeyB') {
    ctx = ctx || new AudioContext();
    const o = ctx.createOscillator(); o.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 0.1);
  }
});
function tick() {
  if (on) { vy += 0.5; y = Math.min(360, y + vy); px = (px + 2) % 560; }
  document.getElementById('frog').style.top = y + 'px';
  document.getElementById('pad').style.left = px + 'px';
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
</script></body></html>"""


@pytest.mark.parametrize("text, inp, expect, frames, hold", [
    ("press Space: the frog jumps within 20 frames", "key:Space", "screen", 20, False),
    ("Press the left arrow and hold it: the paddle slides left", "key:ArrowLeft", "screen", 45, True),
    ("tap Z to dash; the player moves 60px within 10 frames", "key:KeyZ", "screen", 10, False),
    ("press ArrowUp: a jump sound plays", "key:ArrowUp", "sound", 45, False),
    ("Press Enter: the score text increases within 500 ms", "key:Enter", "text", 30, False),
    ("click the screen: a lily pad sinks", "click", "screen", 45, False),
    ("a new enemy appears every 3 s on its own", "none", "screen", 45, False),
])
def test_probe_sentences_are_read(text, inp, expect, frames, hold):
    spec = parse_probe("m", text)
    assert (spec.input, spec.expect, spec.frames, spec.hold) == (inp, expect, frames, hold)


def test_an_unreadable_probe_says_what_it_tried():
    spec = parse_probe("m", "the frog feels heavier", fallback_key="Space")
    assert spec.input == "key:Space" and "main key" in spec.note


def test_plan_probes_cover_added_and_changed_mechanics_only():
    plan = {"changes": [
        {"action": "keep", "mechanic_id": "jump", "probe": "press Space: jumps"},
        {"action": "add", "mechanic_id": "croak", "probe": "press KeyB: a sound plays"},
        {"action": "change", "mechanic_id": "score", "probe": "press Enter: the score text changes"},
        {"action": "remove", "mechanic_id": "old", "probe": "x"}]}
    specs = specs_from_plan(plan)
    assert [(s.id, s.new) for s in specs] == [("croak", True), ("score", False)]


def test_probes_show_what_a_dom_game_does_and_does_not_do(qapp):
    plan = {"changes": [
        {"action": "add", "mechanic_id": "frog_jump", "probe": "press Space: the frog jumps within 20 frames"},
        {"action": "add", "mechanic_id": "croak", "probe": "press KeyB: a croak sound plays"},
        {"action": "change", "mechanic_id": "scoring", "probe": "press Enter: the score text goes up"},
        {"action": "add", "mechanic_id": "shield", "probe": "press KeyQ: a shield appears within 30 frames"}]}
    report = evaluate({"index.html": POND.encode()}, EvaluationSettings(seconds=5, idle_seconds=3),
                      probes=specs_from_plan(plan))
    assert report.verdict == "playable", report.reasons
    got = {p["id"]: p for p in report.behaviour_probes}
    assert got["frog_jump"]["ok"], got["frog_jump"]
    assert "differed from the no-input run" in got["frog_jump"]["reason"]
    assert got["croak"]["ok"], got["croak"]
    assert got["scoring"]["ok"], got["scoring"]
    assert not got["shield"]["ok"] and "stayed as in the no-input run" in got["shield"]["reason"]
    stage = next(s for s in report.stages if s.name == "behaviour")
    assert stage.detail == "3/4 behaviour probes passed"
    # the realised mechanics the reward counts for a child are the new ones a probe showed
    child = evaluate({"index.html": POND.encode()}, EvaluationSettings(seconds=5, idle_seconds=3),
                     parent_html=POND.replace("KeyB", "KeyN"), probes=specs_from_plan(plan))
    assert child.breakdown["mechanics"]["value"] == pytest.approx(1 - 0.5 ** 2)  # frog_jump, croak
    assert child.progress is not None and child.progress > 0
