"""The small queue interface jobs go through (DESIGN.md §1).

The SQLite queue lives in the project file and serves one machine; a cluster backend can offer the
same calls later. Everything here writes in short transactions and is safe to call from the
studio while workers run.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TYPE_CHECKING

from ludeme.core.domain import Job

if TYPE_CHECKING:
    from ludeme.store.project import Project


def submit(project: Project, kind: str, payload: Mapping[str, Any] | None = None, priority: int = 0) -> Job:
    """Queue a job of a registered kind (see :data:`ludeme.evolution.jobs.JOB_FUNCTIONS`)."""
    from ludeme.evolution.jobs import JOB_FUNCTIONS

    if kind not in JOB_FUNCTIONS:
        raise ValueError(f"unknown job kind {kind!r}; known: {', '.join(sorted(JOB_FUNCTIONS))}")
    return project.enqueue_job(kind, payload, priority)


def cancel(project: Project, job_id: int, message: str = "cancelled") -> bool:
    """Cancel a queued or running job. A queued job is never started; a running one is stopped by
    its worker within about a second (unless it is already saving its result). False when the job
    had already finished."""
    return project.cancel_job(job_id, message)
