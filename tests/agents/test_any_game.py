"""A game not built on the kit, imported as a designer would, then grown offline and by a model:
the offline generator tunes it following the direction (or says why it cannot), and a model's
child records the mechanics its behaviour probes showed, which the archivist can then admit."""
from __future__ import annotations

import json

import pytest

from ludeme.core.plan import mechanic_rows
from ludeme.core.settings import EvaluationSettings
from ludeme.evolution.operators import import_game, mutate

from tests.evaluation.test_behaviour_probes import POND

FAST = EvaluationSettings(seconds=4, idle_seconds=2)
# The imported parent: the pond without the frog's jump and croak (it moves and scores already).
PARENT = (POND.replace("if (e.code === 'Space' && y >= 360) vy = -9;", "")
          .replace("if (e.code === 'KeyB') {", "if (false) {")
          .replace("let on = false,", "const PAD_SPEED = 2; let lives = 3; let on = false,")
          .replace("px = (px + 2) % 560", "px = (px + PAD_SPEED) % 560"))
CHILD = POND.replace("let on = false,", "const PAD_SPEED = 2; let lives = 3; let on = false,").replace(
    "px = (px + 2) % 560", "px = (px + PAD_SPEED) % 560")


def _import(project):
    result = import_game(project, PARENT.encode(), title="", eval_settings=FAST)
    assert result.ok and result.verdict == "playable", result.notes
    return project.version(result.version_id)


def test_offline_harder_tunes_an_imported_game_and_says_when_it_cannot(qapp, project):
    root = _import(project)
    assert project.lineage(root.lineage_id).title == "Pond"          # from its <title>
    result = mutate(project, root.id, direction="harder", model="offline", eval_settings=FAST)
    assert result.ok, result.error
    assert result.verdict == "playable", result.notes
    child = project.version(result.version_id)
    html = project.version_files(child.id)["index.html"].decode()
    assert html != PARENT and "PAD_SPEED = 3" in html and "lives = 2" in html
    assert "harder" in child.plan["intent"] and child.plan["tuning"]
    terms = child.breakdown["terms"]
    assert child.breakdown["quality"] > 0.3 and child.breakdown["progress"] is not None
    assert terms["structural"]["value"] > 0
    before = project.count_versions()
    refused = mutate(project, root.id, direction="add enemies that chase", model="offline", eval_settings=FAST)
    assert not refused.ok and "does not understand" in refused.error and "Settings ▸ Models" in refused.error
    assert project.count_versions() == before, "nothing unrelated is saved in its place"


def test_a_kit_game_refuses_a_direction_it_cannot_follow_offline(qapp, project):
    lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
    root = project.versions(lineage.id)[0]
    before = project.count_versions()
    result = mutate(project, root.id, direction="add enemies that chase", model="offline", eval_settings=FAST)
    assert not result.ok and "cannot follow" in result.error and "Settings ▸ Models" in result.error
    assert project.count_versions() == before


PLAN = {"intent": "Give the frog a jump and a croak", "rationale": "the frog does nothing yet",
        "changes": [
            {"action": "add", "mechanic_id": "frog_jump", "name": "Frog jump", "summary": "Space jumps",
             "probe": "press Space: the frog jumps within 20 frames"},
            {"action": "add", "mechanic_id": "croak", "name": "Croak", "summary": "B croaks",
             "probe": "press KeyB: a croak sound plays"},
            {"action": "keep", "mechanic_id": "pad_drift", "name": "Drifting pads",
             "probe": "pads drift on their own"}]}


def test_an_llm_child_of_an_imported_game_records_probed_mechanics(qapp, fake_llm, project):
    root = _import(project)
    fake_llm.reply(json.dumps(PLAN))
    fake_llm.reply(json.dumps({"mode": "full", "html": CHILD, "notes": "jump and croak"}))  # JSON, escaped html
    fake_llm.reply(json.dumps({"score": 7, "strengths": ["responsive"], "problems": [], "suggestions": []}))
    fake_llm.reply(json.dumps({"lessons": [{"intent": "jump", "value": 0.5, "lesson": "a jump makes it a game"}]}))
    fake_llm.reply(json.dumps({"add": True, "id": "frog_jump", "name": "Frog jump", "summary":
                               "The player's frog leaps when Space is pressed and falls back under gravity",
                               "description": "A vertical jump with gravity.", "changes": ["actions"],
                               "category": "movement", "genres": ["platformer"], "tags": ["jump"],
                               "example": "Pond v2", "probe": "press Space: the frog jumps within 20 frames"}))
    result = mutate(project, root.id, direction="make the frog jump", model="openai/fake-coder",
                    api_base=fake_llm.api_base, eval_settings=FAST)
    assert result.ok, result.error
    child = project.version(result.version_id)
    html = project.version_files(child.id)["index.html"].decode()
    assert html.strip() == CHILD.strip() and "\\n" not in html        # decoded, not escaped
    probes = {p["id"]: p for p in child.breakdown["behaviour_probes"]}
    assert probes["frog_jump"]["ok"] and probes["croak"]["ok"], probes
    assert "no-input run" in probes["frog_jump"]["reason"]
    rows = {r.id: r for r in mechanic_rows(child, project.version_mechanics(child.id))}
    assert rows["frog_jump"].status == "realised" and rows["frog_jump"].probe is True
    assert rows["croak"].status == "realised"
    # progress counts the two new mechanics a probe showed; quality is the game's own
    assert child.breakdown["terms"]["mechanics"]["value"] == pytest.approx(0.75)
    assert child.breakdown["progress"] > 0 and child.breakdown["quality"] > 0.3
    assert child.reward > root.reward
    # the archivist admitted the mechanic a probe showed, and the version realises it
    assert any("archived new mechanic frog_jump" in n for n in result.notes), result.notes
    assert project.mechanic("frog_jump").name == "Frog jump"
    link = next(link for link in project.version_mechanics(child.id) if link.mechanic_id == "frog_jump")
    assert link.probe_ok is True and "no-input run" in link.probe_detail
    roles = [row.role for row in project.ledger()]
    assert roles == ["planner", "coder", "critic", "reflector", "archivist"]
