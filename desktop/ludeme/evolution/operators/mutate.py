"""Mutate: plan → code → evaluate → repair when needed → save (one transaction, ``save.py``).

Operators take plain data and a project and return plain data: the worker's job functions, the
CLI and tests all call these. Nothing is written for a version until it has been evaluated, so an
error at any step (a malformed reply, an exhausted budget, a refusal) leaves no half-made version
behind; the ledger keeps every call that was really made.
"""
from __future__ import annotations

import contextvars
import functools
import shutil
import tempfile
import time
import zlib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, TYPE_CHECKING

from ludeme.core.domain import new_id
from ludeme.core.plan import planned_ids
from ludeme.core.settings import evaluation_settings
from ludeme.evolution.operators.save import NewVersion, known_mechanics, remember, save_version

if TYPE_CHECKING:
    from ludeme.store.project import Project

OFFLINE = "offline"
OFFLINE_ATTEMPTS = 3


@dataclass
class MutationResult:
    ok: bool
    version_id: str | None = None
    verdict: str = ""
    reward: float = 0.0
    model: str = OFFLINE
    cost: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    rounds: int = 0
    plan: dict = field(default_factory=dict)
    realised: list[str] = field(default_factory=list)
    parent_mechanics: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    wall_time: float = 0.0
    # the model client and plan of an LLM-made child, for the reflector and archivist once it is saved
    llm: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        import copy

        return {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self) if f.name != "llm"}


class _Spend:
    """The model calls of one mutation. Rows are held until the version exists so that each one
    names it; whatever happens, they are written (a failed run's spend is real spend)."""

    def __init__(self, project: Project, version_id: str, job_id: int | None, run_budget=None) -> None:
        self.project, self.version_id, self.job_id = project, version_id, job_id
        self.run_budget = run_budget  # an evolution run's RunBudget, shared with its other children
        self.records: list = []
        self._flushed = 0

    @property
    def cost(self) -> float:
        return sum(float(r.cost or 0.0) for r in self.records)

    @property
    def tokens_in(self) -> int:
        return sum(int(r.tokens_in or 0) for r in self.records)

    @property
    def tokens_out(self) -> int:
        return sum(int(r.tokens_out or 0) for r in self.records)

    def record(self, rec) -> None:
        self.records.append(rec)
        if self.run_budget is not None:
            self.run_budget.add(rec.cost)

    def spent(self) -> dict[str, float]:
        """Project spend so far (this run's calls included) and this run's own (an evolution run's
        whole spend, its other children's calls included, when it has a shared budget)."""
        unwritten = sum(float(r.cost or 0.0) for r in self.records[self._flushed:])
        run = self.run_budget.spent() if self.run_budget is not None else self.cost
        return {"project": float(self.project.ledger_totals()["cost"]) + unwritten, "run": run}

    def flush(self, saved: bool, version_id: str | None = None) -> None:
        for r in self.records[self._flushed:]:
            self.project.add_ledger(r.role, r.model, r.tokens_in, r.tokens_out, r.cost, r.latency,
                                    version_id=(version_id or self.version_id) if saved else None,
                                    job_id=self.job_id)
        self._flushed = len(self.records)


# Scratch folders of the evaluations made by one public call (recordings are copied into the
# project by store_report; the files on disk are removed when the call ends, however it ends).
_SCRATCH: contextvars.ContextVar[list | None] = contextvars.ContextVar("ludeme_scratch", default=None)


def _cleans_scratch(fn):
    """Scratch folders made during the call are removed after it."""
    @functools.wraps(fn)
    def wrapper(*args, **kw):
        token = _SCRATCH.set([])
        try:
            return fn(*args, **kw)
        finally:
            for folder in _SCRATCH.get() or ():
                shutil.rmtree(folder, ignore_errors=True)
            _SCRATCH.reset(token)
    return wrapper


def _defaults(project: Project, settings, api_base, model, eval_settings, evaluate_fn, progress):
    """Fill in what a caller left out: agent settings, the project's evaluation and reward
    settings, the model, the evaluator."""
    from ludeme.agents.settings import AgentSettings

    settings = settings or AgentSettings()
    if api_base:
        settings = settings.model_copy(update={"api_base": api_base})
    return (settings, model or settings.default_model, eval_settings or evaluation_settings(project),
            evaluate_fn or _default_evaluate, progress or (lambda fraction, message: None))


def _default_evaluate(files, settings, **kw):
    """This machine, or the cluster the worker was told to use (``evolution.pool.use_cluster``)."""
    from ludeme.evolution.pool import evaluate_default

    return evaluate_default(files, settings, **kw)


