"""A four-version lineage of a hand-written canvas game (tests/agents/lineage/v1..v4.html, each a
change a person sees), replayed through the LLM path from the fake OpenAI-compatible server:

- v1 → v2 adds a jump and flies to catch (a score), v2 → v3 adds sound and ripples (a full
  rewrite sent as JSON), v3 → v4 only recolours it.
- Quality follows what a person sees: v2 and v3 above v1, v3's sound measured; v4 as good as v3.
- Progress rewards the real additions (the mechanics the probes showed), not the rewrite, and
  the recolour earns nothing and does not outscore its parent."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ludeme.core.settings import EvaluationSettings
from ludeme.evolution.operators import import_game, mutate

from tests.fake_llm import Scripted

HERE = Path(__file__).parent / "lineage"
V = {n: (HERE / f"v{n}.html").read_text() for n in (1, 2, 3, 4)}
FAST = EvaluationSettings(seconds=5, idle_seconds=3)

PLANS = {
    2: {"intent": "Let the frog jump and catch flies", "rationale": "v1 has nothing to do",
        "changes": [{"action": "keep", "mechanic_id": "frog_walk", "name": "Walk", "probe": "hold ArrowLeft: the frog moves"},
                    {"action": "add", "mechanic_id": "frog_jump", "name": "Jump",
                     "probe": "press Space: the frog jumps within 20 frames"},
                    {"action": "add", "mechanic_id": "fly_catch", "name": "Catch flies",
                     "probe": "a fly appears over the pond on its own"}]},
    3: {"intent": "Give the jump a croak and the landing ripples", "rationale": "feedback",
        "changes": [{"action": "keep", "mechanic_id": "frog_jump", "name": "Jump", "probe": "press Space: jumps"},
                    {"action": "add", "mechanic_id": "croak", "name": "Croak",
                     "probe": "press Space: a croak sound plays within 10 frames"}]},
    4: {"intent": "A dusk palette", "rationale": "mood",
        "changes": [{"action": "change", "mechanic_id": "palette", "name": "Palette",
                     "probe": "press Space: the colours are the dusk ones"}]},
}
CODER = {2: "Here is the new version.\n```html\n" + V[2] + "```\nThe frog can jump now.",
         3: json.dumps({"mode": "full", "html": V[3], "notes": "croak and ripples"}),   # escaped html
         4: "NOTES: dusk palette\n```html\n" + V[4] + "```"}
CRITIC = {1: 4, 2: 6, 3: 7, 4: 7}          # the critic sees v1 too: roots and children on one scale


def _responder():
    calls = Counter()

    def answer(messages) -> Scripted:
        system = messages[0]["content"] if messages else ""
        role = next((r for r in ("planner", "coder", "critic", "reflector", "archivist")
                     if f"You are the {'mechanic planner' if r == 'planner' else r}" in system), "?")
        calls[role] += 1
        n = calls[role] + 1                              # the version this call works on
        if role == "planner":
            return Scripted(json.dumps(PLANS[n]))
        if role == "coder":
            return Scripted(CODER[n])
        if role == "critic":                             # v1 (the import) is critiqued first
            return Scripted(json.dumps({"score": CRITIC[n - 1], "strengths": [], "problems": [], "suggestions": []}))
        if role == "reflector":
            return Scripted(json.dumps({"lessons": [{"intent": PLANS[n]["intent"], "lesson": "ok", "value": 0.4}]}))
        return Scripted(json.dumps({"add": False, "reason": "kept in the lineage for now"}))

    return answer


def test_replayed_lineage_quality_follows_what_a_person_sees_and_progress_the_additions(qapp, fake_llm, project):
    fake_llm.respond_with(_responder())
    imported = import_game(project, V[1].encode(), title="", eval_settings=FAST, model="openai/fake-coder",
                           api_base=fake_llm.api_base)
    assert imported.ok and imported.verdict == "playable", imported.notes
    versions = {1: project.version(imported.version_id)}
    assert project.lineage(versions[1].lineage_id).title == "Lily Hop"
    for n in (2, 3, 4):
        result = mutate(project, versions[n - 1].id, direction=PLANS[n]["intent"], model="openai/fake-coder",
                        api_base=fake_llm.api_base, eval_settings=FAST)
        assert result.ok and result.verdict == "playable", (n, result.error, result.notes)
        versions[n] = project.version(result.version_id)
        html = project.version_files(versions[n].id)["index.html"].decode()
        assert html.strip() == V[n].strip(), n                      # every reply shape gave the page
    bd = {n: v.breakdown for n, v in versions.items()}
    q = {n: bd[n]["quality"] for n in bd}
    p = {n: bd[n]["progress"] for n in bd}
    score = {n: v.reward for n, v in versions.items()}
    probes = {n: {x["id"]: x["ok"] for x in bd[n].get("behaviour_probes") or []} for n in bd}
    print("\nquality", q, "\nprogress", p, "\nscore", score, "\nprobes", probes)

    # mechanics recorded for every child, with what their probes saw
    assert probes[2]["frog_jump"] and probes[3]["croak"]
    assert all(probes[n] for n in (2, 3, 4))
    # quality: what the game is — measured (a score a person reads, then sound) and judged
    play = {n: bd[n]["metrics"]["playability"] for n in bd}
    assert play[1] < play[2] < play[3], play
    assert bd[2]["metrics"]["numbers_shown"] and not bd[1]["metrics"]["numbers_shown"]
    assert q[1] < q[2] < q[3]
    assert bd[3]["metrics"]["audio_activity"] > bd[2]["metrics"]["audio_activity"] == 0
    assert q[4] == pytest.approx(q[3], abs=0.06)                    # a recolour plays the same
    # progress: what it adds
    assert p[1] is None                                             # the root adds nothing yet
    assert p[2] > 0 and p[3] > 0 and p[4] == 0
    assert bd[3]["terms"]["structural"]["value"] > bd[2]["terms"]["structural"]["value"] * 0.5
    assert bd[4]["terms"]["cosmetic"]["value"] > 0
    # the score: additions pay, the recolour never outscores its parent
    assert score[2] > score[1] and score[3] > score[1]
    assert score[4] <= score[3]
