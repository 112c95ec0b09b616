"""The studio's main flows, driven through the window as a designer would, with a real worker
process running the jobs: select and play, mutate offline, compare and vote blind, rate, delete and
undo, start and cancel an evolution, import an HTML file as a new lineage."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ludeme.runtime.sandbox import SandboxProfile
from ludeme.store import create_default_project, open_project
from ludeme.ui.main_window import MainWindow

JOB_TIMEOUT_MS = 120_000


@pytest.fixture
def studio(qtbot, tmp_path):
    project = create_default_project(tmp_path / "studio.ludeme")
    sandbox = SandboxProfile(project.version_file)
    win = MainWindow(project, sandbox)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()  # stops the worker, the players and the polls
    qtbot.waitUntil(lambda: not win.worker.is_running(), timeout=20_000)
    win.deleteLater()
    qtbot.wait(50)
    sandbox.deleteLater()
    qtbot.wait(20)
    project.close()


def answer_next_dialog(qtbot, fill) -> None:
    """Run ``fill(dialog)`` on the next modal dialog the studio opens (it then accepts it)."""
    def attempt(tries=[0]):
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            fill(dialog)
            return
        tries[0] += 1
        if tries[0] < 200:
            QTimer.singleShot(25, attempt)
    QTimer.singleShot(25, attempt)


def click_node(qtbot, win, version_id: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    tree = win.tree
    row = tree.table.row_of[version_id]
    pos = tree.view.mapFromScene(tree.vb.mapViewToScene(QPointF(tree.lay.x[row], tree.lay.y[row])))
    qtbot.mouseClick(tree.view.viewport(), Qt.MouseButton.LeftButton, modifier, pos=pos)


def wait_job(qtbot, win, job_id: int, status=("done",)) -> None:
    qtbot.waitUntil(lambda: win.project.job(job_id).status in ("done", "failed", "cancelled"),
                    timeout=JOB_TIMEOUT_MS)
    job = win.project.job(job_id)
    assert job.status in status, f"{job.status}: {job.error}"


def test_select_play_mutate_compare_vote_rate_delete_undo(qtbot, studio):
    win = studio
    project = win.project
    sky = next(l for l in project.lineages() if l.title == "Sky Hopper")
    root = project.versions(sky.id)[0]

    # Select and play: a click on the node plays it and fills the inspector.
    win.tree.fit_all()
    with qtbot.waitSignal(win.player.game_painted, timeout=30_000):
        click_node(qtbot, win, root.id)
    assert win.player.version_id == root.id and "Sky Hopper" in win.player.title.text()
    assert win.tree.selected_ids() == [root.id]
    assert "Sky Hopper" in win.inspector.title.text()

    # Mutate with the offline model through the real worker process (started on demand).
    def fill_mutate(dialog):
        dialog.direction.setCurrentText("floatier jump")
        assert dialog.model_box.currentText() == "offline"
        dialog.accept()
    answer_next_dialog(qtbot, fill_mutate)
    with qtbot.waitSignal(win.job_submitted, timeout=10_000) as submitted:
        win.mutate_action.trigger()
    job_id = submitted.args[0]
    win.tree.vb.setRange(xRange=(500, 510), yRange=(500, 505), padding=0)  # the designer looks elsewhere
    qtbot.waitUntil(win.worker.is_running, timeout=20_000)
    wait_job(qtbot, win, job_id)
    child_id = project.job(job_id).result["version_id"]
    # The tree follows: the new version appears without a reload, under its parent.
    qtbot.waitUntil(lambda: win.tree.table is not None and child_id in win.tree.table.row_of, timeout=10_000)
    child = project.version(child_id)
    assert child.parents == (root.id,) and child.direction == "floatier jump"
    assert win.tree.lay.y[win.tree.table.row_of[child_id]] == 1.0
    qtbot.waitUntil(lambda: win.jobs.row_for(job_id).status == "done", timeout=5_000)
    # A child of the designer's own action is brought into view (not selected: play goes on).
    qtbot.waitUntil(lambda: win.tree.table.row_of[child_id] in set(win.tree.visible_rows()), timeout=5_000)

    # Compare blind and vote with the keyboard: identities hidden until the vote.
    win.tree.select(root.id)
    win.blind_action.trigger()
    assert win.pages.currentIndex() == 1
    shown = list(win.compare.shown)
    assert sorted(shown) == sorted([root.id, child_id])
    texts = " ".join(win.compare.visible_texts())
    assert root.id not in texts and child_id not in texts and "Sky Hopper" not in texts
    # Nothing else on screen names them either: the inspector and lineage list step aside.
    assert not win.inspector_dock.isVisible() and not win.lineage_dock.isVisible()
    assert "Sky Hopper" not in win.statusBar().currentMessage()
    with qtbot.waitActive(win):  # the mutate dialog had the focus
        win.activateWindow()
    win.compare.setFocus()
    with qtbot.waitSignal(win.compare.voted, timeout=5_000) as vote:
        qtbot.keyClick(win.compare, Qt.Key.Key_1)  # "A is better"
    winner = shown[0]
    left, right, outcome = vote.args
    assert (left if outcome == "left" else right) == winner
    assert "Sky Hopper" in " ".join(win.compare.visible_texts())  # revealed after the vote
    assert len(project.votes()) == 1

    # Rate with the keyboard (Ctrl+4), then undo it.
    win.pages.setCurrentIndex(0)
    assert win.inspector_dock.isVisible()
    win.tree.select(child_id)
    win.rate_actions[4].trigger()
    assert project.version(child_id).rating == 4
    win.undo_action.trigger()
    assert project.version(child_id).rating is None
    win.redo_action.trigger()
    assert project.version(child_id).rating == 4

    # Delete and undo: the node leaves the tree and comes back.
    win.tree.select(child_id)
    win.delete_action.trigger()
    assert project.version(child_id).deleted
    qtbot.waitUntil(lambda: child_id not in win.tree.table.row_of, timeout=5_000)
    win.undo_action.trigger()
    qtbot.waitUntil(lambda: child_id in win.tree.table.row_of, timeout=5_000)
    assert not project.version(child_id).deleted and win.tree.current_id() == child_id

    # Everything above is in the project file.
    again = open_project(project.path)
    try:
        assert again.version(child_id).rating == 4 and len(again.votes()) == 1
    finally:
        again.close()


def test_start_and_cancel_an_evolution(qtbot, studio):
    win = studio
    project = win.project
    dune = next(l for l in project.lineages() if l.title == "Dune Dash")
    root = project.versions(dune.id)[0]
    win.tree.select(root.id)

    def fill(dialog):
        dialog.generations.setValue(20)
        dialog.population.setValue(4)
        dialog.seconds.setValue(2.0)
        dialog.accept()
    answer_next_dialog(qtbot, fill)
    with qtbot.waitSignal(win.job_submitted, timeout=10_000) as submitted:
        win.evolve_action.trigger()
    job_id = submitted.args[0]
    assert project.job(job_id).kind == "evolve"
    qtbot.waitUntil(lambda: project.job(job_id).status == "running", timeout=30_000)
    # Let it make at least one child, then cancel from the jobs panel.
    qtbot.waitUntil(lambda: len(project.versions(dune.id)) >= 2, timeout=JOB_TIMEOUT_MS)
    assert win.jobs.select_job(job_id)
    assert win.jobs.cancel_selected() == 1
    qtbot.waitUntil(lambda: project.job(job_id).status == "cancelled", timeout=10_000)
    made = len(project.versions(dune.id))
    qtbot.wait(2500)
    assert len(project.versions(dune.id)) == made, "a cancelled evolution stops making versions"
    assert made < 1 + 20 * 4
    qtbot.waitUntil(lambda: win.jobs.row_for(job_id).status == "cancelled", timeout=5_000)
    assert win.worker.is_running()  # the worker goes on serving other jobs
    qtbot.waitUntil(lambda: len(win.tree.table) == project.count_versions(), timeout=5_000)


def test_drop_an_html_file_to_start_a_lineage(qtbot, studio, tmp_path):
    win = studio
    project = win.project
    orbit = next(l for l in project.lineages() if l.title == "Orbit Toy")
    html = project.version_files(project.versions(orbit.id)[0].id)["index.html"]
    path = tmp_path / "my_orbit_game.html"
    path.write_bytes(html)

    def fill(dialog):
        assert dialog.from_html.isChecked() and dialog.path_edit.text() == str(path)
        dialog.accept()
    answer_next_dialog(qtbot, fill)
    with qtbot.waitSignal(win.job_submitted, timeout=10_000) as submitted:
        win.new_lineage(html_path=path)
    wait_job(qtbot, win, submitted.args[0])
    titles = [l.title for l in project.lineages()]
    assert titles.count("Orbit Toy") == 2          # named as the game names itself (<title>), not its file
    qtbot.waitUntil(lambda: win.lineages.model.rowCount() == len(titles), timeout=5_000)

    # A file that is not a game is refused in the dialog with a one-line reason; nothing is queued.
    bad = tmp_path / "notes.html"
    bad.write_bytes(b"\x00\x01binary")
    jobs_before = len(project.jobs())

    def refuse(dialog):
        dialog.accept()  # stays open: the file is refused
        assert dialog.isVisible() and "not a text file" in dialog.error.text()
        dialog.reject()
    answer_next_dialog(qtbot, refuse)
    win.new_lineage(html_path=bad)
    assert len(project.jobs()) == jobs_before


def test_window_wide_shortcuts_never_collide(studio):
    """Two window-wide shortcuts on one key cancel each other in Qt (neither fires)."""
    from collections import Counter

    from PySide6.QtGui import QAction, QKeySequence, QShortcut
    from PySide6.QtWidgets import QAbstractButton

    window_wide = Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut
    keys = []
    for action in studio.findChildren(QAction):
        if action.shortcutContext() in window_wide:
            keys += [k.toString() for k in action.shortcuts() if not k.isEmpty()]
    for shortcut in studio.findChildren(QShortcut):
        if shortcut.context() in window_wide and shortcut.isEnabled():
            keys += [k.toString() for k in shortcut.keys() if not k.isEmpty()]
    for button in studio.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty():
            keys.append(button.shortcut().toString())
    clashes = {k: n for k, n in Counter(keys).items() if n > 1}
    assert not clashes, clashes
    # A window-wide plain key (Space, a letter, a digit, an arrow) would be taken from the games.
    game_keys = [k for k in keys if "+" not in k and (len(k) == 1 or k in ("Space", "Left", "Right", "Up", "Down"))]
    assert not game_keys, game_keys
    assert QKeySequence("Ctrl+E").toString() in keys  # mutate is window-wide


def test_new_project_opens_in_its_own_window(qtbot, studio, tmp_path):
    other = studio.new_project(tmp_path / "second")  # the suffix is added
    assert other is not None and other is not studio
    try:
        assert other.project.path == tmp_path / "second.ludeme"
        assert other.lineages.model.rowCount() == 8 and len(other.tree.table) == 8
        assert tmp_path / "second.ludeme" in studio.recent.paths()
        # its seeds are queued for playtesting (scores and thumbnails), like the first project's
        queued = other.project.jobs(kind="evaluate")
        assert len(queued) == 8 and {j.payload["version_id"] for j in queued} == {v.id for v in other.project.versions()}
        assert other.windowTitle() != studio.windowTitle() and other.pos() != studio.pos(), "beside it, not on top"
    finally:
        other.close()
        qtbot.wait(50)


def test_switching_theme_restyles_the_panels(qtbot, studio):
    """Settings ▸ Appearance (or the OS) switches light/dark: the tree and inspector follow."""
    from ludeme.ui.theme import DARK, LIGHT, apply_theme, colors

    app = QApplication.instance()
    try:
        apply_theme(app, dark=False)
        assert colors() is LIGHT
        qtbot.waitUntil(lambda: studio.tree._c is LIGHT, timeout=3000)
        assert studio.tree.view.backgroundBrush().color().name() == LIGHT["base"]
        assert LIGHT["border"] in studio.inspector.styleSheet()
        assert studio.plots.view.backgroundBrush().color().name() == LIGHT["base"]
    finally:
        apply_theme(app, dark=True)
    qtbot.waitUntil(lambda: studio.tree._c is DARK, timeout=3000)


def test_full_screen_keeps_the_page_you_are_on(qtbot, studio):
    win = studio
    win.full_screen_action.trigger()
    assert win.isFullScreen() and not win.tree.isVisible() and not win.inspector_dock.isVisible()
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    assert not win.isFullScreen() and win.tree.isVisible() and win.inspector_dock.isVisible()
    win.pages.setCurrentIndex(1)
    win.full_screen_action.trigger()
    assert win.isFullScreen() and win.pages.currentIndex() == 1 and win.compare.isVisible()
    win.full_screen_action.trigger()
    assert not win.isFullScreen()
