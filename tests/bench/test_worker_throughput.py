"""Background worker throughput: evaluated versions per minute offline with 1 and with 2 workers on
2 cores, and the scheduler's overhead per job (claiming, starting a process, heartbeats, saving)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ludeme.store import create_default_project, open_project

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path, name: str, n_jobs: int, workers: int, seconds: float) -> tuple[float, float, int]:
    path = tmp_path / f"{name}.ludeme"
    with create_default_project(path) as project:
        roots = [project.versions(lin.id)[0].id for lin in project.lineages()]
        for i in range(n_jobs):
            project.enqueue_job("mutate", {"version_id": roots[i % len(roots)], "seconds": seconds, "seed": i})
    env = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ludeme", "worker", "--project", str(path), "--jobs", str(workers),
                    "--idle-exit", "1"], env=env, capture_output=True, text=True, timeout=900, check=True)
    wall = time.perf_counter() - start - 1.0  # the idle wait before exiting is not work
    with open_project(path) as project:
        done = project.jobs(status="done")
        inside = sum((j.finished or 0) - (j.started or 0) for j in done)
        job_wall = sum(float((j.result or {}).get("wall_time") or 0.0) for j in done)
    assert len(done) == n_jobs, f"{len(done)} of {n_jobs} jobs done"
    return wall, (inside - job_wall) / n_jobs, len(done)


def test_versions_per_minute_with_1_and_2_workers(tmp_path, rounds):
    n = rounds(8, 4)
    seconds = 10.0 if rounds(1, 0) else 2.0
    one, over1, done1 = _run(tmp_path, "one", n, 1, seconds)
    two, over2, done2 = _run(tmp_path, "two", n, 2, seconds)
    print(f"\nworker throughput ({n} offline mutations, {seconds:g} s playtests): 1 worker {done1 / one * 60:.1f} "
          f"versions/min ({one:.1f} s), 2 workers {done2 / two * 60:.1f} versions/min ({two:.1f} s), "
          f"x{one / two:.2f}; scheduler overhead per job (process start, claiming, heartbeats, outside the "
          f"job function): {over1 * 1000:.0f} ms with 1 worker, {over2 * 1000:.0f} ms with 2")
