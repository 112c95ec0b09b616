"""Stage 2–3 metrics: what a recorded play session shows, from pixels, sound and telemetry (numpy).

``compute_metrics`` takes the frames a bot's run produced (``(T, H, W, 3)`` uint8), the sound
(mono or ``(N, C)``, float in [-1, 1] or int16), the per-frame telemetry samples (``window.ludeme``
dicts or ``None`` where the game publishes nothing) and, when there was one, an idle run of the same
game with the same seed. Telemetry is a hint: a game can lie, so every figure that matters for
"is this alive and playable" also has a pixel or audio source.

Frames are reduced first: every ``s``-th row and column (``s`` such that the long side is about
128 px) and a 0–255 grey level ``(77 R + 150 G + 29 B) >> 8``; a 300-frame 640×480 run costs tens of
milliseconds. Figures:

- ``visual_activity`` = clamp(log10(mean |Δgrey| / 1e-4) / 3): 0 for a still image, ~0.25 for one
  small moving sprite, 1 for a full-screen scroll. ``changing_fraction``: share of consecutive
  frame pairs where at least 2 reduced pixels changed by more than 6 grey levels.
- ``visual_variety`` = 1 − exp(−(k − 1) / 3) where k = number of keyframe clusters (greedy leader
  clustering of 12×16 grey thumbnails plus 64-bin colour histograms, distance > 0.08).
  ``colour_entropy`` (mean, bits) and ``colour_entropy_spread`` (std) of the 64-bin histograms.
- ``blank_fraction``: frames whose grey range is ≤ 12 levels (uniform, whatever the colour).
- ``responsiveness`` (play vs idle at the same frame index, same seed) =
  0.5 · share of differing frames + 0.5 · clamp(log10(mean |Δ| / 1e-4) / 3); None without idle run.
- ``audio_activity``: share of 50 ms windows with RMS above 0.01 (−40 dBFS).
  ``onsets`` (see :func:`onsets`), ``distinct_sounds`` (onsets binned by the spectral centroid of
  the 50 ms after them, third-octave bins, plus distinct ``audio_events`` names),
  ``centroid_spread_hz`` (std of the centroid over active windows), and
  ``audio_variety`` = 0.5 · (1 − exp(−distinct/3)) + 0.5 · clamp(spread / 800 Hz).
- ``survival_time``: seconds until telemetry first says ``phase == "over"``, else until the frames
  freeze for more than 2 s (``frozen``, ``frozen_at``), else the whole run. ``game_over_seen``,
  ``restart_seen`` (over, then title/playing again), score figures (``score_progress`` =
  1 − exp(−increases/3)), event and entity variety from telemetry.

Playability (0..1), a sanity score whose gate is 0.6 in the reward::

    alive      = clamp(changing_fraction / 0.3)
    motion     = alive                                   without an idle run
               = 0.4 · alive + 0.6 · clamp(responsiveness / 0.3)  with one
    sanity     = (1 − blank_fraction) · motion · max(0.5, 1 − 0.1 · errors)
    richness   = mean(visual_variety, clamp(audio_activity / 0.2), clamp(survival / min(T, 5 s)),
                      progress)   (progress with telemetry: max(score_progress, 1 − exp(−kinds/4));
                                   with numbers on the page or drawn on its canvas, as a person reads a
                                   score, lives or a timer: 0.3 + 0.7 · (1 − exp(−changes/3)); the larger
                                   of the two; 0 when the evaluator read the page and found neither)
    playability = sanity · (0.75 + 0.25 · richness)

A game that draws, moves and answers input scores ≥ 0.75; one that ignores input scores ≤ 0.4.

Why this module is over 500 lines: the metric functions, each short, and how they combine.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

CHANGE_LEVEL = 6          # grey levels: a reduced pixel "changed"
CHANGE_PIXELS = 2         # reduced pixels that must change for a frame pair to count as changing
FREEZE_SECONDS = 2.0
RMS_FLOOR = 0.01
CLUSTER_DISTANCE = 0.08
REDUCED_SIDE = 128        # long side of the reduced frames, in pixels
KEYFRAME_SAMPLES = 120    # frames (evenly spread) that feed the clusters and colour histograms
BLANK_RANGE = 12          # grey levels: a frame whose range is this small is blank


@dataclass(frozen=True)
class Metrics:
    duration: float = 0.0
    frames: int = 0
    fps: float = 0.0
    # pixels
    visual_activity: float = 0.0
    changing_fraction: float = 0.0
    visual_variety: float = 0.0
    keyframe_clusters: int = 0
    colour_entropy: float = 0.0
    colour_entropy_spread: float = 0.0
    blank_fraction: float = 1.0
    blank: bool = True
    responsiveness: float | None = None
    # sound
    audio_activity: float = 0.0
    audio_variety: float = 0.0
    onsets: tuple[float, ...] = ()
    distinct_sounds: int = 0
    centroid_spread_hz: float = 0.0
    # play
    survival_time: float = 0.0
    frozen: bool = False                   # the picture stood still for more than FREEZE_SECONDS
    frozen_at: float | None = None         # when that stillness began (seconds)
    game_over_seen: bool = False
    restart_seen: bool = False
    telemetry_seen: bool = False
    score_start: float | None = None
    score_max: float | None = None
    score_gain: float | None = None
    score_increments: int = 0
    score_progress: float | None = None
    events: Mapping[str, int] = field(default_factory=dict)
    event_kinds: int = 0
    entity_tags: tuple[str, ...] = ()
    entity_variety: int = 0
    max_entities: int = 0
    mechanics: tuple[str, ...] = ()
    numbers_shown: bool = False            # the page showed numbers (score, lives, timer) as text
    number_changes: int = 0                # looks at the page where those numbers had changed
    # runtime
    errors: int = 0
    frame_cost_median_ms: float | None = None
    frame_cost_p95_ms: float | None = None
    playability: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["onsets"] = list(self.onsets)
        d["entity_tags"] = list(self.entity_tags)
        d["mechanics"] = list(self.mechanics)
        d["events"] = dict(self.events)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Metrics":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        for k in ("onsets", "entity_tags", "mechanics"):
            if k in kw and kw[k] is not None:
                kw[k] = tuple(kw[k])
        if "events" in kw:
            kw["events"] = dict(kw["events"] or {})
        return cls(**kw)


# ------------------------------------------------------------------------------------- pixels

def _stride(h: int, w: int) -> int:
    return max(1, round(max(h, w) / REDUCED_SIDE))


def _small(frames: Any) -> np.ndarray:
    """Every s-th row and column of each frame, RGB, contiguous (T, h, w, 3) uint8.

    Works frame by frame on a list, so a list of captured frames is never stacked at full size;
    reading 1/s of the rows is the main cost of all pixel metrics."""
    if isinstance(frames, np.ndarray):
        if frames.ndim != 4 or frames.shape[-1] < 3:
            raise ValueError(f"frames must be (T, H, W, 3), got {frames.shape}")
        if not len(frames):
            return np.zeros((0, 1, 1, 3), np.uint8)
        s = _stride(*frames.shape[1:3])
        small = np.ascontiguousarray(frames[:, ::s][:, :, ::s, :3])
    else:
        items = [np.asarray(f) for f in frames]
        if not items:
            return np.zeros((0, 1, 1, 3), np.uint8)
        s = _stride(*items[0].shape[:2])
        small = np.stack([f[::s, ::s, :3] for f in items])
    if small.dtype != np.uint8:
        small = np.clip(small, 0, 255).astype(np.uint8)
    return small


def _grey(small: np.ndarray) -> np.ndarray:
    """0–255 grey, (77 R + 150 G + 29 B) >> 8, in place-friendly uint16 steps."""
    g = small[..., 0].astype(np.uint16)
    g *= 77
    x = small[..., 1].astype(np.uint16)
    x *= 150
    g += x
    x = small[..., 2].astype(np.uint16)
    x *= 29
    g += x
    g >>= 8
    return g.astype(np.uint8)


def _codes(small: np.ndarray) -> np.ndarray:
    """64 coarse colours: two bits per channel."""
    return ((small[..., 0] >> 6) << 4) | ((small[..., 1] >> 6) << 2) | (small[..., 2] >> 6)


def _log_level(mean_abs: float) -> float:
    """0 at mean |Δ| ≤ 1e-4 (a few pixels), 1 at ≥ 0.1 (a tenth of the screen fully changing)."""
    if mean_abs <= 1e-4:
        return 0.0
    return float(min(1.0, math.log10(mean_abs / 1e-4) / 3.0))


def _pair_changes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame pair: (mean |a − b| / 255, changed?)."""
    d = np.maximum(a, b)
    d -= np.minimum(a, b)
    d2 = d.reshape(len(d), -1)
    mean = d2.sum(axis=1, dtype=np.uint64) / (255.0 * max(1, d2.shape[1]))
    changed = (d2 > CHANGE_LEVEL).sum(axis=1) >= CHANGE_PIXELS
    return mean, changed


