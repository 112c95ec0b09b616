"""The studio window (DESIGN.md §8): lineage tree and player in the middle, the inspector on the
right, jobs / console / plots / mechanic archive below, the lineage list on the left, compare as a
second page. Every action that makes versions is a job for the background worker, which the window
starts on demand and restarts if it dies; the window follows the project by polling its change
counter, so versions made by the worker appear in the tree as they are saved.

This module keeps the window's layout and wiring (docks, actions, menus, the toolbar, polling,
selection and playing). What the designer does to versions is in ``window_versions.py``, exports
and imports in ``window_exchange.py``, projects, windows and the saved layout in
``window_projects.py`` (mixins of this class). Over 500 lines because building the actions and
menus of a desktop window is long and flat; it reads top to bottom.
"""
from __future__ import annotations

from collections.abc import Mapping

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QTabWidget, QToolBar,
    QWidget,
)

from ludeme import __version__
from ludeme.runtime.sandbox import SandboxProfile
from ludeme.ui.console_panel import ConsolePanel
from ludeme.ui.lineage_panel import LineagePanel
from ludeme.ui.lineage_tree import LineageTree
from ludeme.ui.player import GamePlayer
from ludeme.ui.theme import glyph_icon
from ludeme.ui.watcher import ProjectWatcher
from ludeme.ui.window_exchange import ExchangeActions
from ludeme.ui.window_projects import ProjectWindows
from ludeme.ui.window_versions import VersionActions

if TYPE_CHECKING:
    from ludeme.store.project import Project

WINDOW_TOPICS = frozenset({"version", "lineage", "recording", "vote", "mechanic"})  # what the window draws
EXPORT_FORMATS = (
    ("bundle", "Lineage bundle (re-importable)…"), ("itch", "itch.io zip of the version…"),
    ("gallery", "HTML gallery of the lineage…"), ("git", "Lineage as a git history…"),
    ("clip", "Clip of the recording (MP4 or GIF)…"),
)


