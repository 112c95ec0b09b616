"""`ludeme worker`: runs the project's queued jobs, one child process per job.

The supervisor (:func:`run_worker`) claims jobs atomically, requeues the jobs of dead workers and
starts one child (``python -m ludeme worker --one JOB_ID``) per job, so a crashing evaluation never
takes it down. The child (:func:`run_one`) runs the job function, sends a heartbeat every
``HEARTBEAT`` seconds from a watcher thread, writes progress, and ends the job done or failed.

Cancel: a cancelled queued job is never claimed. A running one is stopped by its child: the
progress callback raises :class:`Cancelled` between stages, and the watcher kills the child's
process group (evaluator included) within about a second — unless the job has reached its commit
point (see :mod:`ludeme.evolution.jobs`), after which it finishes so no half-written version is
left. Every write goes through the project's job methods (store/jobs.py, the only writer of job
rows): short transactions guarded by ``worker = me``, so a job taken over by another worker is
never written by the old one. A job whose result says ``committed`` saved its version in the same
transaction (evolution/operators/save.py): when its process dies after that, it is done, not rerun. Each process and thread has its own connection
(WAL, busy_timeout).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TYPE_CHECKING

from ludeme.store.jobs import MAX_ATTEMPTS  # a job whose process dies is run at most this many times

if TYPE_CHECKING:
    from ludeme.store.project import Project

HEARTBEAT = 0.5  # seconds between heartbeats (and cancel checks) of a running job
STALE_AFTER = 10.0  # a running job without a heartbeat for this long has a dead worker
KILL_GRACE = 2.0  # supervisor's fallback: kill a cancelled job's child this long after the cancel
ERROR_TAIL = 4000


class Cancelled(BaseException):
    """Raised in a job by its progress callback once the job is no longer ours to run. A
    BaseException, so that the pipeline's ``except Exception`` does not swallow it."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -- the child: one job --------------------------------------------------------------------------
class _Guard:
    """The job row, written only while it is still ours and running."""

    def __init__(self, project: Project, job_id: int, worker: str) -> None:
        self.project, self.job_id, self.worker = project, job_id, worker
        self.lock = threading.Lock()
        self.committing = False
        self.lost = False  # cancelled, or taken by another worker

    def _update(self, **changes: Any) -> bool:
        return self.project.job_beat(self.job_id, self.worker, **changes)

    def progress(self, fraction: float, message: str) -> None:
        from ludeme.evolution.jobs import COMMIT_FRACTION

        with self.lock:
            if self.committing:  # past the commit point the job finishes whatever happens
                self._update(progress=fraction, message=message)
                return
            if self.lost or not self._update(progress=fraction, message=message):
                self.lost = True
                raise Cancelled(f"job {self.job_id} was cancelled")
            if fraction >= COMMIT_FRACTION:
                self.committing = True

    def beat(self) -> bool:
        """A heartbeat; False when the job is no longer ours and may be stopped now."""
        with self.lock:
            if self.committing:
                self._update()
                return True
            if not self._update():
                self.lost = True
                return False
            return True

    def may_die(self) -> bool:
        with self.lock:
            return not self.committing

    def finish(self, status: str, **changes: Any) -> bool:
        """The final write. After the commit point a cancel came too late: the job is done."""
        return self.project.finish_job(self.job_id, self.worker, status, late_cancel_wins=not self.committing,
                                       **changes)


def _kill_own_group() -> None:
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(137)


def _watch(guard: _Guard, parent_pid: int, done: threading.Event) -> None:
    """Heartbeats; stop the job (evaluator and all) when it is cancelled or its worker died."""
    try:
        while not done.wait(HEARTBEAT):
            orphaned = parent_pid > 1 and os.getppid() != parent_pid
            ours = guard.beat()
            if (orphaned or not ours) and guard.may_die():
                _kill_own_group()
    except Exception:
        if guard.may_die():  # cannot reach the project: the job will be requeued as stale
            _kill_own_group()
    finally:
        try:
            guard.project.close()  # this thread's connection
        except Exception:
            pass