def _histograms(code: np.ndarray) -> np.ndarray:
    """(n, 64) colour histograms, each summing to 1."""
    n = code.shape[0]
    flat = code.reshape(n, -1).astype(np.intp) + (np.arange(n, dtype=np.intp) * 64)[:, None]
    hist = np.bincount(flat.ravel(), minlength=64 * n).reshape(n, 64).astype(np.float64)
    return hist / max(1, code[0].size)


def _thumbs(grey: np.ndarray, rows: int = 12, cols: int = 16) -> np.ndarray:
    """Block-mean thumbnails, flattened, 0..1."""
    t, h, w = grey.shape
    rows, cols = min(rows, h), min(cols, w)
    bh, bw = h // rows, w // cols
    g = grey[:, :rows * bh, :cols * bw].reshape(t, rows, bh, cols, bw)
    return g.mean(axis=(2, 4), dtype=np.float32).reshape(t, -1) / 255.0


def _sample(t: int, limit: int = KEYFRAME_SAMPLES) -> np.ndarray:
    return np.unique(np.linspace(0, t - 1, min(t, limit)).round().astype(int)) if t else np.zeros(0, int)


def _clusters(thumbs: np.ndarray, hists: np.ndarray) -> int:
    """Greedy leader clustering: a frame further than CLUSTER_DISTANCE from every leader leads."""
    leaders_t: list[np.ndarray] = []
    leaders_h: list[np.ndarray] = []
    for th, hi in zip(thumbs, hists):
        if leaders_t:
            dist = np.abs(np.asarray(leaders_t) - th).mean(axis=1) \
                + 0.25 * np.abs(np.asarray(leaders_h) - hi).sum(axis=1)
            if dist.min() <= CLUSTER_DISTANCE:
                continue
        leaders_t.append(th)
        leaders_h.append(hi)
    return len(leaders_t)


