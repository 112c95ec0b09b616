"""Parent choice: sigmoid(λ·z)/(1+children), uniform exploration, islands, determinism."""
import random
from collections import Counter

import pytest

from ludeme.evolution.selection import Cand, choose_parents, weights


def _pool():
    return [Cand("low", 0.2), Cand("mid", 0.5), Cand("high", 0.8), Cand("mid2", 0.55)]


def test_higher_scores_weigh_more_and_children_penalise():
    w = dict(zip("abc", weights([Cand("a", 0.2), Cand("b", 0.5), Cand("c", 0.8)])))
    assert w["c"] > w["b"] > w["a"]
    plain, parent = weights([Cand("a", 0.8), Cand("b", 0.8, children=3), Cand("c", 0.1)])[:2]
    assert abs(parent - plain / 4) < 1e-9
    picks = Counter(c.id for c in choose_parents(_pool(), 2000, rng=random.Random(1), explore=0.0))
    assert picks["high"] > picks["mid2"] > picks["low"]


def test_exploration_picks_uniformly():
    picks = Counter(c.id for c in choose_parents(_pool(), 4000, rng=random.Random(2), explore=1.0))
    assert set(picks) == {"low", "mid", "high", "mid2"}
    assert all(800 < n < 1200 for n in picks.values())


def test_deterministic_for_a_seed_and_islands_take_turns():
    pool = _pool() + [Cand("x", 0.1, island="B"), Cand("y", 0.15, island="B")]
    a = [c.id for c in choose_parents(pool, 20, rng=random.Random(7))]
    assert a == [c.id for c in choose_parents(pool, 20, rng=random.Random(7))]
    islands = Counter(c.island for c in choose_parents(pool, 200, rng=random.Random(3), explore=0.0))
    assert islands["B"] == islands[""] == 100
    assert choose_parents([], 3, rng=random.Random(0)) == []


def test_people_move_parent_choice(tmp_path):
    """Stars and votes nudge a version's selection score (bounded), without replacing the reward."""
    from ludeme.evolution.engine import RATING_INFLUENCE, people_scores, selection_score
    from ludeme.store import create_default_project

    assert selection_score(0.4, None) == 0.4
    assert selection_score(0.4, 1400) == pytest.approx(0.4 + RATING_INFLUENCE)
    assert selection_score(0.4, 5000) == pytest.approx(0.4 + RATING_INFLUENCE)
    with create_default_project(tmp_path / "p.ludeme") as project:
        lineage = project.lineages()[0]
        root = project.versions(lineage.id)[0]
        assert people_scores(project, lineage.id) == {}
        project.set_rating(root.id, 5)
        liked = people_scores(project, lineage.id)
        assert liked[root.id] > 1000 and selection_score(0.4, liked[root.id]) > 0.4
