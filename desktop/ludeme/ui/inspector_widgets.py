"""Small widgets of the studio: the star rating, badges, the code and diff highlighters, and a combo
box that elides its text."""
from __future__ import annotations

import re

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor, QFont, QPainter, QPainterPath, QSyntaxHighlighter, QTextCharFormat,
)
from PySide6.QtWidgets import (
    QComboBox, QSizePolicy, QStyle, QStyleOptionComboBox, QStylePainter, QWidget,
)

from ludeme.ui.theme import colors

STAR_COUNT = 5


def _star_path(size: float) -> QPainterPath:
    import math

    path = QPainterPath()
    c, r_out, r_in = size / 2, size / 2 - 1, size / 5
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        p = QPointF(c + r * math.cos(a), c + r * math.sin(a))
        path.moveTo(p) if i == 0 else path.lineTo(p)
    path.closeSubpath()
    return path


class StarRating(QWidget):
    """Zero to five stars: click a star to set it (click the same one again to clear), hover to
    preview; keys 0–5 set it when focused, Left/Right step it."""

    changed = Signal(int)

    STAR = 18
    GAP = 3

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rating = 0
        self._hover = -1
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Your rating (click a star, or press 0–5)")
        self.setAccessibleName("Rating")
        self._path = _star_path(self.STAR)

    def rating(self) -> int:
        return self._rating

    def set_rating(self, value: int | None, emit: bool = False) -> None:
        value = max(0, min(STAR_COUNT, int(value or 0)))
        if value == self._rating:
            return
        self._rating = value
        self.update()
        if emit:
            self.changed.emit(value)

    def star_center(self, index: int) -> QPointF:
        """Where star ``index`` (0-based) is drawn, for clicks from tests and accessibility."""
        return QPointF(2 + index * (self.STAR + self.GAP) + self.STAR / 2, 2 + self.STAR / 2)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(4 + STAR_COUNT * self.STAR + (STAR_COUNT - 1) * self.GAP, 4 + self.STAR)

    def _index_at(self, x: float) -> int:
        i = int((x - 2) // (self.STAR + self.GAP))
        return i if 0 <= i < STAR_COUNT else -1

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        i = self._index_at(event.position().x())
        if i != self._hover:
            self._hover = i
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._hover = -1
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return
        i = self._index_at(event.position().x())
        if i >= 0:
            self.set_rating(0 if i + 1 == self._rating else i + 1, emit=True)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_5:
            self.set_rating(key - Qt.Key.Key_0, emit=True)
        elif key == Qt.Key.Key_Right:
            self.set_rating(self._rating + 1, emit=True)
        elif key == Qt.Key.Key_Left:
            self.set_rating(self._rating - 1, emit=True)
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        c = colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        shown = self._hover + 1 if self._hover >= 0 else self._rating
        gold, empty = QColor(c["warning"]), QColor(c["border"])
        if self._hover >= 0:
            gold = gold.lighter(115)
        for i in range(STAR_COUNT):
            p.save()
            p.translate(2 + i * (self.STAR + self.GAP), 2)
            p.setPen(Qt.PenStyle.NoPen if i < shown else QColor(c["muted"]))
            p.setBrush(gold if i < shown else empty)
            p.drawPath(self._path)
            p.restore()
        if self.hasFocus():
            p.setPen(QColor(c["highlight"]))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        p.end()


def _fmt(color: str, bold: bool = False, italic: bool = False, background: str | None = None) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Weight.DemiBold)
    if italic:
        f.setFontItalic(True)
    if background:
        f.setBackground(QColor(background))
    return f


def code_palette(dark: bool) -> dict[str, str]:
    if dark:
        return {"tag": "#7fb4ff", "attr": "#c3a6ff", "string": "#a5d67a", "comment": "#6b7488",
                "keyword": "#ff9e7a", "number": "#f2c14e", "css": "#6fd3c8"}
    return {"tag": "#1f5fbf", "attr": "#7a3fbf", "string": "#2f7d1f", "comment": "#8a93a6",
            "keyword": "#b8430e", "number": "#8a5a00", "css": "#0f7f74"}


