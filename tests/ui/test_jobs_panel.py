"""The jobs panel and the studio's worker, with a real `ludeme worker` process and the offline model:
a job is seen queued, running (with progress) and done; cancel from the panel; a failed job shows
its error; a worker killed with -9 is restarted and its job finished; the GUI never stalls."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from ludeme.evolution import queue
from ludeme.store import create_default_project
from ludeme.ui.jobs_panel import COL_STATUS, COL_TARGET, COL_WHERE, JobsPanel
from ludeme.ui.worker_control import WorkerControl, worker_environment

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def studio(qtbot, tmp_path):
    project = create_default_project(tmp_path / "jobs.ludeme")
    control = WorkerControl(project.path, stop_timeout=10)
    panel = JobsPanel(project, control, poll_ms=100)
    qtbot.addWidget(panel)
    panel.resize(1000, 560)
    panel.show()
    yield project, control, panel
    control.stop(wait=True)
    panel.stop_polling()
    project.close()


class Watch:
    """What the panel showed for one job, each time its row changed."""

    def __init__(self, panel: JobsPanel, job_id: int) -> None:
        self.panel, self.job_id = panel, job_id
        self.seen: list[tuple[str, float, str]] = []
        panel.model.dataChanged.connect(self._look)
        panel.model.rowsInserted.connect(self._look)
        self._look()

    def _look(self, *_args) -> None:
        row = self.panel.row_for(self.job_id)
        if row is not None:
            entry = (row.status, row.job.progress, row.job.message)
            if not self.seen or self.seen[-1] != entry:
                self.seen.append(entry)

    def statuses(self) -> list[str]:
        return list(dict.fromkeys(s for s, _, _ in self.seen))


class Stalls:
    """The longest gap between ticks of a 50 ms timer: how long the GUI thread was ever blocked."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._last = time.monotonic()
        self.timer = QTimer(interval=50)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.worst = max(self.worst, now - self._last)
        self._last = now


def _shown_status(panel: JobsPanel, job_id: int) -> str:
    index = panel.model.index(panel.model.row_of(job_id), COL_STATUS)
    return panel.model.data(index)


