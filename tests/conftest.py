"""Shared test set-up: offscreen Qt, Chromium flags for root, a private data folder per test run."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
for _f in ("--no-sandbox", "--autoplay-policy=no-user-gesture-required"):
    if _f not in _flags:
        _flags = f"{_flags} {_f}".strip()
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = _flags
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "desktop") not in sys.path:
    sys.path.insert(0, str(ROOT / "desktop"))

import pytest  # noqa: E402

from ludeme.runtime.qt_env import configure_environment, register_schemes  # noqa: E402

# game:// must be registered before pytest-qt creates the QApplication.
configure_environment(offscreen=True)
register_schemes()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """Never touch the real user data folder from a test."""
    monkeypatch.setenv("LUDEME_DATA_DIR", str(tmp_path / "userdata"))


@pytest.fixture
def project(tmp_path):
    """A fresh default project (the eight seed games) in this test's folder, closed afterwards.
    (tests/store uses an empty one of its own; a test that needs more builds on this one.)"""
    from ludeme.store import create_default_project

    p = create_default_project(tmp_path / "project.ludeme")
    yield p
    p.close()


@pytest.fixture
def fake_llm(monkeypatch):
    """The scripted OpenAI-compatible server on 127.0.0.1 (tests/fake_llm.py), closed afterwards.
    Models are "openai/<name>" with api_base=fake.api_base; the key is in LUDEME_API_KEY, so the
    worker's and the CLI's processes get it too."""
    from tests.fake_llm import TEST_KEY, FakeLLM

    fake = FakeLLM().start()
    monkeypatch.setenv("LUDEME_API_KEY", TEST_KEY)
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture(scope="module")
def sandbox(qapp):
    """(profile, resolver, views) for a module's pages: a SandboxProfile serving versions put in a
    MemoryResolver. Views a test appends to ``views`` are deleted first; the profile goes last (a
    page that outlives its profile crashes the test run at exit)."""
    from ludeme.runtime.sandbox import SandboxProfile
    from ludeme.runtime.scheme import MemoryResolver
    from tests.helpers import flush_deletes

    resolver = MemoryResolver()
    profile = SandboxProfile(resolver)
    views: list = []
    yield profile, resolver, views
    for view in views:
        view.close()
        view.deleteLater()
    flush_deletes()
    profile.deleteLater()
    flush_deletes()
