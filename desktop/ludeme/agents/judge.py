"""The pairwise audio-visual judge (AVR-Eval): two recorded versions, both presentation orders.

Each version is shown to a multimodal model as its contact sheet (an image), its metrics and a
summary of its sound. Game-derived text is fenced with a per-call nonce so a game cannot speak to
the judge. The two orders must agree, otherwise the pair is a tie; the result is stored as a judge
vote, kept apart from human votes. By default the judge is a model other than the coder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project

AUDIO_KEYS = ("audio_activity", "audio_variety", "distinct_sounds", "onsets")
METRIC_KEYS = ("playability", "visual_activity", "visual_variety", "responsiveness", "survival_time",
               "game_over_seen", "restart_seen", "score_max", "event_kinds", "errors")


@dataclass
class JudgeOutcome:
    outcome: str                       # left | right | tie | both_bad
    model: str
    orders: list[dict] = field(default_factory=list)
    vote_id: int | None = None


def judge_model_for(settings) -> str:
    """The judge's model: the configured one, else the critic's, never silently the coder's."""
    if getattr(settings, "judge_model", None):
        return settings.judge_model
    coder = settings.role("coder").model
    for role in ("judge", "critic", "planner"):
        model = settings.role(role).model
        if model != coder:
            return model
    return coder


def evidence(project: Project, version_id: str) -> dict:
    """What the judge sees of one version: its latest recording's contact sheet and figures."""
    recordings = project.recordings(version_id)
    if not recordings:
        raise ValueError(f"version {version_id} has no recording yet; evaluate it first")
    rec = recordings[-1]
    sheet = project.blob(rec.contact_sheet_sha) if rec.contact_sheet_sha else None
    metrics = dict(rec.metrics or {})
    figures = {k: metrics.get(k) for k in METRIC_KEYS if k in metrics}
    sound = {k: (len(metrics[k]) if k == "onsets" and isinstance(metrics.get(k), list) else metrics.get(k))
             for k in AUDIO_KEYS if k in metrics}
    return {"sheet": sheet, "metrics": figures, "sound": sound, "seconds": rec.duration}


def _audio_text(sound: dict) -> str:
    if not sound:
        return "silent"
    return ", ".join(f"{k.replace('_', ' ')} {v:.2f}" if isinstance(v, float) else f"{k.replace('_', ' ')} {v}"
                     for k, v in sound.items())


def judge_pair(client, project, left_id: str, right_id: str, *, model: str) -> JudgeOutcome:
    """Judge left vs right in both orders and store the combined verdict as a judge vote."""
    from ludeme.agents import roles

    left, right = evidence(project, left_id), evidence(project, right_id)
    orders = []
    for first, second, names in ((left, right, ("left", "right")), (right, left, ("right", "left"))):
        # roles.judge fences the game-derived figures with a fresh nonce on every call
        verdict = roles.judge(client, sheet_a=first["sheet"], sheet_b=second["sheet"],
                              metrics_a=first["metrics"], metrics_b=second["metrics"],
                              audio_a=_audio_text(first["sound"]), audio_b=_audio_text(second["sound"]))
        mapped = {"A": names[0], "B": names[1], "tie": "tie", "both_bad": "both_bad"}[verdict.winner]
        orders.append({"shown_first": names[0], "winner": mapped, "confidence": verdict.confidence,
                       "reasons": list(verdict.reasons)[:5]})
    a, b = orders[0]["winner"], orders[1]["winner"]
    outcome = a if a == b else "tie"  # position bias shows as disagreement: count it as a tie
    vote = project.add_vote(left_id, right_id, outcome, voter="judge", judge_model=model, blind=True)
    return JudgeOutcome(outcome=outcome, model=model, orders=orders, vote_id=getattr(vote, "id", None))
