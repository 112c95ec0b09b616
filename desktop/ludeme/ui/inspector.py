"""The inspector: everything known about one version, in a header and lazily filled tabs.

Header: title (lineage · generation · operator), status and verdict badge, reward, Bradley–Terry
score, model, tokens, cost, wall time, created, parents (click to go there), direction, and the
designer's own marks: star rating, favourite and notes, saved to the project as they change.
Tabs: Mechanics (plan vs realised, probes), Reward (breakdown bars, gates), Recording (video with
sound, contact sheet), Console (the evaluation's log, verdict reasons), Code (files, diff against
a parent) and Cost (ledger rows). Only the visible tab is filled, so ``show_version`` stays fast.

Wiring: ``Inspector(project)``; call ``show_version(id)`` on selection, ``clear()`` when nothing is
selected, and ``shutdown()`` before the window (and its project) goes away.
"""
from __future__ import annotations

import html
import time
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QSizePolicy, QTabWidget, QToolButton,
    QVBoxLayout, QWidget,
)

from ludeme.core.domain import join_note, split_note, status_word, user_note
from ludeme.ui.inspector_recording import RecordingTab
from ludeme.ui.inspector_tabs import CodeTab, ConsoleTab, CostTab, MechanicsTab, RewardTab
from ludeme.ui.inspector_widgets import StarRating
from ludeme.ui.theme import colors, local_shortcut

if TYPE_CHECKING:
    from ludeme.store.project import Project

NOTE_DEBOUNCE_MS = 800
MAX_NOTE = 20000
MAX_PARENT_LINKS = 6

_QSS = """
QWidget#Inspector QLabel#InspectorTitle {{ font-size: 12.5pt; font-weight: 600; }}
QWidget#Inspector QLabel#SectionTitle {{ font-weight: 600; color: {muted}; padding-top: 2px; }}
QWidget#Inspector QLabel#BigNumber {{ font-size: 18pt; font-weight: 600; color: {text}; }}
QWidget#Inspector QLabel#QualityNumber, QWidget#Inspector QLabel#ProgressNumber {{ font-size: 12pt; }}
QWidget#Inspector QLabel#Badge {{ border-radius: 9px; padding: 1px 8px; font-weight: 600; font-size: 9pt; }}
QWidget#Inspector QLabel#Meta {{ color: {text}; }}
QWidget#Inspector QLabel#Message {{ color: {error}; }}
QWidget#Inspector QToolButton#ParentLink {{ color: {highlight}; border: 1px solid {border};
    border-radius: 8px; padding: 0px 6px; font-family: monospace; }}
QWidget#Inspector QToolButton#ParentLink:hover {{ background: {alt}; }}
QWidget#Inspector QToolButton#Favourite {{ font-size: 14pt; padding: 0px 4px; border: none; color: {muted}; }}
QWidget#Inspector QToolButton#Favourite:checked {{ color: {error}; background: transparent; }}
QWidget#Inspector QFrame#Header {{ background: {alt}; border: 1px solid {border}; border-radius: 10px; }}
QWidget#Inspector QPlainTextEdit#Notes {{ background: {base}; }}
QWidget#Inspector QTabWidget::pane {{ border: 1px solid {border}; border-radius: 8px; top: -1px; }}
QWidget#Inspector QTabBar::tab {{ padding: 5px 8px; border: none; color: {muted}; }}
QWidget#Inspector QTabBar::tab:selected {{ color: {text}; border-bottom: 2px solid {highlight}; }}
QWidget#Inspector QTabBar::tab:hover {{ color: {text}; }}
QWidget#Inspector QTabBar::scroller {{ width: 40px; }}
QWidget#Inspector QTabBar QToolButton {{ background: {alt}; border: 1px solid {border}; border-radius: 4px;
    padding: 0px; margin: 2px 0px; }}
QWidget#Inspector QTableWidget {{ border: none; }}
QWidget#Inspector QHeaderView::section {{ background: {window}; color: {muted}; border: none;
    border-bottom: 1px solid {border}; padding: 4px 6px; font-weight: 600; }}
"""


