"""The job table (the single-machine queue) and the ledger of LLM calls."""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from ludeme.core.domain import Job, JobStatus, LedgerEntry

_JOB_FIELDS = {"status", "progress", "message", "attempts", "worker", "heartbeat", "error",
               "result", "priority", "started", "finished"}


def _job(j: Any) -> Job:
    return Job(id=j.id, kind=j.kind, payload=j.payload, priority=j.priority, status=j.status,
               progress=j.progress, message=j.message, attempts=j.attempts, worker=j.worker,
               heartbeat=j.heartbeat, error=j.error, result=j.result, created=j.created,
               started=j.started, finished=j.finished)


def _ledger(e: Any) -> LedgerEntry:
    return LedgerEntry(id=e.id, role=e.role, model=e.model, tokens_in=e.tokens_in,
                       tokens_out=e.tokens_out, cost=e.cost, latency=e.latency,
                       version_id=e.version_id, job_id=e.job_id, created=e.created)


MAX_ATTEMPTS = 3  # a job whose process dies is run at most this many times


def release_dead_jobs(execute, worker: str | None, quiet_since: float, max_attempts: int = MAX_ATTEMPTS) -> dict:
    """Running jobs (of ``worker``, or of anyone) whose heartbeat is older than ``quiet_since``:
    done when they had committed their version, failed after ``max_attempts`` runs, otherwise
    back in the queue. ``execute`` runs SQL inside the caller's transaction (the studio's own
    connection to a project it has not opened passes ``sqlite3.Connection.execute``). Returns the
    counts by new status."""
    who = "status = 'running' AND (heartbeat IS NULL OR heartbeat < ?)" + (" AND worker = ?" if worker else "")
    args: tuple = (quiet_since, worker) if worker else (quiet_since,)
    now = time.time()
    done = execute(f"UPDATE job SET status = 'done', progress = 1, finished = ?, message = 'saved (its process "
                   f"ended after saving)' WHERE {who} AND json_extract(result, '$.committed')", (now, *args)).rowcount
    failed = execute(f"UPDATE job SET status = 'failed', finished = ?, message = ?, error = ? WHERE {who} "
                     f"AND attempts >= ?", (now, "its worker died while running it",
                                            f"its worker died during each of {max_attempts} attempts; not retried again",
                                            *args, max_attempts)).rowcount
    queued = execute(f"UPDATE job SET status = 'queued', worker = NULL, progress = 0, message = "
                     f"'requeued: its worker died' WHERE {who}", args).rowcount
    return {"done": done, "failed": failed, "queued": queued}


def running_jobs_of(execute, worker: str) -> int:
    """How many jobs ``worker`` is running (through ``execute``, as for :func:`release_dead_jobs`)."""
    return execute("SELECT count(*) FROM job WHERE worker = ? AND status = 'running'", (worker,)).fetchone()[0]