@_cleans_scratch
def mutate(project: Project, parent_id: str, *, direction: str = "", model: str | None = None,
           api_base: str | None = None, settings=None, eval_settings=None, seed: int | None = None,
           job_id: int | None = None, evaluate_fn: Callable | None = None,
           progress: Callable[[float, str], None] | None = None, operator: str = "mutate",
           note: str = "", run_budget=None) -> MutationResult:
    """Make, evaluate and save one child of ``parent_id``. Never raises for model or game trouble:
    the result says what happened (``ok`` False and ``error`` set, nothing saved). ``run_budget``
    (an evolution run's ``RunBudget``): every model call is checked against the run's whole spend."""

    started = time.perf_counter()
    settings, model, eval_settings, evaluate_fn, progress = _defaults(project, settings, api_base, model, eval_settings,
                                                                      evaluate_fn, progress)
    parent = project.version(parent_id)
    parent_html = project.version_files(parent_id).get("index.html", b"").decode("utf-8", "replace")
    if seed is None:  # stable across processes (str hashes are salted per process)
        seed = zlib.crc32(f"{parent_id}|{direction}|{project.count_versions()}".encode()) & 0xFFFF
    version_id = new_id()
    spend = _Spend(project, version_id, job_id, run_budget)
    if run_budget is not None and run_budget.limit is not None:
        settings = settings.model_copy(update={"run_budget_usd": run_budget.limit})
    result = MutationResult(ok=False, model=model, parent_mechanics=list(parent.mechanics or ()))
    # Novelty is measured against the whole lineage (not only the parent), like CreativeGame's archive
    others = [set(v.mechanics) for v in project.versions(parent.lineage_id) if v.mechanics]
    try:
        if model == OFFLINE:
            html, plan, realised, report = _offline_child(parent_html, direction, seed, eval_settings,
                                                          evaluate_fn, result, progress, others)
        else:
            html, plan, realised, report = _llm_child(project, parent, parent_html, direction, model, settings,
                                                      eval_settings, evaluate_fn, spend, result, progress, others)
    except Exception as exc:  # an LLMError, a refusal, an exhausted budget...: nothing is saved
        from ludeme.agents.errors import BudgetExceeded

        if isinstance(exc, BudgetExceeded) and run_budget is not None:
            run_budget.refused()  # no other child of the run should start
        result.error = _one_line(exc)
        result.cost, result.tokens_in, result.tokens_out = spend.cost, spend.tokens_in, spend.tokens_out
        spend.flush(saved=False)
        result.wall_time = round(time.perf_counter() - started, 3)
        return result
    except BaseException:  # cancelled by the worker: the calls already made were still paid for
        spend.flush(saved=False)
        raise

    progress(0.9, "saving the new version")
    result.cost, result.tokens_in, result.tokens_out = spend.cost, spend.tokens_in, spend.tokens_out
    result.ok, result.version_id, result.verdict, result.reward = True, version_id, report.verdict, report.reward
    result.plan, result.realised = plan, list(realised)
    result.wall_time = round(time.perf_counter() - started, 3)
    planned = planned_ids(plan)
    save_version(project, NewVersion(
        parent.lineage_id, {"index.html": html.encode("utf-8")}, [parent_id], operator, report, plan=plan,
        realised=list(realised), planned=planned, seed=seed, model=model, direction=direction, note=note,
        started=started, version_id=version_id, lesson=direction or plan.get("intent", "")),
        spend=spend, job_id=job_id, job_result=result.to_dict())
    if result.llm is not None:
        progress(0.95, "reflecting on the result")
        _after_save(project, parent.lineage_id, version_id, html, report, result, spend)
        result.llm = None
    progress(1.0, f"saved {version_id}: {report.verdict}")
    return result


def _evaluate(evaluate_fn, html: str, eval_settings, parent_html: str, planned, result: MutationResult,
              novelty_against=None, probes=None):
    tmp = tempfile.mkdtemp(prefix="ludeme-mutate-")
    scratch = _SCRATCH.get()
    if scratch is not None:
        scratch.append(tmp)
    kw = {"novelty_against": novelty_against} if novelty_against else {}
    if probes:
        kw["probes"] = list(probes)
    report = evaluate_fn({"index.html": html.encode("utf-8")}, eval_settings, parent_html=parent_html,
                         planned=tuple(planned), record_path=Path(tmp) / "recording.webm", **kw)
    result.rounds += 1
    return report


