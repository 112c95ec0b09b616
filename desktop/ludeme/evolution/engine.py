"""Unattended evolution of one lineage (DESIGN.md §7): generations of children from chosen parents.

Each generation chooses ``population`` parents (:mod:`selection`: islands are the branches under the
lineage's root, one per root child; when none comes from the newest evaluated generation, the last
pick is made among that generation instead, so the tree deepens every generation), makes one child
per parent (about one in ten a crossover of two parents from different islands), rejects near-duplicates before evaluating them (:mod:`dedup`,
resampling up to three times, then the slot is skipped), evaluates and saves the child, and places it
in a MAP-Elites grid (:mod:`elites`). Every two generations an insight goes into lineage memory.

The run is a record in the project (meta ``run:<id>``): lineage, settings, finished generations,
per-generation figures, status. Every child carries its run, generation and slot in its note, so a
run resumes after any interruption at the right generation and slot, and all its counts come from
the versions really saved, never from memory. No Qt here: evaluation is imported lazily.
"""
from __future__ import annotations

import json
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from ludeme.core.domain import new_id
from ludeme.evolution.dedup import THRESHOLD, DedupIndex
from ludeme.evolution.elites import Grid, describe_html
from ludeme.evolution.children import html_of, llm_child, make_child
from ludeme.evolution.pool import EvaluationCancelled
from ludeme.evolution.slots import RunBudget, SharedDedup, run_slots
from ludeme.evolution.selection import Cand, choose_parents

if TYPE_CHECKING:
    from ludeme.store.project import Project

# How much people's verdicts move a version's score for parent choice: a version rated 1400 (10:1
# odds, or 5 stars) gains RATING_INFLUENCE on its proxy reward; one rated 600 loses as much.
RATING_INFLUENCE = 0.25


def selection_score(reward: float, people: float | None) -> float:
    """The proxy reward, nudged by human votes, judge votes and stars (SelectionSettings weighs them)."""
    if people is None:
        return reward
    return reward + RATING_INFLUENCE * max(-1.0, min(1.0, (people - 1000.0) / 400.0))


def people_scores(project: Project, lineage_id: str) -> dict[str, float]:
    """Bradley–Terry (human and judge, fitted apart) and stars, combined per SelectionSettings."""
    from ludeme.evolution.ratings import selection_scores

    try:
        return selection_scores(project, lineage_id=lineage_id)
    except Exception:  # ratings must never stop a run; selection falls back to the reward
        return {}

OFFLINE = "offline"
CROSSOVER_RATE = 0.1
INSIGHT_EVERY = 2
_TAG = re.compile(r"^evolve run=(\S+) gen=(\d+) slot=(\d+)")


def tag(run_id: str, generation: int, slot: int) -> str:
    return f"evolve run={run_id} gen={generation} slot={slot}"


def parse_tag(note: str) -> tuple[str, int, int] | None:
    m = _TAG.match(note or "")
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def run_key(run_id: str) -> str:
    return f"run:{run_id}"


def _latest_key(lineage_id: str) -> str:
    return f"run-latest:{lineage_id}"


@dataclass
class RunSummary:
    run_id: str
    lineage_id: str
    status: str
    generations: int            # generations finished (whole)
    target: int
    versions: int               # versions this run saved (from the project, not memory)
    evaluated: int              # of which evaluated (not broken / rejected)
    duplicates: int             # children rejected as near-duplicates before evaluation
    skipped: int                # slots with no child (every resample a duplicate)
    crossovers: int
    cells: int                  # occupied MAP-Elites cells
    depth: int                  # tree depth of the lineage
    best_reward: float | None
    seed_reward: float | None
    cost: float
    wall_time: float
    per_generation: list = field(default_factory=list)
    nodes: dict = field(default_factory=dict)  # with a Ray cluster: where evaluations ran -> how many
    best_id: str | None = None  # the run's best child (the studio brings it into view)

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------- records
def load_run(project: Project, run_id: str) -> dict | None:
    raw = project.meta(run_key(run_id))
    return json.loads(raw) if raw else None


