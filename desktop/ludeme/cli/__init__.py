"""Command line: `ludeme` (the studio on the default project) and its subcommands.

Every failure a user can cause (bad arguments, an unusable project) ends with one line on stderr
and exit code 2. Heavy imports (Qt, the store) happen inside the commands, never at import time.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ludeme import __version__

if TYPE_CHECKING:
    from ludeme.store.project import Project

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem the user can fix: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of argparse's usage block
        raise UsageError(f"{message} (see `ludeme --help`)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ludeme", description="Ludeme: a studio for the creative evolution of HTML5 games.")
    p.add_argument("--version", action="version", version=f"ludeme {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    gui = sub.add_parser("gui", help="open the studio on a project")
    gui.add_argument("--project", type=Path, help="project file (*.ludeme); default: your default project")
    gui.add_argument("--screenshot", type=Path, metavar="OUT.png",
                     help="render the window offscreen once a game plays, write the PNG, exit")
    gui.add_argument("--view", choices=("main", "compare", "inspector"), default="main",
                     help="with --screenshot: the whole window, a blind compare of two versions, or the inspector")
    gui.add_argument("--size", metavar="WxH", help="the window's size (e.g. 1024x640), instead of the last one")
    ls = sub.add_parser("list", help="list the lineages and versions of a project")
    ls.add_argument("--project", type=Path, required=True)
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    init = sub.add_parser("init", help="create a new project with the seed games")
    init.add_argument("--project", type=Path, required=True)
    ev = sub.add_parser("evaluate", help="validate, playtest, record and score games")
    ev.add_argument("targets", nargs="+", metavar="GAME.html|VERSION_ID")
    ev.add_argument("--project", type=Path, help="project holding VERSION_ID (results are stored there)")
    ev.add_argument("--seconds", type=float, help="seconds of bot play (default from settings: 10)")
    ev.add_argument("--bot", help="idle, monkey, explorer, replay or a plugin bot (see `ludeme plugins`)")
    ev.add_argument("--trace", type=Path, help="input trace (JSON) for --bot replay")
    ev.add_argument("--seed", type=int)
    ev.add_argument("--record", type=Path, metavar="OUT.webm|OUT.mp4",
                    help="write the recording (.webm: VP9+Opus, .mp4: H.264+AAC)")
    ev.add_argument("--json", action="store_true", help="machine-readable report")
    ev.add_argument("--jobs", type=int, default=1, help="evaluate several games at once (one process each)")
    mu = sub.add_parser("mutate", help="grow a new version from a parent: plan, code, playtest, save")
    mu.add_argument("version", metavar="VERSION_ID")
    mu.add_argument("--project", type=Path, required=True)
    mu.add_argument("--direction", default="", help='e.g. "add a double jump", "harder", "more juice"')
    mu.add_argument("--model", help="any litellm model string; default: offline (no key, no network)")
    mu.add_argument("--api-base", help="OpenAI-compatible server, e.g. http://localhost:11434/v1")
    mu.add_argument("--seed", type=int)
    mu.add_argument("--seconds", type=float, help="seconds of bot play when evaluating")
    mu.add_argument("--operator", metavar="NAME", help="a plugin mutation operator instead of the model (offline)")
    mu.add_argument("--json", action="store_true")
    new = sub.add_parser("new", help="start a lineage from an idea or an HTML game")
    new.add_argument("--project", type=Path, required=True)
    source = new.add_mutually_exclusive_group(required=True)
    source.add_argument("--prompt", help="a one-line idea")
    source.add_argument("--from-html", type=Path, metavar="FILE", help="import a game")
    new.add_argument("--title")
    new.add_argument("--model")
    new.add_argument("--api-base")
    new.add_argument("--seed", type=int)
    new.add_argument("--seconds", type=float)
    new.add_argument("--json", action="store_true")
    mo = sub.add_parser("models", help="show or set the project's models, API base and budget")
    mo.add_argument("--project", type=Path, required=True)
    mo.add_argument("--default-model", metavar="M", help='litellm model string, or "offline"')
    mo.add_argument("--role", action="append", default=[], metavar="ROLE=MODEL",
                    help="a model for one role (planner, coder, repairer, critic, reflector, archivist, judge)")
    mo.add_argument("--judge-model", metavar="M")
    mo.add_argument("--api-base", metavar="URL")
    mo.add_argument("--budget", type=float, metavar="USD", help="project budget; 0 or less removes it")
    wk = sub.add_parser("worker", help="run the project's queued jobs (mutate, fork, ...) until stopped")
    wk.add_argument("--project", type=Path, required=True)
    wk.add_argument("--jobs", type=int, help="jobs at once, one process each (default: one per two cores, as many "
                                             "as fit in free memory)")
    wk.add_argument("--ray", metavar="ADDRESS", help="evaluate the jobs' games on a Ray cluster (auto, HOST:PORT or "
                                                     "ray://HOST:PORT; default: the project's Settings ▸ "
                                                     "Evaluation ▸ Cluster, else this machine)")
    wk.add_argument("--once", action="store_true", help="exit once the queue is empty")
    wk.add_argument("--idle-exit", type=float, metavar="SECONDS", help="exit after the queue has been empty this long")
    wk.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child: run this claimed job
    wk.add_argument("--worker-id", help=argparse.SUPPRESS)
    wk.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    wk.add_argument("--stale-after", type=float, default=10.0, help=argparse.SUPPRESS)
    key = sub.add_parser("key", help="store an API key in the OS keyring (read from standard input)")
    key.add_argument("provider", help="openai, anthropic, gemini, openrouter, ...")
    vo = sub.add_parser("vote", help="record a human pairwise vote between two versions")
    vo.add_argument("--project", type=Path, required=True)
    vo.add_argument("left", metavar="LEFT")
    vo.add_argument("right", metavar="RIGHT")
    vo.add_argument("outcome", metavar="left|right|tie|both_bad")
    vo.add_argument("--blind", action="store_true", help="the voter did not see which version was which")
    ra = sub.add_parser("rate", help="give a version 0 to 5 stars")
    ra.add_argument("--project", type=Path, required=True)
    ra.add_argument("version", metavar="VERSION_ID")
    ra.add_argument("stars", metavar="STARS", help="0 to 5")
    rs = sub.add_parser("ratings", help="fit Bradley–Terry ratings from the votes and show them")
    rs.add_argument("--project", type=Path, required=True)
    rs.add_argument("--lineage", metavar="LINEAGE_ID", help="only votes between versions of this lineage")
    rs.add_argument("--voter", choices=("human", "judge", "all"), default="human")
    rs.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    rs.add_argument("--json", action="store_true")
    evo = sub.add_parser("evolve", help="evolve a lineage unattended: generations of chosen parents' children")
    evo.add_argument("--project", type=Path, required=True)
    evo.add_argument("--lineage", required=True, metavar="L", help="lineage id or title")
    evo.add_argument("--generations", type=int, default=5)
    evo.add_argument("--population", type=int, default=6)
    evo.add_argument("--budget", type=float, metavar="USD")
    evo.add_argument("--model", metavar="M", help="default: offline")
    evo.add_argument("--seconds", type=float, metavar="S", help="length of each playtest")
    evo.add_argument("--seed", type=int, default=0)
    evo.add_argument("--resume", metavar="RUN", help="continue this run")
    evo.add_argument("--ray", metavar="ADDRESS", help="evaluate on a Ray cluster: auto, HOST:PORT or ray://HOST:PORT "
                                                       "(pip install '.[cluster]'); model calls stay on this machine")
    evo.add_argument("--jobs", type=int, metavar="N", help="children made at once, each evaluated in its own "
                                                           "process (default: one per two cores, as many as fit "
                                                           "in free memory); a model's children too: their calls run "
                                                           "on threads here")
    ex = sub.add_parser("export", help="export a lineage or version: bundle, itch, gallery, git or clip")
    ex.add_argument("target", metavar="TARGET", help="lineage id or title, or version id")
    ex.add_argument("--project", type=Path, required=True)
    ex.add_argument("--format", default="bundle", metavar="FORMAT",
                    help="bundle (lossless, re-importable; default), itch, gallery, git or clip")
    ex.add_argument("--out", type=Path, required=True, metavar="PATH", help="file or folder to write")
    im = sub.add_parser("import", help="import a lineage bundle (checked completely first; nothing is written if refused)")
    im.add_argument("bundle", type=Path, metavar="BUNDLE")
    im.add_argument("--project", type=Path, required=True)
    im.add_argument("--copy", action="store_true",
                    help="import under new ids (for a bundle this project already has)")
    pl = sub.add_parser("plugins", help="list the loaded plugins, what they add, and any problems")
    pl.add_argument("--json", action="store_true")
    return p


def _open(path: Path | None, *, default_if_missing: bool = False):
    from ludeme.store import ProjectError, open_project
    from ludeme.store.seeding import ensure_default_project

    try:
        if path is None:
            return ensure_default_project()
        if not path.exists():
            raise UsageError(f"no such project: {path} (create one with `ludeme init --project {path}`)")
        return open_project(path)
    except ProjectError as exc:
        raise UsageError(str(exc)) from None


def cmd_gui(args) -> int:
    if args.screenshot is not None and args.screenshot.suffix.lower() != ".png":
        raise UsageError(f"--screenshot must name a .png file, not {args.screenshot}")
    size = None
    if args.size:
        m = re.fullmatch(r"(\d{3,4})[x×](\d{3,4})", args.size.strip())
        if not m:
            raise UsageError(f"--size wants WIDTHxHEIGHT such as 1024x640, not {args.size!r}")
        size = (int(m.group(1)), int(m.group(2)))
    last = _last_project() if args.project is None else None
    try:
        project = _open(args.project or last)
    except UsageError as exc:
        if last is None:
            raise
        print(f"ludeme: could not reopen {last} ({exc}); opening the default project", file=sys.stderr)
        project = _open(None)
    from ludeme.app import run_studio

    try:
        return run_studio(project, screenshot=args.screenshot, view=args.view, size=size)
    finally:
        project.close()


def _last_project() -> Path | None:
    """The studio reopens the project it showed last (the newest entry of Open recent), when it is
    still there; otherwise the default project."""
    try:
        from ludeme.ui.prefs import AppPrefs

        recent = AppPrefs().get("recent_projects", [])
        last = Path(recent[0]) if isinstance(recent, list) and recent and isinstance(recent[0], str) else None
    except Exception:  # unreadable preferences: the default project
        return None
    return last if last is not None and last.is_file() else None


def cmd_list(args) -> int:
    project = _open(args.project)
    try:
        lineages = project.lineages()
        versions = project.versions()
        by_lineage: dict[str, list] = {lin.id: [] for lin in lineages}
        for v in versions:
            by_lineage.setdefault(v.lineage_id, []).append(v)
        if args.json:
            out = {"project": str(project.path), "lineages": [
                {"id": lin.id, "title": lin.title, "tags": list(lin.tags), "versions": [
                    {"id": v.id, "status": v.status, "operator": v.operator, "reward": v.reward,
                     "parents": list(v.parents), "generation": v.generation}
                    for v in by_lineage.get(lin.id, [])]}
                for lin in lineages]}
            print(json.dumps(out, indent=2))
        else:
            print(f"{project.path}: {len(lineages)} lineages, {len(versions)} versions")
            for lin in lineages:
                vs = by_lineage.get(lin.id, [])
                tags = f" [{', '.join(lin.tags)}]" if lin.tags else ""
                print(f"  {lin.title}{tags} — {len(vs)} version{'s' * (len(vs) != 1)}")
                for v in vs:
                    reward = "—" if v.reward is None else f"{v.reward:.2f}"
                    print(f"    {v.id}  {v.operator:<9} {v.status:<10} reward {reward}")
        return 0
    finally:
        project.close()


def cmd_init(args) -> int:
    from ludeme.store import ProjectError
    from ludeme.store.seeding import create_default_project

    if args.project.exists():
        raise UsageError(f"{args.project} already exists; choose a new file name")
    if not args.project.parent.exists():
        raise UsageError(f"folder {args.project.parent} does not exist")
    try:
        project = create_default_project(args.project)
    except ProjectError as exc:
        raise UsageError(str(exc)) from None
    n = len(project.lineages())
    project.close()
    print(f"created {args.project} with {n} seed lineages")
    return 0


def cmd_evaluate(args) -> int:
    from ludeme.cli.evaluate import run_evaluate

    return run_evaluate(args, UsageError)


def cmd_mutate(args) -> int:
    from ludeme.cli.agents import run_mutate

    return run_mutate(args, UsageError)


def cmd_new(args) -> int:
    from ludeme.cli.agents import run_new

    return run_new(args, UsageError)


def cmd_models(args) -> int:
    from ludeme.cli.agents import run_models

    return run_models(args, UsageError)


def cmd_key(args) -> int:
    from ludeme.cli.agents import run_key

    return run_key(args, UsageError)


def cmd_worker(args) -> int:
    if args.jobs is None:
        from ludeme.evolution.pool import default_jobs

        args.jobs = default_jobs()
    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {args.jobs}")
    if args.idle_exit is not None and args.idle_exit < 0:
        raise UsageError(f"--idle-exit must be 0 or more seconds, not {args.idle_exit:g}")
    _open(args.project).close()  # a missing or unusable project is a one-line error
    from ludeme.evolution.worker import run_one, run_worker

    if args.ray is not None:
        from ludeme.core.settings import check_cluster_address

        try:
            args.ray = check_cluster_address(args.ray)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.one is not None:
        return run_one(args.project, args.one, args.worker_id or "", parent_pid=args.parent_pid, ray=args.ray)
    stop = None
    if args.parent_pid:  # started by the studio: stop (gracefully) once the studio has gone
        import os

        stop = lambda: os.getppid() != args.parent_pid  # noqa: E731
    stats = run_worker(args.project, jobs=args.jobs, once=args.once, idle_exit=args.idle_exit, stop=stop,
                       worker_id=args.worker_id, stale_after=args.stale_after, ray=args.ray,
                       log=lambda line: print(f"ludeme worker: {line}", file=sys.stderr))
    print(f"ran {stats.started} job{'s' * (stats.started != 1)}, {stats.requeued} requeued")
    return 0


def _version_ids(project: Project, *ids: str) -> None:
    known = {v.id for v in project.versions()}
    for vid in ids:
        if vid not in known:
            raise UsageError(f"no version {vid!r} in {project.path}")


def cmd_plugins(args) -> int:
    from ludeme.plugin_api import get_host

    host = get_host()
    if args.json:
        print(json.dumps({"plugins": [{"name": p.name, "origin": p.origin, "contributions": list(p.contributions)}
                                      for p in host.plugins],
                          "problems": [{"name": p.name, "reason": p.reason} for p in host.problems]}, indent=2))
    else:
        print("\n".join(host.summary_lines()) or "no plugins")
    return 0


def cmd_evolve(args) -> int:
    from ludeme.cli.evolve import run_evolve

    project = _open(args.project)
    try:
        return run_evolve(project, args, UsageError)
    finally:
        project.close()


def cmd_vote(args) -> int:
    outcomes = ("left", "right", "tie", "both_bad")
    if args.outcome not in outcomes:
        raise UsageError(f"outcome must be one of {', '.join(outcomes)}, not {args.outcome!r}")
    if args.left == args.right:
        raise UsageError("a vote compares two different versions")
    project = _open(args.project)
    try:
        _version_ids(project, args.left, args.right)
        vote = project.add_vote(args.left, args.right, args.outcome, blind=args.blind)
        print(f"vote {vote.id}: {args.left} vs {args.right}: {args.outcome}")
        return 0
    finally:
        project.close()


def cmd_rate(args) -> int:
    try:
        stars = int(args.stars)
    except ValueError:
        stars = -1
    if not 0 <= stars <= 5:
        raise UsageError(f"stars must be a whole number from 0 to 5, not {args.stars!r}")
    project = _open(args.project)
    try:
        _version_ids(project, args.version)
        project.set_rating(args.version, stars)
        print(f"{args.version}: {stars} star{'s' * (stars != 1)}")
        return 0
    finally:
        project.close()


def cmd_ratings(args) -> int:
    project = _open(args.project)
    try:
        if args.lineage is not None and args.lineage not in {lin.id for lin in project.lineages(include_archived=True)}:
            raise UsageError(f"no lineage {args.lineage!r} in {project.path}")
        from ludeme.evolution.ratings import fit_project, project_votes, tallies, update_bt_scores

        votes = project_votes(project, lineage_id=args.lineage, voter=args.voter)
        if args.voter == "human" and args.lineage is None:  # the project-wide human fit is the stored one
            fit = update_bt_scores(project, voter="human", seed=args.seed)
        else:
            fit = fit_project(project, lineage_id=args.lineage, voter=args.voter, seed=args.seed)
        counts = tallies(votes)
        versions = [v for v in project.versions(args.lineage) if v.id in fit or v.id in counts or v.rating is not None]
        versions.sort(key=lambda v: -fit[v.id].score if v.id in fit else float("inf"))
        rows = []
        for v in versions:
            r, t = fit.get(v.id), counts.get(v.id)
            rows.append({"version": v.id, "lineage": v.lineage_id,
                         "rating": None if r is None else round(r.score, 1),
                         "low": None if r is None else round(r.low, 1),
                         "high": None if r is None else round(r.high, 1),
                         "wins": t.wins if t else 0, "losses": t.losses if t else 0,
                         "ties": t.ties if t else 0, "both_bad": t.both_bad if t else 0, "stars": v.rating})
        if args.json:
            print(json.dumps({"project": str(project.path), "voter": args.voter, "lineage": args.lineage,
                              "votes": len(votes), "versions": rows}, indent=2))
        else:
            print(f"{project.path}: {len(votes)} {args.voter} vote{'s' * (len(votes) != 1)}"
                  + (f" in lineage {args.lineage}" if args.lineage else ""))
            print(f"  {'version':<14} {'rating':>7}  {'95% interval':<15} {'W':>4} {'L':>4} {'T':>4}  stars")
            for row in rows:
                rating = "—" if row["rating"] is None else f"{row['rating']:.0f}"
                interval = "" if row["rating"] is None else f"[{row['low']:.0f}, {row['high']:.0f}]"
                stars = "—" if row["stars"] is None else str(row["stars"])
                print(f"  {row['version']:<14} {rating:>7}  {interval:<15} {row['wins']:>4} {row['losses']:>4}"
                      f" {row['ties']:>4}  {stars}")
        return 0
    finally:
        project.close()


def cmd_export(args) -> int:
    from ludeme.exchange import ExchangeError, exporter, formats

    if args.format not in formats():  # maybe a plugin's format: loading plugins registers them
        from ludeme.plugin_api import get_host

        get_host()
    try:
        fn = exporter(args.format)
    except ExchangeError as exc:
        raise UsageError(str(exc)) from None
    project = _open(args.project)
    try:
        path = fn(project, args.target, args.out)
    except ExchangeError as exc:
        raise UsageError(str(exc)) from None
    except (KeyError, ValueError, OSError) as exc:  # an exporter's own one-line complaint
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise UsageError(f"cannot export {args.target} as {args.format}: {text}") from None
    finally:
        project.close()
    print(f"exported {args.target} as {args.format}: {path}")
    return 0


def cmd_import(args) -> int:
    from ludeme.exchange import ImportRefused
    from ludeme.exchange.validate import read_bundle

    try:
        bundle = read_bundle(args.bundle)  # refuse a bad bundle before even opening the project
    except ImportRefused as exc:
        raise UsageError(f"import refused: {exc}") from None
    from ludeme.exchange.bundle import import_checked

    project = _open(args.project)
    try:
        result = import_checked(project, bundle, as_copy=args.copy)
    except ImportRefused as exc:
        raise UsageError(f"import refused: {exc}") from None
    finally:
        project.close()
    print(result.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _parser().parse_args(argv)
        handler = {"gui": cmd_gui, "list": cmd_list, "init": cmd_init, "evaluate": cmd_evaluate,
                   "mutate": cmd_mutate, "new": cmd_new, "models": cmd_models, "key": cmd_key,
                   "worker": cmd_worker, "vote": cmd_vote, "rate": cmd_rate,
                   "ratings": cmd_ratings, "evolve": cmd_evolve, "plugins": cmd_plugins,
                   "export": cmd_export, "import": cmd_import}.get(args.command)
        if handler is None:  # bare `ludeme`: the studio on the default project
            args = _parser().parse_args(["gui"])
            handler = cmd_gui
        return handler(args)
    except UsageError as exc:
        print(f"ludeme: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
