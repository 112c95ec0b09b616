"""Settings: models per role, API keys, budget, evaluation, reward weights and appearance.

Storage is shared with the command line, so the studio and ``ludeme models`` always agree:
agent settings are the project's ``agent_settings`` meta (``AgentSettings.to_json``, which can never
hold a key), evaluation and reward settings its ``engine_settings`` meta
(``core.settings.save_engine_settings``). API keys go to the OS keyring through ``agents.keys``,
never into the project. The theme is an app preference (``prefs.json`` in the data folder).

Nothing is written until OK; Cancel leaves everything as it was. Invalid values show a one-line
message under the tabs and disable OK.

Why this module is over 500 lines: six tabs of form fields, each with its validation and storage;
one module per tab would be the next step.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QButtonGroup, QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QRadioButton, QSlider,
                               QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ludeme.ui.prefs import AppPrefs
from ludeme.ui.tasks import run_in_thread

if TYPE_CHECKING:
    from ludeme.store.project import Project

MODEL_SUGGESTIONS = (
    "offline",
    "openai/gpt-4o-mini",
    "openai/gpt-4.1",
    "anthropic/claude-sonnet-4-5",
    "anthropic/claude-haiku-4-5",
    "gemini/gemini-2.5-flash",
    "gemini/gemini-2.5-pro",
    "openrouter/deepseek/deepseek-chat",
    "ollama/llama3.1",
)
ROLE_HELP = {
    "planner": "Reads the archive and the lineage's lessons and plans which mechanics to keep, add or change",
    "coder": "Writes the new version (full file or search/replace edits)",
    "repairer": "Fixes a version that failed its run, without dropping planned mechanics",
    "critic": "Scores how creative a version is",
    "reflector": "Writes what a lineage learned into its memory",
    "archivist": "Adds verified new mechanics to the archive",
    "judge": "Compares two versions side by side (best a different model from the coder)",
}
PROVIDER_NAMES = {
    "openai": "OpenAI", "anthropic": "Anthropic", "gemini": "Google Gemini", "openrouter": "OpenRouter",
    "mistral": "Mistral", "groq": "Groq", "deepseek": "DeepSeek", "xai": "xAI", "together_ai": "Together AI",
    "fireworks_ai": "Fireworks AI", "cohere": "Cohere", "perplexity": "Perplexity", "azure": "Azure OpenAI",
    "huggingface": "Hugging Face",
}
BOT_HELP = {
    "explorer": "Explorer — tries moves, jumps, combos and restarts like a curious player",
    "monkey": "Monkey — random key presses, good at finding crashes",
    "idle": "Idle — presses nothing (checks that the game runs on its own)",
}
REWARD_HELP = {
    "playability": "Quality: measured playability (drawn, alive, responds to input, sound and variety)",
    "realisation": "Quality: the game's own mechanics whose behaviour probe passes",
    "creativity": "Quality: the LLM critic's or judge's score",
    "mechanics": "Progress: mechanics the version shows that its parent did not, each confirmed by a probe",
    "novelty": "Progress: how new the mechanic set is compared with the archive and the lineage",
    "progress": "How much of the score is progress (what a version adds); the rest is quality (what it is)",
    "cosmetic": "Penalty: the change is only cosmetic",
    "regression": "Penalty: canvas, loop, input or mechanics were lost",
}
_MODEL_RE = re.compile(r"^[A-Za-z0-9][\w.\-:/@+]*$")

_QSS = """
QTabWidget::pane { border: 1px solid palette(mid); border-radius: 8px; top: -1px; }
QTabBar::tab { padding: 7px 14px; }
QGroupBox { font-weight: 600; border: 1px solid palette(mid); border-radius: 8px; margin-top: 12px;
            padding: 10px 8px 8px 8px; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QLabel#ColumnHeader { color: palette(placeholder-text); font-weight: 600; }
QLabel#Hint { color: palette(placeholder-text); }
QLabel#KeyStatus[state="environment"] { color: #5bd68a; }
QLabel#KeyStatus[state="keyring"] { color: #5bd68a; }
QLabel#KeyStatus[state="pending"] { color: #f2c14e; }
QLabel#KeyStatus[state="none"] { color: palette(placeholder-text); }
QLabel#SettingsMessage { padding: 6px 10px; border-radius: 6px; }
QLabel#SettingsMessage[level="error"] { background: rgba(255, 107, 107, 40); color: #ff8f8f; }
QLabel#SettingsMessage[level="warning"] { background: rgba(242, 193, 78, 40); color: #f2c14e; }
QLabel#SpendFigure { font-size: 16pt; font-weight: 600; }
"""


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("Hint")
    label.setWordWrap(True)
    return label


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class ModelCombo(QComboBox):
    """An editable combo of litellm model strings; empty text means "use the default"."""

    def __init__(self, value: str | None, placeholder: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(26)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.addItems(MODEL_SUGGESTIONS)
        self.lineEdit().setPlaceholderText(placeholder)
        self.setToolTip("Any litellm model string, e.g. anthropic/claude-sonnet-4-5 or ollama/llama3.1; "
                        "“offline” needs no key")
        self.set_value(value)

    def set_value(self, value: str | None) -> None:
        self.setCurrentIndex(-1)
        self.setEditText(value or "")

    def value(self) -> str | None:
        text = self.currentText().strip()
        return text or None


class WeightEditor(QWidget):
    """A slider and a spin box that show the same weight (0…1 in steps of 0.01)."""

    def __init__(self, value: float, parent=None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0.0, 1.0)
        self.spin.setSingleStep(0.01)
        self.spin.setDecimals(2)
        self.spin.setFixedWidth(76)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self.slider.valueChanged.connect(lambda v: self.spin.setValue(v / 100))
        self.spin.valueChanged.connect(lambda v: self.slider.setValue(round(v * 100)))
        self.valueChanged = self.spin.valueChanged
        self.setValue(value)

    def value(self) -> float:
        return round(self.spin.value(), 4)

    def setValue(self, value: float) -> None:  # noqa: N802 - Qt naming
        self.spin.setValue(float(value))


def _form(box: QGroupBox, grow: bool = False) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(8)
    if not grow:
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


def _dspin(lo: float, hi: float, value: float, step: float = 0.1, decimals: int = 2, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    box.setMinimumWidth(96)
    return box


def _ispin(lo: int, hi: int, value: int, step: int = 1, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    box.setMinimumWidth(96)
    return box


class SettingsDialog(QDialog):
    saved = Signal()
    connection_tested = Signal(str)  # what Models ▸ Test connection found

    def __init__(self, project: Project, parent: QWidget | None = None, prefs: AppPrefs | None = None) -> None:
        super().__init__(parent)
        from ludeme.agents.settings import project_settings
        from ludeme.core.settings import project_engine_settings

        self.setObjectName("SettingsDialog")
        self.setWindowTitle("Settings")
        self.setStyleSheet(_QSS)
        self.project = project
        self.prefs = prefs or AppPrefs()
        self.load_messages: list[str] = []
        self.agent = project_settings(project, on_unreadable=self.load_messages.append)
        self.engine = project_engine_settings(project, on_unreadable=self.load_messages.append)
        self._key_removals: set[str] = set()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.tabs.addTab(self._models_tab(), "Models")
        self.tabs.addTab(self._keys_tab(), "Keys")
        self.tabs.addTab(self._budget_tab(), "Budget")
        self.tabs.addTab(self._evaluation_tab(), "Evaluation")
        self.tabs.addTab(self._reward_tab(), "Reward")
        self.tabs.addTab(self._appearance_tab(), "Appearance")

        self.message = QLabel()
        self.message.setObjectName("SettingsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setToolTip("Save the settings (Ctrl+Enter)")
        self.ok_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip("Close without changing anything (Esc)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 14, 14, 12)
        lay.setSpacing(10)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(820, 640)
        self._connect_validation()
        self.validate()

    # ---- tabs -------------------------------------------------------------------------------
    def _models_tab(self) -> QWidget:
        from ludeme.agents.settings import OFFLINE, ROLES

        a = self.agent
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 12, 14, 12)

        general = QGroupBox("Defaults")
        form = QFormLayout(general)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.default_model = ModelCombo(a.default_model)
        self.default_model.setToolTip("The model every role uses unless it names its own; “offline” needs "
                                      "no key and no network")
        self.judge_model = ModelCombo(a.judge_model, "automatic: a model other than the coder's")
        self.api_base = QLineEdit(a.api_base or "")
        self.api_base.setPlaceholderText("provider default — or e.g. http://localhost:11434 for a local server")
        self.api_base.setClearButtonEnabled(True)
        self.api_base.setToolTip("An OpenAI-compatible server URL (Ollama, vLLM, LM Studio…); empty for the "
                                 "providers' own servers")
        self.repair_rounds = _ispin(0, 10, a.repair_rounds)
        self.repair_rounds.setToolTip("How many times a version that fails its run is sent to the repairer")
        self.timeout = _dspin(1, 3600, a.timeout_s, 10, 0, " s")
        self.timeout.setToolTip("Longest wait for one model call")
        self.retries = _ispin(0, 10, a.max_retries)
        self.retries.setToolTip("Retries after a rate limit or a dropped connection")
        row = QHBoxLayout()
        for label, w in (("Repair rounds", self.repair_rounds), ("Timeout", self.timeout),
                         ("Retries", self.retries)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
            row.addSpacing(10)
        row.addStretch(1)
        form.addRow("Default model", self.default_model)
        form.addRow("Judge model", self.judge_model)
        form.addRow("API base", self.api_base)
        form.addRow("", row)
        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip("Send the default model a one-word request with these settings")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        self.key_hint = QLabel()
        self.key_hint.setObjectName("Muted")
        self.key_hint.setWordWrap(True)
        form.addRow("", self.key_hint)
        self.default_model.currentTextChanged.connect(self._explain_model)
        self._explain_model()
        lay.addWidget(general)

        roles = QGroupBox("Per role")
        grid = QGridLayout(roles)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        for col, text in enumerate(("Role", "Model", "Temperature", "Max tokens")):
            head = QLabel(text)
            head.setObjectName("ColumnHeader")
            grid.addWidget(head, 0, col)
        self.role_model: dict[str, ModelCombo] = {}
        self.role_temperature: dict[str, QDoubleSpinBox] = {}
        self.role_tokens: dict[str, QSpinBox] = {}
        for i, name in enumerate(ROLES, start=1):
            raw = a.roles.get(name) or a.role(name)
            label = QLabel(name.capitalize())
            label.setToolTip(ROLE_HELP.get(name, ""))
            combo = ModelCombo(raw.model, "the judge model above" if name == "judge"
                               else f"default ({a.default_model or OFFLINE})")
            combo.setToolTip(ROLE_HELP.get(name, "") + ". Empty: the default model.")
            temp = _dspin(0.0, 2.0, raw.temperature, 0.05, 2)
            temp.setToolTip("0 is most predictable, 2 most adventurous")
            tokens = _ispin(1, 1_000_000, raw.max_tokens, 1000)
            tokens.setToolTip("The longest answer this role may write")
            grid.addWidget(label, i, 0)
            grid.addWidget(combo, i, 1)
            grid.addWidget(temp, i, 2)
            grid.addWidget(tokens, i, 3)
            self.role_model[name], self.role_temperature[name], self.role_tokens[name] = combo, temp, tokens
        grid.setColumnStretch(1, 1)
        self.default_model.editTextChanged.connect(self._update_role_placeholders)
        lay.addWidget(roles)

        prices = QGroupBox("Prices for models litellm has no price for (USD per million tokens)")
        pl = QVBoxLayout(prices)
        self.prices = QTableWidget(0, 3)
        self.prices.setHorizontalHeaderLabels(["Model", "Input $/Mtok", "Output $/Mtok"])
        self.prices.verticalHeader().hide()
        self.prices.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.prices.setMaximumHeight(110)
        self.prices.setToolTip("Local and private models: without a price their calls count as free")
        for model, price in sorted(a.prices.items()):
            self._add_price_row(model, price.input_per_mtok, price.output_per_mtok)
        buttons = QHBoxLayout()
        add = QPushButton("Add price")
        add.clicked.connect(lambda: self._add_price_row("", 0.0, 0.0, edit=True))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_price_row)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        pl.addWidget(self.prices)
        pl.addLayout(buttons)
        lay.addWidget(prices)
        lay.addStretch(1)
        return page

    def _update_role_placeholders(self, text: str) -> None:
        for role, combo in self.role_model.items():
            if role != "judge":
                combo.lineEdit().setPlaceholderText(f"default ({text.strip() or '…'})")

    def _add_price_row(self, model: str, inp: float, out: float, edit: bool = False) -> None:
        r = self.prices.rowCount()
        self.prices.blockSignals(True)  # validate once the row is complete
        self.prices.insertRow(r)
        self.prices.setItem(r, 0, QTableWidgetItem(model))
        for col, value in ((1, inp), (2, out)):
            box = _dspin(0.0, 10_000.0, value, 0.1, 3)
            box.setFrame(False)
            box.valueChanged.connect(self.validate)
            self.prices.setCellWidget(r, col, box)
        self.prices.blockSignals(False)
        if edit:
            self.prices.setCurrentCell(r, 0)
            self.prices.editItem(self.prices.item(r, 0))
        self.validate()

    def _remove_price_row(self) -> None:
        r = self.prices.currentRow()
        if r >= 0:
            self.prices.removeRow(r)
            self.validate()

    def _keys_tab(self) -> QWidget:
        from ludeme.agents.keys import PROVIDER_ENV, keyring_available

        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 12, 14, 12)
        self.keyring_ok = keyring_available()
        lay.addWidget(_hint(
            "Keys are kept in your system's keyring (service “ludeme”) or read from the environment — "
            "never written into a project, a log or an export."
            + ("" if self.keyring_ok else " No system keyring is available here: set the environment "
                                          "variables shown instead.")))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        for col, text in enumerate(("Provider", "Status", "New key", "", "Environment variable")):
            head = QLabel(text)
            head.setObjectName("ColumnHeader")
            grid.addWidget(head, 0, col)
        self.key_edit: dict[str, QLineEdit] = {}
        self.key_status: dict[str, QLabel] = {}
        self.key_remove: dict[str, QPushButton] = {}
        self.key_env: dict[str, QLabel] = {}
        for i, provider in enumerate(PROVIDER_ENV, start=1):
            name = QLabel(PROVIDER_NAMES.get(provider, provider))
            name.setToolTip(f"Environment: {' or '.join(PROVIDER_ENV[provider])}")
            status = QLabel()
            status.setObjectName("KeyStatus")
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText("paste a key to store it")
            edit.setClearButtonEnabled(True)
            edit.setEnabled(self.keyring_ok)
            edit.setToolTip(f"Stored in the OS keyring under ludeme / {provider}")
            remove = QPushButton("Remove")
            remove.setToolTip("Remove this key from the keyring when you press OK")
            remove.clicked.connect(lambda _c=False, p=provider: self._remove_key(p))
            grid.addWidget(name, i, 0)
            grid.addWidget(status, i, 1)
            grid.addWidget(edit, i, 2)
            grid.addWidget(remove, i, 3)
            env = QLabel(" or ".join(PROVIDER_ENV[provider]))  # visible, not only in a tooltip
            env.setObjectName("Muted")
            env.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(env, i, 4)
            self.key_env[provider] = env
            self.key_edit[provider], self.key_status[provider], self.key_remove[provider] = edit, status, remove
            edit.textChanged.connect(lambda _t, p=provider: self._show_key_status(p))
        grid.setColumnStretch(2, 1)
        lay.addLayout(grid)
        from ludeme.agents.keys import GENERIC_ENV

        lay.addWidget(_hint(f"{GENERIC_ENV} works for every provider when its own variable is not set."))
        lay.addStretch(1)
        for provider in PROVIDER_ENV:
            self._show_key_status(provider)
        return page

    def key_state(self, provider: str) -> tuple[str, str]:
        """(state, text) as the Keys tab shows it: environment, keyring, pending or none."""
        from ludeme.agents.keys import key_source

        source, var = key_source(provider)
        if self.key_edit[provider].text().strip():
            return "pending", "will be stored in the keyring"
        if provider in self._key_removals and source == "keyring":
            return "pending", "will be removed"
        if source == "environment":
            return "environment", f"set in environment ({var})"
        if source == "keyring":
            return "keyring", "in keyring"
        return "none", "not set"

    def _show_key_status(self, provider: str) -> None:
        state, text = self.key_state(provider)
        label = self.key_status[provider]
        label.setText(("✓ " if state in ("environment", "keyring") else "") + text)
        label.setProperty("state", state)
        _restyle(label)
        from ludeme.agents.keys import key_source

        self.key_remove[provider].setEnabled(self.keyring_ok and key_source(provider)[0] == "keyring"
                                             and provider not in self._key_removals)

    def _remove_key(self, provider: str) -> None:
        self._key_removals.add(provider)
        self.key_edit[provider].clear()
        self._show_key_status(provider)

    def _budget_tab(self) -> QWidget:
        a = self.agent
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 12, 14, 12)
        limits = QGroupBox("Limits")
        form = _form(limits)
        self.budget = _dspin(0.0, 100_000.0, a.budget_usd or 0.0, 1.0, 2)
        self.budget.setPrefix("$ ")
        self.budget.setSpecialValueText("No limit")
        self.budget.setToolTip("Work stops before the project's spending would pass this (0: no limit)")
        self.run_budget = _dspin(0.0, 100_000.0, a.run_budget_usd or 0.0, 0.5, 2)
        self.run_budget.setPrefix("$ ")
        self.run_budget.setSpecialValueText("No limit")
        self.run_budget.setToolTip("The most one evolution run may spend (0: no limit)")
        form.addRow("Project budget", self.budget)
        form.addRow("Per evolution run", self.run_budget)
        lay.addWidget(limits)

        spend = QGroupBox("Spent so far")
        sl = QVBoxLayout(spend)
        totals = self.project.ledger_totals()
        self.spent = float(totals["cost"])
        figure = QLabel(f"${self.spent:,.4f}")
        figure.setObjectName("SpendFigure")
        self.spend_detail = _hint(
            f"{totals['calls']:,} model call{'s' * (totals['calls'] != 1)} · {int(totals['tokens_in']):,} tokens in · "
            f"{int(totals['tokens_out']):,} tokens out")
        self.remaining = _hint("")
        sl.addWidget(figure)
        sl.addWidget(self.spend_detail)
        sl.addWidget(self.remaining)
        lay.addWidget(spend)
        lay.addWidget(_hint("The offline model is free. Costs come from litellm's price list, or from the "
                            "prices on the Models tab for models it does not know."))
        lay.addStretch(1)
        self.budget.valueChanged.connect(self._show_remaining)
        self._show_remaining()
        return page

    def _show_remaining(self) -> None:
        b = self.budget.value()
        self.remaining.setText("No project budget set." if b <= 0 else
                               f"${max(b - self.spent, 0):,.2f} of ${b:,.2f} left "
                               f"({min(self.spent / b, 1) * 100:.0f}% used).")

    def _evaluation_tab(self) -> QWidget:
        from ludeme.evaluation.bots import BOTS

        e = self.engine.evaluation
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 12, 14, 12)
        run = QGroupBox("Each evaluation")
        form = _form(run)
        self.eval_seconds = _dspin(0.5, 600, e.seconds, 1.0, 1, " s")
        self.eval_seconds.setToolTip("How long the bot plays each new version (longer: surer scores, slower runs)")
        self.eval_idle = QCheckBox("Compare with a run without input, as long")
        self.eval_idle.setChecked(bool(e.idle_seconds))
        self.eval_idle.setToolTip("The same game, seed and length with no input, run alongside the play run: "
                                  "what the game does on its own, so the score counts only what input changes")
        self.eval_bot = QComboBox()
        for name in [n for n in ("explorer", "monkey", "idle") if n in BOTS] + sorted(
                n for n in BOTS if n not in ("explorer", "monkey", "idle", "replay")):
            self.eval_bot.addItem(BOT_HELP.get(name, name), name)
        if self.eval_bot.findData(e.bot) < 0:
            self.eval_bot.addItem(e.bot, e.bot)  # a plugin bot not loaded here
        self.eval_bot.setCurrentIndex(self.eval_bot.findData(e.bot))
        self.eval_bot.setToolTip("The bot that plays each version")
        self.eval_fps = _ispin(1, 120, e.fps, 5, " fps")
        self.eval_fps.setToolTip("Frames captured per second for the recording and the metrics")
        self.eval_seed = _ispin(0, 2_000_000_000, e.seed)
        self.eval_seed.setToolTip("Fixes Math.random, the clock and the bot so runs repeat exactly")
        size = QHBoxLayout()
        self.eval_width = _ispin(16, 4096, e.width, 16, " px")
        self.eval_height = _ispin(16, 4096, e.height, 16, " px")
        size.addWidget(self.eval_width)
        size.addWidget(QLabel("×"))
        size.addWidget(self.eval_height)
        size.addStretch(1)
        form.addRow("Play for", self.eval_seconds)
        form.addRow("No-input run", self.eval_idle)
        form.addRow("Bot", self.eval_bot)
        form.addRow("Capture", self.eval_fps)
        form.addRow("Viewport", size)
        form.addRow("Seed", self.eval_seed)
        lay.addWidget(run)
        limits = QGroupBox("Patience")
        lf = _form(limits)
        self.eval_load = _dspin(0.1, 120, e.load_timeout, 0.5, 1, " s")
        self.eval_load.setToolTip("A game that paints nothing within this is marked broken")
        self.eval_step = _dspin(0.1, 120, e.step_timeout, 0.5, 1, " s")
        self.eval_step.setToolTip("A game whose frame takes longer than this is stopped (an endless loop)")
        lf.addRow("First paint within", self.eval_load)
        lf.addRow("One step within", self.eval_step)
        lay.addWidget(limits)
        cluster = QGroupBox("Where games are evaluated")
        cf = _form(cluster)
        self.cluster_address = QLineEdit(self.engine.cluster.address)
        self.cluster_address.setPlaceholderText("this machine")
        self.cluster_address.setToolTip("A Ray cluster for the worker's evaluations: auto, HOST:PORT or "
                                        "ray://HOST:PORT. Empty: this machine. Each node needs Ludeme "
                                        "installed (README ▸ Clusters).")
        cf.addRow("Ray cluster", self.cluster_address)
        cf.addRow(_hint("The worker sends each job's playtests there; the Jobs panel's Ran on column "
                        "says where each job ran. Needs the cluster extra: pip install 'ludeme[cluster]'."))
        lay.addWidget(cluster)
        reset = QPushButton("Reset to defaults")
        reset.clicked.connect(self._reset_evaluation)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(reset)
        lay.addLayout(row)
        lay.addStretch(1)
        return page

    def _set_evaluation(self, e) -> None:
        self.eval_seconds.setValue(e.seconds)
        self.eval_idle.setChecked(bool(e.idle_seconds))
        self.eval_bot.setCurrentIndex(max(self.eval_bot.findData(e.bot), 0))
        self.eval_fps.setValue(e.fps)
        self.eval_seed.setValue(e.seed)
        self.eval_width.setValue(e.width)
        self.eval_height.setValue(e.height)
        self.eval_load.setValue(e.load_timeout)
        self.eval_step.setValue(e.step_timeout)

    def _reset_evaluation(self) -> None:
        from ludeme.core.settings import EvaluationSettings

        self._set_evaluation(EvaluationSettings())

    def _reward_tab(self) -> QWidget:
        r = self.engine.reward
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 12, 14, 12)
        self.weights: dict[str, WeightEditor] = {}
        for title, names in (("Quality: what the game is", ("playability", "realisation", "creativity")),
                             ("Progress: what it adds to its lineage", ("mechanics", "novelty")),
                             ("The score", ("progress",)),
                             ("What counts against it", ("cosmetic", "regression"))):
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            for name in names:
                editor = WeightEditor(getattr(r.weights, name))
                editor.setToolTip(REWARD_HELP[name])
                label = QLabel({"progress": "Share of progress", "mechanics": "New mechanics",
                                "creativity": "Critic / judge", "realisation": "Mechanics shown"}
                               .get(name, name.capitalize()))
                label.setToolTip(REWARD_HELP[name])
                form.addRow(label, editor)
                self.weights[name] = editor
            lay.addWidget(box)
        lay.addWidget(_hint("Within quality and within progress, weights are rescaled to add up to 1 over the "
                            "terms a version has. Score = (1 − share) × quality + share × progress − "
                            "penalties; a root has no progress yet, and a cosmetic child never scores above "
                            "its parent."))
        gates = QGroupBox("Gates")
        gf = _form(gates)
        self.playability_gate = _dspin(0, 1, r.playability_gate, 0.05, 2)
        self.playability_gate.setToolTip("Below this playability the reward is scaled down")
        self.playability_factor = _dspin(0, 1, r.playability_factor, 0.05, 2)
        self.playability_factor.setPrefix("× ")
        self.broken_cap = _dspin(0, 1, r.broken_cap, 0.01, 2)
        self.broken_cap.setToolTip("The most a broken version can score")
        row = QHBoxLayout()
        row.addWidget(self.playability_gate)
        row.addWidget(QLabel("then"))
        row.addWidget(self.playability_factor)
        row.addStretch(1)
        gf.addRow("Playability below", row)
        gf.addRow("Broken versions at most", self.broken_cap)
        lay.addWidget(gates)
        reset = QPushButton("Reset to defaults")
        reset.setToolTip("Quality 0.55 / 0.20 / 0.25, progress 0.60 / 0.40, share 0.35, penalties 0.15 / 0.10")
        reset.clicked.connect(self._reset_reward)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(reset)
        lay.addLayout(row)
        lay.addStretch(1)
        return page

    def _reset_reward(self) -> None:
        from ludeme.core.settings import RewardSettings

        r = RewardSettings()
        for name, editor in self.weights.items():
            editor.setValue(getattr(r.weights, name))
        self.playability_gate.setValue(r.playability_gate)
        self.playability_factor.setValue(r.playability_factor)
        self.broken_cap.setValue(r.broken_cap)

    def _appearance_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(14, 12, 14, 12)
        box = QGroupBox("Theme")
        bl = QVBoxLayout(box)
        self.theme_group = QButtonGroup(self)
        self.theme_buttons: dict[str, QRadioButton] = {}
        for value, text in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            b = QRadioButton(text)
            self.theme_group.addButton(b)
            self.theme_buttons[value] = b
            bl.addWidget(b)
        self.theme_buttons[self.prefs.theme].setChecked(True)
        lay.addWidget(box)
        lay.addWidget(_hint("Appearance belongs to you, not the project: it applies to every project you open."))
        lay.addStretch(1)
        return page

    # ---- validation and saving ----------------------------------------------------------------
    def _connect_validation(self) -> None:
        for w in self.findChildren(QWidget):
            if isinstance(w, QComboBox) and w.isEditable():
                w.editTextChanged.connect(self.validate)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.validate)
            elif isinstance(w, QLineEdit) and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox)):
                w.textChanged.connect(self.validate)
            elif isinstance(w, QAbstractSpinBox):
                w.valueChanged.connect(self.validate)
        self.prices.itemChanged.connect(self.validate)

    def theme(self) -> str:
        return next(v for v, b in self.theme_buttons.items() if b.isChecked())

    def _prices(self) -> tuple[dict, list[str]]:
        prices, errors = {}, []
        for r in range(self.prices.rowCount()):
            item = self.prices.item(r, 0)
            model = item.text().strip() if item else ""
            inp, out = self.prices.cellWidget(r, 1).value(), self.prices.cellWidget(r, 2).value()
            if not model:
                errors.append(f"Price row {r + 1} needs a model name (or remove the row).")
            elif not _MODEL_RE.match(model):
                errors.append(f"“{model}” on the price list is not a model string.")
            elif model in prices:
                errors.append(f"“{model}” has two prices; keep one.")
            else:
                prices[model] = {"input_per_mtok": inp, "output_per_mtok": out}
        return prices, errors

    # -- Models ▸ Test connection ----------------------------------------------------------------
    def _explain_model(self, *_args) -> None:
        """Under the models: what "offline" is, or where the key for the default model comes from."""
        from ludeme.agents.keys import GENERIC_ENV, PROVIDER_ENV, provider_for

        model = self.default_model.currentText().strip() or "offline"
        if model == "offline":
            self.key_hint.setText("“offline” is Ludeme's own rule-based generator (it recombines the kit's "
                                  "mechanics): no language model, no key, no network.")
            return
        provider = provider_for(model)
        if provider in ("ollama", "ollama_chat", "lm_studio", "hosted_vllm", "vllm", "llamafile"):
            self.key_hint.setText(f"{model} runs on a local server: no key needed. Test connection checks "
                                  "that it is running at the API base (or its usual address).")
            return
        names = list(PROVIDER_ENV.get(provider, ())) + [GENERIC_ENV]
        self.key_hint.setText(f"The key for {model} comes from {' or '.join(names)} (environment), or the OS "
                              f"keyring (Keys tab, or `ludeme key {provider}`). Keys are never written into the project.")

    def test_connection(self) -> None:
        """One tiny request to the default model, in the background; the answer (or what went
        wrong, with the address tried) shows beside the button."""
        import time

        try:
            settings = self.agent_settings()
        except ValueError as exc:
            self.test_result.setText(f"✗ {exc}")
            return
        model = settings.default_model or "offline"
        if model == "offline":
            self.test_result.setText("✓ “offline” needs no connection: it is the built-in rule-based generator.")
            return
        probe = settings.role("coder").model_copy(update={"model": model, "max_tokens": 5})
        settings = settings.model_copy(update={"max_retries": 0, "timeout_s": min(settings.timeout_s, 30.0),
                                               "roles": {**settings.roles, "coder": probe}})

        def call():
            from ludeme.agents.llm import LLMClient

            t0 = time.monotonic()
            LLMClient(settings).complete("coder", [{"role": "user", "content": "Reply with the word OK."}],
                                         allow_truncated=True)
            return time.monotonic() - t0

        self.test_button.setEnabled(False)
        self.test_result.setText(f"… asking {model}")

        def answered(seconds: float) -> None:
            self._tested(f"✓ {model} answered in {seconds:.1f} s")

        def refused(exc: BaseException) -> None:  # every provider error arrives mapped, key redacted
            self._tested(f"✗ {exc}")

        self._test_task = run_in_thread(call, on_done=answered, on_error=refused)

    def _tested(self, text: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(text)
        self.connection_tested.emit(text)

    def agent_settings(self):
        """The AgentSettings the dialog holds now (fields it does not show are kept as loaded).
        Raises ValueError with a one-line reason when a value is invalid."""
        from ludeme.agents.settings import ROLES, AgentSettings

        errors: list[str] = []
        for label, value, required in (("Default model", self.default_model.value(), True),
                                       ("Judge model", self.judge_model.value(), False),
                                       *((f"The {n} model", self.role_model[n].value(), False) for n in ROLES)):
            if value is None:
                if required:
                    errors.append(f"{label} cannot be empty (use “offline” for no model).")
            elif not _MODEL_RE.match(value):
                errors.append(f"{label} “{value}” is not a model string (like openai/gpt-4o-mini, no spaces).")
        base = self.api_base.text().strip()
        if base:
            url = urlparse(base)
            if url.scheme not in ("http", "https") or not url.netloc or " " in base:
                errors.append(f"API base “{base}” must be an http:// or https:// address.")
        prices, price_errors = self._prices()
        errors += price_errors
        if errors:
            raise ValueError(errors[0])
        data = self.agent.to_dict()
        data.update({
            "default_model": self.default_model.value(), "judge_model": self.judge_model.value(),
            "api_base": base or None, "repair_rounds": self.repair_rounds.value(),
            "timeout_s": self.timeout.value(), "max_retries": self.retries.value(),
            "budget_usd": self.budget.value() or None, "run_budget_usd": self.run_budget.value() or None,
            "prices": prices,
        })
        roles = dict(data.get("roles") or {})
        for n in ROLES:
            roles[n] = {**(roles.get(n) or {}), "model": self.role_model[n].value(),
                        "temperature": round(self.role_temperature[n].value(), 4),
                        "max_tokens": self.role_tokens[n].value()}
        data["roles"] = roles
        try:
            return AgentSettings.from_dict(data)
        except Exception as exc:  # noqa: BLE001 - pydantic: first line is the clear part
            raise ValueError(f"Invalid model settings: {str(exc).splitlines()[0]}") from None

    def engine_settings(self):
        """The evaluation and reward Settings the dialog holds now (ValueError when invalid)."""
        from ludeme.core.settings import Settings

        weights = {n: e.value() for n, e in self.weights.items()}
        if not any(weights[n] > 0 for n in ("playability", "realisation", "creativity")):
            raise ValueError("At least one of the quality weights must be above zero.")
        data = self.engine.to_dict()
        data["evaluation"].update({
            "seconds": self.eval_seconds.value(), "idle_seconds": 3.0 if self.eval_idle.isChecked() else 0.0,
            "bot": self.eval_bot.currentData(), "fps": self.eval_fps.value(), "seed": self.eval_seed.value(),
            "width": self.eval_width.value(), "height": self.eval_height.value(),
            "load_timeout": self.eval_load.value(), "step_timeout": self.eval_step.value()})
        data["reward"].update({"playability_gate": self.playability_gate.value(),
                               "playability_factor": self.playability_factor.value(),
                               "broken_cap": self.broken_cap.value()})
        data["reward"]["weights"] = weights
        data["cluster"] = {"address": self.cluster_address.text().strip()}
        try:
            return Settings.from_dict(data)
        except Exception as exc:  # noqa: BLE001
            lines = str(exc).splitlines()
            detail = next((ln.strip().removeprefix("Value error, ").split(" [type=")[0] for ln in lines
                           if "Value error" in ln), lines[0])
            raise ValueError(f"Invalid evaluation settings: {detail}") from None

    def _new_keys(self) -> tuple[dict[str, str], list[str]]:
        keys, errors = {}, []
        for provider, edit in self.key_edit.items():
            key = edit.text().strip()
            if not key:
                continue
            if any(c.isspace() for c in key):
                errors.append(f"The {PROVIDER_NAMES.get(provider, provider)} key contains spaces; paste it again.")
            elif len(key) < 8:
                errors.append(f"The {PROVIDER_NAMES.get(provider, provider)} key looks too short.")
            else:
                keys[provider] = key
        return keys, errors

    def warnings(self) -> list[str]:
        out = []
        b, rb = self.budget.value(), self.run_budget.value()
        if b and rb and rb > b:
            out.append("The run budget is above the project budget; the project budget stops it first.")
        if b and b <= self.spent:
            out.append(f"The project has already spent ${self.spent:,.2f}: no paid model call will run.")
        return out

    def errors(self) -> list[str]:
        errors = []
        for check in (self.agent_settings, self.engine_settings):
            try:
                check()
            except ValueError as exc:
                errors.append(str(exc))
        errors += self._new_keys()[1]
        return errors

    def validate(self, *_args) -> bool:
        if not hasattr(self, "ok_button"):
            return False  # still building
        errors = self.errors()
        notes = errors or self.warnings() or self.load_messages
        self.ok_button.setEnabled(not errors)
        if notes:
            self.message.setText(("⚠ " if not errors else "✗ ") + notes[0][:1].upper() + notes[0][1:])
            self.message.setProperty("level", "error" if errors else "warning")
            _restyle(self.message)
            self.message.show()
        else:
            self.message.hide()
        return not errors

    def accept(self) -> None:
        from ludeme.agents.keys import KeyringUnavailable, delete_api_key, store_api_key
        from ludeme.agents.settings import SETTINGS_META_KEY
        from ludeme.core.settings import save_engine_settings

        if not self.validate():
            return
        agent, engine = self.agent_settings(), self.engine_settings()
        keys, _ = self._new_keys()
        try:
            for provider, key in keys.items():
                store_api_key(provider, key)
            for provider in self._key_removals - set(keys):
                delete_api_key(provider)
        except KeyringUnavailable as exc:
            self.message.setText("✗ " + str(exc))
            self.message.setProperty("level", "error")
            _restyle(self.message)
            self.message.show()
            self.tabs.setCurrentIndex(1)
            return
        for edit in self.key_edit.values():
            edit.clear()
        # Written when they differ from what is stored (an unreadable stored value is replaced).
        if agent.to_json() != self.project.meta(SETTINGS_META_KEY):
            self.project.set_meta(SETTINGS_META_KEY, agent.to_json())
        if engine != self.engine or self.load_messages:
            save_engine_settings(self.project, engine)
        self.agent, self.engine = agent, engine
        if self.theme() != self.prefs.theme:
            self.prefs.theme = self.theme()
            app = QApplication.instance()
            if app is not None:
                from ludeme.ui.prefs import apply_theme_pref

                apply_theme_pref(app, self.prefs)
        self.saved.emit()
        super().accept()


__all__ = ["SettingsDialog", "MODEL_SUGGESTIONS"]
