"""Recordings (WebM VP9/Opus, MP4 H.264/AAC) with sound in sync, and the still images made from them."""
from __future__ import annotations

import struct
import time
import zlib

import av
import numpy as np
import pytest

from ludeme.evaluation.images import choose_keyframes, resize
from ludeme.evaluation.recording import (
    RecordingWriter,
    ThreadedRecordingWriter,
    contact_sheet,
    encode_png,
    probe_recording,
    read_audio,
    read_frames,
    thumbnail,
    write_recording,
)

FPS = 30
SECONDS = 3
BEEPS = (0.5, 1.25, 2.0)
SQ = 40  # the moving square's size


def square_x(i: int, width: int) -> int:
    return (i * 3) % (width - SQ)


def make_frame(i: int, width: int = 320, height: int = 240) -> np.ndarray:
    """A dark gradient with a yellow square moving 3 px per frame."""
    ramp = np.linspace(10, 90, width, dtype=np.float32)
    frame = np.empty((height, width, 3), np.uint8)
    frame[:, :, 0] = ramp.astype(np.uint8)
    frame[:, :, 1] = 30
    frame[:, :, 2] = 70
    x = square_x(i, width)
    y = height // 2 - SQ // 2
    frame[y : y + SQ, x : x + SQ] = (255, 210, 0)
    return frame


def make_frames(seconds: float = SECONDS, width: int = 320, height: int = 240) -> list[np.ndarray]:
    return [make_frame(i, width, height) for i in range(int(round(seconds * FPS)))]


