"""Job functions: plain data in, plain data out (DESIGN.md §1).

Each takes ``(project, payload, *, job_id, progress)`` and returns a JSON-able dict. ``progress``
is called as ``progress(fraction, message)``; it may raise (the job was cancelled), so a function
must write nothing before its commit point. The commit point is the first call with
``fraction >= COMMIT_FRACTION``: from then on the job is finished even if a cancel arrives, so that
no half-written version is ever left behind. A result with ``"ok": False`` marks the job failed
(its ``"error"`` is the job's error). :data:`JOB_FUNCTIONS` lists the kinds.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project

COMMIT_FRACTION = 0.9

Progress = Callable[[float, str], None]
JobFunction = Callable[..., dict]


def _eval_settings(payload: Mapping[str, Any], project=None):
    """The project's evaluation and reward settings (the studio's Settings ▸ Evaluation and ▸
    Reward), or the defaults; a ``seconds`` in the payload wins."""
    from ludeme.core.settings import evaluation_settings

    s = evaluation_settings(project)
    seconds = payload.get("seconds")
    if seconds is not None:
        s = s.model_copy(update={"seconds": float(seconds),
                                 "idle_seconds": min(s.idle_seconds, float(seconds))})
    return s


def _agent_settings(project: Project):
    from ludeme.agents.settings import project_settings

    return project_settings(project)


def mutate_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
               progress: Progress | None = None) -> dict:
    """payload: version_id, direction, model, api_base, seed, seconds (all but version_id optional)."""
    from ludeme.evolution.operators import mutate

    seed = payload.get("seed")
    result = mutate(project, str(payload["version_id"]), direction=str(payload.get("direction") or ""),
                    model=payload.get("model") or None, api_base=payload.get("api_base") or None,
                    settings=_agent_settings(project), eval_settings=_eval_settings(payload, project),
                    seed=None if seed is None else int(seed), job_id=job_id, progress=progress,
                    operator=str(payload.get("operator") or "mutate"))
    return result.to_dict()


def fork_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
             progress: Progress | None = None) -> dict:
    """payload: version_id, note (optional). A copy of the version as its child (operator fork),
    with its evaluation copied rather than re-run."""
    from ludeme.evolution.operators import fork

    progress = progress or (lambda fraction, message: None)
    source_id = str(payload["version_id"])
    progress(0.1, f"reading {source_id}")
    project.version(source_id)
    progress(COMMIT_FRACTION, "saving the fork")
    result = fork(project, source_id, note=str(payload.get("note") or ""), job_id=job_id)
    progress(1.0, f"saved {result['version_id']}")
    return result


def crossover_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
                  progress: Progress | None = None) -> dict:
    """payload: version_ids (two or more), seed, seconds. The first parent's game with mechanics
    and parameters grafted from the others; one parent edge per parent (a multi-parent version)."""
    from ludeme.agents.offline import crossover
    from ludeme.evolution.operators import save_evaluated

    ids = [str(v) for v in payload.get("version_ids") or ()]
    if len(ids) < 2 or len(set(ids)) != len(ids):
        return {"ok": False, "error": "crossover needs two or more different versions"}
    htmls = [project.version_files(v)["index.html"].decode("utf-8", "replace") for v in ids]
    seed = int(payload.get("seed") or 0)
    child = crossover(htmls, seed=seed)
    result = save_evaluated(project, ids, child.html, operator="crossover", plan=child.plan, model="offline",
                            seed=seed, eval_settings=_eval_settings(payload, project), progress=progress,
                            job_id=job_id)
    return result.to_dict()


def explore_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
                progress: Progress | None = None) -> dict:
    """payload: version_id, seed, seconds. Injects an under-used archive mechanic (kit module) that
    the version does not have yet, by a directed mutation."""
    import zlib

    from ludeme.agents.offline import generate

    version = project.version(str(payload["version_id"]))
    html = project.version_files(version.id)["index.html"].decode("utf-8", "replace")
    have = set(version.mechanics or ())
    seed = int(payload.get("seed") if payload.get("seed") is not None else zlib.crc32(version.id.encode()) & 0xFFFF)
    # the least used executable mechanics first (usage from the archive's statistics), ties by id
    candidates = sorted((m for m in project.mechanics() if m.kit_module and m.kit_module not in have),
                        key=lambda m: (m.usage_count, m.success_count, m.id))
    for m in candidates:
        direction = f"add {m.name.lower()}"
        # a dry run of the generator (no evaluation): does this mechanic fit this game?
        if m.kit_module in generate(html, seed=seed, direction=direction).realised:
            return mutate_job(project, {**payload, "direction": direction, "seed": seed, "operator": "explore"},
                              job_id=job_id, progress=progress)
    return {"ok": False, "error": "no under-used kit mechanic fits this version"}


def manual_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
               progress: Progress | None = None) -> dict:
    """payload: version_id, html, note. A person's edit of a version becomes its child (operator
    manual), evaluated like any other."""
    from ludeme.evolution.operators import save_evaluated

    html = str(payload.get("html") or "")
    if not html.strip():
        return {"ok": False, "error": "the edited code is empty"}
    result = save_evaluated(project, [str(payload["version_id"])], html, operator="manual",
                            direction=str(payload.get("note") or "manual edit"),
                            eval_settings=_eval_settings(payload, project), progress=progress, job_id=job_id)
    return result.to_dict()


def repair_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
               progress: Progress | None = None) -> dict:
    """payload: version_id, model, seconds. Makes the version again: its parent is mutated with the
    same direction and a new seed (the pipeline's own repair rounds already patched what they could
    when the version was made, so a broken result is resampled rather than patched twice)."""
    version = project.version(str(payload["version_id"]))
    parent = version.parents[0] if version.parents else version.id
    return mutate_job(project, {**payload, "version_id": parent, "direction": version.direction,
                                "seed": (version.seed or 0) + 104729, "operator": "repair"},
                      job_id=job_id, progress=progress)


def import_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
               progress: Progress | None = None) -> dict:
    """payload: html, title, seconds. A person's HTML game becomes the root of a new lineage."""
    from ludeme.core.titles import import_title
    from ludeme.evolution.operators import import_game

    html = payload.get("html") or ""
    if not str(html).strip():
        return {"ok": False, "error": "the HTML file is empty"}
    title = str(payload.get("title") or import_title(str(html)))
    model = str(payload.get("model") or "") or None
    result = import_game(project, str(html).encode("utf-8"), title=title, model=model,
                         api_base=payload.get("api_base") or None,
                         eval_settings=_eval_settings(payload, project), progress=progress, job_id=job_id)
    return result.to_dict()


