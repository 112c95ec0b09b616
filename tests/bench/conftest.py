"""Benchmarks print their figures; in CI (LUDEME_BENCH_QUICK=1) they run fewer rounds and never
fail on timing, only on broken behaviour."""
import os

import pytest


@pytest.fixture
def rounds():
    def pick(full: int, quick: int) -> int:
        return quick if os.environ.get("LUDEME_BENCH_QUICK") else full
    return pick
