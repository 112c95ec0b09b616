"""Fixtures for the store tests: a fresh project file per test, always closed afterwards."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ludeme.store import create_project


@pytest.fixture
def project(tmp_path):
    proj = create_project(tmp_path / "test.ludeme")
    yield proj
    proj.close()


@pytest.fixture
def lineage(project):
    return project.add_lineage("Sky Hopper", "A jumpy test game", tags=["platformer"])


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def html(text: str = "game") -> bytes:
    return f"<!DOCTYPE html><title>{text}</title><canvas id='game'></canvas>".encode()
