"""Recordings are real: a video and an audio stream of the asked length, sound where the game made
sound, and a collision's beep within 50 ms of the frame that shows the collision."""
from __future__ import annotations

import numpy as np
import pytest

from ludeme.core.kit import build_game_html
from ludeme.core.settings import EvaluationSettings
from ludeme.evaluation.evaluator import evaluate
from ludeme.evaluation.metrics import onsets
from ludeme.evaluation.recording import probe_recording, read_audio, read_frames

# A ball crosses the screen in 2.5 s; when it hits the wall the screen flashes white and it beeps.
COLLIDER = """<!DOCTYPE html><html><body style="margin:0"><canvas id="c" width="640" height="480"></canvas>
<script>
const ctx = document.getElementById("c").getContext("2d");
let x = 0, flash = 0, ac = null;
addEventListener("keydown", () => {});
function beep() {
  ac = ac || new AudioContext();
  const o = ac.createOscillator(), g = ac.createGain();
  o.frequency.value = 880; g.gain.setValueAtTime(0.4, ac.currentTime);
  g.gain.exponentialRampToValueAtTime(0.001, ac.currentTime + 0.12);
  o.connect(g).connect(ac.destination); o.start(); o.stop(ac.currentTime + 0.13);
}
function loop() {
  x += 4;
  if (x >= 600) { x = 0; flash = 3; beep(); }
  ctx.fillStyle = flash > 0 ? "#ffffff" : "#101828"; ctx.fillRect(0, 0, 640, 480);
  if (flash > 0) flash--;
  ctx.fillStyle = "#f97316"; ctx.fillRect(x, 220, 40, 40);
  requestAnimationFrame(loop);
}
loop();
</script></body></html>"""


@pytest.mark.parametrize("suffix,codecs", [(".webm", ("vp9", "opus")), (".mp4", ("h264", "aac"))])
def test_collision_sound_is_in_sync_with_its_frame(qapp, tmp_path, suffix, codecs):
    out = tmp_path / f"collider{suffix}"
    report = evaluate({"index.html": COLLIDER.encode()}, EvaluationSettings(seconds=6, idle_seconds=1),
                      record_path=out)
    info = probe_recording(out)
    assert (info.video_codec, info.audio_codec) == codecs
    assert abs(info.duration - 6.0) < 0.05
    frames = read_frames(out)
    brightness = np.array([f.mean() for f in frames])
    flashes = [i / 30 for i in range(1, len(frames)) if brightness[i] > 200 and brightness[i - 1] < 200]
    audio, sr = read_audio(out)
    beeps = onsets(audio, sr)
    assert len(flashes) == 2 and len(beeps) >= 2, (flashes, beeps)
    for t in flashes:
        nearest = min(beeps, key=lambda b: abs(b - t))
        assert abs(nearest - t) <= 0.05, f"flash at {t:.3f} s, nearest sound at {nearest:.3f} s"
    assert report.recording and report.recording["frames"] == 180


def test_seed_game_recording_has_sound_and_pictures(qapp, tmp_path):
    out = tmp_path / "dune.webm"
    report = evaluate({"index.html": build_game_html("dune_dash").encode()},
                      EvaluationSettings(seconds=4, idle_seconds=2), record_path=out)
    assert report.verdict == "playable", report.reasons
    audio, sr = read_audio(out)
    assert np.sqrt(np.mean(audio ** 2)) > 1e-3, "the game's sound must be in the recording"
    assert report.contact_sheet_png.startswith(b"\x89PNG") and report.thumbnail_png.startswith(b"\x89PNG")
    assert all(p["ok"] for p in report.probes) and len(report.probes) >= 5
    assert report.input_trace, "the bot's inputs are kept for replay"
