"""One watcher of a project's change table for the whole window.

Every writer (this process, the worker, ``ludeme evolve`` in a terminal) bumps a counter per topic in
the project file (``Project.change_counters``: version, lineage, recording, vote, mechanic, job, …).
The watcher reads those counters with one tiny query per tick and emits the topics that moved, so the
tree, inspector, plots and jobs panel follow the project without each polling it on its own timer."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from ludeme.store.project import Project

POLL_MS = 500


class ProjectWatcher(QObject):
    changed = Signal(frozenset)  # the topics whose counters moved since the last tick

    def __init__(self, project: Project, parent=None, *, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.project = project
        self.counters: dict[str, int] = self._read() or {}
        self.last_poll_ms = 0.0
        self.timer = QTimer(self, interval=int(interval_ms))
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def _read(self) -> dict[str, int] | None:
        try:
            return self.project.change_counters()
        except Exception:  # busy or closed: try again next tick
            return None

    def poll(self) -> frozenset:
        """One tick: the topics that moved (also emitted as ``changed``); empty when none did."""
        t0 = time.perf_counter()
        counters = self._read()
        if counters is None:
            return frozenset()
        before, self.counters = self.counters, counters
        topics = frozenset(k for k in counters.keys() | before.keys() if counters.get(k) != before.get(k))
        self.last_poll_ms = (time.perf_counter() - t0) * 1000
        if topics:
            self.changed.emit(topics)
        return topics

    def stop(self) -> None:
        self.timer.stop()
