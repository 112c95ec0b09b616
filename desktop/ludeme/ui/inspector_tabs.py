"""The inspector's tabs: mechanics (plan vs realised), reward, console, code and cost.

Each tab has ``load(version)`` and ``clear()``; the inspector calls ``load`` only for the tab that
is visible, so showing a version stays fast however much a version carries.

Why this module is over 500 lines: one class per inspector tab (mechanics, reward, console, code,
cost).
"""
from __future__ import annotations

import difflib
import html
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from ludeme.core.plan import MechanicRow, mechanic_rows, plan_changes
from ludeme.ui.inspector_widgets import CodeHighlighter, ConsoleHighlighter, DiffHighlighter
from ludeme.ui.theme import DARK, colors

if TYPE_CHECKING:
    from ludeme.store.project import Project

CHECK, CROSS, DASH = "✓", "✗", "–"
MAX_DIFF_LINES = 20000


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    return label


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("Muted")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(24)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setShowGrid(False)
    t.setWordWrap(False)
    t.horizontalHeader().setHighlightSections(False)
    t.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return t


def _mono() -> QFont:
    f = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    f.setPointSizeF(max(8.5, f.pointSizeF() - 0.5))
    return f


# ----------------------------------------------------------------------------- mechanics

_STATUS_TEXT = {"realised": "realised", "missing": "planned but missing", "removed": "removed as planned",
                "kept-despite-removal": "still present (plan removed it)", "unplanned": "not in the plan",
                "failed": "probe failed"}


