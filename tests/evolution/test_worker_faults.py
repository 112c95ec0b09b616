"""Fault test on the studio's path: `ludeme worker` running mutate (offline and through a model over
HTTP), crossover and import jobs is killed with SIGKILL 20 times at seeded random moments — its
supervisor, or one job's whole process group (evaluator included) — and restarted. Afterwards every
version has its report, recording and (when a model made it) ledger rows, every job ended, no
version was saved twice, no process outlived its kill, and the file passes PRAGMA integrity_check."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ludeme.store import create_default_project
from ludeme.store.jobs import MAX_ATTEMPTS
from tests.fake_llm import FakeLLM, Scripted
from tests.evolution.faults import _group_members

KILLS = 20

PLAN = {"intent": "a floatier climb", "changes": [
    {"action": "change", "mechanic_id": "gravity", "name": "Gravity", "summary": "lower gravity",
     "probe": "hold jump: the player stays airborne longer than before", "kit_module": "gravity",
     "params": {"g": 1500}}], "rationale": "floatier jumps make the wide gaps readable"}

IMPORTED = """<!DOCTYPE html><html><head><title>Dot chase {n}</title></head><body style="margin:0;background:#111">
<canvas id="c" width="320" height="240"></canvas><script>
const x = document.getElementById('c').getContext('2d'); let px = 160, t = 0;
addEventListener('keydown', e => { if (e.code === 'ArrowLeft') px -= 12; if (e.code === 'ArrowRight') px += 12; });
function f() { t++; x.fillStyle = '#111'; x.fillRect(0, 0, 320, 240); x.fillStyle = '#fd0';
  x.fillRect(px, 200, 20, 20); x.fillStyle = '#f44'; x.fillRect((t * 3) % 320, 40 + {n} * 10, 14, 14);
  requestAnimationFrame(f); } requestAnimationFrame(f);</script></body></html>"""


def _responder(game_html: str):
    """Each role's answer, whatever the order the calls come in (kills replay some of them)."""
    def answer(messages) -> Scripted:
        system = next((m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "system"), "")
        system = system if isinstance(system, str) else json.dumps(system)
        if "mechanic planner" in system:
            return Scripted(content=json.dumps(PLAN))
        if "You are the coder" in system or "You are the repairer" in system:
            return Scripted(content="```html\n" + game_html + "\n```")
        if "You are the critic" in system:
            return Scripted(content=json.dumps({"score": 6, "strengths": ["clear"], "problems": [], "suggestions": []}))
        if "You are the reflector" in system:
            return Scripted(content=json.dumps({"lessons": [{"intent": "livelier climb", "value": 0.4,
                                                             "lesson": "kept the jump readable"}]}))
        return Scripted(content=json.dumps({"add": False}))
    return answer


def _job_children(path: Path) -> dict[int, int]:
    """The job processes (`ludeme worker --one JOB`) working on this project: pid -> job id."""
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--one" in cmd and str(path).encode() in cmd:
                out[int(d.name)] = int(cmd[cmd.index(b"--one") + 1])
    return out


