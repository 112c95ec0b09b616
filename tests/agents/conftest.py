"""Fixtures for the agents layer: no keyring, no real keys (the fake server is tests/conftest.py's
``fake_llm``)."""
from __future__ import annotations

import os

import pytest

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch):
    """Tests never see the developer's keys or keyring."""
    from ludeme.agents import keys

    for names in keys.PROVIDER_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(keys.GENERIC_ENV, raising=False)
    monkeypatch.setattr(keys, "_keyring_get", lambda provider: None)
