"""The studio's windows and projects: the layout kept across restarts (QSettings in the data
folder), File ▸ New / Open project (a window per project, placed beside this one), Quit.

A mixin of :class:`ludeme.ui.main_window.MainWindow`: it uses the window's project, tree,
player, status bar and job submission."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox


from ludeme.runtime.sandbox import SandboxProfile

LAYOUT_VERSION = 1  # bump when the docks change so that an old saved layout is not applied


class ProjectWindows:
    @staticmethod
    def layout_settings():
        from PySide6.QtCore import QSettings

        from ludeme import paths

        return QSettings(str(paths.data_dir() / "studio-layout.ini"), QSettings.Format.IniFormat)

    def _restore_layout(self) -> bool:
        """The geometry, docks and splitter of the last window closed; False when there is none."""
        try:
            s = self.layout_settings()
            geometry, state, split = s.value("window/geometry"), s.value("window/state"), s.value("window/split")
            if geometry is None or state is None:
                return False
            restored = self.restoreGeometry(geometry) and self.restoreState(state, LAYOUT_VERSION)
            if split is not None:
                self.studio_split.restoreState(split)
            return bool(restored)
        except Exception:  # a damaged settings file: the default layout
            return False

    def save_layout(self) -> None:
        try:
            s = self.layout_settings()
            s.setValue("window/geometry", self.saveGeometry())
            s.setValue("window/state", self.saveState(LAYOUT_VERSION))
            s.setValue("window/split", self.studio_split.saveState())
            s.sync()
        except Exception:
            pass

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a Ludeme project", str(self.project.path.parent),
                                              "Ludeme projects (*.ludeme)")
        if path:
            self.open_project(Path(path))

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New Ludeme project", str(self.project.path.parent / "new.ludeme"),
                                              "Ludeme projects (*.ludeme)")
        if path:
            self.new_project(Path(path))

    def new_project(self, path: Path):
        """Create a project with the seed games at ``path`` and open it in a new window."""
        from ludeme.store import ProjectError, create_default_project

        path = path if path.suffix == ".ludeme" else path.with_suffix(".ludeme")
        if path.exists():
            QMessageBox.warning(self, "New project", f"{path} already exists; open it instead.")
            return None
        try:
            create_default_project(path).close()
        except ProjectError as exc:
            QMessageBox.warning(self, "New project", str(exc))
            return None
        return self.open_project(path)

    def open_project(self, path: Path):
        """Open another project in a new window (this one stays as it is); the window, or None."""
        from ludeme.store import ProjectError, open_project

        try:
            project = open_project(path)
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot open project", str(exc))
            if self.recent is not None:
                self.recent.remove(path)
            return None
        window = type(self)(project, SandboxProfile(project.version_file), start_worker=self.auto_worker,
                            restore_layout=False)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.owns_project = True
        # beside this one, not exactly on top of it (the saved layout is this window's)
        window.resize(self.size())
        window.move(self._beside())
        window.show()
        window.select_first_version()
        window.prepare_previews()  # a new project's seeds are playtested for their scores
        if self.recent is not None:
            self.recent.add(path)
        self.other_windows = [w for w in getattr(self, "other_windows", []) if w.isVisible()] + [window]
        return window

    def _beside(self) -> QPoint:
        """Where a new window goes: 40 px down and right of this one, or up and left when that would
        leave the screen (next to a maximised window), never off the screen's free area."""
        pos = self.pos() + QPoint(40, 40)
        screen = self.screen()
        if screen is None:
            return pos
        avail, size = screen.availableGeometry(), self.frameGeometry().size()
        if size.width() > avail.width() - 40 or size.height() > avail.height() - 40:
            return pos  # as big as the screen: cascade (it cannot stay inside anyway)
        if pos.x() + size.width() > avail.right() + 1 or pos.y() + size.height() > avail.bottom() + 1:
            pos = self.pos() - QPoint(40, 40)
        return QPoint(min(max(pos.x(), avail.left()), avail.right() + 1 - size.width()),
                      min(max(pos.y(), avail.top()), avail.bottom() + 1 - size.height()))

    def quit_studio(self) -> None:
        """File ▸ Quit: every studio window closes (each stops its worker) and the process ends."""
        from PySide6.QtWidgets import QApplication

        QApplication.closeAllWindows()
        if not any(isinstance(w, ProjectWindows) and w.isVisible() for w in QApplication.topLevelWidgets()):
            QApplication.quit()
