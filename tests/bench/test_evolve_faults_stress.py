"""The issue's fault test at full size: `ludeme evolve` (5 generations of 6, 1 s playtests, so that all
20 kills land during the run) killed with SIGKILL 20 times at seeded random moments (LUDEME_BENCH_QUICK:
8 kills of a 3x3 run), resumed each time, then let finish; prints how many kills landed, versions and wall time."""
from __future__ import annotations

from tests.evolution.faults import run_with_kills
from tests.evolution.test_evolve_faults import check_fault_run


def test_evolve_kill_9_stress(tmp_path, rounds):
    kills, generations, population = rounds(20, 8), rounds(5, 3), rounds(6, 3)
    res, path = run_with_kills(tmp_path, kills=kills, seed=11, generations=generations, population=population,
                               log=lambda m: None)
    figures = check_fault_run(res, path, generations, population)
    print(f"\nevolve fault stress ({generations}x{population}): {res.kills}/{kills} kills landed ({res.finished_early} starts finished first), "
          f"0 committed versions lost of {len(res.committed)}, 0 half-saved, 0 orphan processes, "
          f"{figures['versions']} versions in the finished run, {figures['runs']} run(s), {res.wall:.1f} s")
