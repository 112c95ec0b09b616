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
