"""The first studio window: lineages and versions, a player for the selected one, its console."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from ludeme import __version__
from ludeme.runtime.sandbox import SandboxProfile
from ludeme.ui.console_panel import ConsolePanel
from ludeme.ui.lineage_panel import LineagePanel, Row
from ludeme.ui.player import GamePlayer


def version_rows(project) -> list[Row]:
    rows = []
    for v in project.versions():
        label = "Seed" if v.operator == "seed" else f"Gen {v.generation} · {v.operator}"
        rows.append(Row(v.id, v.lineage_id, label, v.operator, v.status, v.reward))
    return rows


class MainWindow(QMainWindow):
    project_loaded = Signal()

    def __init__(self, project, sandbox: SandboxProfile, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.sandbox = sandbox
        self.setWindowTitle(f"Ludeme — {project.path.stem}")
        self.resize(1280, 800)

        self.lineages = LineagePanel()
        self.player = GamePlayer(sandbox)
        self.console = ConsolePanel()
        self.player.page.console_message.connect(self.console.add)
        self.player.page_replaced.connect(lambda page: page.console_message.connect(self.console.add))
        self.player.game_stopped.connect(lambda reason: self.console.note(reason, "error"))
        self.lineages.version_selected.connect(self.play_version)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.player)
        right.addWidget(self.console)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        right.setSizes([600, 170])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.lineages)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([330, 950])
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(main)
        self.setCentralWidget(holder)
        self._build_menus()
        self.reload()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        reload_action = QAction("&Reload project", self)
        reload_action.setShortcut(QKeySequence("F5"))
        reload_action.triggered.connect(self.reload)
        file_menu.addAction(reload_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        game_menu = self.menuBar().addMenu("&Game")
        for action in (self.player.restart_action, self.player.pause_action, self.player.mute_action):
            game_menu.addAction(action)
        find = QAction("&Find version", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.lineages.search.setFocus())
        game_menu.addAction(find)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Ludeme", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def reload(self) -> None:
        rows = version_rows(self.project)
        self.lineages.populate(self.project.lineages(), rows)
        self.statusBar().showMessage(f"{self.project.path}  ·  {len(rows)} versions")
        self.project_loaded.emit()

    def play_version(self, version_id: str, title: str = "") -> None:
        self.console.clear()
        self.console.note(f"playing {title or version_id} (game://{version_id}/)")
        self.player.play(version_id, title)

    def _about(self) -> None:
        QMessageBox.about(self, "About Ludeme",
                          f"<b>Ludeme {__version__}</b><p>A studio for the creative evolution of HTML5 games.</p>")

    def closeEvent(self, event) -> None:  # noqa: N802
        self.player.stop()
        super().closeEvent(event)
