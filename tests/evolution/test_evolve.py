"""One end-to-end offline evolution run (short evaluations), then an interrupted run resumed."""
from __future__ import annotations


from ludeme.evolution.dedup import fingerprint
from ludeme.evolution.engine import evolve, latest_run, run_versions

SECONDS = 1.5


def _lineage(project, title):
    return next(lin for lin in project.lineages() if lin.title == title).id


def test_offline_run_grows_a_deep_varied_tree_without_duplicates(project):
    lid = _lineage(project, "Star Warden")
    lines = []
    s = evolve(project, lid, generations=3, population=3, seed=4, seconds=SECONDS,
               progress=lambda f, m: lines.append(m))
    assert s.status == "done" and s.generations == 3
    assert s.versions + s.skipped == 9
    assert s.evaluated >= 8, s
    assert s.depth >= 3 and s.cells >= 2, s
    assert s.best_reward is not None and s.seed_reward is not None and s.best_reward >= s.seed_reward
    versions = project.versions(lid)
    digests = [fingerprint(project.version_files(v.id)["index.html"]).digest for v in versions]
    assert len(set(digests)) == len(digests)
    assert [st["generation"] for st in s.per_generation] == [1, 2, 3]
    assert any(m.startswith("generation 3/3") for m in lines)
    assert any("evolution insight" in m.intent for m in project.memories(lid))
    # a finished run is not resumed: the lineage's next run is a new one
    assert latest_run(project, lid)["status"] == "done"


def test_an_interrupted_run_resumes_at_the_right_generation(project):
    lid = _lineage(project, "Brick Bloom")
    gens_seen = []

    def stop():  # stop once generation 1 is finished and one child of generation 2 is saved
        saved = run_versions(project, lid, latest_run(project, lid)["run_id"])
        gens_seen.append(len(saved))
        return any(g == 2 for g, _ in saved)

    first = evolve(project, lid, generations=3, population=2, seed=3, seconds=SECONDS, stop=stop)
    assert first.status == "stopped" and first.generations == 1
    partial = run_versions(project, lid, first.run_id)
    assert sum(1 for g, _ in partial if g == 2) == 1
    resumed = evolve(project, lid, generations=3, population=2, seed=3, seconds=SECONDS)
    assert resumed.run_id == first.run_id and resumed.status == "done" and resumed.generations == 3
    saved = run_versions(project, lid, first.run_id)
    assert set(saved) <= {(g, s) for g in (1, 2, 3) for s in (0, 1)}
    assert resumed.versions == len(saved) == 6 - resumed.skipped
    assert [st["generation"] for st in resumed.per_generation] == [1, 2, 3]
    assert all(st["versions"] + st["skipped"] <= 2 for st in resumed.per_generation)
