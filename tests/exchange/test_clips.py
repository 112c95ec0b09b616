"""Clips of a real recording: an MP4 with H.264 pictures and AAC sound, and a small palette GIF,
both as long as the recording and showing the game."""
from __future__ import annotations

import time

import av
import numpy as np
import pytest

from ludeme.evaluation.recording import probe_recording, read_audio, read_frames
from ludeme.exchange.clips import export_clip, latest_recording
from ludeme.exchange.itch import ExportError

from ._fixtures_export import record_evaluation, seeded_project


@pytest.fixture(scope="module")
def recorded(qapp, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clips")
    project = seeded_project(tmp)
    lineage = next(lin for lin in project.lineages() if lin.title == "Dune Dash")
    version = project.versions(lineage.id)[0]
    report = record_evaluation(project, version.id, tmp, seconds=2.5)
    assert report.verdict == "playable", report.reasons
    source = tmp / "source.webm"
    source.write_bytes(project.blob(latest_recording(project, version.id).video_sha))
    yield project, version, source
    project.close()


def test_mp4_clip_has_h264_pictures_and_aac_sound(recorded, tmp_path):
    project, version, source = recorded
    rec = latest_recording(project, version.id)
    started = time.perf_counter()
    out = export_clip(project, version.id, tmp_path / "dune.mp4")
    took = time.perf_counter() - started
    assert took < 10
    info = probe_recording(out)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert abs(info.duration - rec.duration) < 0.1 and (info.width, info.height) == (640, 480)
    frames, original = read_frames(out), read_frames(source)
    assert len(frames) == len(original)
    assert np.std(frames[-1]) > 10, "the clip shows the game, not a blank screen"
    diff = np.abs(frames[-1].astype(int) - original[-1].astype(int)).mean()
    assert diff < 8, "the clip's last picture is the recording's last picture"
    audio, rate = read_audio(out)
    src_audio, _ = read_audio(source)
    assert rate == 48000 and abs(len(audio) / rate - rec.duration) < 0.1
    assert np.sqrt(np.mean(audio ** 2)) > 1e-3 and np.sqrt(np.mean(src_audio ** 2)) > 1e-3


def test_gif_clip_is_small_smooth_and_as_long_as_the_recording(recorded, tmp_path):
    project, version, _ = recorded
    rec = latest_recording(project, version.id)
    out = export_clip(project, version.id, tmp_path / "dune.gif")
    assert out.stat().st_size < 1_500_000
    with av.open(str(out)) as gif:
        stream = gif.streams.video[0]
        assert stream.codec_context.name == "gif" and stream.codec_context.width == 320
        delays = [p.duration for p in gif.demux(stream) if p.size]
        duration = gif.duration / av.time_base
    assert abs(duration - rec.duration) < 0.15
    assert len(delays) == pytest.approx(rec.duration * 15, abs=2)
    assert set(delays) <= {6, 7}, "15 fps in centisecond delays"
    frames = read_frames(out)
    assert frames[0].shape == (240, 320, 3)
    assert all(np.std(f) > 10 for f in frames[::5])
    assert np.abs(frames[-1].astype(int) - frames[0].astype(int)).mean() > 1, "the picture moves"


def test_a_stored_mp4_is_copied_and_bad_requests_are_refused(recorded, tmp_path):
    project, version, _ = recorded
    first = export_clip(project, version.id, tmp_path / "a.mp4")
    project.add_recording(version.id, video=first.read_bytes(), video_mime="video/mp4", duration=2.5, fps=30)
    folder = tmp_path / "clips"
    folder.mkdir()
    again = export_clip(project, version.id, folder)
    assert again.parent == folder and again.suffix == ".mp4" and again.read_bytes() == first.read_bytes()
    # a lineage names its best version that has a recording, even when a better one has none
    project.add_version(version.lineage_id, project.version_files(version.id), parents=[version.id],
                        operator="mutate", status="evaluated", reward=99.0)
    by_title = export_clip(project, "Dune Dash", tmp_path / "by-title.gif")
    assert by_title.stat().st_size > 10_000
    other = [v for v in project.versions() if v.lineage_id != version.lineage_id][0]
    with pytest.raises(ExportError, match="no recording"):
        export_clip(project, other.id, tmp_path / "none.mp4")
    with pytest.raises(ExportError, match=r"\.mp4 or \.gif"):
        export_clip(project, version.id, tmp_path / "clip.avi")
    assert not (tmp_path / "none.mp4").exists() and not (tmp_path / "clip.avi").exists()
