"""The agent roles: planner, coder, repairer, critic, reflector, archivist, judge.

Each role is a function taking an LLM client with the interface
``client.complete(role, messages, *, schema=Model, version_id=None) -> reply`` where the reply has
``text`` and ``parsed`` (an instance of ``schema`` when the client parsed it). Replies are parsed
tolerantly here as well (JSON in fences or prose), so any client that returns text works.

Pure orchestration: templates from :mod:`ludeme.agents.prompts`, edits from
:mod:`ludeme.agents.edits`, checks from :mod:`ludeme.evaluation`. No Qt, nothing at import.

Why this module is over 500 lines: one function per agent role with its prompt inputs and reply
schema.
"""
from __future__ import annotations

import base64
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, TypeVar

from pydantic import BaseModel, ValidationError

from ludeme.agents.edits import EditFailed, EditReport, apply_edits, extract_html, looks_like_html_document
from ludeme.agents.prompts import render
from ludeme.agents.replies import ReplyRejected, cut_off_problem, parse_code_reply  # noqa: F401
from ludeme.agents.retrieval import Retrieved, mechanic_brief
from ludeme.agents.schemas import (ArchiveProposal, CriticReport, JudgeVerdict,
                                   MechanicPlan, Reflection)

T = TypeVar("T", bound=BaseModel)

MIN_DOCUMENT_CHARS = 200
CODE_EXCERPT_CHARS = 12_000
JUDGE_CRITERIA = ("playability", "mechanics", "feedback_and_juice", "visuals", "audio", "novelty")


class RoleError(RuntimeError):
    """A role could not produce a usable result."""


class BadReply(RoleError):
    """The model's reply does not fit the expected schema."""


class PlanRejected(RoleError):
    """The plan breaks the rules (unknown kit module, banned mechanic, nothing to do)."""


class CodeRejected(RoleError):
    """The coder produced no usable document (not HTML, too short, unbalanced)."""


class RepairRejected(RoleError):
    """The repair lost planned mechanics or kit modules that the code had before."""

    def __init__(self, message: str, lost: list[str] | None = None):
        super().__init__(message)
        self.lost = list(lost or [])


# ------------------------------------------------------------------------------------ helpers

def _call(client: Any, role: str, messages: list[dict], schema: type[BaseModel] | None = None,
          version_id: str | None = None) -> Any:
    kwargs: dict[str, Any] = {"version_id": version_id}
    if schema is not None:
        kwargs["schema"] = schema
    return client.complete(role, messages, **kwargs)


_JSON_FENCE = re.compile(r"```(?:json)?\s*\n(.*?)\n\s*```", re.DOTALL)


def _json_candidates(text: str) -> Iterable[Any]:
    for m in _JSON_FENCE.finditer(text):
        try:
            yield json.loads(m.group(1))
        except ValueError:
            pass
    a, b = text.find("{"), text.rfind("}")
    if 0 <= a < b:
        try:
            yield json.loads(text[a:b + 1])
        except ValueError:
            pass


def parse_reply(reply: Any, schema: type[T]) -> T:
    """The reply as ``schema``: its ``parsed`` value when set, else JSON found in its text."""
    parsed = getattr(reply, "parsed", None)
    errors: list[str] = []
    if isinstance(parsed, schema):
        return parsed
    if isinstance(parsed, BaseModel):
        parsed = parsed.model_dump()
    if isinstance(parsed, Mapping):
        try:
            return schema.model_validate(parsed)
        except ValidationError as err:
            errors.append(_describe(err))
    for cand in _json_candidates(getattr(reply, "text", "") or ""):
        try:
            return schema.model_validate(cand)
        except ValidationError as err:
            errors.append(_describe(err))
    raise BadReply(f"{schema.__name__}: " + ("; ".join(errors) if errors else "no JSON object in the reply"))


def _describe(err: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}" for e in err.errors()[:8])


def _reask(messages: list[dict], reply: Any, problem: str) -> list[dict]:
    return messages + [
        {"role": "assistant", "content": (getattr(reply, "text", "") or "")[:4000]},
        {"role": "user", "content": f"That answer was not usable: {problem}\nAnswer again, "
                                    "following the instructions and the schema exactly."}]


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


