"""The studio's background worker: one ``ludeme worker`` process, started, watched and stopped here.

The worker runs queued jobs (one child process per job, each in its own process group, see
:mod:`ludeme.evolution.worker`). This object keeps it alive for the studio:

- ``start()`` launches ``<python> -m ludeme worker --project P --jobs N`` with the studio's own
  interpreter and a PYTHONPATH that finds this ``ludeme`` package (source checkouts and installs
  alike; a frozen build runs its own executable with ``worker ...``). The worker gets the studio's
  pid (``--parent-pid``) and stops by itself if the studio dies without stopping it.
- A worker that dies unasked (killed, crashed, non-zero exit) is restarted after a back-off
  (0.5 s, 1 s, 2 s … up to 10 s); more than ``max_restarts`` crashes within a minute and it stays
  down in state ``"crashed"`` with the reason in :attr:`last_error`. The studio goes on either way.
- The jobs the dead worker was running go back to the queue as soon as their job processes have
  gone (their heartbeat stops; each job process kills its own group when its worker is gone), so
  the restarted worker picks them up at once instead of waiting for them to look stale. A job
  that has already been through ``MAX_ATTEMPTS`` crashes is failed rather than retried forever.
- ``stop()`` is graceful: SIGTERM (running jobs that are saving finish, the others are stopped and
  requeued by the worker itself), then SIGKILL after ``stop_timeout`` seconds. The worker is
  stopped when the application quits.
"""
from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import sys
import time
from collections import deque
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QProcessEnvironment, QTimer, Signal

STOPPED, STARTING, RUNNING, CRASHED, RESTARTING = "stopped", "starting", "running", "crashed", "restarting"
STATES = (STOPPED, STARTING, RUNNING, CRASHED, RESTARTING)

EXIT_USAGE = 2  # `ludeme` exits with this on a problem the user must fix (see ludeme.cli)
RESTART_WINDOW = 60.0  # seconds over which restarts are counted
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 10.0)  # seconds before the 1st, 2nd, ... restart in the window
REQUEUE_QUIET = 1.5  # a dead worker's job whose heartbeat is this old has no live process left
REQUEUE_GIVE_UP = 15.0  # ... after this long the worker's own stale check takes over


def package_root() -> Path:
    """The folder that holds the ``ludeme`` package (``desktop/`` in a source checkout)."""
    import ludeme

    return Path(ludeme.__file__).resolve().parent.parent


def worker_command(project_path: str | Path, jobs: int = 1, worker_id: str | None = None,
                   parent_pid: int | None = None) -> list[str]:
    """The command line (program first) that runs the worker on a project."""
    args = ["worker", "--project", str(project_path), "--jobs", str(max(1, int(jobs)))]
    if worker_id:
        args += ["--worker-id", worker_id]
    if parent_pid:
        args += ["--parent-pid", str(parent_pid)]
    return ludeme_command(args)


def ludeme_command(args: list[str]) -> list[str]:
    """``ludeme ARGS`` as a command line (program first), from a source checkout or a frozen build."""
    if getattr(sys, "frozen", False):  # a PyInstaller build: its executable is the ludeme CLI
        return [sys.executable, *args]
    return [sys.executable, "-m", "ludeme", *args]


