"""The issue's offline acceptance run as a benchmark: `evolve` with 5 generations of 6 and 10 s playtests
(LUDEME_BENCH_QUICK: 2 of 3 with 1.5 s playtests) on a seed lineage. Prints evaluated versions, tree
depth, occupied MAP-Elites cells, identical-code pairs, best versus seed reward, versions per minute and
the scheduler's overhead per child (engine time less evaluation time). The acceptance floor is asserted
only in full mode; quick mode only checks that the run finished and saved versions."""
from __future__ import annotations

import hashlib
import time
from collections import Counter

from ludeme.evolution.dedup import fingerprint
from ludeme.evolution.engine import evolve
from ludeme.store.seeding import create_default_project


def _pairs(keys) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(keys).values())


def test_evolve_acceptance_run(tmp_path, rounds):
    generations, population = rounds(5, 2), rounds(6, 3)
    seconds = 10.0 if rounds(1, 0) else 1.5
    full = rounds(True, False)
    project = create_default_project(tmp_path / "bench.ludeme")
    eval_time = [0.0, 0]

    def timed_evaluate(files, settings, **kw):
        from ludeme.evolution.operators.mutate import _default_evaluate

        t = time.perf_counter()
        try:
            return _default_evaluate(files, settings, **kw)
        finally:
            eval_time[0] += time.perf_counter() - t
            eval_time[1] += 1

    try:
        lid = next(lin for lin in project.lineages() if lin.title == "Sky Hopper").id
        t = time.perf_counter()
        s = evolve(project, lid, generations=generations, population=population, seed=0, seconds=seconds,
                   evaluate_fn=timed_evaluate)
        wall = time.perf_counter() - t
        htmls = [project.version_files(v.id)["index.html"] for v in project.versions(lid)]
        identical = _pairs(hashlib.sha256(h).hexdigest() for h in htmls)
        near = _pairs(fingerprint(h).digest for h in htmls)
        children = s.versions + s.skipped
        overhead = (wall - eval_time[0]) / max(1, children)
        print(f"\nevolve {generations}x{population} offline ({seconds:g} s playtests, 1 process, Sky Hopper): "
              f"{s.versions} versions ({s.evaluated} evaluated, {s.skipped} slots skipped, {s.duplicates} "
              f"near-duplicates rejected, {s.crossovers} crossovers); depth {s.depth}; {s.cells} MAP-Elites cells; "
              f"identical-code pairs {identical} (normalised {near}); best {s.best_reward:.3f} vs seed "
              f"{s.seed_reward:.3f}; {wall:.1f} s = {60 * s.evaluated / wall:.1f} evaluated versions/min; "
              f"{eval_time[1]} evaluations took {eval_time[0]:.1f} s; scheduler overhead "
              f"{1000 * overhead:.0f} ms per child")
        assert s.status == "done" and s.generations == generations and s.versions > 0
        if full:
            assert s.evaluated >= 25 and s.depth >= 5 and s.cells >= 3, s
            assert identical == 0 and near == 0
            assert s.best_reward >= s.seed_reward
    finally:
        project.close()