def idea_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
             progress: Progress | None = None) -> dict:
    """payload: prompt, title, model, api_base, seed, seconds. A new lineage from a one-line idea."""
    from ludeme.evolution.operators import new_from_idea

    prompt = " ".join(str(payload.get("prompt") or "").split())
    if not prompt:
        return {"ok": False, "error": "the idea is empty"}
    seed = payload.get("seed")
    result = new_from_idea(project, prompt, title=payload.get("title") or None, model=payload.get("model") or None,
                           api_base=payload.get("api_base") or None, settings=_agent_settings(project),
                           eval_settings=_eval_settings(payload, project), seed=None if seed is None else int(seed),
                           progress=progress, job_id=job_id)
    return result.to_dict()


def evolve_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
               progress: Progress | None = None) -> dict:
    """payload: lineage_id, generations, population, budget_usd, model, seed, seconds. Runs (or resumes)
    an evolution of the lineage. Every child is saved in its own transaction, so cancelling stops the
    run between children and keeps what it made; the run resumes where it stopped next time."""
    from ludeme.evolution.engine import evolve
    from ludeme.evolution.pool import default_jobs

    progress = progress or (lambda fraction, message: None)
    budget = payload.get("budget_usd")
    summary = evolve(project, str(payload["lineage_id"]), generations=int(payload.get("generations") or 3),
                     population=int(payload.get("population") or 4),
                     budget_usd=None if budget in (None, "") else float(budget),
                     model=payload.get("model") or None, seed=int(payload.get("seed") or 0),
                     seconds=payload.get("seconds"), jobs=int(payload.get("jobs") or default_jobs()),
                     # below the commit point until the end: a cancel always stops the run
                     progress=lambda fraction, message: progress(min(0.85, 0.85 * float(fraction)), message))
    result = summary.to_dict()
    best = "–" if summary.best_reward is None else f"{summary.best_reward:.3f}"
    result["message"] = (f"{summary.generations}/{summary.target} generations, {summary.versions} versions, "
                         f"best {best}")
    return result


def evaluate_job(project: Project, payload: Mapping[str, Any], *, job_id: int | None = None,
                 progress: Progress | None = None) -> dict:
    """payload: version_id, seconds. Playtest a stored version again (or for the first time, as the
    seed games of a new project) and keep the report, recording and thumbnail with it."""
    from ludeme.evaluation.storing import evaluate_stored

    version_id = str(payload["version_id"])
    report = evaluate_stored(project, version_id, _eval_settings(payload, project), progress=progress)
    return {"ok": True, "version_id": version_id, "verdict": report.verdict, "reward": report.reward,
            "message": f"{report.verdict}, score {report.reward:.2f}"}


# The job kinds, fixed: a worker runs exactly these (a plugin adds operators, not job kinds).
JOB_FUNCTIONS: Mapping[str, JobFunction] = MappingProxyType({
    "mutate": mutate_job, "fork": fork_job, "crossover": crossover_job, "explore": explore_job,
    "manual": manual_job, "repair": repair_job, "import": import_job, "idea": idea_job, "evolve": evolve_job,
    "evaluate": evaluate_job})
