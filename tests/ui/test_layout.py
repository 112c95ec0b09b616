"""The studio fits a 1024×640 screen: nothing holds the window wider, the game scales into its
pane, and the player's actions that do not fit go to a visible overflow button."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QToolButton



@pytest.fixture
def window(open_studio):
    return open_studio(size=(1024, 640), restore_layout=False)


def test_the_studio_fits_1024_by_640(qtbot, window):
    assert window.minimumSizeHint().width() <= 1024, window.minimumSizeHint()
    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.select_first_version()
    qtbot.wait(100)
    assert window.width() == 1024
    # every dock is usable: the inspector and the lineages keep a readable width, the bottom a few rows
    assert window.inspector_dock.width() >= 240 and window.lineage_dock.width() >= 130
    assert window.console_dock.height() >= 110
    # the player: its actions are on the toolbar or behind a visible overflow button
    bar = window.player.toolbar
    hidden = [a.text() for a in bar.actions() if a.text() and bar.widgetForAction(a) is not None
              and not bar.widgetForAction(a).isVisible()]
    ext = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert not hidden or (ext is not None and ext.isVisible() and ext.width() >= 8
                          and ext.geometry().right() <= bar.width()), hidden
    # the game keeps its aspect inside the pane
    view = window.player.view
    assert view.width() >= 200 and view.height() >= 150
    # the inspector's title is one line: elided in the narrow dock (whole in its tooltip), never cut
    title = window.inspector.title
    full = title.text()
    assert full.endswith("· seed") and "\n" not in full
    shown = title.fontMetrics().horizontalAdvance(title._elidedText())
    assert shown <= title.width() and title.height() >= title.fontMetrics().height()
    assert full.split(" · ")[0] in title.toolTip()


def _widths(win):
    return win.lineage_dock.width(), win.inspector_dock.width(), win.console_dock.height()


def test_panes_recover_after_a_small_window_grows_back(qtbot, open_studio):
    win = open_studio(size=(1440, 900), restore_layout=False)
    qtbot.wait(300)
    before = _widths(win)
    win.resize(1024, 640)
    qtbot.wait(400)
    small = _widths(win)
    assert small[1] < before[1]  # the inspector gave way to the game
    win.resize(1440, 900)
    qtbot.wait(400)
    after = _widths(win)
    assert all(abs(a - b) <= 8 for a, b in zip(after, before)), (before, small, after)


def test_a_layout_the_designer_dragged_keeps_its_proportions(qtbot, open_studio):
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    win = open_studio(size=(1440, 900), restore_layout=False)
    qtbot.wait(300)
    from PySide6.QtCore import Qt as _Qt
    win.resizeDocks([win.inspector_dock], [460], _Qt.Orientation.Horizontal)  # as a separator drag leaves it
    release = QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(5, 5), QPointF(5, 5), Qt.MouseButton.LeftButton,
                          Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, release)
    share = win.inspector_dock.width() / win.width()
    win.resize(1200, 800)
    qtbot.wait(400)
    assert abs(win.inspector_dock.width() / win.width() - share) < 0.02, (share, win.inspector_dock.width())


def test_at_1440_by_900_titles_and_tabs_are_whole(qtbot, open_studio):
    win = open_studio(size=(1440, 900), restore_layout=False)
    with qtbot.waitSignal(win.player.game_painted, timeout=20000):
        win.select_first_version()
    qtbot.wait(300)
    labels = win.tree.labels
    assert len(labels) == 8
    cut = [(item.full_text, item.textItem.toPlainText()) for item in labels
           if not item.isVisible() or item.textItem.toPlainText() != item.full_text]
    assert not cut, cut  # every lineage's name, whole (two rows of titles where one is too tight)
    bar = win.inspector.tabs.tabBar()
    assert bar.sizeHint().width() <= win.inspector.tabs.width(), (bar.sizeHint().width(), win.inspector.tabs.width())
    # the bottom dock's Jobs table shows several jobs, not one row under its controls
    for v in win.project.versions():
        win.project.enqueue_job("evaluate", {"version_id": v.id})
    win.jobs_dock.raise_()
    win.jobs.refresh()
    qtbot.wait(300)
    table = win.jobs.table
    assert table.viewport().height() >= 3 * table.verticalHeader().defaultSectionSize(), table.viewport().height()
    chips = [c for c in win.jobs.chips.values() if c.isVisible()]
    assert all(c.width() >= c.sizeHint().width() for c in chips), [(c.text(), c.width()) for c in chips]


FIXED_CANVAS = b"""<!DOCTYPE html><html><head><title>Fixed canvas</title>
<style>body { margin: 0; background: #000; }</style></head><body><canvas id="c" width="800" height="600"></canvas>
<script>const x = document.getElementById('c').getContext('2d');
function f() { x.fillStyle = '#123'; x.fillRect(0, 0, 800, 600); x.fillStyle = '#f00'; x.fillRect(700, 500, 100, 100);
  requestAnimationFrame(f); } f();</script></body></html>"""


def test_a_game_larger_than_its_pane_is_zoomed_to_fit_keeping_its_aspect(qtbot, open_studio):
    """A hand-written game with a fixed 800×600 canvas (not the kit's, which sizes itself) in a
    1024×640 studio: zoomed out until the whole canvas shows, corner included; zoomed back to at
    most 100 % as the pane grows."""
    win = open_studio(size=(1024, 640), restore_layout=False)
    lineage = win.project.add_lineage("Fixed canvas")
    v = win.project.add_version(lineage.id, {"index.html": FIXED_CANVAS}, operator="import")
    player = win.player
    with qtbot.waitSignal(player.game_loaded, timeout=20000):
        player.play(v.id, "Fixed canvas")
    qtbot.waitUntil(lambda: player.page.zoomFactor() < 0.9, timeout=5000)
    qtbot.wait(300)
    z, vw, vh = player.page.zoomFactor(), player.view.width(), player.view.height()
    assert abs(z - min(vw / 800, vh / 600)) < 0.03, (z, vw, vh)
    img = player.view.grab().toImage()
    corner = img.pixelColor(int(780 * z), int(580 * z))  # the red square at the canvas's bottom right
    assert corner.red() > 200 and corner.green() < 60, (corner.name(), z)
    win.resize(2560, 1440)
    qtbot.waitUntil(lambda: player.page.zoomFactor() > z + 0.05, timeout=5000)
    qtbot.wait(300)
    assert player.page.zoomFactor() <= 1.0
    # a kit game sizes itself to the pane: never zoomed
    with qtbot.waitSignal(player.game_loaded, timeout=20000):
        win.select_first_version()
    qtbot.wait(1800)
    assert player.page.zoomFactor() == 1.0