def _badge_colours(status: str, verdict: str | None) -> str:
    c = colors()
    word = verdict or status
    if word in ("playable", "evaluated", "ok"):
        return c["ok"]
    if word in ("not-interactive", "runtime_failed"):
        return c["warning"]
    if word in ("broken", "rejected", "timeout", "hostile-contained"):
        return c["error"]
    return c["highlight"]


def _when(ts: float | None) -> str:
    if not ts:
        return "—"
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


class NotesEdit(QPlainTextEdit):
    """Plain-text notes that say when they lose focus (the moment to save)."""

    focus_lost = Signal()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.focus_lost.emit()


class Inspector(QWidget):
    rating_changed = Signal(str, int)
    favourite_changed = Signal(str, bool)
    note_changed = Signal(str, str)
    parent_requested = Signal(str)

    TABS = ("Mechanics", "Reward", "Recording", "Console", "Code", "Cost")

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Inspector")
        self.project = project
        self.version = None
        self.last_show_ms = 0.0
        self._loaded: set[int] = set()
        self._note_dirty = False
        c = colors()
        self.setStyleSheet(_QSS.format(**c))

        # -- header ---------------------------------------------------------------------------
        self.header = QFrame()
        self.header.setObjectName("Header")
        from superqt import QElidingLabel

        # One line, elided with "…" in a narrow dock (the whole title is in its tooltip): a wrapped
        # title was cut in half at 1024x640.
        self.title = QElidingLabel("No version selected")
        self.title.setObjectName("InspectorTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setMinimumWidth(1)
        self.badge = QLabel()
        self.badge.setObjectName("Badge")
        self.favourite = QToolButton()
        self.favourite.setObjectName("Favourite")
        self.favourite.setCheckable(True)
        self.favourite.setText("♡")
        self.favourite.setToolTip("Favourite (F)")
        self.favourite.setCursor(Qt.CursorShape.PointingHandCursor)
        self.favourite.toggled.connect(self._on_favourite)
        self.stars = StarRating()
        self.stars.changed.connect(self._on_rating)
        top = QHBoxLayout()  # the title has the whole width; the marks sit on the row below
        top.setSpacing(8)
        top.addWidget(self.title, 1)

        self.meta = QLabel()
        self.meta.setObjectName("Meta")
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.parents_row = QHBoxLayout()
        self.parents_row.setSpacing(4)
        self.parents_label = QLabel("Parents")
        self.parents_label.setObjectName("Muted")
        self.parents_row.addWidget(self.badge)
        self.parents_row.addSpacing(4)
        self.parents_row.addWidget(self.parents_label)
        self.parent_buttons: list[QToolButton] = []
        self.direction = QLabel()
        self.direction.setObjectName("Muted")
        self.direction.setWordWrap(True)
        self.direction.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.parents_row.addStretch(1)
        self.marks = QWidget()  # favourite and stars: beside the badge, or on a row of their own when narrow
        marks = QHBoxLayout(self.marks)
        marks.setContentsMargins(0, 0, 0, 0)
        marks.setSpacing(4)
        marks.addWidget(self.favourite)
        marks.addWidget(self.stars)
        self.parents_row.addWidget(self.marks)
        self.marks_row = QHBoxLayout()
        self.marks_row.addStretch(1)
        self.badge.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)  # its words, whole

        self.notes = NotesEdit()
        self.notes.setObjectName("Notes")
        self.notes.setPlaceholderText("Notes on this version (saved automatically)")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(58)
        self.notes.textChanged.connect(self._on_note_edited)
        self.notes.focus_lost.connect(self.save_note)
        self.message = QLabel()
        self.message.setObjectName("Message")
        self.message.setWordWrap(True)
        self.message.hide()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_DEBOUNCE_MS)
        self._note_timer.timeout.connect(self.save_note)

        hl = QVBoxLayout(self.header)
        hl.setContentsMargins(10, 8, 10, 8)
        hl.setSpacing(5)
        hl.addLayout(top)
        hl.addWidget(self.meta)
        hl.addLayout(self.parents_row)
        hl.addLayout(self.marks_row)
        self.header.installEventFilter(self)
        hl.addWidget(self.direction)
        hl.addWidget(self.notes)
        hl.addWidget(self.message)

        # -- tabs -------------------------------------------------------------------------------
        self.mechanics_tab = MechanicsTab(project)
        self.reward_tab = RewardTab(project)
        self.recording_tab = RecordingTab(project)
        self.console_tab = ConsoleTab(project)
        self.code_tab = CodeTab(project)
        self.cost_tab = CostTab(project)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)  # a narrow dock scrolls its tabs instead of cutting one
        self.tabs.tabBar().setDrawBase(False)
        self.tabs.tabBar().setExpanding(False)
        self._tab_widgets = (self.mechanics_tab, self.reward_tab, self.recording_tab, self.console_tab,
                             self.code_tab, self.cost_tab)
        tips = ("Planned mechanics against what the version realised (Alt+1)",
                "How the reward was made (Alt+2)", "The evaluation's recording, with sound (Alt+3)",
                "The evaluation's console log and verdict (Alt+4)",
                "The version's code and its diff against a parent (Alt+5)", "Model calls and cost (Alt+6)")
        for i, (name, w, tip) in enumerate(zip(self.TABS, self._tab_widgets, tips)):
            self.tabs.addTab(w, name)
            self.tabs.setTabToolTip(i, tip)
            local_shortcut(f"Alt+{i + 1}", self, lambda i=i: self.tabs.setCurrentIndex(i))
        local_shortcut("F", self.header, self.favourite.toggle)
        self.tabs.currentChanged.connect(self._load_current)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(6)
        lay.addWidget(self.header)
        lay.addWidget(self.tabs, 1)
        self.clear()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.header and event.type() == QEvent.Type.Resize:
            self._place_marks()
        return super().eventFilter(watched, event)

    def _place_marks(self) -> None:
        """The badge and the parents keep their words: the stars move down a row when they would not."""
        row = self.parents_row
        needed = sum(row.itemAt(i).widget().sizeHint().width() + row.spacing() for i in range(row.count())
                     if row.itemAt(i).widget() is not None and row.itemAt(i).widget() is not self.marks
                     and not row.itemAt(i).widget().isHidden())
        needed += self.marks.sizeHint().width() + 12
        m = self.header.layout().contentsMargins()
        narrow = self.header.width() - m.left() - m.right() < needed
        target = self.marks_row if narrow else row
        if target.indexOf(self.marks) < 0:
            (row if narrow else self.marks_row).removeWidget(self.marks)
            target.addWidget(self.marks)

    # -- API ------------------------------------------------------------------------------------
    def show_version(self, version_id: str) -> bool:
        """Show a version; False (and a cleared inspector with a message) when it is not found."""
        started = time.perf_counter()
        self.save_note()
        try:
            version = self.project.version(version_id)
        except KeyError:
            self.clear()
            self._say(f"Version {version_id} is not in this project.")
            return False
        self.version = version
        self._extras_seen = self._extras(version.id)
        self._loaded = set()
        self._fill_header(version)
        self.tabs.setEnabled(True)
        self._load_current()
        self.last_show_ms = (time.perf_counter() - started) * 1000
        return True

    def clear(self) -> None:
        self.save_note()
        self.version = None
        self._loaded = set()
        self.title.setText("No version selected")
        self.title.setToolTip("")
        self.badge.hide()
        self.meta.setText("<span style='color:%s'>Select a version to inspect it.</span>" % colors()["muted"])
        self._set_parents(())
        self.direction.setText("")
        self.parents_label.hide()
        for w in (self.stars, self.favourite, self.notes):
            w.blockSignals(True)
        self.stars.set_rating(0)
        self.favourite.setChecked(False)
        self.favourite.setText("♡")
        self.notes.setPlainText("")
        for w in (self.stars, self.favourite, self.notes):
            w.blockSignals(False)
            w.setEnabled(False)
        self._note_dirty = False
        self.message.hide()
        for w in self._tab_widgets:
            w.clear()
        self.tabs.setEnabled(False)

    def restyle(self) -> None:
        """Take the colours of the theme now in use (after Settings ▸ Appearance)."""
        self.setStyleSheet(_QSS.format(**colors()))
        if self.version is not None:
            self.show_version(self.version.id)

    def refresh(self) -> None:
        """Show the current version again if it changed (the project changes often while a worker
        runs; an unchanged version is not redrawn)."""
        if self.version is None:
            return
        try:
            now = self.project.version(self.version.id)
        except KeyError:
            self.show_version(self.version.id)  # gone: says so
            return
        if now == self.version and self._extras(now.id) == getattr(self, "_extras_seen", None):
            return
        self.show_version(self.version.id)

    def _extras(self, version_id: str) -> tuple:
        """What else the tabs show of a version: its recordings and model calls."""
        return self.project.version_extras(version_id)

    def shutdown(self) -> None:
        """Save a pending note and let the recording's web page go (call before closing)."""
        self.save_note()
        self.recording_tab.player.shutdown()

    def current_tab(self) -> str:
        return self.TABS[self.tabs.currentIndex()]

    def set_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(self.TABS.index(name))

    # -- header -------------------------------------------------------------------------------
    def _fill_header(self, v) -> None:
        c = colors()
        try:
            lineage = self.project.lineage(v.lineage_id).title
        except KeyError:
            lineage = "Unknown lineage"
        self.title.setText(f"{lineage} · Gen {v.generation} · {v.operator.value}")
        self.title.setToolTip(f"{lineage} · generation {v.generation} · {v.operator.value}\nVersion {v.id}")
        verdict = (v.breakdown or {}).get("verdict")
        word = status_word(v.status.value, verdict, v.reward)
        if v.deleted:
            word = "deleted · " + word
        colour = colors()["muted"] if v.deleted or word.endswith("not played yet") else _badge_colours(v.status.value, verdict)
        self.badge.setText(word)
        self.badge.setStyleSheet(f"QLabel#Badge {{ color: {colour}; border: 1px solid {colour}; }}")
        self.badge.show()

        def item(key: str, value: str, tip: str = "") -> str:
            t = f" title='{html.escape(tip)}'" if tip else ""
            value = value.replace(" ", "&nbsp;")
            return f"<span style='color:{c['muted']}'{t}>{key}</span>&nbsp;<b>{value}</b>"

        bt = "—"
        if v.bt_score is not None:
            bt = f"{v.bt_score:.0f}"
            if v.bt_low is not None and v.bt_high is not None:
                bt += f" [{v.bt_low:.0f}–{v.bt_high:.0f}]"
        bd = v.breakdown or {}
        q, p = bd.get("quality"), bd.get("progress")
        parts = [
            item("Score", "—" if v.reward is None else f"{v.reward:.3f}",
                 "(1 − share) × quality + share × progress − penalties (Settings ▸ Reward)"),
            *([item("Quality", f"{q:.2f}", "What the game is: playability, mechanics shown, the critic")]
              if isinstance(q, (int, float)) else []),
            *([item("Progress", "root" if p is None else f"{p:.2f}",
                    "What it adds to its lineage: new mechanics shown by probes, novelty")]
              if isinstance(q, (int, float)) else []),
            item("BT", bt, "Bradley–Terry rating from your votes (1000 = average; 400 points = 10:1 odds)"),
            item("Model", html.escape(v.model or "—")),
            item("Tokens", f"{v.tokens_in:,} / {v.tokens_out:,}"),
            item("Cost", f"${v.cost:.4f}"),
            item("Wall", "—" if v.wall_time is None else f"{v.wall_time:.1f} s"),
            item("Created", _when(v.created)),
            item("ID", v.id[:8]),
        ]
        self.meta.setText(" &nbsp;·&nbsp; ".join(parts))
        self.meta.setToolTip(f"Version {v.id}\nSeed {v.seed}")
        self._set_parents(v.parents)
        self.parents_label.setVisible(bool(v.parents))
        self.parents_label.setText("Parent" if len(v.parents) == 1 else "Parents")
        direction = v.direction or ((v.plan or {}).get("intent") if v.plan else "") or ""
        self.direction.setText(f"“{html.escape(direction)}”" if direction else "")
        self.direction.setToolTip("The direction this version was asked to follow" if v.direction else "")

        for w in (self.stars, self.favourite, self.notes):
            w.blockSignals(True)
            w.setEnabled(True)
        self.stars.set_rating(v.rating or 0)
        self.favourite.setChecked(v.favourite)
        self.favourite.setText("♥" if v.favourite else "♡")
        if self.notes.toPlainText() != user_note(v.note):
            self.notes.setPlainText(user_note(v.note))
        for w in (self.stars, self.favourite, self.notes):
            w.blockSignals(False)
        self._note_dirty = False
        self.message.hide()
        self._place_marks()

    def _set_parents(self, parents) -> None:
        for b in self.parent_buttons:
            self.parents_row.removeWidget(b)
            b.deleteLater()
        self.parent_buttons = []
        for i, pid in enumerate(parents[:MAX_PARENT_LINKS]):
            b = QToolButton()
            b.setObjectName("ParentLink")
            b.setText(pid[:8])
            b.setToolTip(f"Go to parent {pid}")
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(lambda _=False, pid=pid: self.parent_requested.emit(pid))
            self.parents_row.insertWidget(self.parents_row.indexOf(self.parents_label) + 1 + i, b)
            self.parent_buttons.append(b)

    # -- the designer's marks -----------------------------------------------------------------
    def _on_rating(self, value: int) -> None:
        if self.version is None:
            return
        vid = self.version.id
        try:
            self.version = self.project.set_rating(vid, value)
        except Exception as exc:  # a locked or vanished project: say so, keep the stars shown
            self._say(f"Could not save the rating: {exc}")
            return
        self.rating_changed.emit(vid, value)

    def _on_favourite(self, on: bool) -> None:
        self.favourite.setText("♥" if on else "♡")
        if self.version is None:
            return
        vid = self.version.id
        try:
            self.version = self.project.set_favourite(vid, on)
        except Exception as exc:
            self._say(f"Could not save the favourite mark: {exc}")
            return
        self.favourite_changed.emit(vid, on)

    def _on_note_edited(self) -> None:
        if self.version is None:
            return
        self._note_dirty = True
        self._note_timer.start()

    def save_note(self) -> None:
        """Write the notes to the project now if they changed (also runs on focus-out, on a short
        pause in typing and before another version is shown)."""
        self._note_timer.stop()
        if not self._note_dirty or self.version is None:
            return
        text = self.notes.toPlainText()
        if len(text) > MAX_NOTE:
            self._say(f"Notes are limited to {MAX_NOTE:,} characters; shorten them to save.")
            return
        vid = self.version.id
        try:
            run_tag, _ = split_note(self.project.version(vid).note)  # the engine's bookkeeping stays
            self.version = self.project.update_version(vid, note=join_note(run_tag, text))
        except Exception as exc:  # the text stays in the box: nothing is lost
            self._say(f"Could not save the notes: {exc}")
            return
        self._note_dirty = False
        self.message.hide()
        self.note_changed.emit(vid, text)

    def _say(self, text: str) -> None:
        self.message.setText(text.splitlines()[0] if text else "")
        self.message.setVisible(bool(text))

    # -- tabs ---------------------------------------------------------------------------------
    def _load_current(self, index: int | None = None) -> None:
        i = self.tabs.currentIndex() if index is None else index
        if self.version is None or i < 0 or i in self._loaded:
            return
        self._loaded.add(i)
        try:
            self._tab_widgets[i].load(self.version)
        except Exception as exc:  # a damaged row must not take the inspector down
            self._say(f"Could not show {self.TABS[i].lower()}: {exc}")

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_note()
        super().closeEvent(event)
