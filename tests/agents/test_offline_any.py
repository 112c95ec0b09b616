"""The offline generator on games not built on the kit: named numbers and colours, following the
direction's words; a direction it cannot follow is said so, with the way forward."""
from __future__ import annotations

import re

import pytest

from ludeme.agents.offline_any import NotUnderstood, tunables, tune
from ludeme.evaluation.static_checks import static_checks

SNAKE = """<!DOCTYPE html><html><head><title>Neon Snake</title>
<style>body{background:#101020;color:#e0e0ff} #board{border:2px solid #33ff99}</style></head>
<body><canvas id="board" width="400" height="400"></canvas><div id="lives">3</div><script>
const CELL = 20, SNAKE_SPEED = 5;
let lives = 3, score = 0;
const config = { spawnInterval: 2000, pointsPerFood: 10, maxEnemies: 4 };
const ctx = document.getElementById('board').getContext('2d');
let snake = [{x: 5, y: 5}], dir = {x: 1, y: 0};
document.addEventListener('keydown', e => { if (e.key === 'ArrowUp') dir = {x: 0, y: -1}; });
function step() {
  const head = {x: snake[0].x + dir.x, y: snake[0].y + dir.y};
  snake.unshift(head); snake.pop();
  ctx.fillStyle = '#101020'; ctx.fillRect(0, 0, 400, 400);
  ctx.fillStyle = '#33ff99';
  for (const s of snake) ctx.fillRect(s.x * CELL, s.y * CELL, CELL, CELL);
}
setInterval(step, 120);
</script></body></html>"""


def _values(html: str) -> dict[str, float]:
    return {t.name: t.value for t in tunables(html)}


def test_named_numbers_are_found_and_classified():
    kinds = {t.name: t.kind for t in tunables(SNAKE)}
    assert kinds == {"SNAKE_SPEED": "speed", "lives": "lives", "spawnInterval": "spawn_interval",
                     "pointsPerFood": "points", "maxEnemies": "spawn_rate", "setInterval delay": "tick"}


def test_harder_moves_every_difficulty_number_the_right_way_within_range():
    before = _values(SNAKE)
    res = tune(SNAKE, seed=1, direction="make it harder")
    after = _values(res.html)
    assert after["SNAKE_SPEED"] > before["SNAKE_SPEED"] and after["maxEnemies"] > before["maxEnemies"]
    assert after["spawnInterval"] < before["spawnInterval"] and after["setInterval delay"] < 120
    assert after["lives"] == 2 and after["pointsPerFood"] == before["pointsPerFood"]
    for name, v in after.items():
        assert before[name] / 3 <= v <= before[name] * 3 and float(v).is_integer()
    assert all(c.ok for c in static_checks(res.html) if c.name == "balanced")
    assert "SNAKE_SPEED 5 → 6" in res.summary
    easier = _values(tune(SNAKE, seed=1, direction="easier").html)
    assert easier["lives"] == 4 and easier["setInterval delay"] > 120


def test_colours_shift_as_a_palette_and_greys_stay():
    res = tune(SNAKE, seed=3, direction="more colourful")
    old = set(re.findall(r"#[0-9a-f]{6}", SNAKE))
    new = set(re.findall(r"#[0-9a-f]{6}", res.html))
    assert new != old and "#33ff99" not in new and res.changes[-1]["kind"] == "colour"


def test_no_direction_is_seeded_and_changes_something():
    a, b = tune(SNAKE, seed=5), tune(SNAKE, seed=5)
    assert a.html == b.html != SNAKE and a.changes
    assert tune(SNAKE, seed=6).html != a.html or tune(SNAKE, seed=7).html != a.html


@pytest.mark.parametrize("direction, says", [
    ("add enemies that chase", "does not understand"),
    ("a frog hopping between lily pads that sink", "does not understand"),
    ("floatier", "no named number for that"),
])
def test_a_direction_it_cannot_follow_is_said_with_the_way_forward(direction, says):
    with pytest.raises(NotUnderstood) as err:
        tune(SNAKE, seed=1, direction=direction)
    assert says in str(err.value) and "Settings ▸ Models" in str(err.value)
