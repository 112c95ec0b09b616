"""Shared studio-window fixture for the UI tests."""
from __future__ import annotations

import pytest

from ludeme.runtime.sandbox import SandboxProfile
from ludeme.store import create_default_project
from ludeme.ui.main_window import MainWindow


@pytest.fixture
def open_studio(qtbot, tmp_path):
    """open_studio(size=None, **MainWindow kwargs) -> a shown studio window on a fresh default
    project, without a worker unless start_worker=True. Afterwards each window is deleted before its sandbox profile (a page
    that outlives its profile crashes the test run at exit), then its project is closed."""
    made = []

    def make(size: tuple[int, int] | None = None, **kw):
        project = create_default_project(tmp_path / f"studio{len(made)}.ludeme")
        sandbox = SandboxProfile(project.version_file)
        kw.setdefault("start_worker", False)
        win = MainWindow(project, sandbox, **kw)
        if size is not None:
            win.resize(*size)
        win.show()
        win.activateWindow()
        qtbot.waitExposed(win)
        made.append((win, sandbox, project))
        return win

    yield make
    for win, sandbox, project in made:
        if win.worker.is_running():
            win.worker.stop(wait=True)
        win.player.stop()
        win.close()
        win.deleteLater()
        qtbot.wait(20)
        sandbox.deleteLater()
        qtbot.wait(20)
        project.close()
