"""Ratings from pairwise votes: Bradley–Terry with bootstrap intervals (GenAI-Arena, RESEARCH.md).

Pure numpy: no Qt, no store. The model is Elo-scaled Bradley–Terry,

    P(a beats b) = 1 / (1 + 10 ** ((R_b - R_a) / 400)),   R = 400 · β + 1000,

so 400 points are 10:1 odds. β is fitted as a logistic regression without intercept (one column
per player: +1 for a, −1 for b) by damped Newton (IRLS) on the natural-log scale θ = β · ln 10.

* Each battle is counted twice (as a vs b with label y and as b vs a with label 1 − y); without an
  intercept the two rows are the same term, so this is a weight of 2 per battle.
* A tie is half a win each way (label 0.5).
* ``both_bad`` says nothing about which of the two is better, so by default it is EXCLUDED from the
  fit (``both_bad_weight=0``). A positive ``both_bad_weight`` counts it as a tie at that weight.
* A small ridge (``l2``) on θ keeps the fit finite for undefeated players and pins each connected
  group of players to an average of about 1000 (the model alone cannot place disconnected groups).
* 95% interval: percentiles 2.5 and 97.5 of the rating over ``bootstrap`` refits on battles
  resampled with replacement (a player missing from a resample is skipped for that round). The
  interval is widened, if need be, to contain the point estimate.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

LN10 = math.log(10.0)
BASE = 1000.0
SCALE = 400.0

# The label (a's share of the win) for each outcome; both_bad is handled by its own weight.
_A_SHARE = {"left": 1.0, "right": 0.0, "tie": 0.5, "both_bad": 0.5}


@dataclass(frozen=True)
class Rating:
    """A fitted Bradley–Terry rating (Elo points) with its 95% bootstrap interval."""

    score: float
    low: float
    high: float
    n: int  # battles counted in the fit that involve this player

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.score, self.low, self.high)


def _outcome(outcome) -> str:
    value = getattr(outcome, "value", outcome)
    if value not in _A_SHARE:
        raise ValueError(f"a vote outcome is left, right, tie or both_bad, not {outcome!r}")
    return value


def _newton(ia: np.ndarray, ib: np.ndarray, y: np.ndarray, w: np.ndarray, n_players: int,
            l2: float, theta0: np.ndarray | None = None, max_iter: int = 100) -> np.ndarray:
    """Minimise Σ w·logloss(σ(θa − θb), y) + l2/2·|θ|² (strictly convex) by damped Newton."""
    theta = np.zeros(n_players) if theta0 is None else theta0.copy()

    def objective(t: np.ndarray) -> float:
        d = t[ia] - t[ib]
        # −[y log σ(d) + (1−y) log σ(−d)] = logaddexp(0, −d) + (1 − y)·d
        return float(np.sum(w * (np.logaddexp(0.0, -d) + (1.0 - y) * d)) + 0.5 * l2 * t @ t)

    f = objective(theta)
    for _ in range(max_iter):
        d = theta[ia] - theta[ib]
        p = 0.5 * (1.0 + np.tanh(0.5 * d))  # σ(d), no overflow
        r = w * (p - y)
        grad = l2 * theta + np.bincount(ia, r, n_players) - np.bincount(ib, r, n_players)
        h = w * p * (1.0 - p)
        hess = l2 * np.eye(n_players)
        np.add.at(hess, (ia, ia), h)
        np.add.at(hess, (ib, ib), h)
        np.add.at(hess, (ia, ib), -h)
        np.add.at(hess, (ib, ia), -h)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:  # backtracking: never accept a step that makes things worse
            cand = theta - t * step
            fc = objective(cand)
            if fc <= f + 1e-12 * max(1.0, abs(f)) or t < 1e-8:
                break
            t *= 0.5
        theta, f_old, f = cand, f, fc
        if np.max(np.abs(t * step)) < 1e-9 or abs(f_old - f) < 1e-13 * max(1.0, abs(f)):
            break
    return theta


def fit_bradley_terry(battles: Iterable[tuple[Hashable, Hashable, object]], *, bootstrap: int = 100,
                      seed: int = 0, l2: float = 1e-4,
                      both_bad_weight: float = 0.0) -> dict[Hashable, Rating]:
    """Fit ratings from ``(a, b, outcome)`` battles, outcome left (a won), right, tie or both_bad.

    Returns ``{player: Rating(score, low, high, n)}`` for every player in a counted battle.
    Deterministic for a given ``seed``. ``bootstrap=0`` gives low = high = score.
    """
    if l2 <= 0:
        raise ValueError("l2 must be positive (it keeps undefeated players finite)")
    if both_bad_weight < 0:
        raise ValueError("both_bad_weight must be 0 or more")
    players: dict[Hashable, int] = {}
    ia_l, ib_l, y_l, w_l = [], [], [], []
    for a, b, outcome in battles:
        kind = _outcome(outcome)
        if a == b:
            raise ValueError(f"a battle needs two different players, not {a!r} twice")
        weight = both_bad_weight if kind == "both_bad" else 1.0
        if weight <= 0:
            continue
        ia_l.append(players.setdefault(a, len(players)))
        ib_l.append(players.setdefault(b, len(players)))
        y_l.append(_A_SHARE[kind])
        w_l.append(2.0 * weight)  # counted twice: a vs b and b vs a
    if not players:
        return {}
    ia, ib = np.array(ia_l, dtype=np.intp), np.array(ib_l, dtype=np.intp)
    y, w = np.array(y_l), np.array(w_l)
    n_players, n_battles = len(players), len(y)

    def to_rating(theta: np.ndarray) -> np.ndarray:
        return SCALE * theta / LN10 + BASE

    theta = _newton(ia, ib, y, w, n_players, l2)
    score = to_rating(theta)
    counts = np.bincount(ia, minlength=n_players) + np.bincount(ib, minlength=n_players)

    low, high = score.copy(), score.copy()
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        samples = np.full((bootstrap, n_players), np.nan)
        for k in range(bootstrap):
            mult = np.bincount(rng.integers(0, n_battles, n_battles), minlength=n_battles)
            keep = mult > 0
            th = _newton(ia[keep], ib[keep], y[keep], w[keep] * mult[keep], n_players, l2, theta0=theta)
            present = (np.bincount(ia[keep], minlength=n_players)
                       + np.bincount(ib[keep], minlength=n_players)) > 0
            samples[k, present] = to_rating(th)[present]
        seen = ~np.all(np.isnan(samples), axis=0)
        if seen.any():
            lo, hi = np.nanpercentile(samples[:, seen], [2.5, 97.5], axis=0)
            low[seen], high[seen] = np.minimum(lo, score[seen]), np.maximum(hi, score[seen])
    return {p: Rating(float(score[i]), float(low[i]), float(high[i]), int(counts[i]))
            for p, i in players.items()}


def win_probability(r_a: float, r_b: float) -> float:
    """P(a beats b) for two ratings on this scale."""
    return 1.0 / (1.0 + 10.0 ** ((r_b - r_a) / SCALE))


def combine(human: Mapping[Hashable, Rating | float], judge: Mapping[Hashable, Rating | float], *,
            judge_weight: float, human_weight: float = 1.0,
            stars: Mapping[Hashable, int | None] | None = None,
            stars_weight: float = 0.0) -> dict[Hashable, float]:
    """One selection score per version from human BT, judge BT and star ratings, in rating points.

    Each available term is put on the log10-odds scale: a BT rating as (R − 1000)/400, stars (0..5)
    as (s − 2.5)/2.5 (so 5 stars ≈ a rating of 1400, 0 stars ≈ 600). The score is
    1000 + 400 · (weighted mean of the terms the version has), weights renormalised over those
    terms (like the proxy reward). A version with no term (or only zero-weight terms) is left out.
    """
    for name, value in (("human_weight", human_weight), ("judge_weight", judge_weight),
                        ("stars_weight", stars_weight)):
        if value < 0:
            raise ValueError(f"{name} must be 0 or more, not {value}")
    stars = stars or {}

    def term(r) -> float:
        return ((r.score if isinstance(r, Rating) else float(r)) - BASE) / SCALE

    out: dict[Hashable, float] = {}
    for vid in {*human, *judge, *(k for k, s in stars.items() if s is not None)}:
        parts: list[tuple[float, float]] = []
        if vid in human and human_weight > 0:
            parts.append((human_weight, term(human[vid])))
        if vid in judge and judge_weight > 0:
            parts.append((judge_weight, term(judge[vid])))
        s = stars.get(vid)
        if s is not None and stars_weight > 0:
            parts.append((stars_weight, (float(s) - 2.5) / 2.5))
        total = sum(wt for wt, _ in parts)
        if total > 0:
            out[vid] = BASE + SCALE * sum(wt * v for wt, v in parts) / total
    return out
