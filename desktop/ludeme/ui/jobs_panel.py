"""The jobs panel: what the worker is doing, has done and failed to do; cancel; start/stop it.

Follows the project through the window's ``ProjectWatcher`` (one tiny query of the change counters,
maintained by triggers, so writes of the worker process are seen too) and does nothing more unless
the job counter moved. Then only the jobs that can have changed are read again: queued and running ones,
new ones, and the recently finished (a cancel that came too late turns into done). Reads are
short: the worker process writes the same SQLite file (WAL) at the same time.

Why this module is over 500 lines: the table model, the detail pane and the worker controls of
one panel; the model and the detail pane could be their own modules.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (QAbstractTableModel, QItemSelectionModel, QModelIndex, QRectF, QSize,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import (
    QAction, QColor, QFontDatabase, QGuiApplication, QKeySequence, QPainter, QPen,
)
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QSplitter, QStyle, QStyledItemDelegate, QTableView,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)
from superqt import QElidingLabel

from ludeme.core.domain import Job, JobStatus
from ludeme.ui.theme import colors, local_shortcut  # the theme in use, forced light/dark included
from ludeme.ui.watcher import POLL_MS, ProjectWatcher

if TYPE_CHECKING:
    from ludeme.store.project import Project


MAX_JOBS = 2000  # the newest jobs listed when the panel opens
RECENT = 120.0  # seconds a finished job is still watched (a late cancel can still turn into done)
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
FILTERS = ("all", "queued", "running", "done", "failed", "cancelled")
COLUMNS = ("#", "Kind", "Target", "Status", "Progress", "Cost", "Started", "Finished", "Ran on")
COL_ID, COL_KIND, COL_TARGET, COL_STATUS, COL_PROGRESS, COL_COST, COL_STARTED, COL_FINISHED, COL_WHERE = range(9)


def ran_on(job) -> tuple[str, str]:
    """(short text, full text) of where a job's evaluations ran: this machine, a cluster's nodes, or
    the worker running it now."""
    where = job.result.get("ran_on") if isinstance(job.result, Mapping) else None
    if isinstance(where, Mapping) and where:
        places = sorted(where.items(), key=lambda kv: -kv[1])
        full = "\n".join(f"{name}: {n} evaluation{'s' * (n != 1)}" for name, n in places)
        if len(places) == 1:
            name = places[0][0]
            return (name.split(" (")[0] if name.startswith("this machine") else name), full
        return f"{len(places)} nodes", full
    if job.status.value == "running" and job.worker:
        host = job.worker.rsplit(":", 1)[0]
        return f"worker on {host}", f"running in worker {job.worker}"
    return "—", ""
JOB_ROLE = Qt.ItemDataRole.UserRole + 1


def _status_colors() -> dict[str, str]:
    c = colors()
    return {"queued": c["muted"], "running": c["highlight"], "done": c["ok"], "failed": c["error"],
            "cancelled": c["warning"]}


def _clock(t: float | None) -> str:
    if not t:
        return "—"
    when = datetime.fromtimestamp(t)
    return when.strftime("%H:%M:%S") if when.date() == datetime.now().date() else when.strftime("%b %d %H:%M")


def _full_time(t: float | None) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S") if t else "—"


def duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, s = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {s:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def money(cost: float | None) -> str:
    if cost is None:
        return "—"
    if cost == 0:
        return "$0"
    return f"${cost:.4f}" if cost < 0.01 else f"${cost:.2f}"


@dataclasses.dataclass
class JobRow:
    """A job and what the panel shows about it."""

    job: Job
    target: str = ""
    target_tip: str = ""
    cost: float | None = None

    @property
    def status(self) -> str:
        return self.job.status.value


class JobsModel(QAbstractTableModel):
    """All loaded jobs, newest first; updated in place so selections survive a refresh."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[JobRow] = []
        self._index: dict[int, int] = {}  # job id -> row

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            if section in (COL_ID, COL_COST):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row_of(self, job_id: int) -> int | None:
        return self._index.get(job_id)

    def job_row(self, job_id: int) -> JobRow | None:
        i = self._index.get(job_id)
        return None if i is None else self.rows[i]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        job, col = row.job, index.column()
        if role == JOB_ROLE:
            return job.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_ID:
                return str(job.id)
            if col == COL_KIND:
                return job.kind
            if col == COL_TARGET:
                return row.target
            if col == COL_STATUS:
                return f"●  {job.status.value}"
            if col == COL_PROGRESS:
                return job.message
            if col == COL_COST:
                return money(row.cost) if job.started else "—"
            if col == COL_STARTED:
                return _clock(job.started)
            if col == COL_FINISHED:
                if not job.finished:
                    return "—"
                took = f" · {duration(job.finished - job.started)}" if job.started else ""
                return _clock(job.finished) + took
            if col == COL_WHERE:
                return ran_on(job)[0]
        elif role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_WHERE:
                return ran_on(job)[1] or "where the job's playtests ran"
            if col == COL_TARGET:
                return row.target_tip or row.target
            if col == COL_PROGRESS:
                return f"{job.progress:.0%} · {job.message}" if job.message else f"{job.progress:.0%}"
            if col == COL_STATUS:
                tip = f"{job.status.value}, attempt {job.attempts}" if job.attempts else job.status.value
                return tip + (f"\n{job.message}" if job.status.value == "failed" and job.message else "")
            if col == COL_STARTED:
                return f"created {_full_time(job.created)}\nstarted {_full_time(job.started)}"
            if col == COL_FINISHED:
                return _full_time(job.finished)
            if col == COL_COST:
                return "model spending linked to this job (ledger)"
        elif role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return QColor(_status_colors().get(job.status.value, colors()["text"]))
        elif role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_ID, COL_COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def update(self, rows: Iterable[JobRow]) -> None:
        """Replace the rows of known jobs, add new ones (newest first)."""
        new: list[JobRow] = []
        for r in rows:
            i = self._index.get(r.job.id)
            if i is None:
                new.append(r)
            else:
                self.rows[i] = r
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        if new:
            new.sort(key=lambda r: r.job.id, reverse=True)
            known_max = self.rows[0].job.id if self.rows else -1
            if all(r.job.id > known_max for r in new):  # the usual case: newer jobs on top
                self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
                self.rows[:0] = new
                self.endInsertRows()
            else:
                self.beginResetModel()
                self.rows = sorted(self.rows + new, key=lambda r: r.job.id, reverse=True)
                self.endResetModel()
            self._index = {r.job.id: i for i, r in enumerate(self.rows)}