def _attempts(path: Path) -> dict[int, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT id, attempts FROM job WHERE status = 'running'"))
    finally:
        con.close()


def _worker(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ludeme", "worker", "--project", str(path), "--stale-after", "2",
                             "--idle-exit", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _state(path: Path) -> dict:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        jobs = [dict(zip(("id", "kind", "status", "attempts", "result", "message", "payload"), r)) for r in
                con.execute("SELECT id, kind, status, attempts, result, message, payload FROM job ORDER BY id")]
        versions = [dict(zip(("id", "operator", "model", "breakdown"), r)) for r in con.execute(
            "SELECT id, operator, model, breakdown FROM version WHERE operator != 'seed'")]
        recorded = {r[0] for r in con.execute("SELECT version_id FROM recording WHERE video_sha IS NOT NULL")}
        ledger = {r[0] for r in con.execute("SELECT DISTINCT version_id FROM ledger WHERE version_id IS NOT NULL")}
        return {"jobs": jobs, "versions": versions, "recorded": recorded, "ledger": ledger,
                "integrity": con.execute("PRAGMA integrity_check").fetchone()[0]}
    finally:
        con.close()


def _enqueue_batch(path: Path, fake_llm, batch: int) -> None:
    """18 jobs: 9 offline and 3 model mutations, 3 crossovers, 3 imports (seeds differ per batch)."""
    from ludeme.store import open_project

    project = open_project(path)
    try:
        roots = {lin.title: root for lin in project.lineages()
                 if (root := project.versions(lin.id)[0]).operator == "seed"}  # not the imported ones
        sky = project.version_files(roots["Sky Hopper"].id)["index.html"].decode()
        fake_llm.respond_with(_responder(sky))
        titles = sorted(roots)
        s = batch * 1000
        for i in range(9):
            project.enqueue_job("mutate", {"version_id": roots[titles[i % len(titles)]].id, "seconds": 1,
                                           "seed": s + i})
        for i in range(3):
            project.enqueue_job("mutate", {"version_id": roots["Sky Hopper"].id, "seconds": 1, "seed": s + 100 + i,
                                           "model": "openai/fake-coder", "api_base": fake_llm.api_base})
        for i in range(3):
            a, b = titles[i], titles[i + 3]
            project.enqueue_job("crossover", {"version_ids": [roots[a].id, roots[b].id], "seconds": 1, "seed": s + i})
        for i in range(3):
            project.enqueue_job("import", {"html": IMPORTED.replace("{n}", str(i)), "title": f"Dot chase {batch}.{i}",
                                           "seconds": 1})
    finally:
        project.close()


@pytest.mark.timeout(600)
def test_worker_killed_20_times_leaves_every_version_whole(tmp_path, fake_llm):
    path = tmp_path / "faults.ludeme"
    create_default_project(path).close()
    _enqueue_batch(path, fake_llm, 0)

    rng = random.Random(11)
    groups: set[int] = set()
    worker = _worker(path)
    kills, t0 = 0, time.monotonic()
    batches = 1
    try:
        while kills < KILLS and time.monotonic() - t0 < 300:
            if _unfinished(path) < 4:  # a fast machine ran most of the queue: more work to interrupt
                _enqueue_batch(path, fake_llm, batches)
                batches += 1
            time.sleep(rng.uniform(0.3, 2.5))
            children = _job_children(path)
            groups.update(_pgids(children))
            if worker.poll() is not None:  # the queue ran dry or it was killed: a new one
                if not _unfinished(path):
                    break
                worker = _worker(path)
                continue
            # Kills spare a job on its last attempt (MAX_ATTEMPTS): then every job must end done.
            attempts = _attempts(path)
            spare = all(attempts.get(job, 0) < MAX_ATTEMPTS - 1 for job in children.values())
            victims = [pid for pid, job in children.items() if attempts.get(job, 0) < MAX_ATTEMPTS - 1]
            if victims and (rng.random() < 0.6 or not spare):  # one job, evaluator and all
                try:
                    os.killpg(os.getpgid(rng.choice(victims)), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    continue
            elif spare:                          # the supervisor: its jobs must stop by themselves
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
            else:
                continue
            kills += 1
        # let it finish: restart until every job has ended
        deadline = time.monotonic() + 300
        while _unfinished(path) and time.monotonic() < deadline:
            if worker.poll() is not None:
                worker = _worker(path)
            groups.update(_pgids(_job_children(path)))
            time.sleep(0.5)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert kills == KILLS, f"only {kills} kills landed before the queue ran dry"

    st = _state(path)
    assert st["integrity"] == "ok"
    statuses = [j["status"] for j in st["jobs"]]
    assert not {"queued", "running"} & set(statuses), st["jobs"]          # no job is stuck
    made = [json.loads(j["result"])["version_id"] for j in st["jobs"]
            if j["status"] == "done" and j["result"] and json.loads(j["result"]).get("version_id")]
    versions = {v["id"]: v for v in st["versions"]}
    assert len(made) == len(set(made)), "a job's version was saved twice"
    assert set(made) == set(versions), "every new version comes from one finished job, and only once"
    for vid, v in versions.items():
        assert json.loads(v["breakdown"] or "{}").get("verdict"), f"{vid} ({v['operator']}) has no report"
        assert vid in st["recorded"], f"{vid} ({v['operator']}) has no recording"
        if v["model"] and v["model"] != "offline" and v["operator"] == "mutate":
            assert vid in st["ledger"], f"{vid} was made by a model but has no ledger rows"
    assert set(statuses) == {"done"}, "no kill hit a job's last attempt, so every job saved its version"
    assert any(v["model"] == "openai/fake-coder" for v in versions.values()), "model-made versions were saved"
    time.sleep(1.0)
    left = [m for g in groups for m in _group_members(g)]
    assert left == [], f"processes outlived their kill: {left}"
    for j in st["jobs"]:
        if j["status"] != "done":
            print(f"job {j['id']} {j['kind']} {j['status']} after {j['attempts']} attempts: {j['message']}")
    kinds = sorted(f"{v['operator']}/{v['model'] or '-'}" for v in versions.values())
    print(f"\n{kills} kills; jobs {dict((s, statuses.count(s)) for s in set(statuses))}; "
          f"{len(versions)} versions ({', '.join(kinds)}), each with its report and recording; "
          f"{time.monotonic() - t0:.0f} s")


def _pgids(pids) -> set[int]:
    out = set()
    for pid in pids:
        try:
            out.add(os.getpgid(pid))
        except OSError:  # it has just ended
            pass
    return out


def _unfinished(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM job WHERE status IN ('queued', 'running')").fetchone()[0]
    finally:
        con.close()
