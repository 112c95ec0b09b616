"""Which two versions of a lineage a person should compare next (for the Compare view's blind A/B).

A good pair teaches the ratings the most: two recent, playable versions the person has not
compared yet, whose scores are close (human Bradley–Terry score where both have one, else the
automatic reward). Ties between equally good pairs are broken by the caller's RNG, and the order
of the pair is random too, so the left/right position carries no information.
"""
from __future__ import annotations

import random
from itertools import combinations
from typing import TYPE_CHECKING

from ludeme.core.domain import VersionStatus, Voter

if TYPE_CHECKING:
    from ludeme.store.project import Project

RECENT = 12  # look at this many of the lineage's newest playable versions
SHORTLIST = 3  # choose at random among this many best pairs


def _score(version) -> float:
    if version.bt_score is not None:
        return float(version.bt_score)
    return float(version.reward) if version.reward is not None else 0.0


def pick_pair(project: Project, lineage_id: str, rng: random.Random | None = None) -> tuple[str, str] | None:
    """Two version ids of the lineage to compare next, or None when it has fewer than two playable."""
    rng = rng or random.Random()
    playable = [v for v in project.versions(lineage_id) if v.status is VersionStatus.EVALUATED]
    playable.sort(key=lambda v: (v.created, v.id), reverse=True)
    recent = playable[:RECENT]
    if len(recent) < 2:
        return None
    ids = {v.id for v in recent}
    seen: dict[frozenset, int] = {}
    for vote in project.votes(voter=Voter.HUMAN):
        if vote.left in ids and vote.right in ids:
            key = frozenset((vote.left, vote.right))
            seen[key] = seen.get(key, 0) + 1
    both_rated = {v.id for v in recent if v.bt_score is not None}

    def cost(pair):
        a, b = pair
        same_scale = a.id in both_rated and b.id in both_rated
        gap = abs(_score(a) - _score(b)) if (same_scale or not both_rated & {a.id, b.id}) else 1.0
        return (seen.get(frozenset((a.id, b.id)), 0), round(gap, 6))

    pairs = sorted(combinations(recent, 2), key=lambda p: (cost(p), p[0].id, p[1].id))
    best = pairs[:SHORTLIST]
    fewest = cost(best[0])[0]
    best = [p for p in best if cost(p)[0] == fewest]  # never prefer a pair seen more often
    a, b = rng.choice(best)
    return (a.id, b.id) if rng.random() < 0.5 else (b.id, a.id)
