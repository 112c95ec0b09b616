"""The one door to language models: litellm behind budgets, retries, tolerant JSON and a ledger.

`import litellm` takes seconds and reads the network for its price map unless told not to, so it
happens inside `_litellm()` on the first real call, never at import. The "offline" model never
comes here: the pipeline runs the offline generator itself.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Mapping, Sequence

from pydantic import BaseModel, ValidationError

from ludeme.agents import errors as E
from ludeme.agents.keys import api_key_for, redact
from ludeme.agents.settings import OFFLINE, AgentSettings


@dataclass
class LedgerRecord:
    role: str
    model: str
    tokens_in: int
    tokens_out: int
    cost: float
    latency: float
    version_id: Any = None
    job_id: Any = None
    ok: bool = True
    error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class LLMReply:
    text: str
    parsed: BaseModel | None
    finish_reason: str | None
    tokens_in: int
    tokens_out: int
    cost: float
    latency: float
    model: str


Messages = Sequence[Mapping[str, Any]]
_litellm_mod = None


def _litellm():
    global _litellm_mod
    if _litellm_mod is None:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        os.environ.setdefault("LITELLM_TELEMETRY", "False")
        import litellm

        litellm.suppress_debug_info = True   # else it prints "Give Feedback / Get Help" on every error
        litellm.telemetry = False
        _litellm_mod = litellm
    return _litellm_mod


# ---- tolerant JSON -----------------------------------------------------------------------------
_FENCE = re.compile(r"```(?:json|JSON|json5)?\s*\n?(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _balanced_objects(text: str):
    """Every top-level {...} span with balanced braces (strings respected), in order."""
    i = 0
    while True:
        start = text.find("{", i)
        if start < 0:
            return
        depth, in_str, esc = 0, False, False
        for j in range(start, len(text)):
            c = text[j]
            if in_str:
                if esc:
                    esc = False
                elif c == "\\":
                    esc = True
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    yield text[start:j + 1]
                    i = j + 1
                    break
        else:
            return


def json_candidates(text: str) -> list[str]:
    text = (text or "").strip()
    out = [text]
    out += [m.group(1).strip() for m in _FENCE.finditer(text)]
    out += list(_balanced_objects(text))
    return out


def parse_structured(text: str, schema: type[BaseModel]) -> BaseModel:
    """The first candidate in `text` that validates against `schema`; raises ValueError with the best reason."""
    problem = "no JSON object found in the reply"
    seen = set()
    for cand in json_candidates(text):
        for variant in (cand, _TRAILING_COMMA.sub(r"\1", cand)):
            if not variant or variant in seen:
                continue
            seen.add(variant)
            try:
                data = json.loads(variant, strict=False)
            except ValueError as exc:
                if problem.startswith("no JSON"):
                    problem = f"invalid JSON: {exc}"
                continue
            try:
                return schema.model_validate(data)
            except ValidationError as exc:
                problem = f"JSON does not match the schema: {exc}"
    raise ValueError(problem)


# ---- exception mapping -------------------------------------------------------------------------
def _is_response_format_rejection(exc: Exception) -> bool:
    lt = _litellm()
    if not isinstance(exc, (lt.BadRequestError, lt.UnsupportedParamsError, lt.UnprocessableEntityError)):
        return False
    if isinstance(exc, lt.ContextWindowExceededError):
        return False
    msg = str(exc).lower()
    return any(w in msg for w in ("response_format", "json_schema", "response format", "structured output"))


_DEFAULT_ADDRESS = {"ollama": "http://localhost:11434", "ollama_chat": "http://localhost:11434",
                    "lm_studio": "http://localhost:1234/v1", "openai": "https://api.openai.com/v1",
                    "anthropic": "https://api.anthropic.com", "gemini": "https://generativelanguage.googleapis.com",
                    "mistral": "https://api.mistral.ai/v1", "groq": "https://api.groq.com/openai/v1"}
_NO_CONNECTION = ("connection refused", "errno 111", "connection error", "cannot connect", "connecterror",
                  "all connection attempts failed", "failed to establish a new connection", "connection reset")
_NO_HOST = ("name or service not known", "nodename nor servname", "temporary failure in name resolution",
            "getaddrinfo failed", "no address associated")


def provider_address(model: str, api_base: str | None = None) -> str:
    """Where calls to ``model`` go: the configured api_base, or the provider's usual address."""
    if api_base:
        return api_base
    return _DEFAULT_ADDRESS.get(model.split("/", 1)[0] if "/" in model else "openai", "the provider's default address")


