"""The welcome guide shown the first time the studio opens, and the empty-project state.

``FirstRunGuide`` is a card of four steps (play, mutate, compare, evolve) whose buttons emit
signals the main window connects to its own actions. Given a parent it covers it as an overlay (a
dimmed backdrop that follows the parent's size). "Don't show again" (on by default) records the
choice in the app preferences when the guide is dismissed; ``FirstRunGuide.should_show()`` reads it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from ludeme.ui.prefs import AppPrefs
from ludeme.ui.theme import local_shortcut

PREF_KEY = "first_run_done"

STEPS = (
    ("play_first", "Play a game",
     "Pick a game in the list on the left. It starts right away — play it with the keys shown "
     "on its title screen.", "Play the first game"),
    ("mutate_requested", "Mutate it with a direction",
     "Ask for a new version: “make the jump floatier”, “add a boss”. Ludeme writes it, plays it "
     "with bots and scores it.", "Mutate…"),
    ("compare_requested", "Compare and vote",
     "Play two versions side by side and say which is more fun. Your votes steer what survives.",
     "Compare…"),
    ("evolve_requested", "Let evolution run",
     "Start an unattended run: generations of versions are bred, played and judged while you "
     "work on something else.", "Evolve…"),
)

_QSS = """
#FirstRunCard { background: palette(window); border: 1px solid palette(mid); border-radius: 16px; }
#FirstRunTitle { font-size: 18pt; font-weight: 700; }
#FirstRunLead { color: palette(placeholder-text); font-size: 10.5pt; }
#StepCard { background: palette(alternate-base); border-radius: 12px; }
#StepNumber { background: palette(highlight); color: palette(highlighted-text); border-radius: 14px;
              font-weight: 700; font-size: 11pt; min-width: 28px; max-width: 28px; min-height: 28px;
              max-height: 28px; }
#StepTitle { font-weight: 600; font-size: 11pt; }
#StepText { color: palette(placeholder-text); }
QPushButton { padding: 6px 14px; border-radius: 8px; border: 1px solid palette(mid);
              background: palette(button); }
QPushButton:hover { border-color: palette(highlight); }
QPushButton#PrimaryButton { background: palette(highlight); color: palette(highlighted-text);
                            border: none; font-weight: 600; padding: 7px 18px; }