def _cluster_address(project, ray: str | None) -> str:
    """The worker's ``--ray`` address, else the project's Settings ▸ Evaluation ▸ Cluster."""
    if ray is not None:
        return ray
    from ludeme.core.settings import project_engine_settings

    return project_engine_settings(project).cluster.address


def run_one(project_path: str | Path, job_id: int, worker_id: str, *, parent_pid: int | None = None,
            ray: str | None = None) -> int:
    """Run one claimed job to its end (the child process). Returns an exit code. Its evaluations run
    here, or on the Ray cluster at ``ray`` (default: the project's cluster address), and the
    job's result says where (``ran_on``)."""
    from ludeme.evolution.jobs import JOB_FUNCTIONS
    from ludeme.store import open_project

    project = open_project(project_path)
    try:
        job = project.job(job_id)
        if job.status != "running" or job.worker != worker_id:
            return 0  # cancelled before we started, or someone else's now
        guard = _Guard(project, job_id, worker_id)
        if isinstance(job.result, dict) and job.result.get("committed"):
            # a retry of a job whose process died after saving its version: it is done already
            guard.finish(status="done", result=job.result, message=f"saved {job.result.get('version_id')}")
            return 0
        done = threading.Event()
        watcher = threading.Thread(target=_watch, args=(guard, parent_pid or 0, done), daemon=True)
        watcher.start()
        try:
            fn = JOB_FUNCTIONS.get(job.kind)
            if fn is None:
                raise ValueError(f"unknown job kind {job.kind!r}")
            from ludeme.evolution.pool import use_cluster, where_ran

            where_ran(reset=True)
            address = _cluster_address(project, ray)
            guard.progress(0.0, f"connecting to the cluster at {address}" if address else "started")
            use_cluster(address)
            result = fn(project, dict(job.payload), job_id=job_id, progress=guard.progress)
        except Cancelled:
            done.set()
            return 0
        except Exception as exc:
            done.set()
            tail = traceback.format_exc()[-ERROR_TAIL:]
            guard.finish(status="failed", error=f"{_one_line(exc)}\n{tail}", message=_one_line(exc))
            return 0
        finally:
            done.set()
        result = dict(result or {})
        from ludeme.evolution.pool import use_cluster, where_ran

        if where_ran():
            result["ran_on"] = where_ran()
        use_cluster(None)
        if result.get("ok", True) is False:
            error = " ".join(str(result.get("error") or "the job reported failure").split())[:300]
            guard.finish(status="failed", error=error, message=error, result=result)
        else:
            saved = result.get("version_id")
            guard.finish(status="done", result=result,
                         message=str(result.get("message") or (f"saved {saved}" if saved else "done"))[:500])
        watcher.join(HEARTBEAT * 4)
        return 0
    finally:
        project.close()


# -- the supervisor ------------------------------------------------------------------------------
@dataclass
class _Child:
    job_id: int
    proc: subprocess.Popen
    log: Any
    cancelled_seen: float | None = None


@dataclass
class WorkerStats:
    started: int = 0
    finished: int = 0
    requeued: int = 0
    job_ids: list[int] = field(default_factory=list)


def _child_command(project_path: Path, job_id: int, worker_id: str, ray: str | None = None) -> list[str]:
    return [sys.executable, "-m", "ludeme", "worker", "--project", str(project_path), "--one", str(job_id),
            "--worker-id", worker_id, "--parent-pid", str(os.getpid()), *(["--ray", ray] if ray is not None else [])]