DEFAULT_CONTEXT_TOKENS = 32_000       # a model whose window is unknown (a local server, a new name)
CHARS_PER_TOKEN = 3.2                 # code is denser than prose


def context_chars(client: Any, role: str) -> int:
    """How much code fits a role's prompt: half the model's input window, in characters."""
    window = None
    getter = getattr(client, "context_window", None)
    if callable(getter):
        try:
            window = getter(role)
        except Exception:  # noqa: BLE001 - an unknown window is the default one
            window = None
    tokens = int(window or DEFAULT_CONTEXT_TOKENS)
    return max(CODE_EXCERPT_CHARS, int(min(tokens, 400_000) * 0.5 * CHARS_PER_TOKEN))


def code_excerpt(html: str, limit: int = CODE_EXCERPT_CHARS) -> tuple[str, bool]:
    """The game's own code, comments removed: the ``game`` piece of a kit game (the kit and its
    modules are known), else all inline scripts. Returns (text, truncated)."""
    from ludeme.evaluation.static_checks import kit_pieces, script_text, strip_comments

    pieces = kit_pieces(html)
    code = pieces.get("game") or script_text(html)
    code = strip_comments(code)
    code = re.sub(r"\n\s*\n+", "\n", code).strip()
    if len(code) > limit:
        return code[:limit] + "\n…", True
    return code, False


def game_facts(html: str) -> dict[str, bool]:
    """What the prompts' rules depend on: a kit game (markers, modules, telemetry) or not."""
    from ludeme.evaluation.static_checks import is_kit_game

    kit = is_kit_game(html)
    return {"kit_game": kit, "telemetry": kit or "window.ludeme" in html}


def parent_summary(html: str, version: Any = None) -> str:
    """The parent as the planner should know it: title, controls, kit modules (kit games only),
    and, once evaluated, its verdict, score (quality and progress) and the mechanics it showed."""
    from ludeme.core.titles import document_title
    from ludeme.evaluation.bots import discover_controls
    from ludeme.evaluation.static_checks import is_kit_game, kit_modules

    controls = discover_controls(html)
    keys = ", ".join(controls.keys[:10]) or "none found"
    lines = [f"Title: {document_title(html) or '(none)'}",
             f"Controls: keys {keys}; pointer {'yes' if controls.pointer else 'no'}",
             f"Size: {len(html)} characters"]
    if is_kit_game(html):
        mods = kit_modules(html)
        lines.insert(1, f"Built on Ludeme's kit; modules: {', '.join(mods) if mods else '(none)'}")
    else:
        lines.insert(1, "Hand-written game (not built on Ludeme's kit)")
    bd = getattr(version, "breakdown", None) or {}
    bd = bd if isinstance(bd, Mapping) else {}
    verdict = bd.get("verdict")
    if verdict:
        reasons = "; ".join(str(r) for r in (bd.get("reasons") or [])[:2])
        lines.append(f"Verdict when played: {verdict}" + (f" ({reasons})" if reasons else ""))
        reward = getattr(version, "reward", None)
        q, p = bd.get("quality"), bd.get("progress")
        score = [] if reward is None else [f"score {float(reward):.2f}"]
        if isinstance(q, (int, float)):
            score.append(f"quality {float(q):.2f}")
        if isinstance(p, (int, float)):
            score.append(f"progress {float(p):.2f}")
        if score:
            lines.append("Score: " + ", ".join(score))
        metrics = bd.get("metrics") if isinstance(bd.get("metrics"), Mapping) else {}
        facts = [f"{k} {float(metrics[k]):.2f}" for k in ("playability", "responsiveness", "audio_activity")
                 if isinstance(metrics.get(k), (int, float))]
        if facts:
            lines.append("Measured: " + ", ".join(facts))
    probes = [p for p in (bd.get("behaviour_probes") or []) if isinstance(p, Mapping)]
    probed = {str(p.get("id")) for p in probes}
    observed = [str(p.get("id")) + (" (shown by its probe)" if p.get("ok") else " (its probe failed)")
                for p in probes]
    observed += [m for m in (getattr(version, "mechanics", None) or ()) if m not in probed]
    if observed:
        lines.append("Mechanics observed: " + ", ".join(observed[:16]))
    return "\n".join(lines)


