"""`ludeme worker` with real processes and the offline model: jobs run, cancel lands within about a
second, and a worker killed with -9 loses nothing (its job is requeued and finished by another)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


from ludeme.evolution import queue

ROOT = Path(__file__).resolve().parents[2]


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT / "desktop"), QT_QPA_PLATFORM="offscreen")


def _worker(project_path, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ludeme", "worker", "--project", str(project_path), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)


def _seed(project):
    return project.versions()[0]


def _wait(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def test_worker_runs_jobs_and_never_starts_a_cancelled_one(project):
    seed = _seed(project)
    before = len(project.versions())
    dropped = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 2})
    job = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 2, "direction": "harder"})
    fork = queue.submit(project, "fork", {"version_id": seed.id})
    assert queue.cancel(project, dropped.id)
    proc = _worker(project.path, "--idle-exit", "3", "--jobs", "2")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err

    never = project.job(dropped.id)
    assert never.status == "cancelled" and never.started is None and never.attempts == 0
    done = project.job(job.id)
    assert done.status == "done", done.error
    assert done.progress == 1.0 and done.attempts == 1 and done.finished is not None
    child = project.version(done.result["version_id"])
    assert child.parents == (seed.id,) and child.operator == "mutate" and child.reward is not None
    forked = project.job(fork.id)
    assert forked.status == "done", forked.error
    copy = project.version(forked.result["version_id"])
    assert copy.operator == "fork" and copy.parents == (seed.id,) and copy.reward == seed.reward
    assert project.version_files(copy.id) == project.version_files(seed.id)
    assert len(project.versions()) == before + 2
    assert not queue.cancel(project, job.id)  # a finished job cannot be cancelled


def test_cancel_stops_a_running_job_within_a_second_or_two(project):
    seed = _seed(project)
    before = len(project.versions())
    job = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 8})
    proc = _worker(project.path, "--idle-exit", "0.5")
    try:
        _wait(lambda: project.job(job.id).message.startswith("playtesting"), 30)  # inside the evaluation
        assert queue.cancel(project, job.id)
        cancelled_at = time.monotonic()
        proc.communicate(timeout=30)
        stopped_after = time.monotonic() - cancelled_at
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert stopped_after < 3.5, stopped_after  # the job had ~8 s of play left: it was really stopped
    assert project.job(job.id).status == "cancelled"
    assert len(project.versions()) == before  # no half-written version


def test_a_killed_worker_loses_nothing(project):
    seed = _seed(project)
    before = len(project.versions())
    job = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 3})
    first = _worker(project.path)
    try:
        _wait(lambda: project.job(job.id).message.startswith("playtesting"), 30)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert project.job(job.id).status == "running"  # stuck until a worker notices its heartbeat stopped
    second = _worker(project.path, "--idle-exit", "5", "--stale-after", "2")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    done = project.job(job.id)
    assert done.status == "done", done.error
    assert done.attempts == 2
    assert not project.jobs(status="running")
    assert len(project.versions()) == before + 1  # the killed attempt left no version behind
    assert project.version(done.result["version_id"]).parents == (seed.id,)
    con = sqlite3.connect(project.path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