class MainWindow(ExchangeActions, ProjectWindows, VersionActions, QMainWindow):
    project_loaded = Signal()
    job_submitted = Signal(int)

    def __init__(self, project: Project, sandbox: SandboxProfile, parent=None, *, start_worker: bool = True,
                 restore_layout: bool = True) -> None:
        super().__init__(parent)
        self.restore_layout = restore_layout  # the last closed window's geometry and docks, at first show
        from ludeme.ui.archive_browser import ArchiveBrowser
        from ludeme.ui.compare import CompareView
        from ludeme.ui.inspector import Inspector
        from ludeme.ui.jobs_panel import JobsPanel
        from ludeme.ui.plots import EvolutionPlots
        from ludeme.ui.worker_control import WorkerControl

        self.project = project
        self.sandbox = sandbox
        self.auto_worker = start_worker
        self.setWindowTitle(f"Ludeme — {project.path.stem}")
        self.resize(1440, 900)
        # The side docks take the whole height; the bottom dock sits under the tree and the game only
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._shares: dict | None = None  # the docks' shares of the window once the designer set them
        self._relayout_timer = QTimer(self, singleShot=True, interval=120)
        self._relayout_timer.timeout.connect(self._relayout)
        self.setDockNestingEnabled(True)
        self.undo_stack = QUndoStack(self)
        self.watcher = ProjectWatcher(project, self)  # one reader of the change table for every view
        self._archive_stale = False
        self._submitted_here: set[int] = set()  # jobs this window queued (their new versions are shown)

        # -- the middle: tree | player, and the compare page --------------------------------------
        self.tree = LineageTree(project)
        self.player = GamePlayer(sandbox)
        self.console = ConsolePanel()
        self.player.page.console_message.connect(self.console.add)
        self.player.page_replaced.connect(lambda page: page.console_message.connect(self.console.add))
        self.player.game_stopped.connect(lambda reason: self.console.note(reason, "error"))
        self.studio_split = QSplitter(Qt.Orientation.Horizontal)
        self.studio_split.addWidget(self.tree)
        self.studio_split.addWidget(self.player)
        self.studio_split.setStretchFactor(0, 5)
        self.studio_split.setStretchFactor(1, 6)
        self.studio_split.setSizes([520, 640])
        self.compare = CompareView(project, sandbox)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.studio_split, "Studio")
        self.pages.addTab(self.compare, "Compare")
        self.setCentralWidget(self.pages)

        # -- docks ----------------------------------------------------------------------------------
        self.lineages = LineagePanel()
        self.lineages.title.hide()  # the dock has the title
        self.inspector = Inspector(project)
        self.worker = WorkerControl(project.path, self)
        self.jobs = JobsPanel(project, self.worker, watcher=self.watcher)
        self.archive = ArchiveBrowser(project)
        self.plots = EvolutionPlots(project, watcher=self.watcher)
        self.lineage_dock = self._dock("Lineages", self.lineages, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.jobs_dock = self._dock("Jobs", self.jobs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.console_dock = self._dock("Console", self.console, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.archive_dock = self._dock("Mechanics", self.archive, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.archive_dock.visibilityChanged.connect(lambda shown: shown and self._refresh_archive())
        self.tabifyDockWidget(self.jobs_dock, self.console_dock)
        self.tabifyDockWidget(self.jobs_dock, self.archive_dock)
        self.plots_dock = self._dock("Plots", self.plots, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.plots.version_clicked.connect(lambda vid: self.select_version(vid, play=False))
        self.tabifyDockWidget(self.jobs_dock, self.plots_dock)
        self.console_dock.raise_()
        self._sized = False

        # -- wiring ---------------------------------------------------------------------------------
        self.tree.redrawn.connect(lambda: self.lineages.populate(
            self.project.lineage_summaries(self.tree.table), keep_selection=True))
        self.tree.redrawn.connect(self._status)  # the count follows the tree on screen, merges included
        self.tree.current_changed.connect(self._on_current)
        self.tree.activated.connect(lambda vid: self.play_version(vid, focus=True))
        self.player.keys_returned.connect(self._keys_back)
        self.tree.selection_changed.connect(self._update_actions)
        self.tree.context_requested.connect(self._context_menu)
        self.lineages.version_selected.connect(self._on_lineage_pick)
        self.inspector.parent_requested.connect(lambda vid: self.select_version(vid, play=False))
        self.inspector.rating_changed.connect(lambda vid, _r: self._changed_here())
        self.inspector.favourite_changed.connect(lambda vid, _f: self._changed_here())
        self.archive.version_requested.connect(lambda vid: self.select_version(vid))
        self.jobs.job_finished.connect(self._job_finished)
        self.compare.voted.connect(lambda *_: (self.statusBar().showMessage("Vote saved", 3000),
                                               self._changed_here()))
        self.compare.closed.connect(lambda: self.pages.setCurrentIndex(0))
        self.worker.state_changed.connect(self._worker_state)
        self.pages.currentChanged.connect(self._page_changed)
        self._docks_before_compare: dict[QDockWidget, bool] = {}

        self.project_label = QLabel()
        self.project_label.setObjectName("Muted")
        self.statusBar().addPermanentWidget(self.project_label)
        self.plugin_label = QLabel()
        self.plugin_label.setObjectName("Warning")
        self.plugin_label.setStyleSheet("color: #f2c14e")
        self.plugin_label.hide()
        self.statusBar().addPermanentWidget(self.plugin_label)
        self.worker_label = QLabel("worker: stopped")
        self.worker_label.setObjectName("Muted")
        self.statusBar().addPermanentWidget(self.worker_label)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.player.toolbar.addAction(self.full_screen_action)
        self.setAcceptDrops(True)

        self.watcher.changed.connect(self._on_changed)
        self.reload()
        QTimer.singleShot(0, self._report_plugin_problems)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._sized:  # dock sizes only hold once the window has its size
            self._sized = True
            if not (self.restore_layout and self._restore_layout()):
                self._size_docks()
                QTimer.singleShot(0, self._size_docks)
            else:  # the designer's own layout: kept in proportion from now on
                QTimer.singleShot(0, self, lambda: setattr(self, "_shares", self._dock_shares()))

    # -- the window's layout, kept across restarts (QSettings in the data folder) ------------------


    def _size_docks(self) -> None:
        """The first layout, in proportion to the window: from 1024×640 to 4K the tree and the
        game keep most of it, the side docks a readable share, the bottom dock a few rows."""
        w, h = max(self.width(), 800), max(self.height(), 500)
        side = (int(min(240, max(140, 0.13 * w))), int(min(500, max(300, 0.27 * w))))
        self.resizeDocks([self.lineage_dock, self.inspector_dock], list(side), Qt.Orientation.Horizontal)
        self.resizeDocks([self.jobs_dock], [int(min(360, max(150, 0.27 * h)))], Qt.Orientation.Vertical)
        middle = max(400, w - side[0] - side[1])
        self.studio_split.setSizes([int(0.55 * middle), middle - int(0.55 * middle)])  # the tree a little wider

    # A resized window keeps its panes in proportion: the default layout is made again for the new
    # size until the designer drags a separator; from then on (and for a restored layout) the docks
    # keep the shares of the window they had. Qt alone gives every pixel gained to the centre, so
    # docks squeezed by a small window never grew back.
    def _dock_shares(self) -> dict:
        w, h = max(1, self.width()), max(1, self.height())
        return {"lineage": self.lineage_dock.width() / w, "inspector": self.inspector_dock.width() / w,
                "jobs": self.jobs_dock.height() / h}

    def _relayout(self) -> None:
        if self._shares is None:
            self._size_docks()
            return
        w, h = self.width(), self.height()
        docks = [(d, self._shares[k]) for d, k in ((self.lineage_dock, "lineage"), (self.inspector_dock, "inspector"))
                 if d.isVisible() and not d.isFloating()]
        if docks:
            self.resizeDocks([d for d, _ in docks], [max(140, int(f * w)) for _, f in docks], Qt.Orientation.Horizontal)
        if self.jobs_dock.isVisible() and not self.jobs_dock.isFloating():
            self.resizeDocks([self.jobs_dock], [max(110, int(self._shares["jobs"] * h))], Qt.Orientation.Vertical)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if getattr(self, "_sized", False) and not self.isFullScreen():
            self._relayout_timer.start()

    def fit_to_screen(self) -> None:
        """A first start (no saved layout): most of the screen the window opens on, centred."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        w = min(avail.width(), max(1024, int(avail.width() * 0.9)))
        h = min(avail.height(), max(640, int(avail.height() * 0.9)))
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w) // 2, avail.y() + (avail.height() - h) // 2)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        widget.setMinimumSize(140, 110)  # panels may be made small; their own hints ask for a lot
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    # -- actions ------------------------------------------------------------------------------------
    def _action(self, text: str, shortcut, slot, tip: str = "", scope: QWidget | None = None) -> QAction:
        """A window action; with ``scope`` its shortcut works only while the focus is inside that
        widget (Delete and Ctrl+F mean other things in the jobs table and the mechanics browser)."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut if scope is not None
                                      else Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text} ({keys})" if keys else (tip or text))
        action.setStatusTip(tip or text)
        (scope or self).addAction(action)
        return action

    def _build_actions(self) -> None:
        A = self._action
        self.new_action = A("New lineage…", QKeySequence.StandardKey.New, self.new_lineage,
                            "Start a lineage from a seed game, an HTML file or an idea")
        self.open_action = A("Open project…", QKeySequence.StandardKey.Open, self.open_project_dialog)
        self.new_project_action = A("New project…", "Ctrl+Shift+N", self.new_project_dialog,
                                    "Create a project with the seed games and open it in a new window")
        self.settings_action = A("Settings…", "Ctrl+,", self.open_settings, "Models, keys, budget, evaluation")
        self.mutate_action = A("Mutate…", "Ctrl+E", self.mutate, "Make a child of the selected version")
        self.fork_action = A("Fork", "Ctrl+K", self.fork, "Copy the selected version as a child to grow apart")
        self.crossover_action = A("Crossover", "Ctrl+Shift+X", self.crossover,
                                  "Cross the selected versions (Ctrl+click to select two or more)")
        self.evolve_action = A("Evolve…", "Ctrl+Shift+E", self.evolve,
                               "Evolve the selected version's lineage in the background")
        self.repair_action = A("Repair", "Ctrl+Alt+R", self.repair, "Make the selected version again")
        self.edit_action = A("Edit code…", "F4", self.edit_code, "Edit the code; saving makes a new version")
        self.compare_action = A("Compare", "Ctrl+Shift+C", lambda: self.compare_selected(blind=False),
                                "Play the selected versions side by side")
        self.blind_action = A("Blind vote", "Ctrl+B", lambda: self.compare_selected(blind=True),
                              "Compare two versions with hidden identities and vote")
        self.delete_action = A("Delete", QKeySequence.StandardKey.Delete, self.delete_selected,
                               "Delete the selected versions (undo with Ctrl+Z)", scope=self.tree)
        self.favourite_action = A("Favourite", "Ctrl+D", self.toggle_favourite, "Mark as favourite")
        self.play_action = A("Play", "Ctrl+Return", lambda: self.play_version(self.tree.current_id(), focus=True),
                             "Play the selected version")
        self.full_screen_action = A("Full screen", "F11", self.toggle_full_screen, "Play full screen")
        self.full_screen_action.setIcon(glyph_icon("full_screen"))
        self.find_action = A("Find version", QKeySequence.StandardKey.Find, self._focus_search,
                             scope=self.studio_split)
        self.fit_action = A("Show whole tree", "Ctrl+0", self.tree.fit_all)
        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.addActions([self.undo_action, self.redo_action])
        self.rate_actions = [A(f"Rate {'★' * n or 'no stars'}", f"Ctrl+{n}" if n else "Ctrl+Alt+0",
                               lambda n=n: self.rate(n), f"Rate the selected version {n} of 5")
                             for n in range(6)]
        self.worker_action = A("Start worker", None, self.toggle_worker,
                               "The background worker runs mutations and evolutions")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.new_project_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &recent")
        from ludeme.ui.recent import RecentProjects

        self.recent = RecentProjects(parent=self)
        try:
            self.recent.add(self.project.path)
        except OSError as exc:  # an unwritable data folder: the menu still lists what it can
            self.statusBar().showMessage(f"Could not remember this project in Open recent: {exc}", 8000)
        self.recent.attach(self.recent_menu)
        self.recent.open_requested.connect(self.open_project)
        file_menu.addSeparator()
        self.import_action = self._action("&Import bundle…", "Ctrl+Shift+I", self.import_bundle_dialog,
                                          "Import a lineage bundle (.ludeme-bundle) into this project")
        file_menu.addAction(self.import_action)
        export_menu = file_menu.addMenu("&Export selected")
        self.export_actions = {}
        for fmt, label in EXPORT_FORMATS:
            action = self._action(label, None, lambda fmt=fmt: self.export_dialog(fmt))
            export_menu.addAction(action)
            self.export_actions[fmt] = action
        self.export_menu = export_menu
        file_menu.addSeparator()
        reload_action = self._action("&Reload project", "F5", self.reload)
        file_menu.addAction(reload_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = self._action("&Quit", "Ctrl+Q", self.quit_studio)  # StandardKey.Quit is empty on Windows
        file_menu.addAction(quit_action)

        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addActions([self.find_action, self.delete_action, self.favourite_action])
        rate = edit.addMenu("&Rate")
        rate.addActions(self.rate_actions)

        version = bar.addMenu("&Version")
        version.addActions([self.play_action, self.mutate_action, self.fork_action, self.crossover_action,
                            self.repair_action, self.edit_action])
        version.addSeparator()
        version.addActions([self.compare_action, self.blind_action, self.evolve_action])

        game = bar.addMenu("&Game")
        game.addActions([self.player.restart_action, self.player.pause_action, self.player.mute_action,
                         self.full_screen_action])

        view = bar.addMenu("&View")
        view.addAction(self.fit_action)
        for dock in self.findChildren(QDockWidget):
            view.addAction(dock.toggleViewAction())
        shortcuts = {"Inspector": "Ctrl+I", "Jobs": "Ctrl+J", "Console": "Ctrl+`", "Lineages": "Ctrl+L"}
        for dock in self.findChildren(QDockWidget):
            key = shortcuts.get(dock.windowTitle())
            if key:
                dock.toggleViewAction().setShortcut(QKeySequence(key))
        worker = bar.addMenu("&Worker")
        worker.addAction(self.worker_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("Getting started", "F1", self.show_first_run))
        help_menu.addAction(self._action("Keyboard shortcuts", "Ctrl+/", self.show_shortcuts))
        help_menu.addAction(self._action("Plugins", None, self.show_plugins))
        help_menu.addAction(self._action("&About Ludeme", None, self._about))

    def _build_toolbar(self) -> None:
        bar = QToolBar("Actions", self)
        bar.setObjectName("toolbar-actions")
        bar.setMovable(False)
        bar.setIconSize(QSize(16, 16))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.new_action])
        bar.addSeparator()
        bar.addActions([self.mutate_action, self.fork_action, self.crossover_action, self.repair_action,
                        self.edit_action])
        bar.addSeparator()
        bar.addActions([self.compare_action, self.blind_action, self.evolve_action])
        bar.addSeparator()
        bar.addActions([self.favourite_action, self.delete_action])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    # -- data ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the project again and redraw everything (F5). The watcher does this on changes only."""
        self.tree.reload(keep_view=self.tree.table is not None)  # its `redrawn` refills the lineage list
        self.archive.refresh()
        self._status()
        self._update_actions()
        self.project_loaded.emit()

    def poll(self) -> bool:
        """One tick of the watcher now (one read of the change counters when nothing changed); True
        if something the window shows changed."""
        return bool(self.watcher.poll() & WINDOW_TOPICS)

    def _on_changed(self, topics: frozenset) -> None:
        if topics & {"mechanic", "version"}:  # the archive's usage counts
            self._archive_stale = True
            if self.archive_dock.isVisible():
                self._refresh_archive()
        if not topics & WINDOW_TOPICS:  # job heartbeats alone: the jobs panel follows those
            return
        self.tree.refresh_if_changed(background=True)  # merged on a helper thread, then drawn
        current = self.tree.current_id()
        if current and current in self.tree.table.row_of:
            self.inspector.refresh()
        elif current is None or current not in (self.tree.table.row_of if self.tree.table else {}):
            self.inspector.clear()
        self._status()  # again when the merge is drawn (tree.redrawn)
        self._update_actions()

    def _refresh_archive(self) -> None:
        if self._archive_stale:
            self._archive_stale = False
            self.archive.refresh()

    def _changed_here(self) -> None:
        QTimer.singleShot(0, self.poll)

    def _status(self) -> None:
        """The project line, kept apart from passing messages (which it must not overwrite)."""
        n = len(self.tree.table) if self.tree.table is not None else 0
        spent = self.project.ledger_totals().get("cost", 0.0)
        self.project_label.setText(f"{self.project.path.name}  ·  {n:,} versions  ·  spent ${spent:.2f}")
        self.project_label.setToolTip(str(self.project.path))

    # -- selection and play -------------------------------------------------------------------------
    def _on_current(self, version_id: str) -> None:
        self.inspector.show_version(version_id)
        self._plots_for(version_id)
        self.statusBar().showMessage(self.tree.describe(version_id), 4000)
        self._update_actions()
        self.play_version(version_id)

    def _plots_for(self, version_id: str) -> None:
        t = self.tree.table
        row = t.row_of.get(version_id) if t is not None else None
        if row is not None:
            self.plots.show_lineage(t.lineage_ids[t.lineage[row]])

    def _on_lineage_pick(self, version_id: str, _title: str) -> None:
        if self.tree.current_id() != version_id:
            self.select_version(version_id)

    def select_version(self, version_id: str, play: bool = True) -> bool:
        """Select (and play) a version as if clicked in the tree."""
        if self.tree.table is None or version_id not in self.tree.table.row_of:
            return False
        if self.tree.current_id() == version_id:
            if play:
                self.play_version(version_id)
            return True
        if not play:
            self.tree.current_changed.disconnect(self._on_current)
        try:
            self.tree.select(version_id)
            self.tree.ensure_visible(version_id)
        finally:
            if not play:
                self.tree.current_changed.connect(self._on_current)
                self.inspector.show_version(version_id)
        return True

    def play_first_game(self) -> None:
        """The guide's "Play the first game": the first lineage's game, with the keyboard, from its
        title screen (even when it is already the one on screen)."""
        summaries = [s for s in self.project.lineage_summaries(self.tree.table) if s.play_id]
        if not summaries:
            self.statusBar().showMessage("No game to play yet: start a lineage with File ▸ New lineage", 6000)
            return
        vid = summaries[0].play_id
        self.select_version(vid, play=False)
        if self.player.version_id == vid:
            self.player.restart(focus=True)
        else:
            self.play_version(vid, focus=True)

    def select_first_version(self) -> None:
        """The first lineage's best version (the studio opens on it)."""
        summaries = [s for s in self.project.lineage_summaries(self.tree.table) if s.play_id]
        if summaries:
            self.select_version(summaries[0].play_id)

    def play_version(self, version_id: str | None, title: str = "", *, focus: bool = False) -> None:
        """Play a version; ``focus`` (Play, Enter, a double click) hands it the keyboard, otherwise
        the keys stay with the tree (Del, the arrows) until the designer clicks into the game."""
        if not version_id:
            return
        if self.pages.currentIndex() != 0:
            self.pages.setCurrentIndex(0)
        if self.player.version_id == version_id and self.player.painted:
            if focus:
                self.player.enter_game()
            return
        title = title or self.tree.describe(version_id).split(" · ")[0]
        self.console.clear()
        self.console.note(f"playing {self.tree.describe(version_id)} (game://{version_id}/)")
        self.player.play(version_id, title, focus=focus)

    def _keys_back(self) -> None:
        self.tree.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.statusBar().showMessage("Keys are back with the studio (click the game or press Enter to play)", 4000)

    def _focus_search(self) -> None:
        self.tree.search.setFocus()
        self.tree.search.selectAll()

    def _update_actions(self, *_args) -> None:
        ids = self.tree.selected_ids()
        one = len(ids) >= 1
        for action in (self.mutate_action, self.fork_action, self.repair_action, self.edit_action,
                       self.evolve_action, self.delete_action, self.favourite_action, self.play_action,
                       *self.rate_actions):
            action.setEnabled(one)
        self.crossover_action.setEnabled(len(ids) >= 2)
        self.compare_action.setEnabled(len(ids) >= 2)
        self.blind_action.setEnabled(len(ids) == 2 or self.tree.table is not None and len(self.tree.table) >= 2)

    def _context_menu(self, ids: list[str], pos) -> None:
        menu = QMenu(self)
        menu.addActions([self.play_action, self.mutate_action, self.fork_action, self.crossover_action,
                         self.repair_action, self.edit_action])
        menu.addSeparator()
        menu.addActions([self.compare_action, self.blind_action, self.evolve_action])
        menu.addSeparator()
        menu.addActions([self.favourite_action, self.delete_action])
        menu.popup(pos)

    # -- jobs ---------------------------------------------------------------------------------------
    def submit(self, kind: str, payload: dict) -> int:
        """Queue a job and make sure a worker will run it."""
        from ludeme.evolution.queue import submit

        job = submit(self.project, kind, payload)
        self._submitted_here.add(job.id)
        self.job_submitted.emit(job.id)
        if self.auto_worker and not self.worker.is_running():
            self.worker.start()
        self.jobs.refresh()
        self.jobs_dock.raise_()
        self.statusBar().showMessage(f"Queued {kind} (job {job.id})", 4000)
        return job.id

    def _job_finished(self, job_id: int) -> None:
        try:
            job = self.project.job(job_id)
        except Exception:
            return
        self.tree.sync()
        self.poll()
        result = job.result if isinstance(job.result, Mapping) else {}
        # a child, or an evolution run's best child: what the designer asked for lands in view
        saved = (result.get("version_id") or result.get("best_id")) if job.status == "done" else None
        if saved and saved in (self.tree.table.row_of if self.tree.table else {}):
            what = {"evolve": f"{job.message}; best: ", "evaluate": "playtested "}.get(job.kind, "saved ")
            self.statusBar().showMessage(f"{job.kind}: {what}{self.tree.describe(saved)}", 6000)
            if job_id in self._submitted_here and job.kind != "evaluate":
                self.tree.ensure_visible(saved)
        elif job.status == "failed":
            self.statusBar().showMessage(f"{job.kind} failed: {job.message}", 8000)

    def prepare_previews(self) -> int:
        """Once per project: playtest the seed games that have never been evaluated (a new
        project's), in the background, so the tree gets thumbnails and scores. Returns jobs queued."""
        if self.project.meta("previews_queued"):
            return 0
        self.project.set_meta("previews_queued", "1")
        seeds = [v for v in self.project.versions() if v.operator == "seed" and v.reward is None
                 and not self.project.recordings(v.id)]
        for v in seeds:
            self.submit("evaluate", {"version_id": v.id})  # as long as Settings ▸ Evaluation says
        if seeds:
            self.statusBar().showMessage(
                f"Playtesting the {len(seeds)} seed games in the background for their scores and thumbnails…", 10000)
        return len(seeds)

    def _selected_or_warn(self, minimum: int = 1) -> list[str]:
        ids = self.tree.selected_ids()
        if len(ids) < minimum:
            self.statusBar().showMessage(
                "Select a version in the tree first" if minimum == 1 else
                f"Select {minimum} or more versions (Ctrl+click)", 4000)
            return []
        return ids


    # -- compare ------------------------------------------------------------------------------------
    def compare_selected(self, blind: bool = False) -> None:
        ids = self.tree.selected_ids()
        if blind and len(ids) != 2:
            self.compare_next_pair()
            return
        if len(ids) < 2:
            self.statusBar().showMessage("Select two to four versions to compare (Ctrl+click)", 4000)
            return
        self.player.stop()
        self.pages.setCurrentIndex(1)
        self.compare.compare(ids[:4], blind=blind)

    def compare_next_pair(self) -> None:
        """Blind A/B within the current lineage; after each vote, Next pair moves on by itself."""
        current = self.tree.current_id()
        t = self.tree.table
        if t is None or not len(t):
            return
        lineage_id = t.lineage_ids[t.lineage[t.row_of[current]]] if current else t.lineage_ids[0]
        self.player.stop()
        self.pages.setCurrentIndex(1)
        if not self.compare.blind_session(lineage_id):
            self.statusBar().showMessage("This lineage needs two playable versions to compare", 5000)

    def _page_changed(self, index: int) -> None:
        """Compare gets the room (and, blind, nothing that names the versions); Studio gets it back."""
        side = [self.inspector_dock, self.lineage_dock]
        if index == 1:
            self._docks_before_compare = {d: d.isVisible() for d in side}
            for d in side:
                d.hide()
            self.inspector.clear()
            self.console.clear()
            self.statusBar().clearMessage()
        else:
            for d, visible in self._docks_before_compare.items():
                d.setVisible(visible)
            self._docks_before_compare = {}
            current = self.tree.current_id()
            if current:
                self.inspector.show_version(current)

    # -- edits with undo ------------------------------------------------------------------------------


    # -- worker ---------------------------------------------------------------------------------------
    def toggle_worker(self) -> None:
        if self.worker.is_running():
            self.worker.stop()
        else:
            self.worker.start()

    def _worker_state(self, state: str) -> None:
        self.worker_label.setText(f"worker: {state}")
        self.worker_action.setText("Stop worker" if state in ("running", "starting", "restarting")
                                   else "Start worker")
        if state == "crashed":
            self.statusBar().showMessage(f"The worker keeps crashing: {self.worker.last_error}", 10000)

    # -- exchange -------------------------------------------------------------------------------------


    def show_plugins(self) -> None:
        from ludeme.plugin_api.host import get_host

        lines = get_host().summary_lines() or ["No plugins found."]
        QMessageBox.information(self, "Plugins", "\n".join(lines))

    def _report_plugin_problems(self) -> None:
        """A broken plugin is skipped; say so once, in the status bar (Help ▸ Plugins has details)."""
        try:
            from ludeme.plugin_api.host import get_host

            problems = get_host().load().problems
        except Exception as exc:  # the host itself must never stop the studio
            self.statusBar().showMessage(f"Plugins could not be loaded: {exc}", 15000)
            return
        self.plugin_problems = list(problems)
        if problems:
            n = len(problems)
            self.plugin_label.setText(f"⚠ {n} plugin{'s' * (n != 1)} skipped")
            self.plugin_label.setToolTip("\n".join(str(p) for p in problems) + "\n(Help ▸ Plugins)")
            self.plugin_label.show()
            self.statusBar().showMessage(f"Plugin skipped: {problems[0]}", 15000)

    # -- misc -------------------------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        docks = [d for d in self.findChildren(QDockWidget)]
        if self.isFullScreen():
            self.showNormal()
            for dock, visible in getattr(self, "_dock_state", {}).items():
                dock.setVisible(visible)
            self.tree.show()
            self.toolbar.show()
            self.menuBar().show()
            self.statusBar().show()
            return
        self._dock_state = {d: d.isVisible() for d in docks}
        for d in docks:
            d.hide()
        self.toolbar.hide()
        self.menuBar().hide()
        self.statusBar().hide()
        self.showFullScreen()
        if self.pages.currentIndex() == 0:  # the player alone; on the Compare page, the players
            self.tree.hide()
            self.player.view.setFocus()

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new theme (Settings ▸ Appearance, or the OS switching light/dark): panels that paint
        their own colours take the new ones."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) \
                and not getattr(self, "_restyling", False):
            self._restyling = True
            try:
                for widget in (self.tree, self.inspector, self.compare, self.plots, self.player):
                    widget.restyle()
                self.full_screen_action.setIcon(glyph_icon("full_screen"))
            finally:
                self._restyling = False

    def event(self, event) -> bool:  # noqa: A003
        # A modal dialog (Settings, Mutate, a message) blocks the window: the game behind it waits.
        if event.type() in (QEvent.Type.WindowBlocked, QEvent.Type.WindowUnblocked) and hasattr(self, "player"):
            self.player.hold_for_dialog(event.type() == QEvent.Type.WindowBlocked)
        handled = super().event(event)
        # The end of a drag of a dock separator (QMainWindow takes it in event(), before any
        # mouseReleaseEvent): the designer's layout, kept in proportion from now on.
        if event.type() == QEvent.Type.MouseButtonRelease and getattr(self, "_sized", False):
            self._shares = self._dock_shares()
        return handled

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.toggle_full_screen()
            return
        super().keyPressEvent(event)

    def open_settings(self) -> None:
        from ludeme.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.project, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self._changed_here()


    def show_first_run(self) -> None:
        from ludeme.ui.first_run import FirstRunGuide

        guide = getattr(self, "guide", None)
        if guide is None:
            guide = self.guide = FirstRunGuide(self)
            guide.play_first.connect(self.play_first_game)
            guide.mutate_requested.connect(self.mutate)
            guide.compare_requested.connect(lambda: self.compare_selected(blind=True))
            guide.evolve_requested.connect(self.evolve)
            guide.step_taken.connect(guide.hide)  # the step happens in the studio, not behind the guide
        guide.show_over(self.centralWidget())

    def show_shortcuts(self) -> None:
        rows, seen = [], set()
        scoped = [a for a in self.findChildren(QAction) if a.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
                  and a.parent() is self]  # Delete, Find...: shortcuts of the tree
        for action in self.actions() + scoped + [self.player.restart_action, self.player.pause_action,
                                                  self.player.mute_action]:
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and action.text() and id(action) not in seen:
                seen.add(id(action))
                where = " (in the tree)" if action in scoped else ""
                rows.append(f"<tr><td><b>{keys}</b></td><td>{action.text().replace('&', '')}{where}</td></tr>")
        rows.append("<tr><td><b>Enter / double-click</b></td><td>Play the version (tree)</td></tr>")
        rows.append("<tr><td><b>Arrows</b></td><td>Walk the tree: parent, child, siblings</td></tr>")
        rows.append("<tr><td><b>Shift+drag</b></td><td>Select a box of versions</td></tr>")
        rows.append("<tr><td><b>Click the game</b></td><td>Give the keyboard to the game</td></tr>")
        rows.append("<tr><td><b>Esc</b></td><td>Take the keyboard back from the game</td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts", "<table cellpadding=3>" + "".join(rows) + "</table>")


    def _about(self) -> None:
        QMessageBox.about(self, "About Ludeme",
                          f"<b>Ludeme {__version__}</b><p>A studio for the creative evolution of HTML5 games.</p>")


    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_layout()
        self.watcher.stop()
        self.tree.shutdown()
        self.jobs.stop_polling()
        self.player.stop()
        self.compare.shutdown()
        self.inspector.shutdown()
        self.worker.stop()
        super().closeEvent(event)
        if getattr(self, "owns_project", False):  # a window opened from File ▸ Open: its project goes with it
            QTimer.singleShot(0, self.project.close)