def _killpg(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _log_tail(log) -> str:
    try:
        log.flush()
        log.seek(0)
        return log.read().decode("utf-8", "replace")[-ERROR_TAIL:]
    except Exception:
        return ""


def run_worker(project_path: str | Path, *, jobs: int = 1, worker_id: str | None = None, poll: float = 0.2,
               idle_exit: float | None = None, stop: threading.Event | Callable[[], bool] | None = None,
               once: bool = False, stale_after: float = STALE_AFTER, log: Callable[[str], None] | None = None,
               ray: str | None = None) -> WorkerStats:
    """Run queued jobs, ``jobs`` at a time, until stopped (``stop``, SIGTERM/SIGINT), or until the
    queue has been empty for ``idle_exit`` seconds, or (``once``) until it is first empty. Running
    jobs without a heartbeat for ``stale_after`` seconds (a dead worker's) go back to the queue. On a stop,
    jobs that are saving finish; the others are stopped and go back to the queue. ``ray``: the jobs'
    evaluations run on that Ray cluster ("" forces this machine; None: the project's setting)."""
    from ludeme.evolution.jobs import COMMIT_FRACTION, JOB_FUNCTIONS
    from ludeme.store import open_project

    project_path = Path(project_path)
    worker_id = worker_id or default_worker_id()
    log = log or (lambda line: None)
    jobs = max(1, int(jobs))
    stopping = threading.Event()
    if stop is None:
        should_stop: Callable[[], bool] = stopping.is_set
    elif isinstance(stop, threading.Event):
        should_stop = lambda: stop.is_set() or stopping.is_set()  # noqa: E731
    else:
        should_stop = lambda: bool(stop()) or stopping.is_set()  # noqa: E731

    old_handlers = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            old_handlers[sig] = signal.signal(sig, lambda *_: stopping.set())

    project = open_project(project_path)
    children: dict[int, _Child] = {}
    stats = WorkerStats()
    idle_since = time.monotonic()

    def reap(child: _Child, *, stopped: bool = False) -> None:
        rc = child.proc.wait()
        why = "worker stopped" if stopped else f"job process died (exit code {rc})"
        status = project.release_job(child.job_id, worker_id, why, stopped=stopped, max_attempts=MAX_ATTEMPTS,
                                     log_tail="" if stopped else _log_tail(child.log))
        if status == "queued":
            stats.requeued += stopped
            log(f"job {child.job_id} requeued ({why})")
        elif status is not None:
            log(f"job {child.job_id} {status}: {why}")
        else:
            log(f"job {child.job_id} {project.job(child.job_id).status.value}")
        child.log.close()
        stats.finished += 1

    try:
        while True:
            if should_stop():
                break
            project.requeue_stale_jobs(stale_after, MAX_ATTEMPTS)
            for jid, child in list(children.items()):
                if child.proc.poll() is not None:
                    reap(children.pop(jid))
                    continue
                job = project.job(jid)  # fallback when a child cannot stop itself in time
                if job.status.value == "cancelled" or job.worker != worker_id:
                    now = time.monotonic()
                    child.cancelled_seen = child.cancelled_seen or now
                    if now - child.cancelled_seen > KILL_GRACE and job.progress < COMMIT_FRACTION:
                        _killpg(child.proc)
            claimed = False
            while len(children) < jobs and not should_stop():
                job = project.claim_job(worker_id, kinds=list(JOB_FUNCTIONS))
                if job is None:
                    break
                claimed = True
                out = tempfile.TemporaryFile(prefix=f"ludeme-job-{job.id}-")
                proc = subprocess.Popen(_child_command(project_path, job.id, worker_id, ray), stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                children[job.id] = _Child(job.id, proc, out)
                stats.started += 1
                stats.job_ids.append(job.id)
                log(f"job {job.id} ({job.kind}) started")
            if children or claimed:
                idle_since = time.monotonic()
            elif once:
                break
            elif idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                break
            time.sleep(poll)
    finally:
        for jid, child in list(children.items()):  # stopping: saving jobs finish, others go back
            deadline = time.monotonic() + 60
            while child.proc.poll() is None:
                job = project.job(jid)
                if job.progress < COMMIT_FRACTION or time.monotonic() > deadline:
                    _killpg(child.proc)
                    break
                time.sleep(0.1)
            reap(children.pop(jid), stopped=True)
        project.close()
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
    return stats