class MechanicsTab(QWidget):
    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.rows: list[MechanicRow] = []
        self.summaries: dict[str, str] = {}
        self.intent = QLabel()
        self.intent.setWordWrap(True)
        self.intent.setObjectName("Intent")
        self.summary = _muted()
        self.table = _table(["Mechanic", "Plan", "Realised", "Probe", "Notes"])
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2, 3):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.empty = _muted("This version has no mechanic plan and no recorded mechanics.")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self.intent)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        self.empty.hide()

    def clear(self) -> None:
        self.rows = []
        self.table.setRowCount(0)
        self.intent.setText("")
        self.summary.setText("")

    def load(self, version) -> None:
        links = self.project.version_mechanics(version.id)
        ids = {link.mechanic_id for link in links} | set(version.mechanics or ())
        names, self.summaries = {}, {}
        for mid in ids:
            try:
                m = self.project.mechanic(mid)
            except KeyError:
                continue
            names[mid], self.summaries[mid] = m.name, m.summary
        self.rows = rows = mechanic_rows(version, links, names)
        plan = version.plan or {}
        intent = plan.get("intent") or ""
        rationale = plan.get("rationale") or ""
        text = f"<b>Plan:</b> {html.escape(intent)}" if intent else (
            "<b>Plan:</b> the seed's own mechanics" if plan_changes(plan) else "<b>No plan</b> recorded")
        if rationale:
            text += f"<br><span style='color:{colors()['muted']}'>{html.escape(rationale)}</span>"
        for limit in plan.get("limits") or []:
            text += f"<br><span style='color:{colors()['warning']}'>⚠ {html.escape(str(limit))}</span>"
        self.intent.setText(text)
        planned = [r for r in rows if r.planned]
        missing = [r for r in rows if r.status == "missing"]
        probed = [r for r in rows if r.probe is not None]
        passed = sum(1 for r in probed if r.probe)
        bits = [f"{len(planned)} planned", f"{sum(r.realised for r in rows)} realised"]
        if probed:
            bits.append(f"{passed}/{len(probed)} probes passed")
        if missing:
            bits.append(f"<span style='color:{colors()['error']}'>{len(missing)} missing</span>")
        self.summary.setText(" · ".join(bits))
        self._fill(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def _fill(self, rows: list[MechanicRow]) -> None:
        c = colors()
        ok, bad, muted, warn = QColor(c["ok"]), QColor(c["error"]), QColor(c["muted"]), QColor(c["warning"])
        miss_bg = QColor(c["error"])
        miss_bg.setAlpha(40)
        warn_bg = QColor(c["warning"])
        warn_bg.setAlpha(30)
        bold = QFont()
        bold.setBold(True)
        t = self.table
        t.setUpdatesEnabled(False)
        t.setRowCount(len(rows))
        for i, r in enumerate(rows):
            action = r.action or "—"
            realised = CHECK if r.realised else CROSS
            probe = DASH if r.probe is None else CHECK if r.probe else CROSS
            problem = r.status not in ("realised", "unplanned", "removed")
            note = r.detail or (_STATUS_TEXT[r.status] if problem else
                                r.summary or self.summaries.get(r.id) or _STATUS_TEXT.get(r.status, ""))
            items = [QTableWidgetItem(r.name), QTableWidgetItem(action), QTableWidgetItem(realised),
                     QTableWidgetItem(probe), QTableWidgetItem(note)]
            items[0].setToolTip(f"{r.id}\n{r.summary}".strip())
            items[0].setData(Qt.ItemDataRole.UserRole, r.id)
            items[4].setToolTip(note)
            for col in (2, 3):
                items[col].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                items[col].setFont(bold)
            good_real = r.realised != (r.action == "remove")
            items[2].setForeground(ok if good_real else bad)
            items[3].setForeground(muted if r.probe is None else ok if r.probe else bad)
            if r.action == "add":
                items[1].setForeground(QColor(c["highlight"]))
            elif r.action == "remove":
                items[1].setForeground(warn)
            elif not r.action:
                items[1].setForeground(muted)
            if r.status in ("missing", "failed", "kept-despite-removal"):
                bg = miss_bg if r.status != "kept-despite-removal" else warn_bg
                for it in items:
                    it.setBackground(QBrush(bg))
                items[4].setForeground(bad if r.status != "kept-despite-removal" else warn)
            else:
                items[4].setForeground(muted)
                if r.status == "unplanned":
                    items[1].setToolTip("realised, though the plan did not mention it")
            for col, it in enumerate(items):
                t.setItem(i, col, it)
        t.setUpdatesEnabled(True)


# -------------------------------------------------------------------------------- reward

TERM_LABELS = {"realisation": "Mechanics shown", "structural": "Structural change", "novelty": "Novelty",
               "creativity": "Critic / judge", "playability": "Playability", "mechanics": "New mechanics",
               "cosmetic": "Cosmetic penalty", "regression": "Regression penalty"}
PART_PREFIX = {"quality": "Q · ", "progress": "P · ", "penalty": ""}
_PART_ORDER = {"quality": 0, "progress": 1, "penalty": 2}


class RewardTab(QWidget):
    """The reward's terms as horizontal bars: the faint track is what a term could give (its
    weight), the bar what it gave (its contribution); penalties point left, in red."""

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.terms: list[str] = []
        self.bars = None
        self.tracks = None
        self._labels: list = []
        self.total = QLabel()
        self.total.setObjectName("BigNumber")
        self.caption = _muted()
        self.gates = QLabel()
        self.gates.setWordWrap(True)
        self.gates.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = _muted("This version has no reward yet: it gets one when it is evaluated.")
        self.plot = None
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(8, 8, 8, 8)
        self.lay.setSpacing(6)
        head = QHBoxLayout()
        head.addWidget(self.total)
        head.addWidget(self.caption, 1)
        self.lay.addLayout(head)
        # What the game is and what it adds, apart (the score mixes them).
        self.quality = QLabel()
        self.quality.setObjectName("QualityNumber")
        self.quality.setToolTip("Quality: what the game is — playability, its mechanics shown by probes, the "
                                "critic. The same for a root and for the same game as a child.")
        self.progress = QLabel()
        self.progress.setObjectName("ProgressNumber")
        self.progress.setToolTip("Progress: what this version adds to its lineage — new mechanics shown by "
                                 "probes, novelty against the archive. A rewrite earns nothing for being one.")
        parts = QHBoxLayout()
        parts.addWidget(self.quality)
        parts.addSpacing(18)
        parts.addWidget(self.progress)
        parts.addStretch(1)
        self.lay.addLayout(parts)
        self.lay.addWidget(self.empty)
        self.legend = _muted("Bar: what the term gave (value × weight) · track: the most it could give")
        self.legend.hide()
        self.lay.addWidget(self.legend)
        self.lay.addWidget(self.gates)

    def _ensure_plot(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        c = colors()
        self.pg = pg
        self.plot = pg.PlotWidget(background=c["base"])
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(170)
        pi = self.plot.getPlotItem()
        pi.getAxis("bottom").enableAutoSIPrefix(False)
        for name in ("left", "bottom"):
            ax = pi.getAxis(name)
            ax.setPen(pg.mkPen(c["border"]))
            ax.setTextPen(pg.mkPen(c["text"]))
        pi.getAxis("bottom").setLabel("contribution to the score", color=c["muted"])
        pi.getViewBox().invertY(True)
        self.lay.insertWidget(2, self.plot, 1)

    def clear(self) -> None:
        self.terms = []
        self.total.setText("")
        self.caption.setText("")
        self.quality.setText("")
        self.progress.setText("")
        self.gates.setText("")
        if self.plot is not None:
            self.plot.clear()
            self.plot.hide()
        self.bars = self.tracks = None
        self.empty.show()

    def load(self, version) -> None:
        bd = version.breakdown or {}
        terms = bd.get("terms") if isinstance(bd.get("terms"), Mapping) else None
        if terms is None and bd and all(isinstance(v, Mapping) and "contribution" in v for v in bd.values()):
            terms = bd  # a bare reward breakdown (terms only)
        c = colors()
        self.total.setText("—" if version.reward is None else f"{version.reward:.3f}")
        verdict = bd.get("verdict")
        self.caption.setText("score" + (f" · verdict <b>{html.escape(str(verdict))}</b>" if verdict else ""))
        self._show_parts(bd, terms or {})
        self._show_gates(bd, terms or {})
        if not terms:
            self.terms = []
            self.bars = self.tracks = None
            if self.plot is not None:
                self.plot.clear()
                self.plot.hide()
            self.empty.show()
            self.legend.hide()
            return
        self.empty.hide()
        self.legend.show()
        self._ensure_plot()
        self.plot.show()
        pg = self.pg
        names = sorted((k for k, v in terms.items() if v.get("part") != "info"),
                       key=lambda k: _PART_ORDER.get(terms[k].get("part", ""), 0 if float(terms[k].get("weight") or 0) >= 0 else 2))
        self.terms = names
        contrib = [float(terms[k].get("contribution") or 0.0) for k in names]
        weights = [float(terms[k].get("weight") or 0.0) for k in names]
        values = [terms[k].get("value") for k in names]
        ys = list(range(len(names)))
        plot = self.plot
        plot.clear()
        track_brush = QColor(c["border"])
        self.tracks = pg.BarGraphItem(x0=[0.0] * len(ys), y=ys, height=0.62, width=weights,
                                      brush=track_brush, pen=pg.mkPen(None))
        brushes = []
        for k, v, w in zip(names, values, weights):
            if w < 0:
                brushes.append(QColor(c["error"]))
            elif v is None:
                brushes.append(QColor(c["muted"]))
            else:
                brushes.append(QColor(c["ok"] if v >= 0.5 else c["warning"]))
        self.bars = pg.BarGraphItem(x0=[0.0] * len(ys), y=ys, height=0.62, width=contrib,
                                    brushes=brushes, pen=pg.mkPen(None))
        plot.addItem(self.tracks)
        plot.addItem(self.bars)
        lo = min([0.0] + weights + contrib)
        hi = max([0.05] + weights + contrib)
        span = hi - lo
        self._labels = []
        for y, k, v, w, ct in zip(ys, names, values, weights, contrib):
            vt = "n/a" if v is None else f"{float(v):.2f}"
            text = f"{vt} × {abs(w):.2f} = {ct:+.3f}" if v is not None else "not available"
            item = pg.TextItem(text, color=c["muted"], anchor=(0, 0.5))
            item.setPos(max(w, ct, 0.0) + span * 0.02, y)
            plot.addItem(item)
            self._labels.append(item)
        ax = plot.getPlotItem().getAxis("left")
        ax.setTicks([[(y, PART_PREFIX.get(terms[k].get("part", ""), "")
                       + TERM_LABELS.get(k, k.replace("_", " ").capitalize())) for y, k in zip(ys, names)]])
        plot.setXRange(lo - span * 0.02, hi + span * 0.55, padding=0)
        plot.setYRange(-0.6, len(ys) - 0.4, padding=0)

    def _show_parts(self, bd: Mapping, terms: Mapping) -> None:
        c = colors()
        q, p = bd.get("quality"), bd.get("progress")
        if not isinstance(q, (int, float)):
            self.quality.setText("")
            self.progress.setText("")
            return
        self.quality.setText(f"<span style='color:{c['muted']}'>Quality</span> <b>{float(q):.3f}</b>")
        structural = (terms.get("structural") or {}).get("value") if isinstance(terms.get("structural"), Mapping) else None
        code = "" if structural is None else (f" <span style='color:{c['muted']}'>· code changed "
                                              f"{float(structural):.2f} (not scored)</span>")
        if isinstance(p, (int, float)):
            self.progress.setText(f"<span style='color:{c['muted']}'>Progress</span> <b>{float(p):.3f}</b>{code}")
        else:
            self.progress.setText(f"<span style='color:{c['muted']}'>Progress</span> — "
                                  f"<span style='color:{c['muted']}'>a root: nothing to add to yet</span>")

    def _show_gates(self, bd: Mapping, terms: Mapping) -> None:
        c = colors()
        lines = []
        for g in bd.get("gates") or []:
            lines.append(f"<span style='color:{c['warning']}'>⚠ gate:</span> {html.escape(str(g))}")
        for k in ("cosmetic", "regression"):
            t = terms.get(k)
            if isinstance(t, Mapping) and float(t.get("value") or 0) > 0:
                lines.append(f"<span style='color:{c['error']}'>− {TERM_LABELS[k].lower()}:</span> "
                             f"{float(t['value']):.2f} × {abs(float(t.get('weight') or 0)):.2f}")
        if terms and not lines:
            lines.append(f"<span style='color:{c['ok']}'>No gates or penalties applied.</span>")
        m = bd.get("metrics") if isinstance(bd.get("metrics"), Mapping) else {}
        if m:
            keys = (("playability", "playability"), ("responsiveness", "responsiveness"),
                    ("visual_activity", "visual activity"), ("audio_activity", "audio activity"),
                    ("survival_time", "survival s"), ("score_gain", "score gain"))
            facts = [f"{label} {float(m[k]):.2f}" for k, label in keys
                     if isinstance(m.get(k), (int, float)) and not isinstance(m.get(k), bool)]
            if facts:
                lines.append(f"<span style='color:{c['muted']}'>Metrics: {' · '.join(facts)}</span>")
        self.gates.setText("<br>".join(lines))


# ------------------------------------------------------------------------------- console

class ConsoleTab(QWidget):
    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = _muted()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(_mono())
        self.text.setPlaceholderText("The game wrote nothing to the console during its evaluation.")
        self.highlighter = ConsoleHighlighter(self.text.document(), colors() is DARK)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self.verdict)
        lay.addWidget(self.counts)
        lay.addWidget(self.text, 1)

    def clear(self) -> None:
        self.verdict.setText("")
        self.counts.setText("")
        self.text.clear()

    def load(self, version) -> None:
        c = colors()
        bd = version.breakdown or {}
        verdict = bd.get("verdict")
        reasons = [str(r) for r in bd.get("reasons") or []]
        if verdict:
            colour = c["ok"] if verdict == "playable" else c["warning"] if verdict == "not-interactive" else c["error"]
            text = f"<b style='color:{colour}'>{html.escape(str(verdict))}</b>"
            if reasons:
                text += "<ul style='margin:2px 0 0 -20px'>" + "".join(
                    f"<li>{html.escape(r)}</li>" for r in reasons[:12]) + "</ul>"
            blocked = bd.get("blocked_requests")
            if blocked:
                text += f"<span style='color:{c['warning']}'>{int(blocked)} request(s) blocked by the sandbox</span>"
        else:
            text = f"<span style='color:{c['muted']}'>Not evaluated yet: no verdict.</span>"
        self.verdict.setText(text)
        recs = self.project.recordings(version.id)
        log = recs[-1].console_log if recs else ""
        lines = log.splitlines()
        errors = sum(1 for ln in lines if ln.lower().startswith("error"))
        warnings = sum(1 for ln in lines if ln.lower().startswith("warn"))
        if recs:
            self.counts.setText(f"{len(lines)} console line{'s' * (len(lines) != 1)} · "
                                f"{errors} error{'s' * (errors != 1)} · {warnings} warning{'s' * (warnings != 1)}")
        else:
            self.counts.setText("No evaluation run is stored for this version.")
        self.text.setPlainText(log)


# ---------------------------------------------------------------------------------- code

def unified_diff(parent_text: str, child_text: str, parent_name: str, child_name: str,
                 context: int = 3) -> str:
    lines = list(difflib.unified_diff(parent_text.splitlines(), child_text.splitlines(),
                                      parent_name, child_name, n=context, lineterm=""))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"… {len(lines) - MAX_DIFF_LINES} more diff lines not shown"]
    return "\n".join(lines)


