"""Exchange from the studio: export a lineage bundle and import it into another project's window
(the new lineage shows in its tree), a hostile bundle is refused with one line and writes nothing,
and a broken plugin is reported in the status bar and skipped."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ludeme.plugin_api.host import set_host
from ludeme.runtime.sandbox import SandboxProfile
from ludeme.store import create_default_project, create_project
from ludeme.ui.main_window import MainWindow
from tests.exchange.hostile import ratio_bomb


@pytest.fixture
def windows(qtbot, tmp_path):
    made = []

    def make(project):
        sandbox = SandboxProfile(project.version_file)
        win = MainWindow(project, sandbox, start_worker=False)
        win.quiet_errors = True  # no modal box in tests; the message is in the status bar
        win.show()
        made.append((win, sandbox, project))
        return win
    yield make
    for win, sandbox, project in made:
        win.close()
        win.deleteLater()
        qtbot.wait(30)
        sandbox.deleteLater()
        qtbot.wait(10)
        project.close()


def _sha256_elsewhere(path) -> str:
    code = ("import hashlib, sys; h = hashlib.sha256()\n"
            "for p in (sys.argv[1], sys.argv[1] + '-wal'):\n"
            "    try: h.update(open(p, 'rb').read())\n"
            "    except FileNotFoundError: pass\n"
            "print(h.hexdigest())")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def wait_task(qtbot, task):
    with qtbot.waitSignal(task.finished, timeout=90_000) as done:
        pass
    return done.args


def test_export_a_bundle_and_import_it_in_another_window(qtbot, tmp_path, windows):
    source = windows(create_default_project(tmp_path / "source.ludeme"))
    sky = next(l for l in source.project.lineages() if l.title == "Sky Hopper")
    root = source.project.versions(sky.id)[0]
    child = source.project.add_version(sky.id, {"index.html": b"<!DOCTYPE html><canvas></canvas>"},
                                       operator="mutate", parents=[root.id], status="evaluated", reward=0.5)
    out = tmp_path / "sky.ludeme-bundle"
    ok, message = wait_task(qtbot, source.export(child.id, "bundle", out))
    assert ok, message
    assert out.is_file() and "bundle" in message

    target = windows(create_project(tmp_path / "target.ludeme"))
    assert target.tree.table is not None and len(target.tree.table) == 0
    ok, message = wait_task(qtbot, target.import_bundle(out))
    assert ok, message
    assert "imported" in message and "Sky Hopper" in message
    qtbot.waitUntil(lambda: child.id in target.tree.table.row_of, timeout=5_000)
    assert {root.id, child.id} <= set(target.tree.table.ids)
    assert [l.title for l in target.project.lineages()] == ["Sky Hopper"]
    assert message in target.statusBar().currentMessage()  # the outcome stays readable
    assert target.lineages.model.rowCount() == 1 and "2 versions" in target.project_label.text()

    # Importing it again is refused with a clear line (it is already there); nothing changes.
    before = len(target.project.versions())
    ok, message = wait_task(qtbot, target.import_bundle(out))
    assert not ok and "already" in message and "\n" not in message
    assert len(target.project.versions()) == before


def test_a_hostile_bundle_is_refused_and_writes_nothing(qtbot, tmp_path, windows):
    source = create_default_project(tmp_path / "good.ludeme")
    from ludeme.exchange import export

    good = export(source, source.lineages()[0].id, tmp_path / "good.ludeme-bundle", format="bundle")
    source.close()
    bomb = ratio_bomb(good, tmp_path)
    win = windows(create_project(tmp_path / "victim.ludeme"))
    path = win.project.path
    digest = _sha256_elsewhere(path)  # never read an open project file in this process (POSIX locks)
    ok, message = wait_task(qtbot, win.import_bundle(bomb))
    assert not ok and "refused" in message and "\n" not in message
    assert _sha256_elsewhere(path) == digest
    assert message in win.statusBar().currentMessage()


def test_a_broken_plugin_is_reported_and_skipped(qtbot, tmp_path, windows, monkeypatch):
    user_plugins = tmp_path / "userdata" / "plugins"
    user_plugins.mkdir(parents=True)
    (user_plugins / "broken_thing.py").write_text("def oops(:\n")
    set_host(None)
    try:
        win = windows(create_default_project(tmp_path / "p.ludeme"))
        qtbot.waitUntil(win.plugin_label.isVisible, timeout=5_000)
        assert win.plugin_label.text() == "⚠ 1 plugin skipped"
        assert "broken_thing" in win.plugin_label.toolTip()
        assert any("broken_thing" in str(p) for p in win.plugin_problems)
        # The studio works on: the bundled plugins are still there.
        from ludeme.plugin_api.host import get_host
        assert get_host().plugins
    finally:
        set_host(None)


def test_an_export_says_where_it_went_and_dialogs_start_there(qtbot, tmp_path, windows, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    win = windows(create_default_project(tmp_path / "p.ludeme"))
    win.quiet_errors = False
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())))
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, filt: (asked.append(start), str(out_dir / "sky.zip"))[1:] + ("",)))
    assert win._export_folder() == tmp_path  # first: the project's folder, not the home folder
    win.select_first_version()
    win.export_dialog("itch")
    qtbot.waitUntil(lambda: getattr(win, "_export_box", None) is not None, timeout=90_000)
    box = win._export_box
    assert box.isVisible() and "sky.zip" in box.text()
    next(b for b in box.buttons() if b.text() == "Show in folder").click()
    assert opened == [str(out_dir)]
    assert asked[0].startswith(str(tmp_path)) and win._export_folder() == out_dir  # the next one starts here
    box.close()
