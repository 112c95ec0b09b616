"""A labelled calibration corpus: single-file HTML games written the way LLMs and people write them
(not with the game kit, no ``window.ludeme`` telemetry), each with the verdict a careful person
would give after playing it (``LABELS.json``: name -> {"label", "style", "why"}).

``run_corpus()`` evaluates them with the real evaluator and ``agreement()`` says how often its
verdict matches the person's. The labels are what a person says, never tuned to the evaluator.
"""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Iterable

CALIBRATION = Path(__file__).resolve().parent
LABELS_PATH = CALIBRATION / "LABELS.json"
WORKING = "playable"

# Styles the corpus must cover (each is the "style" of at least one game).
REQUIRED_STYLES = (
    # working games
    "start-button", "press-space", "press-enter", "press-any-key-canvas",
    "dom-tetris", "dom-snake", "dom-2048", "dom-minesweeper", "dom-memory",
    "canvas-menu", "setinterval-loop", "raf-delta", "google-fonts",
    "cdn-phaser", "cdn-p5", "cdn-three",
    "click-only-dom", "click-only-canvas", "mouse-aim", "late-start", "key-helpers", "plain-canvas",
    # failing games
    "syntax-error", "error-after-start", "dead-start-button", "frozen-after-start",
    "instant-game-over", "ignores-input", "blank-page",
)


def labels() -> dict[str, dict]:
    return json.loads(LABELS_PATH.read_text())


def game_files() -> list[str]:
    return sorted(p.name for p in CALIBRATION.glob("*.html"))


def _settings(seconds: float):
    from pydantic import ValidationError

    from ludeme.core.settings import EvaluationSettings

    try:
        return EvaluationSettings(seconds=seconds, idle_seconds=seconds)
    except ValidationError:  # an idle run longer than the play run may be refused: clamp it
        return EvaluationSettings(seconds=seconds, idle_seconds=min(seconds, 3.0))


def run_corpus(names: Iterable[str] | None = None, seconds: float = 8.0, *, canary=None,
               settings=None) -> list[dict]:
    """Evaluate each game (all of them, or ``names``) and return one dict per game: name, label,
    style, verdict, reasons, reward, wall (the evaluator's wall time, s), took (ours, s),
    blocked (requests the sandbox blocked), errors (console errors), first_error and canary_hits (connections
    the canary heard during that game; a canary of our own is used when none is given)."""
    from ludeme.evaluation.evaluator import evaluate

    table = labels()
    chosen = sorted(table) if names is None else list(names)
    settings = settings or _settings(seconds)
    own = canary is None
    if own:
        from tests.helpers import Canary

        canary = Canary()
    results = []
    try:
        for name in chosen:
            entry = table[name]
            data = (CALIBRATION / name).read_bytes()
            before = len(canary.hits)
            started = time.perf_counter()
            report = evaluate({"index.html": data}, settings)
            took = time.perf_counter() - started
            errors = [c for c in report.console if isinstance(c, dict) and c.get("level") == "error"]
            results.append(dict(
                name=name, label=entry["label"], style=entry["style"], verdict=report.verdict,
                reasons=[str(r) for r in report.reasons], reward=round(float(report.reward), 3),
                wall=round(float(report.wall_time), 2), took=round(took, 2),
                blocked=int(report.blocked_requests), errors=len(errors),
                first_error=str(errors[0].get("message", ""))[:160] if errors else "",
                canary_hits=list(canary.hits[before:]),
            ))
    finally:
        if own:
            canary.close()
    return results


def is_working(verdict: str) -> bool:
    return verdict == WORKING


def agreement(results: list[dict]) -> dict:
    """Exact agreement (verdict == label) and binary agreement (playable vs anything else), over
    all games and per style."""
    n = len(results)
    exact = sum(r["verdict"] == r["label"] for r in results)
    binary = sum(is_working(r["verdict"]) == is_working(r["label"]) for r in results)
    per_style: dict[str, list[int]] = {}
    for r in results:
        per_style.setdefault(r["style"], []).append(r["verdict"] == r["label"])
    working = [r for r in results if is_working(r["label"])]
    failing = [r for r in results if not is_working(r["label"])]
    return dict(
        n=n,
        exact=exact / n if n else 0.0,
        binary=binary / n if n else 0.0,
        working_recall=(sum(is_working(r["verdict"]) for r in working) / len(working)) if working else None,
        failing_recall=(sum(not is_working(r["verdict"]) for r in failing) / len(failing)) if failing else None,
        per_style={s: sum(v) / len(v) for s, v in sorted(per_style.items())},
        median_wall=statistics.median(r["wall"] for r in results) if results else 0.0,
    )


def table(results: list[dict], only_disagreements: bool = False, width: int = 90) -> str:
    """A plain-text table: one line per game, with the evaluator's first reason."""
    rows = [r for r in results if not only_disagreements or r["verdict"] != r["label"]]
    name_w = max([len(r["name"]) for r in rows] + [4])
    head = f"{'':3}{'game':<{name_w}}  {'label':<16} {'verdict':<17} {'reward':>6} {'wall':>5}  first reason"
    lines = [head, "-" * len(head)]
    for r in rows:
        mark = "ok" if r["verdict"] == r["label"] else ("~ " if is_working(r["verdict"]) == is_working(r["label"]) else "XX")
        reason = (r["reasons"][0] if r["reasons"] else "")
        if len(reason) > width:
            reason = reason[:width - 1] + "…"
        lines.append(f"{mark:<3}{r['name']:<{name_w}}  {r['label']:<16} {r['verdict']:<17} "
                     f"{r['reward']:>6.2f} {r['wall']:>5.1f}  {reason}")
    a = agreement(results)
    lines.append(f"exact agreement {a['exact']:.2f}, binary {a['binary']:.2f} over {a['n']} games "
                 f"(median evaluator wall time {a['median_wall']:.1f} s)")
    return "\n".join(lines)
