"""Kill -9 harness for ``ludeme evolve`` (shared by the fault test and its stress benchmark).

The CLI runs in its own session (``start_new_session``) and is killed with SIGKILL at seeded random
moments — to its whole process group, or (every other kill) to the Python process alone, after which its
QtWebEngineProcess children must exit by themselves (Chromium's children die with their browser), then started again with the same command (which resumes
the lineage's unfinished run). After each kill the project file is read directly with sqlite3."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ludeme.evolution.engine import parse_tag
from ludeme.store.seeding import create_default_project

LINEAGE = "Sky Hopper"
GENERATIONS, POPULATION = 3, 3


@dataclass
class FaultRun:
    kills: int = 0                  # kills that landed while the run was going
    finished_early: int = 0         # starts that finished before their kill moment
    committed: set = field(default_factory=set)
    orphans: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    wall: float = 0.0
    final_rc: int | None = None
    final_out: str = ""


def _command(path: Path, generations: int = GENERATIONS, population: int = POPULATION, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", "ludeme", "evolve", "--project", str(path), "--lineage", LINEAGE,
            "--generations", str(generations), "--population", str(population), "--seconds", "1",
            "--jobs", str(jobs)]


def _group_members(pgid: int) -> list[tuple[int, str]]:
    """Live (non-zombie) processes of process group ``pgid``: (pid, command name)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append((int(d.name), name))
    return out


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def snapshot(path: Path) -> dict:
    """Version ids, running jobs and this lineage's tagged versions without a recording."""
    con = _connect(path)
    try:
        ids = {r[0] for r in con.execute("SELECT id FROM version")}
        running = con.execute("SELECT count(*) FROM job WHERE status = 'running'").fetchone()[0]
        half_saved = [r[0] for r in con.execute(
            "SELECT id FROM version WHERE note LIKE 'evolve run=%' "
            "AND id NOT IN (SELECT version_id FROM recording)")]
        latest = con.execute("SELECT l.value, r.value FROM meta l JOIN meta r ON r.key = 'run:' || l.value "
                             "JOIN lineage ON l.key = 'run-latest:' || lineage.id WHERE lineage.title = ?",
                             (LINEAGE,)).fetchone()
        status = json.loads(latest[1]).get("status") if latest else None
        return {"ids": ids, "running": running, "half_saved": half_saved,
                "run_id": latest[0] if latest else None, "run_status": status}
    finally:
        con.close()


def final_state(path: Path) -> dict:
    con = _connect(path)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        lid = con.execute("SELECT id FROM lineage WHERE title = ?", (LINEAGE,)).fetchone()[0]
        run_id = con.execute("SELECT value FROM meta WHERE key = ?", (f"run-latest:{lid}",)).fetchone()[0]
        record = json.loads(con.execute("SELECT value FROM meta WHERE key = ?", (f"run:{run_id}",)).fetchone()[0])
        tags = [parse_tag(r[0]) for r in con.execute(
            "SELECT note FROM version WHERE lineage_id = ? AND note LIKE 'evolve run=%'", (lid,))]
        runs = {t[0] for t in tags}
        return {"integrity": integrity, "record": record, "runs": runs,
                "slots": [(g, s) for r, g, s in tags if r == run_id]}
    finally:
        con.close()


def run_with_kills(tmp: Path, kills: int, seed: int = 0, *, window: tuple[float, float] = (0.3, 3.5),
                   generations: int = GENERATIONS, population: int = POPULATION, jobs: int = 1,
                   log=print) -> tuple[FaultRun, Path]:
    path = tmp / "faults.ludeme"
    create_default_project(path).close()
    rng = random.Random(seed)
    res = FaultRun()
    t0 = time.perf_counter()
    resume: list[str] = []
    for i in range(kills):
        delay = rng.uniform(*window)
        proc = subprocess.Popen(_command(path, generations, population, jobs), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            res.final_rc = proc.wait(timeout=delay)
            res.finished_early += 1     # the run ended before this kill: nothing left to interrupt
            break
        except subprocess.TimeoutExpired:
            pass
        leader_only = i % 2 == 1        # every other kill spares the renderers: they must die on their own
        if leader_only:
            os.kill(proc.pid, signal.SIGKILL)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        res.kills += 1
        deadline = time.time() + 5      # the group's other members die with the signal or their parent
        while (left := _group_members(proc.pid)) and time.time() < deadline:
            time.sleep(0.05)
        res.orphans += left
        if left:                        # recorded (the test fails), then cleaned up
            os.killpg(proc.pid, signal.SIGKILL)
        snap = snapshot(path)
        lost = res.committed - snap["ids"]
        res.checks.append({"kill": i, "at": round(delay, 2), "versions": len(snap["ids"]), "lost": sorted(lost),
                           "running_jobs": snap["running"], "half_saved": snap["half_saved"]})
        res.committed |= snap["ids"]
        log(f"kill {i + 1}/{kills} ({'leader' if leader_only else 'group'}) after {delay:.2f} s: {len(snap['ids'])} versions, lost {len(lost)}, "
            f"half-saved {len(snap['half_saved'])}, orphans {len(left)}")
        if snap["run_status"] == "done":
            # The kill landed after the run had finished its work and said so, while the process was
            # shutting down: the same command would now start a new run, so the last start resumes it by id.
            resume = ["--resume", snap["run_id"]]
            break
    if not res.finished_early:          # the same command resumes the killed run and finishes it
        done = subprocess.run(_command(path, generations, population, jobs) + resume, capture_output=True, text=True,
                              timeout=300)
        res.final_rc, res.final_out = done.returncode, done.stdout
    res.wall = time.perf_counter() - t0
    return res, path
