"""Run a function off the GUI thread and get its result back on it (in the style of napari's
``thread_worker``): ``run_in_thread(fn, on_done=..., on_error=...)``.

The function runs on a worker thread (a shared pool, or the executor given: the lineage tree keeps
one thread so its SQLite reads stay on one connection); its result or exception comes back as a
queued signal, so the callbacks run on the GUI thread and never touch a widget from elsewhere.
Nothing polls."""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

_POOL: ThreadPoolExecutor | None = None
_RUNNING: set[Task] = set()  # kept alive until their result is delivered


class Task(QObject):
    """One call running on a worker thread. ``done(result)`` or ``failed(exception)`` follows."""

    done = Signal(object)
    failed = Signal(object)
    _finished = Signal(object)

    def __init__(self, future: Future | None = None) -> None:
        super().__init__()
        self.future = future
        # Always queued: run on this (the GUI) thread, after run_in_thread has returned, even when the
        # work finished before its done-callback was added.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _deliver(self, future: Future) -> None:
        _RUNNING.discard(self)
        try:
            result = future.result()
        except BaseException as exc:  # noqa: BLE001 - handed to on_error, never lost
            self.failed.emit(exc)
        else:
            self.done.emit(result)

    @property
    def running(self) -> bool:
        return self.future is not None and not self.future.done()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ludeme-task")
    return _POOL


def run_in_thread(fn: Callable[..., Any], *args, on_done: Callable[[Any], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None, executor: Executor | None = None,
                  **kwargs) -> Task:
    """Start ``fn(*args, **kwargs)`` on a worker thread; ``on_done(result)`` or ``on_error(exc)`` run
    on the GUI thread when it ends. Returns the Task (its ``future`` can be waited on)."""
    task = Task()
    if on_done is not None:
        task.done.connect(on_done)
    if on_error is not None:
        task.failed.connect(on_error)
    _RUNNING.add(task)
    task.future = (executor or _pool()).submit(fn, *args, **kwargs)
    task.future.add_done_callback(task._finished.emit)
    return task
