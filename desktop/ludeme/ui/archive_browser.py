"""The mechanic archive browser: search (FTS5), filter by category, sort by use, read a mechanic
in full (summary, parameters with their ranges, probe, kit module) and jump to the versions that
realise it.

Usage counts come from one grouped query (``Project.mechanic_usage``), so the table stays quick with
hundreds of mechanics and tens of thousands of versions. ``refresh()`` re-reads the project (call it
when ``project.change_counter()`` moves).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QSplitter, QStackedWidget, QTableView, QTextBrowser,
                               QVBoxLayout, QWidget)

from ludeme.ui.theme import local_shortcut

if TYPE_CHECKING:
    from ludeme.store.project import Project

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
VERSION_ROLE = Qt.ItemDataRole.UserRole + 3
MAX_VERSIONS_LISTED = 500
SEARCH_DELAY_MS = 120
ALL = ""


@dataclass(frozen=True)
class ArchiveRow:
    id: str
    name: str
    category: str
    usage: int
    kit_module: str | None
    has_probe: bool
    summary: str


class MechanicTableModel(QAbstractTableModel):
    HEADERS = ("Mechanic", "Category", "Used by", "Kit module", "Probe")
    TIPS = ("The mechanic's name", "What kind of mechanic it is",
            "How many versions realise it (checked at run time)",
            "The game-kit module that implements it, if any", "Whether it has a behavioural probe")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ArchiveRow] = []

    def set_rows(self, rows: list[ArchiveRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.TIPS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.name, r.category.replace("_", " "), str(r.usage) if r.usage else "—",
                    r.kit_module or "—", "✓" if r.has_probe else "—")[col]
        if role == SORT_ROLE:
            return (r.name.lower(), r.category, r.usage, r.kit_module or "", int(r.has_probe))[col]
        if role == ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.summary or r.name
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 4):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col in (1, 3) or (
                role == Qt.ItemDataRole.ForegroundRole and col == 2 and not r.usage):
            from PySide6.QtWidgets import QApplication

            return QApplication.palette().placeholderText()
        return None


class _Proxy(QSortFilterProxyModel):
    """Sorts by the clicked column, then by name, so equal counts read alphabetically."""

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt API
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a != b:
            return a < b
        ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
        na, nb = left.siblingAtColumn(0).data(SORT_ROLE), right.siblingAtColumn(0).data(SORT_ROLE)
        return (na < nb) if ascending else (na > nb)


class ArchiveBrowser(QWidget):
    version_requested = Signal(str)   # double-click on a version that uses the mechanic
    mechanic_selected = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ArchiveBrowser")
        self.setWindowTitle("Mechanic archive")
        self.project = project
        self._mechanics: dict = {}
        self._usage: dict[str, int] = {}
        self._current: str | None = None
        self._sorted_once = False

        title = QLabel("Mechanic archive")
        title.setObjectName("PanelTitle")
        self.search = QLineEdit()
        self.search.setObjectName("ArchiveSearch")
        self.search.setPlaceholderText("Search mechanics — e.g. jump, enemy waves, combo…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Full-text search over names, summaries, descriptions and tags (Ctrl+F)")
        self.category = QComboBox()
        self.category.setObjectName("ArchiveCategory")
        self.category.setToolTip("Show one category only")
        self.category.setMinimumContentsLength(16)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(title)
        bar.addSpacing(8)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.category)

        self.model = MechanicTableModel(self)
        self.proxy = _Proxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("ArchiveTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.empty = QLabel()
        self.empty.setObjectName("Muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.detail = QTextBrowser()
        self.detail.setObjectName("ArchiveDetail")
        self.detail.setOpenLinks(False)
        self.versions_title = QLabel("Versions that use it")
        self.versions_title.setObjectName("PanelTitle")
        self.versions = QListWidget()
        self.versions.setObjectName("ArchiveVersions")
        self.versions.setToolTip("Double-click a version to open it")
        self.versions.setUniformItemSizes(True)
        self.versions.setStyleSheet("QListWidget::item { padding: 4px 6px; }")
        self.versions.itemActivated.connect(self._on_version)  # double-click or Enter
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail, 3)
        rl.addWidget(self.versions_title)
        rl.addWidget(self.versions, 2)

        split = QSplitter()
        split.addWidget(self.table_stack)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.splitter = split

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 8)
        lay.setSpacing(8)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.summary)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.apply_filter)
        self.category.currentIndexChanged.connect(lambda _i: self.apply_filter())
        local_shortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        self.refresh()

    # ---- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read mechanics and usage counts (one query each); keeps the search, filter and selection."""
        self._mechanics = {m.id: m for m in self.project.mechanics()}
        self._usage = self.project.mechanic_usage()
        categories: dict[str, int] = {}
        for m in self._mechanics.values():
            categories[m.category] = categories.get(m.category, 0) + 1
        chosen = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(f"All categories ({len(self._mechanics)})", ALL)
        for name in sorted(categories, key=lambda c: (c == "", c)):
            self.category.addItem(f"{(name or 'uncategorised').replace('_', ' ')} ({categories[name]})", name)
        i = self.category.findData(chosen) if chosen is not None else 0
        self.category.setCurrentIndex(max(i, 0))
        self.category.blockSignals(False)
        self.apply_filter()

    def usage(self, mechanic_id: str) -> int:
        return self._usage.get(mechanic_id, 0)

    def apply_filter(self) -> None:
        self._timer.stop()
        query = self.search.text().strip()
        category = self.category.currentData() or ALL
        if query:
            found = self.project.search_mechanics(query, limit=max(len(self._mechanics), 1))
            ids = [m.id for m in found if m.id in self._mechanics]
        else:
            ids = list(self._mechanics)
        rows = [self._row(self._mechanics[i]) for i in ids
                if category == ALL or self._mechanics[i].category == category]
        selected = self._current
        self.model.set_rows(rows)
        if query:
            self.proxy.sort(-1)  # best match first
            self.table.horizontalHeader().setSortIndicatorShown(False)
        else:
            self.table.horizontalHeader().setSortIndicatorShown(True)
            col = self.table.horizontalHeader().sortIndicatorSection()
            if not self._sorted_once or col < 0 or col >= self.model.columnCount():
                self._sorted_once = True
                self.sort_by_usage()
            else:
                self.proxy.sort(col, self.table.horizontalHeader().sortIndicatorOrder())
        used = sum(1 for r in rows if r.usage)
        where = f" in {category.replace('_', ' ')}" if category else ""
        self.summary.setText(f"{len(rows)} of {len(self._mechanics)} mechanics{where}"
                             + (f" match “{query}”" if query else "") + f" · {used} realised by a version")
        if rows:
            self.table_stack.setCurrentWidget(self.table)
            if not (selected and self.select_mechanic(selected)):
                self.table.selectRow(0)
        else:
            self.empty.setText(f"No mechanic matches “{query}”{where}." if query else f"No mechanics{where}.")
            self.table_stack.setCurrentWidget(self.empty)
            self._show(None)

    def _row(self, m) -> ArchiveRow:
        return ArchiveRow(m.id, m.name, m.category, self.usage(m.id), m.kit_module, bool(m.probe.strip()),
                          m.summary)

    def sort_by_usage(self) -> None:
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)

    # ---- what the table shows ---------------------------------------------------------------
    def visible_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    def select_mechanic(self, mechanic_id: str) -> bool:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ID_ROLE) == mechanic_id:
                self.table.selectRow(r)
                self.table.scrollTo(self.proxy.index(r, 0))
                return True
        return False

    def current_mechanic(self) -> str | None:
        return self._current

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_current(self, current: QModelIndex, _previous=None) -> None:
        self._show(current.data(ID_ROLE) if current.isValid() else None)

    def _show(self, mechanic_id: str | None) -> None:
        if mechanic_id == self._current and mechanic_id is not None:
            return
        self._current = mechanic_id
        self.versions.clear()
        if mechanic_id is None or mechanic_id not in self._mechanics:
            self.detail.setHtml(f"<p style='color:{self._muted()}'>Choose a mechanic to read about it.</p>")
            self.versions_title.setText("Versions that use it")
            return
        m = self._mechanics[mechanic_id]
        self.detail.setHtml(self._detail_html(m))
        rows = self.project.mechanic_version_rows(m.id, limit=MAX_VERSIONS_LISTED)
        total = self.usage(m.id)
        self.versions_title.setText(f"Versions that use it ({total})")
        for vid, lineage, generation, operator, status, reward, probe_ok in rows:
            score = "—" if reward is None else f"{reward:.2f}"
            probe = {None: "", 1: " · probe ✓", 0: " · probe ✗"}.get(probe_ok, "")
            item = QListWidgetItem(f"{lineage} · gen {generation} · {operator} · reward {score}{probe}")
            item.setData(VERSION_ROLE, vid)
            item.setToolTip(f"{vid} · {status} — double-click to open")
            self.versions.addItem(item)
        if total > len(rows):
            more = QListWidgetItem(f"… and {total - len(rows)} more")
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.versions.addItem(more)
        if not rows:
            none = QListWidgetItem("No version realises this mechanic yet.")
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            self.versions.addItem(none)
        self.mechanic_selected.emit(m.id)

    def _on_version(self, item: QListWidgetItem) -> None:
        vid = item.data(VERSION_ROLE)
        if vid:
            self.version_requested.emit(vid)

    def _muted(self) -> str:
        return self.palette().placeholderText().color().name()

    def _detail_html(self, m) -> str:
        e = html.escape
        muted = self._muted()
        accent = self.palette().highlight().color().name()
        chip = (f"<span style='background:{accent}; color:{self.palette().highlightedText().color().name()};'>"
                f"&nbsp;{e(m.category.replace('_', ' ') or 'uncategorised')}&nbsp;</span>")
        parts = [f"<h2 style='margin:0'>{e(m.name)}</h2>",
                 f"<p style='margin-top:4px'>{chip} &nbsp;<span style='color:{muted}'>{e(m.id)}"
                 f"{' · structural' if m.structural else ' · cosmetic'} · origin {e(m.origin)}</span></p>"]
        if m.summary:
            parts.append(f"<p><b>{e(m.summary)}</b></p>")
        if m.description:
            parts.append(f"<p>{e(m.description)}</p>")
        facts = []
        if m.changes:
            facts.append(("Changes", ", ".join(m.changes)))
        if m.genres:
            facts.append(("Genres", ", ".join(g.replace("_", " ") for g in m.genres)))
        if m.tags:
            facts.append(("Tags", ", ".join(m.tags)))
        facts.append(("Kit module", m.kit_module or "none (the coder writes it from the description)"))
        facts.append(("Used by", f"{self.usage(m.id)} version{'s' * (self.usage(m.id) != 1)}"))
        parts.append("<table cellspacing='0' cellpadding='2'>" + "".join(
            f"<tr><td style='color:{muted}; padding-right:12px'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in facts)
            + "</table>")
        params = dict(m.params)
        if params:
            parts.append("<h4 style='margin-bottom:2px'>Parameters</h4>")
            rows = []
            for name, spec in params.items():
                if isinstance(spec, (list, tuple)) and len(spec) == 3:
                    default, lo, hi = spec
                    rows.append(f"<tr><td><code>{e(name)}</code></td><td align='right'>{e(_num(default))}</td>"
                                f"<td style='color:{muted}'>&nbsp;range {e(_num(lo))} – {e(_num(hi))}</td></tr>")
                else:
                    rows.append(f"<tr><td><code>{e(name)}</code></td><td colspan='2'>{e(str(spec))}</td></tr>")
            parts.append("<table cellspacing='0' cellpadding='2'><tr>"
                         f"<th align='left' style='color:{muted}'>name</th>"
                         f"<th align='right' style='color:{muted}'>default</th><th></th></tr>"
                         + "".join(rows) + "</table>")
        if m.probe:
            parts.append(f"<h4 style='margin-bottom:2px'>Probe</h4><p>{e(m.probe)}</p>")
        if m.example:
            parts.append(f"<h4 style='margin-bottom:2px'>Example</h4><pre style='white-space:pre-wrap'>"
                         f"{e(m.example)}</pre>")
        return "".join(parts)


def _num(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
