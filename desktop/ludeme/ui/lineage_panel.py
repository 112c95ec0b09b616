"""Lineages and their versions as a searchable tree; selecting a version asks to play it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
LINEAGE_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Row:
    """What the panel needs of a version; built from core objects by the window."""

    version_id: str
    lineage_id: str
    label: str
    operator: str
    status: str
    reward: float | None


class LineagePanel(QWidget):
    version_selected = Signal(str, str)  # version id, display title

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        title = QLabel("Lineages")
        title.setObjectName("PanelTitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter lineages and versions…")
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Game", "Kind", "Versions"])
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
        self.tree.setHeaderHidden(True)  # rows read on their own: title · kind · versions or reward
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        self.tree.activated.connect(self._on_current)
        self.summary = QLabel()
        self.summary.setObjectName("Muted")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 4, 8)
        lay.addWidget(title)
        lay.addWidget(self.search)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.summary)

    def populate(self, lineages, rows: list[Row]) -> None:
        """lineages: objects with id, title, description, tags; rows: one per version."""
        by_lineage: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_lineage[row.lineage_id].append(row)
        self.model.removeRows(0, self.model.rowCount())
        root = self.model.invisibleRootItem()
        for lineage in lineages:
            versions = by_lineage.get(lineage.id, [])
            genre = ", ".join(t.replace("_", " ") for t in lineage.tags) if lineage.tags else ""
            head = QStandardItem(lineage.title)
            head.setData(lineage.id, LINEAGE_ROLE)
            head.setToolTip(lineage.description or lineage.title)
            if versions:
                head.setData(versions[0].version_id, VERSION_ROLE)
            count = QStandardItem(f"{len(versions)} version{'s' * (len(versions) != 1)}")
            kind = QStandardItem(genre)
            for item in (count, kind):
                item.setForeground(self.palette().placeholderText())
            for r in versions:
                head.appendRow(self._version_items(r))
            root.appendRow([head, kind, count])
        self.summary.setText(f"{len(lineages)} lineages · {len(rows)} versions")

    @staticmethod
    def _version_items(r: Row) -> list[QStandardItem]:
        label = QStandardItem(r.label)
        label.setData(r.version_id, VERSION_ROLE)
        label.setToolTip(f"{r.version_id} · {r.status}")
        op = QStandardItem(r.operator)
        reward = QStandardItem("—" if r.reward is None else f"{r.reward:.2f}")
        reward.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return [label, op, reward]

    def select_first_version(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        index = self.proxy.index(0, 0)
        self.tree.setCurrentIndex(index)

    def select_version(self, version_id: str) -> bool:
        matches = self.model.match(self.model.index(0, 0), VERSION_ROLE, version_id, 1,
                                   Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        if not matches:
            return False
        self.tree.setCurrentIndex(self.proxy.mapFromSource(matches[0]))
        return True

    def _on_current(self, index: QModelIndex, _previous=None) -> None:
        if not index.isValid():
            return
        first = index.siblingAtColumn(0)
        version_id = first.data(VERSION_ROLE)
        if version_id:
            parent = first.parent()
            title = first.data() if not parent.isValid() else f"{parent.data()} — {first.data()}"
            self.version_selected.emit(version_id, title)
