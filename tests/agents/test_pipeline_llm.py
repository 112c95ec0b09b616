"""The whole chain through litellm over HTTP against the fake OpenAI-compatible server: plan →
code (edits) → evaluate → repair → save; and the failures that must end cleanly with nothing
half-written: an exhausted budget mid-run, an auth error, a refusal."""
from __future__ import annotations

import json

import pytest

from ludeme.evolution.operators import mutate
from ludeme.agents.settings import AgentSettings
from ludeme.core.settings import EvaluationSettings

FAST = EvaluationSettings(seconds=2, idle_seconds=1)


def sky(project):
    lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
    root = project.versions(lineage.id)[0]
    return root, project.version_files(root.id)["index.html"].decode()


PLAN = {
    "intent": "Make the climb floatier so long jumps between islands feel graceful",
    "changes": [
        {"action": "change", "mechanic_id": "gravity", "name": "Gravity", "summary": "lower gravity",
         "probe": "hold jump: the player stays airborne longer than before", "kit_module": "gravity",
         "params": {"g": 1500}},
        {"action": "keep", "mechanic_id": "double_jump", "name": "Double jump", "kit_module": "double_jump",
         "probe": "press jump twice: a second jump in the air"},
    ],
    "rationale": "floatier jumps make the wide gaps readable",
}


def edit(search: str, replace: str) -> str:
    return f"<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE"


def test_plan_edit_break_repair_save(qapp, fake_llm, project):
    root, html = sky(project)
    anchor = "/* ludeme:kit:game:begin */"
    assert html.count(anchor) == 1
    # The coder's first attempt throws at load (balanced code, broken game); the repairer sends it back whole.
    fake_llm.reply(json.dumps(PLAN))
    fake_llm.reply(edit(anchor, anchor + "\nthrow new Error(\"level data missing\");"))
    fake_llm.reply("```html\n" + html.replace("<title>Sky Hopper</title>", "<title>Sky Hopper (floaty)</title>") + "\n```")
    fake_llm.reply(json.dumps({"score": 8, "strengths": ["readable jumps"], "problems": ["flat colours"],
                               "suggestions": []}))
    fake_llm.reply(json.dumps({"lessons": [{"intent": "floatier jumps", "value": 0.6,
                                            "lesson": "lower gravity keeps the climb readable; test the load path"}]}))
    result = mutate(project, root.id, direction="floatier", model="openai/fake-coder",
                    api_base=fake_llm.api_base, eval_settings=FAST)
    assert result.ok, result.error
    assert result.verdict == "playable" and result.rounds == 2, result.notes
    child = project.version(result.version_id)
    assert child.parents == (root.id,) and child.plan["intent"].startswith("Make the climb")
    assert b"Sky Hopper (floaty)" in project.version_files(child.id)["index.html"]
    rows = project.ledger()
    assert [row.role for row in rows] == ["planner", "coder", "repairer", "critic", "reflector"]
    assert child.breakdown["terms"]["creativity"]["value"] == pytest.approx((8 - 3) / 7), "the critic feeds the reward"
    assert any(r.images for r in fake_llm.requests), "the critic sees the contact sheet"
    assert all(row.version_id == child.id for row in rows), "each call names the version it made"
    assert child.tokens_in > 0 and child.tokens_out > 0
    lessons = {m.intent: m for m in project.memories(root.lineage_id)}
    assert lessons["floatier jumps"].q == pytest.approx(0.3 * 0.6), "q' = (1 - a) q + a r with a = 0.3"
    sent = fake_llm.requests
    assert all(r.model == "fake-coder" for r in sent)
    assert "SEARCH" in json.dumps(sent[1].messages) or "edit" in json.dumps(sent[1].messages).lower()


def test_budget_running_out_mid_run_saves_nothing(qapp, fake_llm, project):
    root, _ = sky(project)
    before = project.count_versions()
    fake_llm.reply(json.dumps(PLAN))
    settings = AgentSettings(budget_usd=0.2)  # the plan (with the game's whole code) fits; the coder's worst case does not
    result = mutate(project, root.id, model="openai/gpt-4o", api_base=fake_llm.api_base, settings=settings,
                    eval_settings=FAST)
    assert not result.ok and "Budget" in result.error
    assert project.count_versions() == before
    assert [row.role for row in project.ledger()] == ["planner"]
    assert fake_llm.count == 1, "the call that would pass the budget is never made"


@pytest.mark.parametrize("scripted,word", [("auth", "Auth"), ("refusal", "Refusal")])
def test_model_trouble_ends_cleanly(qapp, fake_llm, project, scripted, word):
    root, _ = sky(project)
    before = project.count_versions()
    if scripted == "auth":
        fake_llm.error("invalid_api_key")
    else:
        fake_llm.refusal()
    result = mutate(project, root.id, model="openai/fake", api_base=fake_llm.api_base, eval_settings=FAST)
    assert not result.ok and word in result.error
    assert "test-key-0123456789" not in result.error
    assert project.count_versions() == before


def test_edits_that_do_not_apply_are_retried_with_the_failure_shown(qapp, fake_llm, project):
    root, html = sky(project)
    fake_llm.reply(json.dumps(PLAN))
    fake_llm.reply(edit("this line is not in the game", "whatever"))            # does not apply
    fake_llm.reply(edit("neither is this one", "still wrong"))                     # retry fails too
    fake_llm.reply("```html\n" + html.replace("<title>Sky Hopper</title>", "<title>Sky Hopper II</title>") + "\n```")
    fake_llm.reply(json.dumps({"score": 6, "strengths": [], "problems": [], "suggestions": []}))
    fake_llm.reply(json.dumps({"lessons": []}))
    result = mutate(project, root.id, model="openai/fake", api_base=fake_llm.api_base, eval_settings=FAST)
    assert result.ok and result.verdict == "playable", (result.error, result.notes)
    assert any("fell back to a full rewrite" in n for n in result.notes)
    retry_prompt = json.dumps(fake_llm.requests[2].messages)
    assert "this line is not in the game" in retry_prompt, "the retry shows the model its failed edit"


def test_a_reply_cut_by_max_tokens_saves_nothing(qapp, fake_llm, project):
    root, html = sky(project)
    before = project.count_versions()
    fake_llm.reply(json.dumps(PLAN))
    fake_llm.truncated("```html\n" + html[: len(html) // 3])
    result = mutate(project, root.id, model="openai/fake", api_base=fake_llm.api_base, eval_settings=FAST)
    assert not result.ok and "TruncatedReply" in result.error and "max_tokens for the 'coder' role" in result.error
    assert project.count_versions() == before
