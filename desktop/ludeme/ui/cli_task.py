"""Run a ``ludeme`` command (export, import…) in its own process and report its one-line outcome.

Exports and imports can take seconds and read or write the whole project; a separate process keeps
the studio responsive and safe from a crash, and the CLI already gives one clear line on success or
refusal (exit 2).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

from ludeme.ui.worker_control import ludeme_command, worker_environment


class CliTask(QObject):
    """One command. ``finished(ok, message)``: message is the command's last meaningful line."""

    finished = Signal(bool, str)

    def __init__(self, args: list[str], parent=None) -> None:
        super().__init__(parent)
        self.args = list(args)
        self.process = QProcess(self)
        env = QProcessEnvironment()
        for key, value in worker_environment().items():
            env.insert(key, value)
        self.process.setProcessEnvironment(env)
        self.process.finished.connect(self._done)
        self.process.errorOccurred.connect(self._error)
        self._reported = False

    def start(self) -> None:
        command = ludeme_command(self.args)
        self.process.start(command[0], command[1:])

    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def wait(self, ms: int = 60_000) -> bool:
        return self.process.waitForFinished(ms)

    def _lines(self) -> tuple[list[str], list[str]]:
        out = bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace").splitlines()
        err = bytes(self.process.readAllStandardError()).decode("utf-8", "replace").splitlines()
        return [x for x in out if x.strip()], [x for x in err if x.strip().startswith("ludeme")]

    def _done(self, code: int, _status) -> None:
        if self._reported:
            return
        self._reported = True
        out, err = self._lines()
        if code == 0:
            self.finished.emit(True, out[-1] if out else "done")
        else:
            message = err[-1] if err else (out[-1] if out else f"exit code {code}")
            self.finished.emit(False, message.removeprefix("ludeme: "))

    def _error(self, _error) -> None:
        if self.process.state() == QProcess.ProcessState.NotRunning and not self._reported:
            self._reported = True
            self.finished.emit(False, f"could not run ludeme: {self.process.errorString()}")
