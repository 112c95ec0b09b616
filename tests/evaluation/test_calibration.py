"""Calibration: the evaluator's verdicts on games written the way LLMs and people write them agree
with the verdict a careful person gives (tests/evaluation/calibration/LABELS.json), and none of
those games reaches the network canary on 127.0.0.1."""
from __future__ import annotations

import pytest

from ludeme.evaluation.verdict import VERDICTS
from tests.evaluation.calibration import (
    CALIBRATION, REQUIRED_STYLES, agreement, game_files, labels, run_corpus, table,
)
from tests.helpers import Canary

EXACT_MIN = 0.95
SECONDS = 8.0


def test_labels_and_folder_agree():
    table_ = labels()
    files = set(game_files())
    assert files, "the calibration folder has no games"
    assert files - set(table_) == set(), f"games without a label: {sorted(files - set(table_))}"
    assert set(table_) - files == set(), f"labels without a game: {sorted(set(table_) - files)}"
    for name, entry in table_.items():
        assert set(entry) >= {"label", "style", "why"}, name
        assert entry["label"] in VERDICTS, f"{name}: {entry['label']!r} is not a verdict"
        assert entry["style"] and entry["why"], name
    styles = {e["style"] for e in table_.values()}
    missing = [s for s in REQUIRED_STYLES if s not in styles]
    assert not missing, f"styles with no game: {missing}"
    assert {e["label"] for e in table_.values()} >= {"playable", "broken", "not-interactive"}
    for name in files:  # self-contained: no kit, no telemetry, nothing but the allowed remote URLs
        html = (CALIBRATION / name).read_text()
        assert "window.ludeme" not in html and "Kit." not in html, name
        assert "<html" in html.lower() and "</html>" in html.lower(), name


@pytest.fixture(scope="module")
def canary():
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def corpus(qapp, canary):
    return run_corpus(seconds=SECONDS, canary=canary)


def test_verdicts_agree_with_people(corpus):
    print("\n" + table(corpus))
    a = agreement(corpus)
    print(f"binary agreement {a['binary']:.2f}; playable games judged playable {a['working_recall']:.2f}, "
          f"failing games judged failing {a['failing_recall']:.2f}")
    wrong = [f"{r['name']}: {r['verdict']} (person: {r['label']}) {r['reasons'][:1]}"
             for r in corpus if r["verdict"] != r["label"]]
    assert a["exact"] >= EXACT_MIN, f"exact agreement {a['exact']:.2f} < {EXACT_MIN}:\n" + "\n".join(wrong)


def test_no_game_reaches_the_canary(corpus, canary):
    assert canary.hits == [], f"the canary heard: {canary.hits}"
    assert all(not r["canary_hits"] for r in corpus)