def save_run(project: Project, record: dict) -> None:
    record["updated"] = time.time()
    with project.db.atomic():  # the record and the lineage's pointer to it together (a kill between them made a second run)
        project.set_meta(run_key(record["run_id"]), json.dumps(record, sort_keys=True))
        project.set_meta(_latest_key(record["lineage_id"]), record["run_id"])


def latest_run(project: Project, lineage_id: str) -> dict | None:
    rid = project.meta(_latest_key(lineage_id))
    return load_run(project, rid) if rid else None


def run_versions(project: Project, lineage_id: str, run_id: str) -> dict[tuple[int, int], object]:
    """(generation, slot) → version, for the versions this run saved."""
    out = {}
    for v in project.versions(lineage_id):
        t = parse_tag(v.note)
        if t and t[0] == run_id:
            out[(t[1], t[2])] = v
    return out


# ---------------------------------------------------------------------------------------- helpers
def _root(versions) -> object:
    roots = [v for v in versions if not v.parents]
    return min(roots or versions, key=lambda v: (v.generation, v.created))


def _islands(versions, root_id: str) -> dict[str, str]:
    """version id → island (the root child it descends from; the root is its own island)."""
    by_id = {v.id: v for v in versions}
    island: dict[str, str] = {root_id: root_id}

    def find(vid: str, depth: int = 0) -> str:
        if vid in island:
            return island[vid]
        v = by_id.get(vid)
        if v is None or not v.parents or depth > 500:
            return root_id
        first = v.parents[0]
        result = vid if first == root_id else find(first, depth + 1)
        island[vid] = result
        return result

    for v in sorted(versions, key=lambda v: v.generation):
        find(v.id)
    return island


def _eval_settings(seconds: float | None, project=None):
    from ludeme.evolution.jobs import _eval_settings as make

    return make({"seconds": seconds} if seconds is not None else {}, project)


def _evaluate_root(project: Project, root, eval_settings, evaluate_fn) -> None:
    """A seed without a reward is evaluated once, so that children can be compared with it."""
    from ludeme.evaluation.storing import store_report

    report = evaluate_fn({"index.html": html_of(project, root.id).encode("utf-8")}, eval_settings)
    with project.db.atomic():  # reward, breakdown and recording together, or none of them
        store_report(project, root.id, report, None)


def _insight(project: Project, lineage_id: str, run_id: str, gens: tuple[int, int], saved: dict) -> str | None:
    """Which mechanics, once added, raised or lowered the reward over these generations."""
    deltas: dict[str, list[float]] = {}
    for (g, _), v in saved.items():
        if not gens[0] <= g <= gens[1] or v.reward is None:
            continue
        for pid in v.parents:
            try:
                p = project.version(pid)
            except KeyError:
                continue
            if p.reward is None:
                continue
            for m in set(v.mechanics) - set(p.mechanics):
                deltas.setdefault(m, []).append(float(v.reward) - float(p.reward))
    if not deltas:
        return None
    mean = {m: statistics.fmean(d) for m, d in deltas.items()}
    helped = sorted((m for m in mean if mean[m] > 0), key=lambda m: -mean[m])[:5]
    hurt = sorted((m for m in mean if mean[m] < 0), key=lambda m: mean[m])[:5]
    fmt = lambda ms: ", ".join(f"{m} ({mean[m]:+.3f}, n={len(deltas[m])})" for m in ms) or "none"
    lesson = f"helped: {fmt(helped)}; hurt: {fmt(hurt)}"
    q = max(-1.0, min(1.0, statistics.fmean(mean.values())))
    intent = f"evolution insight, run {run_id}, generations {gens[0]}-{gens[1]}"
    if any(m.intent == intent for m in project.memories(lineage_id)):  # written before a kill
        return lesson
    project.add_memory(lineage_id, intent, lesson, q=q, visits=sum(len(d) for d in deltas.values()))
    return lesson


