"""Clips of a version's latest recording: MP4 (H.264 + AAC, with the game's sound) or GIF.

Recordings are stored as WebM (VP9 + Opus: what the studio's web view plays). A clip is made from
the stored file with PyAV:

- ``.mp4``: the stored file as is when it already is H.264 + AAC, otherwise transcoded frame by
  frame (constant frame rate, the sound kept in sync through
  :class:`ludeme.evaluation.recording.RecordingWriter`); ``+faststart`` so it streams on the web;
- ``.gif``: scaled to ``width`` px (320 by default, aspect kept), resampled to ``fps`` (15), one
  256-colour palette made for the whole clip by FFmpeg's ``palettegen`` and applied with
  ``paletteuse`` (light ordered dithering, only the changed rectangle of each frame stored).
  Frame times are kept in GIF's centiseconds so the clip lasts as long as the recording.

No Qt here; the numpy/PyAV work is plain functions.
"""
from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ludeme.exchange.itch import ExportError, resolve_version, slugify

if TYPE_CHECKING:
    from ludeme.store.project import Project

FORMATS = (".mp4", ".gif")


def latest_recording(project: Project, version_id: str):
    """The newest recording of a version that has a video, or None."""
    with_video = [r for r in project.recordings(version_id) if r.video_sha]
    return with_video[-1] if with_video else None


def _source_suffix(data: bytes) -> str:
    return ".webm" if data[:4] == b"\x1a\x45\xdf\xa3" else ".mp4"


def _decode_audio(container):
    """All audio of the first stream as float32 (n, channels) and its rate (None if no audio)."""
    import numpy as np

    if not container.streams.audio:
        return None, 0
    stream = container.streams.audio[0]
    parts = []
    for frame in container.decode(stream):
        data = frame.to_ndarray()
        chans = len(frame.layout.channels)
        data = data.reshape(chans, -1) if frame.format.is_planar else data.reshape(-1, chans).T
        if np.issubdtype(data.dtype, np.integer):
            data = data.astype(np.float32) / (float(np.iinfo(data.dtype).max) + 1.0)
        parts.append(data.astype(np.float32).T)
    if not parts:
        return None, 0
    return np.concatenate(parts), stream.codec_context.sample_rate


def transcode_mp4(src: Path, dst: Path) -> None:
    import av

    from ludeme.evaluation.recording import RecordingWriter

    with av.open(str(src)) as container:
        audio, rate = _decode_audio(container)
    with av.open(str(src)) as container:
        if not container.streams.video:
            raise ExportError("the recording has no pictures")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = float(stream.average_rate or stream.guessed_rate or 30)
        width, height = stream.codec_context.width, stream.codec_context.height
        channels = 1 if audio is not None and audio.shape[1] == 1 else 2
        writer = RecordingWriter(dst, width, height, fps, rate or 48000, container="mp4", channels=channels)
        try:
            if audio is not None:
                writer.add_audio(audio, rate)
            for frame in container.decode(stream):
                writer.add_frame(frame.to_ndarray(format="rgb24"))
        finally:
            writer.close()


def _drain(graph_sink, out: list) -> None:
    import av

    while True:
        try:
            out.append(graph_sink.pull())
        except (av.error.BlockingIOError, av.error.EOFError, BlockingIOError):
            return