def _offline_child(parent_html, direction, seed, eval_settings, evaluate_fn, result, progress, novelty_against=None):
    """An offline child: kit modules recombined (a kit game) or named numbers and colours tuned (any
    other game, agents/offline_any); a child that broke its game is resampled, not repaired."""
    from ludeme.agents.offline import generate
    from ludeme.agents.offline_any import NotUnderstood, tuned_result, understood_words
    from ludeme.core.archive import load_archive
    from ludeme.evaluation.static_checks import is_kit_game, kit_modules

    kit = is_kit_game(parent_html)
    archive = load_archive() if kit else None
    best = None
    for attempt in range(OFFLINE_ATTEMPTS):
        s = seed + attempt * 7919
        what = "recombining kit mechanics" if kit else "tuning named numbers and colours"
        progress(0.1 + 0.25 * attempt, what + (f" (try {attempt + 1})" if attempt else ""))
        if not kit:
            child = tuned_result(parent_html, seed=s, direction=direction)
        else:
            child = generate(parent_html, seed=s, direction=direction, archive=archive)
            if direction.strip() and child.followed is False:
                raise NotUnderstood(
                    f"the offline generator cannot follow {direction.strip()!r} in this game: no mechanic it "
                    f"knows fits it. It understands {', '.join(understood_words())} and the names of kit "
                    "mechanics (Mechanics ▸ archive). Choose a language model in Settings ▸ Models to follow "
                    "any direction.")
            if not direction and set(child.realised) == set(kit_modules(parent_html)):
                # with no direction, a child should bring a new mechanic, not only new numbers
                child = generate(parent_html, seed=s, archive=archive, mode="structure")
        planned = planned_ids(child.plan)
        progress(0.3 + 0.25 * attempt, "playtesting")
        report = _evaluate(evaluate_fn, child.html, eval_settings, parent_html, planned, result, novelty_against)
        result.notes += list(child.notes)
        if best is None or report.reward > best[3].reward:
            best = (child.html, child.plan, list(child.realised), report)
        if report.verdict == "playable":
            break
        result.notes.append(f"offline try {attempt + 1} was {report.verdict}: {'; '.join(report.reasons[:2])}")
    if not kit:
        result.notes.append("tuned: " + best[1]["intent"])
    return best


def _llm_child(project: Project, parent, parent_html, direction, model, settings, eval_settings, evaluate_fn,
               spend, result, progress, novelty_against=None):
    from ludeme.agents import roles
    from ludeme.agents.retrieval import kit_modules_of, retrieve

    client = model_client(project, model, settings, spend)
    progress(0.05, "retrieving mechanics and lineage memory")
    retrieved = retrieve(project, text=f"{direction} {' '.join(parent.mechanics or ())}", lineage_id=parent.lineage_id)
    memory = project.memories(parent.lineage_id)[:5] if parent.lineage_id else []
    progress(0.1, "planning mechanics")
    plan = roles.plan(client, parent_html=parent_html, direction=direction, memory=memory, retrieved=retrieved,
                      kit_modules=kit_modules_of(project), parent=parent)
    plan_dict = plan.model_dump()
    planned = plan.planned_ids()
    progress(0.3, "writing code")
    html, outcome = roles.write_code(client, parent_html=parent_html, plan=plan, direction=direction)
    result.notes.append(f"code by {outcome.mode}" + (" after a retry" if outcome.retried else "")
                        + (", fell back to a full rewrite" if outcome.fell_back else ""))
    progress(0.5, "playtesting")
    probes = _plan_probes(plan_dict, html)
    report = _evaluate(evaluate_fn, html, eval_settings, parent_html, planned, result, novelty_against, probes)
    for round_no in range(1, int(settings.repair_rounds) + 1):
        if report.verdict not in ("broken", "timeout", "not-interactive"):
            break
        progress(0.5 + 0.1 * round_no, f"repairing (round {round_no})")
        try:
            html = roles.repair(client, html=html, report=report.to_dict(), plan=plan, round=round_no)
        except roles.RepairRejected as exc:
            result.notes.append(f"repair {round_no} rejected: {exc}")
            continue
        probes = _plan_probes(plan_dict, html)
        report = _evaluate(evaluate_fn, html, eval_settings, parent_html, planned, result, novelty_against, probes)
    progress(0.85, "asking the critic")
    _critique(client, html, report, eval_settings, result)
    result.llm = (client, plan)  # for the reflector and archivist once the version is saved
    return html, plan_dict, realised_mechanics(html, report), report


