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

    def requeue_stale_jobs(self, older_than: float) -> int:
        """Put running jobs whose heartbeat is older than ``older_than`` seconds back in the queue
        (their worker crashed or was killed)."""
        J = self.m.Job
        limit = time.time() - older_than
        with self.db.atomic():
            return J.update(status=JobStatus.QUEUED.value, worker=None).where(
                (J.status == JobStatus.RUNNING.value)
                & ((J.heartbeat < limit) | J.heartbeat.is_null())).execute()

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
