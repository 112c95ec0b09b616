"""Agent settings: which model each role uses, sampling, budgets, retries.

Stored as JSON in a project or the user's config; an API key can never be part of it (`to_json`
drops any field named like a key, token or secret, and redacts key-like values). Keys live in the
environment or the OS keyring (`keys.py`).
"""
from __future__ import annotations

import json
import re
from typing import Any, TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from ludeme.store.project import Project

OFFLINE = "offline"

ROLE_DEFAULTS: dict[str, tuple[float, int]] = {
    # CreativeGame's settings: role -> (temperature, max_tokens)
    "planner": (0.7, 12000),
    "coder": (0.8, 16000),
    "repairer": (0.3, 20000),
    "critic": (0.2, 4000),
    "reflector": (0.3, 3000),
    "archivist": (0.2, 3000),
    "judge": (0.2, 4000),
}
ROLES = tuple(ROLE_DEFAULTS)

# Field names that could hold a credential. `max_tokens` and friends (counts) do not match.
_SECRET_NAME = re.compile(r"(?i)(api[_-]?key|^key$|_key$|^keys$|secret|passw(or)?d|credential|bearer|"
                          r"^token$|_token$|^auth)")


class RoleSettings(BaseModel):
    """One role's model and sampling. `model=None` means the settings' default model."""

    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    max_tokens: int = Field(4000, ge=1)


class ModelPrice(BaseModel):
    """USD per million tokens, for models litellm has no price for (local or private servers)."""

    model_config = ConfigDict(extra="ignore")

    input_per_mtok: float = Field(0.0, ge=0.0)
    output_per_mtok: float = Field(0.0, ge=0.0)


def _default_roles() -> dict[str, RoleSettings]:
    return {name: RoleSettings(temperature=t, max_tokens=m) for name, (t, m) in ROLE_DEFAULTS.items()}


class AgentSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    roles: dict[str, RoleSettings] = Field(default_factory=_default_roles)
    api_base: str | None = None
    default_model: str = OFFLINE
    # The judge compares versions: by default a model other than the coder's when one is configured.
    judge_model: str | None = None
    repair_rounds: int = Field(2, ge=0)
    budget_usd: float | None = Field(None, ge=0.0)       # per project
    run_budget_usd: float | None = Field(None, ge=0.0)   # per evolution run
    timeout_s: float = Field(300.0, gt=0.0)
    max_retries: int = Field(3, ge=0)
    retry_base_delay_s: float = Field(1.0, ge=0.0)
    prices: dict[str, ModelPrice] = Field(default_factory=dict)

    @field_validator("roles", mode="before")
    @classmethod
    def _role_defaults(cls, value: Any) -> Any:
        """A partial role ({"model": …}) keeps that role's own default temperature and max_tokens."""
        if not isinstance(value, dict):
            return value
        out = {}
        for name, role in value.items():
            if isinstance(role, dict) and name in ROLE_DEFAULTS:
                t, m = ROLE_DEFAULTS[name]
                role = {"temperature": t, "max_tokens": m, **role}
            out[name] = role
        return out

    def model_post_init(self, __context: Any) -> None:
        for name, (t, m) in ROLE_DEFAULTS.items():
            self.roles.setdefault(name, RoleSettings(temperature=t, max_tokens=m))

    # ---- resolution -------------------------------------------------------------------------
    def _raw(self, name: str) -> RoleSettings:
        if name in self.roles:
            return self.roles[name]
        t, m = ROLE_DEFAULTS.get(name, (0.7, 4000))
        return RoleSettings(temperature=t, max_tokens=m)

    def role(self, name: str) -> RoleSettings:
        """The role's settings with its model resolved (never None)."""
        raw = self._raw(name)
        model = raw.model or (self._judge_default() if name == "judge" else self.default_model)
        return raw.model_copy(update={"model": model})

    def _judge_default(self) -> str:
        if self.judge_model:
            return self.judge_model
        coder = self._raw("coder").model or self.default_model
        candidates = [self.default_model] + [r.model for n, r in self.roles.items() if n not in ("coder", "judge") and r.model]
        for m in candidates:
            if m and m != OFFLINE and m != coder:
                return m
        return self.default_model

    @property
    def is_offline(self) -> bool:
        return all(self.role(n).model == OFFLINE for n in ROLES)

    # ---- persistence (never a key) ------------------------------------------------------------
    def to_dict(self) -> dict:
        return _scrub(self.model_dump(mode="json"))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "AgentSettings":
        return cls.model_validate(_scrub(data or {}))

    @classmethod
    def from_json(cls, text: str) -> "AgentSettings":
        return cls.from_dict(json.loads(text) if text and text.strip() else {})


def _scrub(value):
    """Drop credential-named fields and redact key-like strings, recursively."""
    from ludeme.agents.keys import redact

    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if not (isinstance(k, str) and _SECRET_NAME.search(k))}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


__all__ = ["AgentSettings", "RoleSettings", "ModelPrice", "ROLES", "ROLE_DEFAULTS", "OFFLINE"]


SETTINGS_META_KEY = "agent_settings"


def project_settings(project: Project, on_unreadable=None) -> AgentSettings:
    """The agent settings stored in a project (defaults when none). Unreadable settings fall back to
    the defaults; ``on_unreadable(message)`` is told so (the CLI prints it, jobs stay quiet)."""
    stored = project.meta(SETTINGS_META_KEY)
    try:
        return AgentSettings.from_json(stored) if stored else AgentSettings()
    except Exception:
        if on_unreadable is not None:
            on_unreadable("the project's agent settings are unreadable; using the defaults")
        return AgentSettings()
