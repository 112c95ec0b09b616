"""Calibration agreement as a benchmark: exact and binary agreement of the evaluator's verdicts with
people's on the calibration corpus (tests/evaluation/calibration), per style, and the median wall
time per game. Quick mode (LUDEME_BENCH_QUICK=1) evaluates a small mixed subset; agreement never
fails the bench, only a broken run does."""
from __future__ import annotations

import statistics
import time

import pytest

from ludeme.evaluation.verdict import VERDICTS
from tests.evaluation.calibration import agreement, labels, run_corpus, table
from tests.helpers import Canary

pytestmark = pytest.mark.bench

# One of each kind that matters most: overlay start, DOM grid, canvas menu, CDN library, and three
# failures a person spots at once.
QUICK = ("start_button_dodger.html", "dom_2048.html", "canvas_menu_collector.html", "p5_rain_dodger.html",
         "frozen_after_start_runner.html", "instant_game_over_snake.html")


def test_calibration_agreement(qapp, rounds):
    names = sorted(labels())
    n = rounds(len(names), len(QUICK))
    chosen = names if n >= len(names) else list(QUICK)
    canary = Canary()
    try:
        started = time.perf_counter()
        results = run_corpus(chosen, seconds=8.0, canary=canary)
        total = time.perf_counter() - started
    finally:
        canary.close()
    a = agreement(results)
    print("\n" + table(results, only_disagreements=True))
    print(f"calibration ({len(results)} games{' (quick subset)' if len(chosen) < len(names) else ''}): "
          f"exact agreement {a['exact']:.2f}, binary {a['binary']:.2f}; playable judged playable "
          f"{a['working_recall']}, failing judged failing {a['failing_recall']}")
    print("per style: " + ", ".join(f"{s} {v:.2f}" for s, v in a["per_style"].items()))
    print(f"wall time per game: median {statistics.median(r['wall'] for r in results):.2f} s "
          f"(max {max(r['wall'] for r in results):.2f} s); whole run {total:.1f} s")
    assert all(r["verdict"] in VERDICTS and r["reasons"] for r in results)
    assert canary.hits == []
