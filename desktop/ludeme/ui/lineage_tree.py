"""The lineage tree: every version of every lineage as one zoomable picture (pyqtgraph).

Drawn in bulk from numpy: the edges are a few paths (one per edge style), the nodes scatter items
with per-point colours from a small palette (pyqtgraph renders them from a symbol atlas and culls
what is off screen). Zoom with the wheel, pan by dragging, Shift+drag to select a box, Ctrl+click to
add to the selection, double-click or Enter to play. Thumbnails appear when zoomed in far enough.
The picture follows the project: ``refresh_if_changed()`` is a cheap poll of the change counter.

Why this module is over 500 lines: one widget that draws, hit-tests, filters and labels thousands
of versions in bulk (the layout maths is in core/tree_layout.py, the graphics items in
tree_items.py); the filter row and the thumbnails could become their own modules.
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QKeySequence, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QGraphicsPixmapItem, QHBoxLayout, QLabel,
    QLineEdit, QSizePolicy, QToolButton, QVBoxLayout, QWidget,
)
from superqt import QElidingLabel

from ludeme.core.domain import status_word
from ludeme.core.tree_layout import edge_segments, layout
from ludeme.store.table import OPERATORS, STATUSES
from ludeme.ui.inspector_widgets import ElidingComboBox
from ludeme.ui.tasks import run_in_thread
from ludeme.ui.theme import colors
from ludeme.ui.tree_items import NodeCloud, TreeViewBox

if TYPE_CHECKING:
    from ludeme.store.project import Project

COLOR_MODES = ("reward", "quality", "progress", "status", "rating")
STATUS_COLORS = {
    "evaluated": "#5bd68a", "broken": "#ff6b6b", "rejected": "#b07cff",
    "queued": "#8a93a6", "generating": "#f2c14e", "validating": "#f2c14e",
}
# Reward ramp: low (warm red) → middle (amber) → high (teal green); 10 buckets.
_RAMP = ["#d9485f", "#e0644f", "#e8833f", "#eea23a", "#e9bf3f", "#c8cc4a", "#9cd05a", "#6fd16f",
         "#45c98a", "#2bbfa4"]
_NO_VALUE = "#5d667a"
_EDGE_STYLES = {  # operator → (style name); crossover's second parents always dash
    "mutate": "line", "fork": "line", "explore": "line", "idea": "line", "import": "line",
    "seed": "line", "repair": "dot", "manual": "dashdot", "crossover": "line",
}
THUMB_MIN_PX = 90.0  # columns must be at least this far apart on screen to show thumbnails
THUMB_MAX = 48  # never fetch more than this many thumbnails for one view


def _status_codes() -> dict[str, int]:
    return {s.value: i for i, s in enumerate(STATUSES)}


class LineageTree(QWidget):
    """All lineages of a project as one tree. Reusable: give it a project, call ``reload()``."""

    current_changed = Signal(str)  # the version the user picked (click, keys)
    selection_changed = Signal(list)  # every selected version id, current first
    activated = Signal(str)  # double-click or Enter: play it
    context_requested = Signal(list, QPoint)  # right-click: selected ids, global position
    redrawn = Signal()  # a new table is on screen (after a reload or a merge)

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.table = None
        self.lay = None
        self.color_mode = "reward"
        self.selected: list[int] = []  # rows, current first
        self.match: np.ndarray | None = None  # bool per row when a filter is on
        self._counter = None
        self._thumbs: dict[str, QGraphicsPixmapItem] = {}
        self._thumb_cache: dict[str, QPixmap | None] = {}
        self._draw_pending = False
        self._merge = None  # (base table, Task) of a merge running on the helper thread
        self._executor = None
        self._lineage_titles: dict[str, str] = {}
        self.last_reload_s = 0.0
        self._c = colors()

        # -- toolbar ------------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search versions: game, mechanic, direction, note, id…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Matches light up, the rest dims. Enter jumps to the next match.")
        self.color_box = ElidingComboBox(tip="What the colour of each node shows: the score, its quality (what "
                                             "the game is), its progress (what it adds), its status or your rating")
        self.color_box.addItems(["◐ Score", "◐ Quality", "◐ Progress", "◐ Status", "◐ Rating"])  # what colours
        self.status_box = ElidingComboBox(tip="Only versions with this verdict")
        self.status_box.addItems(["Any verdict", "Playable", "Broken", "Rejected", "Not finished"])
        self.min_reward = QDoubleSpinBox()
        self.min_reward.setRange(0.0, 1.0)
        self.min_reward.setSingleStep(0.05)
        self.min_reward.setDecimals(2)
        self.min_reward.setPrefix("≥ ")
        self.min_reward.setMinimumWidth(72)  # the prefix is cut before the value in a narrow window
        self.min_reward.setToolTip("Score at least: only versions scoring this much or more")
        self.favourites = QCheckBox("★")
        self.favourites.setToolTip("Only favourite versions")
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip("Show the whole tree (Home)")
        self.fit_button.clicked.connect(self.fit_all)
        # In a narrow window the two menus shrink (eliding their text) instead of holding the
        # whole studio wider than the screen; with room they show in full.
        for box in (self.status_box, self.color_box):
            full = box.sizeHint().width()
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(4)
            box.setMaximumWidth(full + 16)  # (the theme's padding comes later)
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        bar.addWidget(self.status_box, 3)  # grows up to its full text when there is room
        bar.addWidget(self.min_reward)
        bar.addWidget(self.favourites)
        bar.addStretch(1)
        bar.addWidget(self.color_box, 2)
        bar.addWidget(self.fit_button)

        # -- the picture ----------------------------------------------------------------------
        self.view = pg.GraphicsView()
        self.view.setBackground(self._c["base"])
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.vb = TreeViewBox()
        self.vb.invertY(True)
        self.view.setCentralItem(self.vb)
        self.vb.box_selected.connect(self._select_box)
        self.edge_items: dict[str, pg.PlotCurveItem] = {}
        for style, qt_style in (("line", Qt.PenStyle.SolidLine), ("dash", Qt.PenStyle.DashLine),
                                ("dot", Qt.PenStyle.DotLine), ("dashdot", Qt.PenStyle.DashDotLine)):
            pen = QPen(QColor(self._c["muted"]), 0)  # cosmetic
            pen.setStyle(qt_style)
            if style == "dash":
                pen.setColor(QColor("#b07cff"))
            item = pg.PlotCurveItem(pen=pen, connect="pairs", antialias=False, skipFiniteCheck=True)
            item.setZValue(-10)
            self.vb.addItem(item)
            self.edge_items[style] = item
        self.nodes = NodeCloud()
        self.nodes.setZValue(0)
        self.vb.addItem(self.nodes)
        self.ring = pg.ScatterPlotItem(pxMode=True, size=17, brush=None,
                                       pen=pg.mkPen(self._c["highlight"], width=2.2))
        self.ring.setZValue(5)
        self.vb.addItem(self.ring)
        self.current_ring = pg.ScatterPlotItem(pxMode=True, size=21, brush=None,
                                               pen=pg.mkPen(self._c["text"], width=2.5))
        self.current_ring.setZValue(6)
        self.vb.addItem(self.current_ring)
        self.labels: list[pg.TextItem] = []
        self.view.scene().sigMouseClicked.connect(self._clicked)
        self.vb.sigRangeChanged.connect(lambda *_: self._thumb_timer.start())
        self.vb.sigRangeChanged.connect(lambda *_: self._fit_labels())
        self.vb.sigResized.connect(lambda *_: (self._refit_if_fitted(), self._fit_labels()))  # a narrower pane
        self._thumb_timer = QTimer(self, singleShot=True, interval=120)
        self._thumb_timer.timeout.connect(self._update_thumbnails)

        self.summary = QElidingLabel()  # elided, not held wide, in a narrow window; the legend stays whole
        self.summary.setObjectName("Muted")
        self.summary.setMinimumWidth(1)
        self.legend = QLabel()
        self.legend.setObjectName("Muted")
        foot = QHBoxLayout()
        foot.setContentsMargins(2, 0, 2, 0)
        foot.addWidget(self.summary, 1)
        foot.addWidget(self.legend)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 4)
        lay.setSpacing(6)
        lay.addWidget(self.search)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        lay.addLayout(foot)

        self._filter_timer = QTimer(self, singleShot=True, interval=150)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._filter_timer.start())
        self.search.returnPressed.connect(self.next_match)
        for signal in (self.status_box.currentIndexChanged, self.min_reward.valueChanged,
                       self.favourites.toggled):
            signal.connect(lambda *_: self.apply_filter())
        self.color_box.currentIndexChanged.connect(lambda i: self.set_color_mode(COLOR_MODES[i]))
        for keys, slot in (("Home", self.fit_all), ("Return", self._activate_current),
                           ("Left", lambda: self._step("sibling", -1)),
                           ("Right", lambda: self._step("sibling", 1)),
                           ("Up", lambda: self._step("parent", 0)), ("Down", lambda: self._step("child", 0))):
            sc = QShortcut(QKeySequence(keys), self.view)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- data -----------------------------------------------------------------------------------
    def reload(self, keep_view: bool = False) -> None:
        """Read every version (numpy columns), lay the forest out, draw it."""
        t0 = time.perf_counter()
        self._counter = self._data_counter()
        self._lineage_titles = {l.id: l.title for l in self.project.lineages()}
        self._show(self.project.version_table(), keep_view=keep_view)
        self.last_reload_s = time.perf_counter() - t0

    def _show(self, table, keep_view: bool, defer: bool = False, lay=None) -> None:
        """Take a new table: lay it out now; draw it now, or (``defer``) in the next turn of the
        event loop, so that reading and drawing a big tree never hold the loop in one piece."""
        current = self.current_id()
        selected_ids = self.selected_ids()
        self.table = table
        self.lay = lay if lay is not None else layout(table.parent, table.lineage, len(table.lineage_ids))
        row_of = table.row_of
        self.selected = list(dict.fromkeys(row_of[v] for v in ([current] if current else []) + selected_ids
                                           if v in row_of))
        if not defer:
            self._draw_all(keep_view)
        elif not self._draw_pending:
            self._draw_pending = True
            QTimer.singleShot(0, lambda: self._draw_all(keep_view))

    def _draw_all(self, keep_view: bool = True) -> None:
        self._draw_pending = False
        if self.table is None:
            return
        self._draw_edges()
        self._draw_labels()
        self.apply_filter(redraw_only=True)
        if not keep_view:
            self.fit_all()
        self._update_thumbnails()
        self.redrawn.emit()

    def _data_counter(self) -> tuple:
        """What the picture depends on: versions, lineages, recordings (thumbnails). Job heartbeats
        move the project's counter every half second and must not redraw 100,000 nodes."""
        c = self.project.change_counters()
        return c.get("version"), c.get("lineage"), c.get("recording")

    def refresh_if_changed(self, defer_draw: bool = False, background: bool = False) -> bool:
        """Follow the project (a worker added versions, a vote moved scores…). New and changed
        versions are read alone and merged in, so following a worker stays cheap at 100,000
        versions; deletions, restores and new lineages read everything again.

        ``background``: read and lay out the merge on a helper thread (its own SQLite connection)
        and draw it when it is ready, so the event loop is never held by a big tree. True when
        something changed (drawn now, or soon)."""
        counter = self._data_counter()
        if counter == self._counter:
            return False
        if self._merge is not None:  # one merge at a time; the next poll takes the rest
            return True
        t0 = time.perf_counter()
        old, self._counter = self._counter, counter
        if self.table is None or old is None or counter[1] != old[1]:
            self.reload(keep_view=True)
            return True
        if counter[2] != old[2]:  # new recordings: thumbnails may have appeared
            self._thumb_cache = {k: v for k, v in self._thumb_cache.items() if v is not None}
        if counter[0] == old[0]:
            self._update_thumbnails()
        elif background:
            task = run_in_thread(self._merged, self.table, old[0], executor=self._pool(),
                                 on_done=lambda _r: self._collect_merge(task), on_error=lambda _e: self._collect_merge(task))
            self._merge = (self.table, task)
        else:
            self._adopt(*self._merged(self.table, old[0]), defer=defer_draw)
        self.last_reload_s = time.perf_counter() - t0
        return True

    def sync(self) -> None:
        """Bring the picture up to date now (after the user's own change, e.g. an undo)."""
        if self._merge is not None:
            task = self._merge[1]
            task.future.exception()  # waits for it
            self._collect_merge(task)
        self.refresh_if_changed()
        if self._draw_pending:
            self._draw_all()

    def _merged(self, table, since: int):
        """(table, layout) with the changes since ``since``; (None, None) when a full read is due.
        Safe on the helper thread: SQLite reads on that thread's connection, numpy, nothing of Qt."""
        new = self.project.version_table_update(table, since)
        if new is None or len(new) == len(table):
            return new, None
        return new, layout(new.parent, new.lineage, len(new.lineage_ids))

    def _adopt(self, table, lay, defer: bool = True) -> None:
        if table is None:
            self.reload(keep_view=True)
        elif lay is None:  # scores, ratings, favourites: same layout
            self.table = table
            self.apply_filter(redraw_only=True)
            self.redrawn.emit()
        else:
            self._show(table, keep_view=True, defer=defer, lay=lay)

    def _collect_merge(self, task) -> None:
        """Take in a finished merge (once: from its result, or earlier from ``sync``)."""
        if self._merge is None or self._merge[1] is not task:
            return
        base = self._merge[0]
        self._merge = None
        try:
            table, lay = task.future.result()
        except Exception:  # the helper could not read (busy file…): read everything here instead
            self.reload(keep_view=True)
            return
        if self.table is not base:  # the tree was reloaded meanwhile: this merge is stale
            self._counter = None
            self.refresh_if_changed(background=True)
            return
        self._adopt(table, lay, defer=True)

    def _pool(self):
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ludeme-tree")
        return self._executor

    def shutdown(self) -> None:
        """Stop the helper thread and close its database connection."""
        if self._executor is not None:
            self._executor.submit(self.project.db.close)
            self._executor.shutdown(wait=True)
            self._executor = None
        self._merge = None

    # -- drawing ---------------------------------------------------------------------------------
    def _draw_edges(self) -> None:
        t, L = self.table, self.lay
        child = np.flatnonzero(t.parent >= 0)
        op_names = np.array([o.value for o in OPERATORS])
        styles = np.array([_EDGE_STYLES.get(o, "line") for o in op_names])
        child_style = styles[t.operator[child]] if len(child) else np.array([], dtype=styles.dtype)
        groups = {"line": [], "dash": [], "dot": [], "dashdot": []}
        for style in ("line", "dot", "dashdot"):
            rows = child[child_style == style]
            groups[style].append((t.parent[rows], rows))
        if len(t.extra_edges):
            groups["dash"].append((t.extra_edges[:, 0], t.extra_edges[:, 1]))
        for style, parts in groups.items():
            if parts:
                p = np.concatenate([a for a, _ in parts]).astype(np.int64)
                c = np.concatenate([b for _, b in parts]).astype(np.int64)
            else:
                p = c = np.zeros(0, np.int64)
            xs, ys = edge_segments(L.x, L.y, p, c)
            item = self.edge_items[style]
            item.setData(xs, ys, connect="pairs")
            try:  # build the segments now, not in the next paint (keeps each turn of the loop short)
                if item._shouldUseDrawLineSegments(item.opts["pen"]):
                    item._getLineSegments()
                else:
                    item.getPath()
            except AttributeError:  # another pyqtgraph: it builds them when painting
                pass

    def _draw_labels(self) -> None:
        placed = [(lid, float(self.lay.lineage_x[i])) for i, lid in enumerate(self.table.lineage_ids)
                  if math.isfinite(self.lay.lineage_x[i])]
        titles = [self._lineage_titles.get(lid, lid) for lid, _ in placed]
        by_lineage = {item.lineage_id: item for item in self.labels}
        if set(by_lineage) == {lid for lid, _ in placed} and all(
                by_lineage[lid].full_text == t for (lid, _), t in zip(placed, titles)):  # same ones: move them
            for lid, x in placed:
                by_lineage[lid].column = x
                by_lineage[lid].setPos(x, -0.45)
            self.labels.sort(key=lambda item: item.column)
            self._fit_labels()
            return
        for item in self.labels:
            self.vb.removeItem(item)
        self.labels = []
        for title, (lid, x) in zip(titles, placed):
            label = pg.TextItem(title, color=self._c["text"], anchor=(0.5, 1.0))
            label.lineage_id = lid
            label.setPos(x, -0.45)
            label.setToolTip(f"Lineage {title}")
            label.full_text = title
            label.column = x
            self.vb.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        self.labels.sort(key=lambda item: item.column)
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Elide lineage titles to the room between neighbouring lineages on screen."""
        if not self.labels:
            return
        px, _py = self.vb.viewPixelSize()
        if not px or not math.isfinite(px):
            return
        metrics = QFontMetrics(self.labels[0].textItem.font())  # the labels' own font, not the widget's
        centres = [item.column / px for item in self.labels]

        def rooms(step: int) -> list[int]:  # to the nearest neighbour on the same row
            out = []
            for i in range(len(centres)):
                left = centres[i] - centres[i - step] if i >= step else 1e9
                right = centres[i + step] - centres[i] if i + step < len(centres) else 1e9
                out.append(int(min(left, right, 400) - 10))
            return out

        one = rooms(1)
        # Two rows (every other title one line up) when one row would cut titles short
        stagger = any(metrics.horizontalAdvance(item.full_text) > r for item, r in zip(self.labels, one))
        room_of = rooms(2) if stagger else one
        for i, item in enumerate(self.labels):
            room = room_of[i]
            text = metrics.elidedText(item.full_text, Qt.TextElideMode.ElideRight, max(room, 0))
            item.setVisible(room >= 24)
            item.setAnchor((0.5, 2.0 if stagger and i % 2 else 1.0))
            if item.textItem.toPlainText() != text:
                item.setText(text)

    def _node_colors(self) -> tuple[np.ndarray, list[QColor]]:
        """Palette index per row, and the palette (dimmed copies follow the bright ones)."""
        t = self.table
        if self.color_mode == "status":
            names = [s.value for s in STATUSES]
            palette = [STATUS_COLORS.get(n, _NO_VALUE) for n in names]
            index = t.status.astype(np.int64)
        elif self.color_mode == "rating":
            palette = [_NO_VALUE] + [_RAMP[min(9, 1 + 2 * k)] for k in range(6)]  # unrated, 0..5 stars
            index = np.where(t.rating < 0, 0, t.rating.astype(np.int64) + 1)
        else:
            # Scores spread over the project's own range (they often sit in a narrow band).
            palette = [_NO_VALUE] + _RAMP
            lo, hi = self.reward_range()
            r = self._scores()
            scaled = (np.nan_to_num(r, nan=lo) - lo) / max(hi - lo, 1e-9)
            index = np.where(np.isnan(r), 0, 1 + np.clip((scaled * 10).astype(np.int64), 0, 9))
        bright = [QColor(c) for c in palette]
        dim = []
        for c in bright:
            d = QColor(c)
            d.setAlpha(45)
            dim.append(d)
        if self.match is not None:
            index = np.where(self.match, index, index + len(bright))
        return index, bright + dim

    def _scores(self) -> np.ndarray:
        """The numbers the colour shows: score, quality or progress (NaN where there is none)."""
        if self.table is None:
            return np.zeros(0)
        return getattr(self.table, self.color_mode if self.color_mode in ("quality", "progress") else "reward")

    def reward_range(self) -> tuple[float, float]:
        """Lowest and highest value of the shown score in the table (0..1 when nothing is scored)."""
        r = self._scores()
        finite = r[np.isfinite(r)]
        if not len(finite):
            return 0.0, 1.0
        lo, hi = float(finite.min()), float(finite.max())
        return (lo, hi) if hi > lo else (max(0.0, lo - 0.05), lo + 0.05)

    def _draw_nodes(self) -> None:
        t, L = self.table, self.lay
        if t is None:
            return
        index, palette = self._node_colors()
        # Favourites are drawn as stars (the second half of the atlas).
        style = np.where(t.favourite, index + len(palette), index)
        self.nodes.set_data(L.x, L.y, style, palette, priority=self.match)
        self._draw_selection()
        self._update_legend()

    def _draw_selection(self) -> None:
        L = self.lay
        rows = self.selected
        if L is None or not rows:
            self.ring.setData([], [])
            self.current_ring.setData([], [])
            return
        self.ring.setData(L.x[rows], L.y[rows])
        self.current_ring.setData(L.x[rows[:1]], L.y[rows[:1]])

    def _update_legend(self) -> None:
        if self.color_mode == "status":
            parts = [(STATUS_COLORS[k], k) for k in ("evaluated", "broken", "rejected", "generating")]
        elif self.color_mode == "rating":
            parts = [(_NO_VALUE, "unrated"), (_RAMP[1], "0★"), (_RAMP[9], "5★")]
        else:
            lo, hi = self.reward_range()
            none = {"quality": "no quality", "progress": "root / none"}.get(self.color_mode, "no score")
            parts = [(_NO_VALUE, none), (_RAMP[0], f"{lo:.2f}"), (_RAMP[5], f"{(lo + hi) / 2:.2f}"),
                     (_RAMP[9], f"{hi:.2f}")]
        self.legend.setText("  ".join(f"<span style='color:{c}'>●</span> {n}" for c, n in parts)
                            + "  <span style='color:#b07cff'>╌</span> crossover")
        self.legend.setToolTip("Nodes: colour as chosen, ★ favourite, ring = selected.\n"
                               "Edges: solid = mutate / fork / explore, dashed purple = a crossover's other "
                               "parent,\ndotted = repair, dash-dot = manual edit.")

    def restyle(self) -> None:
        """Take the colours of the theme now in use (after Settings ▸ Appearance)."""
        self._c = colors()
        self.view.setBackground(self._c["base"])
        for item in self.edge_items.values():
            pen = item.opts["pen"]
            if pen.color().name() != "#b07cff":
                pen.setColor(QColor(self._c["muted"]))
            item.setPen(pen)
        self.ring.setPen(pg.mkPen(self._c["highlight"], width=2.2))
        self.current_ring.setPen(pg.mkPen(self._c["text"], width=2.5))
        for item in self.labels:
            item.setColor(self._c["text"])

    def set_color_mode(self, mode: str) -> None:
        if mode not in COLOR_MODES:
            raise ValueError(f"colour mode must be one of {', '.join(COLOR_MODES)}")
        self.color_mode = mode
        if self.color_box.currentIndex() != COLOR_MODES.index(mode):
            self.color_box.setCurrentIndex(COLOR_MODES.index(mode))
        self._draw_nodes()

    # -- filter and search -------------------------------------------------------------------------
    def _text_matches(self, text: str) -> np.ndarray:
        t = self.table
        row_of = t.row_of
        mask = np.zeros(len(t), dtype=bool)
        hits = [row_of[vid] for vid in self.project.search_versions(text) if vid in row_of]
        mask[hits] = True
        return mask

    def apply_filter(self, redraw_only: bool = False) -> None:
        t = self.table
        if t is None:
            return
        mask = np.ones(len(t), dtype=bool)
        active = False
        text = self.search.text().strip()
        if text:
            mask &= self._text_matches(text)
            active = True
        status = self.status_box.currentIndex()
        if status:
            codes = _status_codes()
            wanted = {1: ["evaluated"], 2: ["broken"], 3: ["rejected"],
                      4: ["queued", "generating", "validating"]}[status]
            mask &= np.isin(t.status, [codes[w] for w in wanted])
            active = True
        if self.min_reward.value() > 0:
            mask &= np.nan_to_num(t.reward, nan=-1.0) >= self.min_reward.value()
            active = True
        if self.favourites.isChecked():
            mask &= t.favourite
            active = True
        self.match = mask if active else None
        self._draw_nodes()
        n = len(t)
        lineages = len([x for x in self.lay.lineage_x if math.isfinite(x)])
        if active:
            self.summary.setText(f"{int(mask.sum()):,} of {n:,} versions match")
        else:
            self.summary.setText(f"{n:,} versions in {lineages} lineages")

    def matching_ids(self) -> list[str]:
        if self.table is None:
            return []
        rows = range(len(self.table)) if self.match is None else np.flatnonzero(self.match)
        return [self.table.ids[r] for r in rows]

    def next_match(self) -> None:
        """Select the next matching version after the current one and bring it into view."""
        if self.match is None or not self.match.any():
            return
        rows = np.flatnonzero(self.match)
        cur = self.selected[0] if self.selected else -1
        later = rows[rows > cur]
        row = int(later[0] if len(later) else rows[0])
        self._set_selection([row])
        self.center_on(self.table.ids[row])

    # -- selection --------------------------------------------------------------------------------
    def current_id(self) -> str | None:
        return self.table.ids[self.selected[0]] if self.table is not None and self.selected else None

    def selected_ids(self) -> list[str]:
        return [self.table.ids[r] for r in self.selected] if self.table is not None else []

    def select(self, ids, center: bool = False) -> None:
        """Select these versions (the first becomes current) as if the user had clicked them."""
        if isinstance(ids, str):
            ids = [ids]
        if self.table is None:
            return
        row_of = self.table.row_of
        rows = [row_of[v] for v in ids if v in row_of]
        self._set_selection(rows)
        if center and rows:
            self.center_on(self.table.ids[rows[0]])

    def _set_selection(self, rows: list[int], emit: bool = True) -> None:
        old_current = self.selected[0] if self.selected else None
        self.selected = list(dict.fromkeys(int(r) for r in rows))
        self._draw_selection()
        if not emit:
            return
        self.selection_changed.emit(self.selected_ids())
        if self.selected and self.selected[0] != old_current:
            self.current_changed.emit(self.table.ids[self.selected[0]])

    def row_at(self, scene_pos: QPointF, radius_px: float = 9.0) -> int | None:
        """The node under a scene position (within ``radius_px`` on screen), nearest first."""
        if self.table is None or not len(self.table):
            return None
        p = self.vb.mapSceneToView(scene_pos)
        px, py = self.vb.viewPixelSize()
        dx = (self.lay.x - p.x()) / px
        dy = (self.lay.y - p.y()) / py
        d2 = dx * dx + dy * dy
        row = int(np.argmin(d2))
        return row if d2[row] <= radius_px * radius_px else None

    def _clicked(self, ev) -> None:
        row = self.row_at(ev.scenePos())
        self.view.setFocus()
        additive = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ev.button() == Qt.MouseButton.RightButton:
            if row is not None and row not in self.selected:
                self._set_selection([row])
            if self.selected:
                self.context_requested.emit(self.selected_ids(), ev.screenPos().toPoint())
            ev.accept()
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        if row is None:
            if not additive:
                self._set_selection([])
            return
        if ev.double():
            self._set_selection([row] + [r for r in self.selected if r != row])
            self.activated.emit(self.table.ids[row])
        elif additive:
            if row in self.selected:
                self._set_selection([r for r in self.selected if r != row])
            else:
                self._set_selection([row] + self.selected)
        else:
            self._set_selection([row])
        ev.accept()

    def _select_box(self, rect: QRectF, additive: bool) -> None:
        L = self.lay
        if L is None:
            return
        inside = np.flatnonzero((L.x >= rect.left()) & (L.x <= rect.right())
                                & (L.y >= rect.top()) & (L.y <= rect.bottom()))
        if self.match is not None:
            inside = inside[self.match[inside]]
        rows = (self.selected if additive else []) + inside.tolist()
        self._set_selection(rows)

    def _activate_current(self) -> None:
        if self.selected:
            self.activated.emit(self.table.ids[self.selected[0]])

    def _step(self, how: str, direction: int) -> None:
        """Keyboard walk: Up to the parent, Down to the first child, Left/Right among siblings."""
        t = self.table
        if t is None or not len(t):
            return
        if not self.selected:
            self._set_selection([0])
            return
        row = self.selected[0]
        target = None
        if how == "parent" and t.parent[row] >= 0:
            target = int(t.parent[row])
        elif how == "child":
            kids = np.flatnonzero(t.parent == row)
            target = int(kids[0]) if len(kids) else None
        elif how == "sibling":
            same = np.flatnonzero(self.lay.y == self.lay.y[row])
            order = same[np.argsort(self.lay.x[same], kind="stable")]
            pos = int(np.flatnonzero(order == row)[0]) + direction
            target = int(order[pos]) if 0 <= pos < len(order) else None
        if target is not None:
            self._set_selection([target])
            self.ensure_visible(self.table.ids[target])

    # -- view ---------------------------------------------------------------------------------------
    def fit_all(self) -> None:
        L = self.lay
        if L is None or not len(L):
            self.vb.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
            return
        x0, x1 = float(L.x.min()), float(L.x.max())
        y1 = float(L.y.max())
        pad = max(1.2, 0.02 * (x1 - x0))
        width = float(self.vb.width() or 0)
        if self.labels and width > 0:  # room for the outer lineages' whole titles, in pixels
            metrics = QFontMetrics(self.labels[0].textItem.font())
            half = max(metrics.horizontalAdvance(self.labels[i].full_text) for i in (0, -1)) / 2 + 8
            if width > 4 * half:
                pad = max(pad, half * (x1 - x0) / (width - 2 * half))
        self.vb.setRange(xRange=(x0 - pad, x1 + pad), yRange=(-1.1, max(y1, 2.0) + 0.6), padding=0)
        self._fit_range = [list(r) for r in self.vb.viewRange()]

    def _refit_if_fitted(self) -> None:
        """A resized pane still shows the whole tree if it did (the titles' room is in pixels)."""
        fitted = getattr(self, "_fit_range", None)
        if fitted is not None and all(abs(a - b) < 1e-6 for r, f in zip(self.vb.viewRange(), fitted)
                                      for a, b in zip(r, f)):
            self.fit_all()

    def center_on(self, version_id: str, columns: float = 12.0) -> None:
        row = self.table.row_of.get(version_id) if self.table is not None else None
        if row is None:
            return
        x, y = float(self.lay.x[row]), float(self.lay.y[row])
        self.vb.setRange(xRange=(x - columns / 2, x + columns / 2), yRange=(y - 3, y + 3), padding=0)

    def ensure_visible(self, version_id: str) -> None:
        row = self.table.row_of.get(version_id)
        if row is None:
            return
        (x0, x1), (y0, y1) = self.vb.viewRange()
        x, y = self.lay.x[row], self.lay.y[row]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            w, h = x1 - x0, y1 - y0
            self.vb.setRange(xRange=(x - w / 2, x + w / 2), yRange=(y - h / 2, y + h / 2), padding=0)

    def visible_rows(self) -> np.ndarray:
        (x0, x1), (y0, y1) = self.vb.viewRange()
        L = self.lay
        return np.flatnonzero((L.x >= x0) & (L.x <= x1) & (L.y >= y0) & (L.y <= y1))

    # -- thumbnails ------------------------------------------------------------------------------
    def thumbnails_shown(self) -> list[str]:
        return list(self._thumbs)

    def _update_thumbnails(self) -> None:
        if self.lay is None or not len(self.lay):
            return
        px, _py = self.vb.viewPixelSize()
        wanted: list[str] = []
        if px > 0 and 1.0 / px >= THUMB_MIN_PX:
            rows = self.visible_rows()
            if len(rows) <= THUMB_MAX:
                wanted = [self.table.ids[r] for r in rows]
        for vid in list(self._thumbs):
            if vid not in wanted or self.table.row_of.get(vid) is None:
                self.vb.removeItem(self._thumbs.pop(vid))
        _px, py = self.vb.viewPixelSize()
        width = int(min(160, max(64, 0.8 / px))) if px > 0 else 96
        height = int(min(120, max(40, 0.62 / py))) if py > 0 else 72  # clear of the next row's nodes
        for vid in wanted:
            pix = self._thumbnail(vid)
            if pix is None:
                continue
            item = self._thumbs.get(vid)
            scaled = pix.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
            if item is None:
                item = QGraphicsPixmapItem()
                item.setFlag(QGraphicsPixmapItem.GraphicsItemFlag.ItemIgnoresTransformations)
                item.setZValue(3)
                item.setToolTip(self.describe(vid))
                self.vb.addItem(item, ignoreBounds=True)
                self._thumbs[vid] = item
            item.setPixmap(scaled)
            row = self.table.row_of[vid]
            item.setOffset(-scaled.width() / 2, 12)
            item.setPos(self.lay.x[row], self.lay.y[row])

    def _thumbnail(self, version_id: str) -> QPixmap | None:
        if version_id not in self._thumb_cache:
            data = self.project.thumbnail(version_id)
            pix = None
            if data:
                pix = QPixmap()
                if not pix.loadFromData(data):
                    pix = None
            self._thumb_cache[version_id] = pix
        return self._thumb_cache[version_id]

    def describe(self, version_id: str) -> str:
        """A one-line description of a version for tooltips and the status bar."""
        t = self.table
        row = t.row_of.get(version_id)
        if row is None:
            return version_id
        title = self._lineage_titles.get(t.lineage_ids[t.lineage[row]], "")
        op = OPERATORS[t.operator[row]].value
        reward = t.reward[row]
        status = status_word(STATUSES[t.status[row]].value, None, None if math.isnan(reward) else float(reward))
        score = "" if math.isnan(reward) else f" · score {reward:.2f}"
        gen = int(t.generation[row])
        return f"{title} · gen {gen} · {op} · {status}{score}"
