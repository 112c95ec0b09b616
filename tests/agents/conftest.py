"""Fixtures for the agents layer: a scripted OpenAI-compatible server, no keyring, no real keys."""
from __future__ import annotations

import os

import pytest

from tests.agents.fake_llm import FakeLLM

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

TEST_KEY = "test-key-0123456789"


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch):
    """Tests never see the developer's keys or keyring."""
    from ludeme.agents import keys

    for names in keys.PROVIDER_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(keys.GENERIC_ENV, raising=False)
    monkeypatch.setattr(keys, "_keyring_get", lambda provider: None)


@pytest.fixture
def fake_llm(monkeypatch):
    """A running fake server; models are "openai/<name>" with api_base=fake.api_base, key in LUDEME_API_KEY."""
    fake = FakeLLM().start()
    monkeypatch.setenv("LUDEME_API_KEY", TEST_KEY)
    try:
        yield fake
    finally:
        fake.close()