def _dump(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return obj


# ------------------------------------------------------------------------------------ planner

def validate_plan(plan: MechanicPlan, kit_ids: Iterable[str] = (), banned: Iterable[str] = ()
                  ) -> list[str]:
    """Problems with a plan (empty when it is fine)."""
    problems: list[str] = []
    kit = set(kit_ids)
    ban = set(banned)
    if not plan.intent.strip():
        problems.append("intent is empty")
    if not plan.changes:
        problems.append("the plan lists no mechanics")
    elif all(c.action == "keep" for c in plan.changes):
        problems.append("the plan only keeps mechanics: add, change or remove at least one")
    seen: set[str] = set()
    for c in plan.changes:
        if c.mechanic_id in seen:
            problems.append(f"{c.mechanic_id!r} is listed twice")
        seen.add(c.mechanic_id)
        if kit and c.kit_module and c.kit_module not in kit:
            problems.append(f"{c.mechanic_id!r}: unknown kit module {c.kit_module!r} "
                            f"(use one of the listed ids or null)")
        if c.action in ("add", "change") and (c.mechanic_id in ban or (c.kit_module or "") in ban):
            problems.append(f"{c.mechanic_id!r} is banned")
        if c.action in ("add", "change") and not c.probe.strip():
            problems.append(f"{c.mechanic_id!r} needs a probe")
    return problems


def plan(client: Any, *, parent_html: str, direction: str, memory: Iterable[Any],
         retrieved: Retrieved, kit_modules: Iterable[Any], version_id: str | None = None,
         parent_summary_text: str | None = None, parent: Any = None) -> MechanicPlan:
    """Ask the planner for a mechanic plan; one re-ask when the answer is invalid. Kit modules are
    offered for kit games only; the whole code goes in when it fits the model's context."""
    from ludeme.agents.retrieval import kit_module_brief

    kits = [m if isinstance(m, dict) and "params" in m and "id" in m else kit_module_brief(m)
            for m in kit_modules] if game_facts(parent_html)["kit_game"] else []
    excerpt, truncated = code_excerpt(parent_html, context_chars(client, "planner"))
    mem = [{"intent": _get(m, "intent", ""), "lesson": _get(m, "lesson", ""),
            "q": _get(m, "q", _get(m, "value", 0.0))} for m in memory]
    ctx = retrieved.for_prompt()
    messages = render("planner", direction=direction or "",
                      parent_summary=parent_summary_text or parent_summary(parent_html, parent),
                      code_excerpt=excerpt, code_truncated=truncated, memory=mem,
                      kit_modules=kits, **ctx)
    kit_ids = [k["id"] for k in kits]
    problem = ""
    for attempt in range(2):
        reply = _call(client, "planner", messages, MechanicPlan, version_id)
        try:
            result = parse_reply(reply, MechanicPlan)
        except BadReply as err:
            problem = str(err)
        else:
            problems = validate_plan(result, kit_ids, retrieved.banned)
            if not problems:
                return result
            problem = "; ".join(problems)
        if attempt == 0:
            messages = _reask(messages, reply, problem)
    raise PlanRejected(f"planner: {problem}")


# -------------------------------------------------------------------------------------- coder

@dataclass
class CodeOutcome:
    mode: str = ""                    # full | edits
    edits_applied: int = 0
    retried: bool = False             # a second try after failed edits
    fell_back: bool = False           # a full rewrite was asked for after edits failed twice
    reports: list[EditReport] = field(default_factory=list)
    notes: str = ""
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "edits_applied": self.edits_applied, "retried": self.retried,
                "fell_back": self.fell_back, "reports": [r.to_dict() for r in self.reports],
                "notes": self.notes, "failures": list(self.failures)}


