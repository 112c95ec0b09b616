"""Still images from recordings, in pure numpy + zlib: PNG encoding, resizing, thumbnails and
contact sheets. No PIL, no Qt.

Frames are ``H x W x 3`` ``uint8`` RGB arrays (an alpha channel, if present, is dropped by the
helpers that take frames).
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

import numpy as np

__all__ = [
    "encode_png",
    "resize",
    "frame_interest",
    "choose_keyframes",
    "thumbnail",
    "contact_sheet",
]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SHEET_BACKGROUND = (22, 22, 26)
BAR_TRACK = (60, 60, 68)
BAR_FILL = (255, 170, 40)


def _as_rgb(frame: np.ndarray) -> np.ndarray:
    arr = np.asarray(frame)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(f"expected an HxWx3 RGB frame, got shape {arr.shape}")
    if arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return arr


# --------------------------------------------------------------------------------------- PNG
def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(image: np.ndarray, *, compress_level: int = 6) -> bytes:
    """Encode an 8-bit image as PNG bytes.

    ``image`` is ``H x W x 3`` (RGB), ``H x W x 4`` (RGBA) or ``H x W`` (grey), ``uint8``.
    Every row uses the PNG "up" filter (type 2), computed in one numpy subtraction; it suits game
    graphics (flat areas, vertical repetition) and keeps encoding to a single zlib pass.
    """
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        colour_type, channels = 0, 1
        arr = arr[:, :, None]
    elif arr.ndim == 3 and arr.shape[2] in (1, 3, 4):
        channels = arr.shape[2]
        colour_type = {1: 0, 3: 2, 4: 6}[channels]
    else:
        raise ValueError(f"cannot encode an image of shape {arr.shape} as PNG")
    height, width = arr.shape[:2]
    if height == 0 or width == 0:
        raise ValueError("cannot encode an empty image as PNG")
    rows = np.ascontiguousarray(arr).reshape(height, width * channels)
    filtered = np.empty((height, width * channels + 1), dtype=np.uint8)
    filtered[:, 0] = 2  # "up"
    filtered[0, 0] = 0  # first row: no previous row, so "none" is identical and clearer
    filtered[0, 1:] = rows[0]
    filtered[1:, 1:] = rows[1:] - rows[:-1]  # uint8 arithmetic wraps mod 256, as PNG wants
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    idat = zlib.compress(filtered.tobytes(), compress_level)
    return _PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


# ------------------------------------------------------------------------------------ resize
def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize ``image`` (``H x W [x C]``, ``uint8``) to ``width x height``.

    Shrinking averages whole ``fy x fx`` blocks (area averaging, ``fy = H // height``), summed
    from strided slices, which is fast in numpy; whatever ratio is left over (and any growth) is
    taken by nearest neighbour. Exact area averaging for integer ratios (640x480 -> 320x240).
    """
    arr = np.asarray(image)
    width, height = max(1, int(width)), max(1, int(height))
    src_h, src_w = arr.shape[:2]
    if (src_h, src_w) == (height, width):
        return arr.copy()
    fy, fx = max(1, src_h // height), max(1, src_w // width)
    if fy > 1 or fx > 1:
        bh, bw = src_h // fy, src_w // fx
        acc = np.uint16 if fy * fx <= 256 and arr.dtype == np.uint8 else np.uint32
        rows = np.zeros((bh, src_w) + arr.shape[2:], dtype=acc)
        for k in range(fy):
            rows += arr[k : bh * fy : fy]
        block = np.zeros((bh, bw) + arr.shape[2:], dtype=acc)
        for k in range(fx):
            block += rows[:, k : bw * fx : fx]
        n = fy * fx
        arr = ((block + n // 2) // n).astype(arr.dtype)
        src_h, src_w = bh, bw
    if (src_h, src_w) != (height, width):
        ys = (np.arange(height) * src_h) // height
        xs = (np.arange(width) * src_w) // width
        arr = arr[ys][:, xs]
    return np.ascontiguousarray(arr)


def _small(frame: np.ndarray, step: int = 4) -> np.ndarray:
    """A cheap, strided float view of a frame for scoring."""
    return _as_rgb(frame)[::step, ::step].astype(np.float32)


# ------------------------------------------------------------------------------------ scoring
def frame_interest(frame: np.ndarray) -> float:
    """How "interesting" a still is: detail (mean gradient) plus colour variety; ~0 when blank."""
    small = _small(frame)
    if small.size == 0:
        return 0.0
    grey = small.mean(axis=2)
    detail = float(np.abs(np.diff(grey, axis=0)).mean() + np.abs(np.diff(grey, axis=1)).mean()) if min(grey.shape) > 1 else 0.0
    spread = float(small.reshape(-1, 3).std(axis=0).mean())
    quantised = (small.astype(np.uint8) >> 5).reshape(-1, 3).astype(np.int32)
    codes = quantised[:, 0] * 64 + quantised[:, 1] * 8 + quantised[:, 2]
    variety = np.count_nonzero(np.bincount(codes.ravel(), minlength=512)) / 512.0  # share of an 8x8x8 colour cube in use
    if spread < 1.0:  # a flat frame (blank, or a loading screen of one colour)
        return 0.0
    return detail + 0.5 * spread + 40.0 * variety


def _changes(frames: Sequence[np.ndarray], indices: Sequence[int]) -> dict[int, float]:
    """Mean absolute difference of each listed frame from its neighbours (previous and next)."""
    cache: dict[int, np.ndarray] = {}

    def small(i: int) -> np.ndarray:
        if i not in cache:
            cache[i] = _small(frames[i], 8).mean(axis=2)
        return cache[i]

    out: dict[int, float] = {}
    last = len(frames) - 1
    for i in indices:
        here = small(i)
        diffs = [float(np.abs(here - small(j)).mean()) for j in (i - 1, i + 1) if 0 <= j <= last and small(j).shape == here.shape]
        out[i] = sum(diffs) / len(diffs) if diffs else 0.0
    return out


def choose_keyframes(
    frames: Sequence[np.ndarray],
    count: int,
    times: Sequence[float] | None = None,
    *,
    candidates_per_slot: int = 5,
) -> list[int]:
    """Pick ``count`` frame indices spread evenly over time, preferring lively frames.

    The timeline (``times``, seconds per frame, or the frame index) is cut into ``count`` equal
    slots; from a few candidates around the middle of each slot the frame that differs most from
    its neighbours (and is not blank) wins. A blank stretch at the start is left out; with no
    more frames than slots, every (non-leading-blank) frame is used.
    """
    n = len(frames)
    if n == 0 or count <= 0:
        return []
    t = np.asarray(times, dtype=np.float64) if times is not None else np.arange(n, dtype=np.float64)
    if t.shape != (n,):
        raise ValueError("times must give one timestamp per frame")
    # A blank stretch at the start (loading, a black first paint) is skipped when play follows.
    first = next((i for i in range(n) if frame_interest(frames[i]) > 0), 0)
    if n - first <= count:
        return list(range(max(0, n - count), n)) if n > count else list(range(n))
    start, end = float(t[first]), float(t[-1])
    span = end - start if end > start else float(n)
    chosen: list[int] = []
    for slot in range(count):
        lo_t = start + span * slot / count
        hi_t = start + span * (slot + 1) / count
        lo = int(np.searchsorted(t, lo_t, side="left"))
        hi = int(np.searchsorted(t, hi_t, side="left" if slot < count - 1 else "right"))
        lo = max(min(lo, n - 1), chosen[-1] + 1 if chosen else first)
        hi = max(min(hi, n), lo + 1)
        spread = np.linspace(lo, hi - 1, num=min(candidates_per_slot, hi - lo)).round().astype(int)
        pool = [int(i) for i in np.unique(spread) if i < n]
        if not pool:
            break
        change = _changes(frames, pool)
        middle = (lo + hi - 1) / 2.0

        def score(i: int) -> float:
            blank = 0.0 if frame_interest(frames[i]) > 0 else -1e6
            # Lively frames win; among equals, the one nearest the slot's middle.
            return blank + change[i] - 1e-3 * abs(i - middle)

        chosen.append(max(pool, key=score))
    return chosen


# --------------------------------------------------------------------------------- thumbnails
def thumbnail(frames: Sequence[np.ndarray] | np.ndarray, width: int = 320, *, max_candidates: int = 48) -> np.ndarray:
    """The most interesting frame (detail, colour variety, not blank), resized to ``width``."""
    if isinstance(frames, np.ndarray) and frames.ndim == 3:
        frames = [frames]
    if len(frames) == 0:
        raise ValueError("thumbnail needs at least one frame")
    n = len(frames)
    pool = np.unique(np.linspace(0, n - 1, num=min(n, max_candidates)).round().astype(int))
    best = max((int(i) for i in pool), key=lambda i: (frame_interest(frames[i]), -i))
    frame = _as_rgb(frames[best])
    h, w = frame.shape[:2]
    height = max(1, round(h * width / w))
    return resize(frame, width, height)


def contact_sheet(
    frames: Sequence[np.ndarray],
    cols: int = 4,
    rows: int = 3,
    tile_width: int = 320,
    labels: Sequence[float] | None = None,
    *,
    gutter: int = 4,
    bar_height: int = 3,
) -> np.ndarray:
    """A grid of ``cols x rows`` keyframes with a thin time bar under each tile.

    ``labels`` are optional per-frame timestamps (seconds); they decide both which frames are
    spread evenly over time and how far each tile's time bar is filled (no text is drawn).
    Tiles keep the frames' aspect ratio; unused tiles stay background-coloured.
    """
    if cols <= 0 or rows <= 0:
        raise ValueError("cols and rows must be positive")
    if len(frames) == 0:
        raise ValueError("contact_sheet needs at least one frame")
    first = _as_rgb(frames[0])
    h, w = first.shape[:2]
    tile_w = int(tile_width)
    tile_h = max(1, round(h * tile_w / w))
    cell_h = tile_h + bar_height + 1
    sheet_h = gutter + rows * (cell_h + gutter)
    sheet_w = gutter + cols * (tile_w + gutter)
    sheet = np.empty((sheet_h, sheet_w, 3), dtype=np.uint8)
    sheet[:] = SHEET_BACKGROUND
    times = np.asarray(labels, dtype=np.float64) if labels is not None else np.arange(len(frames), dtype=np.float64)
    if times.shape != (len(frames),):
        raise ValueError("labels must give one timestamp per frame")
    t0, t1 = float(times[0]), float(times[-1])
    picks = choose_keyframes(frames, cols * rows, times)
    for k, index in enumerate(picks):
        r, c = divmod(k, cols)
        y = gutter + r * (cell_h + gutter)
        x = gutter + c * (tile_w + gutter)
        tile = _as_rgb(frames[index])
        if tile.shape[:2] != (tile_h, tile_w):
            tile = resize(tile, tile_w, tile_h)
        sheet[y : y + tile_h, x : x + tile_w] = tile
        by = y + tile_h + 1
        sheet[by : by + bar_height, x : x + tile_w] = BAR_TRACK
        frac = (float(times[index]) - t0) / (t1 - t0) if t1 > t0 else 1.0
        fill = max(1, round(tile_w * min(max(frac, 0.0), 1.0)))
        sheet[by : by + bar_height, x : x + fill] = BAR_FILL
    return sheet