_KEYWORDS = ("function|const|let|var|return|if|else|for|while|do|new|class|this|switch|case|break|"
             "continue|true|false|null|undefined|typeof|of|in|try|catch|finally|throw|async|await|"
             "extends|super|import|export|default|yield|delete|instanceof|static|get|set")
# One alternation scanned left to right: a string or comment swallows what is inside it.
_TOKENS = re.compile(
    r"(?P<comment>(?<![:\\\"'])//.*$|<!--.*?-->)"
    r"|(?P<string>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`)"
    r"|(?P<tag></?[A-Za-z][\w:-]*|/?>)"
    rf"|(?P<keyword>\b(?:{_KEYWORDS})\b)"
    r"|(?P<number>\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b|#[0-9a-fA-F]{3,8}\b)"
    r"|(?P<attr>\b[\w-]+(?==\"))"
    r"|(?P<open>/\*)"
)
_CLOSE = re.compile(r"\*/")
LONG_LINE = 2000  # minified lines are left plain: regexes on them cost more than they show


def code_spans(text: str, in_comment: bool) -> tuple[list[tuple[int, int, str]], bool]:
    """(start, length, kind) spans of one line of HTML/JS/CSS, and whether a ``/* … */`` comment
    is still open at its end."""
    spans: list[tuple[int, int, str]] = []
    if len(text) > LONG_LINE:  # minified lines stay plain: scanning them costs more than it shows
        return spans, in_comment and _CLOSE.search(text) is None
    pos = 0
    if in_comment:
        m = _CLOSE.search(text)
        if m is None:
            return [(0, len(text), "comment")], True
        spans.append((0, m.end(), "comment"))
        pos = m.end()
    search = _TOKENS.search
    while True:
        m = search(text, pos)
        if m is None:
            return spans, False
        kind = m.lastgroup
        if kind == "open":
            end = _CLOSE.search(text, m.end())
            if end is None:
                spans.append((m.start(), len(text) - m.start(), "comment"))
                return spans, True
            spans.append((m.start(), end.end() - m.start(), "comment"))
            pos = end.end()
            continue
        spans.append((m.start(), m.end() - m.start(), kind))
        pos = m.end() if m.end() > m.start() else m.end() + 1


class CodeHighlighter(QObject):
    """Highlights HTML with inline JS and CSS in a read-only QPlainTextEdit, only the lines that
    are on screen (as they scroll into view): a 200 KB file shows at once instead of stalling the
    window while every line is scanned, as a QSyntaxHighlighter would."""

    def __init__(self, editor, dark: bool = True) -> None:
        super().__init__(editor)
        self.editor = editor
        pal = code_palette(dark)
        self.formats = {k: _fmt(v, bold=k == "keyword", italic=k == "comment") for k, v in pal.items()}
        self.active = False
        self._open: list[bool] = []  # per block: a block comment is open where it starts
        self._done: set[int] = set()
        editor.updateRequest.connect(self._on_update)

    def attach(self) -> None:
        """Start highlighting the editor's current text (call after setPlainText)."""
        doc = self.editor.document()
        self._done = set()
        # Which lines start inside a /* … */: one pass over the text with two regexes.
        text = doc.toPlainText()
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        opened = [False] * len(starts)
        if "/*" in text:
            import bisect

            pos = 0
            while True:
                o = text.find("/*", pos)
                if o < 0:
                    break
                c = text.find("*/", o + 2)
                end = len(text) if c < 0 else c + 2
                a = bisect.bisect_right(starts, o)
                b = bisect.bisect_right(starts, end - 1)
                for line in range(a, min(b, len(opened))):
                    opened[line] = True
                if c < 0:
                    break
                pos = end
        self._open = opened
        self.active = True
        self._on_update()

    def detach(self) -> None:
        self.active = False
        self._open = []
        self._done = set()

    def highlighted_blocks(self) -> int:
        return len(self._done)

    def _on_update(self, *_args) -> None:
        if not self.active:
            return
        from PySide6.QtGui import QTextLayout

        ed = self.editor
        block = ed.firstVisibleBlock()
        bottom = ed.viewport().height() + 200
        offset = ed.contentOffset()
        first_dirty = last_dirty = None
        fmts = self.formats
        budget = bottom // max(1, ed.fontMetrics().lineSpacing()) + 30  # lines that can be on screen
        while block.isValid() and budget > 0:
            budget -= 1
            n = block.blockNumber()
            if n not in self._done:
                self._done.add(n)
                in_comment = self._open[n] if n < len(self._open) else False
                spans, _ = code_spans(block.text(), in_comment)
                ranges = []
                for start, length, kind in spans:
                    r = QTextLayout.FormatRange()
                    r.start, r.length, r.format = start, length, fmts[kind]
                    ranges.append(r)
                block.layout().setFormats(ranges)
                if first_dirty is None:
                    first_dirty = block.position()
                last_dirty = block.position() + block.length()
            if ed.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            block = block.next()
        if first_dirty is not None:
            ed.document().markContentsDirty(first_dirty, last_dirty - first_dirty)