def _entropy(hists: np.ndarray) -> np.ndarray:
    p = np.where(hists > 0, hists, 1.0)
    return -(hists * np.log2(p)).sum(axis=1)


def _freeze_start(changed: np.ndarray, fps: float) -> int | None:
    """Frame index where the first still run longer than FREEZE_SECONDS begins, else None."""
    need = int(math.ceil(FREEZE_SECONDS * fps))
    run = 0
    for i, c in enumerate(changed.tolist()):
        run = 0 if c else run + 1
        if run > need:
            return i - run + 1
    return None


# -------------------------------------------------------------------------------------- sound

def _mono(audio: Any) -> np.ndarray:
    a = np.asarray(audio)
    if a.size == 0:
        return np.zeros(0, dtype=np.float32)
    if a.ndim == 2:
        if a.shape[0] <= 8 < a.shape[1]:
            a = a.T
        a = a.astype(np.float32).mean(axis=1) if np.issubdtype(a.dtype, np.floating) else a.mean(axis=1)
    if np.issubdtype(a.dtype, np.integer):
        info = np.iinfo(a.dtype)
        a = a.astype(np.float32) / float(max(abs(info.min), info.max))
    return np.asarray(a, dtype=np.float32).ravel()


def onsets(audio: Any, sample_rate: int, *, hop: float = 0.01, rise_db: float = 9.0,
           floor: float = 0.003, min_gap: float = 0.05) -> list[float]:
    """Sound onsets in seconds: energy-based on ``hop``-long (10 ms) frames, refined to the sample.

    A frame is an onset when its RMS is above ``floor`` and at least ``rise_db`` above the quietest
    of the three frames before it; onsets closer than ``min_gap`` merge. The time is then refined to
    the first sample around that frame whose amplitude reaches 10 % of the sound's early peak.
    """
    x = _mono(audio)
    hn = max(1, int(round(sample_rate * hop)))
    n = len(x) // hn
    if n == 0:
        return []
    e = np.sqrt((x[:n * hn].reshape(n, hn).astype(np.float64) ** 2).mean(axis=1))
    db = 20 * np.log10(e + 1e-9)
    pad = np.concatenate([np.full(3, -180.0), db])
    ref = np.minimum(np.minimum(pad[0:n], pad[1:n + 1]), pad[2:n + 2])
    cand = np.flatnonzero((e > floor) & (db - ref >= rise_db))
    out: list[float] = []
    last = -1e9
    ax = np.abs(x)
    for k in cand.tolist():
        if k * hop - last < min_gap:
            continue
        lo = max(0, (k - 1) * hn)
        hi = min(len(x), (k + 2) * hn)
        peak = float(ax[k * hn:hi].max()) if hi > k * hn else 0.0
        thr = max(floor, 0.1 * peak)
        above = np.flatnonzero(ax[lo:hi] >= thr)
        t = (lo + int(above[0])) / sample_rate if len(above) else k * hop
        if t - last < min_gap:
            continue
        out.append(round(t, 4))
        last = t
    return out