class StatusFilter(QSortFilterProxyModel):
    def __init__(self, model: JobsModel, parent=None) -> None:
        super().__init__(parent)
        self.status = "all"
        self.jobs = model  # held here: the filter never asks Qt for a source model being torn down
        self.setSourceModel(model)

    def set_status(self, status: str) -> None:
        self.beginFilterChange()
        self.status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        if self.status == "all":
            return True
        rows = self.jobs.rows
        return source_row < len(rows) and rows[source_row].status == self.status


class ProgressDelegate(QStyledItemDelegate):
    """A slim rounded bar under the job's message, coloured by status."""

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        model = index.model()
        source = model.mapToSource(index) if isinstance(model, QSortFilterProxyModel) else index
        row = source.model().rows[source.row()]
        job = row.job
        c = colors()
        self.initStyleOption(option, index)
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:  # selection / alternate background as usual, no text
            option.text = ""
            style.drawControl(style.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(6, 4, -6, -4)
        fraction = 1.0 if job.status.value == "done" else max(0.0, min(1.0, job.progress))
        bar = QRectF(rect.left(), rect.bottom() - 4, rect.width(), 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(c["border"]))
        painter.drawRoundedRect(bar, 2, 2)
        if fraction > 0:
            fill = QRectF(bar)
            fill.setWidth(max(4.0, bar.width() * fraction))
            painter.setBrush(QColor(_status_colors().get(job.status.value, c["highlight"])))
            painter.drawRoundedRect(fill, 2, 2)
        percent = f"{fraction:.0%}" if job.status.value in ("running", "done") else ""
        text_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height() - 6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QPen(QColor(c["highlight_text"] if selected else c["text"])))
        fm = option.fontMetrics
        right = fm.horizontalAdvance(percent) + 6 if percent else 0
        message = fm.elidedText(job.message or ("waiting for the worker" if job.status.value == "queued" else ""),
                                Qt.TextElideMode.ElideRight, int(text_rect.width() - right))
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), message)
        if percent:
            painter.setPen(QPen(QColor(c["muted"])))
            painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), percent)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 220), hint.height() + 10)


