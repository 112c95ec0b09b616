"""Fault test: `ludeme evolve` killed with SIGKILL (its process group, or its Python process alone) at 8 seeded random
moments and resumed each time with the same command, then let finish (20 kills: tests/bench)."""
from __future__ import annotations

from tests.evolution.faults import GENERATIONS, POPULATION, final_state, run_with_kills, snapshot


def check_fault_run(res, path, generations: int = GENERATIONS, population: int = POPULATION) -> dict:
    assert res.final_rc == 0, res.final_out
    for c in res.checks:
        assert c["lost"] == [], c            # nothing committed before a kill is ever lost
        assert c["running_jobs"] == 0, c
        assert c["half_saved"] == [], c      # a child is saved with its report, or not at all
    assert res.orphans == [], res.orphans    # no renderer (QtWebEngineProcess) outlives a kill
    snap = snapshot(path)
    assert res.committed <= snap["ids"] and snap["running"] == 0 and snap["half_saved"] == []
    st = final_state(path)
    assert st["integrity"] == "ok"
    rec = st["record"]
    assert rec["status"] == "done" and rec["generation"] == generations
    assert len(st["runs"]) == 1, st["runs"]  # every start resumed the one run
    slots = st["slots"]
    assert len(slots) == len(set(slots)), "a slot saved twice"
    assert all(1 <= g <= generations and 0 <= s < population for g, s in slots)
    stats = {s["generation"]: s for s in rec["stats"]}
    assert sorted(stats) == list(range(1, generations + 1))
    for g, s in stats.items():
        saved = sum(1 for gen, _ in slots if gen == g)
        assert s["versions"] == saved <= population, (g, s, saved)
        assert s["versions"] + s["skipped"] <= population
    return {"versions": len(slots), "runs": len(st["runs"])}


def test_evolve_survives_kill_9_and_resumes(tmp_path):
    res, path = run_with_kills(tmp_path, kills=8, seed=5)
    assert res.kills + res.finished_early >= 1
    figures = check_fault_run(res, path)
    print(f"\n{res.kills} kills, {figures['versions']} versions in the finished run, {res.wall:.1f} s")


def test_evolve_with_two_jobs_survives_kills_and_saves_each_child_once(tmp_path):
    """--jobs 2: children are made two at a time, each evaluated in a pool process; kills of the
    group or of the leader alone (the pool's processes must then exit by themselves) lose nothing,
    and every slot is saved once."""
    res, path = run_with_kills(tmp_path, kills=4, seed=9, jobs=2)
    assert res.kills + res.finished_early >= 1
    figures = check_fault_run(res, path)
    print(f"\n--jobs 2: {res.kills} kills, {figures['versions']} versions in the finished run, {res.wall:.1f} s")
