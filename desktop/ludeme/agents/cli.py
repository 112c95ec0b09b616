"""`ludeme mutate` and `ludeme new`: argument checks, then the pipeline; one line per outcome."""
from __future__ import annotations

import json
import sys

from ludeme.agents.pipeline import OFFLINE


def _eval_settings(args, UsageError):
    from ludeme.core.settings import EvaluationSettings

    s = EvaluationSettings()
    if getattr(args, "seconds", None) is not None:
        if not 0.5 <= args.seconds <= 120:
            raise UsageError(f"--seconds must be between 0.5 and 120, not {args.seconds:g}")
        s = s.model_copy(update={"seconds": args.seconds, "idle_seconds": min(s.idle_seconds, args.seconds)})
    return s


def _agent_settings(project):
    from ludeme.agents.settings import AgentSettings

    stored = project.meta("agent_settings")
    try:
        return AgentSettings.from_json(stored) if stored else AgentSettings()
    except Exception:
        print("ludeme: the project's agent settings are unreadable; using the defaults", file=sys.stderr)
        return AgentSettings()


def _progress(quiet: bool):
    if quiet:
        return None
    return lambda fraction, message: print(f"  [{fraction * 100:3.0f}%] {message}", file=sys.stderr)


def _print(result, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_dict(), indent=2, default=str))
    elif result.ok:
        changed = sorted(set(result.realised) ^ set(result.parent_mechanics))
        print(f"{result.version_id} {result.verdict} reward {result.reward:.3f} cost ${result.cost:.4f}"
              + (f" mechanics changed: {', '.join(changed)}" if changed else ""))
    else:
        print(f"ludeme: no version saved: {result.error}", file=sys.stderr)
    return 0 if result.ok else 1


def run_mutate(args, UsageError) -> int:
    from ludeme.agents.pipeline import mutate
    from ludeme.cli import _open

    eval_settings = _eval_settings(args, UsageError)
    project = _open(args.project)
    try:
        try:
            project.version(args.version)
        except Exception:
            raise UsageError(f"no version {args.version} in {args.project.name}") from None
        result = mutate(project, args.version, direction=args.direction, model=args.model or None,
                        api_base=args.api_base, settings=_agent_settings(project), eval_settings=eval_settings,
                        seed=args.seed, progress=_progress(args.json))
        return _print(result, args.json)
    finally:
        project.close()


def run_new(args, UsageError) -> int:
    from ludeme.agents.pipeline import import_game, new_from_idea
    from ludeme.cli import _open

    eval_settings = _eval_settings(args, UsageError)
    html = None
    if args.from_html is not None:
        try:
            html = args.from_html.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.from_html}: {exc.strerror}") from None
        if not html.strip():
            raise UsageError(f"{args.from_html} is empty")
        if len(html) > 5 * 2**20:
            raise UsageError(f"{args.from_html} is over 5 MB; a single-file game should be far smaller")
    elif not args.prompt.strip():
        raise UsageError("--prompt needs an idea, e.g. --prompt \"a frog that jumps between lily pads\"")
    project = _open(args.project)
    try:
        if html is not None:
            result = import_game(project, html, title=args.title or args.from_html.stem.replace("_", " ").title(),
                                 eval_settings=eval_settings, progress=_progress(args.json))
        else:
            result = new_from_idea(project, args.prompt, title=args.title, model=args.model or None,
                                   api_base=args.api_base, settings=_agent_settings(project),
                                   eval_settings=eval_settings, seed=args.seed, progress=_progress(args.json))
        return _print(result, args.json)
    finally:
        project.close()
