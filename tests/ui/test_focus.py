"""Who has the keys: a click on a tree node leaves them with the tree (Del and the arrows act on
versions, not on the game); Enter / Play / a click into the game gives them to the game; Esc
gives them back. The player says which."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication



@pytest.fixture
def window(open_studio):
    return open_studio()


def _focused():
    return QApplication.focusWidget()


def test_a_node_click_keeps_the_keys_in_the_tree_and_enter_gives_them_to_the_game(qtbot, window):
    first, second = (v.id for v in window.project.versions()[:2])
    window.tree.view.setFocus()
    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.select_version(first)                      # a click on a node: it plays...
    qtbot.wait(200)
    assert not window.player.has_keys(), "...but the game did not take the keyboard"
    assert window.tree.view.hasFocus()
    assert "click the game" in window.player.keys_label.text()

    window.tree.activated.emit(first)                    # Enter / double click: play it, keys and all
    qtbot.waitUntil(window.player.has_keys, timeout=5000)
    assert "in the game" in window.player.keys_label.text()

    qtbot.keyClick(_focused(), Qt.Key.Key_Escape)        # Esc: back to the studio
    qtbot.waitUntil(lambda: window.tree.view.hasFocus(), timeout=3000)
    assert not window.player.has_keys()

    # Del now acts on the tree's selection, not on the game
    window.select_version(second, play=False)
    window.tree.view.setFocus()
    qtbot.keyClick(window.tree.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.project.version(second).deleted, timeout=3000)


def test_help_lists_delete_and_the_keyboard_rules(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda parent, title, text: shown.append(text)))
    window.show_shortcuts()
    assert "Del" in shown[0] and "Delete" in shown[0] and "Esc" in shown[0]


def test_play_the_first_game_plays_it_with_the_keys_and_pause_says_so(qtbot, window):
    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.select_first_version()                     # already on screen, keys with the tree
    assert not window.player.has_keys()
    window.show_first_run()                               # the guide (F1), over the studio
    guide = window.guide
    assert guide.isVisible()
    with qtbot.waitSignal(window.player.game_loaded, timeout=20000):  # its button: from the title, keys and all
        qtbot.mouseClick(guide.step_buttons["play_first"], Qt.MouseButton.LeftButton)
    assert not guide.isVisible(), "the guide stays over the game it started"
    qtbot.waitUntil(window.player.has_keys, timeout=5000)
    window.player.pause_action.trigger()
    assert window.player.overlay.isVisible() and "Paused" in window.player.overlay.text()
    window.player.pause_action.trigger()
    assert not window.player.overlay.isVisible()


def test_a_modal_dialog_pauses_the_game_behind_it_and_closing_it_goes_on(qtbot, window):
    from PySide6.QtWidgets import QDialog

    with qtbot.waitSignal(window.player.game_loaded, timeout=20000):
        window.play_first_game()
    qtbot.waitUntil(window.player.has_keys, timeout=5000)
    player = window.player
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.open()                                          # as Settings, Mutate… open over the studio
    qtbot.waitUntil(lambda: player.pause_action.isChecked(), timeout=3000)
    assert player.overlay.isVisible() and "dialog" in player.overlay.text()
    dialog.reject()
    qtbot.waitUntil(lambda: not player.pause_action.isChecked(), timeout=3000)
    assert not player.overlay.isVisible()
    # a game the designer paused stays paused across a dialog
    player.pause_action.trigger()
    dialog.open()
    qtbot.wait(50)
    dialog.reject()
    qtbot.wait(50)
    assert player.pause_action.isChecked() and "Paused" in player.overlay.text()