class JobsMixin:
    def enqueue_job(self, kind: str, payload: Mapping[str, Any] | None = None,
                    priority: int = 0) -> Job:
        """A queued job; higher priority runs first, then first come first served."""
        J = self.m.Job
        with self.db.atomic():
            jid = J.insert(kind=kind, payload=dict(payload or {}), priority=int(priority),
                           status=JobStatus.QUEUED.value, created=time.time()).execute()
            return _job(J.get_by_id(jid))

    def job(self, job_id: int) -> Job:
        J = self.m.Job
        found = J.get_or_none(J.id == job_id)
        if found is None:
            raise KeyError(f"no job {job_id!r} in this project")
        return _job(found)

    def jobs(self, status: JobStatus | str | Iterable[JobStatus | str] | None = None,
             kind: str | None = None, limit: int | None = None) -> list[Job]:
        J = self.m.Job
        query = J.select().order_by(J.id)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            query = query.where(J.status.in_([JobStatus(s).value for s in statuses]))
        if kind is not None:
            query = query.where(J.kind == kind)
        if limit is not None:
            query = query.limit(limit)
        return [_job(j) for j in query]

    # -- what the studio's jobs panel reads (one short query each) ------------------------------
    def recent_jobs(self, limit: int) -> list[Job]:
        """The newest ``limit`` jobs, oldest first."""
        J = self.m.Job
        newest = J.select(J.id).order_by(J.id.desc()).limit(int(limit))
        return [_job(j) for j in J.select().where(J.id.in_(newest)).order_by(J.id)]

    def jobs_to_watch(self, newer_than: int, ids: Iterable[int] = ()) -> list[Job]:
        """Queued and running jobs, jobs newer than ``newer_than``, and the jobs ``ids``."""
        J = self.m.Job
        cond = J.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]) | (J.id > int(newer_than))
        ids = [int(i) for i in ids]
        if ids:
            cond = cond | J.id.in_(ids)
        return [_job(j) for j in J.select().where(cond).order_by(J.id)]

    def job_status_counts(self) -> dict[str, int]:
        return dict(self.db.execute_sql("SELECT status, count(*) FROM job GROUP BY status").fetchall())

    def job_costs(self, job_ids: Iterable[int]) -> dict[int, float]:
        """What the model calls of each job cost (jobs without calls are left out)."""
        ids, out = [int(i) for i in job_ids], {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            out.update(self.db.execute_sql(
                f"SELECT job_id, sum(cost) FROM ledger WHERE job_id IN ({', '.join('?' * len(part))})"
                " GROUP BY job_id", part).fetchall())
        return out

    def update_job(self, job_id: int, **changes: Any) -> Job:
        """Progress, heartbeat, status, result… Entering running/finished stamps the times."""
        unknown = set(changes) - _JOB_FIELDS
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a job")
        J = self.m.Job
        now = time.time()
        if "status" in changes:
            status = JobStatus(changes["status"])
            changes["status"] = status.value
            if status is JobStatus.RUNNING:
                changes.setdefault("started", now)
            if status.finished:
                changes.setdefault("finished", now)
                if status is JobStatus.DONE:
                    changes.setdefault("progress", 1.0)
        if "progress" in changes:
            changes["progress"] = min(1.0, max(0.0, float(changes["progress"])))
        with self.db.atomic():
            if changes and J.update(**changes).where(J.id == job_id).execute() == 0:
                raise KeyError(f"no job {job_id!r} in this project")
            return self.job(job_id)

    def set_job_result(self, job_id: int, result: Mapping[str, Any]) -> None:
        """A job's result, written inside the transaction that saves what the job made: a job
        whose result says ``committed`` is finished even if its process died before saying so."""
        J = self.m.Job
        with self.db.atomic():
            J.update(result=dict(result)).where(J.id == job_id).execute()

    def claim_job(self, worker: str, kinds: Iterable[str] | None = None) -> Job | None:
        """Atomically take the next queued job for a worker (None when the queue is empty)."""
        J = self.m.Job
        with self.db.atomic():  # BEGIN IMMEDIATE: two workers never claim the same job
            query = J.select(J.id).where(J.status == JobStatus.QUEUED.value)
            if kinds is not None:
                query = query.where(J.kind.in_(list(kinds)))
            found = query.order_by(J.priority.desc(), J.id).limit(1).first()
            if found is None:
                return None
            now = time.time()
            J.update(status=JobStatus.RUNNING.value, worker=worker, attempts=J.attempts + 1,
                     started=now, heartbeat=now, finished=None, error=None).where(
                J.id == found.id).execute()
            return self.job(found.id)

    def requeue_stale_jobs(self, older_than: float, max_attempts: int = MAX_ATTEMPTS) -> int:
        """Running jobs whose heartbeat is older than ``older_than`` seconds (their worker crashed
        or was killed): back in the queue, or failed after ``max_attempts`` runs, or done when
        they had already saved what they made. Returns how many were requeued."""
        with self.db.atomic():
            return release_dead_jobs(self.db.execute_sql, None, time.time() - older_than, max_attempts)["queued"]

    # -- the running job, as seen by the process running it (writes only while it is ours) ----
    def _own(self, job_id: int, worker: str, statuses=("running",)):
        J = self.m.Job
        return (J.id == job_id) & (J.worker == worker) & J.status.in_(list(statuses))

    def job_beat(self, job_id: int, worker: str, *, progress: float | None = None,
                 message: str | None = None) -> bool:
        """A heartbeat (with progress) from the job's worker; False when the job is no longer
        its to run (cancelled, or taken over by another worker)."""
        changes: dict[str, Any] = {"heartbeat": time.time()}
        if progress is not None:
            changes["progress"] = min(1.0, max(0.0, float(progress)))
        if message is not None:
            changes["message"] = str(message)[:500]
        with self.db.atomic():
            return self.m.Job.update(**changes).where(self._own(job_id, worker)).execute() > 0

    def finish_job(self, job_id: int, worker: str, status: JobStatus | str, *, late_cancel_wins: bool = True,
                   **changes: Any) -> bool:
        """The job's final write by its worker (done or failed). With ``late_cancel_wins`` False (the
        job was past its commit point) a cancel that came meanwhile is overridden."""
        unknown = set(changes) - {"progress", "message", "error", "result"}
        if unknown:
            raise ValueError(f"cannot finish a job with {', '.join(sorted(unknown))}")
        status = JobStatus(status)
        changes.update(status=status.value, finished=time.time())
        if status is JobStatus.DONE:
            changes["progress"] = 1.0
        allowed = ("running",) if late_cancel_wins else ("running", "cancelled")
        with self.db.atomic():
            return self.m.Job.update(**changes).where(self._own(job_id, worker, allowed)).execute() > 0

    def release_job(self, job_id: int, worker: str, why: str, *, stopped: bool = False,
                    max_attempts: int = MAX_ATTEMPTS, log_tail: str = "") -> str | None:
        """After a job's process ended without finishing it: ``stopped`` (the worker's own stop)
        puts it back without counting the attempt; a crash requeues it until ``max_attempts``, then
        fails it. A job whose result says its version was committed is done. Returns the new
        status, or None when the job was no longer this worker's."""
        J = self.m.Job
        with self.db.atomic():
            row = J.get_or_none(self._own(job_id, worker))
            if row is None:
                return None
            if isinstance(row.result, dict) and row.result.get("committed"):
                changes = {"status": "done", "progress": 1.0, "finished": time.time(),
                           "message": f"saved {row.result.get('version_id')} (its process ended after saving)"}
            elif stopped:
                changes = {"status": "queued", "worker": None, "progress": 0.0, "message": f"requeued: {why}",
                           "attempts": max(0, row.attempts - 1)}
            elif row.attempts < max_attempts:
                changes = {"status": "queued", "worker": None, "progress": 0.0, "message": f"requeued: {why}"}
            else:
                changes = {"status": "failed", "message": why, "finished": time.time(),
                           "error": f"{why} (attempt {row.attempts} of {max_attempts}){chr(10) + log_tail if log_tail else ''}"}
            J.update(**changes).where(self._own(job_id, worker)).execute()
            return changes["status"]

    def cancel_job(self, job_id: int, message: str = "cancelled") -> bool:
        """Cancel a queued or running job; False when it had already finished."""
        J = self.m.Job
        with self.db.atomic():
            return J.update(status=JobStatus.CANCELLED.value, message=message, finished=time.time()).where(
                (J.id == job_id) & J.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value])).execute() > 0

    # -- ledger -----------------------------------------------------------------------------
    def add_ledger(self, role: str, model: str, tokens_in: int = 0, tokens_out: int = 0,
                   cost: float = 0.0, latency: float = 0.0, version_id: str | None = None,
                   job_id: int | None = None) -> LedgerEntry:
        L = self.m.Ledger
        with self.db.atomic():
            lid = L.insert(role=role, model=model, tokens_in=int(tokens_in),
                           tokens_out=int(tokens_out), cost=float(cost), latency=float(latency),
                           version=version_id, job=job_id, created=time.time()).execute()
            return _ledger(L.get_by_id(lid))

    def ledger(self, version_id: str | None = None, job_id: int | None = None,
               since: float | None = None) -> list[LedgerEntry]:
        L = self.m.Ledger
        query = L.select().order_by(L.id)
        if version_id is not None:
            query = query.where(L.version == version_id)
        if job_id is not None:
            query = query.where(L.job == job_id)
        if since is not None:
            query = query.where(L.created >= since)
        return [_ledger(e) for e in query]

    def ledger_totals(self, since: float | None = None) -> dict[str, float]:
        """Calls, tokens and cost in all (or since a time), for the spending display."""
        sql = ("SELECT count(*), coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0),"
               " coalesce(sum(cost), 0.0) FROM ledger")
        args: tuple = ()
        if since is not None:
            sql, args = sql + " WHERE created >= ?", (since,)
        calls, tin, tout, cost = self.db.execute_sql(sql, args).fetchone()
        return {"calls": calls, "tokens_in": tin, "tokens_out": tout, "cost": cost}
