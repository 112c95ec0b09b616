"""The studio remembers: the window's layout across restarts, the projects it opened (File ▸ Open
recent), the last project at the next start; and File ▸ Quit closes every window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ludeme.runtime.sandbox import SandboxProfile
from ludeme.store import create_default_project
from ludeme.ui.main_window import MainWindow


def _window(qtbot, project, sandbox):
    win = MainWindow(project, sandbox, start_worker=False)
    win.show()
    qtbot.waitExposed(win)
    return win


def _close(qtbot, win):
    """Closed and deleted before its profile goes (a page outliving its profile crashes at exit)."""
    win.player.stop()
    win.close()
    win.deleteLater()
    qtbot.wait(50)


def _drop(qtbot, sandbox):
    qtbot.wait(20)
    sandbox.deleteLater()
    qtbot.wait(20)


def test_layout_and_open_recent_survive_a_restart(qtbot, tmp_path):
    a = create_default_project(tmp_path / "alpha.ludeme")
    b = create_default_project(tmp_path / "beta.ludeme")
    sandbox = SandboxProfile(a.version_file)
    try:
        win = _window(qtbot, a, sandbox)
        # (the offscreen screen is 800 px square: Qt fits a restored window to its screen)
        width = max(win.minimumSizeHint().width(), 800)
        win.resize(width, 700)
        win.inspector_dock.hide()                       # the designer closes a dock...
        win.removeDockWidget(win.console_dock)          # ...and moves another to the left
        win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, win.console_dock)
        win.console_dock.show()
        qtbot.wait(50)
        _close(qtbot, win)

        again = _window(qtbot, b, sandbox)                # the next start, on another project
        qtbot.waitUntil(lambda: again.height() == 700, timeout=3000)
        assert again.width() == width
        assert not again.inspector_dock.isVisible()
        assert again.dockWidgetArea(again.console_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
        again.recent_menu.aboutToShow.emit()
        listed = [act.text() for act in again.recent_menu.actions() if act.text() and "Clear" not in act.text()]
        assert len(listed) == 2 and "beta" in listed[0] and "alpha" in listed[1], listed
        _close(qtbot, again)
    finally:
        _drop(qtbot, sandbox)
        a.close()
        b.close()


def test_the_studio_reopens_the_last_project(tmp_path):
    from ludeme.cli import _last_project
    from ludeme.ui.prefs import AppPrefs
    from ludeme.ui.recent import RecentProjects

    assert _last_project() is None                      # first start: the default project
    p = create_default_project(tmp_path / "mine.ludeme")
    p.close()
    RecentProjects(AppPrefs()).add(p.path)
    assert _last_project() == p.path
    p.path.unlink()                                      # gone since: the default project again
    assert _last_project() is None


def test_quit_closes_every_studio_window(qtbot, tmp_path, monkeypatch):
    a = create_default_project(tmp_path / "one.ludeme")
    b = create_default_project(tmp_path / "two.ludeme")
    sandbox = SandboxProfile(a.version_file)
    quits = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    try:
        one, two = _window(qtbot, a, sandbox), _window(qtbot, b, sandbox)
        one.player.stop()
        two.player.stop()
        one.quit_studio()
        qtbot.waitUntil(lambda: not one.isVisible() and not two.isVisible(), timeout=3000)
        assert quits == [True], "and the process is asked to end"
        for w in (one, two):
            _close(qtbot, w)
    finally:
        _drop(qtbot, sandbox)
        a.close()
        b.close()
