"""The console log of the game that is playing: errors stand out, floods are capped."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ludeme.runtime.sandbox import ConsoleEntry
from ludeme.ui.theme import colors

MAX_LINES = 2000


class ConsolePanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counts = {"info": 0, "warning": 0, "error": 0}
        self.title = QLabel("Console")
        self.title.setObjectName("PanelTitle")
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        clear = QPushButton("Clear")
        clear.setFlat(True)
        clear.clicked.connect(self.clear)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.summary, 1)
        head.addWidget(clear)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlaceholderText("Messages from the game appear here.")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 8)
        lay.addLayout(head)
        lay.addWidget(self.text)
        self._update_summary()

    def clear(self) -> None:
        self.text.clear()
        self.counts = dict.fromkeys(self.counts, 0)
        self._update_summary()

    def add(self, entry: ConsoleEntry) -> None:
        self.counts[entry.level] = self.counts.get(entry.level, 0) + 1
        c = colors()
        color = {"error": c["error"], "warning": c["warning"]}.get(entry.level, c["text"])
        where = f" <span style='color:{c['muted']}'>(line {entry.line})</span>" if entry.line else ""
        self.text.appendHtml(
            f"<span style='color:{color}'>{entry.level.upper():7}</span> "
            f"<span style='color:{color}'>{html.escape(entry.message)}</span>{where}"
        )
        self._update_summary()

    def note(self, message: str, level: str = "info") -> None:
        """A message from the studio itself (e.g. the watchdog stopped the game)."""
        c = colors()
        color = c["error"] if level == "error" else c["muted"]
        self.text.appendHtml(f"<i style='color:{color}'>— {html.escape(message)}</i>")

    def _update_summary(self) -> None:
        e, w = self.counts["error"], self.counts["warning"]
        self.summary.setText(f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignVCenter)

    def plain_text(self) -> str:
        return self.text.toPlainText()
