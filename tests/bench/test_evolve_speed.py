"""The issue's offline acceptance run as a benchmark: `evolve` with 5 generations of 6 (LUDEME_BENCH_QUICK:
2 of 3) on a seed lineage; prints evaluated versions per minute, depth, cells and best reward."""
from __future__ import annotations

import time

from ludeme.evolution.engine import evolve
from ludeme.store.seeding import create_default_project


def test_evolve_versions_per_minute(tmp_path, rounds):
    generations, population = rounds(5, 2), rounds(6, 3)
    project = create_default_project(tmp_path / "bench.ludeme")
    try:
        lid = next(lin for lin in project.lineages() if lin.title == "Sky Hopper").id
        t = time.perf_counter()
        s = evolve(project, lid, generations=generations, population=population, seed=0, seconds=10.0)
        wall = time.perf_counter() - t
        print(f"\nevolve {generations}x{population} offline (10 s playtests, 1 process): {s.versions} versions "
              f"({s.evaluated} evaluated) in {wall:.1f} s = {60 * s.evaluated / wall:.1f} evaluated versions/min; "
              f"depth {s.depth}, {s.cells} cells, {s.duplicates} near-duplicates rejected, "
              f"best {s.best_reward} (seed {s.seed_reward})")
        assert s.status == "done" and s.generations == generations
        assert s.versions + s.skipped == generations * population
        assert s.best_reward >= s.seed_reward
        if generations == 5 and population == 6:
            assert s.evaluated >= 25 and s.depth >= 5 and s.cells >= 3
    finally:
        project.close()