class CodeTab(QWidget):
    """The version's files, read only and highlighted, or a unified diff against a parent."""

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.version = None
        self.files: dict[str, bytes] = {}
        self.file_combo = QComboBox()
        self.file_combo.setToolTip("File of this version")
        self.file_combo.setMinimumContentsLength(14)
        self.view_combo = QComboBox()
        self.view_combo.setToolTip("Show the source, or what changed against a parent")
        self.stats = _muted()
        self.stats.setWordWrap(False)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.file_combo)
        bar.addWidget(self.view_combo)
        bar.addWidget(self.stats, 1)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(_mono())
        self.text.setTabStopDistance(self.text.fontMetrics().horizontalAdvance(" ") * 4)
        self.text.setPlaceholderText("No files.")
        self.code_highlighter = CodeHighlighter(self.text, colors() is DARK)
        self.diff_highlighter = DiffHighlighter(None, colors() is DARK)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addLayout(bar)
        lay.addWidget(self.text, 1)
        self.file_combo.currentIndexChanged.connect(self._refresh)
        self.view_combo.currentIndexChanged.connect(self._refresh)

    def clear(self) -> None:
        self.version = None
        self.files = {}
        for combo in (self.file_combo, self.view_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        self._set_text("", None)
        self.stats.setText("")

    def load(self, version) -> None:
        self.version = version
        self.files = self.project.version_files(version.id)
        paths = sorted(self.files, key=lambda p: (p != "index.html", p))
        self.file_combo.blockSignals(True)
        self.file_combo.clear()
        self.file_combo.addItems(paths)
        self.file_combo.setVisible(len(paths) > 1)
        self.file_combo.blockSignals(False)
        self.view_combo.blockSignals(True)
        self.view_combo.clear()
        self.view_combo.addItem("Source", None)
        for pid in version.parents:
            self.view_combo.addItem(f"Diff against parent {pid[:8]}", pid)
        self.view_combo.setEnabled(bool(version.parents))
        self.view_combo.blockSignals(False)
        self._refresh()

    def show_diff(self, parent_id: str | None) -> None:
        """Switch to the diff against ``parent_id`` (None: the plain source)."""
        i = self.view_combo.findData(parent_id)
        self.view_combo.setCurrentIndex(max(0, i))

    def _refresh(self) -> None:
        path = self.file_combo.currentText()
        if not path or self.version is None:
            self._set_text("", None)
            return
        data = self.files.get(path, b"")
        text = data.decode("utf-8", "replace")
        parent_id = self.view_combo.currentData()
        if parent_id is None:
            self._set_text(text, self.code_highlighter)
            lines = text.count("\n") + 1 if text else 0
            self.stats.setText(f"{path} · {len(data) / 1024:.1f} KB · {lines} lines")
            return
        found = self.project.version_file(parent_id, path)
        parent_text = found[0].decode("utf-8", "replace") if found else ""
        diff = unified_diff(parent_text, text, f"{parent_id[:8]}/{path}", f"{self.version.id[:8]}/{path}")
        added = sum(1 for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++"))
        removed = sum(1 for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---"))
        if not diff:
            self.stats.setText(f"{path}: identical to parent {parent_id[:8]}" if found
                               else f"{path} does not exist in parent {parent_id[:8]}")
            self.text.setPlaceholderText("No differences: this file is the same as in the parent.")
        else:
            self.stats.setText(f"<span style='color:{colors()['ok']}'>+{added}</span> "
                               f"<span style='color:{colors()['error']}'>−{removed}</span> lines against "
                               f"{parent_id[:8]}")
        self._set_text(diff, self.diff_highlighter)

    def _set_text(self, text: str, highlighter) -> None:
        # Detach both highlighters first and attach once the text is in: the code highlighter then
        # colours only what is on screen, the diff highlighter (one format per line) everything.
        if text or highlighter is not self.diff_highlighter:
            self.text.setPlaceholderText("No files.")
        self.code_highlighter.detach()
        self.diff_highlighter.setDocument(None)
        self.text.setPlainText(text)
        if highlighter is self.code_highlighter and text:
            self.code_highlighter.attach()
        elif highlighter is not None and text:
            highlighter.setDocument(self.text.document())


# ---------------------------------------------------------------------------------- cost

class CostTab(QWidget):
    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = _table(["Role", "Model", "Tokens in", "Tokens out", "Cost", "Latency", "When"])
        h = self.table.horizontalHeader()
        for col in range(7):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty = _muted("No model calls are recorded for this version (seeds, imports and the offline "
                            "model cost nothing).")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addStretch(0)

    def clear(self) -> None:
        self.summary.setText("")
        self.table.setRowCount(0)

    def load(self, version) -> None:
        rows = self.project.ledger(version_id=version.id)
        tin = sum(r.tokens_in for r in rows) or version.tokens_in
        tout = sum(r.tokens_out for r in rows) or version.tokens_out
        cost = sum(r.cost for r in rows) or version.cost
        self.summary.setText(f"<b>{len(rows)}</b> model call{'s' * (len(rows) != 1)} · "
                             f"<b>{tin:,}</b> tokens in · <b>{tout:,}</b> out · <b>${cost:.4f}</b>")
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            when = datetime.fromtimestamp(r.created).strftime("%H:%M:%S") if r.created else ""
            cells = [r.role, r.model, f"{r.tokens_in:,}", f"{r.tokens_out:,}", f"${r.cost:.4f}",
                     f"{r.latency:.1f} s", when]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
