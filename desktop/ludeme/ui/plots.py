"""Evolution plots of one lineage: reward and cost over generations (pyqtgraph, numpy in bulk).

Reward: every evaluated version as a point (spread a little within its generation so versions of
one generation do not hide each other; hover shows which version, click selects it), the best
reward so far (never goes down) and the mean of each generation. Cost: what each generation cost
in model calls (bars) and the running total (line). The plots follow the project: when any
process adds or changes versions (the version change counter moves) they are redrawn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ludeme.ui.theme import colors as theme_colors
from ludeme.ui.watcher import ProjectWatcher

if TYPE_CHECKING:
    from ludeme.store.project import Project

POLL_MS = 1000
FAILED = ("broken", "rejected")


def _qcolor(hex_color: str, alpha: int = 255) -> QColor:
    c = QColor(hex_color)
    c.setAlpha(alpha)
    return c


@dataclass(frozen=True)
class Series:
    """What the plots show for a lineage, as arrays (also what tests read)."""

    ids: tuple[str, ...]  # plotted versions (those with a reward), in the order of x/y
    labels: tuple[str, ...]
    x: np.ndarray  # generation, spread within the generation
    generation: np.ndarray
    reward: np.ndarray
    failed: np.ndarray  # bool: broken or rejected
    gens: np.ndarray  # generations 0..max that have any version
    best: np.ndarray  # best reward so far at each of ``gens`` (nan before the first reward)
    mean: np.ndarray  # mean reward of each of ``gens`` (nan where none has a reward)
    cost_gens: np.ndarray
    cost: np.ndarray  # model cost of each generation
    cumulative: np.ndarray


def version_label(v) -> str:
    return "seed" if v.generation == 0 and not v.parents else f"gen {v.generation} · {v.operator}"


def lineage_series(versions) -> Series:
    """The plotted numbers of a lineage's versions."""
    versions = [v for v in versions if v.deleted_at is None]
    scored = [v for v in versions if v.reward is not None]
    generation = np.array([v.generation for v in scored], dtype=float)
    reward = np.array([v.reward for v in scored], dtype=float)
    x = generation.copy()
    if len(scored):  # spread the versions of a generation over ±0.3, ordered by reward
        for g in np.unique(generation):
            idx = np.flatnonzero(generation == g)
            if len(idx) > 1:
                order = idx[np.argsort(reward[idx], kind="stable")]
                x[order] = g + np.linspace(-0.3, 0.3, len(idx))
    all_gens = np.array(sorted({v.generation for v in versions}), dtype=float)
    gens = np.arange(0, int(all_gens.max()) + 1, dtype=float) if len(all_gens) else np.zeros(0)
    best = np.full(len(gens), np.nan)
    mean = np.full(len(gens), np.nan)
    running = -np.inf
    for i, g in enumerate(gens):
        here = reward[generation == g]
        if len(here):
            mean[i] = float(here.mean())
            running = max(running, float(here.max()))
        if np.isfinite(running):
            best[i] = running
    cost = np.zeros(len(gens))
    for v in versions:
        cost[int(v.generation)] += float(v.cost or 0.0)
    return Series(ids=tuple(v.id for v in scored), labels=tuple(version_label(v) for v in scored), x=x,
                  generation=generation, reward=reward,
                  failed=np.array([str(v.status) in FAILED for v in scored], dtype=bool),
                  gens=gens, best=best, mean=mean, cost_gens=gens.copy(), cost=cost, cumulative=np.cumsum(cost))