def _running_job_processes(worker_id: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
                state = (entry / "stat").read_text().split(") ", 1)[1][0]
            except OSError:
                continue
            if worker_id.encode() in cmd and b"--one" in cmd and state != "Z":  # a job process
                found.append(int(entry.name))
    return found


def test_a_mutate_job_goes_queued_running_done_in_the_panel(qtbot, studio):
    project, control, panel = studio
    seed = project.versions()[0]
    before = len(project.versions())
    job = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 2, "model": "offline"})
    qtbot.waitUntil(lambda: panel.row_for(job.id) is not None, timeout=2000)
    watch = Watch(panel, job.id)
    assert panel.row_for(job.id).status == "queued"
    assert "queued" in _shown_status(panel, job.id)
    title = project.lineage(seed.lineage_id).title
    assert title in panel.model.data(panel.model.index(panel.model.row_of(job.id), COL_TARGET))
    assert "1 job waiting" in panel.worker_label.text() and panel.start_button.isEnabled()

    versions_changed = []
    panel.versions_changed.connect(lambda: versions_changed.append(True))
    states = []
    control.state_changed.connect(states.append)
    with qtbot.waitSignal(panel.job_finished, timeout=60000) as finished:
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert finished.args == [job.id]
    assert states[:2] == ["starting", "running"] and control.is_running()
    assert panel.worker_label.text().startswith("Worker running") and panel.stop_button.isEnabled()

    assert watch.statuses() == ["queued", "running", "done"], watch.seen
    midway = [(p, m) for s, p, m in watch.seen if s == "running" and 0 < p < 1]
    assert midway and any(m.startswith("playtesting") for _, m in midway), watch.seen
    progress = [p for s, p, _ in watch.seen if s == "running"]
    assert progress == sorted(progress)  # progress only goes forward
    row = panel.row_for(job.id)
    assert row.job.progress == 1.0 and "done" in _shown_status(panel, job.id)
    assert row.job.started and row.job.finished and row.cost == 0.0  # offline: free

    qtbot.waitUntil(lambda: bool(versions_changed), timeout=2000)
    child = project.version(row.job.result["version_id"])
    assert child.parents == (seed.id,) and child.operator == "mutate"
    assert len(project.versions()) == before + 1
    panel.select_job(job.id)
    assert child.id in panel.detail_info.text()
    # where it ran: this machine (no cluster set), in the column and the details
    assert set(row.job.result["ran_on"]) == {f"this machine ({socket.gethostname()})"}
    where_cell = panel.model.index(panel.model.row_of(job.id), COL_WHERE)
    assert panel.model.data(where_cell) == "this machine"
    assert "Ran on: this machine" in panel.detail_info.text()
    index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(job.id), COL_TARGET))
    where = panel.table.visualRect(index).center()
    with qtbot.waitSignal(panel.version_activated, timeout=2000) as activated:  # double-click: open what it made
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a real one starts with a press
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert activated.args == [child.id]

    # Nothing changes now: a poll is one tiny query and does nothing.
    timings = []
    qtbot.waitUntil(lambda: not panel.poll(), timeout=3000)
    for _ in range(40):
        seen = dict(panel.watcher.counters)
        assert panel.poll() is False, (seen, panel.watcher.counters)
        timings.append(panel.last_poll_ms)
    timings.sort()
    assert timings[len(timings) // 2] < 5.0 and timings[-3] < 5.0, timings

    control.stop()
    qtbot.waitUntil(lambda: control.state == "stopped", timeout=15000)
    assert not control.is_running() and panel.worker_label.text().startswith("Worker stopped")


def test_b_cancel_from_the_panel_queued_and_running(qtbot, studio):
    project, control, panel = studio
    seed = project.versions()[0]
    before = len(project.versions())
    waiting = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 1})
    qtbot.waitUntil(lambda: panel.row_for(waiting.id) is not None, timeout=2000)
    assert not panel.cancel_button.isEnabled()
    panel.select_job(waiting.id)
    assert panel.cancel_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.row_for(waiting.id).status == "cancelled"
    assert "cancelled" in _shown_status(panel, waiting.id)
    assert project.job(waiting.id).status == "cancelled" and not panel.cancel_button.isEnabled()

    running = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 8})
    control.start()
    qtbot.waitUntil(lambda: (r := panel.row_for(running.id)) is not None and r.status == "running"
                    and r.job.message.startswith("playtesting"), timeout=40000)
    panel.select_job(running.id)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)  # the Delete key cancels too
    assert panel.row_for(running.id).status == "cancelled"
    cancelled_at = time.monotonic()
    # The worker stops the job: its process (and its renderer) are gone within a few seconds.
    qtbot.waitUntil(lambda: not _running_job_processes(control.worker_id), timeout=10000)
    assert time.monotonic() - cancelled_at < 6
    qtbot.wait(300)
    assert project.job(running.id).status == "cancelled" and panel.row_for(running.id).status == "cancelled"
    assert project.job(waiting.id).attempts == 0  # the queued one was never started
    assert len(project.versions()) == before  # no half-written version

    panel.set_filter("cancelled")
    assert {r.job.id for r in panel.visible_jobs()} == {waiting.id, running.id}
    panel.set_filter("done")
    assert panel.visible_jobs() == []


def test_c_a_failed_job_shows_its_error(qtbot, studio):
    project, control, panel = studio
    job = queue.submit(project, "mutate", {"version_id": "nope0000", "seconds": 1})
    control.start()
    with qtbot.waitSignal(panel.job_finished, timeout=40000):
        pass
    row = panel.row_for(job.id)
    assert row.status == "failed"
    assert "missing version nope0000" in row.target
    qtbot.mouseClick(panel.chips["failed"], Qt.MouseButton.LeftButton)
    assert panel.filter == "failed" and [r.job.id for r in panel.visible_jobs()] == [job.id]
    assert "Failed  1" in panel.chips["failed"].text()
    panel.select_job(job.id)
    details = panel.error_details()
    assert "KeyError" in details and "no version 'nope0000'" in details and "Traceback" in details
    assert "failed" in panel.detail_title.text()
    assert panel.copy_button.isVisible()
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == project.job(job.id).error
    assert not panel.cancel_button.isEnabled()  # a finished job cannot be cancelled

    control.stop(wait=True)
    assert panel.retry_button.isEnabled()
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)  # queue it again, as it was
    again = max(j.id for j in project.jobs())
    assert again != job.id and project.job(again).status == "queued"
    assert dict(project.job(again).payload) == dict(project.job(job.id).payload)
    assert panel.selected_job_ids() == [again] and panel.filter == "all"
    assert not panel.retry_button.isEnabled() and panel.cancel_button.isEnabled()