def _critique(client, html: str, report, eval_settings, result: MutationResult) -> None:
    """The critic's score joins the report's quality (its creativity term); without it the term is
    left out. Roots and children alike, so both are on one scale when a model is set."""
    if not report.contact_sheet_png or report.verdict not in ("playable", "not-interactive"):
        return
    from ludeme.agents import roles
    from ludeme.evaluation.evaluator import rescore

    try:
        critic = roles.critique(client, contact_sheet_png=report.contact_sheet_png, metrics=report.metrics, html=html)
        rescore(report, creativity=critic.score, reward_settings=getattr(eval_settings, "reward", None))
        result.notes.append(f"critic {critic.score:g}/10" + (f": {critic.problems[0]}" if critic.problems else ""))
    except Exception as exc:
        result.notes.append(f"critic skipped: {_one_line(exc)}")


def model_client(project: Project, model: str, settings, spend: "_Spend"):
    """An LLM client whose every role (planner, coder, critic, …) uses ``model``, paying into ``spend``."""
    from ludeme.agents.llm import LLMClient

    roles_models = {name: r.model_copy(update={"model": model}) for name, r in settings.roles.items()}
    run_settings = settings.model_copy(update={"roles": roles_models, "default_model": model})
    return LLMClient(run_settings, ledger=spend.record, spent=spend.spent)


def _plan_probes(plan: dict, html: str) -> list:
    """Behaviour probes for the mechanics the plan adds or changes, run on any game."""
    from ludeme.evaluation.bots import discover_controls
    from ludeme.evaluation.probes import specs_from_plan

    keys = discover_controls(html).keys
    return specs_from_plan(plan, fallback_key=keys[0] if keys else None)


def realised_mechanics(html: str, report) -> list[str]:
    """What a version shows: its kit modules and the planned mechanics whose behaviour probe passed."""
    from ludeme.evaluation.probes import passed_ids
    from ludeme.evaluation.static_checks import kit_modules

    return list(dict.fromkeys([*kit_modules(html), *passed_ids(getattr(report, "behaviour_probes", None))]))


def _after_save(project: Project, lineage_id: str, version_id: str, html: str, report, result: MutationResult,
                spend: "_Spend") -> None:
    """Reflector and archivist, when a model made the version. Their trouble never undoes it."""
    from ludeme.agents import roles
    from ludeme.core.archive import entry_from_dict

    client, plan = result.llm
    outcome = {"verdict": report.verdict, "reward": report.reward, "reasons": report.reasons[:3],
               "probes": report.probes, "events": (report.metrics or {}).get("events", {})}
    try:
        reflection = roles.reflect(client, plan=plan, outcome=outcome, memory=project.memories(lineage_id)[:5],
                                   version_id=version_id)
        for lesson in reflection.lessons[:3]:
            remember(project, lineage_id, lesson.intent, lesson.lesson, float(lesson.value))
    except Exception as exc:
        result.notes.append(f"reflector skipped: {_one_line(exc)}")
    # A new mechanic is verified when the game played and its behaviour probe passed (or its
    # telemetry shows the mechanic's event): text in a reply is not proof (CreativeGame's
    # "mechanics verified: ok" trap).
    events = set((report.metrics or {}).get("events", {}) or {})
    shown = {p["id"]: p for p in getattr(report, "behaviour_probes", []) or [] if p.get("ok")}
    known = {m.id for m in project.mechanics()}
    verified = [{**c.model_dump(), "probe_result": shown.get(c.mechanic_id, {}).get("reason", "telemetry event")}
                for c in plan.changes if c.action == "add" and c.mechanic_id not in known
                and report.verdict == "playable" and (c.mechanic_id in events or c.mechanic_id in shown)]
    if verified:
        try:
            proposal = roles.archivist(client, plan=plan, verified=verified, html=html,
                                       existing=project.mechanics(), version_id=version_id)
            if proposal.add:
                project.upsert_mechanic(entry_from_dict(proposal.entry_dict(origin=f"version:{version_id}"), "proposal"))
                result.notes.append(f"archived new mechanic {proposal.id}")
                probe = shown.get(proposal.id) or next((shown[v["mechanic_id"]] for v in verified
                                                        if v["mechanic_id"] in shown), None)
                if probe is not None:  # the version realises the mechanic it brought to the archive
                    project.set_probe_result(version_id, proposal.id, True, probe.get("reason", ""))
            else:
                result.notes.append(f"archivist added nothing: {proposal.reason or 'not new'}")
        except Exception as exc:
            result.notes.append(f"archivist skipped: {_one_line(exc)}")
    spend.flush(saved=True)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        from ludeme.agents.keys import redact

        text = redact(text)
    except Exception:
        pass
    return f"{type(exc).__name__}: {text}"[:400]
