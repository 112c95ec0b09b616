"""Bradley–Terry ratings from votes: recovery of a known order, ties, intervals, determinism."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ludeme.core.ratings import Rating, combine, fit_bradley_terry, win_probability

TRUE = {"a": 1300.0, "b": 1150.0, "c": 1000.0, "d": 900.0, "e": 700.0}


def simulate(n: int, seed: int = 1, true=TRUE, tie_band: float = 0.05):
    rng = np.random.default_rng(seed)
    keys = list(true)
    out = []
    for _ in range(n):
        i, j = rng.choice(len(keys), 2, replace=False)
        a, b = keys[i], keys[j]
        p, u = win_probability(true[a], true[b]), rng.random()
        out.append((a, b, "tie" if abs(u - p) < tie_band else ("left" if u < p else "right")))
    return out


def spearman(x, y) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_known_strength_order_is_recovered(seed):
    ratings = fit_bradley_terry(simulate(500, seed))
    keys = list(TRUE)
    assert spearman([TRUE[k] for k in keys], [ratings[k].score for k in keys]) == pytest.approx(1.0)
    # the scale is Elo's: the fitted spread is close to the true one (ridge pins the mean near 1000)
    assert abs(np.mean([r.score for r in ratings.values()]) - 1000) < 1
    gap = ratings["a"].score - ratings["e"].score
    assert 400 < gap < 800
    assert sum(r.n for r in ratings.values()) == 2 * 500


def test_symmetric_ties_give_equal_ratings():
    battles = [("x", "y", "tie")] * 10 + [("y", "z", "tie")] * 10 + [("x", "z", "left"), ("z", "x", "left")]
    r = fit_bradley_terry(battles, bootstrap=20)
    assert r["x"].score == pytest.approx(r["y"].score, abs=1e-6)
    assert r["y"].score == pytest.approx(r["z"].score, abs=1e-6)
    assert r["x"].score == pytest.approx(1000, abs=1e-6)


def test_win_and_loss_is_a_tie():
    r = fit_bradley_terry([("x", "y", "left"), ("x", "y", "right")], bootstrap=0)
    assert r["x"].score == pytest.approx(r["y"].score)


def test_intervals_contain_the_estimate_and_narrow_with_more_battles():
    small = fit_bradley_terry(simulate(100, 7))
    large = fit_bradley_terry(simulate(2000, 7))
    for r in (*small.values(), *large.values()):
        assert r.low <= r.score <= r.high
        assert r.high > r.low
    width = lambda rs: np.mean([r.high - r.low for r in rs.values()])  # noqa: E731
    assert width(large) < 0.6 * width(small)


def test_deterministic_for_a_seed():
    battles = simulate(300, 4)
    assert fit_bradley_terry(battles, seed=5) == fit_bradley_terry(battles, seed=5)
    other = fit_bradley_terry(battles, seed=6)
    assert other["a"].score == fit_bradley_terry(battles, seed=5)["a"].score  # the point fit has no randomness


def test_undefeated_and_disconnected_players_stay_finite():
    battles = [("champ", "b", "left")] * 30 + [("champ", "c", "left")] * 30 + [("b", "c", "tie")] * 5
    battles += [("p", "q", "left")]  # a separate group
    r = fit_bradley_terry(battles)
    for rating in r.values():
        assert all(math.isfinite(v) for v in rating.as_tuple())
    assert r["champ"].score > r["b"].score + 400
    assert r["p"].score > r["q"].score
    assert r["p"].score + r["q"].score == pytest.approx(2000, abs=1e-6)  # each group centred on 1000
    assert r["champ"].score < 5000


def test_base10_scale_400_points_is_ten_to_one():
    battles = [("a", "b", "left")] * 1000 + [("a", "b", "right")] * 100
    r = fit_bradley_terry(battles, bootstrap=0, l2=1e-9)
    assert r["a"].score - r["b"].score == pytest.approx(400, abs=0.5)
    assert win_probability(1400, 1000) == pytest.approx(10 / 11)


def test_both_bad_excluded_by_default_or_a_weighted_tie():
    battles = [("a", "b", "left")] * 3 + [("a", "b", "both_bad")] * 30 + [("c", "a", "both_bad")]
    default = fit_bradley_terry(battles, bootstrap=0)
    assert set(default) == {"a", "b"} and default["a"].n == 3
    weighted = fit_bradley_terry(battles, bootstrap=0, both_bad_weight=0.25)
    assert set(weighted) == {"a", "b", "c"}
    assert 0 < weighted["a"].score - weighted["b"].score < default["a"].score - default["b"].score


def test_enum_outcomes_and_bad_input():
    from ludeme.core.domain import VoteOutcome
    r = fit_bradley_terry([("a", "b", VoteOutcome.LEFT)], bootstrap=0)
    assert r["a"].score > r["b"].score
    assert fit_bradley_terry([]) == {}
    with pytest.raises(ValueError, match="outcome"):
        fit_bradley_terry([("a", "b", "draw")])
    with pytest.raises(ValueError):
        fit_bradley_terry([("a", "a", "left")])


def test_combine_mixes_human_judge_and_stars():
    human = {"v1": Rating(1200, 1100, 1300, 10), "v2": Rating(800, 700, 900, 10)}
    judge = {"v1": Rating(800, 700, 900, 10), "v3": Rating(1400, 1300, 1500, 4)}
    stars = {"v2": 5, "v4": 0, "v5": None}
    only_human = combine(human, judge, judge_weight=0.0)
    assert only_human == {"v1": 1200, "v2": 800}
    even = combine(human, judge, judge_weight=1.0)
    assert even["v1"] == pytest.approx(1000) and even["v3"] == pytest.approx(1400)
    mixed = combine(human, judge, judge_weight=0.0, stars=stars, stars_weight=1.0)
    assert mixed["v2"] == pytest.approx(1100)  # mean of 800 and 5 stars (1400)
    assert mixed["v4"] == pytest.approx(600) and "v5" not in mixed
    with pytest.raises(ValueError):
        combine(human, judge, judge_weight=-1)
