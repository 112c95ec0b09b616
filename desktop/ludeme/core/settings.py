"""Typed settings that the engine reads (pydantic v2): evaluation runs and the proxy reward.

The score splits what a version *is* (quality) from what it *adds* (progress); see
:class:`RewardWeights` and ``ludeme.evaluation.reward``. Penalties (0.15 cosmetic-only, 0.10
regression) and gates (×0.25 when playability < 0.6, ×0.5 when the runtime test failed, a broken
game capped) follow CreativeGame (RESEARCH.md).
Unknown keys are ignored (a settings file from a newer Ludeme still loads); values out of range are
refused with a clear error.
"""
from __future__ import annotations

import re
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None):
        return cls.model_validate(data or {})


class RewardWeights(_Settings):
    """Weights of the score. A version's *quality* (what the game is) is the weighted mean of the
    quality terms available; its *progress* (what it adds to its lineage) the weighted mean of the
    progress terms; the score is (1 − progress)·quality + progress·progress, minus the penalties.

    Weights saved before the quality/progress split (they have a ``structural`` weight, a term that
    paid for any rewrite) mean something else now and are replaced by these defaults."""

    playability: float = Field(0.55, ge=0, le=1, description="quality: metrics.playability (alive, responsive, rich)")
    realisation: float = Field(0.20, ge=0, le=1, description="quality: the game's mechanics its probes show")
    creativity: float = Field(0.25, ge=0, le=1, description="quality: critic or judge score, (s − 3) / 7")
    mechanics: float = Field(0.60, ge=0, le=1, description="progress: mechanics new against the parent, shown by probes")
    novelty: float = Field(0.40, ge=0, le=1, description="progress: mechanic-set novelty vs archive and lineage")
    progress: float = Field(0.35, ge=0, le=1, description="share of progress in the score (the rest is quality)")
    cosmetic: float = Field(0.15, ge=0, le=1, description="penalty: the change is only cosmetic")
    regression: float = Field(0.10, ge=0, le=1, description="penalty: canvas/loop/input or mechanics lost")

    @model_validator(mode="before")
    @classmethod
    def _drop_legacy(cls, data: Any) -> Any:
        if isinstance(data, dict) and "structural" in data:
            return {}
        return data

    def quality_terms(self) -> dict[str, float]:
        return {"playability": self.playability, "realisation": self.realisation, "creativity": self.creativity}

    def progress_terms(self) -> dict[str, float]:
        return {"mechanics": self.mechanics, "novelty": self.novelty}

    def positive(self) -> dict[str, float]:
        return {**self.quality_terms(), **self.progress_terms()}

    def penalties(self) -> dict[str, float]:
        return {"cosmetic": self.cosmetic, "regression": self.regression}


class RewardSettings(_Settings):
    weights: RewardWeights = Field(default_factory=RewardWeights)
    playability_gate: float = Field(0.6, ge=0, le=1, description="below this playability, the gate applies")
    playability_factor: float = Field(0.25, ge=0, le=1)
    runtime_failed_factor: float = Field(0.5, ge=0, le=1)
    broken_cap: float = Field(0.05, ge=0, le=1, description="the most a broken version can score")
    cosmetic_threshold: float = Field(
        0.05, gt=0, le=1, description="structural change below which a child counts as (partly) cosmetic")
    creativity_offset: float = Field(3.0, ge=0, le=10, description="judge score that maps to 0")
    creativity_span: float = Field(7.0, gt=0, le=10, description="judge points from 0 to full credit")


