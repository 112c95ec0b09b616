"""A run's children several at a time (evolution/pool.py): a model's children too, their model
calls on this process's threads and their evaluations in the pool's processes, which never hold a
key; one run budget shared by the running children (a call that would overspend is refused inside
a running child); cancel reaching an evaluation while it plays (its process is killed, nothing of
it saved, a resumed run makes it again)."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from ludeme.agents.settings import SETTINGS_META_KEY, AgentSettings
from ludeme.core.settings import EvaluationSettings
from ludeme.evolution import pool as pool_mod
from ludeme.evolution.engine import evolve, latest_run, run_versions
from ludeme.evolution.pool import EvalPool, EvaluationCancelled
from tests.fake_llm import TEST_KEY, Scripted

PLAN = {"intent": "a floatier climb", "changes": [
    {"action": "change", "mechanic_id": "gravity", "name": "Gravity", "summary": "lower gravity",
     "probe": "hold jump: the player stays airborne longer than before", "kit_module": "gravity",
     "params": {"g": 1500}}], "rationale": "floatier jumps make the wide gaps readable"}


def _sky(project):
    lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
    return lineage.id, project.version_files(project.versions(lineage.id)[0].id)["index.html"].decode()


def _use_fake(project, fake_llm, **settings) -> None:
    project.set_meta(SETTINGS_META_KEY, AgentSettings(api_base=fake_llm.api_base, **settings).to_json())


def _responder(game_html: str, planned_at: list[float], plan_delay: float = 0.0):
    """The fault test's answers per role, with the planner's moment noted (and slowed) and each
    coder's game titled apart."""
    from tests.evolution.test_worker_faults import _responder as per_role

    others = per_role(game_html)

    def answer(messages) -> Scripted:
        system = next((m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "system"), "")
        system = system if isinstance(system, str) else json.dumps(system)
        if "mechanic planner" in system:
            planned_at.append(time.monotonic())
            return Scripted(content=json.dumps(PLAN), delay_s=plan_delay)
        if "You are the coder" in system or "You are the repairer" in system:
            return Scripted(content="```html\n" + game_html.replace(
                "<title>Sky Hopper</title>", f"<title>Sky Hopper {len(planned_at)}</title>") + "\n```")
        return others(messages)
    return answer


@pytest.mark.timeout(300)
def test_a_models_children_are_made_two_at_a_time_and_the_evaluators_hold_no_key(project, fake_llm, monkeypatch):
    lid, sky = _sky(project)
    _use_fake(project, fake_llm)
    planned_at: list[float] = []
    fake_llm.respond_with(_responder(sky, planned_at, plan_delay=1.5))
    seen: list[tuple[str, bytes]] = []  # (request sent to a member, that member's environment)
    ask = pool_mod._Member.ask

    def spy(self, request, cancel=None):
        seen.append((json.dumps(request), Path(f"/proc/{self.proc.pid}/environ").read_bytes()))
        return ask(self, request, cancel)

    monkeypatch.setattr(pool_mod._Member, "ask", spy)
    s = evolve(project, lid, generations=1, population=2, model="openai/fake-coder", jobs=2, seconds=1.5, seed=3)
    assert s.status == "done" and s.versions == 2, s
    saved = run_versions(project, lid, s.run_id)
    assert sorted(slot for (_, slot) in saved) == [0, 1]  # each planned child once
    for v in saved.values():
        assert v.model == "openai/fake-coder" and v.reward is not None and v.status == "evaluated"
        assert project.recordings(v.id)
    ledger = [row for row in project.ledger() if row.version_id in {v.id for v in saved.values()}]
    assert {row.role for row in ledger} >= {"planner", "coder", "critic"}
    # the two planners were asked while each other's answer was still coming (1.5 s each)
    assert len(planned_at) == 2 and abs(planned_at[1] - planned_at[0]) < 1.0, planned_at
    # root evaluation + two children, all in the pool's processes, none of which holds the key
    assert len(seen) >= 2
    for request, environ in seen:
        assert TEST_KEY not in request and TEST_KEY.encode() not in environ
        assert b"LUDEME_API_KEY" not in environ


@pytest.mark.timeout(300)
def test_one_run_budget_is_shared_by_the_running_children(project, fake_llm):
    """$0.20 on gpt-4o prices: the planners fit, a coder's worst case does not once they are paid for.
    Before, each child checked its own spend only, so every child's coder was called."""
    lid, sky = _sky(project)
    _use_fake(project, fake_llm)
    planned_at: list[float] = []
    fake_llm.respond_with(_responder(sky, planned_at))
    s = evolve(project, lid, generations=2, population=2, model="openai/gpt-4o", jobs=2, seconds=1.5,
               budget_usd=0.20)
    assert s.status == "budget" and s.versions == 0, s
    roles = [row.role for row in project.ledger()]
    assert "coder" not in roles and 1 <= roles.count("planner") <= 2, roles
    assert [r.path for r in fake_llm.requests].count(fake_llm.requests[0].path) == roles.count("planner")
    assert s.cost > 0 and s.cost <= 0.20 + 1e-9, s.cost  # what the refused children really spent


def test_cancel_stops_an_evaluation_while_it_plays(qapp, project):
    lid, sky = _sky(project)
    flag = threading.Event()
    with EvalPool(1, cancel=flag.is_set) as ev:
        settings = EvaluationSettings(seconds=30, idle_seconds=1)
        threading.Timer(4.0, flag.set).start()
        t = time.monotonic()
        with pytest.raises(EvaluationCancelled):
            ev.evaluate({"index.html": sky.encode()}, settings)
        took = time.monotonic() - t
        assert took < 8.0, took  # not the 30 s the game would have been played for
        assert not ev._all  # the member that was playing is gone ...
        flag.clear()
        report = ev.evaluate({"index.html": sky.encode()}, EvaluationSettings(seconds=1.5, idle_seconds=1))
        assert report.verdict == "playable", report.reasons  # ... and a new one takes the next game


@pytest.mark.timeout(300)
def test_a_cancelled_run_saves_nothing_of_its_running_children_and_resumes(project):
    lid, _ = _sky(project)
    evolve(project, lid, generations=1, population=1, seconds=1.5, jobs=1)  # the seed is scored first
    flag = threading.Event()
    threading.Timer(3.0, flag.set).start()
    t = time.monotonic()
    s = evolve(project, lid, generations=2, population=2, seconds=20, jobs=2, stop=flag.is_set, cancel=flag.is_set)
    assert time.monotonic() - t < 15, "the 20-s evaluations were not cut short"
    assert s.status == "stopped" and s.versions == 0, s
    record = latest_run(project, lid)
    assert record["status"] == "stopped" and record["generation"] == 0
    s2 = evolve(project, lid, generations=2, population=2, seconds=1.5, jobs=2)
    assert s2.run_id == s.run_id and s2.status == "done"
    saved = run_versions(project, lid, s.run_id)
    assert sorted(saved) == [(1, 0), (1, 1), (2, 0), (2, 1)]  # every planned child, once
