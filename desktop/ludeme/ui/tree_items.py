"""The tree's graphics items: every node in one ``NodeCloud`` (one ``drawPixmapFragments`` call,
numpy arrays, no per-point objects) and the view box that gives Shift+drag box selection. The
widget that owns them, filters and follows the project is ``lineage_tree.LineageTree``."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsRectItem

from ludeme.ui.theme import colors


class NodeCloud(pg.GraphicsObject):
    """Every node of the tree in one item, drawn with one ``drawPixmapFragments`` call.

    Setting data only stores numpy arrays (no per-point objects), so 100,000 nodes load in
    milliseconds. Painting culls to the view and, when zoomed out over many nodes, keeps one node
    per small screen cell (the others are covered anyway); ``priority`` (bool per node) wins a
    shared cell so that search matches stay visible over dimmed nodes. Symbols come from a small
    atlas: one circle and one star per palette colour.
    """

    CELL_PX = 2.0
    DEDUPE_FROM = 6000  # visible nodes
    SIZE = 9  # circle diameter in pixels; stars are larger
    STAR = 15
    BOX = 18  # atlas cell

    def __init__(self) -> None:
        super().__init__()
        from pyqtgraph.Qt import internals

        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self.style = np.zeros(0, dtype=np.int64)  # palette index (+ len(palette) for a star)
        self.priority: np.ndarray | None = None
        self.palette: list[QColor] = []
        self.atlas = QPixmap()
        self.drawn = 0  # nodes drawn by the last paint (tests and benchmarks read it)
        self._bounds = QRectF()
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    # data
    def set_data(self, x: np.ndarray, y: np.ndarray, style: np.ndarray, palette: list[QColor],
                 priority: np.ndarray | None = None) -> None:
        self.prepareGeometryChange()
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self.style = np.asarray(style, dtype=np.int64)
        self.priority = priority
        if [c.rgba() for c in palette] != [c.rgba() for c in self.palette]:
            self.palette = list(palette)
            self._build_atlas()
        if len(self.x):
            self._bounds = QRectF(float(self.x.min()) - 1, float(self.y.min()) - 1,
                                  float(self.x.max() - self.x.min()) + 2, float(self.y.max() - self.y.min()) + 2)
        else:
            self._bounds = QRectF()
        self.update()

    def colors(self) -> list[str]:
        """The colour of every node (#rrggbb), in data order."""
        n = len(self.palette)
        names = [c.name() for c in self.palette]
        return [names[i % n] for i in self.style] if n else []

    def alphas(self) -> np.ndarray:
        n = len(self.palette)
        return np.array([self.palette[i % n].alpha() for i in self.style]) if n else np.zeros(0)

    def _build_atlas(self) -> None:
        n, box = len(self.palette), self.BOX
        image = QPixmap(max(1, 2 * n) * box, box)
        image.fill(Qt.GlobalColor.transparent)
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        star = _star_path(self.STAR / 2)
        for i, color in enumerate(self.palette):
            p.setBrush(color)
            c = i * box + box / 2
            p.drawEllipse(QPointF(c, box / 2), self.SIZE / 2, self.SIZE / 2)
            p.save()
            p.translate((n + i) * box + box / 2, box / 2)
            outline = QColor(color)
            outline.setAlpha(max(color.alpha(), 120))
            p.setPen(QPen(QColor(255, 255, 255, outline.alpha()), 1.0))
            p.drawPath(star)
            p.restore()
        p.end()
        self.atlas = image

    # QGraphicsItem
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def visible_rows(self) -> np.ndarray:
        rect = self.viewRect()
        if rect is None or not len(self.x):
            return np.zeros(0, dtype=np.int64)
        vb = self.getViewBox()
        px, py = vb.viewPixelSize() if vb is not None else (0.0, 0.0)
        mx, my = px * self.BOX, py * self.BOX
        x, y = self.x, self.y
        return np.flatnonzero((x >= rect.left() - mx) & (x <= rect.right() + mx)
                              & (y >= rect.top() - my) & (y <= rect.bottom() + my))

    def paint(self, p, option, widget=None) -> None:  # noqa: D102
        rows = self.visible_rows()
        self.drawn = 0
        if not len(rows) or self.atlas.isNull():
            return
        vb = self.getViewBox()
        px, py = vb.viewPixelSize()
        if len(rows) >= self.DEDUPE_FROM and px > 0 and py > 0:
            if self.priority is not None and len(self.priority) == len(self.x):
                pri = self.priority[rows]
                rows = np.concatenate([rows[pri], rows[~pri]])
            cx = np.floor(self.x[rows] / (px * self.CELL_PX)).astype(np.int64)
            cy = np.floor(self.y[rows] / (py * self.CELL_PX)).astype(np.int64)
            cx -= cx.min()
            cy -= cy.min()
            _, first = np.unique(cx * (int(cy.max()) + 1) + cy, return_index=True)
            rows = np.sort(rows[first])
        t = p.transform()
        x, y = self.x[rows], self.y[rows]
        sx = t.m11() * x + t.m21() * y + t.dx()
        sy = t.m12() * x + t.m22() * y + t.dy()
        p.resetTransform()
        dpr = self.atlas.devicePixelRatio() or 1.0
        self._fragments.resize(len(rows))
        frags = self._fragments.ndarray()
        frags[:, 0] = np.clip(sx, -2 ** 30, 2 ** 30)
        frags[:, 1] = np.clip(sy, -2 ** 30, 2 ** 30)
        frags[:, 2] = self.style[rows] * self.BOX
        frags[:, 3] = 0
        frags[:, 4] = self.BOX
        frags[:, 5] = self.BOX
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
        p.drawPixmapFragments(*self._fragments.drawargs(), self.atlas)
        self.drawn = len(rows)


def _star_path(radius: float) -> QPainterPath:
    path = QPainterPath()
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.45
        a = -math.pi / 2 + k * math.pi / 5
        point = QPointF(r * math.cos(a), r * math.sin(a))
        path.moveTo(point) if k == 0 else path.lineTo(point)
    path.closeSubpath()
    return path


class TreeViewBox(pg.ViewBox):
    """Drag pans, wheel zooms, Shift+drag draws a selection box."""

    box_selected = Signal(QRectF, bool)  # rect in view coordinates, additive

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseMode(pg.ViewBox.PanMode)
        self._band = QGraphicsRectItem(0, 0, 1, 1)
        self._band.setPen(QPen(QColor(108, 140, 255, 220), 0))
        self._band.setBrush(QBrush(QColor(108, 140, 255, 50)))
        self._band.setZValue(1e9)
        self._band.hide()
        self.addItem(self._band, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 (Qt naming)
        if ev.button() == Qt.MouseButton.LeftButton and ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            ev.accept()
            a = self.mapToView(ev.buttonDownPos())
            b = self.mapToView(ev.pos())
            rect = QRectF(a, b).normalized()
            if ev.isFinish():
                self._band.hide()
                self.box_selected.emit(rect, bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier))
            else:
                self._band.setRect(rect)
                self._band.show()
            return
        super().mouseDragEvent(ev, axis)