def map_exception(exc: Exception, model: str, role: str | None = None, api_base: str | None = None) -> E.LLMError:
    """A litellm/openai exception as one of errors.py's classes, with a clear message and no key."""
    if isinstance(exc, E.LLMError):
        return exc
    lt = _litellm()
    raw = redact(str(exc))
    low = raw.lower()
    status = getattr(exc, "status_code", None)
    kw = dict(model=model, role=role, status=status, detail=raw)
    if "missing credentials" in low or "api_key client option must be set" in low:
        return E.AuthError(f"No API key is set for {model}: add one in Settings ▸ Models (an environment "
                           "variable or the OS keyring), or choose a local model.", **kw)
    # Nothing answered at all (litellm reports a refused connection as HTTP 500): say where we looked.
    where = provider_address(model, api_base)
    if any(w in low for w in _NO_HOST):
        return E.ServiceUnavailable(f"Could not find the host of {where} for {model}: check the address "
                                    "(Settings ▸ Models ▸ API base) and the network.", **kw)
    if not isinstance(exc, lt.Timeout) and (isinstance(exc, lt.APIConnectionError) or any(w in low for w in _NO_CONNECTION)):
        hint = " (start it with `ollama serve`)" if model.startswith(("ollama/", "ollama_chat/")) else ""
        return E.ServiceUnavailable(f"Nothing is listening at {where} for {model}{hint}: start the server or "
                                    "check the address in Settings ▸ Models.", **kw)
    if isinstance(exc, lt.AuthenticationError) or isinstance(exc, lt.PermissionDeniedError) or status in (401, 403):
        return E.AuthError(f"The provider refused the API key for {model}: check the key in Settings "
                           "(environment variable or OS keyring).", **kw)
    quota_words = ("insufficient_quota", "exceeded your current quota", "billing", "credit balance",
                   "payment required", "insufficient credits", "quota exceeded")
    if isinstance(exc, getattr(lt, "PaymentRequiredError", ())) or status == 402 or (
            isinstance(exc, lt.RateLimitError) and any(w in low for w in quota_words)):
        return E.QuotaError(f"The account for {model} is out of credit or quota: check billing with the provider.", **kw)
    if isinstance(exc, lt.RateLimitError) or status == 429:
        return E.RateLimited(f"{model} is rate limited: too many requests for now.", **kw)
    if isinstance(exc, lt.ContextWindowExceededError) or "context_length_exceeded" in low or "maximum context length" in low:
        return E.ContextLengthError(f"The prompt is too long for {model}'s context window: use a model with a "
                                    "longer context or lower max_tokens.", **kw)
    unknown_words = ("model_not_found", "does not exist", "unknown model", "no such model", "invalid model",
                     "llm provider not provided", "model not found", "is not a valid model")
    if isinstance(exc, lt.NotFoundError) or (isinstance(exc, lt.BadRequestError) and any(w in low for w in unknown_words)):
        return E.UnknownModelError(f"The provider does not know the model '{model}': check its name "
                                   "(litellm form, e.g. openai/gpt-4o or anthropic/claude-…).", **kw)
    if isinstance(exc, lt.Timeout):
        return E.Timeout(f"{model} did not answer in time.", **kw)
    if isinstance(exc, lt.ContentPolicyViolationError):
        return E.RefusalError(f"{model} refused the request (content policy).", **kw)
    if isinstance(exc, (lt.ServiceUnavailableError, lt.InternalServerError, lt.BadGatewayError)) or (
            isinstance(status, int) and status >= 500):
        return E.ServiceUnavailable(f"{model}'s provider is unavailable right now (HTTP {status or '5xx'}).", **kw)
    first = raw.splitlines()[0] if raw else type(exc).__name__
    return E.LLMError(f"The call to {model} failed: {type(exc).__name__}: {first[:300]}", **kw)


# ---- the client --------------------------------------------------------------------------------
SpentFn = Callable[[], Any]


