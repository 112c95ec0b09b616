"""The evaluation corpus: good, broken, idle and hostile games are each classified correctly, in time,
the evaluator survives every one of them (they all run in this one process), and the canary on
127.0.0.1 never hears from any of them."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ludeme.core.settings import EvaluationSettings
from ludeme.evaluation.evaluator import evaluate
from tests.helpers import Canary

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "MANIFEST.json").read_text())
TIME_LIMIT_S = 30.0


@pytest.fixture(scope="module")
def canary():
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def settings():
    return EvaluationSettings(seconds=3, idle_seconds=2, load_timeout=4, step_timeout=2.5)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_game_is_classified(qapp, canary, settings, name):
    html = (CORPUS / name).read_text().replace("CANARY", canary.url)
    started = time.monotonic()
    report = evaluate({"index.html": html.encode()}, settings)
    took = time.monotonic() - started
    assert report.verdict == EXPECTED[name], f"{name}: {report.verdict} {report.reasons}"
    assert report.reasons, "every verdict says why"
    assert took < TIME_LIMIT_S, f"{name} took {took:.1f} s"
    assert canary.hits == [], f"{name} reached the canary: {canary.hits}"


def test_stolen_files_never_reach_the_page(qapp, settings):
    report = evaluate({"index.html": (CORPUS / "file_read.html").read_bytes()}, settings)
    text = json.dumps(report.to_dict())
    assert "root:x:0:0" not in text


def test_evaluator_still_works_after_the_hostile_corpus(qapp, settings):
    report = evaluate({"index.html": (CORPUS / "good_square.html").read_bytes()}, settings)
    assert report.verdict == "playable"
    assert report.metrics["audio_activity"] > 0
