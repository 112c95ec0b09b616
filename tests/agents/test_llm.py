"""LLMClient against a scripted OpenAI-compatible server: parsing, repairs, errors, budget, ledger."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from ludeme.agents import errors as E
from ludeme.agents.keys import redact
from ludeme.agents.llm import LLMClient, parse_structured
from ludeme.agents.settings import AgentSettings, ModelPrice
from tests.fake_llm import TEST_KEY

ROOT = Path(__file__).resolve().parents[2]


class Plan(BaseModel):
    title: str
    mechanics: list[str]


MSGS = [{"role": "system", "content": "You plan games."}, {"role": "user", "content": "Plan a platformer."}]
GOOD = '{"title": "Jumper", "mechanics": ["double jump", "coins"]}'


def make(fake, ledger=None, spent=None, **kw):
    kw.setdefault("default_model", "openai/fake-model")
    settings = AgentSettings(api_base=fake.api_base, retry_base_delay_s=0.0, timeout_s=10, **kw)
    return LLMClient(settings, ledger=ledger, spent=spent)


def test_structured_output_parsed_with_response_format(fake_llm):
    fake_llm.reply(GOOD)
    reply = make(fake_llm).complete("planner", MSGS, schema=Plan)
    assert reply.parsed == Plan(title="Jumper", mechanics=["double jump", "coins"])
    req = fake_llm.requests[-1]
    assert req.response_format["type"] == "json_schema"
    assert req.response_format["json_schema"]["schema"]["properties"]["title"]
    assert req.max_tokens == 12000 and req.temperature == 0.7
    assert req.authorization == f"Bearer {TEST_KEY}"
    assert reply.tokens_in > 0 and reply.tokens_out > 0 and reply.finish_reason == "stop"


@pytest.mark.parametrize("text", [
    "Here is the plan:\n```json\n" + GOOD + "\n```\nEnjoy!",
    "Sure! " + GOOD + " Hope that helps {not json}",
    '{"title": "Jumper", "mechanics": ["double jump", "coins",],}',
])
def test_tolerant_parsing(text):
    assert parse_structured(text, Plan).title == "Jumper"


def test_json_fenced_in_text_parsed(fake_llm):
    fake_llm.reply("Plan below.\n```json\n" + GOOD + "\n```")
    assert make(fake_llm).complete("planner", MSGS, schema=Plan).parsed.mechanics == ["double jump", "coins"]


def test_malformed_json_repaired_once(fake_llm):
    fake_llm.reply('{"title": "Jumper"').reply(GOOD)
    records = []
    reply = make(fake_llm, ledger=records.append).complete("planner", MSGS, schema=Plan)
    assert reply.parsed.title == "Jumper"
    assert fake_llm.count == 2
    repair = fake_llm.requests[1].messages
    assert repair[-2]["role"] == "assistant" and "Repair your JSON" in repair[-1]["content"]
    assert len(records) == 2 and all(r.ok for r in records)


def test_still_malformed_raises(fake_llm):
    fake_llm.reply("no json here").reply('{"title": 3}')
    with pytest.raises(E.MalformedReply) as info:
        make(fake_llm).complete("planner", MSGS, schema=Plan)
    assert fake_llm.count == 2 and info.value.text == '{"title": 3}'


def test_response_format_rejected_retried_without(fake_llm):
    fake_llm.error("response_format_unsupported").reply(GOOD)
    records = []
    reply = make(fake_llm, ledger=records.append).complete("planner", MSGS, schema=Plan)
    assert reply.parsed.title == "Jumper"
    assert fake_llm.requests[0].response_format is not None
    assert fake_llm.requests[1].response_format is None
    assert [r.ok for r in records] == [False, True]


def test_truncated_reply(fake_llm):
    fake_llm.truncated("<html><body>half a ga").truncated("<html><body>half a ga")
    client = make(fake_llm)
    with pytest.raises(E.TruncatedReply) as info:
        client.complete("coder", MSGS)
    assert info.value.reply.text.startswith("<html>")
    reply = client.complete("coder", MSGS, allow_truncated=True)
    assert reply.finish_reason == "length" and reply.text.startswith("<html>")


@pytest.mark.parametrize("content_filter", [False, True])
def test_refusal(fake_llm, content_filter):
    fake_llm.refusal("I can't help with that.", content_filter=content_filter)
    with pytest.raises(E.RefusalError):
        make(fake_llm).complete("coder", MSGS)


def test_auth_error_has_no_key(fake_llm):
    fake_llm.error("invalid_api_key")
    records = []
    with pytest.raises(E.AuthError) as info:
        make(fake_llm, ledger=records.append).complete("coder", MSGS)
    err = info.value
    assert TEST_KEY not in str(err) and TEST_KEY not in (err.detail or "")
    assert "\n" not in str(err)
    assert fake_llm.count == 1  # not retried
    assert records[-1].ok is False and TEST_KEY not in records[-1].error


def test_quota_is_not_retried(fake_llm):
    fake_llm.error("insufficient_quota").reply("never")
    with pytest.raises(E.QuotaError):
        make(fake_llm).complete("coder", MSGS)
    assert fake_llm.count == 1


def test_rate_limit_retried_then_succeeds(fake_llm):
    fake_llm.error("rate_limit_exceeded").error("server_error").reply("<html>ok</html>")
    records = []
    reply = make(fake_llm, ledger=records.append).complete("coder", MSGS)
    assert reply.text == "<html>ok</html>" and fake_llm.count == 3
    assert [r.ok for r in records] == [False, False, True]
    assert "RateLimited" in records[0].error and "ServiceUnavailable" in records[1].error


def test_rate_limit_gives_up_after_max_retries(fake_llm):
    for _ in range(5):
        fake_llm.error("rate_limit_exceeded")
    with pytest.raises(E.RateLimited):
        make(fake_llm, max_retries=2).complete("coder", MSGS)
    assert fake_llm.count == 3


def test_unknown_model(fake_llm):
    fake_llm.error("model_not_found")
    with pytest.raises(E.UnknownModelError):
        make(fake_llm).complete("coder", MSGS)


def test_context_length(fake_llm):
    fake_llm.error("context_length_exceeded")
    with pytest.raises(E.ContextLengthError):
        make(fake_llm).complete("coder", MSGS)


@pytest.mark.parametrize("model", ["openai/fake-model", "ollama/llama3.1"])
def test_a_refused_connection_names_the_address(model, monkeypatch):
    """Ollama not running reads "nothing is listening at <address>", not "HTTP 500"."""
    monkeypatch.setenv("LUDEME_API_KEY", TEST_KEY)
    settings = AgentSettings(default_model=model, api_base="http://127.0.0.1:9",
                             retry_base_delay_s=0.0, max_retries=1, timeout_s=5)
    with pytest.raises(E.ServiceUnavailable, match=r"Nothing is listening at http://127\.0\.0\.1:9") as err:
        LLMClient(settings).complete("coder", MSGS)
    assert "HTTP 500" not in str(err.value)
    if model.startswith("ollama/"):
        assert "ollama serve" in str(err.value)


def test_a_missing_key_says_so():
    settings = AgentSettings(default_model="openai/fake-model", api_base="http://127.0.0.1:9",
                             retry_base_delay_s=0.0, max_retries=0, timeout_s=5)
    with pytest.raises(E.AuthError, match="No API key is set for openai/fake-model"):
        LLMClient(settings).complete("coder", MSGS)


def test_without_an_api_base_the_usual_address_is_named():
    from ludeme.agents.llm import provider_address

    assert provider_address("ollama/llama3.1") == "http://localhost:11434"
    assert provider_address("openai/gpt-4o", "http://box:8000/v1") == "http://box:8000/v1"


def test_offline_model_never_reaches_litellm():
    with pytest.raises(E.OfflineModel):
        LLMClient(AgentSettings()).complete("coder", MSGS)


def test_budget_blocks_before_the_request(fake_llm):
    priced = {"openai/fake-model": ModelPrice(input_per_mtok=1000.0, output_per_mtok=1000.0)}
    # coder: 16000 max tokens at $0.001/token = $16 worst case.
    client = make(fake_llm, spent=lambda: 0.0, budget_usd=10.0, prices=priced)
    with pytest.raises(E.BudgetExceeded):
        client.complete("coder", MSGS)
    assert fake_llm.count == 0
    # Run budget, with a litellm-priced model: spent near the limit.
    client = make(fake_llm, default_model="openai/gpt-4o", spent=lambda: {"project": 0.0, "run": 0.999},
                  run_budget_usd=1.0)
    with pytest.raises(E.BudgetExceeded) as info:
        client.complete("critic", MSGS)
    assert fake_llm.count == 0 and "run budget" in str(info.value)
    # Enough left: the call is made and costed.
    fake_llm.reply("fine")
    reply = make(fake_llm, default_model="openai/gpt-4o", spent=lambda: 0.0, budget_usd=1.0).complete("critic", MSGS)
    assert fake_llm.count == 1 and reply.cost > 0


def test_unknown_model_costs_nothing(fake_llm):
    fake_llm.reply("ok")
    client = make(fake_llm, default_model="openai/my-local-llama", budget_usd=0.0)
    reply = client.complete("critic", MSGS)
    assert reply.cost == 0.0 and fake_llm.count == 1


def test_ledger_records_each_call(fake_llm):
    fake_llm.reply("one").reply("two")
    records = []
    client = make(fake_llm, ledger=records.append)
    client.complete("critic", MSGS, version_id="v1", job_id=7)
    client.complete("judge", MSGS, version_id="v2")
    assert [(r.role, r.version_id, r.job_id, r.ok) for r in records] == [("critic", "v1", 7, True), ("judge", "v2", None, True)]
    assert all(r.tokens_in > 0 and r.tokens_out > 0 and r.latency > 0 and r.model == "openai/fake-model" for r in records)


def test_settings_json_never_contains_keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-abcdefghijklmnop123")
    data = {"default_model": "openai/gpt-4o", "api_key": "sk-proj-abcdefghijklmnop123", "token": "tok-secret-1",
            "roles": {"coder": {"model": "anthropic/claude-sonnet-4", "api_key": "sk-ant-zzzzzzzzzzzz",
                                "secret": "s3cr3t-value"}},
            "api_base": "https://example.com/v1?key=sk-proj-abcdefghijklmnop123"}
    s = AgentSettings.from_dict(data)
    text = s.to_json()
    for secret in ("sk-proj", "sk-ant", "tok-secret", "s3cr3t", "api_key"):
        assert secret not in text
    back = AgentSettings.from_json(text)
    assert back.role("coder").model == "anthropic/claude-sonnet-4" and back.role("coder").max_tokens == 16000
    assert json.loads(text)["roles"]["coder"]["max_tokens"] == 16000


def test_role_resolution_and_judge_default():
    s = AgentSettings()
    assert s.role("coder").model == "offline" and s.role("planner").max_tokens == 12000
    s = AgentSettings(default_model="openai/gpt-4o", roles={"coder": {"model": "anthropic/claude-sonnet-4"}})
    assert s.role("coder").model == "anthropic/claude-sonnet-4" and s.role("coder").temperature == 0.8
    assert s.role("judge").model == "openai/gpt-4o"
    s = AgentSettings(default_model="openai/gpt-4o")
    assert s.role("judge").model == "openai/gpt-4o"   # nothing else configured
    s = AgentSettings(default_model="openai/gpt-4o", judge_model="gemini/gemini-2.5-pro")
    assert s.role("judge").model == "gemini/gemini-2.5-pro"


def test_redact(monkeypatch):
    monkeypatch.setenv("LUDEME_API_KEY", "my-private-key-value")
    text = "key sk-abc123def456ghi, Bearer abcdef123456, api_key=zzzzzzzz9, my-private-key-value, AIza" + "x" * 30
    out = redact(text)
    for bad in ("sk-abc", "abcdef123456", "zzzzzzzz9", "my-private-key-value", "AIzaxxx"):
        assert bad not in out


def test_keyring_failure_is_silent(monkeypatch):
    from ludeme.agents import keys

    monkeypatch.undo()  # real _keyring_get, but a keyring that fails
    for names in keys.PROVIDER_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("LUDEME_API_KEY", raising=False)
    import keyring

    def boom(*a, **k):
        raise RuntimeError("no backend")
    monkeypatch.setattr(keyring, "get_password", boom)
    assert keys.api_key_for("anthropic/claude-sonnet-4") is None
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-real")
    assert keys.api_key_for("anthropic/claude-sonnet-4") == "sk-ant-real"
    assert keys.provider_for("claude-3-haiku") == "anthropic" and keys.provider_for("openrouter/x/y") == "openrouter"


def test_import_does_not_load_litellm():
    code = ("import sys; import ludeme.agents.llm, ludeme.agents.settings, ludeme.agents.keys, ludeme.agents.errors;"
            "print('litellm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_fake_streams_and_records_images(fake_llm):
    from ludeme.agents.llm import _litellm

    fake_llm.reply("<html>streamed game</html>")
    chunks = _litellm().completion(model="openai/fake-model", api_base=fake_llm.api_base, api_key=TEST_KEY,
                                   stream=True, max_retries=0, messages=[{"role": "user", "content": [
                                       {"type": "text", "text": "judge this"},
                                       {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}])
    text = "".join((c.choices[0].delta.content or "") for c in chunks)
    assert text == "<html>streamed game</html>"
    assert fake_llm.requests[-1].stream and fake_llm.requests[-1].images
