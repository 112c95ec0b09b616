"""Proxy reward: weights, renormalisation, gates, penalties; settings validation."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from ludeme.core.kit import build_game_html
from ludeme.core.settings import EvaluationSettings, RewardSettings, RewardWeights, Settings
from ludeme.evaluation.collapse import Collapse
from ludeme.evaluation.metrics import Metrics
from ludeme.evaluation.reward import (Reward, RewardInputs, Verdict, mechanic_delta, novelty, proxy_reward,
                                      structural_change, verdict_kind)

GOOD = Metrics(playability=0.9)


def test_settings_defaults_follow_creativegame():
    w = RewardWeights()
    assert (w.realisation, w.structural, w.novelty, w.creativity, w.playability) == (0.20, 0.25, 0.20, 0.15, 0.10)
    assert (w.cosmetic, w.regression) == (0.15, 0.10)
    r = RewardSettings()
    assert (r.playability_gate, r.playability_factor, r.runtime_failed_factor, r.broken_cap) == (0.6, 0.25, 0.5, 0.05)
    e = EvaluationSettings()
    assert (e.seconds, e.fps, e.bot, e.seed, e.width, e.height) == (10, 30, "explorer", 1, 640, 480)
    assert (e.load_timeout, e.step_timeout, e.idle_seconds) == (5, 3, 3)


def test_settings_round_trip_ignore_unknown_keys_and_refuse_bad_values():
    s = Settings.from_dict({"evaluation": {"fps": 24, "new_knob": 1}, "reward": {"weights": {"novelty": 0.3}}})
    assert s.evaluation.fps == 24 and s.reward.weights.novelty == 0.3
    assert Settings.from_dict(s.to_dict()) == s
    with pytest.raises(ValidationError):
        RewardWeights(novelty=-0.1)
    with pytest.raises(ValidationError):
        EvaluationSettings(fps=0)
    with pytest.raises(ValidationError):
        EvaluationSettings().seconds = 3        # frozen


def test_a_perfect_child_scores_one_and_the_breakdown_adds_up():
    r = proxy_reward(RewardInputs(metrics=Metrics(playability=1.0), realisation=1.0, structural=5.0,
                                  novelty=1.0, creativity=10, mechanic_delta=0.5))
    assert r.total == pytest.approx(1.0, abs=1e-3) and r.gates == []
    assert sum(v["contribution"] for v in r.breakdown.values()) == pytest.approx(r.total, abs=1e-3)
    assert sum(v["weight"] for k, v in r.breakdown.items() if v["weight"] > 0) == pytest.approx(1.0)


def test_without_a_judge_the_other_positive_weights_are_renormalised():
    with_judge = proxy_reward(RewardInputs(metrics=GOOD, realisation=0.5, structural=0.2, novelty=0.5, creativity=6.5))
    without = proxy_reward(RewardInputs(metrics=GOOD, realisation=0.5, structural=0.2, novelty=0.5))
    assert without.breakdown["creativity"]["value"] is None and without.breakdown["creativity"]["weight"] == 0
    assert without.breakdown["realisation"]["weight"] == pytest.approx(0.20 / 0.75, abs=1e-5)
    assert with_judge.breakdown["creativity"]["value"] == pytest.approx(0.5)     # (6.5 − 3) / 7
    assert with_judge.breakdown["realisation"]["weight"] == pytest.approx(0.20 / 0.90, abs=1e-5)


def test_a_seed_without_parent_or_archive_still_gets_a_meaningful_reward():
    seed = proxy_reward(RewardInputs(metrics=GOOD, realisation=1.0))
    assert seed.breakdown["structural"]["value"] is None and seed.breakdown["novelty"]["value"] is None
    assert seed.breakdown["cosmetic"]["value"] == 0
    assert seed.total == pytest.approx((0.2 * 1.0 + 0.1 * 0.9) / 0.3, abs=1e-4)
    weak = proxy_reward(RewardInputs(metrics=Metrics(playability=0.7), realisation=0.25))
    assert 0 < weak.total < seed.total


def test_gates_low_playability_runtime_failure_and_broken_cap():
    base = dict(realisation=1.0, structural=1.0, novelty=1.0, creativity=10, mechanic_delta=1.0)
    ok = proxy_reward(RewardInputs(metrics=Metrics(playability=0.61), **base))
    low = proxy_reward(RewardInputs(metrics=Metrics(playability=0.59), **base))
    assert low.total == pytest.approx(ok.total * 0.25, rel=0.02) and "playability" in low.gates[0]
    failed = proxy_reward(RewardInputs(verdict="runtime_failed", metrics=Metrics(playability=0.9), **base))
    good = proxy_reward(RewardInputs(metrics=Metrics(playability=0.9), **base))
    assert failed.total == pytest.approx(good.total * 0.5, abs=1e-5) and any("runtime" in g for g in failed.gates)
    both = proxy_reward(RewardInputs(verdict="not-interactive", metrics=Metrics(playability=0.3), **base))
    assert both.total == pytest.approx(proxy_reward(RewardInputs(metrics=Metrics(playability=0.3), **base)).total
                                       * 0.5, abs=1e-5) and len(both.gates) == 2
    broken = proxy_reward(RewardInputs(verdict=Verdict.BROKEN, metrics=Metrics(playability=0.9), **base))
    assert broken.total == 0.05 and any("broken" in g for g in broken.gates)
    for v in ("timeout", "hostile-contained"):
        assert proxy_reward(RewardInputs(verdict=v, metrics=GOOD, **base)).total <= 0.05
    assert proxy_reward(RewardInputs(verdict="broken")).total == 0.0
    assert verdict_kind("playable") == Verdict.OK and verdict_kind("??") == Verdict.RUNTIME_FAILED


def test_cosmetic_only_children_are_penalised_deepening_less_mechanic_changes_not():
    common = dict(metrics=GOOD, novelty=0.2)
    recolour = proxy_reward(RewardInputs(structural=0.0, **common))
    assert recolour.breakdown["cosmetic"]["value"] == 1.0
    assert recolour.breakdown["cosmetic"]["contribution"] == pytest.approx(-0.15)
    deepened = proxy_reward(RewardInputs(structural=0.0, realisation=1.0, **common))
    assert deepened.breakdown["cosmetic"]["value"] == 0.5
    swapped = proxy_reward(RewardInputs(structural=0.0, mechanic_delta=0.3, **common))
    assert swapped.breakdown["cosmetic"]["value"] == 0
    real = proxy_reward(RewardInputs(structural=0.2, **common))
    assert real.breakdown["cosmetic"]["value"] == 0 and real.total > recolour.total


def test_regression_penalty_comes_from_the_collapse_severity():
    base = dict(metrics=GOOD, realisation=1.0, structural=0.3, novelty=0.5)
    fine = proxy_reward(RewardInputs(collapse=Collapse(False, [], "", 0.0), **base))
    lost = proxy_reward(RewardInputs(collapse=Collapse(True, ["loop"], "loop lost", 1.0), **base))
    assert lost.breakdown["regression"]["contribution"] == pytest.approx(-0.10)
    assert lost.total == pytest.approx(fine.total - 0.10, abs=1e-6)


def test_reward_serialises():
    r = proxy_reward(RewardInputs(metrics=GOOD.to_dict(), realisation=0.5))
    d = r.to_dict()
    assert set(d) == {"total", "breakdown", "gates"} and isinstance(r, Reward)
    assert set(d["breakdown"]) == {"realisation", "structural", "novelty", "creativity", "playability",
                                   "cosmetic", "regression"}


def test_structural_change_ignores_comments_and_the_kit_core():
    a = "<script>function f(a) { return a + 1; }\nfunction g() { return f(2) * 3; }</script>"
    assert structural_change(a, a) == 0.0
    assert structural_change(a, a.replace("{ return a", "{ /* a note */ return a")) == 0.0
    tweak = structural_change(a, a.replace("a + 1", "a + 2"))
    reshaped = structural_change(a, a.replace("return f(2) * 3;", "if (f(2) > 3) { g(); } return 0;"))
    assert 0 < tweak < 0.1 < reshaped <= 1.0
    assert structural_change(a, "<script>let totally = ['different'];</script>") > 0.9
    sky = build_game_html("sky_hopper")
    game = sky.index("/* ludeme:kit:game:begin */")
    child = sky[:game] + sky[game:].replace("function", "function /* same */", 1)
    assert structural_change(sky, child) == 0.0


def test_novelty_is_one_minus_the_closest_jaccard():
    assert novelty({"a", "b"}, []) is None
    assert novelty({"a", "b"}, [{"a", "b"}]) == 0.0
    assert novelty({"a", "b"}, [{"c"}, {"a", "c"}]) == pytest.approx(1 - 1 / 3)
    assert mechanic_delta({"a", "b"}, {"a", "b", "c"}) == pytest.approx(1 / 3)
