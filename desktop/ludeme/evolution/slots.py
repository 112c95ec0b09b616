"""A generation's children several at a time (evolution/engine.py): ``run_slots`` makes them on
threads whose evaluations go to a pool (evolution/pool.py), ``SharedDedup`` is their shared
near-duplicate index, and ``RunBudget`` is the one purse of a run that every child's model calls
are checked against."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ludeme.evolution.pool import EvaluationCancelled

if TYPE_CHECKING:
    from ludeme.store.project import Project


class RunBudget:
    """The money of one run, shared by the threads of its children: every model call adds its cost
    (saved child or not: a failed child's calls were paid for), and ``limit`` (dollars, or None)
    is the run budget each call is checked against before it is made."""

    def __init__(self, limit: float | None, spent: float = 0.0) -> None:
        self.limit = None if limit is None else float(limit)
        self._spent = float(spent)
        self._refused = False
        self._lock = threading.Lock()

    def add(self, cost: float) -> None:
        with self._lock:
            self._spent += float(cost or 0.0)

    def spent(self) -> float:
        with self._lock:
            return self._spent

    def refused(self) -> None:
        """A model call was refused for this budget: no further child should start."""
        with self._lock:
            self._refused = True

    def exhausted(self) -> bool:
        return self._refused or (self.limit is not None and self.spent() >= self.limit)


def run_slots(specs, make, jobs: int, stop, over_budget, project: Project):
    """Children of one generation: ``make(spec)`` for each spec, one at a time or ``jobs`` at a time
    on threads (whose evaluations run in the pool's processes). Yields each child in slot order, or
    "stopped" / "budget" once no more may start (children already running are finished and saved)."""
    if jobs <= 1:
        for spec in specs:
            if stop():
                yield "stopped"
                return
            if over_budget():
                yield "budget"
                return
            try:
                child = make(spec)
            except EvaluationCancelled:
                yield "stopped"
                return
            yield child
        return
    from concurrent.futures import ThreadPoolExecutor

    halted: list[str] = []

    def guarded(spec):
        if halted or stop():
            halted.append("stopped")
            return None
        if over_budget():
            halted.append("budget")
            return None
        try:
            return make(spec)
        except EvaluationCancelled:
            halted.append("stopped")
            return None
        finally:
            project.db.close()  # this thread's own SQLite connection

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ludeme-evolve") as ex:
        futures = [ex.submit(guarded, spec) for spec in specs]
        results = [f.result() for f in futures]
    for child in results:
        if child is not None:
            yield child
    if halted:
        yield "stopped" if "stopped" in halted else "budget"


class SharedDedup:
    """The near-duplicate index shared by a generation's threads."""

    def __init__(self, index) -> None:
        self.index, self._lock = index, threading.Lock()

    def is_duplicate(self, html: str) -> bool:
        with self._lock:
            return self.index.is_duplicate(html)

    def add(self, version_id: str, html: str) -> None:
        with self._lock:
            self.index.add(version_id, html)
