"""The settings dialog, used as a designer would: what it shows, what OK stores (in the same places
the command line reads), keys in the keyring and never in the project, Cancel changing nothing,
invalid input blocking OK with a one-line message."""
from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt

from ludeme.agents.keys import PROVIDER_ENV, GENERIC_ENV
from ludeme.agents.settings import SETTINGS_META_KEY, project_settings
from ludeme.core.settings import ENGINE_SETTINGS_META_KEY, Settings, project_engine_settings
from ludeme.store import create_default_project, open_project
from ludeme.ui.prefs import AppPrefs
from ludeme.ui.settings_dialog import SettingsDialog

SECRET = "sk-test-Zq81nWc4Lr0pXv7Ty2Hb"


class MemoryKeyring(KeyringBackend):
    """An in-process keyring, so tests never touch (or need) an OS keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        del self.store[(service, username)]


@pytest.fixture
def ring(monkeypatch):
    for var in [v for vs in PROVIDER_ENV.values() for v in vs] + [GENERIC_ENV]:
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _keep_app_look(qapp):
    """OK applies the chosen theme to the whole application: put it back for the next tests."""
    look = (qapp.style().name(), qapp.palette(), qapp.styleSheet())
    yield
    if (qapp.style().name(), qapp.palette(), qapp.styleSheet()) != look:
        qapp.setStyle(look[0])
        qapp.setPalette(look[1])
        qapp.setStyleSheet(look[2])


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "settings.ludeme"
    create_default_project(p).close()
    return p


@pytest.fixture
def project(path):
    p = open_project(path)
    yield p
    p.close()


@pytest.fixture
def dialog(qtbot, project, ring):
    d = SettingsDialog(project)
    qtbot.addWidget(d)
    d.show()
    return d


def qapp_palette_is_light() -> bool:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().palette().window().color().lightness() > 128


def _reopen(path):
    p = open_project(path)
    try:
        return project_settings(p), project_engine_settings(p), p.meta(SETTINGS_META_KEY), p.meta(ENGINE_SETTINGS_META_KEY)
    finally:
        p.close()


def _project_bytes(path) -> bytes:
    return b"".join(f.read_bytes() for f in path.parent.glob(path.name + "*"))


def test_shows_the_projects_settings(dialog):
    assert dialog.default_model.value() == "offline"
    assert dialog.role_model["coder"].value() is None
    assert dialog.role_model["coder"].lineEdit().placeholderText() == "default (offline)"
    assert dialog.role_temperature["repairer"].value() == pytest.approx(0.3)
    assert dialog.role_tokens["coder"].value() == 16000
    assert dialog.eval_seconds.value() == 10.0 and dialog.eval_bot.currentData() == "explorer"
    assert dialog.weights["playability"].value() == pytest.approx(0.55)
    assert dialog.weights["progress"].value() == pytest.approx(0.35) and "structural" not in dialog.weights
    assert dialog.budget.text() == "No limit"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Models", "Keys", "Budget", "Evaluation", "Reward", "Appearance"]
    assert dialog.ok_button.isEnabled() and not dialog.message.isVisible()


def test_ok_stores_where_the_command_line_reads(qtbot, dialog, project, path, capsys):
    dialog.role_model["coder"].setEditText("anthropic/claude-sonnet-4-5")
    dialog.role_temperature["coder"].setValue(0.55)
    dialog.role_tokens["planner"].setValue(9000)
    dialog.judge_model.setEditText("openai/gpt-4o-mini")
    dialog.api_base.setText("http://localhost:11434")
    dialog.repair_rounds.setValue(4)
    dialog.budget.setValue(12.5)
    dialog.run_budget.setValue(2)
    dialog._add_price_row("ollama/llama3.1", 0.2, 0.4)
    dialog.eval_seconds.setValue(6)
    dialog.eval_bot.setCurrentIndex(dialog.eval_bot.findData("monkey"))
    dialog.eval_fps.setValue(20)
    assert dialog.eval_idle.isChecked(), "the no-input run is on by default"
    dialog.eval_idle.setChecked(False)
    dialog.weights["novelty"].slider.setValue(35)  # the slider drives the spin box
    assert dialog.weights["novelty"].value() == pytest.approx(0.35)
    dialog.theme_buttons["light"].setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    project.close()

    agent, engine, _, _ = _reopen(path)
    assert agent.role("coder").model == "anthropic/claude-sonnet-4-5"
    assert agent.role("coder").temperature == pytest.approx(0.55)
    assert agent.role("planner").model == "offline" and agent.role("planner").max_tokens == 9000
    assert agent.role("judge").model == "openai/gpt-4o-mini"
    assert agent.api_base == "http://localhost:11434" and agent.repair_rounds == 4
    assert agent.budget_usd == 12.5 and agent.run_budget_usd == 2
    assert agent.prices["ollama/llama3.1"].output_per_mtok == pytest.approx(0.4)
    assert engine.evaluation.seconds == 6 and engine.evaluation.bot == "monkey" and engine.evaluation.fps == 20
    assert engine.evaluation.idle_seconds == 0, "no no-input run"
    assert engine.reward.weights.novelty == pytest.approx(0.35)
    assert engine.reward.weights.mechanics == pytest.approx(0.60)  # untouched values kept
    assert AppPrefs().theme == "light"
    assert qapp_palette_is_light()

    # Jobs, evolution runs and `ludeme mutate` evaluate with these settings; a job's seconds still win.
    from ludeme.evolution.jobs import _eval_settings

    with open_project(path) as p:
        assert (_eval_settings({}, p).seconds, _eval_settings({}, p).bot) == (6, "monkey")
        assert _eval_settings({"seconds": 3}, p).seconds == 3

    from ludeme.cli import main

    assert main(["models", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "coder      anthropic/claude-sonnet-4-5" in out
    assert "api base   http://localhost:11434" in out and "budget     $12.50" in out


def test_what_the_command_line_sets_the_dialog_shows(qtbot, path, ring):
    from ludeme.cli import main

    assert main(["models", "--project", str(path), "--role", "critic=gemini/gemini-2.5-flash",
                 "--budget", "3"]) == 0
    with open_project(path) as p:
        d = SettingsDialog(p)
        qtbot.addWidget(d)
        assert d.role_model["critic"].value() == "gemini/gemini-2.5-flash"
        assert d.budget.value() == 3.0
        d.reject()


def test_cancel_changes_nothing(qtbot, dialog, project, path, ring):
    before = (project.meta(SETTINGS_META_KEY), project.meta(ENGINE_SETTINGS_META_KEY))
    dialog.default_model.setEditText("openai/gpt-4.1")
    dialog.budget.setValue(99)
    dialog.eval_seconds.setValue(30)
    dialog.weights["cosmetic"].setValue(0.9)
    dialog.key_edit["openai"].setText(SECRET)
    dialog.theme_buttons["dark"].setChecked(True)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Rejected
    project.close()
    agent, engine, *metas = _reopen(path)
    assert tuple(metas) == before
    assert agent.default_model == "offline" and agent.budget_usd is None
    assert engine == Settings()
    assert ring.store == {}
    assert AppPrefs().theme == "system"


def test_keys_go_to_the_keyring_never_into_the_project(qtbot, dialog, project, path, ring, monkeypatch):
    assert dialog.key_status["openai"].text() == "not set"
    assert not dialog.key_remove["openai"].isEnabled()
    assert "OPENAI_API_KEY" in dialog.key_env["openai"].text()  # on the page, not only in a tooltip
    qtbot.keyClicks(dialog.key_edit["openai"], SECRET)
    assert dialog.key_edit["openai"].echoMode() == dialog.key_edit["openai"].EchoMode.Password
    assert dialog.key_status["openai"].text() == "will be stored in the keyring"
    dialog.role_model["coder"].setEditText("openai/gpt-4o-mini")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert ring.store == {("ludeme", "openai"): SECRET}
    project.close()
    data = _project_bytes(path)
    assert b"gpt-4o-mini" in data  # the settings were written…
    assert SECRET.encode() not in data and SECRET[8:].encode() not in data  # …the key was not

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-the-environment")
    with open_project(path) as p:
        d = SettingsDialog(p)
        qtbot.addWidget(d)
        assert d.key_status["openai"].text() == "✓ in keyring"
        assert d.key_status["anthropic"].text() == "✓ set in environment (ANTHROPIC_API_KEY)"
        assert not d.key_remove["anthropic"].isEnabled()  # not ours to remove
        assert d.key_edit["openai"].text() == ""  # a stored key is never shown again
        qtbot.mouseClick(d.key_remove["openai"], Qt.MouseButton.LeftButton)
        assert d.key_status["openai"].text() == "will be removed"
        assert ring.store  # only on OK
        d.accept()
    assert ring.store == {}


def test_invalid_input_blocks_ok_with_a_clear_message(qtbot, dialog, project):
    def blocked(fragment: str) -> None:
        assert not dialog.ok_button.isEnabled()
        assert dialog.message.isVisible() and fragment in dialog.message.text()
        assert "\n" not in dialog.message.text()

    dialog.role_model["planner"].setEditText("gpt 4o")
    blocked("The planner model “gpt 4o” is not a model string")
    dialog.role_model["planner"].setEditText("")
    assert dialog.ok_button.isEnabled()

    dialog.default_model.setEditText("")
    blocked("Default model cannot be empty")
    dialog.default_model.setEditText("offline")

    dialog.api_base.setText("localhost:11434")
    blocked("must be an http:// or https:// address")
    dialog.api_base.setText("https://llm.example.org/v1")
    assert dialog.ok_button.isEnabled()

    dialog._add_price_row("", 1.0, 2.0)
    blocked("Price row 1 needs a model name")
    dialog.prices.item(0, 0).setText("my/local-model")
    assert dialog.ok_button.isEnabled()

    dialog.cluster_address.setText("http://head:6379")
    blocked("is not a cluster address: use auto, HOST:PORT or ray://HOST:PORT")
    dialog.cluster_address.setText("ray://head.lan:10001")
    assert dialog.ok_button.isEnabled()
    assert dialog.engine_settings().cluster.address == "ray://head.lan:10001"
    dialog.cluster_address.setText("")

    for name in ("playability", "realisation", "creativity"):
        dialog.weights[name].setValue(0)
    blocked("At least one of the quality weights")
    dialog.weights["playability"].setValue(0.5)
    assert dialog.ok_button.isEnabled()

    dialog.key_edit["groq"].setText("gsk abc def ghi")
    blocked("The Groq key contains spaces")
    dialog.key_edit["groq"].clear()
    assert dialog.ok_button.isEnabled()

    dialog.default_model.setEditText("bad model")
    dialog.accept()  # Enter with OK disabled does nothing either
    assert dialog.isVisible() and project.meta(SETTINGS_META_KEY) is None


def test_warnings_do_not_block_and_reward_resets_to_defaults(dialog):
    dialog.budget.setValue(5)
    dialog.run_budget.setValue(8)
    assert dialog.ok_button.isEnabled()
    assert "run budget is above the project budget" in dialog.message.text()
    assert "$5.00 of $5.00 left" in dialog.remaining.text()

    dialog.weights["realisation"].setValue(0.9)
    dialog.broken_cap.setValue(0.5)
    dialog._reset_reward()
    assert dialog.weights["realisation"].value() == pytest.approx(0.20)
    assert dialog.weights["realisation"].slider.value() == 20
    assert dialog.broken_cap.value() == pytest.approx(0.05)
    dialog.eval_seconds.setValue(42)
    dialog._reset_evaluation()
    assert dialog.eval_seconds.value() == 10.0


def test_unreadable_stored_settings_open_as_defaults_with_a_note(qtbot, project, ring):
    project.set_meta(SETTINGS_META_KEY, "{broken")
    project.set_meta(ENGINE_SETTINGS_META_KEY, '{"evaluation": {"fps": 9999}}')
    d = SettingsDialog(project)
    qtbot.addWidget(d)
    d.show()
    assert d.default_model.value() == "offline" and d.eval_fps.value() == 30
    assert d.ok_button.isEnabled()
    assert "unreadable" in d.message.text()


def test_without_an_os_keyring_the_keys_tab_says_so(qtbot, project, monkeypatch):
    from keyring.backends.fail import Keyring as FailKeyring

    for var in [v for vs in PROVIDER_ENV.values() for v in vs] + [GENERIC_ENV]:
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        d = SettingsDialog(project)
        qtbot.addWidget(d)
        assert not d.keyring_ok
        assert not d.key_edit["openai"].isEnabled() and not d.key_remove["openai"].isEnabled()
        texts = " ".join(label.text() for label in d.tabs.widget(1).findChildren(type(d.message)))
        assert "No system keyring is available here" in texts
        assert d.key_status["openai"].text() == "not set"
    finally:
        keyring.set_keyring(previous)


def test_test_connection_reports_an_answer_a_refusal_and_offline(qtbot, dialog, monkeypatch):
    """Models ▸ Test connection: a working server answers; a server that is not running is named
    by its address; "offline" is said to be the built-in generator, not a model."""
    from tests.fake_llm import FakeLLM

    assert "rule-based generator" in dialog.key_hint.text()
    dialog.test_connection()
    assert "needs no connection" in dialog.test_result.text()

    fake = FakeLLM().start()
    try:
        monkeypatch.setenv("LUDEME_API_KEY", "test-key-0123456789")
        fake.reply("OK")
        dialog.default_model.setEditText("openai/fake-model")
        assert "LUDEME_API_KEY" in dialog.key_hint.text() and "OPENAI_API_KEY" in dialog.key_hint.text()
        dialog.api_base.setText(fake.api_base)
        with qtbot.waitSignal(dialog.connection_tested, timeout=20000) as got:
            dialog.test_button.click()
        assert got.args[0].startswith("✓ openai/fake-model answered"), got.args[0]
        assert fake.count == 1
    finally:
        fake.close()
    dialog.api_base.setText("http://127.0.0.1:9")
    with qtbot.waitSignal(dialog.connection_tested, timeout=20000) as got:
        dialog.test_button.click()
    assert "Nothing is listening at http://127.0.0.1:9" in got.args[0]