def write_gif(src: Path, dst: Path, *, width: int = 320, fps: float = 15.0,
              max_seconds: float | None = None) -> int:
    """A palette GIF of a video file; returns the number of frames written."""
    import av

    if width < 16 or fps <= 0:
        raise ExportError("a GIF needs a width of at least 16 px and a positive frame rate")
    frames = []
    with av.open(str(src)) as container:
        if not container.streams.video:
            raise ExportError("the recording has no pictures")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        w0, h0 = stream.codec_context.width, stream.codec_context.height
        w = min(int(width), w0) // 2 * 2
        h = max(2, round(h0 * w / w0) // 2 * 2)
        step, next_t = 1.0 / fps, 0.0
        for frame in container.decode(stream):
            t = float(frame.pts * frame.time_base) if frame.pts is not None else len(frames) * step
            if max_seconds is not None and t >= max_seconds:
                break
            if t + step * 0.25 < next_t:  # timestamps are rounded (WebM: to the ms)
                continue  # resampling down to the GIF's rate
            small = frame.reformat(width=w, height=h, format="rgb24")
            small.pts, small.time_base = len(frames), Fraction(1, 1000)
            frames.append((small, t))
            next_t += step
            while next_t <= t:
                next_t += step
    if not frames:
        raise ExportError("the recording has no frames to make a GIF of")

    tb = Fraction(1, 1000)
    gen = av.filter.Graph()
    src_buf = gen.add_buffer(width=w, height=h, format="rgb24", time_base=tb)
    palettegen = gen.add("palettegen", "max_colors=256:stats_mode=full")
    sink = gen.add("buffersink")
    src_buf.link_to(palettegen)
    palettegen.link_to(sink)
    gen.configure()
    for f, t in frames:
        f.pts = int(round(t * 1000))
        gen.push(f)
    gen.push(None)
    palettes: list = []
    _drain(gen, palettes)
    if not palettes:
        raise ExportError("could not make a colour palette for the GIF")
    palette = palettes[0]

    use = av.filter.Graph()
    video_in = use.add_buffer(width=w, height=h, format="rgb24", time_base=tb)
    palette_in = use.add_buffer(width=palette.width, height=palette.height, format=palette.format.name,
                                time_base=tb)
    paletteuse = use.add("paletteuse", "dither=bayer:bayer_scale=4:diff_mode=rectangle")
    use_sink = use.add("buffersink")
    video_in.link_to(paletteuse, 0, 0)
    palette_in.link_to(paletteuse, 0, 1)
    paletteuse.link_to(use_sink)
    use.configure()
    palette.pts = 0
    palette_in.push(palette)
    palette_in.push(None)
    mapped: list = []
    for f, _ in frames:
        video_in.push(f)
        _drain(use_sink, mapped)
    video_in.push(None)
    _drain(use_sink, mapped)

    # GIF delays are centiseconds: place each frame at its own time, rounded, never collapsing two
    cs = Fraction(1, 100)
    times = [int(round(t * 100)) for _, t in frames]
    for i in range(1, len(times)):
        times[i] = max(times[i], times[i - 1] + 1)
    with av.open(str(dst), "w", format="gif") as out:
        gs = out.add_stream("gif", rate=Fraction(fps).limit_denominator(1000))
        gs.width, gs.height, gs.pix_fmt = w, h, "pal8"
        gs.time_base = cs
        gs.codec_context.time_base = cs
        durations = [b - a for a, b in zip(times, times[1:])] + [max(1, round(100 / fps))]
        packets = 0

        def mux(packet) -> None:
            nonlocal packets
            k = min(packets, len(times) - 1)
            packet.pts = packet.dts = times[k]
            packet.duration = durations[k]
            packets += 1
            out.mux(packet)

        for frame, pts in zip(mapped, times):
            frame.pts, frame.time_base = pts, cs
            for packet in gs.encode(frame):
                mux(packet)
        for packet in gs.encode():
            mux(packet)
    return len(mapped)


GIF_MAX_SECONDS = 30.0  # a GIF holds every frame uncompressed in memory while it is made


def export_clip(project: Project, target_id: str, out: str | Path, *, width: int = 320, fps: float = 15.0,
                max_seconds: float | None = GIF_MAX_SECONDS) -> Path:
    """A clip of the target version's latest recording at ``out`` (``.mp4`` or ``.gif``; a folder
    gets ``<game>-<id>.mp4``). ``width``, ``fps`` and ``max_seconds`` (the first 30 s by default)
    shape GIFs; an MP4 is the whole recording. Returns the path.

    The target is a version id, or a lineage (id or title): its best version with a recording."""
    version = _clip_version(project, target_id)
    recording = latest_recording(project, version.id)
    if recording is None:
        raise ExportError(f"version {version.id} has no recording yet: evaluate it first")
    data = project.blob(recording.video_sha)
    if not data:
        raise ExportError(f"the recording of version {version.id} is missing from the project file")
    out = Path(out)
    if out.is_dir():
        title = project.lineage(version.lineage_id).title
        out = out / f"{slugify(title)}-{version.id[:8]}.mp4"
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"a clip is .mp4 or .gif, not {out.suffix or 'a name without a suffix'!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ludeme-clip-") as tmp:
        src = Path(tmp) / ("source" + _source_suffix(data))
        src.write_bytes(data)
        part = Path(tmp) / ("clip" + suffix)
        try:
            if suffix == ".mp4":
                if src.suffix == ".mp4" and _is_h264_aac(src):
                    part.write_bytes(data)
                else:
                    transcode_mp4(src, part)
            else:
                write_gif(src, part, width=width, fps=fps, max_seconds=max_seconds)
        except ExportError:
            raise
        except Exception as exc:  # a damaged recording: one line, nothing left behind
            raise ExportError(f"could not make a clip of version {version.id}: {exc}") from exc
        os.replace(part, out) if part.stat().st_dev == out.parent.stat().st_dev else \
            out.write_bytes(part.read_bytes())
    return out


def _clip_version(project: Project, target_id: str):
    """A version id names itself; a lineage names its best version that has a recording."""
    try:
        return project.version((target_id or "").strip())
    except KeyError:
        pass
    version = resolve_version(project, target_id)
    recorded = [v for v in project.versions(version.lineage_id) if latest_recording(project, v.id)]
    if not recorded:
        return version  # the error below names it
    return max(recorded, key=lambda v: (v.reward if v.reward is not None else float("-inf"), v.created))


def _is_h264_aac(path: Path) -> bool:
    from ludeme.evaluation.recording import probe_recording

    info = probe_recording(path)
    return info.video_codec in ("h264", "libx264") and info.audio_codec == "aac"
