"""What the designer does to versions from the studio window: new lineages, mutate, fork,
crossover, repair, evolve, edit code (each a job for the worker), delete with undo, rate, favourite.

A mixin of :class:`ludeme.ui.main_window.MainWindow`: it uses the window's project, tree,
player, status bar and job submission."""
from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtGui import QUndoCommand


class _SetCommand(QUndoCommand):
    """An undoable change: ``do`` now and on redo, ``undo`` on undo."""

    def __init__(self, text: str, do, undo) -> None:
        super().__init__(text)
        self._do, self._undo = do, undo

    def redo(self) -> None:
        self._do()

    def undo(self) -> None:
        self._undo()


class VersionActions:
    def new_lineage(self, html_path: Path | None = None) -> None:
        from ludeme.ui.dialogs import NewLineageDialog

        dialog = NewLineageDialog(self.project, self, html_path=html_path)
        if dialog.exec() != NewLineageDialog.DialogCode.Accepted:
            return
        kind, payload = dialog.request()
        self._start_lineage(kind, payload)

    def _start_lineage(self, kind: str, payload: dict) -> None:
        if kind == "seed":
            from ludeme.core.kit import seed_games
            from ludeme.store.seeding import add_seed_lineage

            game = next(g for g in seed_games() if g.slug == payload["slug"])
            lineage, version = add_seed_lineage(self.project, game, title=payload.get("title") or None)
            self.poll()
            self.select_version(version.id)
            return
        self.submit(kind, payload)

    def mutate(self) -> None:
        from ludeme.ui.dialogs import MutateDialog

        ids = self._selected_or_warn()
        if not ids:
            return
        dialog = MutateDialog(self.project, self.tree.describe(ids[0]), self)
        if dialog.exec() != MutateDialog.DialogCode.Accepted:
            return
        payload = dialog.payload()
        base = random.randrange(1 << 30)
        for i in range(dialog.count.value()):
            self.submit("mutate", {**payload, "version_id": ids[0], "seed": base + i})

    def fork(self) -> None:
        for vid in self._selected_or_warn()[:1]:
            self.submit("fork", {"version_id": vid})

    def crossover(self) -> None:
        ids = self._selected_or_warn(2)
        if ids:
            self.submit("crossover", {"version_ids": ids, "seed": random.randrange(1 << 30)})

    def repair(self) -> None:
        for vid in self._selected_or_warn()[:1]:
            self.submit("repair", {"version_id": vid})

    def evolve(self) -> None:
        from ludeme.ui.dialogs import EvolveDialog

        ids = self._selected_or_warn()
        if not ids:
            return
        version = self.project.version(ids[0])
        title = next((l.title for l in self.project.lineages() if l.id == version.lineage_id), "")
        dialog = EvolveDialog(self.project, title, self)
        if dialog.exec() != EvolveDialog.DialogCode.Accepted:
            return
        self.submit("evolve", {**dialog.payload(), "lineage_id": version.lineage_id})

    def edit_code(self) -> None:
        from ludeme.ui.dialogs import CodeEditorDialog

        ids = self._selected_or_warn()
        if not ids:
            return
        files = self.project.version_files(ids[0])
        html = files.get("index.html", b"").decode("utf-8", "replace")
        dialog = CodeEditorDialog(html, self.tree.describe(ids[0]), self)
        if dialog.exec() != CodeEditorDialog.DialogCode.Accepted:
            return
        self.submit("manual", {**dialog.payload(), "version_id": ids[0]})

    def delete_selected(self) -> None:
        ids = self._selected_or_warn()
        if not ids:
            return
        project = self.project

        def do():
            for vid in ids:
                project.soft_delete(vid)
            self.poll()

        def undo():
            for vid in ids:
                project.restore(vid)
            self.tree.sync()
            self.poll()
            self.tree.select(ids)

        label = f"Delete {len(ids)} version{'s' * (len(ids) != 1)}"
        self.undo_stack.push(_SetCommand(label, do, undo))
        self.statusBar().showMessage(f"{label} — Ctrl+Z to undo", 6000)

    def rate(self, stars: int) -> None:
        ids = self._selected_or_warn()
        if not ids:
            return
        vid = ids[0]
        before = self.project.version(vid).rating

        def apply(value):
            self.project.set_rating(vid, value)
            self.inspector.refresh()
            self._changed_here()

        self.undo_stack.push(_SetCommand(f"Rate {stars}★", lambda: apply(stars), lambda: apply(before)))

    def toggle_favourite(self) -> None:
        ids = self._selected_or_warn()
        if not ids:
            return
        vid = ids[0]
        before = self.project.version(vid).favourite

        def apply(value):
            self.project.set_favourite(vid, value)
            self.inspector.refresh()
            self._changed_here()

        self.undo_stack.push(_SetCommand("Favourite" if not before else "Unfavourite",
                                         lambda: apply(not before), lambda: apply(before)))
