"""Metrics on synthetic runs: still vs moving images, silence vs beeps, telemetry sequences."""
from __future__ import annotations

import time

import numpy as np
import pytest

from ludeme.evaluation.metrics import Metrics, compute_metrics, onsets, playability_of

FPS = 30
SR = 48000


def scene(t: int = 90, h: int = 240, w: int = 320, moving: bool = True, colour=(250, 200, 30)) -> np.ndarray:
    fr = np.zeros((t, h, w, 3), np.uint8)
    fr[..., 2] = 60
    for i in range(t):
        x = (i * 4) % (w - 16) if moving else 40
        fr[i, 100:116, x:x + 16] = colour
    return fr


def beeps(times, seconds: float = 4.0, freq: float = 440.0, length: float = 0.1) -> np.ndarray:
    a = np.zeros(int(seconds * SR), np.float32)
    k = np.arange(int(length * SR))
    env = np.minimum(1.0, k / (0.005 * SR))                  # a 5 ms attack, like the kit's sounds
    for i, t0 in enumerate(times):
        f = freq * (1 + 0.5 * i) if isinstance(freq, float) else freq
        n = int(t0 * SR)
        a[n:n + len(k)] += 0.4 * env * np.sin(2 * np.pi * f * k / SR)
    return a


def test_a_still_image_is_inactive_and_a_moving_square_is_active():
    still = compute_metrics(scene(moving=False), FPS)
    moving = compute_metrics(scene(), FPS)
    assert still.visual_activity == 0 and still.changing_fraction == 0
    assert 0.1 < moving.visual_activity < 0.6 and moving.changing_fraction == 1.0
    assert not still.blank and not moving.blank
    assert still.survival_time == pytest.approx(0.0)           # frozen from the start
    assert moving.survival_time == pytest.approx(moving.duration)
    assert moving.playability > still.playability


def test_a_uniform_canvas_is_blank_and_scores_zero():
    m = compute_metrics(np.full((60, 120, 160, 3), 17, np.uint8), FPS)
    assert m.blank and m.blank_fraction == 1.0 and m.playability == 0.0


def test_scene_changes_raise_variety():
    one = scene(moving=False)
    many = np.concatenate([scene(30, moving=False) for _ in range(4)])
    for k, bg in enumerate([(200, 0, 0), (0, 160, 0), (20, 20, 20), (230, 230, 230)]):
        many[30 * k:30 * (k + 1), :120] = bg                     # a new backdrop every second
    assert compute_metrics(one, FPS).visual_variety == 0
    m = compute_metrics(many, FPS)
    assert m.keyframe_clusters == 4 and m.visual_variety > 0.5
    assert m.colour_entropy_spread > 0


def test_responsiveness_compares_play_with_idle_frames():
    idle = scene(moving=False)
    same = compute_metrics(idle, FPS, idle_frames=idle.copy())
    moved = compute_metrics(scene(), FPS, idle_frames=idle)
    assert same.responsiveness == 0.0
    assert moved.responsiveness > 0.5
    assert compute_metrics(idle, FPS).responsiveness is None
    # input that changes nothing makes an animated game less playable than one that answers
    ignoring = compute_metrics(scene(), FPS, idle_frames=scene())
    assert ignoring.responsiveness == 0.0
    assert ignoring.playability < 0.6 <= moved.playability


def test_onsets_land_within_15_ms_of_the_beeps():
    times = [0.5, 1.25, 2.0, 3.3]
    found = onsets(beeps(times), SR)
    assert len(found) == len(times)
    assert max(abs(a - b) for a, b in zip(found, times)) < 0.015
    assert onsets(np.zeros(SR, np.float32), SR) == []
    # int16 stereo works too
    stereo = (np.stack([beeps(times), beeps(times)], axis=1) * 32767).astype(np.int16)
    assert len(onsets(stereo, SR)) == 4


def test_audio_activity_and_variety():
    silent = compute_metrics(scene(), FPS, np.zeros(3 * SR, np.float32), SR)
    assert silent.audio_activity == 0 and silent.audio_variety == 0 and silent.onsets == ()
    m = compute_metrics(scene(), FPS, beeps([0.5, 1.0, 1.5, 2.0], seconds=3.0), SR)
    assert 0.1 < m.audio_activity < 0.3
    assert len(m.onsets) == 4 and m.distinct_sounds >= 3      # four pitches
    same = compute_metrics(scene(), FPS, beeps([0.5, 1.0, 1.5, 2.0], seconds=3.0, freq=440), SR)
    assert same.distinct_sounds <= 2 and same.audio_variety < m.audio_variety


def telemetry(phases, scores=None, events=None):
    out = []
    for i, p in enumerate(phases):
        out.append({"phase": p, "score": (scores or [0] * len(phases))[i], "lives": 3,
                    "events": (events or {}) if i > len(phases) // 2 else {},
                    "entities": [{"tag": "player", "x": 1, "y": 2}, {"tag": "coin", "x": 3, "y": 4}],
                    "mechanics": ["gravity", "jump"]})
    return out


