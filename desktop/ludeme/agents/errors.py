"""Errors an LLM call can end with, each carrying a one-line message a user can act on.

The messages never contain an API key: they pass through `keys.redact` on the way in.
"""
from __future__ import annotations


class LLMError(Exception):
    """An LLM call failed. `str(err)` is a single line meant for the user."""

    retryable = False

    def __init__(self, message: str, *, model: str | None = None, role: str | None = None,
                 status: int | None = None, detail: str | None = None):
        from ludeme.agents.keys import redact

        line = " ".join(redact(str(message)).split())
        super().__init__(line)
        self.message = line
        self.model = model
        self.role = role
        self.status = status
        # The provider's own text, redacted, for the log (may be long).
        self.detail = redact(detail) if detail else None

    @property
    def user_message(self) -> str:
        return self.message

    def __str__(self) -> str:
        return self.message


class OfflineModel(LLMError):
    """The "offline" model was handed to the LLM client: the pipeline runs the offline generator itself."""


class AuthError(LLMError):
    """The provider refused the API key (missing, wrong, revoked, no permission)."""


class QuotaError(LLMError):
    """The account is out of credit or quota (billing, insufficient_quota): waiting will not help."""


class RateLimited(LLMError):
    """Too many requests for now: retried with backoff."""

    retryable = True


class ContextLengthError(LLMError):
    """The prompt plus the reply budget does not fit the model's context window."""


class UnknownModelError(LLMError):
    """The provider does not know the model name."""


class ServiceUnavailable(LLMError):
    """The provider is down, overloaded or unreachable: retried with backoff."""

    retryable = True


class Timeout(LLMError):
    """The provider did not answer within the configured timeout."""


class RefusalError(LLMError):
    """The model refused to answer (refusal field or content filter)."""


class TruncatedReply(LLMError):
    """The reply was cut off at max_tokens (finish_reason "length")."""

    def __init__(self, message: str, *, reply=None, **kw):
        super().__init__(message, **kw)
        self.reply = reply


class MalformedReply(LLMError):
    """No valid JSON for the expected schema, even after the tolerant parser and one repair request."""

    def __init__(self, message: str, *, text: str | None = None, **kw):
        super().__init__(message, **kw)
        self.text = text


class BudgetExceeded(LLMError):
    """The call could cost more than the budget has left: it was not made."""


__all__ = ["LLMError", "OfflineModel", "AuthError", "QuotaError", "RateLimited", "ContextLengthError",
           "UnknownModelError", "ServiceUnavailable", "Timeout", "RefusalError", "TruncatedReply",
           "MalformedReply", "BudgetExceeded"]
