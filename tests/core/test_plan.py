"""The plan has one owner (core.plan): every shape a version's plan is stored in gives the same
planned and removed ids, and the inspector's rows reconcile it with what the game showed."""
from __future__ import annotations

from types import SimpleNamespace

from ludeme.core.plan import MechanicPlan, mechanic_rows, plan_changes, planned_ids, removed_ids

PLAN = {"intent": "a dash", "changes": [
    {"action": "keep", "mechanic_id": "jump", "name": "Jump", "kit_module": "platformer"},
    {"action": "add", "mechanic_id": "dash", "name": "Dash"},
    {"action": "remove", "mechanic_id": "coins", "name": "Coins", "kit_module": "pickups"},
    {"action": "change", "mechanic_id": ""},  # no id: ignored
]}


def test_every_shape_gives_the_same_ids():
    model = MechanicPlan.model_validate({**PLAN, "changes": PLAN["changes"][:3]})
    assert planned_ids(PLAN) == planned_ids(model) == model.planned_ids() == ["jump", "platformer", "dash"]
    assert removed_ids(PLAN) == model.removed_ids() == ["coins", "pickups"]
    seed = {"mechanics": ["jump", "gravity"]}
    assert planned_ids(seed) == ["jump", "gravity"] and removed_ids(seed) == []
    assert plan_changes(None) == plan_changes({}) == planned_ids({"changes": "junk"}) == []


def test_rows_reconcile_the_plan_with_what_the_game_showed():
    version = SimpleNamespace(plan=PLAN, mechanics=["platformer", "pickups", "score"],
                              breakdown={"probes": [{"id": "platformer", "ok": False, "reason": "no jump seen"}]})
    rows = {r.id: r for r in mechanic_rows(version)}
    assert rows["jump"].status == "failed" and rows["jump"].detail == "no jump seen"  # via its kit module
    assert rows["dash"].status == "missing" and rows["dash"].planned
    assert rows["coins"].status == "kept-despite-removal" and not rows["coins"].planned
    assert rows["score"].status == "unplanned"
    assert list(rows) == ["jump", "dash", "coins", "score"]  # plan order, then extras