class LLMClient:
    """Calls one role's model. Thread-compatible (no shared mutable state besides `spent_usd`)."""

    def __init__(self, settings: AgentSettings, *, ledger: Callable[[LedgerRecord], Any] | None = None,
                 spent: SpentFn | None = None, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.ledger = ledger
        self.spent = spent
        self.spent_usd = 0.0     # what this client has spent (used when no `spent` callable is given)
        self._sleep = sleep

    # ---- public ------------------------------------------------------------------------------
    def complete(self, role: str, messages: Messages, *, schema: type[BaseModel] | None = None,
                 version_id: Any = None, job_id: Any = None, allow_truncated: bool = False) -> LLMReply:
        rs = self.settings.role(role)
        model = rs.model or OFFLINE
        if model == OFFLINE:
            raise E.OfflineModel(f"Role '{role}' uses the offline model: the pipeline runs the offline generator "
                                 "itself; configure a model to use an LLM.", model=model, role=role)
        msgs = [dict(m) for m in messages]
        ctx = dict(role=role, model=model, version_id=version_id, job_id=job_id)
        reply = self._call(msgs, rs, schema, allow_truncated, ctx)
        if schema is None:
            return reply
        try:
            reply.parsed = parse_structured(reply.text, schema)
            return reply
        except ValueError as exc:
            problem = str(exc)
        # One repair round: show the model its reply and what was wrong with it.
        repair = msgs + [
            {"role": "assistant", "content": reply.text or ""},
            {"role": "user", "content": (
                "Your reply could not be used: " + problem[:2000] + "\n\nRepair your JSON: reply again with only "
                "one JSON object that matches this JSON schema, no prose and no code fences.\n"
                + json.dumps(schema.model_json_schema()))},
        ]
        second = self._call(repair, rs, schema, allow_truncated, ctx)
        second.tokens_in += reply.tokens_in
        second.tokens_out += reply.tokens_out
        second.cost += reply.cost
        second.latency += reply.latency
        try:
            second.parsed = parse_structured(second.text, schema)
            return second
        except ValueError as exc:
            raise E.MalformedReply(f"{model} gave no valid JSON for {schema.__name__} after a repair request "
                                   f"({str(exc).splitlines()[0][:200]}).", text=second.text, model=model,
                                   role=role) from None

    # ---- budget ------------------------------------------------------------------------------
    def _price(self, model: str) -> tuple[float, float] | None:
        p = self.settings.prices.get(model)
        return (p.input_per_mtok / 1e6, p.output_per_mtok / 1e6) if p else None

    def context_window(self, role: str) -> int | None:
        """The input window of the role's model in tokens (litellm's model map), None when unknown."""
        model = self.settings.role(role).model
        try:
            info = _litellm().get_model_info(model=model)
        except Exception:  # noqa: BLE001 - a local or new model: unknown
            return None
        window = info.get("max_input_tokens") or info.get("max_tokens")
        return int(window) if window else None

    def estimate_cost(self, model: str, messages: Messages, max_tokens: int) -> float:
        """Worst case: the prompt's tokens plus a reply of max_tokens. Unknown models cost 0 unless priced."""
        lt = _litellm()
        try:
            n_in = int(lt.token_counter(model=model, messages=list(messages)))
        except Exception:  # noqa: BLE001 - odd content parts: fall back to characters/3
            n_in = sum(len(json.dumps(m.get("content", ""))) for m in messages) // 3 + 1
        price = self._price(model)
        if price:
            return n_in * price[0] + max_tokens * price[1]
        try:
            a, b = lt.cost_per_token(model=model, prompt_tokens=n_in, completion_tokens=max_tokens)
            return float(a) + float(b)
        except Exception:  # noqa: BLE001 - litellm raises for models missing from its price map
            return 0.0

    def _spent_now(self) -> tuple[float, float]:
        if self.spent is None:
            return self.spent_usd, self.spent_usd
        v = self.spent()
        if isinstance(v, Mapping):
            return float(v.get("project", 0.0) or 0.0), float(v.get("run", 0.0) or 0.0)
        if isinstance(v, (tuple, list)):
            return float(v[0] or 0.0), float(v[1] or 0.0)
        return float(v or 0.0), float(v or 0.0)

    def check_budget(self, model: str, messages: Messages, max_tokens: int) -> float:
        s = self.settings
        if s.budget_usd is None and s.run_budget_usd is None:
            return 0.0
        estimate = self.estimate_cost(model, messages, max_tokens)
        project, run = self._spent_now()
        for label, limit, spent in (("project", s.budget_usd, project), ("run", s.run_budget_usd, run)):
            if limit is not None and spent + estimate > limit + 1e-12:
                raise E.BudgetExceeded(
                    f"The {label} budget would be exceeded: ${spent:.4f} spent of ${limit:.4f}, and this call to "
                    f"{model} could cost up to ${estimate:.4f}. Raise the budget or lower max_tokens.", model=model)
        return estimate

    def _actual_cost(self, model: str, resp: Any, n_in: int, n_out: int) -> float:
        price = self._price(model)
        if price:
            return n_in * price[0] + n_out * price[1]
        try:
            return float(_litellm().completion_cost(completion_response=resp, model=model) or 0.0)
        except Exception:  # noqa: BLE001 - unknown (local) model: no price
            return 0.0

    # ---- one logical call: budget, retries, ledger ---------------------------------------------
    def _record(self, ctx: dict, *, tokens_in=0, tokens_out=0, cost=0.0, latency=0.0, ok=True, error=None):
        if self.ledger is None:
            return
        rec = LedgerRecord(role=ctx["role"], model=ctx["model"], tokens_in=int(tokens_in), tokens_out=int(tokens_out),
                           cost=float(cost), latency=float(latency), version_id=ctx["version_id"],
                           job_id=ctx["job_id"], ok=ok, error=redact(error) if error else None)
        self.ledger(rec)

    def _call(self, msgs: list[dict], rs, schema, allow_truncated: bool, ctx: dict) -> LLMReply:
        lt = _litellm()
        s = self.settings
        model = ctx["model"]
        use_rf = schema is not None
        attempt = 0
        while True:
            self.check_budget(model, msgs, rs.max_tokens)
            kwargs: dict[str, Any] = dict(model=model, messages=msgs, temperature=rs.temperature,
                                          max_tokens=rs.max_tokens, timeout=s.timeout_s,
                                          max_retries=0, num_retries=0)
            if s.api_base:
                kwargs["api_base"] = s.api_base
            key = api_key_for(model)
            if key:
                kwargs["api_key"] = key
            if use_rf:
                kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                    "name": re.sub(r"[^A-Za-z0-9_-]", "_", schema.__name__)[:64],
                    "schema": schema.model_json_schema(), "strict": False}}
            t0 = time.monotonic()
            try:
                resp = lt.completion(**kwargs)
            except Exception as exc:  # noqa: BLE001 - every provider error is mapped below
                latency = time.monotonic() - t0
                if use_rf and _is_response_format_rejection(exc):
                    self._record(ctx, latency=latency, ok=False, error="response_format rejected; retrying without it")
                    use_rf = False
                    continue
                err = map_exception(exc, model, ctx["role"], s.api_base)
                self._record(ctx, latency=latency, ok=False, error=f"{type(err).__name__}: {err}")
                if err.retryable and attempt < s.max_retries:
                    self._sleep(s.retry_base_delay_s * (2 ** attempt))
                    attempt += 1
                    continue
                raise err from None
            latency = time.monotonic() - t0
            return self._reply(resp, ctx, latency, allow_truncated)

    def _reply(self, resp: Any, ctx: dict, latency: float, allow_truncated: bool) -> LLMReply:
        model = ctx["model"]
        usage = getattr(resp, "usage", None)
        n_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        n_out = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = self._actual_cost(model, resp, n_in, n_out)
        self.spent_usd += cost
        choice = resp.choices[0]
        message = choice.message
        text = getattr(message, "content", None) or ""
        finish = getattr(choice, "finish_reason", None)
        refusal = getattr(message, "refusal", None)
        reply = LLMReply(text=text, parsed=None, finish_reason=finish, tokens_in=n_in, tokens_out=n_out,
                         cost=cost, latency=latency, model=model)
        err: E.LLMError | None = None
        if refusal or finish == "content_filter":
            why = f": {' '.join(str(refusal).split())[:200]}" if refusal else " (content filter)"
            err = E.RefusalError(f"{model} refused the request{why}", model=model, role=ctx["role"])
        elif finish == "length" and not allow_truncated:
            err = E.TruncatedReply(f"{model}'s reply was cut off at max_tokens; raise max_tokens for the "
                                   f"'{ctx['role']}' role.", reply=reply, model=model, role=ctx["role"])
        self._record(ctx, tokens_in=n_in, tokens_out=n_out, cost=cost, latency=latency, ok=err is None,
                     error=f"{type(err).__name__}: {err}" if err else None)
        if err:
            raise err
        return reply


__all__ = ["LLMClient", "LLMReply", "LedgerRecord", "parse_structured", "json_candidates", "map_exception"]