class DiffHighlighter(QSyntaxHighlighter):
    """Unified diff colours: added lines green, removed red, hunk headers in the accent colour."""

    def __init__(self, document, dark: bool = True) -> None:
        super().__init__(document)
        c = colors(dark)
        add_bg, del_bg = ("#16331f", "#3a1a1f") if dark else ("#e3f6e8", "#fbe3e3")
        self.add = _fmt(c["ok"], background=add_bg)
        self.delete = _fmt(c["error"], background=del_bg)
        self.hunk = _fmt(c["highlight"], bold=True)
        self.head = _fmt(c["muted"], bold=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        if text.startswith(("+++", "---")):
            self.setFormat(0, len(text), self.head)
        elif text.startswith("+"):
            self.setFormat(0, len(text), self.add)
        elif text.startswith("-"):
            self.setFormat(0, len(text), self.delete)
        elif text.startswith("@@"):
            self.setFormat(0, len(text), self.hunk)


class ConsoleHighlighter(QSyntaxHighlighter):
    """A stored console log ("level: message" lines): errors red, warnings amber."""

    def __init__(self, document, dark: bool = True) -> None:
        super().__init__(document)
        c = colors(dark)
        self.error = _fmt(c["error"], background="#2e1518" if dark else "#fdeaea")
        self.warning = _fmt(c["warning"])
        self.level = _fmt(c["muted"], bold=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        head = text[:9].lower()
        if head.startswith("error"):
            self.setFormat(0, len(text), self.error)
        elif head.startswith(("warning", "warn")):
            self.setFormat(0, len(text), self.warning)
        else:
            i = text.find(":")
            if 0 < i < 10:
                self.setFormat(0, i + 1, self.level)


class EditableCodeHighlighter(QSyntaxHighlighter):
    """The same colours as :class:`CodeHighlighter`, for an editable editor: Qt re-highlights the
    lines a person changes (block state 1 = a ``/* … */`` comment is open at the line's end)."""

    def __init__(self, document, dark: bool = True) -> None:
        super().__init__(document)
        pal = code_palette(dark)
        self.formats = {k: _fmt(v, bold=k == "keyword", italic=k == "comment") for k, v in pal.items()}

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt naming)
        spans, still_open = code_spans(text, self.previousBlockState() == 1)
        for start, length, kind in spans:
            self.setFormat(start, length, self.formats[kind])
        self.setCurrentBlockState(1 if still_open else 0)


class ElidingComboBox(QComboBox):
    """A combo box that, given less room than its text, shows it elided ("Any ver…") with the whole
    choice in its tooltip, as labels do, instead of cutting the letters off."""

    def __init__(self, *args, tip: str = "", **kw) -> None:
        super().__init__(*args, **kw)
        self._tip = tip
        self.currentTextChanged.connect(lambda _t: self._update_tip())

    def _update_tip(self) -> None:
        self.setToolTip(f"{self._tip}\n\nNow: {self.currentText()}" if self._tip else self.currentText())

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        room = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                           QStyle.SubControl.SC_ComboBoxEditField, self).width()
        opt.currentText = self.fontMetrics().elidedText(opt.currentText, Qt.TextElideMode.ElideRight, max(room, 0))
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)