class EvaluationSettings(_Settings):
    seconds: float = Field(10.0, gt=0, le=600, description="length of a recorded play run")
    fps: int = Field(30, ge=1, le=120, description="captured frames per second")
    bot: str = Field("explorer", min_length=1, description="idle, monkey, explorer, replay or a plugin bot")
    seed: int = Field(1, ge=0, description="seed for Math.random, the virtual clock and the bot")
    width: int = Field(640, ge=16, le=4096)
    height: int = Field(480, ge=16, le=4096)
    load_timeout: float = Field(5.0, gt=0, le=120, description="seconds to wait for the first paint")
    step_timeout: float = Field(3.0, gt=0, le=120, description="seconds one stepping call may take")
    idle_seconds: float = Field(3.0, ge=0, le=600,
                                description="0: no idle run; otherwise a no-input run as long as the play run "
                                            "(same seed) measures whether input matters")
    # The weights the evaluation is scored with: the project's Settings ▸ Reward, attached by
    # `evaluation_settings` (stored in its own section, so left out when this section is saved).
    reward: RewardSettings = Field(default_factory=RewardSettings, exclude=True,
                                   description="reward weights the evaluation is scored with")


_CLUSTER_ADDRESS = re.compile(r"^(?:|auto|(?:ray://)?[A-Za-z0-9][A-Za-z0-9.\-]*:\d{1,5})$")


def check_cluster_address(value: str) -> str:
    """The address stripped; ValueError with a one-line reason when it is not one Ray takes."""
    value = (value or "").strip()
    if not _CLUSTER_ADDRESS.match(value):
        raise ValueError(f"{value!r} is not a cluster address: use auto, HOST:PORT or ray://HOST:PORT")
    return value


class ClusterSettings(_Settings):
    """Where the project's worker evaluates games: this machine (no address), or a Ray cluster."""

    address: str = Field("", description='"" (this machine), "auto", "HOST:PORT" or "ray://HOST:PORT"')

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_cluster_address(value)


class Settings(_Settings):
    """The engine's settings in one object (more sections join as their layers land)."""

    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    reward: RewardSettings = Field(default_factory=RewardSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)


class SelectionSettings(_Settings):
    """How selection weighs the ratings of a version (ludeme.core.ratings.combine).

    Human and judge votes are fitted apart; these weights mix the two Bradley–Terry ratings and the
    star ratings into one score (renormalised over the terms a version has). The judge gets a small
    weight by default: GPT-4o agreed with human quality votes at only 0.22 Pearson (GenAI-Arena).
    """

    human_weight: float = Field(1.0, ge=0, le=10, description="human pairwise votes (Bradley–Terry)")
    judge_weight: float = Field(0.25, ge=0, le=10, description="LLM judge pairwise votes (Bradley–Terry)")
    stars_weight: float = Field(0.5, ge=0, le=10, description="human star ratings, 0 to 5")
    both_bad_weight: float = Field(0.0, ge=0, le=1, description="'both bad' votes as ties at this weight (0: left out)")


ENGINE_SETTINGS_META_KEY = "engine_settings"


class MetaStore(Protocol):
    """What settings need of a project (``store.Project`` is one): its key/value meta table."""

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


def evaluation_settings(project: MetaStore | None = None, on_unreadable=None, **changes) -> EvaluationSettings:
    """How a version of ``project`` is evaluated and scored: its Settings ▸ Evaluation with its
    Settings ▸ Reward attached (the defaults without a project), with ``changes`` applied."""
    engine = project_engine_settings(project, on_unreadable) if project is not None else Settings()
    return engine.evaluation.model_copy(update={"reward": engine.reward, **changes})


def project_engine_settings(project: MetaStore, on_unreadable=None) -> Settings:
    """The evaluation and reward settings stored in a project (meta ``engine_settings``, JSON), or the
    defaults. ``project`` is anything with ``meta(key)``; unreadable settings fall back to the
    defaults and ``on_unreadable(message)`` is told."""
    import json

    stored = project.meta(ENGINE_SETTINGS_META_KEY)
    if not stored:
        return Settings()
    try:
        return Settings.from_dict(json.loads(stored))
    except Exception:  # noqa: BLE001 - damaged or out-of-range values: defaults, never a crash
        if on_unreadable is not None:
            on_unreadable("the project's evaluation settings are unreadable; using the defaults")
        return Settings()


def save_engine_settings(project: MetaStore, settings: Settings) -> None:
    import json

    project.set_meta(ENGINE_SETTINGS_META_KEY, json.dumps(settings.to_dict(), indent=2, sort_keys=True))