class EvolutionPlots(QWidget):
    """Reward and cost over generations for one lineage; ``show_lineage(lineage_id)``."""

    version_clicked = Signal(str)  # a point was clicked: that version's id

    def __init__(self, project: Project, parent=None, *, poll_ms: int = POLL_MS, watcher: ProjectWatcher | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EvolutionPlots")
        self.project = project
        self.lineage_id: str | None = None
        self.series: Series | None = None
        self._labels: dict[str, str] = {}
        self._version_counter = self._lineage_counter = -1
        c = self.theme = theme_colors()

        title = QLabel("Evolution")
        title.setObjectName("PanelTitle")
        self.lineage_box = QComboBox()
        self.lineage_box.setToolTip("The lineage to plot")
        self.lineage_box.setMinimumContentsLength(18)
        self.lineage_box.currentIndexChanged.connect(self._on_lineage_picked)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.lineage_box)
        head.addWidget(self.summary, 1)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(c["base"])
        self.view.ci.setContentsMargins(6, 6, 12, 6)
        self.view.ci.setSpacing(14)
        self.reward_plot = self.view.addPlot(row=0, col=0)
        self.cost_plot = self.view.addPlot(row=1, col=0)
        self.cost_plot.setXLink(self.reward_plot)
        self.view.ci.layout.setRowStretchFactor(0, 3)
        self.view.ci.layout.setRowStretchFactor(1, 2)
        for plot, left, units in ((self.reward_plot, "Reward", None), (self.cost_plot, "Cost", "$")):
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.12)
            plot.setLabel("left", left, units=units, color=c["muted"])
            plot.setLabel("bottom", "Generation", color=c["muted"])
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(c["border"]))
                axis.setTextPen(pg.mkPen(c["muted"]))
                axis.setTickFont(QFont(self.font().family(), 8))
            plot.getAxis("bottom").setTickSpacing(major=1, minor=1)
            plot.setMouseEnabled(x=True, y=False)
        for plot in (self.reward_plot, self.cost_plot):
            plot.getAxis("left").enableAutoSIPrefix(False)

        self.reward_legend = self._legend(self.reward_plot)
        self.points = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(_qcolor(c["highlight"], 220)), pen=pg.mkPen(_qcolor(c["base"]), width=1), hoverable=True,
                                         hoverSize=13, hoverBrush=pg.mkBrush(c["text"]), tip=self._tip,
                                         name="versions")
        self.points.sigClicked.connect(self._clicked)
        self.best_line = pg.PlotDataItem(pen=pg.mkPen(c["ok"], width=2.5), name="best so far",
                                         stepMode=None, connect="finite")
        self.mean_line = pg.PlotDataItem(pen=pg.mkPen(c["warning"], width=1.5, style=Qt.PenStyle.DashLine),
                                         symbol="s", symbolSize=6, symbolBrush=pg.mkBrush(c["warning"]),
                                         symbolPen=None, name="generation mean", connect="finite")
        # a legend key for broken/rejected versions (drawn in the same scatter, in the error colour)
        self.failed_key = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(_qcolor(c["error"], 220)),
                                             pen=pg.mkPen(_qcolor(c["base"]), width=1), name="broken")
        for item in (self.points, self.failed_key, self.mean_line, self.best_line):
            self.reward_plot.addItem(item)
        self.reward_message = pg.TextItem("", color=c["muted"], anchor=(0.5, 0.5))
        self.reward_plot.addItem(self.reward_message, ignoreBounds=True)

        self.cost_legend = self._legend(self.cost_plot, offset=(8, 8))  # top left: the total grows rightwards
        self.cost_bars = pg.BarGraphItem(x=[], height=[], width=0.6, brush=pg.mkBrush(_qcolor(c["highlight"], 150)),
                                         pen=pg.mkPen(None), name="per generation")
        self.cost_line = pg.PlotDataItem(pen=pg.mkPen(c["error"], width=2), symbol="o", symbolSize=5,
                                         symbolBrush=pg.mkBrush(c["error"]), symbolPen=None, name="cumulative")
        self.cost_plot.addItem(self.cost_bars)
        self.cost_plot.addItem(self.cost_line)
        self.cost_message = pg.TextItem("", color=c["muted"], anchor=(0.5, 0.5))
        self.cost_plot.addItem(self.cost_message, ignoreBounds=True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addLayout(head)
        lay.addWidget(self.view, 1)

        self._fill_lineages()
        # The window's watcher (one for all its views), or one of its own when the plots stand alone.
        self.watcher = watcher or ProjectWatcher(project, self, interval_ms=poll_ms)
        self.watcher.changed.connect(self._on_changed)
        self._draw()

    def _legend(self, plot, offset=(-8, 8)) -> pg.LegendItem:
        c = self.theme
        legend = plot.addLegend(offset=offset, labelTextColor=c["text"], labelTextSize="8pt",
                                brush=pg.mkBrush(_qcolor(c["window"], 210)), pen=pg.mkPen(c["border"]))
        legend.setColumnCount(4)
        return legend

    # -- public ----------------------------------------------------------------------------------
    def restyle(self) -> None:
        """Take the colours of the theme now in use (background, axes, points)."""
        c = self.theme = theme_colors()
        self.view.setBackground(c["base"])
        for plot in (self.reward_plot, self.cost_plot):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(c["border"]))
                axis.setTextPen(pg.mkPen(c["muted"]))
        self.points.setBrush(pg.mkBrush(_qcolor(c["highlight"], 220)))
        self.points.setPen(pg.mkPen(_qcolor(c["base"]), width=1))
        self._draw()

    def show_lineage(self, lineage_id: str | None) -> None:
        """Plot this lineage (None: nothing)."""
        self.lineage_id = lineage_id
        i = self.lineage_box.findData(lineage_id) if lineage_id else -1
        if i < 0 and lineage_id:  # a lineage added since the list was filled
            self._fill_lineages()
            i = self.lineage_box.findData(lineage_id)
        self.lineage_box.blockSignals(True)
        self.lineage_box.setCurrentIndex(i)
        self.lineage_box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Read the lineage's versions again and redraw."""
        counters = self.project.change_counters()
        self._version_counter = counters.get("version", -1)
        if counters.get("lineage", -1) != self._lineage_counter:
            self._fill_lineages()
        if self.lineage_id is None:
            self.series = None
        else:
            self.series = lineage_series(self.project.versions(lineage_id=self.lineage_id))
        self._draw()

    def poll(self) -> bool:
        """One tick of the watcher now; True if the plots were redrawn."""
        return bool(self.watcher.poll() & {"version", "lineage"})

    def _on_changed(self, topics: frozenset) -> None:
        if topics & {"version", "lineage"}:
            self.refresh()

    # -- drawing ---------------------------------------------------------------------------------
    def _fill_lineages(self) -> None:
        self._lineage_counter = self.project.change_counters().get("lineage", -1)
        lineages = self.project.lineages()
        self.lineage_box.blockSignals(True)
        self.lineage_box.clear()
        for lineage in lineages:
            self.lineage_box.addItem(lineage.title, lineage.id)
        self.lineage_box.setCurrentIndex(self.lineage_box.findData(self.lineage_id) if self.lineage_id else -1)
        self.lineage_box.setPlaceholderText("Choose a lineage")
        self.lineage_box.blockSignals(False)

    def _on_lineage_picked(self, index: int) -> None:
        lineage_id = self.lineage_box.itemData(index) if index >= 0 else None
        if lineage_id != self.lineage_id:
            self.lineage_id = lineage_id
            self.refresh()

    def _draw(self) -> None:
        c = self.theme
        s = self.series
        if s is None or not len(s.gens):
            for item in (self.points, self.best_line, self.mean_line, self.cost_line):
                item.setData([], [])
            self.cost_bars.setOpts(x=[], height=[])
            self.reward_message.setText("Choose a lineage to see its evolution." if s is None
                                        else "No versions in this lineage yet.")
            self.reward_message.setPos(0.5, 0.5)
            self.cost_message.setText("")
            self.reward_plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.05)
            self.summary.setText("")
            return
        self._labels = dict(zip(s.ids, s.labels))
        ok, failed = _qcolor(c["highlight"], 220), _qcolor(c["error"], 220)
        self.points.setData(x=s.x, y=s.reward, data=list(s.ids),
                            brush=[pg.mkBrush(failed if f else ok) for f in s.failed])
        for line, values in ((self.best_line, s.best), (self.mean_line, s.mean)):
            if np.isfinite(values).any():
                line.setData(s.gens, values)
            else:  # nothing scored yet: nothing to draw (all-NaN data makes pyqtgraph warn on stderr)
                line.setData([], [])
        self.cost_bars.setOpts(x=s.cost_gens, height=s.cost, width=0.6)
        self.cost_line.setData(s.cost_gens, s.cumulative)
        total = float(s.cumulative[-1]) if len(s.cumulative) else 0.0
        x_range = (-0.6, max(1.0, float(s.gens[-1])) + 0.6)
        self.reward_plot.setXRange(*x_range, padding=0)
        if len(s.reward):
            low, high = float(np.nanmin(s.reward)), float(np.nanmax(s.reward))
            pad = max(0.05, (high - low) * 0.12)
            headroom = max(0.08, (high - low) * 0.3)  # the legend sits above the points
            self.reward_plot.setYRange(max(0.0, low - pad) if low >= 0 else low - pad, high + headroom, padding=0)
            self.reward_message.setText("")
        else:
            self.reward_message.setText("No evaluated versions yet.")
            self.reward_message.setPos(sum(x_range) / 2, 0.5)
            self.reward_plot.setYRange(0, 1, padding=0)
        if total > 0:
            self.cost_message.setText("")
            self.cost_plot.setYRange(0, total * 1.45, padding=0)  # headroom for the legend
        else:
            self.cost_plot.setYRange(0, 0.01, padding=0)
            self.cost_message.setText("No model spending: these versions were made offline (free).")
            self.cost_message.setPos(sum(x_range) / 2, 0.005)
        n = len(s.ids)
        best = float(np.nanmax(s.best)) if np.isfinite(s.best).any() else None
        broken = int(s.failed.sum())
        bits = [f"{n} scored version{'s' * (n != 1)}" + (f" ({broken} broken)" if broken else ""),
                f"{len(s.gens)} generation{'s' * (len(s.gens) != 1)}"]
        if best is not None:
            bits.append(f"best {best:.3f}")
        bits.append(f"cost ${total:.2f}" if total >= 0.01 or total == 0 else f"cost ${total:.4f}")
        self.summary.setText(" · ".join(bits))

    def _tip(self, x: float, y: float, data) -> str:
        label = self._labels.get(str(data), "")
        return f"{label}\n{data}\nreward {y:.3f}"

    def _clicked(self, _item, points, _ev) -> None:
        if len(points):
            self.version_clicked.emit(str(points[0].data()))
