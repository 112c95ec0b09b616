"""Light and dark themes that follow the OS colour scheme (Fusion style + a palette + a little QSS)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

DARK = {
    "window": "#161a23", "base": "#10131a", "alt": "#1b2030", "text": "#e6e9f0", "muted": "#8a93a6",
    "button": "#1f2433", "highlight": "#6c8cff", "highlight_text": "#0b0e14", "border": "#2a3042",
    "error": "#ff6b6b", "warning": "#f2c14e", "ok": "#5bd68a",
}
LIGHT = {
    "window": "#f4f5f8", "base": "#ffffff", "alt": "#eceef3", "text": "#1c2030", "muted": "#5d667a",
    "button": "#e8eaf0", "highlight": "#4363e8", "highlight_text": "#ffffff", "border": "#d3d7e0",
    "error": "#c0392b", "warning": "#a86b00", "ok": "#1e8e4e",
}

_QSS = """
QMainWindow, QWidget {{ font-size: 10pt; }}
QToolBar {{ border: none; spacing: 4px; padding: 4px; background: {window}; }}
QToolButton {{ padding: 4px 10px; border-radius: 6px; }}
QToolButton:hover {{ background: {button}; }}
QToolButton:checked {{ background: {alt}; }}
QToolButton#qt_toolbar_ext_button {{ padding: 0px; border: 1px solid {border}; border-radius: 4px; }}
QTreeView, QPlainTextEdit, QListView {{ border: 1px solid {border}; border-radius: 8px; padding: 2px; }}
QTreeView::item {{ padding: 3px 2px; }}
QLineEdit {{ border: 1px solid {border}; border-radius: 8px; padding: 5px 8px; background: {base}; }}
QSplitter::handle {{ background: {window}; }}
QLabel#PanelTitle {{ font-weight: 600; font-size: 11pt; padding: 2px 2px 4px 2px; }}
QLabel#Muted {{ color: {muted}; }}
QLabel#Overlay {{ background: rgba(10, 12, 18, 215); color: #f2f4f8; border-radius: 12px;
                   padding: 18px; font-size: 12pt; }}
QStatusBar {{ color: {muted}; }}
QDockWidget::title {{ padding: 6px; background: {window}; }}
"""


def is_dark(app: QGuiApplication | None = None) -> bool:
    app = app or QGuiApplication.instance()
    try:
        return app.styleHints().colorScheme() != Qt.ColorScheme.Light
    except AttributeError:  # very old Qt: default to dark, games look best on it
        return True


def colors(dark: bool | None = None) -> dict[str, str]:
    """The palette of the theme in use: the one ``apply_theme`` applied (a forced light or dark
    included), else the OS scheme."""
    if dark is None:
        app = QGuiApplication.instance()
        applied = app.property("ludeme_dark") if app is not None else None
        dark = bool(applied) if applied is not None else is_dark()
    return DARK if dark else LIGHT


def apply_theme(app: QApplication, dark: bool | None = None) -> dict[str, str]:
    """Apply the theme; dark=None follows the OS (offscreen and unknown schemes get dark)."""
    c = colors(is_dark(app) if dark is None else dark)
    app.setProperty("ludeme_dark", c is DARK)  # what colors() hands out from now on
    app.setStyle("Fusion")
    pal = QPalette()
    role = QPalette.ColorRole
    for r, key in (
        (role.Window, "window"), (role.Base, "base"), (role.AlternateBase, "alt"),
        (role.Text, "text"), (role.WindowText, "text"), (role.ButtonText, "text"),
        (role.Button, "button"), (role.Highlight, "highlight"), (role.HighlightedText, "highlight_text"),
        (role.ToolTipBase, "alt"), (role.ToolTipText, "text"), (role.PlaceholderText, "muted"),
    ):
        pal.setColor(r, QColor(c[key]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(c["muted"]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(c["muted"]))
    app.setPalette(pal)
    app.setStyleSheet(_QSS.format(**c))
    return c


def local_shortcut(key, parent, slot, context=None):
    """A QShortcut that only fires while the focus is inside ``parent`` (or ``context``).

    PySide6 ignores a ``context=`` keyword next to a callable in QShortcut's constructor, which
    silently made such shortcuts window-wide (and a window-wide Space or digit steals keys from
    the games); this sets the context explicitly.
    """
    from PySide6.QtGui import QKeySequence, QShortcut

    shortcut = QShortcut(QKeySequence(key), parent)
    shortcut.setContext(context if context is not None else Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def glyph_icon(kind: str, color: str | None = None):
    """A toolbar icon drawn in the theme's text colour (the style's own media icons are dark on a
    dark theme): "restart", "pause", "play", "sound", "muted" or "full_screen"."""
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

    size = 32
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    ink = QColor(color or colors()["text"])
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(ink, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    if kind == "pause":
        p.setBrush(ink)
        p.drawRoundedRect(QRectF(9, 7, 4.5, 18), 1.5, 1.5)
        p.drawRoundedRect(QRectF(18.5, 7, 4.5, 18), 1.5, 1.5)
    elif kind == "play":
        p.setBrush(ink)
        p.drawPolygon(QPolygonF([QPointF(10, 7), QPointF(25, 16), QPointF(10, 25)]))
    elif kind == "restart":
        p.drawArc(QRectF(7, 7, 18, 18), 100 * 16, 290 * 16)
        p.setBrush(ink)
        p.drawPolygon(QPolygonF([QPointF(14, 3.5), QPointF(19.5, 7.5), QPointF(14, 11.5)]))
    elif kind in ("sound", "muted"):
        p.setBrush(ink)
        body = QPainterPath()
        body.addPolygon(QPolygonF([QPointF(5, 12.5), QPointF(10, 12.5), QPointF(16, 7), QPointF(16, 25),
                                   QPointF(10, 19.5), QPointF(5, 19.5)]))
        body.closeSubpath()
        p.drawPath(body)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if kind == "sound":
            p.drawArc(QRectF(13, 10, 10, 12), -50 * 16, 100 * 16)
            p.drawArc(QRectF(12, 6, 16, 20), -50 * 16, 100 * 16)
        else:
            p.drawLine(QPointF(20, 12), QPointF(27, 20))
            p.drawLine(QPointF(27, 12), QPointF(20, 20))
    elif kind == "full_screen":
        for (x, y, dx, dy) in ((6, 6, 1, 1), (26, 6, -1, 1), (6, 26, 1, -1), (26, 26, -1, -1)):
            p.drawLine(QPointF(x, y), QPointF(x + 7 * dx, y))
            p.drawLine(QPointF(x, y), QPointF(x, y + 7 * dy))
    p.end()
    return QIcon(pix)
