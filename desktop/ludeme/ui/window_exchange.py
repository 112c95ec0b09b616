"""Export and import from the studio window: the dialogs, the export in another process
(`ludeme export`, so a slow export never freezes the window), where it went, and dropped bundles.

A mixin of :class:`ludeme.ui.main_window.MainWindow`: it uses the window's project, tree,
player, status bar and job submission."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox


class ExchangeActions:
    def export_dialog(self, fmt: str) -> None:
        """Ask where, then export the selected version (or its lineage) in another process."""
        ids = self._selected_or_warn()
        if not ids:
            return
        name = self.tree.describe(ids[0]).split(" · ")[0].replace(" ", "_") or "export"
        folder = self._export_folder()
        start = folder / name
        if fmt == "bundle":
            out, _ = QFileDialog.getSaveFileName(self, "Export lineage bundle", f"{start}.ludeme-bundle",
                                                 "Lineage bundles (*.ludeme-bundle)")
        elif fmt == "itch":
            out, _ = QFileDialog.getSaveFileName(self, "Export for itch.io", f"{start}.zip", "Zip (*.zip)")
        elif fmt == "clip":
            out, _ = QFileDialog.getSaveFileName(self, "Export a clip", f"{start}.mp4", "Video (*.mp4 *.gif)")
        else:
            out = QFileDialog.getExistingDirectory(self, f"Export {fmt}: choose where its folder goes", str(folder))
            if out:
                out = str(Path(out) / f"{name}-{fmt}")  # a new folder inside the one chosen
        if out:
            from ludeme.ui.prefs import AppPrefs

            parent = Path(out).parent
            try:
                AppPrefs().set("last_export_dir", str(parent))
            except OSError:
                pass
            self.export(ids[0], fmt, Path(out))

    def _export_folder(self) -> Path:
        """Where export dialogs start: the folder of the last export, else the project's folder."""
        from ludeme.ui.prefs import AppPrefs

        try:
            last = AppPrefs().get("last_export_dir")
        except Exception:
            last = None
        if isinstance(last, str) and Path(last).is_dir():
            return Path(last)
        return self.project.path.parent if self.project.path.parent.is_dir() else Path.home()

    def export(self, target_id: str, fmt: str, out: Path):
        task = self._run_cli(["export", "--project", str(self.project.path), target_id, "--format", fmt,
                              "--out", str(out)], f"Exporting {fmt}…")
        task.finished.connect(lambda ok, message: ok and self._exported(Path(out), message))
        return task

    def _exported(self, out: Path, message: str) -> None:
        """Say where the export went, with a way to open it (not only the passing status bar)."""
        if not self.isVisible() or getattr(self, "quiet_errors", False):
            return
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        box = QMessageBox(QMessageBox.Icon.Information, "Export finished", message, parent=self)
        show = box.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setWindowModality(Qt.WindowModality.NonModal)
        show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(out if out.is_dir() else out.parent))))
        box.show()
        self._export_box = box

    def import_bundle_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a lineage bundle", str(self._export_folder()),
                                              "Lineage bundles (*.ludeme-bundle *.zip)")
        if path:
            self.import_bundle(Path(path))

    def import_bundle(self, path: Path, copy: bool = False):
        """Checked import in another process; a refusal is one line and writes nothing."""
        args = ["import", "--project", str(self.project.path), str(path)] + (["--copy"] if copy else [])
        return self._run_cli(args, f"Importing {Path(path).name}…", refresh=True)

    def _run_cli(self, args: list[str], note: str, refresh: bool = False):
        from ludeme.ui.cli_task import CliTask

        task = CliTask(args, self)
        self._tasks = [t for t in getattr(self, "_tasks", []) if t.running()] + [task]
        self.statusBar().showMessage(note)

        def done(ok: bool, message: str) -> None:
            self.last_task_message = (ok, message)
            if ok:
                self.statusBar().showMessage(message, 10000)
                if refresh:
                    self.poll()
            else:
                self.statusBar().showMessage(message, 15000)
                if self.isVisible() and not getattr(self, "quiet_errors", False):
                    QMessageBox.warning(self, "Ludeme", message)
        task.finished.connect(done)
        task.start()
        return task

    @staticmethod
    def _dropped_bundle(mime) -> Path | None:
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and url.toLocalFile().lower().endswith((".ludeme-bundle", ".zip")):
                return Path(url.toLocalFile())
        return None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        from ludeme.ui.dialogs import drop_target_path

        mime = event.mimeData()
        if drop_target_path(mime) is not None or self._dropped_bundle(mime) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        from ludeme.ui.dialogs import drop_target_path

        path = drop_target_path(event.mimeData())
        bundle = self._dropped_bundle(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.new_lineage(html_path=path))
        elif bundle is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_bundle(bundle))
