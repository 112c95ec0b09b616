"""Evaluation speed: one seed game evaluated with a 10 s, 30 fps recording (goal: median <= 5 s,
twice real time); two evaluations at once on 2 cores vs one after the other; peak memory."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ludeme.core.kit import build_game_html

ROOT = Path(__file__).resolve().parents[2]
GOAL_S = 5.0


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Chromium's renderers included)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            pass
    return total / 2**20


def run_measured(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ludeme", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    peak = [0.0]

    def watch():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.05)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    out, err = proc.communicate(timeout=600)
    wall = time.perf_counter() - start
    t.join()
    return wall, peak[0], subprocess.CompletedProcess(args, proc.returncode, out, err)


DOM_GAME = ROOT / "tests" / "evaluation" / "calibration" / "dom_tetris.html"


@pytest.mark.parametrize("game", ["sky_hopper", "dom_tetris"])
def test_evaluate_with_recording(tmp_path, rounds, game):
    """A seed game (canvas only: the in-page capture) and a DOM game without a canvas (whole-page
    captures): evaluate + 10 s recording with its full-length idle run. Goal <= 2.5 s, floor 5 s."""
    import json

    path = tmp_path / f"{game}.html"
    path.write_text(build_game_html(game) if game == "sky_hopper" else DOM_GAME.read_text())
    walls, peaks = [], []
    for i in range(rounds(5, 1)):
        out = tmp_path / f"rec{i}.webm"
        wall, peak, res = run_measured(["evaluate", str(path), "--seconds", "10", "--record", str(out), "--json"])
        assert res.returncode == 0, res.stderr[-1500:]
        assert out.stat().st_size > 20_000
        assert json.loads(res.stdout)["verdict"] == "playable"
        walls.append(wall)
        peaks.append(peak)
    median = statistics.median(walls)
    print(f"\nevaluate + 10 s recording ({game}): median {median:.2f} s over {len(walls)} runs "
          f"({', '.join(f'{w:.2f}' for w in walls)}; goal <= 2.5 s, floor {GOAL_S} s); "
          f"speed {10 / median:.1f}x real time; peak memory {max(peaks):.0f} MB (process tree RSS)")


def test_two_at_once_vs_one(tmp_path, rounds):
    games = []
    for slug in ("dune_dash", "brick_bloom"):
        p = tmp_path / f"{slug}.html"
        p.write_text(build_game_html(slug))
        games.append(str(p))
    seconds = "10" if rounds(1, 0) else "4"
    serial, _, r1 = run_measured(["evaluate", *games, "--seconds", seconds, "--jobs", "1"])
    parallel, peak, r2 = run_measured(["evaluate", *games, "--seconds", seconds, "--jobs", "2"])
    assert r1.returncode == 0 and r2.returncode == 0, (r1.stderr[-800:], r2.stderr[-800:])
    assert "playable" in r2.stdout
    print(f"\n2 evaluations ({seconds} s each): one after the other {serial:.2f} s, two at once {parallel:.2f} s "
          f"-> throughput x{serial / parallel:.2f}; peak memory with two at once {peak:.0f} MB")