def worker_environment() -> dict[str, str]:
    """The studio's environment, plus what the worker needs: this package first on PYTHONPATH,
    unbuffered output (log lines arrive as they are written) and offscreen rendering."""
    env = dict(os.environ)
    root = str(package_root())
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
    env["PYTHONPATH"] = os.pathsep.join([root, *paths])
    env["PYTHONUNBUFFERED"] = "1"
    env["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):  # its jobs play games offscreen, never on the display
        env.pop(name, None)
    return env


class WorkerControl(QObject):
    """Starts, watches, restarts and stops the studio's ``ludeme worker`` process."""

    state_changed = Signal(str)  # one of STATES
    log_line = Signal(str)  # a line the worker wrote (its log goes to stderr) or a note from here

    def __init__(self, project_path: str | Path, parent=None, *, jobs: int | None = None, max_restarts: int = 5,
                 stop_timeout: float = 15.0, project=None) -> None:
        """``project``: the studio's open Project for the same file, if any (used for the one
        short write after a crash; without it a plain connection is opened for it)."""
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.project = project
        if jobs is None:  # as many at once as the machine runs well (children of one action in parallel)
            from ludeme.evolution.pool import default_jobs

            jobs = default_jobs()
        self.jobs = max(1, int(jobs))
        self.max_restarts = int(max_restarts)
        self.stop_timeout = float(stop_timeout)
        self.state = STOPPED
        self.last_error = ""  # why the worker is down (crashed), or why it was last restarted
        self.restarts = 0  # restarts since start() (all time)
        self.worker_id: str | None = None
        self.log: deque[str] = deque(maxlen=200)
        self._crash_times: deque[float] = deque()
        self._wanted = False  # the user wants a worker running
        self._partial = b""
        self._dead_workers: dict[str, float] = {}  # worker id -> when it died (jobs to requeue)
        self._launch_count = 0
        self._process: QProcess | None = None
        self._retired: list[QProcess] = []
        self._restart_timer = QTimer(self, singleShot=True)
        self._restart_timer.timeout.connect(self._launch)
        self._kill_timer = QTimer(self, singleShot=True)
        self._kill_timer.timeout.connect(self._kill_now)
        self._requeue_timer = QTimer(self, interval=500)
        self._requeue_timer.timeout.connect(self._requeue_dead_jobs)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_quit)

    # -- public ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (nothing happens if it is already up or coming up)."""
        self._wanted = True
        self._crash_times.clear()
        self.last_error = ""
        if self._process is not None:
            return
        self._restart_timer.stop()
        self._launch()

    def stop(self, wait: bool = False) -> None:
        """Stop the worker gracefully (SIGTERM, SIGKILL after ``stop_timeout``). ``wait``: block
        until it has exited (used when the application quits)."""
        self._wanted = False
        self._restart_timer.stop()
        proc = self._process
        if proc is None:
            if self.state != STOPPED:
                self._set_state(STOPPED)
            return
        if proc.state() != QProcess.ProcessState.NotRunning:
            proc.terminate()
            if wait:
                if not proc.waitForFinished(int(self.stop_timeout * 1000)):
                    proc.kill()
                    proc.waitForFinished(3000)
            elif not self._kill_timer.isActive():
                self._kill_timer.start(int(self.stop_timeout * 1000))
        if wait and self._process is not None:  # finished() may not have been delivered yet
            self._on_finished(proc.exitCode(), proc.exitStatus())

    def is_running(self) -> bool:
        return self._process is not None and self._process.state() == QProcess.ProcessState.Running

    def is_stopping(self) -> bool:
        """A stop was asked for and the worker has not exited yet."""
        return self._process is not None and not self._wanted

    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        return int(self._process.processId()) if self.is_running() else None

    # -- process ------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _note(self, line: str) -> None:
        self.log.append(line)
        self.log_line.emit(line)

    def _launch(self) -> None:
        if not self._wanted or self._process is not None:
            return
        self._launch_count += 1
        self.worker_id = f"studio-{socket.gethostname()}:{os.getpid()}:{self._launch_count}"
        command = worker_command(self.project_path, self.jobs, self.worker_id, os.getpid())
        proc = QProcess(self)
        env = QProcessEnvironment()
        for key, value in worker_environment().items():
            env.insert(key, value)
        proc.setProcessEnvironment(env)
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        proc.setWorkingDirectory(str(self.project_path.parent if self.project_path.parent.is_dir() else Path.cwd()))
        proc.readyReadStandardOutput.connect(self._read_output)
        proc.started.connect(self._on_started)  # a method, not a lambda: dropped with this object
        proc.errorOccurred.connect(self._on_error)
        proc.finished.connect(self._on_finished)
        self._process = proc
        self._partial = b""
        self._set_state(STARTING if self.restarts == 0 or not self._crash_times else RESTARTING)
        proc.start(command[0], command[1:])

    def _on_started(self) -> None:
        self._set_state(RUNNING)

    def _retire(self, proc: QProcess) -> None:
        """Keep a finished process object until the next launch: deleting it from inside its own
        finished() (which waitForFinished emits synchronously) is asking for trouble."""
        for old in self._retired:
            old.deleteLater()
        self._retired = [proc]

    def _read_output(self) -> None:
        proc = self.sender() if isinstance(self.sender(), QProcess) else self._process
        if proc is None:
            return
        data = self._partial + bytes(proc.readAllStandardOutput().data())
        *lines, self._partial = data.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                self._note(line)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            proc, self._process = self._process, None
            reason = f"the worker could not be started ({proc.errorString()})"
            self._note(reason)
            self._retire(proc)
            self._crashed(reason)

    def _on_finished(self, exit_code: int, exit_status: QProcess.ExitStatus) -> None:
        proc = self._process
        if proc is None:
            return
        self._read_output()
        if self._partial:
            self._note(self._partial.decode("utf-8", "replace").rstrip())
            self._partial = b""
        self._process = None
        self._kill_timer.stop()
        self._retire(proc)
        dead_id = self.worker_id
        if not self._wanted:  # our stop (or the application quitting)
            self._note("worker stopped")
            self._set_state(STOPPED)
            return
        if exit_status == QProcess.ExitStatus.CrashExit:
            reason = "the worker was killed or crashed"
        elif exit_code == EXIT_USAGE:  # the worker refused to start (unusable project...): a retry won't help
            tail = next((line for line in reversed(self.log) if line.strip()), "")
            self._wanted = False
            self.last_error = tail.removeprefix("ludeme: ") or f"the worker refused to start (exit code {exit_code})"
            self._note(f"the worker could not start: {self.last_error}")
            self._set_state(CRASHED)
            return
        elif exit_code != 0:
            tail = next((line for line in reversed(self.log) if line.strip()), "")
            reason = f"the worker exited with code {exit_code}" + (f": {tail}" if tail else "")
        else:  # stopped from outside (SIGTERM, or its project went away gracefully)
            self._wanted = False
            self._note("worker exited")
            self._set_state(STOPPED)
            return
        if dead_id:
            self._dead_workers[dead_id] = time.monotonic()
            self._requeue_timer.start()
        self._crashed(reason)

    def _crashed(self, reason: str) -> None:
        now = time.monotonic()
        self._crash_times.append(now)
        while self._crash_times and now - self._crash_times[0] > RESTART_WINDOW:
            self._crash_times.popleft()
        self.last_error = reason
        if len(self._crash_times) > self.max_restarts:
            self._wanted = False
            self.last_error = (f"{reason}; it crashed {len(self._crash_times)} times within a minute,"
                               " so it was not restarted again")
            self._note(self.last_error)
            self._set_state(CRASHED)
            return
        delay = BACKOFF[min(len(self._crash_times), len(BACKOFF)) - 1]
        self.restarts += 1
        self._note(f"{reason}; restarting in {delay:g} s")
        self._set_state(RESTARTING)
        self._restart_timer.start(int(delay * 1000))

    def _kill_now(self) -> None:
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            self._note(f"the worker did not stop within {self.stop_timeout:g} s; killing it")
            self._process.kill()

    def _on_quit(self) -> None:
        self.stop(wait=True)

    # -- jobs of a dead worker ----------------------------------------------------------------
    def _requeue_dead_jobs(self) -> None:
        """Put the running jobs of crashed workers back in the queue once their job processes
        are gone (heartbeat quiet for REQUEUE_QUIET s). One short write; the worker's own stale
        check is the fallback."""
        from ludeme.store.jobs import release_dead_jobs

        now = time.monotonic()
        for worker, since in list(self._dead_workers.items()):
            if now - since > REQUEUE_GIVE_UP:
                del self._dead_workers[worker]
        if not self._dead_workers:
            self._requeue_timer.stop()
            return
        quiet = time.time() - REQUEUE_QUIET
        try:
            with self._connection() as run:
                for worker in list(self._dead_workers):
                    if not self._has_running(run, worker):
                        del self._dead_workers[worker]
                        continue
                    n = release_dead_jobs(run, worker, quiet)
                    if any(n.values()):
                        requeued = n["queued"]
                        self._note(f"{requeued} job{'s' * (requeued != 1)} of the crashed worker requeued"
                                   + (f", {n['failed']} failed" if n["failed"] else "")
                                   + (f", {n['done']} had saved already" if n["done"] else ""))
        except Exception as exc:  # busy, or the project went away: the worker's stale check remains
            self._note(f"could not requeue the crashed worker's jobs yet: {exc}")
        if not self._dead_workers:
            self._requeue_timer.stop()

    @staticmethod
    def _has_running(run, worker: str) -> bool:
        from ludeme.store.jobs import running_jobs_of

        return running_jobs_of(run, worker) > 0

    @contextlib.contextmanager
    def _connection(self):
        """One short IMMEDIATE transaction on the project: through the studio's open project when
        we have it, else a plain read-write connection. (Not ``open_project``: its read-only
        look at the file, made while this process has the project open, drops this process's
        file locks, and another process may then delete the WAL under our feet.)"""
        if self.project is not None:
            with self.project.db.atomic():
                yield self.project.db.execute_sql
            return
        conn = sqlite3.connect(str(self.project_path), timeout=5, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn.execute
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()
