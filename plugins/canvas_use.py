"""Bundled plugin: two reward terms read from the frames of the bot's play run.

- ``screen_usage``: how much of the canvas the game uses — the share of a 16×12 grid of cells in
  which the picture changed at some point of the run (a game that lives in one corner of its
  canvas, or moves one sprite over a still background, scores low; one whose action spans the
  screen scores high).
- ``colour_variety``: how varied the palette is — colours quantised to 4 bits per channel, those
  that cover at least 0.2 % of the sampled pixels counted; 1 colour → 0, 24 or more → 1
  (logarithmic in between).

Each term joins the reward at weight 0.05 (renormalised with the built-in terms). Without frames
(a game that never played) both are None: not available, left out.
"""
from __future__ import annotations

import math

import numpy as np

from ludeme.plugin_api import Evaluator, hookimpl

GRID = (12, 16)            # rows, columns
CHANGE = 24                # summed channel range (0..765) that counts as "the picture changed here"
COLOUR_SHARE = 0.002       # a colour must cover this share of the pixels to count
FULL_PALETTE = 24          # this many colours (or more) is full credit


def screen_usage(frames: np.ndarray) -> float:
    """Share of grid cells where any pixel changed during the run (0..1)."""
    if frames.ndim != 4 or len(frames) < 2:
        return 0.0
    span = (frames.max(axis=0).astype(np.int16) - frames.min(axis=0).astype(np.int16)).sum(axis=2)
    active = span >= CHANGE
    rows, cols = GRID
    h, w = active.shape
    ys = np.linspace(0, h, rows + 1).astype(int)
    xs = np.linspace(0, w, cols + 1).astype(int)
    used = sum(bool(active[ys[r]:ys[r + 1], xs[c]:xs[c + 1]].any()) for r in range(rows) for c in range(cols))
    return used / (rows * cols)


def colour_variety(frames: np.ndarray) -> float:
    """Palette variety of the run's frames (0..1), from at most 32 evenly spaced frames."""
    if frames.ndim != 4 or len(frames) == 0:
        return 0.0
    sample = frames[np.linspace(0, len(frames) - 1, min(32, len(frames))).astype(int)]
    q = (sample >> 4).astype(np.int32)
    codes = (q[..., 0] << 8) | (q[..., 1] << 4) | q[..., 2]
    counts = np.bincount(codes.ravel(), minlength=4096)
    n = int((counts >= COLOUR_SHARE * codes.size).sum())
    if n <= 1:
        return 0.0
    return min(1.0, math.log(n) / math.log(FULL_PALETTE))


def _terms(ctx) -> dict[str, float | None]:
    frames = ctx.frames
    if frames is None or len(frames) == 0:
        return {"screen_usage": None, "colour_variety": None}
    return {"screen_usage": round(screen_usage(frames), 4), "colour_variety": round(colour_variety(frames), 4)}


@hookimpl
def ludeme_evaluators():
    return [Evaluator("canvas_use", _terms, weight=0.05,
                      description="screen_usage (share of the canvas that changes) and colour_variety "
                                  "(palette size) from the play run's frames")]