def _centroids(x: np.ndarray, sr: int, starts: np.ndarray, width: int) -> np.ndarray:
    if len(starts) == 0:
        return np.zeros(0)
    idx = starts[:, None] + np.arange(width)[None, :]
    idx = np.clip(idx, 0, len(x) - 1)
    win = x[idx] * np.hanning(width).astype(np.float32)
    mag = np.abs(np.fft.rfft(win, axis=1))
    freqs = np.fft.rfftfreq(width, 1.0 / sr)
    total = mag.sum(axis=1)
    return np.where(total > 0, (mag * freqs).sum(axis=1) / np.maximum(total, 1e-12), 0.0)


def _audio_figures(audio: Any, sr: int, audio_events: Sequence[Mapping] | None):
    x = _mono(audio) if audio is not None else np.zeros(0, dtype=np.float32)
    names = {str(ev.get("name") or ev.get("kind") or "") for ev in (audio_events or ())} - {""}
    if len(x) == 0 or not sr:
        distinct = len(names)
        variety = 0.5 * (1 - math.exp(-distinct / 3)) if distinct else 0.0
        return 0.0, variety, (), distinct, 0.0
    w = max(1, int(round(sr * 0.05)))
    n = len(x) // w
    if n == 0:
        return 0.0, 0.0, (), len(names), 0.0
    rms = np.sqrt((x[:n * w].reshape(n, w).astype(np.float64) ** 2).mean(axis=1))
    active = rms > RMS_FLOOR
    activity = float(active.mean())
    on = onsets(x, sr)
    spread = 0.0
    if active.sum() >= 2:
        c = _centroids(x, sr, np.flatnonzero(active) * w, w)
        spread = float(np.std(c))
    kinds: set = set()
    if on:
        c = _centroids(x, sr, (np.asarray(on) * sr).astype(int), w)
        kinds = {int(round(3 * math.log2(max(v, 20.0)))) for v in c.tolist()}
    distinct = max(len(kinds), len(names))
    variety = 0.5 * (1 - math.exp(-distinct / 3)) + 0.5 * min(1.0, spread / 800.0)
    return activity, float(variety), tuple(on), distinct, spread


