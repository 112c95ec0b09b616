"""What behaviour probes cost an evaluation: the same game evaluated without probes and with the
plan's probes (a baseline run plus one run per distinct input), as a ratio of wall time."""
from __future__ import annotations

import statistics
import time

from ludeme.core.settings import EvaluationSettings
from ludeme.evaluation.evaluator import evaluate
from ludeme.evaluation.probes import specs_from_plan

from tests.evaluation.test_behaviour_probes import POND

PLAN = {"changes": [
    {"action": "add", "mechanic_id": "frog_jump", "probe": "press Space: the frog jumps within 20 frames"},
    {"action": "add", "mechanic_id": "croak", "probe": "press KeyB: a croak sound plays"},
    {"action": "add", "mechanic_id": "shield", "probe": "press KeyQ: a shield appears within 30 frames"}]}


def test_probe_cost(qapp, rounds):
    settings = EvaluationSettings(seconds=10)
    files = {"index.html": POND.encode()}
    plain, probed, stage = [], [], []
    for _ in range(rounds(3, 1)):
        t = time.perf_counter()
        evaluate(files, settings)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        report = evaluate(files, settings, probes=specs_from_plan(PLAN))
        probed.append(time.perf_counter() - t)
        stage.append(next(s.seconds for s in report.stages if s.name == "behaviour"))
        assert sum(p["ok"] for p in report.behaviour_probes) == 2
    a, b, s = statistics.median(plain), statistics.median(probed), statistics.median(stage)
    print(f"\n[bench] 10 s DOM game: {a:.2f} s without probes, {b:.2f} s with 3 behaviour probes "
          f"(stage {s:.2f} s, ×{b / a:.2f})")
