"""Operators that start from something other than a model's mutation: a person's HTML game (import),
a one-line idea, code made outside the model pipeline (a crossover, a person's edit) and a fork.
Each evaluates first and saves through the one transaction of ``save.py``."""
from __future__ import annotations

import time
import zlib
from typing import Callable, TYPE_CHECKING

from ludeme.core.domain import new_id
from ludeme.evolution.operators.mutate import (OFFLINE, MutationResult, _cleans_scratch, _default_evaluate, _defaults,
                                               _evaluate, _llm_child, _one_line, _Spend)
from ludeme.evolution.operators.save import NewVersion, save_version

if TYPE_CHECKING:
    from ludeme.store.project import Project

Progress = Callable[[float, str], None]


@_cleans_scratch
def import_game(project: Project, html: bytes, *, title: str, eval_settings=None, evaluate_fn: Callable | None = None,
                progress: Progress | None = None, job_id: int | None = None, model: str | None = None,
                api_base: str | None = None, settings=None) -> MutationResult:
    """A person's HTML game becomes the root of a new lineage, evaluated like any version. It is
    kept whatever the verdict (a broken import is the designer's to fix), marked by its status.
    With a model, the critic scores it too, as it scores the children (one scale for quality)."""
    from ludeme.core.settings import evaluation_settings
    from ludeme.evaluation.static_checks import kit_modules

    started = time.perf_counter()
    progress = progress or (lambda fraction, message: None)
    result = MutationResult(ok=False, model="")
    text = html.decode("utf-8", "replace")
    progress(0.2, "playtesting the imported game")
    eval_settings = eval_settings or evaluation_settings(project)
    report = _evaluate(evaluate_fn or _default_evaluate, text, eval_settings, None, (), result)
    version_id = new_id()
    spend = None
    if model and model != OFFLINE:
        from ludeme.agents.settings import AgentSettings
        from ludeme.evolution.operators.mutate import _critique, model_client

        settings = settings or AgentSettings()
        if api_base:
            settings = settings.model_copy(update={"api_base": api_base})
        spend = _Spend(project, version_id, job_id)
        progress(0.8, "asking the critic")
        _critique(model_client(project, model, settings, spend), text, report, eval_settings, result)
        result.model, result.cost = model, spend.cost
    progress(0.9, "saving the imported game")
    realised = kit_modules(text)
    result.ok, result.version_id, result.verdict, result.reward = True, version_id, report.verdict, report.reward
    result.realised, result.notes = realised, list(report.reasons) + result.notes
    result.wall_time = round(time.perf_counter() - started, 3)
    with project.db.atomic():  # the lineage and its root together
        from ludeme.core.titles import import_title

        lineage = project.add_lineage(title[:120] or import_title(text), description=f"Imported: {report.verdict}",
                                      tags=["imported"])
        save_version(project, NewVersion(lineage.id, {"index.html": html}, [], "import", report, realised=realised,
                                         started=started, version_id=version_id, model=model or None),
                     spend=spend, job_id=job_id, job_result=result.to_dict())
    return result


