"""Lineages as a searchable list (count and best score each); picking one plays its best version."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSignalBlocker, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget
from superqt import QElidingLabel

from ludeme.core.domain import LineageSummary

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
LINEAGE_ROLE = Qt.ItemDataRole.UserRole + 2


class LineagePanel(QWidget):
    version_selected = Signal(str, str)  # version id, display title

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        title = self.title = QLabel("Lineages")
        title.setObjectName("PanelTitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter lineages…")
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Game", ""])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)  # lineages only: no branches to open
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        self.tree.activated.connect(self._on_current)
        self.summary = QElidingLabel()  # "8 lineages · 8 versions", elided in a narrow dock
        self.summary.setObjectName("Muted")
        self.summary.setMinimumWidth(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 4, 8)
        lay.addWidget(title)
        lay.addWidget(self.search)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.summary)

    def populate(self, summaries: list[LineageSummary], keep_selection: bool = False) -> None:
        """One row per lineage: title, genre, version count and best score."""
        current = self.current_lineage() if keep_selection else None
        self.model.removeRows(0, self.model.rowCount())
        root = self.model.invisibleRootItem()
        total = 0
        for s in summaries:
            total += s.versions
            genre = ", ".join(t.replace("_", " ") for t in s.tags) if s.tags else ""
            head = QStandardItem(s.title)
            head.setData(s.lineage_id, LINEAGE_ROLE)
            head.setData(s.play_id, VERSION_ROLE)
            best = "" if s.best is None else f" · best {s.best:.2f}"
            head.setToolTip(f"{s.title} ({genre})\n{s.description or ''}\n{s.versions} versions{best}".strip())
            count = QStandardItem(f"{s.versions:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setForeground(self.palette().placeholderText())
            root.appendRow([head, count])
        self.summary.setText(f"{len(summaries)} lineages · {total:,} versions")
        if current:
            self.select_lineage(current, emit=False)

    def current_lineage(self) -> str | None:
        index = self.tree.currentIndex()
        return index.siblingAtColumn(0).data(LINEAGE_ROLE) if index.isValid() else None

    def select_lineage(self, lineage_id: str, emit: bool = True) -> bool:
        matches = self.model.match(self.model.index(0, 0), LINEAGE_ROLE, lineage_id, 1,
                                   Qt.MatchFlag.MatchExactly)
        if not matches:
            return False
        blocker = None if emit else QSignalBlocker(self.tree.selectionModel())
        self.tree.setCurrentIndex(self.proxy.mapFromSource(matches[0]))
        del blocker
        return True

    def select_first_version(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        index = self.proxy.index(0, 0)
        self.tree.setCurrentIndex(index)

    def _on_current(self, index: QModelIndex, _previous=None) -> None:
        if not index.isValid():
            return
        first = index.siblingAtColumn(0)
        version_id = first.data(VERSION_ROLE)
        if version_id:
            parent = first.parent()
            title = first.data() if not parent.isValid() else f"{parent.data()} — {first.data()}"
            self.version_selected.emit(version_id, title)
