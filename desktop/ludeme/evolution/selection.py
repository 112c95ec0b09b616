"""Parent choice for unattended evolution (pure).

weight = sigmoid(λ · (score − median) / MAD) / (1 + children)   (program-evolution engines)

With probability ``explore`` a pick is uniform over the candidates instead. When candidates carry
several islands, picks go round the islands in turn (the weighted draw is made within the island),
so a weaker island keeps breeding; an exploration pick ignores islands.
"""
from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cand:
    id: str
    score: float
    children: int = 0
    island: str = ""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def weights(candidates: Sequence[Cand], *, lam: float = 10.0) -> list[float]:
    """The selection weight of each candidate (scores normalised by median and MAD)."""
    if not candidates:
        return []
    scores = [float(c.score) for c in candidates]
    med = statistics.median(scores)
    mad = statistics.median(abs(s - med) for s in scores)
    if mad <= 1e-9:  # all (nearly) equal: fall back on the spread, then on no spread at all
        spread = max(scores) - min(scores)
        mad = spread / 2 if spread > 1e-9 else 1.0
    return [_sigmoid(max(-50.0, min(50.0, lam * (s - med) / mad))) / (1 + max(0, c.children))
            for s, c in zip(scores, candidates)]


def _weighted(cands: Sequence[Cand], rng: random.Random, lam: float) -> Cand:
    w = weights(cands, lam=lam)
    total = sum(w)
    if total <= 0:
        return cands[rng.randrange(len(cands))]
    x = rng.random() * total
    for c, wi in zip(cands, w):
        x -= wi
        if x < 0:
            return c
    return cands[-1]


def choose_parents(candidates: Sequence[Cand], k: int, *, rng: random.Random, lam: float = 10.0,
                   explore: float = 0.2, by_island: bool = True) -> list[Cand]:
    """``k`` parents (with repetition: a strong parent may have several children in one generation).
    Deterministic for a given ``rng`` state and candidate order."""
    cands = list(candidates)
    if not cands or k <= 0:
        return []
    islands: dict[str, list[Cand]] = {}
    for c in cands:
        islands.setdefault(c.island, []).append(c)
    order = sorted(islands, key=lambda i: (-max(c.score for c in islands[i]), i))
    start = rng.randrange(len(order))
    out: list[Cand] = []
    for j in range(k):
        if rng.random() < explore:
            out.append(cands[rng.randrange(len(cands))])
        elif by_island and len(order) > 1:
            out.append(_weighted(islands[order[(start + j) % len(order)]], rng, lam))
        else:
            out.append(_weighted(cands, rng, lam))
    return out