# ---------------------------------------------------------------------------------------- the run
def evolve(project: Project, lineage_id: str, *, generations: int, population: int, budget_usd: float | None = None,
           model: str | None = None, seed: int = 0, stop: Callable[[], bool] | None = None,
           progress: Callable[[float, str], None] | None = None, eval_settings=None,
           run_id: str | None = None, seconds: float | None = None, evaluate_fn: Callable | None = None,
           crossover_rate: float = CROSSOVER_RATE, explore: float = 0.2, lam: float = 10.0,
           threshold: float = THRESHOLD, jobs: int = 1, ray: str | None = None,
           cancel: Callable[[], bool] | None = None) -> RunSummary:
    """Run (or resume) evolution of ``lineage_id`` until ``generations`` generations are finished, the
    budget is spent or ``stop()`` says so. ``run_id`` resumes that run; without it, the lineage's
    latest unfinished run is resumed, else a new run starts.

    ``jobs`` > 1 (offline): a generation's children are made ``jobs`` at a time, each evaluated in
    a process of an ``EvalPool`` and saved here (this process stays the one writer). Generations
    keep their barrier: parents are chosen from what existed when the generation began, so a
    generation's children do not depend on the order they finish in (near-duplicate rejection
    among siblings made at the same moment is the one exception).

    ``ray`` (an address: "auto", "HOST:PORT", "ray://…"): the evaluations run as Ray tasks on that
    cluster instead (``jobs`` at a time; default: the cluster's CPUs). A process already connected
    to a cluster (``pool.use_cluster``: a worker's job) uses that one, as many children at a time.

    A model's children run the same way: their model calls are made on this process's threads
    (network-bound; keys stay here), their evaluations in the pool. ``stop()`` lets running children
    finish; ``cancel()`` stops their evaluations where they are (nothing of them is saved)."""
    started = time.perf_counter()
    stop = stop or (lambda: False)
    progress = progress or (lambda fraction, message: None)
    model = model or OFFLINE
    pool = owned = None
    if evaluate_fn is None:  # a given evaluator runs here, one child at a time
        from ludeme.evolution.pool import EvalPool, RayPool, cluster_pool, evaluate_default

        if ray:
            pool = owned = RayPool(ray, int(jobs) if int(jobs) > 1 else None, cancel=cancel)
        elif cluster_pool() is not None:
            pool = cluster_pool()
            pool.cancel = cancel
            jobs = max(int(jobs), pool.jobs)
        elif int(jobs) > 1:
            pool = owned = EvalPool(int(jobs), cancel=cancel)
    parallel = pool is not None
    if owned is not None:
        evaluate_fn, jobs = owned.evaluate, owned.jobs
    elif parallel:
        evaluate_fn = evaluate_default  # counts where each evaluation ran, for the job's result
    elif evaluate_fn is None:
        from ludeme.evolution.operators.mutate import _default_evaluate as evaluate_fn
    try:
        summary = _evolve(project, lineage_id, generations=generations, population=population, budget_usd=budget_usd,
                       model=model, seed=seed, stop=stop, progress=progress, eval_settings=eval_settings,
                       run_id=run_id, seconds=seconds, evaluate_fn=evaluate_fn, crossover_rate=crossover_rate,
                       explore=explore, lam=lam, threshold=threshold, jobs=int(jobs) if parallel else 1,
                       started=started)
        summary.nodes = dict(getattr(pool, "nodes", {}) or {})
        return summary
    finally:
        if owned is not None:
            owned.close()
        elif pool is not None:
            pool.cancel = None