def beeps(sr: int, seconds: float = SECONDS, at=BEEPS, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    out = np.zeros(t.shape, np.float32)
    for onset in at:
        on = (t >= onset) & (t < onset + 0.12)
        out[on] = 0.5 * np.sin(2 * np.pi * 880 * (t[on] - onset))
    return out if channels == 1 else np.stack([out] * channels, axis=1)


def energy_onsets(samples: np.ndarray, sr: int, hop: float = 0.002, gap: float = 0.15) -> list[float]:
    """Tiny onset detector: RMS in 2 ms windows crossing a quarter of the peak after quiet."""
    n = max(1, int(sr * hop))
    frames = samples[: len(samples) // n * n].reshape(-1, n)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
    if rms.max() <= 1e-4:
        return []
    loud = rms > 0.25 * rms.max()
    onsets: list[float] = []
    last = -1e9
    for k in np.flatnonzero(loud & ~np.concatenate([[False], loud[:-1]])):
        t = k * hop
        if t - last >= gap:
            onsets.append(t)
        last = t
    return onsets


def square_position(frame: np.ndarray) -> int:
    """Left edge of the yellow square in a decoded frame."""
    row = frame[frame.shape[0] // 2].astype(int)
    yellow = (row[:, 0] > 180) & (row[:, 1] > 150) & (row[:, 2] < 90)
    return int(np.flatnonzero(yellow)[0])


@pytest.mark.parametrize(
    ("suffix", "vcodec", "acodec", "sr"),
    [
        (".webm", "vp9", "opus", 44100),  # not 48 kHz: resampled for Opus
        (".webm", "vp9", "opus", 48000),
        (".mp4", "h264", "aac", 48000),
    ],
)
def test_recording_round_trip_keeps_sound_in_sync(tmp_path, suffix, vcodec, acodec, sr):
    path = tmp_path / f"play{suffix}"
    info = write_recording(path, make_frames(), FPS, beeps(sr), sr)
    assert info.duration == pytest.approx(SECONDS, abs=1 / FPS)
    assert (info.width, info.height, info.fps, info.has_audio, info.silent) == (320, 240, 30.0, True, False)
    assert info.size_bytes == path.stat().st_size > 0

    with av.open(str(path)) as src:
        assert len(src.streams.video) == 1 and len(src.streams.audio) == 1
        assert src.streams.video[0].codec_context.name == vcodec
        assert src.streams.audio[0].codec_context.name == acodec
        assert src.duration / av.time_base == pytest.approx(SECONDS, abs=1 / FPS)

    probed = probe_recording(path)
    assert (probed.video_codec, probed.audio_codec) == (vcodec, acodec)
    assert probed.duration == pytest.approx(SECONDS, abs=1 / FPS)
    assert (probed.width, probed.height, probed.fps, probed.has_audio) == (320, 240, 30.0, True)

    audio, rate = read_audio(path)
    assert rate == (48000 if acodec == "opus" else sr)
    assert len(audio) / rate == pytest.approx(SECONDS, abs=1 / FPS)
    assert np.abs(audio).max() > 0.2
    found = energy_onsets(audio, rate)
    assert len(found) == len(BEEPS), found
    errors = [abs(a - b) for a, b in zip(found, BEEPS)]
    print(f"{suffix} {acodec} @ {sr} Hz: onsets {found}, worst error {max(errors) * 1000:.1f} ms")
    assert max(errors) <= 0.050

    frames = read_frames(path)
    assert abs(len(frames) - SECONDS * FPS) <= 1
    assert frames[0].shape == (240, 320, 3) and frames[0].dtype == np.uint8
    for i in (0, 45, 89):  # the right frame at the right time: the square is where it was drawn
        assert abs(square_position(frames[i]) - square_x(i, 320)) <= 2
    assert len(read_frames(path, max_frames=5)) == 5
    with av.open(str(path)) as src:  # frame i is shown at i / fps
        times = [float(f.pts * f.time_base) for f in src.decode(video=0)]
    assert max(abs(t - i / FPS) for i, t in enumerate(times)) <= 0.001


@pytest.mark.parametrize("suffix", [".webm", ".mp4"])
def test_nothing_recorded_leaves_a_readable_empty_file(tmp_path, suffix):
    info = RecordingWriter(tmp_path / f"empty{suffix}", 64, 64, FPS).close()
    assert info.duration == 0 and info.frame_count == 0 and info.path.exists()
    assert probe_recording(info.path).duration == 0
    assert read_frames(info.path) == [] and len(read_audio(info.path)[0]) == 0


@pytest.mark.parametrize("suffix", [".webm", ".mp4"])
def test_silent_recording_still_has_an_audio_stream(tmp_path, suffix):
    path = tmp_path / f"quiet{suffix}"
    info = write_recording(path, make_frames(1.0), FPS, None)
    assert info.has_audio and info.silent
    with av.open(str(path)) as src:
        assert len(src.streams.audio) == 1 and len(src.streams.video) == 1
    audio, rate = read_audio(path)
    assert len(audio) / rate == pytest.approx(1.0, abs=1 / FPS)
    assert np.abs(audio).max() < 1e-3
    assert probe_recording(path).duration == pytest.approx(1.0, abs=1 / FPS)


def test_audio_in_chunks_stereo_short_and_long(tmp_path):
    # Chunks interleaved with frames, stereo at 44.1 kHz, ending early: padded with silence.
    sr = 44100
    track = beeps(sr, seconds=1.5, at=(0.5, 1.25), channels=2)
    path = tmp_path / "chunks.webm"
    with RecordingWriter(path, 320, 240, FPS, sr) as writer:
        chunk = sr // FPS
        for i, frame in enumerate(make_frames(2.0)):
            writer.add_frame(frame)
            writer.add_audio(track[i * chunk : (i + 1) * chunk], sr)
    audio, rate = read_audio(path)
    assert len(audio) / rate == pytest.approx(2.0, abs=1 / FPS)
    assert all(abs(a - b) <= 0.05 for a, b in zip(energy_onsets(audio, rate), (0.5, 1.25)))
    assert np.abs(audio[int(1.6 * rate) :]).max() < 1e-3

    # Audio running past the last frame is cut: 1 s of frames stays a 1 s file.
    long_path = tmp_path / "long.mp4"
    info = write_recording(long_path, make_frames(1.0), FPS, beeps(48000, seconds=4.0), 48000)
    assert probe_recording(long_path).duration == pytest.approx(1.0, abs=1 / FPS) == info.duration


def test_frames_of_another_size_are_resized_and_odd_sizes_encode(tmp_path):
    path = tmp_path / "odd.mp4"
    with RecordingWriter(path, 161, 121, FPS) as writer:
        writer.add_frame(make_frame(0, 320, 240))  # resized to 161x121
        writer.add_frame(make_frame(1, 161, 121)[:, :, [0, 1, 2, 0]])  # RGBA: alpha dropped
    assert writer.info is not None and writer.info.frame_count == 2
    assert read_frames(path)[0].shape[:2] == (122, 162)  # padded to even for yuv420p
    with pytest.raises(ValueError):
        RecordingWriter(tmp_path / "x.avi", 64, 64, FPS)


def test_threaded_writer_gives_the_same_file(tmp_path):
    frames, audio = make_frames(2.0), beeps(48000, seconds=2.0)
    plain = write_recording(tmp_path / "plain.webm", frames, FPS, audio, 48000)
    with ThreadedRecordingWriter(tmp_path / "threaded.webm", 320, 240, FPS, 48000, max_queue=4) as writer:
        for i, frame in enumerate(frames):
            writer.add_frame(frame)
            if i == 10:
                writer.add_audio(audio, 48000)
        frame[:] = 0  # the writer copied what it was given
    threaded = writer.close()
    assert threaded.duration == plain.duration
    assert probe_recording(threaded.path).duration == probe_recording(plain.path).duration
    assert threaded.frame_count == len(frames)
    a, rate = read_audio(threaded.path)
    b, _ = read_audio(plain.path)
    assert len(a) == len(b) and energy_onsets(a, rate) == energy_onsets(b, rate)
    assert square_position(read_frames(threaded.path)[-1]) == pytest.approx(square_x(len(frames) - 1, 320), abs=2)


def test_threaded_writer_reports_errors(tmp_path):
    writer = ThreadedRecordingWriter(tmp_path / "bad.webm", 64, 64, FPS)
    writer.add_frame(np.zeros((64, 64), np.uint8))  # wrong shape: fails on the worker
    with pytest.raises(RuntimeError):
        writer.close()


def test_encode_speed_10s_640x480_webm(tmp_path):
    """10 s of 640x480 at 30 fps: printed, target about 2 s on one core."""
    rng = np.random.default_rng(3)
    h, w = 480, 640
    yy, xx = np.mgrid[0:h, 0:w]
    tiles = (rng.integers(0, 2, (h // 16, w // 16, 1)) * 60).repeat(16, 0).repeat(16, 1)
    bg = np.clip(np.stack([xx * 200 // w, yy * 200 // h, np.full_like(xx, 60)], -1) + tiles, 0, 255).astype(np.uint8)
    pos = rng.integers(0, [w - 24, h - 24], (30, 2))
    vel = rng.integers(-5, 6, (30, 2))
    colours = rng.integers(40, 256, (30, 3))
    frames = []
    for i in range(10 * FPS):  # a game-like scene: static tiled backdrop, 30 moving sprites
        f = bg.copy()
        for (x, y), c in zip((pos + vel * i) % [w - 24, h - 24], colours):
            f[y : y + 24, x : x + 24] = c
        frames.append(f)
    audio = beeps(48000, seconds=10.0, at=(1.0, 4.0, 7.5))
    start = time.perf_counter()
    info = write_recording(tmp_path / "ten.webm", frames, FPS, audio, 48000, threads=1)
    one = time.perf_counter() - start
    start = time.perf_counter()
    write_recording(tmp_path / "ten2.webm", frames, FPS, audio, 48000)
    two = time.perf_counter() - start
    print(f"\n10 s 640x480 30 fps WebM: {one:.2f} s (1 thread), {two:.2f} s (2 threads), {info.size_bytes / 1e6:.2f} MB")
    assert info.duration == pytest.approx(10.0, abs=1 / FPS)
    decoded = read_frames(info.path, max_frames=151)[150]
    psnr = 10 * np.log10(255.0**2 / np.mean((decoded.astype(float) - frames[150]) ** 2))
    print(f"PSNR of frame 150: {psnr:.1f} dB")
    assert psnr > 28
    assert one < 20  # generous: timing is reported, not enforced, on a shared machine


# ------------------------------------------------------------------------------------- images
def _png_chunks(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        yield kind, body
        pos += 12 + length


def _unfilter(raw: bytes, width: int, height: int, channels: int) -> np.ndarray:
    stride = width * channels
    rows = np.frombuffer(raw, np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), np.uint8)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:]
        prev = out[y - 1] if y else np.zeros(stride, np.uint8)
        assert kind in (0, 2)
        out[y] = line if kind == 0 else line + prev
    return out.reshape(height, width, channels)


def test_encode_png_is_a_valid_png(tmp_path):
    image = make_frame(7, 96, 64)
    image[5, 3] = (1, 2, 3)
    data = encode_png(image)
    chunks = list(_png_chunks(data))
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height, depth, colour) == (96, 64, 8, 2)
    assert np.array_equal(_unfilter(zlib.decompress(chunks[1][1]), 96, 64, 3), image)
    # And a real decoder agrees.
    (tmp_path / "f.png").write_bytes(data)
    with av.open(str(tmp_path / "f.png")) as src:
        decoded = next(src.decode(video=0)).to_ndarray(format="rgb24")
    assert np.array_equal(decoded, image)
    rgba = np.dstack([image, np.full(image.shape[:2], 200, np.uint8)])
    assert struct.unpack(">IIBB", list(_png_chunks(encode_png(rgba)))[0][1][:10])[3] == 6


def test_resize_averages_areas():
    img = np.zeros((4, 4, 3), np.uint8)
    img[:2, :2] = 200
    assert resize(img, 2, 2)[:, :, 0].tolist() == [[200, 0], [0, 0]]
    assert resize(img, 1, 1)[0, 0, 0] == 50
    assert resize(img, 8, 8).shape == (8, 8, 3)
    assert resize(make_frame(0, 640, 480), 320, 240).shape == (240, 320, 3)


def _with_blank_stretch() -> list[np.ndarray]:
    frames = make_frames(2.0)
    for i in range(0, 15):
        frames[i] = np.zeros_like(frames[i])  # a black loading screen first
    return frames


def test_contact_sheet_shape_and_non_blank_tiles():
    frames = _with_blank_stretch()
    times = [i / FPS for i in range(len(frames))]
    sheet = contact_sheet(frames, cols=4, rows=3, tile_width=160, labels=times)
    gutter, bar = 4, 3
    tile_h = 120
    assert sheet.shape == (gutter + 3 * (tile_h + bar + 1 + gutter), gutter + 4 * (160 + gutter), 3)
    assert sheet.dtype == np.uint8
    for r in range(3):
        for c in range(4):
            y, x = gutter + r * (tile_h + bar + 1 + gutter), gutter + c * (160 + gutter)
            tile = sheet[y : y + tile_h, x : x + 160]
            assert tile.std() > 5, (r, c)  # not blank
    picks = choose_keyframes(frames, 12, times)
    assert picks == sorted(picks) and len(set(picks)) == 12
    assert picks[0] >= 15 and picks[-1] >= len(frames) - len(frames) // 12  # skips the blank start, reaches the end
    # Time bars grow left to right.
    fills = [int((sheet[gutter + tile_h + 1, gutter + c * 164 : gutter + c * 164 + 160] == (255, 170, 40)).all(axis=1).sum()) for c in range(4)]
    assert fills == sorted(fills)
    few = contact_sheet(frames[:3], cols=4, rows=3, tile_width=80)
    assert few.shape[1] == 4 + 4 * 84


def test_thumbnail_picks_a_detailed_frame():
    frames = _with_blank_stretch()
    frames[40] = np.random.default_rng(0).integers(0, 256, frames[40].shape, dtype=np.uint8)
    thumb = thumbnail(frames, width=160)
    assert thumb.shape == (120, 160, 3)
    assert np.array_equal(thumb, resize(frames[40], 160, 120))  # the busy noise frame, not the black ones
    assert thumbnail(np.zeros((100, 200, 3), np.uint8), width=50).shape == (25, 50, 3)


def test_decoded_jpeg_frames_keep_their_colours(tmp_path):
    """Frames handed over as decoded JPEGs (full-range YUV) come out of the file in their colours."""
    from fractions import Fraction

    rgb = np.zeros((480, 640, 3), np.uint8)
    rgb[:, :320] = (200, 120, 40)
    rgb[:, 320:] = (20, 40, 60)
    enc = av.CodecContext.create("mjpeg", "w")
    enc.width, enc.height, enc.pix_fmt, enc.time_base = 640, 480, "yuvj420p", Fraction(1, 30)
    jpeg = bytes(enc.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuvj420p"))[0])
    dec = av.CodecContext.create("mjpeg", "r")
    writer = RecordingWriter(tmp_path / "j.webm", 640, 480, 30)
    for _ in range(6):
        writer.add_video_frame(dec.decode(av.Packet(jpeg))[0])
    writer.close()
    out = read_frames(tmp_path / "j.webm")[3]
    assert np.abs(out[240, 100].astype(int) - (200, 120, 40)).max() <= 4
    assert np.abs(out[240, 500].astype(int) - (20, 40, 60)).max() <= 4
    assert (tmp_path / "j.webm").stat().st_size < 60_000, "frames must not all be keyframes"
