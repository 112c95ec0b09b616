"""`ludeme evolve --jobs N` as a benchmark: evaluated versions per minute with --jobs 1 (in-process
evaluation) and --jobs 2 (a pool of two evaluator processes), from the command line on fresh default
projects, and the pool's overhead per evaluation against an in-process one (the same game, the same
settings, one at a time). Prints the figures and the machine's cores; never fails on timing.

On a 2-core machine the ratio stays near 1: one evaluation already keeps both cores busy (its play
and no-input runs each have a renderer), which is why the default is one job per two cores."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from ludeme.store.seeding import create_default_project
from tests.evolution.test_ray_cluster import cluster  # noqa: F401 - the two-node local Ray cluster fixture


def _evolve(path, jobs: int, generations: int, population: int, seconds: float, ray: str | None = None
            ) -> tuple[float, int]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "ludeme", "evolve", "--project", str(path), "--lineage", "Sky Hopper",
                          "--generations", str(generations), "--population", str(population),
                          "--seconds", str(seconds), "--jobs", str(jobs)] + (["--ray", ray] if ray else []),
                         capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - t
    assert out.returncode == 0, out.stderr[-2000:]
    evaluated = int(re.search(r"\((\d+) evaluated", out.stdout).group(1))
    return wall, evaluated


def _seed_game(tmp_path) -> dict[str, bytes]:
    """The files of a default project's first seed game (the game every overhead figure plays)."""
    project = create_default_project(tmp_path / "overhead.ludeme")
    try:
        root = next(v for v in project.versions() if not v.parents)
        return {"index.html": project.version_files(root.id)["index.html"]}
    finally:
        project.close()


def test_versions_per_minute_with_one_and_two_jobs(tmp_path, rounds):
    generations, population, seconds = rounds(3, 1), rounds(4, 2), rounds(6.0, 1.5)
    figures = {}
    for jobs in (1, 2):
        path = tmp_path / f"jobs{jobs}.ludeme"
        create_default_project(path).close()
        wall, evaluated = _evolve(path, jobs, generations, population, seconds)
        assert evaluated >= 1
        figures[jobs] = (wall, evaluated, 60.0 * evaluated / wall)
    for jobs, (wall, evaluated, per_min) in figures.items():
        print(f"\n--jobs {jobs}: {evaluated} evaluated versions in {wall:.1f} s = {per_min:.1f} per minute")
    print(f"--jobs 2 / --jobs 1: x{figures[2][2] / figures[1][2]:.2f} on {os.cpu_count()} cores "
          f"({generations} generations of {population}, {seconds:g} s playtests)")


def test_pool_overhead_per_evaluation(qapp, tmp_path, rounds):
    from ludeme.core.settings import evaluation_settings
    from ludeme.evaluation.evaluator import evaluate
    from ludeme.evolution.pool import EvalPool

    files = _seed_game(tmp_path)
    settings = evaluation_settings(None, seconds=rounds(4.0, 1.5))
    n = rounds(4, 2)
    t = time.perf_counter()
    here = [evaluate(files, settings) for _ in range(n)]
    local = (time.perf_counter() - t) / n
    with EvalPool(1) as pool:
        pool.evaluate(files, settings)  # the member's start-up, paid once per run
        t = time.perf_counter()
        there = [pool.evaluate(files, settings) for _ in range(n)]
        pooled = (time.perf_counter() - t) / n
    assert [r.verdict for r in there] == [r.verdict for r in here]
    assert [r.reward for r in there] == [r.reward for r in here], "a pool member scores like this process"
    print(f"\nper evaluation: in-process {local:.2f} s, pool member {pooled:.2f} s "
          f"(overhead {100 * (pooled - local) / local:+.0f}%)")


def test_a_two_node_ray_cluster(tmp_path, rounds, cluster):  # noqa: F811 - the fixture imported above
    """The same run on the local two-node Ray cluster, and Ray's overhead per evaluation against a
    pool process (one at a time, the same game)."""
    from ludeme.core.settings import evaluation_settings
    from ludeme.evolution.pool import EvalPool, RayPool

    generations, population, seconds = rounds(3, 1), rounds(4, 2), rounds(6.0, 1.5)
    path = tmp_path / "ray.ludeme"
    create_default_project(path).close()
    wall, evaluated = _evolve(path, 2, generations, population, seconds, ray=cluster)
    print(f"\n--ray (2 nodes of 1 CPU) --jobs 2: {evaluated} evaluated versions in {wall:.1f} s = "
          f"{60.0 * evaluated / wall:.1f} per minute")

    files = _seed_game(tmp_path)
    settings = evaluation_settings(None, seconds=rounds(4.0, 1.5))
    n = rounds(4, 2)
    timings = {}
    for name, make in (("pool process", lambda: EvalPool(1)), ("Ray task", lambda: RayPool(cluster, 1))):
        with make() as pool:
            pool.evaluate(files, settings)  # start-up (a member, or a Ray worker's browser), paid once
            t = time.perf_counter()
            reports = [pool.evaluate(files, settings, record_path=tmp_path / f"{i}.webm") for i in range(n)]
            timings[name] = (time.perf_counter() - t) / n
        assert {r.verdict for r in reports} == {"playable"}
    local, remote = timings["pool process"], timings["Ray task"]
    print(f"per evaluation: pool process {local:.2f} s, Ray task {remote:.2f} s "
          f"(Ray overhead {100 * (remote - local) / local:+.0f}% of a job)")


def test_a_models_children_per_minute_with_one_and_two_jobs(tmp_path, rounds, fake_llm):
    """Children made by a model (the fake server answers each call after LLM_DELAY_S, as a real
    one takes seconds): their calls wait on the network, so two at a time gain even where one
    evaluation fills the cores."""
    from ludeme.agents.settings import SETTINGS_META_KEY, AgentSettings
    from ludeme.evolution.engine import evolve
    from ludeme.store import open_project
    from tests.evolution.test_evolve_parallel import _responder

    generations, population, seconds = rounds(2, 1), rounds(4, 2), rounds(4.0, 1.5)
    figures = {}
    for jobs in (1, 2):
        path = tmp_path / f"model{jobs}.ludeme"
        create_default_project(path).close()
        project = open_project(path)
        try:
            project.set_meta(SETTINGS_META_KEY, AgentSettings(api_base=fake_llm.api_base).to_json())
            lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
            sky = project.version_files(project.versions(lineage.id)[0].id)["index.html"].decode()
            fake_llm.respond_with(_responder(sky, [], plan_delay=LLM_DELAY_S))
            evolve(project, lineage.id, generations=1, population=1, seconds=seconds, jobs=1)  # the seed scored
            t = time.perf_counter()
            s = evolve(project, lineage.id, generations=generations, population=population,
                       model="openai/fake-coder", jobs=jobs, seconds=seconds)
            wall = time.perf_counter() - t
        finally:
            project.close()
        assert s.status == "done" and s.versions >= 1, s
        figures[jobs] = (wall, s.evaluated, 60.0 * s.evaluated / wall)
    for jobs, (wall, evaluated, per_min) in figures.items():
        print(f"\nmodel children, --jobs {jobs}: {evaluated} evaluated in {wall:.1f} s = {per_min:.1f} per minute")
    print(f"model children --jobs 2 / --jobs 1: x{figures[2][2] / figures[1][2]:.2f} on {os.cpu_count()} cores "
          f"(planner answers after {LLM_DELAY_S:g} s)")


LLM_DELAY_S = 3.0