#EmptyStateGlyph { font-size: 40pt; color: palette(highlight); }
#EmptyStateTitle { font-size: 15pt; font-weight: 600; }
#EmptyStateText { color: palette(placeholder-text); }
"""


def _label(text: str, name: str, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class FirstRunGuide(QWidget):
    play_first = Signal()
    step_taken = Signal(str)  # any step's button: the guide steps aside (shown again with F1)
    mutate_requested = Signal()
    compare_requested = Signal()
    evolve_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, prefs: AppPrefs | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FirstRunGuide")
        self.prefs = prefs or AppPrefs()
        self.setStyleSheet(_QSS)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)

        self.card = QFrame(self)
        self.card.setObjectName("FirstRunCard")
        self.card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.card.setMaximumWidth(760)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(32, 28, 32, 24)
        card.setSpacing(10)
        card.addWidget(_label("Welcome to Ludeme", "FirstRunTitle"))
        card.addWidget(_label("Ludeme grows new games from the ones you have. Four steps get you going:",
                              "FirstRunLead"))
        card.addSpacing(6)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        self.step_buttons: dict[str, QPushButton] = {}
        for i, (signal_name, title, text, button_text) in enumerate(STEPS):
            grid.addWidget(self._step(i + 1, signal_name, title, text, button_text), i // 2, i % 2)
        card.addLayout(grid)
        card.addSpacing(8)

        bottom = QHBoxLayout()
        self.dont_show = QCheckBox("Don't show this again")
        self.dont_show.setChecked(True)
        self.dont_show.setToolTip("The guide stays available from Help ▸ Welcome Guide")
        self.close_button = QPushButton("Start exploring")
        self.close_button.setObjectName("PrimaryButton")
        self.close_button.setDefault(True)
        self.close_button.setToolTip("Close the guide (Esc)")
        self.close_button.clicked.connect(self.dismiss)
        bottom.addWidget(self.dont_show)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        card.addLayout(bottom)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 100)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

        local_shortcut(QKeySequence(Qt.Key.Key_Escape), self, self.dismiss)
        if parent is not None:
            parent.installEventFilter(self)
            self.setGeometry(parent.rect())

    def _step(self, number: int, signal_name: str, title: str, text: str, button_text: str) -> QFrame:
        frame = QFrame()
        frame.setObjectName("StepCard")
        lay = QGridLayout(frame)
        lay.setContentsMargins(14, 14, 14, 14)
        lay.setHorizontalSpacing(12)
        badge = _label(str(number), "StepNumber", wrap=False)
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(badge, 0, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(_label(title, "StepTitle"), 0, 1)
        body = _label(text, "StepText")
        body.setMinimumHeight(body.fontMetrics().lineSpacing() * 3)
        lay.addWidget(body, 1, 1)
        button = QPushButton(button_text)
        button.setObjectName(f"step_{signal_name}")
        button.setToolTip(title)
        button.clicked.connect(getattr(self, signal_name).emit)
        button.clicked.connect(lambda: self.step_taken.emit(signal_name))
        lay.addWidget(button, 2, 1, Qt.AlignmentFlag.AlignLeft)
        lay.setColumnStretch(1, 1)
        self.step_buttons[signal_name] = button
        return frame

    # ---- showing and remembering --------------------------------------------------------------
    @staticmethod
    def should_show(prefs: AppPrefs | None = None) -> bool:
        """True until the guide was dismissed with "Don't show again" ticked."""
        return not bool((prefs or AppPrefs()).get(PREF_KEY, False))

    @classmethod
    def maybe_show(cls, parent: QWidget, prefs: AppPrefs | None = None) -> "FirstRunGuide | None":
        """Show the guide over ``parent`` if this is a first start; returns it (to connect its
        signals) or None when the person asked not to see it again."""
        prefs = prefs or AppPrefs()
        if not cls.should_show(prefs):
            return None
        guide = cls(parent, prefs)
        guide.show_over()
        return guide

    @staticmethod
    def reset(prefs: AppPrefs | None = None) -> None:
        (prefs or AppPrefs()).set(PREF_KEY, False)

    def dismiss(self) -> None:
        if self.dont_show.isChecked():
            self.prefs.set(PREF_KEY, True)
        self.hide()
        self.dismissed.emit()

    def show_over(self, widget: QWidget | None = None) -> None:
        """Cover ``widget`` (the parent by default) and take the focus."""
        target = widget or self.parentWidget()
        if target is not None and target is not self.parentWidget():
            self.setParent(target)
            target.installEventFilter(self)
        if self.parentWidget() is not None:
            self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.close_button.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return super().eventFilter(watched, event)

    def paintEvent(self, event) -> None:
        if self.parentWidget() is not None:  # an overlay: dim what is behind
            QPainter(self).fillRect(self.rect(), QColor(6, 8, 12, 170))
        super().paintEvent(event)


class EmptyState(QWidget):
    """What a project with no games shows instead of an empty list: three ways to get a first game."""

    seed_requested = Signal()
    import_requested = Signal()
    new_requested = Signal()

    TITLE = "No games in this project yet"
    TEXT = ("Start from Ludeme's seed games, bring in a single-file HTML game you already have,\n"
            "or describe an idea in one line and let Ludeme write the first version.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyState")
        self.setStyleSheet(_QSS)
        glyph = _label("✦", "EmptyStateGlyph", wrap=False)
        glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _label(self.TITLE, "EmptyStateTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = _label(self.TEXT, "EmptyStateText", wrap=False)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seed_button = QPushButton("Add the seed games")
        self.seed_button.setObjectName("PrimaryButton")
        self.seed_button.setDefault(True)
        self.seed_button.setToolTip("Eight small games to evolve from")
        self.import_button = QPushButton("Import an HTML game…")
        self.import_button.setToolTip("A single index.html with its own canvas and loop")
        self.new_button = QPushButton("Describe a new game…")
        self.new_button.setToolTip("One line, e.g. “a frog that jumps between lily pads”")
        self.seed_button.clicked.connect(self.seed_requested.emit)
        self.import_button.clicked.connect(self.import_requested.emit)
        self.new_button.clicked.connect(self.new_requested.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.seed_button, self.import_button, self.new_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(glyph)
        lay.addWidget(self.title)
        lay.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addSpacing(12)
        lay.addLayout(buttons)
        lay.addStretch(2)
