"""Prompts fit the game at hand: a hand-written game gets no kit modules and no kit or telemetry
rules, the planner sees its controls, verdict, score and observed mechanics, and the whole code
when it fits the model's window."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ludeme.agents import prompts, roles
from ludeme.agents.retrieval import Retrieved
from ludeme.core.kit import build_game_html

from tests.agents.test_replies import BASE
from tests.agents.test_roles import Reply, StubClient

PLAN = json.dumps({"intent": "faster pads", "rationale": "harder", "changes": [
    {"action": "change", "mechanic_id": "pad_speed", "name": "Pad speed", "probe": "press Space: the pads speed up"}]})


@dataclass
class Parent:
    reward: float = 0.41
    mechanics: tuple = ()
    breakdown: dict | None = None


EVALUATED = Parent(breakdown={"verdict": "playable", "reasons": ["responds to Space"], "quality": 0.63,
                              "progress": None, "metrics": {"playability": 0.71, "responsiveness": 0.4},
                              "behaviour_probes": [{"id": "pad_drift", "ok": True}, {"id": "croak", "ok": False}]})


class WindowClient(StubClient):
    def __init__(self, *replies, window=None):
        super().__init__(*replies)
        self.window = window

    def context_window(self, role):
        return self.window


def _plan_prompt(html, parent=None, window=None, kit_modules=("jump",)):
    from ludeme.core.archive import load_archive

    archive = {e.id: e for e in load_archive()}
    client = WindowClient(Reply(text=PLAN), window=window)
    roles.plan(client, parent_html=html, direction="harder", memory=[], retrieved=Retrieved(),
               kit_modules=[archive[k] for k in kit_modules], parent=parent)
    return client.calls[0][1]


def test_a_hand_written_game_gets_no_kit_and_its_own_facts():
    system, user = (m["content"] for m in _plan_prompt(BASE, EVALUATED))
    assert "Kit modules available" not in user and "kit_module is always null" in system
    assert "Hand-written game" in user and "Controls: keys Space" in user
    assert "Verdict when played: playable (responds to Space)" in user
    assert "score 0.41, quality 0.63" in user and "playability 0.71" in user
    assert "pad_drift (shown by its probe)" in user and "croak (its probe failed)" in user
    assert "The whole code" in user and "requestAnimationFrame(step)" in user


def test_a_kit_game_gets_its_modules_and_rules():
    html = build_game_html("sky_hopper")
    system, user = (m["content"] for m in _plan_prompt(html))
    assert "Kit modules available" in user and "- jump:" in user and "Built on Ludeme's kit" in user
    coder = prompts.render("coder", plan={}, parent_code=html, direction="", force_full=False,
                           **roles.game_facts(html))[0]["content"]
    assert "window.ludeme" in coder and "kit marker" in coder
    mine = prompts.render("coder", plan={}, parent_code=BASE, direction="", force_full=False,
                          **roles.game_facts(BASE))[0]["content"]
    assert "window.ludeme" not in mine and "kit marker" not in mine and "DOM elements or SVG" in mine


def test_the_whole_code_goes_in_when_it_fits_the_window():
    big = BASE.replace("requestAnimationFrame(step);\n</script>",
                       "requestAnimationFrame(step);\n" + "".join(f"function helper{i}(a) {{ return a * {i}; }}\n"
                                                                    for i in range(900)) + "</script>")
    assert 30_000 < len(big) < 45_000              # like the 16–35 KB games real models write
    user = _plan_prompt(big, window=None)[1]["content"]          # unknown window: 32k tokens
    assert "helper899" in user and "cut to fit" not in user
    small = _plan_prompt(big, window=8_000)[1]["content"]        # a small local model
    assert "helper899" not in small and "cut to fit the model's context" in small


def test_no_two_sentences_run_together_in_any_prompt():
    from tests.agents.test_roles import CTX

    for name, ctx in CTX.items():
        for m in prompts.render(name, nonce="n0nce", **ctx):
            joined = re.findall(r"[a-z][.:!?][A-Z][a-z]", m["content"])
            assert not joined, (name, m["role"], joined)
