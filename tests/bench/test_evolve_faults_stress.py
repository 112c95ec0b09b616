"""The issue's fault test at full size: `ludeme evolve` (3 generations of 3, 1 s playtests) killed with
SIGKILL to its process group 20 times at seeded random moments (LUDEME_BENCH_QUICK: 8), resumed each
time, then let finish; prints how many kills landed, versions and wall time."""
from __future__ import annotations

from tests.evolution.faults import run_with_kills
from tests.evolution.test_evolve_faults import check_fault_run


def test_evolve_kill_9_stress(tmp_path, rounds):
    kills = rounds(20, 8)
    res, path = run_with_kills(tmp_path, kills=kills, seed=11, log=lambda m: None)
    figures = check_fault_run(res, path)
    print(f"\nevolve fault stress: {res.kills}/{kills} kills landed ({res.finished_early} starts finished first), "
          f"0 committed versions lost of {len(res.committed)}, 0 half-saved, 0 orphan processes, "
          f"{figures['versions']} versions in the finished run, {figures['runs']} run(s), {res.wall:.1f} s")
