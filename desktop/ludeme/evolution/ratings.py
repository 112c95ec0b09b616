"""Ratings glue: read a project's votes, fit Bradley–Terry (ludeme.core.ratings), store the scores.

Human and judge votes are kept apart: ``voter="human"`` (the default) or ``"judge"`` fits one kind,
``"all"`` fits both together only when asked. The version table holds one (bt_score, bt_low,
bt_high) per version; ``update_bt_scores`` writes the human fit there unless told otherwise.
A lineage fit uses only votes whose two versions are both in that lineage. Votes that touch a
soft-deleted version are left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ludeme.core.domain import Vote, VoteOutcome, Voter
from ludeme.core.ratings import Rating, combine, fit_bradley_terry

if TYPE_CHECKING:
    from ludeme.store.project import Project

VOTERS = ("human", "judge", "all")


@dataclass(frozen=True)
class Tally:
    wins: int = 0
    losses: int = 0
    ties: int = 0
    both_bad: int = 0


def _voter(voter: str | Voter | None) -> Voter | None:
    value = "all" if voter is None else getattr(voter, "value", voter)
    if value not in VOTERS:
        raise ValueError(f"voter is human, judge or all, not {voter!r}")
    return None if value == "all" else Voter(value)


def project_votes(project: Project, *, lineage_id: str | None = None, voter: str | Voter | None = "human") -> list[Vote]:
    """The votes a fit uses: one kind of voter, within a lineage if given, live versions only."""
    live = {v.id for v in project.versions(lineage_id)}
    return [v for v in project.votes(voter=_voter(voter)) if v.left in live and v.right in live]


def tallies(votes: list[Vote]) -> dict[str, Tally]:
    counts: dict[str, list[int]] = {}
    for v in votes:
        left, right = counts.setdefault(v.left, [0] * 4), counts.setdefault(v.right, [0] * 4)
        if v.outcome is VoteOutcome.LEFT:
            left[0] += 1
            right[1] += 1
        elif v.outcome is VoteOutcome.RIGHT:
            left[1] += 1
            right[0] += 1
        elif v.outcome is VoteOutcome.TIE:
            left[2] += 1
            right[2] += 1
        else:
            left[3] += 1
            right[3] += 1
    return {vid: Tally(*c) for vid, c in counts.items()}


# A designer casts a handful of votes, not an arena's thousands: a Gaussian prior on the ratings
# (ridge on θ) keeps one vote from flinging a version hundreds of points (one win: about ±90
# instead of ±735), and fades as votes accumulate.
VOTE_PRIOR_L2 = 2.0


def fit_project(project: Project, *, lineage_id: str | None = None, voter: str | Voter | None = "human",
                bootstrap: int = 100, seed: int = 0, both_bad_weight: float = 0.0) -> dict[str, Rating]:
    votes = project_votes(project, lineage_id=lineage_id, voter=voter)
    return fit_bradley_terry([(v.left, v.right, v.outcome) for v in votes], bootstrap=bootstrap,
                             seed=seed, both_bad_weight=both_bad_weight, l2=VOTE_PRIOR_L2)


def update_bt_scores(project: Project, *, lineage_id: str | None = None, voter: str | Voter | None = "human",
                     bootstrap: int = 100, seed: int = 0, both_bad_weight: float = 0.0) -> dict[str, Rating]:
    """Fit and store (bt_score, bt_low, bt_high) on each rated version; returns the fit."""
    ratings = fit_project(project, lineage_id=lineage_id, voter=voter, bootstrap=bootstrap, seed=seed,
                          both_bad_weight=both_bad_weight)
    if ratings:
        project.set_bt_scores({vid: r.as_tuple() for vid, r in ratings.items()})
    return ratings


def selection_scores(project: Project, settings=None, *, lineage_id: str | None = None, bootstrap: int = 0,
                     seed: int = 0) -> dict[str, float]:
    """One score per version for selection: human BT, judge BT and stars mixed per SelectionSettings."""
    if settings is None:
        from ludeme.core.settings import SelectionSettings
        settings = SelectionSettings()
    kw = dict(lineage_id=lineage_id, bootstrap=bootstrap, seed=seed, both_bad_weight=settings.both_bad_weight)
    human = fit_project(project, voter="human", **kw)
    judge = fit_project(project, voter="judge", **kw) if settings.judge_weight > 0 else {}
    stars = {v.id: v.rating for v in project.versions(lineage_id)}
    return combine(human, judge, human_weight=settings.human_weight, judge_weight=settings.judge_weight,
                   stars=stars, stars_weight=settings.stars_weight)