# --------------------------------------------------------------------------------- telemetry

def _samples(telemetry: Iterable | None) -> list[dict | None]:
    out: list[dict | None] = []
    for item in telemetry or ():
        if isinstance(item, (str, bytes)):
            try:
                item = json.loads(item)
            except ValueError:
                item = None
        out.append(item if isinstance(item, Mapping) else None)
    return out


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _telemetry_figures(samples: list[dict | None]) -> dict[str, Any]:
    seen = [s for s in samples if s]
    out: dict[str, Any] = {"telemetry_seen": bool(seen)}
    if not seen:
        return out
    over_at = None
    restart = False
    for i, s in enumerate(samples):
        if not s:
            continue
        phase = s.get("phase")
        if phase == "over" and over_at is None:
            over_at = i
        elif over_at is not None and phase in ("title", "playing"):
            restart = True
    out["over_index"] = over_at
    out["game_over_seen"] = over_at is not None
    out["restart_seen"] = restart
    scores = [x for x in (_number(s.get("score")) for s in seen) if x is not None]
    if scores:
        inc = sum(1 for a, b in zip(scores, scores[1:]) if b > a)
        out.update(score_start=scores[0], score_max=max(scores), score_gain=max(scores) - scores[0],
                   score_increments=inc, score_progress=1 - math.exp(-inc / 3))
    events: dict[str, int] = {}
    tags: set[str] = set()
    most = 0
    mechanics: tuple[str, ...] = ()
    for s in seen:
        ev = s.get("events")
        if isinstance(ev, Mapping):
            for k, v in ev.items():
                c = _number(v)
                if c is not None:
                    events[str(k)] = max(events.get(str(k), 0), int(c))
        ents = s.get("entities")
        if isinstance(ents, list):
            most = max(most, len(ents))
            tags.update(str(e.get("tag")) for e in ents if isinstance(e, Mapping) and e.get("tag"))
        mech = s.get("mechanics")
        if isinstance(mech, list):
            mechanics = tuple(str(m) for m in mech)
    out.update(events=events, event_kinds=sum(1 for v in events.values() if v > 0),
               entity_tags=tuple(sorted(tags)), entity_variety=len(tags), max_entities=most,
               mechanics=mechanics)
    return out


# -------------------------------------------------------------------------------------- public

def playability_of(*, blank_fraction: float, changing_fraction: float, responsiveness: float | None,
                   errors: int, visual_variety: float, audio_activity: float, survival_time: float,
                   duration: float, progress: float | None) -> float:
    """The documented playability formula (module docstring), exposed for tests and tuning."""
    alive = min(1.0, changing_fraction / 0.3)
    if responsiveness is None:
        motion = alive
    else:
        motion = 0.4 * alive + 0.6 * min(1.0, responsiveness / 0.3)
    sanity = (1.0 - blank_fraction) * motion * max(0.5, 1.0 - 0.1 * max(0, errors))
    parts = [visual_variety, min(1.0, audio_activity / 0.2),
             min(1.0, survival_time / max(1e-9, min(duration, 5.0))) if duration > 0 else 0.0]
    if progress is not None:
        parts.append(progress)
    richness = sum(parts) / len(parts)
    return float(max(0.0, min(1.0, sanity * (0.75 + 0.25 * richness))))


