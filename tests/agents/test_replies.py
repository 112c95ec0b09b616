"""Coder replies in every shape real models give them parse to the right page, or fail saying why.

The base game is a hand-written DOM game (not the kit): the coder's reply must become exactly the
child a person would read in the reply, with real newlines, never JSON escapes."""
from __future__ import annotations

import json

import pytest

from ludeme.agents import roles
from ludeme.agents.replies import ReplyRejected, parse_code_reply
from ludeme.agents.schemas import MechanicChange, MechanicPlan

from tests.agents.test_roles import Reply, StubClient

BASE = """<!DOCTYPE html>
<html><head><title>Lily Hop</title>
<style>#pad{position:absolute;width:40px;height:10px;background:#2a6}</style></head>
<body><div id="score">0</div><div id="pad"></div>
<script>
let speed = 2, score = 0, x = 10;
document.addEventListener('keydown', e => { if (e.key === ' ') { score++; } });
function step() {
  x = (x + speed) % 300;
  document.getElementById('pad').style.left = x + 'px';
  document.getElementById('score').textContent = String(score);
  requestAnimationFrame(step);
}
requestAnimationFrame(step);
</script>
</body></html>
"""
CHILD = BASE.replace("let speed = 2", "let speed = 4")
PLAN = MechanicPlan(intent="Faster pads", rationale="harder", changes=[
    MechanicChange(action="change", mechanic_id="pad_speed", name="Pad speed",
                   probe="pads move 4px a frame")])


def _child(*texts: str) -> tuple[str, roles.CodeOutcome]:
    client = StubClient(*[Reply(text=t) for t in texts])
    return roles.write_code(client, parent_html=BASE, plan=PLAN)


def _edit_blocks() -> str:
    return ("<<<<<<< SEARCH\nlet speed = 2, score = 0, x = 10;\n=======\n"
            "let speed = 4, score = 0, x = 10;\n>>>>>>> REPLACE")


@pytest.mark.parametrize("shape, reply", [
    ("json", json.dumps({"mode": "full", "html": CHILD, "notes": "faster"})),
    ("json, no mode", json.dumps({"html": CHILD})),
    ("json fenced with prose", "Here is the new version:\n```json\n"
                               + json.dumps({"mode": "full", "html": CHILD}, indent=2)
                               + "\n```\nIt doubles the speed."),
    ("json files", json.dumps({"files": {"index.html": CHILD}, "summary": "faster"})),
    ("json with trailing junk", json.dumps({"mode": "full", "html": CHILD}) + "\n}\nDone!"),
    ("fenced html", f"Sure!\n```html\n{CHILD}```\nEnjoy."),
    ("html with prose naming <html>", f"I kept the <html> tag and changed one line.\n\n{CHILD}\n"
                                      "Let me know what you think."),
    ("search/replace", "NOTES: faster\n" + _edit_blocks()),
    ("json edits", json.dumps({"mode": "edits", "edits": [
        {"search": "let speed = 2, score = 0, x = 10;",
         "replace": "let speed = 4, score = 0, x = 10;"}]})),
    ("json edits as one string", json.dumps({"mode": "edits", "edits": _edit_blocks()})),
    ("reasoning then html", "<think>Maybe I should write <html><script>draft</script></html>"
                            "... no.</think>\n```html\n" + CHILD + "```"),
])
def test_every_reply_shape_becomes_the_child_a_person_reads(shape, reply):
    html, outcome = _child(reply)
    assert "\\n" not in html, shape                      # decoded, not JSON escapes
    assert "let speed = 4" in html and "let speed = 2" not in html, shape
    assert html.strip() == CHILD.strip(), shape
    assert not outcome.fell_back and not outcome.failures, shape


def test_json_html_is_stored_with_real_newlines_not_escapes():
    code = parse_code_reply(Reply(text=json.dumps({"mode": "full", "html": CHILD})))
    assert code.mode == "full" and code.html == CHILD
    assert code.html.count("\n") == CHILD.count("\n")


@pytest.mark.parametrize("shape, reply, reason", [
    ("html cut short", "```html\n" + CHILD[: len(CHILD) * 2 // 3], "cut off"),
    ("json cut short", json.dumps({"mode": "full", "html": CHILD})[: len(CHILD) * 2 // 3],
     "cut off inside its JSON"),
    ("only reasoning", "<think>I will first consider the pads and then", "only the model's reasoning"),
    ("prose only", "I cannot see the game, sorry.", "neither an HTML document"),
    ("search without divider", "<<<<<<< SEARCH\nlet speed = 2", "no '=======' divider"),
])
def test_unusable_replies_fail_with_a_clear_reason(shape, reply, reason):
    # the same bad reply three times: first try, retry (for edits), full rewrite
    with pytest.raises(roles.CodeRejected) as err:
        _child(reply, reply, reply)
    assert reason in str(err.value), (shape, str(err.value))
    if "cut off" in reason:
        assert "max_tokens" in str(err.value)


def test_a_cut_short_reply_then_a_whole_one_recovers():
    cut = json.dumps({"mode": "full", "html": CHILD})[:300]
    html, outcome = _child(cut, f"```html\n{CHILD}```")
    assert html.strip() == CHILD.strip() and outcome.fell_back
    assert "cut off" in outcome.failures[0]


def test_a_config_json_in_prose_is_not_taken_for_the_page():
    reply = ('Settings I used:\n```json\n{"content": "speed 4"}\n```\n\n' + CHILD)
    html, _ = _child(reply)
    assert html.strip() == CHILD.strip()


def test_parse_errors_are_reply_rejected_not_crashes():
    for text in ("", "   ", "{", '{"html": 3}', "[1, 2]"):
        with pytest.raises(ReplyRejected):
            parse_code_reply(Reply(text=text))
