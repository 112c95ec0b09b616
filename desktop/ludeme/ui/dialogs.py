"""The studio's action dialogs: new lineage, mutate with a direction, evolve, manual code edit.

Each dialog only gathers what the user wants and returns a job payload; the window queues the job
for the background worker, so the studio never waits on a model or an evaluation.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
    QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout,
)
from ludeme.ui.theme import local_shortcut

if TYPE_CHECKING:
    from ludeme.store.project import Project

MAX_IMPORT_BYTES = 5 * 1024 * 1024
DIRECTION_IDEAS = ("harder", "easier", "faster", "floatier jump", "heavier", "double jump",
                   "more juice", "add a dash", "add enemies that chase", "add a score multiplier")


def model_choices(project: Project) -> list[str]:
    """The project's default model first, then offline and a few common ones."""
    from ludeme.agents.settings import project_settings

    try:
        default = project_settings(project).default_model
    except Exception:  # unreadable settings: the settings dialog says why
        default = "offline"
    out = [default, "offline"]
    return list(dict.fromkeys(m for m in out if m))


def _model_combo(project: Project) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(model_choices(project))
    box.setToolTip("'offline' needs no key: it recombines the kit's mechanics. Any litellm model string works.")
    return box


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def read_html_file(path: Path) -> str:
    """An HTML file a person dropped or picked, checked before it becomes a job (one-line errors)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path.name} is not a file")
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ValueError(f"{path.name} is {size / 1e6:.1f} MB; a game must be under {MAX_IMPORT_BYTES // 2**20} MB")
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        raise ValueError(f"{path.name} is not a text file")
    text = data.decode("utf-8", "replace")
    if "<" not in text:
        raise ValueError(f"{path.name} does not look like HTML")
    return text


class NewLineageDialog(QDialog):
    """Start a lineage from a seed game, an HTML file or an idea."""

    def __init__(self, project: Project, parent=None, html_path: Path | None = None) -> None:
        super().__init__(parent)
        from ludeme.core.kit import seed_games

        self.setWindowTitle("New lineage")
        self.project = project
        self.seeds = list(seed_games())
        self.mode = QButtonGroup(self)
        self.from_seed = QRadioButton("From a seed game")
        self.from_html = QRadioButton("From an HTML file")
        self.from_idea = QRadioButton("From an idea")
        for i, b in enumerate((self.from_seed, self.from_html, self.from_idea)):
            self.mode.addButton(b, i)
        self.seed_box = QComboBox()
        for g in self.seeds:
            self.seed_box.addItem(f"{g.title} — {g.genre}", g.slug)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Pick or drop a .html file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.idea_edit = QLineEdit()
        self.idea_edit.setPlaceholderText("e.g. a frog hopping between lily pads that sink")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Title (optional)")
        self.model_box = _model_combo(project)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setStyleSheet("color: #ff6b6b")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.from_seed, self.seed_box)
        form.addRow(self.from_html, path_row)
        form.addRow(self.from_idea, self.idea_edit)
        form.addRow("Title", self.title_edit)
        form.addRow("Model", self.model_box)
        lay = QVBoxLayout(self)
        intro = QLabel("A lineage is the family tree of one game. Its root is playtested, scored and "
                       "recorded; then you grow it with mutations.")
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(_buttons(self, "Create"))
        self.from_seed.setChecked(True)
        if html_path is not None:
            self.path_edit.setText(str(html_path))
            self.from_html.setChecked(True)
        self.path_edit.textEdited.connect(lambda _t: self.from_html.setChecked(True))
        self.idea_edit.textEdited.connect(lambda _t: self.from_idea.setChecked(True))
        self.resize(560, 0)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import an HTML game", str(Path.home()),
                                              "HTML games (*.html *.htm)")
        if path:
            self.path_edit.setText(path)
            self.from_html.setChecked(True)

    def request(self) -> tuple[str, dict]:
        """(kind, payload) for the chosen start; ValueError with a one-line reason if incomplete."""
        title = self.title_edit.text().strip()
        if self.from_seed.isChecked():
            slug = self.seed_box.currentData()
            return "seed", {"slug": slug, "title": title}
        if self.from_html.isChecked():
            text = self.path_edit.text().strip()
            if not text:
                raise ValueError("pick an HTML file to import")
            from ludeme.core.titles import import_title

            html = read_html_file(Path(text).expanduser())
            return "import", {"html": html, "title": title or import_title(html, text)}
        idea = " ".join(self.idea_edit.text().split())
        if len(idea) < 3:
            raise ValueError("describe the idea in a few words")
        return "idea", {"prompt": idea, "title": title or None, "model": self.model_box.currentText().strip()}

    def accept(self) -> None:
        try:
            self.request()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class MutateDialog(QDialog):
    """Mutate a version toward a direction."""

    def __init__(self, project: Project, version_label: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mutate")
        self.direction = QComboBox()
        self.direction.setEditable(True)
        self.direction.addItem("")
        self.direction.addItems(DIRECTION_IDEAS)
        self.direction.lineEdit().setPlaceholderText("a direction, e.g. 'floatier jump' (optional)")
        self.model_box = _model_combo(project)
        self.count = QSpinBox()
        self.count.setRange(1, 12)
        self.count.setValue(1)
        self.count.setToolTip("How many children to make (each its own job, different seeds)")
        form = QFormLayout()
        form.addRow("Direction", self.direction)
        form.addRow("Model", self.model_box)
        form.addRow("Children", self.count)
        lay = QVBoxLayout(self)
        head = QLabel(f"New child of <b>{version_label}</b>")
        lay.addWidget(head)
        lay.addLayout(form)
        lay.addWidget(_buttons(self, "Mutate"))
        self.direction.setFocus()
        self.resize(480, 0)

    def payload(self) -> dict:
        return {"direction": self.direction.currentText().strip(), "model": self.model_box.currentText().strip()}


class EvolveDialog(QDialog):
    """Run evolution on a lineage in the background."""

    def __init__(self, project: Project, lineage_title: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evolve")
        self.generations = QSpinBox()
        self.generations.setRange(1, 500)
        self.generations.setValue(5)
        self.population = QSpinBox()
        self.population.setRange(1, 64)
        self.population.setValue(6)
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0.0, 10_000.0)
        self.budget.setDecimals(2)
        self.budget.setPrefix("$ ")
        self.budget.setSpecialValueText("no limit")
        self.budget.setToolTip("Stop when the run has spent this much on model calls (offline costs nothing)")
        self.model_box = _model_combo(project)
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(2.0, 60.0)
        try:  # the project's Settings ▸ Evaluation ▸ Play for, as every other playtest uses
            from ludeme.core.settings import project_engine_settings

            default_seconds = float(project_engine_settings(project).evaluation.seconds)
        except Exception:
            default_seconds = 10.0
        self.seconds.setValue(min(60.0, max(2.0, default_seconds)))
        self.seconds.setSuffix(" s")
        self.seconds.setToolTip("How long the bot plays each child (from Settings ▸ Evaluation; shorter runs "
                                "evolve faster, longer ones score surer)")
        form = QFormLayout()
        form.addRow("Generations", self.generations)
        form.addRow("Population", self.population)
        form.addRow("Budget", self.budget)
        form.addRow("Model", self.model_box)
        form.addRow("Playtest", self.seconds)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"Evolve <b>{lineage_title}</b> in the background; new versions appear in "
                             "the tree as they are made. Cancel any time from the Jobs panel."))
        lay.addLayout(form)
        lay.addWidget(_buttons(self, "Start"))
        self.resize(480, 0)

    def payload(self) -> dict:
        budget = self.budget.value()
        return {"generations": self.generations.value(), "population": self.population.value(),
                "budget_usd": budget or None, "model": self.model_box.currentText().strip(),
                "seconds": self.seconds.value()}


class CodeEditorDialog(QDialog):
    """Edit a version's code by hand; saving makes a new version (its child), evaluated like any."""

    def __init__(self, html: str, version_label: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit code — {version_label}")
        self.original = html
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(html)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(10)
        self.editor.setFont(font)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        from ludeme.ui.inspector_widgets import EditableCodeHighlighter
        from ludeme.ui.theme import DARK, colors

        self.highlighter = EditableCodeHighlighter(self.editor.document(), dark=colors() is DARK)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What did you change? (kept with the new version)")
        self.status = QLabel()
        self.status.setObjectName("Muted")
        self.editor.textChanged.connect(self._changed)
        buttons = _buttons(self, "Save as new version")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setEnabled(False)
        local_shortcut(QKeySequence.StandardKey.Save, self, self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.status)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.resize(980, 720)

    def _changed(self) -> None:
        changed = self.editor.toPlainText() != self.original
        self.save_button.setEnabled(changed and bool(self.editor.toPlainText().strip()))
        self.status.setText("edited" if changed else "")

    def payload(self) -> dict:
        return {"html": self.editor.toPlainText(), "note": self.note.text().strip() or "manual edit"}


def drop_target_path(mime) -> Path | None:
    """The first local .html/.htm file in a drag's data, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith((".html", ".htm")):
            return Path(url.toLocalFile())
    return None

