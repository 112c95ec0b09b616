"""Agent costs: tokens per accepted version for SEARCH/REPLACE edits vs a full rewrite of a ~25 KB
game (counted with litellm's token counter on the fixture replies), and the pipeline's own
overhead per mutation, model latency and playtesting excluded."""
from __future__ import annotations

import json
import time
from pathlib import Path

from ludeme.agents import roles
from ludeme.agents.llm import LLMClient
from ludeme.evolution.operators import mutate
from ludeme.agents.schemas import MechanicPlan
from ludeme.agents.settings import AgentSettings
from ludeme.core.settings import EvaluationSettings
from ludeme.store import create_default_project

ROOT = Path(__file__).resolve().parents[2]
PLAN = {"intent": "Faster ball, wider paddle", "rationale": "pace",
        "changes": [{"action": "change", "mechanic_id": "ball_bounce", "name": "Ball bounce",
                     "probe": "the ball moves faster after launch", "kit_module": None, "params": {}}]}


def _game() -> str:
    js = (ROOT / "resources/games/brick_bloom/game.js").read_text()
    return f"<!DOCTYPE html><html><head><title>Bench</title></head><body><canvas></canvas><script>\n{js}\n</script></body></html>"


def _edits(html: str) -> tuple[str, str]:
    """Two small real edits: a SEARCH/REPLACE reply and the equivalent full document."""
    lines = [ln for ln in html.splitlines() if "const " in ln and "=" in ln and len(ln) < 100]
    a, b = lines[3], lines[7]
    a2, b2 = a + " // tuned", b + " // tuned"
    reply = "\n".join(f"<<<<<<< SEARCH\n{s}\n=======\n{r}\n>>>>>>> REPLACE" for s, r in ((a, a2), (b, b2)))
    return reply, "```html\n" + html.replace(a, a2).replace(b, b2) + "\n```"


def _tokens(fake, replies) -> tuple[int, int]:
    import litellm

    prompt = sum(litellm.token_counter(model="gpt-4o", messages=r.messages) for r in fake.requests)
    completion = sum(litellm.token_counter(model="gpt-4o", text=t) for t in replies)
    return prompt, completion


def test_tokens_edits_vs_full_rewrite(fake_llm):
    fake = fake_llm
    html = _game()
    edits_reply, full_reply = _edits(html)
    figures = {}
    for name, reply in (("edits", edits_reply), ("full", full_reply)):
        fake.requests.clear()
        fake.reply(json.dumps(PLAN)).reply(reply)
        client = LLMClient(AgentSettings(default_model="openai/bench", api_base=fake.api_base))
        plan = MechanicPlan.model_validate(client.complete("planner", [{"role": "user", "content": "plan"}],
                                                           schema=MechanicPlan).parsed.model_dump())
        out, outcome = roles.write_code(client, parent_html=html, plan=plan, direction="faster")
        assert "// tuned" in out and outcome.mode == ("edits" if name == "edits" else "full")
        figures[name] = _tokens(fake, [json.dumps(PLAN), reply])
    (ei, eo), (fi, fo) = figures["edits"], figures["full"]
    print(f"\ntokens per accepted version on a {len(html) / 1024:.1f} KB game (litellm token_counter, gpt-4o "
          f"encoding): edits {ei} in + {eo} out = {ei + eo}; full rewrite {fi} in + {fo} out = {fi + fo}; "
          f"output tokens x{fo / eo:.0f} fewer with edits, total x{(fi + fo) / (ei + eo):.2f}")


def test_pipeline_overhead_per_mutation(fake_llm, qapp, tmp_path, rounds):
    fake = fake_llm
    project = create_default_project(tmp_path / "o.ludeme")
    lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
    root = project.versions(lineage.id)[0]
    anchor = "/* ludeme:kit:game:begin */"
    spent = {"eval": 0.0}

    def timed_evaluate(files, settings, **kw):
        from ludeme.evaluation.evaluator import evaluate

        t = time.perf_counter()
        try:
            return evaluate(files, settings, **kw)
        finally:
            spent["eval"] += time.perf_counter() - t

    plan = dict(PLAN, changes=[dict(PLAN["changes"][0], mechanic_id="gravity", kit_module="gravity")])
    rows = []
    for i in range(rounds(3, 1)):
        spent["eval"] = 0.0
        fake.reply(json.dumps(plan)).reply(f"<<<<<<< SEARCH\n{anchor}\n=======\n{anchor}\n/* run {i} */\n>>>>>>> REPLACE")
        fake.reply(json.dumps({"score": 6, "strengths": [], "problems": [], "suggestions": []}))
        fake.reply(json.dumps({"lessons": []}))
        t = time.perf_counter()
        result = mutate(project, root.id, model="openai/bench", api_base=fake.api_base,
                        eval_settings=EvaluationSettings(seconds=2, idle_seconds=1), evaluate_fn=timed_evaluate)
        wall = time.perf_counter() - t
        assert result.ok, result.error
        llm = sum(r.latency for r in project.ledger() if r.version_id == result.version_id)
        rows.append((wall, spent["eval"], llm, wall - spent["eval"] - llm))
    spent["eval"] = 0.0
    t = time.perf_counter()
    off = mutate(project, root.id, eval_settings=EvaluationSettings(seconds=2, idle_seconds=1), evaluate_fn=timed_evaluate)
    off_wall = time.perf_counter() - t
    assert off.ok
    project.close()
    over = sorted(r[3] for r in rows)[len(rows) // 2]
    print(f"\npipeline overhead per mutation (model latency and playtesting excluded): median {over * 1000:.0f} ms "
          f"over {len(rows)} LLM mutations (wall {rows[0][0]:.2f} s = evaluation {rows[0][1]:.2f} s + model "
          f"{rows[0][2]:.2f} s + pipeline {rows[0][3]:.2f} s for the first); "
          f"offline mutation: wall {off_wall:.2f} s, evaluation {spent['eval']:.2f} s, "
          f"generator + saving {(off_wall - spent['eval']) * 1000:.0f} ms")