def document_problems(html: str | None, min_chars: int = MIN_DOCUMENT_CHARS) -> list[str]:
    """Why a document is not acceptable as a game (empty when it is)."""
    cut = cut_off_problem(html or "")
    if cut:
        return [cut]
    if not html or not looks_like_html_document(html):
        return ["not a whole HTML document (doctype or <html> … <script> … </html>)"]
    problems = []
    if len(html.strip()) < min_chars:
        problems.append(f"only {len(html.strip())} characters")
    from ludeme.evaluation.static_checks import static_checks

    for c in static_checks(html):
        if c.name == "balanced" and not c.ok:
            problems.append(f"unbalanced code: {c.detail}")
    return problems


def _realise(base: str, reply: Any, outcome: CodeOutcome, min_chars: int) -> str:
    """The document a reply asks for, validated. EditFailed / CodeRejected otherwise."""
    try:
        code = parse_code_reply(reply)
    except ReplyRejected as err:
        raise CodeRejected(str(err)) from None
    outcome.notes = code.notes or outcome.notes
    if code.mode == "edits" or (code.edits and not code.html):
        edits = code.edits or []
        result = apply_edits(base, edits)
        html = result.text
        outcome.mode, outcome.edits_applied, outcome.reports = "edits", len(edits), result.reports
    else:
        html = extract_html(code.html or "") or (code.html or "")
        outcome.mode, outcome.edits_applied, outcome.reports = "full", 0, []
    problems = document_problems(html, min_chars)
    if problems:
        raise CodeRejected(f"{outcome.mode} result rejected: " + "; ".join(problems))
    return html


def _failure_items(err: EditFailed) -> list[dict[str, Any]]:
    out = []
    for f in err.failures:
        out.append({"index": "?" if f.index is None else f.index + 1, "reason": f.reason,
                    "search": f.edit.search if f.edit is not None else ""})
    return out


def _write(client: Any, role: str, base: str, first_messages: list[dict], retry_ctx: dict,
           full_messages: list[dict], version_id: str | None, min_chars: int
           ) -> tuple[str, CodeOutcome]:
    """first try → (edits failed) one retry showing the failures → a full rewrite."""
    outcome = CodeOutcome()
    reply = _call(client, role, first_messages, None, version_id)
    try:
        return _realise(base, reply, outcome, min_chars), outcome
    except EditFailed as err:
        outcome.failures.append(str(err))
        outcome.retried = True
        messages = render("coder_retry", failures=_failure_items(err), parent_code=base,
                          force_full=False, **retry_ctx)
        reply = _call(client, role, messages, None, version_id)
        try:
            return _realise(base, reply, outcome, min_chars), outcome
        except (EditFailed, CodeRejected) as err2:
            outcome.failures.append(str(err2))
    except CodeRejected as err:
        outcome.failures.append(str(err))
    outcome.fell_back = True
    reply = _call(client, role, full_messages, None, version_id)
    try:
        html = _realise(base, reply, outcome, min_chars)
    except (EditFailed, CodeRejected) as err:
        outcome.failures.append(str(err))
        raise CodeRejected(f"{role}: no usable code after {1 + outcome.retried + 1} tries: "
                           + " | ".join(outcome.failures)) from None
    if outcome.mode != "full":
        # Asked for a full document, got edits that applied and validate: accept them.
        pass
    return html, outcome


def write_code(client: Any, *, parent_html: str, plan: MechanicPlan, direction: str = "",
               version_id: str | None = None, min_chars: int = MIN_DOCUMENT_CHARS
               ) -> tuple[str, CodeOutcome]:
    """The child document for a plan: edits or a full document, tolerant of failed edits."""
    plan_d = plan.model_dump()
    facts = game_facts(parent_html)
    first = render("coder", plan=plan_d, parent_code=parent_html, direction=direction or "",
                   force_full=False, **facts)
    full = render("coder", plan=plan_d, parent_code=parent_html, direction=direction or "",
                  force_full=True, **facts)
    return _write(client, "coder", parent_html, first, {"plan": plan_d, **facts}, full, version_id,
                  min_chars)


