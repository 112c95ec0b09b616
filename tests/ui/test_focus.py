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


KEY_LOG = b"""<!DOCTYPE html><html><head><title>Key log</title></head><body style="margin:0;background:#222">
<canvas id="c" width="200" height="150"></canvas><script>
window.keylog = [];
addEventListener('keydown', e => { if (!e.repeat) keylog.push('down ' + e.key); });
addEventListener('keyup', e => keylog.push('up ' + e.key));
const x = document.getElementById('c').getContext('2d');
(function f() { x.fillStyle = '#' + (keylog.length % 9) + '3a'; x.fillRect(0, 0, 200, 150); requestAnimationFrame(f); })();
</script></body></html>"""


def test_a_studio_shortcut_never_reaches_a_game_that_has_the_keys(qtbot, window):
    """Ctrl+M (mute) typed while the game has the keys: the game sees neither Ctrl nor M, so a
    "press any key" game does not start. A Ctrl tap, a Ctrl held down, and Ctrl+U (no shortcut) reach
    it as typed."""
    from tests.helpers import js_value

    lineage = window.project.add_lineage("Key log")
    v = window.project.add_version(lineage.id, {"index.html": KEY_LOG}, operator="import")
    player = window.player
    with qtbot.waitSignal(player.game_loaded, timeout=20000):
        player.play(v.id, "Key log", focus=True)
    qtbot.waitUntil(player.has_keys, timeout=5000)
    target = player.key_target()
    log = lambda: js_value(qtbot, player.page, "JSON.stringify(window.keylog)")  # noqa: E731

    qtbot.keyClick(target, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # Ctrl down, M, Ctrl up
    assert player.mute_action.isChecked(), "the shortcut did its work"
    qtbot.wait(400)
    assert log() == [], "the shortcut's keys reached the game"

    qtbot.keyPress(target, Qt.Key.Key_Control)             # a tap
    qtbot.keyRelease(target, Qt.Key.Key_Control)
    qtbot.waitUntil(lambda: log() == ["down Control", "up Control"], timeout=3000)

    qtbot.keyPress(target, Qt.Key.Key_Control)             # held down, as a fire button
    qtbot.waitUntil(lambda: log()[-1:] == ["down Control"], timeout=3000)
    qtbot.keyRelease(target, Qt.Key.Key_Control)
    qtbot.waitUntil(lambda: log()[-1:] == ["up Control"], timeout=3000)

    qtbot.keyClick(target, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)  # no studio shortcut: the game's
    qtbot.waitUntil(lambda: log()[-4:-1] == ["down Control", "down u", "up u"], timeout=3000)