def test_telemetry_gives_survival_game_over_restart_and_score_progress():
    phases = ["title"] * 10 + ["playing"] * 40 + ["over"] * 20 + ["playing"] * 20
    scores = [0] * 10 + list(range(0, 40)) + [39] * 20 + [0] * 20
    m = compute_metrics(scene(), FPS, telemetry=telemetry(phases, scores, {"jump": 3, "coin": 2}))
    assert m.telemetry_seen and m.game_over_seen and m.restart_seen
    assert m.survival_time == pytest.approx(50 / FPS)
    assert m.score_start == 0 and m.score_max == 39 and m.score_gain == 39 and m.score_increments == 39
    assert m.score_progress > 0.99
    assert m.events == {"jump": 3, "coin": 2} and m.event_kinds == 2
    assert m.entity_tags == ("coin", "player") and m.entity_variety == 2 and m.max_entities == 2
    assert m.mechanics == ("gravity", "jump")


def test_without_game_over_there_is_no_restart_and_survival_is_the_whole_run():
    m = compute_metrics(scene(), FPS, telemetry=telemetry(["title"] * 5 + ["playing"] * 85))
    assert not m.game_over_seen and not m.restart_seen
    assert m.survival_time == pytest.approx(m.duration)
    # telemetry may be absent in places, or arrive as JSON text
    m = compute_metrics(scene(), FPS, telemetry=[None, '{"phase": "playing", "score": 1}', "not json"])
    assert m.telemetry_seen and m.score_max == 1


def test_frames_that_freeze_end_survival_after_two_seconds():
    fr = scene(150)
    fr[60:] = fr[60]                                            # nothing moves from frame 60 on
    m = compute_metrics(fr, FPS)
    assert m.survival_time == pytest.approx(61 / FPS, abs=0.05)
    assert m.frozen and m.frozen_at == pytest.approx(m.survival_time)
    assert not compute_metrics(scene(150), FPS).frozen


def test_errors_and_frame_pacing():
    m = compute_metrics(scene(), FPS, errors=3, frame_costs_ms=[1.0, 2.0, 3.0, 4.0, 100.0])
    assert m.errors == 3 and m.frame_cost_median_ms == 3.0 and m.frame_cost_p95_ms > 50
    clean = compute_metrics(scene(), FPS)
    assert m.playability < clean.playability


def test_metrics_round_trip_through_a_dict():
    m = compute_metrics(scene(), FPS, beeps([0.5]), SR, telemetry(["playing"] * 90), idle_frames=scene(moving=False))
    d = m.to_dict()
    assert isinstance(d["onsets"], list) and Metrics.from_dict(d) == m
    assert Metrics.from_dict({**d, "from_the_future": 1}) == m


def test_frames_may_come_as_a_list_and_nothing_at_all_is_handled():
    fr = scene(30)
    assert compute_metrics(list(fr), FPS) == compute_metrics(fr, FPS)
    empty = compute_metrics(np.zeros((0, 10, 10, 3), np.uint8), FPS)
    assert empty.frames == 0 and empty.playability == 0
    assert compute_metrics([], FPS).frames == 0


def test_playability_formula_documented_points():
    base = dict(blank_fraction=0.0, errors=0, visual_variety=0.5, audio_activity=0.3,
                survival_time=10, duration=10, progress=0.8)
    assert playability_of(changing_fraction=1.0, responsiveness=0.8, **base) > 0.9
    assert playability_of(changing_fraction=1.0, responsiveness=0.0, **base) <= 0.4
    assert playability_of(changing_fraction=0.1, responsiveness=1.0, **base) >= 0.6   # a turn-based puzzle


def test_a_ten_second_run_at_640x480_is_measured_quickly():
    t, h, w = 300, 480, 640
    fr = np.empty((t, h, w, 3), np.uint8)
    fr[...] = (10, 20, 60)
    for i in range(t):
        fr[i, 200:232, (i * 5) % 600:(i * 5) % 600 + 32] = 255
    audio = beeps([1, 2, 3, 4, 5], seconds=10.0)
    compute_metrics(fr[:10], FPS)
    start = time.perf_counter()
    m = compute_metrics(fr, FPS, audio, SR)
    took = time.perf_counter() - start
    print(f"compute_metrics, 300 frames of 640x480 + 10 s audio: {took * 1000:.0f} ms")
    assert m.changing_fraction == 1.0 and len(m.onsets) == 5
    assert took < 1.5                       # ~0.1 s on an idle core; generous for shared machines


def test_sparse_idle_run_is_aligned_with_the_recording():
    """An idle run sampled every 3rd capture compares against the matching recorded frames."""
    rng = np.random.default_rng(3)
    frames = rng.integers(0, 255, size=(30, 48, 64, 3), dtype=np.uint8)
    idle = frames[2::3]  # captured at the same moments as frames 2, 5, 8, ...
    same = compute_metrics(frames, 30, idle_frames=idle, idle_every=3)
    assert same.responsiveness == 0.0
    shifted = compute_metrics(frames, 30, idle_frames=frames[0::3], idle_every=3)
    assert shifted.responsiveness > 0.5