def _evolve(project: Project, lineage_id: str, *, generations, population, budget_usd, model, seed, stop, progress,
            eval_settings, run_id, seconds, evaluate_fn, crossover_rate, explore, lam, threshold, jobs,
            started) -> RunSummary:
    from ludeme.core.archive import load_archive
    eval_settings = eval_settings or _eval_settings(seconds, project)

    record = load_run(project, run_id) if run_id else None
    if run_id and record is None:
        raise KeyError(f"no evolution run {run_id!r} in this project")
    if record is None:
        latest = latest_run(project, lineage_id)
        if latest and latest.get("status") != "done":
            record = latest
    if record is not None and record["lineage_id"] != lineage_id:
        raise ValueError(f"run {record['run_id']} belongs to lineage {record['lineage_id']}")
    if record is None:
        record = {"run_id": new_id(), "lineage_id": lineage_id, "created": time.time(), "generation": 0,
                  "stats": [], "insights": [], "grid": []}
    record["settings"] = {"generations": int(generations), "population": int(population),
                          "budget_usd": budget_usd, "model": model, "seed": int(seed),
                          "seconds": float(eval_settings.seconds), "jobs": int(jobs)}
    record["status"] = "running"
    run_id = record["run_id"]
    save_run(project, record)

    versions = project.versions(lineage_id)
    if not versions:
        raise ValueError(f"lineage {lineage_id} has no versions to evolve")
    root = _root(versions)
    status = "running"
    if root.reward is None:
        progress(0.0, f"evaluating the seed {root.id}")
        try:
            _evaluate_root(project, root, eval_settings, evaluate_fn)
        except EvaluationCancelled:
            status = "stopped"
        root = project.version(root.id)
    archive = load_archive()
    categories = {m.id: m.category for m in project.mechanics()}
    dedup = DedupIndex(threshold)
    grid = Grid()
    for v in project.versions(lineage_id):
        html = html_of(project, v.id)
        dedup.add(v.id, html)
        if v.reward is not None and v.status == "evaluated":
            grid.add(v.id, describe_html(html, categories), v.reward)
    if jobs > 1:
        dedup = SharedDedup(dedup)

    from ludeme.evolution.jobs import _agent_settings
    # The run's money: what its saved children cost before (a resumed run), then every call made now
    limit = budget_usd if budget_usd is not None else _agent_settings(project).run_budget_usd
    budget = RunBudget(limit, spent=sum(float(v.cost or 0.0) for v in run_versions(project, lineage_id, run_id).values()))

    skipped = duplicates = partial_dups = 0
    g = int(record["generation"])
    while g < generations and status == "running":
        g += 1
        saved = run_versions(project, lineage_id, run_id)
        done_slots = {slot for (gen, slot) in saved if gen == g}
        # Parents come from what existed when the generation began: a resumed generation leaves out
        # the children it already saved, so its remaining slots get the same parents as uninterrupted.
        versions = [v for v in project.versions(lineage_id)
                    if not ((t := parse_tag(v.note)) and t[0] == run_id and t[1] >= g)]
        children: dict[str, int] = {}
        for v in versions:
            for p in v.parents:
                children[p] = children.get(p, 0) + 1
        island = _islands(versions, root.id)
        liked = people_scores(project, lineage_id)
        cands = [Cand(v.id, selection_score(float(v.reward), liked.get(v.id)), children.get(v.id, 0),
                      island.get(v.id, root.id))
                 for v in versions if v.reward is not None and v.status == "evaluated"]
        by_id = {v.id: v for v in versions}
        rng = random.Random(f"{seed}|{g}")
        parents = choose_parents(cands, population, rng=rng, lam=lam, explore=explore)
        if cands:  # the frontier breeds: one parent at least from the newest evaluated generation
            newest = max(by_id[c.id].generation for c in cands)
            if not any(by_id[p.id].generation == newest for p in parents):
                front = [c for c in cands if by_id[c.id].generation == newest]
                parents[-1] = choose_parents(front, 1, rng=rng, lam=lam, explore=0.0, by_island=False)[0]
        gen_dups = gen_skips = 0
        specs = []  # (slot, parents, note, seed): drawn in slot order, whatever order they run in
        for slot in range(population):
            if slot in done_slots:
                continue
            srng = random.Random(f"{seed}|{g}|{slot}")
            chosen = [by_id[parents[slot].id]]
            others_c = [c for c in cands if c.island != parents[slot].island] or \
                       [c for c in cands if c.id != parents[slot].id]
            if model == OFFLINE and others_c and srng.random() < crossover_rate:
                chosen.append(by_id[choose_parents(others_c, 1, rng=srng, lam=lam, explore=0.0)[0].id])
            specs.append((slot, chosen, tag(run_id, g, slot), srng.randrange(1 << 30)))
        others = [set(v.mechanics) for v in versions if v.mechanics]

        def make(spec, g=g, others=others):
            slot, chosen, note, child_seed = spec
            progress((g - 1 + slot / population) / generations,
                     f"generation {g}, child {slot + 1}/{population} of {', '.join(p.id for p in chosen)}")
            if model == OFFLINE:
                return make_child(project, lineage_id, chosen, seed=child_seed, note=note, dedup=dedup,
                                   eval_settings=eval_settings, evaluate_fn=evaluate_fn, archive=archive,
                                   others=others)
            return llm_child(project, lineage_id, chosen[0], seed=child_seed, note=note, model=model,
                              eval_settings=eval_settings, evaluate_fn=evaluate_fn, budget=budget)

        for child in run_slots(specs, make, jobs, stop, budget.exhausted, project):
            if isinstance(child, str):  # "stopped" or "budget": the rest of the generation waits
                status = child
                break
            gen_dups += child.duplicates
            if child.version_id is None:
                gen_skips += 1
                continue
            if child.verdict in ("playable", "not-interactive"):
                html = html_of(project, child.version_id)
                grid.add(child.version_id, describe_html(html, categories), child.reward)
        duplicates += gen_dups
        skipped += gen_skips
        if status != "running":
            partial_dups = gen_dups
            g -= 1
            break
        saved = run_versions(project, lineage_id, run_id)
        mine = [v for (gen, _), v in saved.items() if gen == g]
        rewards = [float(v.reward) for v in mine if v.reward is not None]
        stat = {"generation": g, "versions": len(mine),
                "evaluated": sum(1 for v in mine if v.status == "evaluated"),
                "best": max(rewards) if rewards else None,
                "mean": round(statistics.fmean(rewards), 4) if rewards else None,
                "duplicates": gen_dups, "skipped": gen_skips, "cells": grid.occupied(),
                "crossovers": sum(1 for v in mine if v.operator == "crossover")}
        record["stats"] = [s for s in record["stats"] if s["generation"] != g] + [stat]
        record["generation"] = g
        record["grid"] = grid.to_json()
        if g % INSIGHT_EVERY == 0 and g not in record["insights"]:
            lesson = _insight(project, lineage_id, run_id, (g - INSIGHT_EVERY + 1, g), saved)
            record["insights"].append(g)
            if lesson:
                progress(g / generations, f"insight: {lesson}")
        save_run(project, record)
        best = f"{stat['best']:.3f}" if stat["best"] is not None else "-"
        progress(g / generations, f"generation {g}/{generations}: {stat['versions']} versions, "
                                  f"best {best}, {gen_dups} near-duplicates rejected, {grid.occupied()} cells")
        if budget.exhausted() and g < generations:
            status = "budget"
    if status == "running":
        status = "done"
    record["status"] = status
    record["grid"] = grid.to_json()
    save_run(project, record)

    saved = run_versions(project, lineage_id, run_id)
    allv = project.versions(lineage_id)
    rewards = [float(v.reward) for v in allv if v.reward is not None and v.status == "evaluated"]
    mine = [v for v in saved.values() if v.reward is not None and v.status == "evaluated"]
    return RunSummary(best_id=max(mine, key=lambda v: float(v.reward)).id if mine else None,
        run_id=run_id, lineage_id=lineage_id, status=status, generations=int(record["generation"]),
        target=int(generations), versions=len(saved),
        evaluated=sum(1 for v in saved.values() if v.status == "evaluated"),
        duplicates=sum(s.get("duplicates", 0) for s in record["stats"]) + partial_dups,
        skipped=skipped, crossovers=sum(1 for v in saved.values() if v.operator == "crossover"),
        cells=grid.occupied(), depth=max(v.generation for v in allv) - root.generation,
        best_reward=max(rewards) if rewards else None, seed_reward=project.version(root.id).reward,
        cost=round(budget.spent(), 6), wall_time=round(time.perf_counter() - started, 3),
        per_generation=list(record["stats"]))
