"""The small queue interface jobs go through (DESIGN.md §1).

The SQLite queue lives in the project file and serves one machine; a cluster backend can offer the
same four calls later. Everything here writes in short transactions and is safe to call from the
studio while workers run.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ludeme.core.domain import Job, JobStatus

ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


def submit(project, kind: str, payload: Mapping[str, Any] | None = None, priority: int = 0) -> Job:
    """Queue a job of a registered kind (see :data:`ludeme.evolution.jobs.JOB_FUNCTIONS`)."""
    from ludeme.evolution.jobs import JOB_FUNCTIONS

    if kind not in JOB_FUNCTIONS:
        raise ValueError(f"unknown job kind {kind!r}; known: {', '.join(sorted(JOB_FUNCTIONS))}")
    return project.enqueue_job(kind, payload, priority)


def cancel(project, job_id: int, message: str = "cancelled") -> bool:
    """Cancel a queued or running job. A queued job is never started; a running one is stopped by
    its worker within about a second (unless it is already saving its result). False when the job
    had already finished."""
    J = project.m.Job
    with project.db.atomic():
        n = J.update(status=JobStatus.CANCELLED.value, message=message, finished=time.time()).where(
            (J.id == job_id) & J.status.in_(ACTIVE)).execute()
    return n > 0


def get(project, job_id: int) -> Job:
    return project.job(job_id)


def pending(project) -> list[Job]:
    """Queued and running jobs, oldest first."""
    return project.jobs(status=ACTIVE)