# ----------------------------------------------------------------------------------- repairer

def _report_fields(report: Any) -> dict[str, Any]:
    d = _dump(report)
    if not isinstance(d, Mapping):
        d = {"reasons": [str(d)]}
    verdict = d.get("verdict", "")
    verdict = getattr(verdict, "value", verdict)
    console = d.get("console_errors")
    if console is None:
        console = []
        for entry in d.get("console", []) or []:
            if isinstance(entry, Mapping):
                level = str(entry.get("level", "error")).lower()
                if level in ("error", "warning", "warn", "exception", "2", "3"):
                    msg = entry.get("message") or entry.get("text") or json.dumps(entry, default=str)
                    console.append(f"[{level}] {msg}"[:500])
            else:
                console.append(str(entry)[:500])
    checks = d.get("failed_checks")
    if checks is None:
        checks = [c for c in d.get("checks", []) or [] if isinstance(c, Mapping) and not c.get("ok", True)]
    return {"verdict": str(verdict), "reasons": list(d.get("reasons", []) or []),
            "console_errors": list(console)[:20], "failed_checks": list(checks)[:20],
            "probes": list(d.get("probes", []) or [])[:30]}


def check_repair(before: str, after: str, plan: MechanicPlan | None) -> list[str]:
    """What a repair lost that it must not: kit modules and planned mechanics present before,
    and core checks (canvas, loop, input, render) that passed before."""
    from ludeme.evaluation.collapse import CORE_CHECKS, shell_collapse

    planned = plan.planned_ids() if plan else []
    removed = plan.removed_ids() if plan else []
    absent_before = {x.split(":", 1)[1] for x in shell_collapse(before, before, planned=planned,
                                                               removed=removed).lost
                     if x.startswith("mechanic:")}
    present = [p for p in planned if p not in absent_before]
    result = shell_collapse(before, after, planned=present, removed=removed)
    return [x for x in result.lost
            if x.startswith("kit:") or x.startswith("mechanic:") or x in CORE_CHECKS]


def repair(client: Any, *, html: str, report: Any, plan: MechanicPlan | None, round: int = 1,
           version_id: str | None = None, min_chars: int = MIN_DOCUMENT_CHARS) -> str:
    """A repaired document; RepairRejected when it loses planned mechanics or kit modules."""
    plan_d = plan.model_dump() if plan else {}
    fields = _report_fields(report)
    facts = game_facts(html)
    first = render("repairer", code=html, plan=plan_d, round=round, force_full=False, **fields, **facts)
    full = render("repairer", code=html, plan=plan_d, round=round, force_full=True, **fields, **facts)
    new_html, _ = _write(client, "repairer", html, first, {"plan": plan_d, **facts}, full, version_id,
                         min_chars)
    lost = check_repair(html, new_html, plan)
    if lost:
        raise RepairRejected(f"repair round {round} rejected: it lost {', '.join(lost)}", lost)
    return new_html


# ------------------------------------------------------------------------------ critic, judge

def image_part(png: bytes, mime: str = "image/png") -> dict[str, Any]:
    """An image content part (OpenAI vision format) holding a data URL."""
    data = base64.b64encode(png).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:{mime};base64,{data}"}}


def _with_images(messages: list[dict], images: Iterable[bytes | None]) -> list[dict]:
    parts = [image_part(b) for b in images if b]
    if not parts:
        return messages
    user = messages[-1]
    return messages[:-1] + [{"role": user["role"],
                             "content": [{"type": "text", "text": user["content"]}, *parts]}]


def _ask(client: Any, role: str, messages: list[dict], schema: type[T],
         version_id: str | None) -> T:
    reply = _call(client, role, messages, schema, version_id)
    try:
        return parse_reply(reply, schema)
    except BadReply as err:
        reply = _call(client, role, _reask(messages, reply, str(err)), schema, version_id)
        return parse_reply(reply, schema)