def compute_metrics(frames: Any, fps: float, audio: Any = None, sample_rate: int = 0,
                    telemetry: Iterable | None = None, *, idle_frames: Any = None, idle_every: int = 1,
                    errors: int = 0, frame_costs_ms: Sequence[float] | None = None,
                    audio_events: Sequence[Mapping] | None = None,
                    page_text: Sequence[str] | None = None) -> Metrics:
    """Figures of one recorded run; see the module docstring for each definition.

    ``idle_frames[k]`` was captured at the same moment as ``frames[(k + 1) * idle_every - 1]`` (an
    idle run may be sampled more sparsely than the recording, to save time: both runs capture
    after every n-th step, the idle one with an n ``idle_every`` times larger)."""
    small = _small(frames if frames is not None else [])
    t = small.shape[0]
    fps = float(fps) if fps else 30.0
    duration = t / fps
    kw: dict[str, Any] = {"duration": duration, "frames": t, "fps": fps, "errors": int(errors)}

    changed = np.zeros(0, dtype=bool)
    if t:
        grey = _grey(small)
        if t > 1:
            mean, changed = _pair_changes(grey[1:], grey[:-1])
            kw["visual_activity"] = _log_level(float(mean.mean()))
            kw["changing_fraction"] = float(changed.mean())
        flat = grey.reshape(t, -1)
        blank = (flat.max(axis=1).astype(np.int16) - flat.min(axis=1)) <= BLANK_RANGE
        kw["blank_fraction"] = float(blank.mean())
        kw["blank"] = bool(blank.mean() > 0.95)
        keys = _sample(t)
        hists = _histograms(_codes(small[keys]))
        k = _clusters(_thumbs(grey[keys]), hists)
        kw["keyframe_clusters"] = k
        kw["visual_variety"] = float(1 - math.exp(-(k - 1) / 3)) if k > 1 else 0.0
        ent = _entropy(hists)
        kw["colour_entropy"] = float(ent.mean())
        kw["colour_entropy_spread"] = float(ent.std())
        if idle_frames is not None:
            every = max(1, int(idle_every))
            play_at = grey[every - 1::every]
            idle = idle_frames[:len(play_at)] if isinstance(idle_frames, np.ndarray) else list(idle_frames)[:len(play_at)]
            if len(idle):
                ig = _grey(_small(idle))
                m = min(len(play_at), len(ig))
                if ig.shape[1:] == grey.shape[1:]:
                    dmean, differs = _pair_changes(play_at[:m], ig[:m])
                    kw["responsiveness"] = float(0.5 * differs.mean() + 0.5 * _log_level(float(dmean.mean())))

    act, variety, on, distinct, spread = _audio_figures(audio, int(sample_rate or 0), audio_events)
    kw.update(audio_activity=act, audio_variety=variety, onsets=on, distinct_sounds=distinct,
              centroid_spread_hz=spread)

    samples = _samples(telemetry)
    tel = _telemetry_figures(samples)
    over_index = tel.pop("over_index", None)
    kw.update(tel)
    survival = duration
    start = _freeze_start(changed, fps) if len(changed) else None
    if start is not None:
        kw.update(frozen=True, frozen_at=start / fps)
    if over_index is not None and samples:
        step = duration / len(samples) if t else 1.0 / fps
        survival = over_index * step
    elif start is not None:
        survival = start / fps
    kw["survival_time"] = float(survival)

    costs = np.asarray([c for c in (frame_costs_ms or ()) if c is not None], dtype=np.float64)
    if costs.size:
        kw["frame_cost_median_ms"] = float(np.median(costs))
        kw["frame_cost_p95_ms"] = float(np.percentile(costs, 95))

    progress = None
    if kw.get("telemetry_seen"):
        progress = max(kw.get("score_progress") or 0.0, 1 - math.exp(-kw.get("event_kinds", 0) / 4))
    numbers = [tuple(re.findall(r"\d+", t or "")) for t in page_text or ()]
    if any(numbers):
        changes = sum(1 for a, b in zip(numbers, numbers[1:]) if a != b)
        kw.update(numbers_shown=True, number_changes=changes)
        progress = max(progress or 0.0, 0.3 + 0.7 * (1 - math.exp(-changes / 3)))
    if page_text is not None and progress is None:
        progress = 0.0               # nothing a person could read as a score, lives or a timer
    kw["playability"] = playability_of(
        blank_fraction=kw.get("blank_fraction", 1.0), changing_fraction=kw.get("changing_fraction", 0.0),
        responsiveness=kw.get("responsiveness"), errors=int(errors),
        visual_variety=kw.get("visual_variety", 0.0), audio_activity=act,
        survival_time=kw["survival_time"], duration=duration, progress=progress) if t else 0.0
    return Metrics(**kw)
