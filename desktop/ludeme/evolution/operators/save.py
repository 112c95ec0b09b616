"""Saving an evaluated version: one transaction, the only way a new version enters a project.

Every operator (mutate, repair, explore, crossover, a person's edit, import, idea, fork, evolve)
ends here. The version row and its files, its evaluation (reward, breakdown, probe results), its
recording and media, the model calls that made it (ledger rows), the lineage lesson and archive
usage it teaches, and the result of the job that made it are written together or not at all. A
worker killed before the commit leaves nothing; one killed after it leaves the whole version, and
the job's result says so, so a retried job does not make it twice.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

MEMORY_ALPHA = 0.3  # q' = (1 - a) q + a r  (CreativeGame)

if TYPE_CHECKING:
    from ludeme.core.domain import Version
    from ludeme.evaluation.evaluator import EvalReport
    from ludeme.store.project import Project


@dataclass
class NewVersion:
    """What an operator made and how it was evaluated."""

    lineage_id: str
    files: dict[str, bytes]
    parents: list[str]
    operator: str
    report: "EvalReport | None" = None  # None: `copy_of` gives the evaluation (a fork)
    plan: dict | None = None
    realised: list[str] = field(default_factory=list)  # kit modules the code ships
    planned: list[str] = field(default_factory=list)   # mechanic ids the plan named
    seed: int = 0
    model: str | None = None
    direction: str = ""
    note: str = ""
    started: float | None = None  # perf_counter() when the operator began (for wall_time)
    version_id: str | None = None
    lesson: str | None = None     # the intent whose lineage memory this outcome updates (None: none)
    copy_of: str | None = None    # a fork: status, reward, breakdown and recording of this version


def save_version(project: "Project", new: NewVersion, *, spend=None, job_id: int | None = None,
                 job_result: dict[str, Any] | None = None) -> "Version":
    """Write ``new`` and everything that belongs to it in one transaction; returns the version.

    ``spend`` (an object with ``flush(saved=True, version_id=...)``) writes the model calls that
    made it; ``job_result`` is stored as the result of ``job_id`` in the same transaction."""
    from ludeme.evaluation.storing import STATUS_FOR, store_report

    report = new.report
    wall = round(time.perf_counter() - new.started, 3) if new.started is not None else None
    source = project.version(new.copy_of) if new.copy_of else None
    with project.db.atomic():
        if source is not None:
            version = project.add_version(
                new.lineage_id, new.files, parents=new.parents, operator=new.operator, status=source.status,
                plan=dict(source.plan) if source.plan is not None else None, mechanics=source.mechanics,
                reward=source.reward, breakdown=dict(source.breakdown), seed=source.seed,
                direction=source.direction, note=new.note, version_id=new.version_id)
            project.copy_recording(source.id, version.id)
        else:
            assert report is not None, "a new version needs its evaluation"
            version = project.add_version(
                new.lineage_id, new.files, parents=new.parents, operator=new.operator,
                status=STATUS_FOR.get(report.verdict, "broken"), plan=new.plan,
                mechanics=known_mechanics(project, new.realised), planned=known_mechanics(project, new.planned),
                reward=report.reward, seed=int(new.seed or 0), model=new.model or None,
                tokens_in=getattr(spend, "tokens_in", 0), tokens_out=getattr(spend, "tokens_out", 0),
                cost=getattr(spend, "cost", 0.0), wall_time=wall, direction=new.direction, note=new.note,
                version_id=new.version_id)
            store_report(project, version.id, report, report.recording and Path(report.recording["path"]))
        if spend is not None:
            spend.flush(saved=True, version_id=version.id)
        if new.lesson is not None and report is not None:
            learn(project, new.lineage_id, new.lesson, report, new.realised)
        if job_id is not None:
            project.set_job_result(job_id, {**(job_result or {}), "version_id": version.id, "committed": True})
    return version


def known_mechanics(project: "Project", ids) -> list[str]:
    """Mechanic ids that exist in the archive (links to unknown ids are kept in the plan only)."""
    out = []
    for mid in dict.fromkeys(i for i in ids if i):
        try:
            project.mechanic(mid)
            out.append(mid)
        except Exception:
            pass
    return out


def remember(project: "Project", lineage_id: str, intent: str, lesson: str, r: float) -> None:
    """A lineage lesson: q moves toward the outcome r in [-1, 1]."""
    intent = (intent or "explore").strip()[:200]
    existing = next((m for m in project.memories(lineage_id) if m.intent == intent), None)
    if existing is None:
        project.add_memory(lineage_id, intent, lesson=lesson, q=MEMORY_ALPHA * r, visits=1)
    else:
        project.update_memory(existing.id, lesson=lesson, q=(1 - MEMORY_ALPHA) * existing.q + MEMORY_ALPHA * r,
                              visits=existing.visits + 1)


def learn(project: "Project", lineage_id: str, intent: str, report, realised) -> None:
    """Lineage memory (q-values) and archive usage statistics after an evaluated version."""
    r = max(-1.0, min(1.0, 2 * float(report.reward) - 1))  # reward in [0, 1] → r in [-1, 1]
    remember(project, lineage_id, intent, f"{report.verdict}: {', '.join(report.reasons[:1])}", r)
    project.count_mechanic_use(known_mechanics(project, realised), success=report.verdict == "playable")