@_cleans_scratch
def new_from_idea(project: Project, prompt: str, *, title: str | None = None, model: str | None = None,
                  api_base: str | None = None, settings=None, eval_settings=None, seed: int | None = None,
                  evaluate_fn: Callable | None = None, progress: Progress | None = None,
                  job_id: int | None = None) -> MutationResult:
    """A lineage from a one-line idea: the closest kit game is bent toward the idea (offline), or
    a model rewrites it toward the idea; saved only once it has been evaluated."""
    from ludeme.agents.offline import idea_to_game

    started = time.perf_counter()
    settings, model, eval_settings, evaluate_fn, progress = _defaults(project, settings, api_base, model, eval_settings,
                                                                      evaluate_fn, progress)
    if seed is None:
        seed = zlib.crc32(prompt.encode()) & 0xFFFF
    result = MutationResult(ok=False, model=model)
    version_id = new_id()
    spend = _Spend(project, version_id, job_id)
    try:
        progress(0.1, "finding the closest kit game")
        base = idea_to_game(prompt, seed=seed)
        if model == OFFLINE:
            html, plan, realised = base.html, dict(base.plan), list(base.realised)
            result.notes += [*base.notes[:1], *plan.get("limits", [])]
            report = _evaluate(evaluate_fn, html, eval_settings, None, (), result)
        else:
            class _Root:  # the closest kit game plays the parent's part for the model
                mechanics = tuple(base.realised)
                lineage_id = None

            html, plan, realised, report = _llm_child(project, _Root, base.html, prompt, model, settings,
                                                      eval_settings, evaluate_fn, spend, result, progress)
    except Exception as exc:
        result.error = _one_line(exc)
        result.cost = spend.cost
        spend.flush(saved=False)
        return result
    result.ok, result.version_id, result.verdict, result.reward = True, version_id, report.verdict, report.reward
    result.plan, result.realised, result.cost = plan, realised, spend.cost
    result.tokens_in, result.tokens_out = spend.tokens_in, spend.tokens_out
    result.wall_time = round(time.perf_counter() - started, 3)
    result.llm = None
    with project.db.atomic():
        lineage = project.add_lineage((title or prompt)[:80], description=prompt[:500], tags=["idea"])
        save_version(project, NewVersion(lineage.id, {"index.html": html.encode("utf-8")}, [], "idea", report,
                                         plan=plan, realised=realised, seed=seed, model=model, direction=prompt,
                                         started=started, version_id=version_id),
                     spend=spend, job_id=job_id, job_result=result.to_dict())
    return result


@_cleans_scratch
def save_evaluated(project: Project, parent_ids: list[str], html: str, *, operator: str, plan: dict | None = None,
                   direction: str = "", model: str = "", seed: int = 0, eval_settings=None,
                   evaluate_fn: Callable | None = None, progress: Progress | None = None,
                   job_id: int | None = None) -> MutationResult:
    """Evaluate code made outside the model pipeline (a crossover, a person's edit) and save it as a
    child of ``parent_ids`` (one edge each, in order). Saved only once evaluated."""
    from ludeme.core.settings import evaluation_settings
    from ludeme.evaluation.static_checks import kit_modules

    started = time.perf_counter()
    progress = progress or (lambda fraction, message: None)
    parents = [project.version(pid) for pid in parent_ids]
    parent_html = project.version_files(parents[0].id).get("index.html", b"").decode("utf-8", "replace")
    result = MutationResult(ok=False, model=model, parent_mechanics=list(parents[0].mechanics or ()))
    progress(0.3, "playtesting")
    others = [set(v.mechanics) for v in project.versions(parents[0].lineage_id) if v.mechanics]
    report = _evaluate(evaluate_fn or _default_evaluate, html, eval_settings or evaluation_settings(project),
                       parent_html, (), result, others)
    progress(0.9, "saving the new version")
    realised = kit_modules(html)
    version_id = new_id()
    result.ok, result.version_id, result.verdict, result.reward = True, version_id, report.verdict, report.reward
    result.plan, result.realised = dict(plan or {}), realised
    result.notes = list(report.reasons)
    result.wall_time = round(time.perf_counter() - started, 3)
    save_version(project, NewVersion(parents[0].lineage_id, {"index.html": html.encode("utf-8")},
                                     [p.id for p in parents], operator, report, plan=plan, realised=realised,
                                     seed=seed, model=model or None, direction=direction, started=started,
                                     version_id=version_id, lesson=direction or operator),
                 job_id=job_id, job_result=result.to_dict())
    progress(1.0, f"saved {version_id}: {report.verdict}")
    return result


def fork(project: Project, source_id: str, *, note: str = "", job_id: int | None = None) -> dict:
    """A copy of a version as its child (operator fork): the same game, so its evaluation and
    recording are the source's rather than a new run's."""
    source = project.version(source_id)
    version_id = new_id()
    result = {"ok": True, "version_id": version_id, "parent_id": source_id, "reward": source.reward}
    save_version(project, NewVersion(source.lineage_id, project.version_files(source_id), [source_id], "fork",
                                     note=note or f"fork of {source_id}", version_id=version_id, copy_of=source_id),
                 job_id=job_id, job_result=result)
    return result
