"""`ludeme evaluate`: argument checks, loading the target, printing or storing the report."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ludeme.evolution.pool import memory_bound_jobs

RECORD_SUFFIXES = (".webm", ".mp4")


def _settings(args, UsageError):
    from ludeme.core.settings import EvaluationSettings

    s = EvaluationSettings()
    changes = {}
    if args.seconds is not None:
        if not 0.5 <= args.seconds <= 120:
            raise UsageError(f"--seconds must be between 0.5 and 120, not {args.seconds:g}")
        changes["seconds"] = args.seconds
    if args.bot:
        from ludeme.evaluation.bots import BOTS

        if args.bot not in BOTS:
            from ludeme.plugin_api import get_host

            plugin_bots = get_host().bots()
            if args.bot not in plugin_bots:
                known = ", ".join(list(BOTS) + sorted(plugin_bots))
                raise UsageError(f"unknown bot {args.bot!r} (choose from {known})")
        changes["bot"] = args.bot
    if args.seed is not None:
        changes["seed"] = args.seed
    return s.model_copy(update=changes)


def _load_target(target: str, project, UsageError) -> tuple[dict[str, bytes], str | None]:
    path = Path(target)
    if path.suffix.lower() in (".html", ".htm") or path.exists():
        if not path.is_file():
            raise UsageError(f"cannot read {target}: no such file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {target}: {exc.strerror}") from None
        if not data.strip():
            raise UsageError(f"{target} is empty")
        return {"index.html": data}, None
    if project is None:
        raise UsageError(f"{target} is neither an HTML file nor a version (give --project P for a version id)")
    try:
        version = project.version(target)
    except Exception:
        raise UsageError(f"no version {target} in {project.path.name}") from None
    return project.version_files(version.id), version.id


def run_evaluate(args, UsageError) -> int:
    if args.record is not None and args.record.suffix.lower() not in RECORD_SUFFIXES:
        raise UsageError(f"--record must end in .webm or .mp4, not {args.record.name}")
    if args.record is not None and len(args.targets) > 1:
        raise UsageError("--record takes one game at a time")
    if args.jobs < 1 or args.jobs > 16:
        raise UsageError("--jobs must be between 1 and 16")
    if args.bot == "replay" and args.trace is None:
        raise UsageError("--bot replay needs --trace TRACE.json")
    settings = _settings(args, UsageError)
    if len(args.targets) > 1:
        return _evaluate_many(args)

    project = None
    if args.project is not None:
        from ludeme.cli import _open

        from ludeme.core.settings import evaluation_settings

        project = _open(args.project)
        # with --project: scored with its own reward weights (Settings ▸ Reward)
        settings = settings.model_copy(update={"reward": evaluation_settings(project).reward})
    try:
        files, version_id = _load_target(args.targets[0], project, UsageError)
        trace = _read_trace(args.trace, UsageError) if args.trace else None
        if version_id is not None:  # a stored version keeps its report and recording
            from ludeme.evaluation.storing import evaluate_stored

            report = evaluate_stored(project, version_id, settings, record_path=args.record, trace=trace)
        else:
            from ludeme.evaluation.evaluator import evaluate

            report = evaluate(files, settings, record_path=args.record, trace=trace)
        print(json.dumps(report.to_dict(), indent=2, default=str) if args.json else format_report(report))
        return 0
    finally:
        if project is not None:
            project.close()


def _read_trace(path: Path, UsageError):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read trace {path}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("input_trace"), list):
        data = data["input_trace"]  # a whole `ludeme evaluate --json` report
    if not isinstance(data, list) or not all(isinstance(e, dict) and "type" in e for e in data):
        raise UsageError(f"trace {path} must be a JSON list of input events (or an evaluation report)")
    return data


def _evaluate_many(args) -> int:
    """One process per game: a game that crashes or hangs its evaluator takes nothing else down."""
    base = [sys.executable, "-m", "ludeme", "evaluate", "--json"]
    for flag in ("seconds", "bot", "seed", "project", "trace"):
        value = getattr(args, flag)
        if value is not None:
            base += [f"--{flag}", str(value)]

    def one(target: str) -> dict:
        try:
            out = subprocess.run(base + [target], capture_output=True, text=True, timeout=600,
                                 env=dict(os.environ))
        except subprocess.TimeoutExpired:
            return {"target": target, "verdict": "timeout", "reasons": ["the evaluator itself timed out"]}
        if out.returncode != 0:
            last = (out.stderr.strip().splitlines() or ["evaluator failed"])[-1]
            return {"target": target, "verdict": "error", "reasons": [last]}
        return {"target": target, **json.loads(out.stdout)}

    jobs = memory_bound_jobs(args.jobs)
    if jobs < args.jobs:
        print(f"ludeme: running {jobs} evaluation(s) at once to stay within free memory", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, args.targets))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(f"{r['target']}: {r['verdict']} — {'; '.join(r.get('reasons', [])[:2])}"
                  + (f" (reward {r['reward']:.2f})" if isinstance(r.get("reward"), (int, float)) else ""))
    return 0


def format_report(r) -> str:
    lines = [f"verdict: {r.verdict}"]
    lines += [f"  - {reason}" for reason in r.reasons]
    failed = [c["name"] for c in r.checks if not c["ok"]]
    lines.append(f"checks: {sum(c['ok'] for c in r.checks)}/{len(r.checks)} passed"
                 + (f" (failed: {', '.join(failed)})" if failed else ""))
    lines.append("stages: " + " | ".join(f"{s.name} {'ok' if s.ok else 'stopped'} {s.seconds:.2f}s" for s in r.stages))
    if r.probes:
        ok = [p["id"] for p in r.probes if p["ok"]]
        bad = [p["id"] for p in r.probes if not p["ok"]]
        lines.append(f"mechanic probes: {len(ok)}/{len(r.probes)} passed" + (f" (failed: {', '.join(bad)})" if bad else ""))
    if r.metrics:
        keys = [k for k in ("playability", "visual_activity", "visual_variety", "responsiveness", "audio_activity",
                            "audio_variety", "survival_time", "game_over_seen", "restart_seen", "errors",
                            "frame_cost_median_ms") if k in r.metrics]
        lines.append("metrics: " + ", ".join(f"{k} {_fmt(r.metrics[k])}" for k in keys))
    parts = [f"{name} {_fmt(b.get('contribution', b))}" for name, b in r.breakdown.items() if isinstance(b, dict)]
    lines.append(f"reward: {r.reward:.3f}" + (f" ({', '.join(parts)})" if parts else "")
                 + (f"; gates: {', '.join(r.gates)}" if r.gates else ""))
    lines.append(f"blocked requests: {r.blocked_requests}")
    if r.recording:
        lines.append(f"recording: {r.recording['path']} ({r.recording['seconds']:.1f} s, {r.recording['frames']} frames)")
    lines.append(f"wall time: {r.wall_time:.2f} s")
    return "\n".join(lines)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)
