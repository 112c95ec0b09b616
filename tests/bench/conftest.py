"""Benchmarks print their figures; in CI (LUDEME_BENCH_QUICK=1) they run fewer rounds and never
fail on timing, only on broken behaviour."""
import os

import pytest


@pytest.fixture
def rounds():
    def pick(full: int, quick: int) -> int:
        return quick if os.environ.get("LUDEME_BENCH_QUICK") else full
    return pick


@pytest.fixture
def fake_llm_bench(monkeypatch):
    """The agents tests' fake OpenAI-compatible server, for benchmarks."""
    from tests.agents.fake_llm import FakeLLM

    fake = FakeLLM().start()
    monkeypatch.setenv("LUDEME_API_KEY", "bench-key-0123456789")
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        yield fake
    finally:
        fake.close()
