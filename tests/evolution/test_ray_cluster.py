"""`ludeme evolve --ray`: a local Ray cluster on 127.0.0.1 (a head and a second node, started with
`ray start`) evaluates an offline evolve's children. One node's worker process is killed with
SIGKILL while it evaluates, then the evolve process itself; the same command resumes the run. Every
planned child is saved exactly once with its report and recording, the evaluations ran on both
nodes, and nothing outlives `ray stop`."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.evolution.faults import LINEAGE, final_state, snapshot
from ludeme.store.seeding import create_default_project

RAY = str(Path(sys.executable).with_name("ray"))
GENERATIONS, POPULATION = 3, 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ray(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    return subprocess.run([RAY, *args], capture_output=True, text=True, timeout=120, env=env)


def _procs(word: str) -> list[int]:
    """Live processes whose command line contains ``word``."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if word in cmd and state != "Z":
            out.append(int(d.name))
    return out


@pytest.fixture(scope="module")
def cluster():
    port = _free_port()
    head = _ray("start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=1",
                "--include-dashboard=false", "--disable-usage-stats")
    assert head.returncode == 0, head.stderr[-2000:]
    node = _ray("start", f"--address=127.0.0.1:{port}", "--node-ip-address=127.0.0.1", "--num-cpus=1",
                "--disable-usage-stats")
    assert node.returncode == 0, node.stderr[-2000:]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        _ray("stop", "--force")


@pytest.mark.timeout(400)
def test_worker_jobs_evaluate_on_the_cluster_named_by_the_flag_or_the_settings(tmp_path, cluster):
    from ludeme.core.settings import ClusterSettings, Settings, save_engine_settings
    from ludeme.evolution import queue
    from ludeme.store import open_project

    path = tmp_path / "worker.ludeme"
    project = create_default_project(path)
    seed = project.versions()[0]
    flagged = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 1.5, "model": "offline"})
    worker = [sys.executable, "-m", "ludeme", "worker", "--project", str(path), "--once", "--jobs", "1"]
    run = subprocess.run([*worker, "--ray", cluster], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    # Settings ▸ Evaluation ▸ Cluster names it for the studio's worker, which passes no flag
    save_engine_settings(project, Settings(cluster=ClusterSettings(address=cluster)))
    configured = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 1.5, "model": "offline"})
    run = subprocess.run(worker, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    project.close()
    with open_project(path) as project:
        for job_id in (flagged.id, configured.id):
            job = project.job(job_id)
            assert job.status.value == "done", (job.status, job.error)
            ran = job.result["ran_on"]
            assert ran and all(" node " in place for place in ran), ran   # a Ray node, not this process
            assert project.version(job.result["version_id"]).breakdown["verdict"] == "playable"
    # an address with nothing there fails the job with one clear line, nothing saved
    with open_project(path) as project:
        before = project.count_versions()
        bad = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 1.5, "model": "offline"})
    run = subprocess.run([*worker, "--ray", f"127.0.0.1:{_free_port()}"], capture_output=True, text=True, timeout=300)
    with open_project(path) as project:
        job = project.job(bad.id)
        assert job.status.value == "failed" and "cannot reach the Ray cluster" in job.message, job.message
        assert project.count_versions() == before


def _evolve(path: Path, address: str) -> list[str]:
    return [sys.executable, "-m", "ludeme", "evolve", "--project", str(path), "--lineage", LINEAGE,
            "--generations", str(GENERATIONS), "--population", str(POPULATION), "--seconds", "1",
            "--ray", address, "--jobs", "2"]


@pytest.mark.timeout(200)
def test_a_second_ctrl_c_cancels_the_task_running_on_the_cluster(tmp_path, cluster):
    """The seed's 30-s playtest is running as a Ray task: the first Ctrl-C lets it go on, the second
    force-cancels it (its worker process is killed) and the run stops with nothing saved."""
    path = tmp_path / "cancel.ludeme"
    create_default_project(path).close()
    before = snapshot(path)["ids"]
    cmd = [sys.executable, "-m", "ludeme", "evolve", "--project", str(path), "--lineage", LINEAGE,
           "--generations", "1", "--population", "2", "--seconds", "30", "--ray", cluster, "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 90
    tasks: list[int] = []
    while not tasks and time.time() < deadline and proc.poll() is None:
        tasks = _procs("ray::_ray_task")
        time.sleep(0.2)
    assert tasks, "no Ray task was seen running"
    time.sleep(2.0)                              # mid-playtest
    proc.send_signal(signal.SIGINT)
    time.sleep(1.0)
    assert proc.poll() is None and _procs("ray::_ray_task"), "the first Ctrl-C lets the running task go on"
    t = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert time.monotonic() - t < 15, "the second Ctrl-C did not stop the run at once"
    assert proc.returncode == 1, out + err
    assert "Ctrl-C again to cancel" in err and "cancelling the running" in err and "resume with" in err, err
    gone = time.time() + 15
    while _procs("ray::_ray_task") and time.time() < gone:
        time.sleep(0.3)
    assert not _procs("ray::_ray_task"), "the cancelled task still runs on the cluster"
    st = snapshot(path)
    assert st["ids"] == before and st["half_saved"] == [] and st["run_status"] == "stopped", st


@pytest.mark.timeout(600)
def test_evolve_on_a_two_node_ray_cluster_survives_a_killed_worker(tmp_path, cluster):
    path = tmp_path / "cluster.ludeme"
    create_default_project(path).close()
    renderers_before = set(_procs("QtWebEngineProcess"))

    proc = subprocess.Popen(_evolve(path, cluster), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    killed_task = None
    deadline = time.time() + 120
    while killed_task is None and time.time() < deadline and proc.poll() is None:
        tasks = _procs("ray::_ray_task")
        if tasks and snapshot(path)["ids"]:
            time.sleep(0.4)                     # mid-evaluation
            try:
                os.kill(tasks[0], signal.SIGKILL)  # a node's worker dies: Ray retries its task elsewhere
                killed_task = tasks[0]
            except ProcessLookupError:
                continue
        time.sleep(0.1)
    assert killed_task is not None, "no Ray task was seen running"
    time.sleep(2.0)
    if proc.poll() is None:                     # then the evolve process itself
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    half = snapshot(path)
    assert half["half_saved"] == [] and half["running"] == 0

    done = subprocess.run(_evolve(path, cluster), capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    st = final_state(path)
    assert st["integrity"] == "ok" and st["record"]["status"] == "done"
    assert len(st["runs"]) == 1, st["runs"]     # the second start resumed the killed run
    slots = st["slots"]
    assert len(slots) == len(set(slots)), "a slot saved twice"
    assert all(1 <= g <= GENERATIONS and 0 <= s < POPULATION for g, s in slots)
    per_gen = {s["generation"]: s for s in st["record"]["stats"]}
    assert sorted(per_gen) == [1, 2, 3]
    assert all(per_gen[g]["versions"] + per_gen[g]["skipped"] == POPULATION for g in per_gen), per_gen
    assert snapshot(path)["half_saved"] == []   # each with its report and recording
    where = [line for line in done.stdout.splitlines() if line.startswith("evaluated on:")]
    assert where and where[0].count(" node ") >= 2, done.stdout  # both nodes evaluated
    print(f"\n{len(slots)} children on the cluster; {where[0]}")

    _ray("stop", "--force")
    time.sleep(1.0)
    assert _procs("ray::") == [], "Ray workers outlived `ray stop`"
    left = set(_procs("QtWebEngineProcess")) - renderers_before
    assert not left, f"renderers outlived their Ray workers: {sorted(left)}"
