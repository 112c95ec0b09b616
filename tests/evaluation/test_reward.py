"""Proxy reward: weights, renormalisation, gates, penalties; settings validation."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from ludeme.core.kit import build_game_html
from ludeme.core.settings import EvaluationSettings, RewardSettings, RewardWeights, Settings
from ludeme.evaluation.collapse import Collapse
from ludeme.evaluation.metrics import Metrics
from ludeme.evaluation.reward import (Reward, RewardInputs, Verdict, cap_to_parent, mechanic_delta, novelty,
                                      proxy_reward, structural_change, verdict_kind)

GOOD = Metrics(playability=0.9)


def test_settings_defaults():
    w = RewardWeights()
    assert (w.playability, w.realisation, w.creativity) == (0.55, 0.20, 0.25)
    assert (w.mechanics, w.novelty, w.progress) == (0.60, 0.40, 0.35)
    assert (w.cosmetic, w.regression) == (0.15, 0.10)
    r = RewardSettings()
    assert (r.playability_gate, r.playability_factor, r.runtime_failed_factor, r.broken_cap) == (0.6, 0.25, 0.5, 0.05)
    e = EvaluationSettings()
    assert (e.seconds, e.fps, e.bot, e.seed, e.width, e.height) == (10, 30, "explorer", 1, 640, 480)
    assert (e.load_timeout, e.step_timeout, e.idle_seconds) == (5, 3, 3)


def test_weights_saved_before_the_split_are_replaced_by_the_defaults():
    legacy = RewardSettings.from_dict({"weights": {"realisation": 0.2, "structural": 0.25, "novelty": 0.2,
                                                   "creativity": 0.15, "playability": 0.10}})
    assert legacy.weights == RewardWeights()


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
    r = proxy_reward(RewardInputs(metrics=Metrics(playability=1.0), realisation=1.0, structural=0.5,
                                  novelty=1.0, creativity=10, mechanic_delta=0.5, new_mechanics=30))
    assert r.total == pytest.approx(1.0, abs=1e-3) and r.gates == []
    assert r.quality == pytest.approx(1.0) and r.progress == pytest.approx(1.0, abs=1e-3)
    assert sum(v["contribution"] for v in r.breakdown.values()) == pytest.approx(r.total, abs=1e-3)
    assert sum(v["weight"] for k, v in r.breakdown.items() if v["weight"] > 0) == pytest.approx(1.0)
    parts = {k: v["part"] for k, v in r.breakdown.items()}
    assert parts == {"playability": "quality", "realisation": "quality", "creativity": "quality",
                     "mechanics": "progress", "novelty": "progress", "structural": "info",
                     "cosmetic": "penalty", "regression": "penalty"}


def test_without_a_judge_the_other_quality_weights_are_renormalised():
    with_judge = proxy_reward(RewardInputs(metrics=GOOD, realisation=0.5, creativity=6.5))
    without = proxy_reward(RewardInputs(metrics=GOOD, realisation=0.5))
    assert without.breakdown["creativity"]["value"] is None and without.breakdown["creativity"]["weight"] == 0
    assert without.quality == pytest.approx((0.55 * 0.9 + 0.2 * 0.5) / 0.75, abs=1e-5)
    assert with_judge.breakdown["creativity"]["value"] == pytest.approx(0.5)     # (6.5 − 3) / 7
    assert with_judge.quality == pytest.approx(0.55 * 0.9 + 0.2 * 0.5 + 0.25 * 0.5, abs=1e-5)


def test_a_root_has_no_progress_and_the_same_quality_as_the_same_game_as_a_child():
    root = proxy_reward(RewardInputs(metrics=GOOD, realisation=1.0))
    assert root.progress is None and root.breakdown["mechanics"]["value"] is None
    assert root.breakdown["cosmetic"]["value"] == 0
    assert root.total == pytest.approx(0.65 * root.quality, abs=1e-6)
    for structural in (0.0, 0.3, 1.0):      # the same game as a child, whatever the code distance
        child = proxy_reward(RewardInputs(metrics=GOOD, realisation=1.0, structural=structural,
                                          mechanic_delta=0.0, new_mechanics=0, novelty=0.0))
        assert child.quality == root.quality


def test_a_rewrite_earns_nothing_for_being_a_rewrite():
    same = dict(metrics=GOOD, realisation=1.0, mechanic_delta=0.0, new_mechanics=0, novelty=0.0)
    tweak = proxy_reward(RewardInputs(structural=0.08, **same))
    rewrite = proxy_reward(RewardInputs(structural=1.0, **same))
    assert rewrite.total == tweak.total and rewrite.progress == 0.0
    added = proxy_reward(RewardInputs(structural=0.08, **{**same, "new_mechanics": 1, "mechanic_delta": 0.3}))
    assert added.progress == pytest.approx(0.6 * 0.5 / 1.0, abs=1e-6) and added.total > rewrite.total


def test_a_cosmetic_child_never_outscores_its_parent():
    parent = proxy_reward(RewardInputs(metrics=Metrics(playability=0.80), realisation=1.0))
    for play in (0.70, 0.80, 0.85, 0.99):   # a recolour may even look richer
        child = proxy_reward(RewardInputs(metrics=Metrics(playability=play), realisation=1.0, structural=0.004,
                                          mechanic_delta=0.0, new_mechanics=0, novelty=0.0))
        total, gate = cap_to_parent(child.total, child.breakdown, parent.total)
        assert total <= parent.total, play
        assert (gate is not None) == (child.total > parent.total)
    real = proxy_reward(RewardInputs(metrics=Metrics(playability=0.99), realisation=1.0, structural=0.3,
                                     mechanic_delta=0.0, new_mechanics=0, novelty=0.0))
    assert cap_to_parent(real.total, real.breakdown, parent.total) == (real.total, None)


def test_gates_scale_quality_and_total():
    base = dict(realisation=1.0, structural=1.0, novelty=1.0, creativity=10, mechanic_delta=1.0, new_mechanics=2)
    ok = proxy_reward(RewardInputs(metrics=Metrics(playability=0.61), **base))
    low = proxy_reward(RewardInputs(metrics=Metrics(playability=0.59), **base))
    assert low.total < 0.3 * ok.total and low.quality < 0.3 * ok.quality and low.gates
    failed = proxy_reward(RewardInputs(verdict="runtime_failed", metrics=Metrics(playability=0.9), **base))
    good = proxy_reward(RewardInputs(metrics=Metrics(playability=0.9), **base))
    assert failed.total == pytest.approx(good.total * 0.5, abs=1e-6)
    both = proxy_reward(RewardInputs(verdict="not-interactive", metrics=Metrics(playability=0.3), **base))
    assert both.total == pytest.approx(proxy_reward(RewardInputs(metrics=Metrics(playability=0.3), **base)).total
                                       * 0.5, abs=1e-6)
    broken = proxy_reward(RewardInputs(verdict=Verdict.BROKEN, metrics=Metrics(playability=0.9), **base))
    assert broken.total <= 0.05 and broken.quality <= 0.05
    for v in ("timeout", "hostile-contained"):
        assert proxy_reward(RewardInputs(verdict=v, metrics=GOOD, **base)).total <= 0.05
    assert proxy_reward(RewardInputs(verdict="broken")).total == 0.0
    assert verdict_kind("playable") == Verdict.OK and verdict_kind("no-such") == Verdict.RUNTIME_FAILED


def test_cosmetic_penalty():
    common = dict(metrics=GOOD, mechanic_delta=0.0, new_mechanics=0)
    recolour = proxy_reward(RewardInputs(structural=0.0, **common))
    assert recolour.breakdown["cosmetic"]["value"] == 1.0
    assert recolour.breakdown["cosmetic"]["contribution"] == pytest.approx(-0.15)
    deepened = proxy_reward(RewardInputs(structural=0.0, realisation=1.0, **common))
    assert deepened.breakdown["cosmetic"]["value"] == 0.5
    swapped = proxy_reward(RewardInputs(structural=0.0, **{**common, "mechanic_delta": 0.3}))
    assert swapped.breakdown["cosmetic"]["value"] == 0
    shown = proxy_reward(RewardInputs(structural=0.0, **{**common, "new_mechanics": 1}))
    assert shown.breakdown["cosmetic"]["value"] == 0
    real = proxy_reward(RewardInputs(structural=0.2, **common))
    assert real.breakdown["cosmetic"]["value"] == 0 and real.total > recolour.total
    tuned = proxy_reward(RewardInputs(structural=0.01, tuned=True, **common))
    assert tuned.breakdown["cosmetic"]["value"] == 0            # faster or harder is not cosmetic


def test_numbers_changed_tells_a_tuning_from_a_recolour():
    from ludeme.evaluation.reward import numbers_changed

    game = "<script>const SPEED = 2; ctx.fillStyle = '#2e8b57'; label = 'Lives 3'; // v1.0\n</script>"
    assert numbers_changed(game, game.replace("SPEED = 2", "SPEED = 3"))
    assert not numbers_changed(game, game.replace("#2e8b57", "#3cb371").replace("Lives 3", "Lives 4"))
    assert not numbers_changed(game, game.replace("// v1.0", "// v2.0"))


def test_regression_penalty_comes_from_the_collapse_severity():
    base = dict(metrics=GOOD, realisation=1.0, structural=0.3, novelty=0.5, new_mechanics=1)
    fine = proxy_reward(RewardInputs(collapse=Collapse(False, [], "", 0.0), **base))
    lost = proxy_reward(RewardInputs(collapse=Collapse(True, ["loop"], "loop lost", 1.0), **base))
    assert lost.breakdown["regression"]["contribution"] == pytest.approx(-0.10)
    assert lost.total == pytest.approx(fine.total - 0.10, abs=1e-6)


def test_reward_serialises():
    r = proxy_reward(RewardInputs(metrics=GOOD.to_dict(), realisation=0.5))
    d = r.to_dict()
    assert set(d) == {"total", "breakdown", "gates", "quality", "progress"} and isinstance(r, Reward)
    assert set(d["breakdown"]) == {"realisation", "structural", "novelty", "creativity", "playability",
                                   "mechanics", "cosmetic", "regression"}


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
