"""One child of an evolution run (evolution/engine.py): ``make_child`` without a model (generate,
reject near-duplicates, evaluate, save in one transaction) and ``llm_child`` with one (the mutation
pipeline, its calls checked against the run's shared budget, its evaluations in the pool)."""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ludeme.agents.settings import OFFLINE
from ludeme.core.plan import planned_ids
from ludeme.evolution.dedup import RESAMPLES, DedupIndex
from ludeme.evolution.operators.save import NewVersion, save_version
from ludeme.evolution.slots import RunBudget

if TYPE_CHECKING:
    from ludeme.store.project import Project


def html_of(project: Project, vid: str) -> str:
    return project.version_files(vid).get("index.html", b"").decode("utf-8", "replace")


@dataclass
class Child:
    version_id: str | None = None
    reward: float | None = None
    verdict: str = ""
    duplicates: int = 0
    note: str = ""


def make_child(project: Project, lineage_id: str, parents: list, *, seed: int, note: str, dedup: DedupIndex,
                eval_settings, evaluate_fn, archive, others) -> Child:
    """One offline child: generate, reject near-duplicates (resample), evaluate, save."""
    from ludeme.agents.offline import crossover, generate
    from ludeme.agents.offline_any import tuned_result
    from ludeme.evaluation.static_checks import is_kit_game
    from ludeme.evolution.operators.mutate import MutationResult, _evaluate

    started = time.perf_counter()
    htmls = [html_of(project, p.id) for p in parents]
    is_cross = len(parents) > 1
    out = Child()
    best = None
    scratch = MutationResult(ok=False)
    for attempt in range(1 + RESAMPLES):
        s = seed + attempt * 7919
        if not is_kit_game(htmls[0]):  # a game not built on the kit: tuned, not recombined
            child = tuned_result(htmls[0], seed=s)
        elif is_cross:
            child = crossover(htmls if attempt % 2 == 0 else htmls[::-1], seed=s, archive=archive)
        else:  # a near-duplicate is resampled as a structural change (a new or swapped mechanic)
            child = generate(htmls[0], seed=s, archive=archive, mode="mutate" if attempt == 0 else "structure")
        if dedup.is_duplicate(child.html):
            out.duplicates += 1
            continue
        planned = planned_ids(child.plan)
        report = _evaluate(evaluate_fn, child.html, eval_settings, htmls[0], planned, scratch, others)
        if best is None or report.reward > best[3].reward:
            if best is not None:
                drop_recording(best[3])
            best = (child, planned, s, report)
        else:
            drop_recording(report)
        if report.verdict == "playable":
            break
    if best is None:
        out.note = f"{out.duplicates} near-duplicates; slot skipped"
        return out
    child, planned, s, report = best
    op = "crossover" if is_cross else "mutate"
    # One transaction: a kill at any moment leaves either no child or a child with its report,
    # recording and lesson, so a resumed run never meets a half-saved version.
    v = save_version(project, NewVersion(
        lineage_id, {"index.html": child.html.encode("utf-8")}, [p.id for p in parents], op, report, plan=child.plan,
        realised=list(child.realised), planned=planned, seed=s, model=OFFLINE, note=note, started=started,
        lesson=child.plan.get("intent", op)))
    drop_recording(report)
    dedup.add(v.id, child.html)
    out.version_id, out.reward, out.verdict = v.id, float(report.reward), report.verdict
    return out


def drop_recording(report) -> None:
    path = (getattr(report, "recording", None) or {}).get("path")
    if path and Path(path).parent.name.startswith("ludeme-mutate-"):
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def llm_child(project: Project, lineage_id, parent, *, seed, note, model, eval_settings, evaluate_fn,
               budget: RunBudget) -> Child:
    """With a real model, the pipeline makes the child (no pre-evaluation dedup there yet). Its model
    calls are made here (keys never leave this process); its evaluations go to ``evaluate_fn`` (a
    pool's, on this machine or a cluster). Each call is checked against the run's shared budget."""
    from ludeme.evolution.jobs import _agent_settings
    from ludeme.evolution.operators.mutate import mutate

    r = mutate(project, parent.id, model=model, seed=seed, eval_settings=eval_settings,
               settings=_agent_settings(project), note=note, evaluate_fn=evaluate_fn, run_budget=budget)
    if not r.ok:  # (a call refused for the run's budget has marked it refused)
        return Child(note=r.error or "failed")
    return Child(version_id=r.version_id, reward=r.reward, verdict=r.verdict)
