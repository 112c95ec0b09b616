"""Recent projects: newest first, at most ten, missing files pruned, the menu opens them."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMenu

from ludeme.ui.prefs import AppPrefs
from ludeme.ui.recent import MAX_RECENT, RecentProjects


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_most_recent_first_no_duplicates_at_most_ten(tmp_path):
    recent = RecentProjects(AppPrefs())
    files = [_touch(tmp_path / f"p{i}.ludeme") for i in range(13)]
    for f in files:
        recent.add(f)
    recent.add(files[5])  # reopened: moves to the top, not listed twice
    again = RecentProjects(AppPrefs())  # as read at the next start
    assert again.paths() == [files[5], files[12], files[11], files[10], files[9], files[8], files[7], files[6],
                             files[4], files[3]]
    assert len(again.paths()) == MAX_RECENT


def test_missing_files_are_pruned_from_the_store(tmp_path):
    prefs = AppPrefs()
    recent = RecentProjects(prefs)
    a, b, c = (_touch(tmp_path / n) for n in ("a.ludeme", "b.ludeme", "c.ludeme"))
    for f in (a, b, c):
        recent.add(f)
    b.unlink()
    assert recent.paths() == [c, a]
    assert prefs.get("recent_projects") == [str(c), str(a)]
    recent.remove(c)
    assert recent.paths() == [a]


def test_menu_lists_projects_and_opens_the_chosen_one(qtbot, tmp_path):
    recent = RecentProjects(AppPrefs())
    same_name = [_touch(tmp_path / "one" / "game.ludeme"), _touch(tmp_path / "two" / "game.ludeme")]
    other = _touch(tmp_path / "Garden & Co.ludeme")
    for f in same_name + [other]:
        recent.add(f)
    menu = QMenu()
    actions = recent.fill_menu(menu)
    labels = [a.text() for a in actions]
    assert labels[0] == "&1  Garden && Co"
    assert labels[1].startswith("&2  game  —  ") and labels[1].endswith("two")  # folders tell them apart
    assert actions[0].shortcut().toString() == "Ctrl+Shift+1"
    with qtbot.waitSignal(recent.open_requested) as blocker:
        actions[2].trigger()
    assert blocker.args == [same_name[0]]

    clear = [a for a in menu.actions() if a.text() == "Clear List"][0]
    clear.trigger()
    recent.fill_menu(menu)
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == ["No recent projects", "Clear List"]
    assert not menu.actions()[0].isEnabled()
