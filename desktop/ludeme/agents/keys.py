"""API keys: from the environment or the OS keyring, never from a project file; and `redact` for logs.

Lookup order for a model's key: the provider's usual environment variable, then LUDEME_API_KEY,
then the OS keyring (service "ludeme", user = provider). A keyring without a backend (a headless
box) is treated as empty, silently.
"""
from __future__ import annotations

import os
import re

SERVICE = "ludeme"
GENERIC_ENV = "LUDEME_API_KEY"

PROVIDER_ENV: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "openrouter": ("OPENROUTER_API_KEY",),
    "mistral": ("MISTRAL_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "xai": ("XAI_API_KEY",),
    "together_ai": ("TOGETHERAI_API_KEY", "TOGETHER_API_KEY"),
    "fireworks_ai": ("FIREWORKS_AI_API_KEY", "FIREWORKS_API_KEY"),
    "cohere": ("COHERE_API_KEY",),
    "perplexity": ("PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"),
    "azure": ("AZURE_API_KEY",),
    "huggingface": ("HF_TOKEN", "HUGGINGFACE_API_KEY"),
}

# Key values handed out by this process (from the keyring or stored), redacted wherever they appear.
_known: set[str] = set()


class KeyringUnavailable(RuntimeError):
    """No usable OS keyring backend."""


def provider_for(model: str) -> str:
    """The provider part of a litellm model string ("anthropic/claude-…" → "anthropic")."""
    m = model.strip().lower()
    if "/" in m:
        return m.split("/", 1)[0]
    if m.startswith(("gpt-", "o1", "o3", "o4", "chatgpt", "text-embedding")):
        return "openai"
    if m.startswith("claude"):
        return "anthropic"
    if m.startswith("gemini"):
        return "gemini"
    return "openai"


def _keyring_get(provider: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, provider)
    except Exception:  # noqa: BLE001 - no backend, locked, D-Bus missing: all mean "no key here"
        return None


def api_key_for(model: str) -> str | None:
    provider = provider_for(model)
    for var in PROVIDER_ENV.get(provider, ()) + (GENERIC_ENV,):
        value = os.environ.get(var, "").strip()
        if value:
            return value
    value = _keyring_get(provider)
    if value:
        _known.add(value)
        return value
    return None


def store_api_key(provider: str, key: str) -> None:
    """Keep `key` in the OS keyring under ("ludeme", provider)."""
    provider = provider.strip().lower()
    if not provider or not key.strip():
        raise ValueError("provider and key must not be empty")
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        if isinstance(keyring.get_keyring(), FailKeyring):
            raise KeyringUnavailable("no OS keyring backend")
        keyring.set_password(SERVICE, provider, key.strip())
    except KeyringUnavailable:
        raise KeyringUnavailable(
            "No OS keyring is available on this system, so the key cannot be stored. "
            f"Set the environment variable {(PROVIDER_ENV.get(provider) or (GENERIC_ENV,))[0]} instead.") from None
    except Exception as exc:  # noqa: BLE001
        raise KeyringUnavailable(f"Could not store the key in the OS keyring ({type(exc).__name__}: "
                                 f"{redact(str(exc))}). Set {GENERIC_ENV} in the environment instead.") from None
    _known.add(key.strip())


def delete_api_key(provider: str) -> bool:
    """Remove the provider's key from the OS keyring; False when there was none (or no keyring)."""
    provider = provider.strip().lower()
    old = _keyring_get(provider)
    if not old:
        return False
    try:
        import keyring

        keyring.delete_password(SERVICE, provider)
    except Exception as exc:  # noqa: BLE001
        raise KeyringUnavailable(f"Could not remove the key from the OS keyring ({type(exc).__name__}: "
                                 f"{redact(str(exc))}).") from None
    return True


def key_source(provider: str) -> tuple[str, str | None]:
    """Where a provider's key would come from: ("environment", VAR), ("keyring", None) or ("none", None).
    The generic LUDEME_API_KEY counts as the environment for every provider."""
    provider = provider.strip().lower()
    for var in PROVIDER_ENV.get(provider, ()) + (GENERIC_ENV,):
        if os.environ.get(var, "").strip():
            return "environment", var
    if _keyring_get(provider):
        return "keyring", None
    return "none", None


def keyring_available() -> bool:
    """False on a system without a usable OS keyring backend (keys then go in the environment)."""
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        return not isinstance(keyring.get_keyring(), FailKeyring)
    except Exception:  # noqa: BLE001
        return False


_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}"),                # OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-…)
    re.compile(r"\bAIza[0-9A-Za-z_\-]{20,}"),              # Google
    re.compile(r"\b(?:gsk|xai|hf|pplx|fw)[_-][A-Za-z0-9_\-]{16,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.=:/+]{6,}"),
    re.compile(r"(?i)((?:api[_-]?key|x-api-key|authorization|access[_-]?token|secret)[\"']?\s*[:=]\s*[\"']?)"
               r"[A-Za-z0-9_\-\.=/+]{6,}"),
]


def _configured_values() -> set[str]:
    values = set(_known)
    for vars_ in list(PROVIDER_ENV.values()) + [(GENERIC_ENV,)]:
        for var in vars_:
            v = os.environ.get(var, "").strip()
            if v:
                values.add(v)
    return {v for v in values if len(v) >= 6}


def redact(text) -> str:
    """`text` with anything key-like replaced by "[REDACTED]"."""
    if text is None:
        return ""
    s = str(text)
    for value in sorted(_configured_values(), key=len, reverse=True):
        s = s.replace(value, "[REDACTED]")
    for pat in _PATTERNS:
        if pat.groups:
            s = pat.sub(lambda m: m.group(1) + "[REDACTED]", s)
        else:
            s = pat.sub("[REDACTED]", s)
    return s


__all__ = ["api_key_for", "store_api_key", "delete_api_key", "key_source", "keyring_available", "redact", "provider_for", "KeyringUnavailable", "PROVIDER_ENV"]
