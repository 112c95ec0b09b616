"""`ludeme mutate` and `ludeme new`: argument checks, then the pipeline; one line per outcome."""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project


def _eval_settings(args, UsageError, project=None):
    """The project's evaluation and reward settings (or the defaults) with --seconds applied."""
    from ludeme.core.settings import evaluation_settings

    s = evaluation_settings(project, on_unreadable=lambda msg: print(f"ludeme: {msg}", file=sys.stderr))
    if getattr(args, "seconds", None) is not None:
        if not 0.5 <= args.seconds <= 120:
            raise UsageError(f"--seconds must be between 0.5 and 120, not {args.seconds:g}")
        s = s.model_copy(update={"seconds": args.seconds, "idle_seconds": min(s.idle_seconds, args.seconds)})
    return s


def _agent_settings(project: Project):
    from ludeme.agents.settings import project_settings

    return project_settings(project, on_unreadable=lambda msg: print(f"ludeme: {msg}", file=sys.stderr))


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
    from ludeme.evolution.operators import mutate
    from ludeme.cli import _open

    _eval_settings(args, UsageError)  # bad arguments are refused before the project opens
    project = _open(args.project)
    try:
        eval_settings = _eval_settings(args, UsageError, project)
        try:
            project.version(args.version)
        except Exception:
            raise UsageError(f"no version {args.version} in {args.project.name}") from None
        if getattr(args, "operator", None):
            return _print(_plugin_operator(project, args, eval_settings, UsageError), args.json)
        result = mutate(project, args.version, direction=args.direction, model=args.model or None,
                        api_base=args.api_base, settings=_agent_settings(project), eval_settings=eval_settings,
                        seed=args.seed, progress=_progress(args.json))
        return _print(result, args.json)
    finally:
        project.close()


def _plugin_operator(project: Project, args, eval_settings, UsageError):
    """``ludeme mutate --operator NAME``: a plugin operator writes the child, which is playtested and
    saved like any other (operator ``mutate``, model ``plugin:NAME``)."""
    from ludeme.evolution.operators import save_evaluated
    from ludeme.plugin_api import PluginError, get_host

    if args.model:
        raise UsageError("--operator and --model exclude each other: a plugin operator works offline")
    seed = 0 if args.seed is None else args.seed
    try:
        files = get_host().run_operator(args.operator, project.version_files(args.version), args.direction, seed)
    except PluginError as exc:
        raise UsageError(str(exc)) from None
    html = files["index.html"].decode("utf-8", "replace")
    return save_evaluated(project, [args.version], html, operator="mutate", direction=args.direction,
                          model=f"plugin:{args.operator}", seed=seed, eval_settings=eval_settings,
                          progress=_progress(args.json))


def run_new(args, UsageError) -> int:
    from ludeme.core.titles import import_title
    from ludeme.evolution.operators import import_game, new_from_idea
    from ludeme.cli import _open

    _eval_settings(args, UsageError)  # bad arguments are refused before the project opens
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
        eval_settings = _eval_settings(args, UsageError, project)
        if html is not None:
            result = import_game(project, html, title=args.title or import_title(html.decode("utf-8", "replace"), args.from_html),
                                 eval_settings=eval_settings, progress=_progress(args.json),
                                 model=args.model or None, api_base=args.api_base,
                                 settings=_agent_settings(project) if args.model else None)
        else:
            result = new_from_idea(project, args.prompt, title=args.title, model=args.model or None,
                                   api_base=args.api_base, settings=_agent_settings(project),
                                   eval_settings=eval_settings, seed=args.seed, progress=_progress(args.json))
        return _print(result, args.json)
    finally:
        project.close()


ROLE_NAMES = ("planner", "coder", "repairer", "critic", "reflector", "archivist", "judge")


def run_models(args, UsageError) -> int:
    """Model settings live in the project (never a key: AgentSettings.to_json strips them)."""
    from ludeme.cli import _open

    project = _open(args.project)
    try:
        settings = _agent_settings(project)
        data = settings.to_dict()
        changed = False
        if args.default_model:
            data["default_model"], changed = args.default_model, True
        if args.judge_model:
            data["judge_model"], changed = args.judge_model, True
        if args.api_base is not None:
            data["api_base"], changed = args.api_base or None, True
        if args.budget is not None:
            data["budget_usd"], changed = (args.budget if args.budget > 0 else None), True
        for item in args.role:
            role, _, model = item.partition("=")
            if role not in ROLE_NAMES or not model:
                raise UsageError(f"--role wants ROLE=MODEL with ROLE one of {', '.join(ROLE_NAMES)}, not {item!r}")
            data.setdefault("roles", {}).setdefault(role, {})["model"] = model
            changed = True
        if changed:
            from ludeme.agents.settings import AgentSettings

            try:
                settings = AgentSettings.from_dict(data)
            except Exception as exc:
                raise UsageError(f"invalid model settings: {str(exc).splitlines()[0]}") from None
            from ludeme.agents.settings import SETTINGS_META_KEY

            project.set_meta(SETTINGS_META_KEY, settings.to_json())
        for role in ROLE_NAMES:
            r = settings.role(role)
            print(f"{role:<10} {r.model:<32} temperature {r.temperature:g}, max tokens {r.max_tokens}")
        print(f"api base   {settings.api_base or '(provider default)'}")
        print(f"budget     {'$%.2f' % settings.budget_usd if settings.budget_usd else 'none'}"
              f" (spent ${project.ledger_totals()['cost']:.4f})")
        return 0
    finally:
        project.close()


def run_key(args, UsageError) -> int:
    from ludeme.agents.keys import KeyringUnavailable, store_api_key

    key = sys.stdin.readline().strip()
    if not key:
        raise UsageError("no key on standard input (pipe it in: `printenv MY_KEY | ludeme key openai`)")
    try:
        store_api_key(args.provider, key)
    except KeyringUnavailable as exc:
        raise UsageError(str(exc)) from None
    print(f"stored the {args.provider} key in the OS keyring")
    return 0
