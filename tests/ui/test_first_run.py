"""The welcome guide: shown on first start, its buttons ask for the four first steps, "Don't show
again" is remembered in the app preferences; the empty-project state offers three ways in."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ludeme.ui.first_run import EmptyState, FirstRunGuide
from ludeme.ui.prefs import AppPrefs


@pytest.fixture
def host(qtbot):
    w = QWidget()
    w.resize(1000, 700)
    qtbot.addWidget(w)
    w.show()
    return w


def _texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_guide_shows_on_first_start_and_not_after_dont_show_again(qtbot, host, tmp_path):
    prefs = AppPrefs()
    assert prefs.path.parent == tmp_path / "userdata"  # the private data folder of conftest
    assert FirstRunGuide.should_show(prefs)
    guide = FirstRunGuide(host, prefs)
    guide.show_over()
    assert guide.isVisible() and guide.geometry() == host.rect()
    text = _texts(guide)
    for words in ("Welcome to Ludeme", "Play a game", "Mutate it with a direction", "Compare and vote",
                  "Let evolution run"):
        assert words in text
    assert guide.dont_show.isChecked()  # the usual choice: once is enough

    with qtbot.waitSignal(guide.dismissed):
        qtbot.mouseClick(guide.close_button, Qt.MouseButton.LeftButton)
    assert not guide.isVisible()
    assert json.loads(prefs.path.read_text())["first_run_done"] is True
    assert not FirstRunGuide.should_show(AppPrefs())  # a fresh read, as at the next start


def test_dismissed_without_dont_show_again_comes_back(qtbot, host):
    prefs = AppPrefs()
    guide = FirstRunGuide(host, prefs)
    guide.show_over()
    guide.dont_show.setChecked(False)
    with qtbot.waitSignal(guide.dismissed):
        qtbot.keyClick(guide, Qt.Key.Key_Escape)
    assert not guide.isVisible()
    assert FirstRunGuide.should_show(AppPrefs())
    FirstRunGuide(host, prefs).dismiss()
    assert not FirstRunGuide.should_show(AppPrefs())
    FirstRunGuide.reset(prefs)  # Help ▸ Welcome Guide brings it back
    assert FirstRunGuide.should_show(AppPrefs())


@pytest.mark.parametrize("signal_name", ["play_first", "mutate_requested", "compare_requested", "evolve_requested"])
def test_each_step_button_asks_for_its_step(qtbot, host, signal_name):
    guide = FirstRunGuide(host, AppPrefs())
    guide.show_over()
    others = [name for name in guide.step_buttons if name != signal_name]
    fired: list[str] = []
    for name in others:
        getattr(guide, name).connect(lambda name=name: fired.append(name))
    with qtbot.waitSignal(getattr(guide, signal_name), timeout=1000):
        qtbot.mouseClick(guide.step_buttons[signal_name], Qt.MouseButton.LeftButton)
    assert fired == []


def test_overlay_follows_its_host_and_unreadable_prefs_read_as_first_start(qtbot, host):
    prefs = AppPrefs()
    prefs.path.parent.mkdir(parents=True, exist_ok=True)
    prefs.path.write_text("{not json")
    assert FirstRunGuide.should_show(prefs)
    guide = FirstRunGuide(host, prefs)
    guide.show_over()
    host.resize(1280, 800)
    qtbot.waitUntil(lambda: guide.geometry() == host.rect(), timeout=1000)
    guide.dismiss()
    assert not FirstRunGuide.should_show(AppPrefs())  # the damaged file was replaced


def test_empty_state_offers_three_ways_to_a_first_game(qtbot):
    empty = EmptyState()
    qtbot.addWidget(empty)
    empty.show()
    assert "No games in this project yet" in _texts(empty)
    for button, signal in ((empty.seed_button, empty.seed_requested), (empty.import_button, empty.import_requested),
                           (empty.new_button, empty.new_requested)):
        assert button.isVisible()
        with qtbot.waitSignal(signal, timeout=1000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_maybe_show_only_on_a_first_start(qtbot, host):
    guide = FirstRunGuide.maybe_show(host)
    assert guide is not None and guide.isVisible() and guide.parentWidget() is host
    guide.dismiss()
    assert FirstRunGuide.maybe_show(host) is None