class JobsPanel(QWidget):
    """Jobs of the project with their progress, cost and errors; cancel; the worker's state."""

    job_finished = Signal(int)  # a job became done, failed or cancelled (seen by the poll)
    versions_changed = Signal()  # some process added or changed versions
    job_selected = Signal(int)
    version_activated = Signal(str)  # a finished job was double-clicked: the version it made

    def __init__(self, project: Project, worker_control=None, parent=None, *, poll_ms: int = POLL_MS,
                 watcher: ProjectWatcher | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("JobsPanel")
        self.project = project
        self.worker = worker_control
        if worker_control is not None and getattr(worker_control, "project", None) is None:
            try:  # the supervisor's one write after a crash goes through the studio's connection
                if Path(worker_control.project_path).resolve() == Path(project.path).resolve():
                    worker_control.project = project
            except (AttributeError, OSError):
                pass
        self._max_id = 0
        self._watch: dict[int, float] = {}  # ids to read again at the next change -> finished time (0 = active)
        self._status_counts: dict[str, int] = {}
        self._lineage_titles: dict[str, str] | None = None
        self._version_labels: dict[str, tuple[str, str]] = {}  # id -> (lineage id, label)
        self._build()
        self._load_all()
        # The window's watcher (one for all its views), or one of its own when the panel stands alone.
        self.watcher = watcher or ProjectWatcher(project, self, interval_ms=poll_ms)
        self.watcher.changed.connect(self._on_changed)
        if self.worker is not None:
            self.worker.state_changed.connect(self._show_worker_state)
            self.worker.log_line.connect(self._append_log)
            for line in list(self.worker.log):
                self._append_log(line)
        self._show_worker_state()

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        c = colors()
        self.setStyleSheet(f"""
            QToolButton#Chip {{ border: 1px solid {c['border']}; border-radius: 11px; padding: 2px 10px;
                                background: transparent; }}
            QToolButton#Chip:hover {{ background: {c['button']}; }}
            QToolButton#Chip:checked {{ background: {c['highlight']}; color: {c['highlight_text']};
                                        border-color: {c['highlight']}; }}
            QLabel#WorkerDot {{ font-size: 13pt; }}
            QTableView {{ border: 1px solid {c['border']}; border-radius: 8px; }}
            QTableView::item {{ padding: 0px 8px; }}
            QHeaderView::section {{ padding: 4px 8px; }}
            QPlainTextEdit#ErrorText {{ color: {c['error']}; }}
        """)
        self.worker_dot = QLabel("●")
        self.worker_dot.setObjectName("WorkerDot")
        self.worker_label = QElidingLabel()
        self.worker_label.setObjectName("WorkerState")
        self.worker_label.setMinimumWidth(1)
        self.start_button = QPushButton("Start worker")
        self.start_button.setToolTip("Run queued jobs in the background (one worker process)")
        self.start_button.clicked.connect(self._start_worker)
        self.stop_button = QPushButton("Stop worker")
        self.stop_button.setToolTip("Stop the worker: jobs that are saving finish, the others go back to the queue")
        self.stop_button.clicked.connect(self._stop_worker)
        for b in (self.start_button, self.stop_button):
            b.setVisible(self.worker is not None)
        # The worker's state and buttons share the summary's row, under the table: in the short bottom
        # dock every row of controls is a row of jobs the table cannot show (the dock names the panel).
        foot = QHBoxLayout()
        foot.setSpacing(6)

        self.chips: dict[str, QToolButton] = {}
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        chips = QHBoxLayout()
        chips.setSpacing(4)
        for i, name in enumerate(FILTERS):
            chip = QToolButton()
            chip.setObjectName("Chip")
            chip.setCheckable(True)
            chip.setText(name.capitalize())
            chip.setToolTip(f"Show {name} jobs" if name != "all" else "Show every job")
            # Alt+N only while the panel has the focus (the inspector's tabs use Alt+N too).
            local_shortcut(f"Alt+{i + 1}", self, chip.click)
            chip.toggled.connect(lambda on, n=name: on and self.set_filter(n))
            self.chip_group.addButton(chip)
            self.chips[name] = chip
            chips.addWidget(chip)
        chips.addStretch(1)
        self.cancel_button = QPushButton("Cancel job")
        self.cancel_button.setToolTip("Cancel the selected queued or running jobs (Delete)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Queue the selected failed or cancelled jobs again (Ctrl+R)")
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self.retry_selected)

        self.table = QTableView()
        # The models belong to the view, so the view is torn down before them.
        self.model = JobsModel(self.table)
        self.proxy = StatusFilter(self.model, self.table)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col, mode in ((COL_ID, "contents"), (COL_KIND, "contents"), (COL_TARGET, "interactive"),
                          (COL_STATUS, "contents"), (COL_PROGRESS, "stretch"), (COL_COST, "contents"),
                          (COL_STARTED, "contents"), (COL_FINISHED, "contents"), (COL_WHERE, "contents")):
            header.setSectionResizeMode(col, {"contents": QHeaderView.ResizeMode.ResizeToContents,
                                              "stretch": QHeaderView.ResizeMode.Stretch,
                                              "interactive": QHeaderView.ResizeMode.Interactive}[mode])
        header.resizeSection(COL_TARGET, 230)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(self._on_double_click)

        self.cancel_action = QAction("Cancel job", self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.cancel_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_action.triggered.connect(self.cancel_selected)
        self.table.addAction(self.cancel_action)
        self.retry_action = QAction("Retry", self)
        self.retry_action.setShortcut(QKeySequence("Ctrl+R"))
        self.retry_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retry_action.triggered.connect(self.retry_selected)
        self.table.addAction(self.retry_action)

        # details of the selected job, and the worker's log
        self.details = QWidget()
        self.detail_title = QLabel("Select a job to see its details.")
        self.detail_title.setObjectName("DetailTitle")
        self.detail_title.setStyleSheet("font-weight: 600;")
        self.detail_info = QLabel()
        self.detail_info.setObjectName("Muted")
        self.detail_info.setWordWrap(True)
        self.detail_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_text = QPlainTextEdit()
        self.error_text.setObjectName("ErrorText")
        self.error_text.setReadOnly(True)
        self.error_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.error_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.error_text.setPlaceholderText("No error.")
        self.copy_button = QPushButton("Copy error")
        self.copy_button.setToolTip("Copy the full error text to the clipboard")
        self.copy_button.clicked.connect(self.copy_error)
        copy_row = QHBoxLayout()  # what acts on the selected jobs sits with their details
        copy_row.addWidget(self.detail_title, 1)
        copy_row.addWidget(self.retry_button)
        copy_row.addWidget(self.cancel_button)
        copy_row.addWidget(self.copy_button)
        dl = QVBoxLayout(self.details)
        dl.setContentsMargins(8, 6, 8, 6)
        dl.addLayout(copy_row)
        dl.addWidget(self.detail_info)
        dl.addWidget(self.error_text, 1)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(1000)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_view.setPlaceholderText("The worker's log appears here once it runs.")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.details, "Details")
        self.tabs.addTab(self.log_view, "Worker log")
        self._show_details(None)

        self.summary = QElidingLabel()
        self.summary.setObjectName("Muted")
        self.summary.setMinimumWidth(1)
        chips.addWidget(self.summary, 1)  # after the chips' stretch: "8 jobs shown · 1 running · spent $0"
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        foot.addWidget(self.worker_dot)
        foot.addWidget(self.worker_label, 1)
        foot.addWidget(self.start_button)
        foot.addWidget(self.stop_button)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table, 1)
        tl.addLayout(foot)
        # In the wide, short bottom dock the details sit beside the table (which keeps its rows);
        # in a tall one (floating, or docked at a side) below it.
        split = self.split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(chips)  # the filters across the whole panel, above the table and the details
        lay.addWidget(split, 1)
        self.chips["all"].setChecked(True)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        wide = self.width() > 1.6 * self.height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.split.orientation() != orientation:
            self.split.setOrientation(orientation)
            self.split.setStretchFactor(1, 2 if wide else 1)

    # -- reading the project ---------------------------------------------------------------------
    def poll(self) -> bool:
        """One tick of the watcher now; True if anything this panel shows changed."""
        return bool(self.watcher.poll() & {"job", "lineage", "version"})

    @property
    def last_poll_ms(self) -> float:
        return self.watcher.last_poll_ms

    def _on_changed(self, topics: frozenset) -> None:
        if "lineage" in topics:
            self._lineage_titles = None
        if "job" in topics:
            self._refresh_jobs()
        if "version" in topics:
            self.versions_changed.emit()

    def refresh(self) -> None:
        """Read everything again (e.g. after the project was reloaded)."""
        self._lineage_titles = None
        self._refresh_jobs(full=True)

    def _load_all(self) -> None:
        self._apply(self.project.recent_jobs(MAX_JOBS), initial=True)

    def _refresh_jobs(self, full: bool = False) -> None:
        if full:
            jobs = self.project.recent_jobs(MAX_JOBS)
        else:
            now = time.time()
            self._watch = {i: f for i, f in self._watch.items() if not f or now - f < RECENT}
            jobs = self.project.jobs_to_watch(self._max_id, list(self._watch))
        self._apply(jobs, initial=False)

    def _apply(self, jobs: list[Job], *, initial: bool) -> None:
        before = {j.id: (r.status if (r := self.model.job_row(j.id)) else None) for j in jobs}
        rows = self._describe(jobs)
        self.model.update(rows)
        finished_now = []
        for job in jobs:
            self._max_id = max(self._max_id, job.id)
            status = job.status
            self._watch[job.id] = (job.finished or time.time()) if status.finished else 0.0
            if not initial and status.finished and before.get(job.id) != status.value:
                finished_now.append(job.id)
        self._status_counts = self.project.job_status_counts()
        self._update_chips()
        self._update_summary()
        self._show_details(self.selected_job_ids()[0] if self.selected_job_ids() else None)
        self._update_cancel()
        for job_id in finished_now:
            self.job_finished.emit(job_id)

    def _describe(self, jobs: list[Job]) -> list[JobRow]:
        """Target labels and spending for jobs, in two short queries."""
        if self._lineage_titles is None:
            self._lineage_titles = {lin.id: lin.title for lin in self.project.lineages(include_archived=True)}
        wanted = set()
        for job in jobs:
            wanted.update(self._payload_versions(job.payload))
            if job.result and job.result.get("version_id"):
                wanted.add(str(job.result["version_id"]))
        missing = [v for v in wanted if v not in self._version_labels]
        for vid, (lineage_id, generation, operator) in self.project.version_briefs(missing).items():
            label = "seed" if operator in ("seed", "import", "idea") and generation == 0 else f"gen {generation} {operator}"
            self._version_labels[vid] = (lineage_id, label)
        costs = self.project.job_costs(j.id for j in jobs if j.status.value != "queued")
        rows = []
        for job in jobs:
            target, tip = self._target(job)
            cost = costs.get(job.id)
            if cost is None and job.result and isinstance(job.result.get("cost"), (int, float)):
                cost = float(job.result["cost"])
            if cost is None and job.status.value != "queued":
                cost = 0.0
            rows.append(JobRow(job, target, tip, cost))
        return rows

    @staticmethod
    def _payload_versions(payload: Mapping) -> list[str]:
        ids = []
        if payload.get("version_id"):
            ids.append(str(payload["version_id"]))
        for v in payload.get("version_ids") or ():
            ids.append(str(v))
        return ids

    def _version_text(self, version_id: str) -> tuple[str | None, str]:
        found = self._version_labels.get(version_id)
        if found is None:
            return None, f"missing version {version_id}"
        return found[0], found[1]

    def _target(self, job: Job) -> tuple[str, str]:
        titles = self._lineage_titles or {}
        payload = job.payload
        parts, lineages = [], []
        for vid in self._payload_versions(payload):
            lineage_id, label = self._version_text(vid)
            parts.append(label)
            if lineage_id is not None:
                lineages.append(titles.get(lineage_id, "?"))
        if not parts and payload.get("lineage_id"):
            title = titles.get(str(payload["lineage_id"]), f"lineage {payload['lineage_id']}")
            return title, title
        if not parts:
            return "—", ""
        lineage = " × ".join(dict.fromkeys(lineages)) if lineages else ""
        text = f"{lineage} · {' × '.join(parts)}" if lineage else " × ".join(parts)
        tip = "\n".join(self._payload_versions(payload))
        if payload.get("direction"):
            tip += f"\ndirection: “{payload['direction']}”"
        return text, tip

    # -- view ------------------------------------------------------------------------------------
    def set_filter(self, status: str) -> None:
        if status not in FILTERS:
            raise ValueError(f"unknown job filter {status!r}; known: {', '.join(FILTERS)}")
        if not self.chips[status].isChecked():
            self.chips[status].setChecked(True)
        self.proxy.set_status(status)
        self._update_summary()

    @property
    def filter(self) -> str:
        return self.proxy.status

    def _update_chips(self) -> None:
        total = sum(self._status_counts.values())
        for name, chip in self.chips.items():
            n = total if name == "all" else self._status_counts.get(name, 0)
            chip.setText(f"{name.capitalize()}  {n}" if n else name.capitalize())

    def _update_summary(self) -> None:
        n = self.proxy.rowCount()
        running = self._status_counts.get("running", 0)
        queued = self._status_counts.get("queued", 0)
        spent = sum(r.cost or 0 for r in self.model.rows)
        bits = [f"{n} job{'s' * (n != 1)} shown"]
        if running or queued:
            bits.append(f"{running} running, {queued} queued")
        bits.append(f"spent {money(spent)}")
        self.summary.setText(" · ".join(bits))
        self._show_worker_state()

    def visible_jobs(self) -> list[JobRow]:
        """The rows as listed (filter applied), top to bottom."""
        return [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                for r in range(self.proxy.rowCount())]

    def row_for(self, job_id: int) -> JobRow | None:
        return self.model.job_row(job_id)

    def select_job(self, job_id: int) -> bool:
        i = self.model.row_of(job_id)
        if i is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(i, 0))
        if not index.isValid():
            self.set_filter("all")
            index = self.proxy.mapFromSource(self.model.index(i, 0))
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def selected_job_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return sorted((int(self.proxy.data(i, JOB_ROLE)) for i in rows), reverse=True)

    def _on_selection(self, *_args) -> None:
        ids = self.selected_job_ids()
        self._show_details(ids[0] if ids else None)
        self._update_cancel()
        if ids:
            self.job_selected.emit(ids[0])

    def _update_cancel(self) -> None:
        ended = [i for i in self.selected_job_ids() if (r := self.model.job_row(i)) and r.status in ("failed", "cancelled")]
        self.retry_button.setEnabled(bool(ended))
        self.retry_action.setEnabled(bool(ended))
        active = [i for i in self.selected_job_ids() if (r := self.model.job_row(i)) and r.status in ACTIVE]
        self.cancel_button.setEnabled(bool(active))
        self.cancel_action.setEnabled(bool(active))
        self.cancel_button.setText("Cancel job" if len(active) <= 1 else f"Cancel {len(active)} jobs")

    def _show_details(self, job_id: int | None) -> None:
        row = self.model.job_row(job_id) if job_id is not None else None
        if row is None:
            self.detail_title.setText("Select a job to see its details.")
            self.detail_info.setText("")
            self.error_text.setPlainText("")
            self.error_text.setVisible(False)
            self.copy_button.setVisible(False)
            return
        job = row.job
        self.detail_title.setText(f"Job {job.id} · {job.kind} · {job.status.value}")
        info = [f"Target: {row.target}"]
        if job.payload.get("direction"):
            info.append(f"Direction: “{job.payload['direction']}”")
        if job.payload.get("model"):
            info.append(f"Model: {job.payload['model']}")
        info.append(f"Created {_full_time(job.created)}" + (f" · started {_full_time(job.started)}" if job.started else "")
                    + (f" · finished {_full_time(job.finished)}" if job.finished else ""))
        if job.attempts:
            info.append(f"Attempts: {job.attempts}" + (f" · worker {job.worker}" if job.worker else ""))
        if job.message:
            info.append(f"Progress: {job.progress:.0%} · {job.message}")
        if row.cost is not None:
            info.append(f"Cost: {money(row.cost)}")
        if ran_on(job)[1]:
            info.append("Ran on: " + ran_on(job)[1].replace("\n", "; "))
        if job.result and job.result.get("version_id"):
            vid = str(job.result["version_id"])
            _lineage, label = self._version_text(vid)
            reward = job.result.get("reward")
            info.append(f"Made version {vid} ({label})" + (f", reward {reward:.3f}" if isinstance(reward, (int, float)) else ""))
        self.detail_info.setText("\n".join(info))
        error = job.error or ""
        if self.error_text.toPlainText() != error:
            self.error_text.setPlainText(error)
        self.error_text.setVisible(bool(error))
        self.copy_button.setVisible(bool(error))

    def error_details(self) -> str:
        """The full error text shown for the selected job."""
        return self.error_text.toPlainText() if self.error_text.isVisibleTo(self) else ""

    def copy_error(self) -> None:
        text = self.error_text.toPlainText()
        if text:
            QGuiApplication.clipboard().setText(text)

    # -- actions -----------------------------------------------------------------------------------
    def cancel_selected(self) -> int:
        """Cancel the selected queued/running jobs; the number cancelled."""
        from ludeme.evolution import queue

        n = 0
        for job_id in self.selected_job_ids():
            row = self.model.job_row(job_id)
            if row is not None and row.status in ACTIVE:
                n += bool(queue.cancel(self.project, job_id, "cancelled from the studio"))
        if n:
            self.poll()
        return n

    def retry_selected(self) -> list[int]:
        """Queue the selected failed or cancelled jobs again (same kind, payload and priority);
        the ids of the new jobs, which get selected."""
        from ludeme.evolution import queue

        new = []
        for job_id in self.selected_job_ids():
            row = self.model.job_row(job_id)
            if row is not None and row.status in ("failed", "cancelled"):
                try:
                    new.append(queue.submit(self.project, row.job.kind, dict(row.job.payload), row.job.priority).id)
                except ValueError as exc:  # a kind no longer registered (a plugin went away)
                    self.detail_info.setText(f"Cannot retry job {job_id}: {exc}")
        if new:
            self.poll()
            self.select_job(new[0])
        return new

    def _on_double_click(self, index: QModelIndex) -> None:
        row = self.model.job_row(int(self.proxy.data(index, JOB_ROLE)))
        self.tabs.setCurrentWidget(self.details)
        if row is not None and row.job.result and row.job.result.get("version_id"):
            self.version_activated.emit(str(row.job.result["version_id"]))

    def _start_worker(self) -> None:
        if self.worker is not None:
            self.worker.start()

    def _stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self._show_worker_state()

    def _append_log(self, line: str) -> None:
        self.log_view.appendPlainText(line)

    def _show_worker_state(self, _state: str | None = None) -> None:
        c = colors()
        queued = self._status_counts.get("queued", 0)
        running = self._status_counts.get("running", 0)
        if self.worker is None:
            color, text = c["muted"], "Worker not managed here"
            if running:
                color, text = c["ok"], f"A worker is running {running} job{'s' * (running != 1)}"
            tip = "Jobs run in a `ludeme worker` process started outside this panel."
        else:
            state = self.worker.state
            stopping = self.worker.is_stopping()
            color = {"running": c["ok"], "starting": c["warning"], "restarting": c["warning"],
                     "crashed": c["error"]}.get(state, c["muted"])
            text = {"running": "Worker running", "starting": "Worker starting…", "restarting": "Worker restarting…",
                    "crashed": "Worker crashed", "stopped": "Worker stopped"}.get(state, state)
            if stopping:
                color, text = c["warning"], "Worker stopping…"
            elif state == "running" and running:
                text += f" · {running} job{'s' * (running != 1)} in progress"
            elif state in ("stopped", "crashed") and queued:
                text += f" · {queued} job{'s' * (queued != 1)} waiting"
            tip = self.worker.last_error or "The background process that runs queued jobs."
            up = state in ("running", "starting", "restarting") and not stopping
            self.start_button.setEnabled(not up)
            self.stop_button.setEnabled(up or state == "restarting")
        self.worker_dot.setStyleSheet(f"color: {color};")
        self.worker_label.setText(text)
        self.worker_label.setToolTip(tip)
        self.worker_dot.setToolTip(tip)

    def stop_polling(self) -> None:
        self.watcher.stop()