@pytest.mark.parametrize("shared", [True, False], ids=["studio-connection", "own-connection"])
def test_d_a_worker_killed_with_sigkill_is_restarted_and_its_job_finished(qtbot, studio, shared):
    project, control, panel = studio
    assert control.project is project  # the panel lends the supervisor its connection
    if not shared:
        control.project = None  # a supervisor on its own opens a plain connection for the requeue
    seed = project.versions()[0]
    before = len(project.versions())
    job = queue.submit(project, "mutate", {"version_id": seed.id, "seconds": 3})
    states, finished = [], []
    control.state_changed.connect(states.append)
    panel.job_finished.connect(finished.append)
    qtbot.waitUntil(lambda: panel.row_for(job.id) is not None, timeout=2000)
    watch = Watch(panel, job.id)
    stalls = Stalls()
    control.start()
    qtbot.waitUntil(lambda: (r := panel.row_for(job.id)) is not None and r.job.message.startswith("playtesting"),
                    timeout=40000)
    first_id, first_pid = control.worker_id, control.pid()
    os.kill(first_pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "restarting" in states, timeout=5000)
    assert "killed" in control.last_error
    qtbot.waitUntil(lambda: control.state == "running" and control.pid() not in (None, first_pid), timeout=10000)
    qtbot.waitUntil(lambda: finished == [job.id], timeout=60000)
    stalls.timer.stop()

    done = project.job(job.id)
    assert done.status == "done", done.error
    assert done.attempts == 2 and done.worker == control.worker_id != first_id
    assert panel.row_for(job.id).status == "done"
    statuses = [s for s, _, _ in watch.seen]
    assert statuses[0] == "queued" and statuses[-1] == "done" and "running" in statuses, watch.seen
    assert len(project.versions()) == before + 1  # the killed attempt left nothing behind
    assert project.version(done.result["version_id"]).parents == (seed.id,)
    assert not _running_job_processes(first_id)  # the first attempt's job process is gone
    assert any("requeued" in line for line in control.log)
    assert stalls.worst < 1.0, f"the GUI thread stalled for {stalls.worst:.2f} s"
    assert control.restarts == 1


def test_e_too_many_crashes_leave_the_worker_down_with_the_reason(qtbot, studio):
    project, _control, panel = studio
    control = WorkerControl(project.path, max_restarts=1, stop_timeout=5)
    panel.worker = control
    control.state_changed.connect(panel._show_worker_state)
    control.start()
    qtbot.waitUntil(lambda: control.state == "running", timeout=10000)
    os.kill(control.pid(), signal.SIGKILL)
    qtbot.waitUntil(lambda: control.state == "running" and control.restarts == 1, timeout=10000)
    qtbot.wait(300)
    os.kill(control.pid(), signal.SIGKILL)
    qtbot.waitUntil(lambda: control.state == "crashed", timeout=5000)
    assert "2 times within a minute" in control.last_error
    assert panel.worker_label.text().startswith("Worker crashed")
    assert control.last_error in panel.worker_label.toolTip()
    assert panel.start_button.isEnabled()
    qtbot.wait(1500)
    assert not control.is_running()  # it stays down until asked
    control.start()  # asking again works
    qtbot.waitUntil(lambda: control.state == "running", timeout=10000)
    control.stop(wait=True)
    assert control.state == "stopped" and not control.is_running()


def test_a_worker_that_cannot_start_is_not_restarted(qtbot, tmp_path):
    bad = tmp_path / "notes.ludeme"
    bad.write_text("not a project")
    control = WorkerControl(bad)
    states = []
    control.state_changed.connect(states.append)
    control.start()
    qtbot.waitUntil(lambda: control.state == "crashed", timeout=15000)
    assert "not a Ludeme project" in control.last_error
    assert "restarting" not in states and control.restarts == 0
    assert bad.read_text() == "not a project"


def test_a_worker_whose_studio_died_stops_by_itself(tmp_path):
    project = create_default_project(tmp_path / "orphan.ludeme")
    project.close()
    script = (f'"{sys.executable}" -m ludeme worker --project "{tmp_path / "orphan.ludeme"}" --parent-pid $$ '
              '>/dev/null 2>&1 & echo $!; sleep 2')
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=worker_environment(),
                         timeout=30).stdout
    pid = int(out.split()[0])

    def alive() -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive():
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the worker went on after its parent had gone")
