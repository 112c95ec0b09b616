"""Recent projects: the last ten project files opened, newest first, and the "Open Recent" menu.

Stored in the app preferences (``prefs.json`` in the data folder). Files that no longer exist are
dropped whenever the list is read, so the menu never offers a project that cannot open.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ludeme.ui.prefs import AppPrefs

MAX_RECENT = 10
_KEY = "recent_projects"


def _norm(path: str | Path) -> Path:
    return Path(os.path.abspath(os.path.expanduser(str(path))))


class RecentProjects(QObject):
    """``add(path)`` when a project opens; ``fill_menu(menu)`` builds "Open Recent"; choosing an
    entry emits ``open_requested(Path)``."""

    open_requested = Signal(Path)
    changed = Signal()

    def __init__(self, prefs: AppPrefs | None = None, parent: QObject | None = None,
                 limit: int = MAX_RECENT) -> None:
        super().__init__(parent)
        self.prefs = prefs or AppPrefs()
        self.limit = limit

    def _stored(self) -> list[Path]:
        raw = self.prefs.get(_KEY, [])
        if not isinstance(raw, list):
            return []
        out: list[Path] = []
        for item in raw:
            if isinstance(item, str) and item:
                p = _norm(item)
                if p not in out:
                    out.append(p)
        return out

    def _write(self, paths: list[Path]) -> None:
        self.prefs.set(_KEY, [str(p) for p in paths[: self.limit]])
        self.changed.emit()

    def paths(self) -> list[Path]:
        """Existing recent projects, most recent first (missing files are pruned from the store)."""
        stored = self._stored()
        alive = [p for p in stored if p.is_file()][: self.limit]
        if alive != stored:
            self._write(alive)
        return alive

    def add(self, path: str | Path) -> None:
        p = _norm(path)
        self._write([p] + [q for q in self._stored() if q != p])

    def remove(self, path: str | Path) -> None:
        p = _norm(path)
        self._write([q for q in self._stored() if q != p])

    def clear(self) -> None:
        self._write([])

    def fill_menu(self, menu: QMenu) -> list[QAction]:
        """Replace ``menu``'s entries with the recent projects (Ctrl+Shift+1…9 for the first nine)
        and a "Clear List" entry; returns the project actions."""
        menu.clear()
        paths = self.paths()
        actions: list[QAction] = []
        names = [p.stem for p in paths]
        for i, p in enumerate(paths):
            # Two projects with the same name: show their folders too.
            label = p.stem if names.count(p.stem) == 1 else f"{p.stem}  —  {p.parent}"
            prefix = f"&{i + 1}  " if i < 9 else "    "
            action = QAction(prefix + label.replace("&", "&&"), menu)
            action.setData(str(p))
            action.setToolTip(str(p))
            action.setStatusTip(str(p))
            if i < 9:
                action.setShortcut(QKeySequence(f"Ctrl+Shift+{i + 1}"))
            action.triggered.connect(lambda _checked=False, path=p: self.open_requested.emit(path))
            menu.addAction(action)
            actions.append(action)
        if not paths:
            empty = menu.addAction("No recent projects")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear List")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.clear)
        menu.setToolTipsVisible(True)
        return actions

    def attach(self, menu: QMenu) -> None:
        """Keep ``menu`` filled: it is rebuilt each time it is about to show."""
        menu.aboutToShow.connect(lambda: self.fill_menu(menu))
        self.fill_menu(menu)
