"""Prompt templates (``resources/prompts/<role>.j2``) rendered into chat messages.

Each template defines two blocks, ``system`` and ``user``; :func:`render` returns
``[{"role": "system", ...}, {"role": "user", ...}]``. Templates run with ``StrictUndefined`` (a
missing variable is an error, never an empty string). Everything that comes from a game (code,
titles, console lines, model-written notes) goes through the ``fence`` filter, which wraps it
between per-call nonce markers ``<<<GAME-CONTENT-{nonce}>>>`` … ``<<<END-GAME-CONTENT-{nonce}>>>``
so instructions hidden inside it can be told apart and ignored. The environment is built on first
use, not at import.
"""
from __future__ import annotations

import json
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

ROLES = ("planner", "coder", "coder_retry", "repairer", "critic", "reflector", "archivist", "judge")

_MARKER = re.compile(r"<<<\s*(?:END-)?GAME-CONTENT[^>]*>>>", re.IGNORECASE)


def prompts_dir() -> Path:
    from ludeme import paths

    return paths.resources_dir() / "prompts"


def new_nonce() -> str:
    return secrets.token_hex(8)


def fence(value: Any, nonce: str, label: str = "") -> str:
    """Untrusted text between nonce markers; marker look-alikes inside are defused."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, indent=1, default=str)
    value = _MARKER.sub("<<<game-content-marker-removed>>>", value)
    head = f"<<<GAME-CONTENT-{nonce}>>>" + (f" ({label})" if label else "")
    return f"{head}\n{value}\n<<<END-GAME-CONTENT-{nonce}>>>"


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _clip(value: Any, limit: int = 400) -> str:
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


@lru_cache(maxsize=4)
def _env(directory: str):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,   # an include ends its last line: sentences never run together
    )
    env.filters["tojson_plain"] = _tojson
    env.filters["clip"] = _clip
    return env


def render(name: str, *, nonce: str | None = None, directory: str | Path | None = None,
           **ctx: Any) -> list[dict]:
    """Messages for one call of a role: system then user. ``nonce`` defaults to a fresh one."""
    env = _env(str(directory or prompts_dir()))
    tmpl = env.get_template(f"{name}.j2")
    nonce = nonce or new_nonce()
    ctx = dict(ctx, nonce=nonce, fence=lambda v, label="": fence(v, nonce, label))
    out = []
    for role in ("system", "user"):
        block = tmpl.blocks.get(role)
        if block is None:
            raise KeyError(f"prompt template {name}.j2 has no '{role}' block")
        text = "".join(block(tmpl.new_context(ctx))).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
        out.append({"role": role, "content": text})
    return out


def template_names() -> list[str]:
    return sorted(p.stem for p in prompts_dir().glob("*.j2") if not p.stem.startswith("_"))