def critique(client: Any, *, contact_sheet_png: bytes | None, metrics: Any, html: str,
             version_id: str | None = None) -> CriticReport:
    excerpt, truncated = code_excerpt(html, context_chars(client, "critic"))
    title = re.search(r"<title>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    messages = render("critic", title=title.group(1).strip() if title else "",
                      metrics=_dump(metrics) or {}, code=excerpt, code_truncated=truncated)
    return _ask(client, "critic", _with_images(messages, [contact_sheet_png]), CriticReport,
                version_id)


def judge(client: Any, *, sheet_a: bytes | None, sheet_b: bytes | None, metrics_a: Any,
          metrics_b: Any, audio_a: str = "", audio_b: str = "",
          criteria: Iterable[str] = JUDGE_CRITERIA, version_id: str | None = None) -> JudgeVerdict:
    messages = render("judge", metrics_a=_dump(metrics_a) or {}, metrics_b=_dump(metrics_b) or {},
                      audio_a=audio_a or "(no audio summary)", audio_b=audio_b or "(no audio summary)",
                      criteria=list(criteria))
    return _ask(client, "judge", _with_images(messages, [sheet_a, sheet_b]), JudgeVerdict,
                version_id)


# ------------------------------------------------------------------------ reflector, archivist

def reflect(client: Any, *, plan: MechanicPlan | None, outcome: Any, memory: Iterable[Any] = (),
            version_id: str | None = None) -> Reflection:
    """Lessons for the lineage memory from one evaluated version."""
    mem = [{"intent": _get(m, "intent", ""), "lesson": _get(m, "lesson", ""),
            "q": _get(m, "q", _get(m, "value", 0.0))} for m in memory]
    messages = render("reflector", plan=plan.model_dump() if plan else {},
                      outcome=_dump(outcome) or {}, memory=mem)
    return _ask(client, "reflector", messages, Reflection, version_id)


def _norm_text(s: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (s or "").lower()).split())


def find_duplicate(proposal: ArchiveProposal, existing: Iterable[Any], *, name_ratio: float = 0.85,
                   summary_ratio: float = 0.8) -> str | None:
    """Id of an existing entry the proposal duplicates: same id (or kit module), a very similar
    name, or a very similar summary."""
    pid, pname, psum = proposal.id, _norm_text(proposal.name), _norm_text(proposal.summary)
    for e in existing:
        eid = _get(e, "id")
        if eid == pid or (proposal.kit_module and _get(e, "kit_module") == proposal.kit_module):
            return eid
        ename = _norm_text(_get(e, "name", ""))
        if pname and ename and (pname == ename or _norm_text(pid.replace("_", " ")) == ename
                                or difflib.SequenceMatcher(None, pname, ename).ratio() >= name_ratio):
            return eid
        esum = _norm_text(_get(e, "summary", ""))
        if psum and esum and difflib.SequenceMatcher(None, psum, esum).ratio() >= summary_ratio:
            return eid
    return None


def archivist(client: Any, *, plan: MechanicPlan | None, verified: Any, html: str,
              existing: Iterable[Any], version_id: str | None = None) -> ArchiveProposal:
    """A new archive entry, or add=false. Duplicates (same id or very similar name / summary of an
    existing entry) and entries failing the archive schema are turned into add=false."""
    from ludeme.core.archive import CATEGORIES, entry_from_dict

    existing = list(existing)
    excerpt, truncated = code_excerpt(html, 6000)
    messages = render("archivist", plan=plan.model_dump() if plan else {},
                      verified=_dump(verified) or [], code=excerpt, code_truncated=truncated,
                      existing=[mechanic_brief(e) for e in existing[:30]],
                      categories=list(CATEGORIES))
    proposal = _ask(client, "archivist", messages, ArchiveProposal, version_id)
    if not proposal.add:
        return proposal
    dup = find_duplicate(proposal, existing)
    if dup is not None:
        return proposal.model_copy(update={"add": False, "duplicate_of": dup,
                                           "reason": f"duplicate of {dup!r}"})
    try:
        entry_from_dict(proposal.entry_dict(), "proposal")
    except ValueError as err:
        return proposal.model_copy(update={"add": False, "reason": f"invalid entry: {err}"})
    return proposal
