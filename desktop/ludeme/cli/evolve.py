"""`ludeme evolve`: argument checks, a run of the evolution engine, one line per generation."""
from __future__ import annotations

import signal
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project


def run_evolve(project: Project, args, usage_error) -> int:
    from ludeme.evolution.engine import evolve

    """``ludeme evolve``: per-generation lines, then a summary. Ctrl-C stops after the current child."""
    import signal
    import sys

    wanted = args.lineage.strip()
    found = [lin for lin in project.lineages(include_archived=True)
             if lin.id == wanted or lin.title.lower() == wanted.lower()]
    if not found:
        raise usage_error(f"no lineage {wanted!r} in {project.path} (see `ludeme list`)")
    if len(found) > 1:
        raise usage_error(f"several lineages are called {wanted!r}: give its id ({', '.join(x.id for x in found)})")
    if args.generations < 1 or args.population < 1:
        raise usage_error("--generations and --population must be at least 1")
    from ludeme.evolution.pool import default_jobs, memory_bound_jobs

    if args.jobs is not None and not 1 <= args.jobs <= 64:
        raise usage_error(f"--jobs must be between 1 and 64, not {args.jobs}")
    if args.ray:  # the cluster's memory, not this machine's, bounds its jobs
        try:
            import ray  # noqa: F401
        except ImportError:
            raise usage_error("--ray needs Ray: install the cluster extra (pip install '.[cluster]')") from None
        jobs = args.jobs or 1
    else:
        jobs = default_jobs() if args.jobs is None else memory_bound_jobs(args.jobs)
    if args.jobs is not None and jobs < args.jobs:
        print(f"ludeme: making {jobs} child(ren) at once to stay within free memory", file=sys.stderr)
    stopping = []

    def interrupted(*_) -> None:
        # First Ctrl-C: no new child starts, the running ones finish and are saved. Second: the
        # running ones are cancelled where they are (their evaluations stop; nothing of them is saved).
        stopping.append(True)
        if len(stopping) == 1:
            print("ludeme: stopping after the running child(ren); Ctrl-C again to cancel them now",
                  file=sys.stderr, flush=True)
        elif len(stopping) == 2:
            print("ludeme: cancelling the running child(ren)", file=sys.stderr, flush=True)
            if jobs <= 1 and not args.ray:  # evaluated in this process: nothing polls, so interrupt it
                raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupted)

    def show(fraction: float, message: str) -> None:
        if message.startswith(("generation ", "insight", "evaluating the seed")) and "child" not in message:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    try:
        s = evolve(project, found[0].id, generations=args.generations, population=args.population,
                   budget_usd=args.budget, model=args.model, seed=args.seed, seconds=args.seconds,
                   run_id=args.resume, stop=lambda: bool(stopping), progress=show, jobs=jobs,
                   ray=args.ray, cancel=lambda: len(stopping) > 1)
    except KeyboardInterrupt:
        print(f"ludeme: cancelled; resume with: ludeme evolve --project {project.path} --lineage {found[0].id}",
              file=sys.stderr)
        return 1
    except ConnectionError as exc:
        raise usage_error(f"could not reach the Ray cluster at {args.ray}: {' '.join(str(exc).split())[:200]}") from None
    except (KeyError, ValueError) as exc:
        raise usage_error(str(exc).strip("'\"")) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    best = "-" if s.best_reward is None else f"{s.best_reward:.3f}"
    seed_r = "-" if s.seed_reward is None else f"{s.seed_reward:.3f}"
    print(f"run {s.run_id} {s.status}: {s.generations}/{s.target} generations, {s.versions} versions "
          f"({s.evaluated} evaluated, {s.crossovers} crossovers), {s.duplicates} near-duplicates rejected, "
          f"{s.skipped} skipped; depth {s.depth}, {s.cells} MAP-Elites cells; best {best} (seed {seed_r}); "
          f"${s.cost:.4f}; {s.wall_time:.0f} s this session")
    if s.nodes:
        print("evaluated on: " + ", ".join(f"{node} ({n})" for node, n in sorted(s.nodes.items())))
    if s.status != "done":
        print(f"resume with: ludeme evolve --project {project.path} --lineage {s.lineage_id} --resume {s.run_id}",
              file=sys.stderr)
    return 0 if s.status in ("done", "budget") else 1
