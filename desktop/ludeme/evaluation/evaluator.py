"""The evaluation cascade (DESIGN.md §5, stages 1–4) for one version, in this process.

static checks → load → play (bot, recorded with sound) + an idle run of the same length and seed
for responsiveness → mechanic probes → metrics → verdict → proxy reward. Frames are the page as a
person sees it: the main canvas alone when nothing else on the page paints (the fast path), the
composited page otherwise (DOM and CSS games, overlays; captured at ``PAGE_FPS``). Each stage records what it saw and can stop
the cascade; whatever the game does, this function returns a report (the page is killed, never
the evaluator). Qt is imported lazily: callers without a display get an offscreen application.

Why this module is over 500 lines: the cascade's stages share one object's state (sessions,
findings, frames); the judging rules could move to verdict.py.
"""
from __future__ import annotations

import re

import queue
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ludeme.evaluation.verdict import Findings, decide

SIM_HZ = 60
PAGE_FPS = 15             # capture rate of runs that start on a page the canvas alone does not show
OBSERVE_EVERY = 30        # steps between two looks at the page for the bot (half a second)
METRIC_SIZE = (160, 120)  # frames kept for metrics are downsampled: 300 frames ≈ 17 MB
SHEET_EVERY_S = 0.5       # full-size frames kept for the contact sheet and thumbnail
IDLE_SPARSE = 6           # the idle run is sampled at a sixth of the recording's frame rate
RENDERER_CAP_MB = 1500    # beyond the JS heap cap: typed arrays, canvases, audio buffers
ASSET_FLOOD = 200         # remote asset requests beyond which a page is flooding, not loading
DIALOG_FLOOD = 20         # alert/confirm/prompt calls beyond which a page is flooding
EVAL_HOST = "e0a1b2c3d4e5f601"
PROBE_HOST = "e0a1b2c3d4e5f602"


@dataclass
class Stage:
    name: str
    ok: bool
    detail: str
    seconds: float


@dataclass
class EvalReport:
    verdict: str
    reasons: list[str]
    checks: list[dict] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    probes: list[dict] = field(default_factory=list)
    # behaviour probes of planned mechanics (any game): id, ok, reason, input, new
    behaviour_probes: list[dict] = field(default_factory=list)
    reward: float = 0.0
    quality: float = 0.0
    progress: float | None = None         # None for a root
    breakdown: dict = field(default_factory=dict)
    gates: list[str] = field(default_factory=list)
    blocked_requests: int = 0
    signals: dict = field(default_factory=dict)
    console: list[dict] = field(default_factory=list)
    input_trace: list[dict] = field(default_factory=list)
    recording: dict | None = None
    contact_sheet_png: bytes | None = None
    thumbnail_png: bytes | None = None
    settings: dict = field(default_factory=dict)
    wall_time: float = 0.0
    # what the reward was computed from (kept to rescore with a critic's score; not in to_dict)
    reward_inputs: Any = field(default=None, repr=False, compare=False)

    def to_dict(self, with_images: bool = False) -> dict[str, Any]:
        d = asdict(self)
        d.pop("reward_inputs", None)
        if not with_images:
            d.pop("contact_sheet_png", None)
            d.pop("thumbnail_png", None)
        return d


def ensure_app():
    """A QApplication for headless evaluation (game:// registered before it exists)."""
    from ludeme.runtime.qt_env import configure_environment, register_schemes

    configure_environment(offscreen=True)
    register_schemes()
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["ludeme-evaluate"])


class JpegDecoder:
    """Captured frames → RGB arrays. Play and idle runs must share one decoder implementation, or
    decoder differences would read as the game reacting to input."""

    def __init__(self) -> None:
        import av

        self._av = av
        self._codec = av.CodecContext.create("mjpeg", "r")

    def __call__(self, jpeg: bytes):
        """The decoded frame (a PyAV VideoFrame, still in YUV)."""
        return self._codec.decode(self._av.Packet(jpeg))[0]

    def from_rgb(self, rgb: np.ndarray):
        """A whole-page capture as a VideoFrame, for the same scaler as decoded JPEGs."""
        return self._av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")

    def any(self, cap):
        """The frame of a harness capture (a canvas JPEG or a page grab), or None."""
        if cap.jpeg is not None:
            return self(cap.jpeg)
        if cap.rgb is not None:
            return self.from_rgb(cap.rgb)
        return None

    @staticmethod
    def small(frame) -> np.ndarray:
        """The frame scaled down for metrics, by the same scaler for every run."""
        return frame.reformat(width=METRIC_SIZE[0], height=METRIC_SIZE[1], format="rgb24").to_ndarray()

    @staticmethod
    def rgb(frame) -> np.ndarray:
        return frame.to_ndarray(format="rgb24")


class FrameSink:
    """Decodes captured JPEGs, keeps small copies for the metrics and some full frames for the
    contact sheet, and feeds the recording: on its own thread (PyAV and numpy release the GIL),
    so decoding and encoding overlap with the page playing in its renderer process."""

    def __init__(self, writer, sheet_every: int) -> None:
        self.writer = writer
        self.sheet_every = sheet_every
        self.small: list[np.ndarray] = []
        self.sheet: list[np.ndarray] = []
        self.error: BaseException | None = None
        self._decode = JpegDecoder()
        self._queue: queue.Queue = queue.Queue(maxsize=64)
        self._thread = threading.Thread(target=self._run, name="ludeme-frames", daemon=True)
        self._thread.start()

    def put(self, jpeg: bytes) -> None:
        if self.error is None:
            self._queue.put(("frame", jpeg))

    def put_rgb(self, rgb: np.ndarray) -> None:
        """A whole-page capture (H×W×3 uint8 at the capture size)."""
        if self.error is None:
            self._queue.put(("rgb", rgb))

    def add_audio(self, samples: np.ndarray, rate: int) -> None:
        self._queue.put(("audio", (samples, rate)))

    def _run(self) -> None:
        while True:
            kind, item = self._queue.get()
            if kind == "stop":
                return
            if self.error is not None:
                continue
            try:
                if kind in ("frame", "rgb"):
                    frame = self._decode(item) if kind == "frame" else self._decode.from_rgb(item)
                    if len(self.small) % self.sheet_every == 0:
                        self.sheet.append(self._decode.rgb(frame))
                    self.small.append(self._decode.small(frame))
                    if self.writer is not None:
                        self.writer.add_video_frame(frame)
                elif self.writer is not None and len(item[0]):
                    self.writer.add_audio(*item)
            except BaseException as exc:  # reported by close(); the evaluation itself goes on
                self.error = exc

    def close(self) -> None:
        self._queue.put(("stop", None))
        self._thread.join()
        if self.writer is not None:
            self.writer.close()
        if self.error is not None:
            raise self.error


class Evaluation:
    """One evaluation run; `run()` returns the report. Kept as an object so stages stay small."""

    def __init__(self, files: dict[str, bytes], settings, *, parent_html: str | None = None,
                 planned: tuple[str, ...] = (), record_path: Path | None = None,
                 novelty_against: list[set[str]] | None = None, trace: list[dict] | None = None,
                 probes: list | None = None) -> None:
        from ludeme.evaluation.bots import discover_controls
        from ludeme.evaluation.probes import ProbeSpec, specs_from_wire

        self.files = files
        self.html = files.get("index.html", b"").decode("utf-8", "replace")
        self.s = settings
        self.parent_html = parent_html
        self.planned = tuple(planned)
        self.record_path = record_path
        self.novelty_against = novelty_against or []
        self.trace = trace
        # behaviour probes of planned mechanics: ProbeSpec objects or their dicts (from a pool's wire)
        self.behaviour_specs = [p for p in probes or () if isinstance(p, ProbeSpec)] + specs_from_wire(
            p for p in probes or () if not isinstance(p, ProbeSpec))
        self.findings = Findings()
        self.report = EvalReport(verdict="broken", reasons=[], settings=_settings_dict(settings))
        self.controls = discover_controls(self.html)
        self.console: list = []
        self.blocked = 0
        self.blocked_assets: list[str] = []
        self.dialogs = 0
        self.page_captures = 0
        self.signals: dict = {}

    # -- the cascade ------------------------------------------------------------------------
    def run(self) -> EvalReport:
        started = time.perf_counter()
        self.app = ensure_app()
        from ludeme.runtime.sandbox import SandboxProfile
        from ludeme.runtime.scheme import MemoryResolver

        self.resolver = MemoryResolver()
        for path, data in self.files.items():
            self.resolver.put(EVAL_HOST, path, data)
        self.sandbox = SandboxProfile(self.resolver)
        play = None
        try:
            if self._stage("static", self._static):
                self._start_idle()  # the no-input run goes on alongside the play run
                if self._stage("load+play", self._play):
                    play = self._last_play
                    self._stage("idle", self._idle)
                    self._stage("probes", self._probes)
                    if self.behaviour_specs:
                        self._stage("behaviour", self._behaviour)
        finally:
            self._stop_idle()
            self._finish(play)
            self.sandbox.deleteLater()
            self.app.processEvents()
        self.report.wall_time = round(time.perf_counter() - started, 3)
        return self.report

    def _stage(self, name: str, fn) -> bool:
        t0 = time.perf_counter()
        try:
            ok, detail = fn()
        except Exception as exc:  # a bug in a stage must not hide the game's own result
            ok, detail = False, f"internal error in {name}: {type(exc).__name__}: {exc}"
            self.findings.broken.append(detail)
        self.report.stages.append(Stage(name, ok, detail, round(time.perf_counter() - t0, 3)))
        return ok

    def _static(self):
        from ludeme.evaluation.static_checks import static_checks

        checks = static_checks(self.html)
        self.report.checks = [asdict(c) for c in checks]
        fatal = [c for c in checks if not c.ok and c.severity == "error"]
        if not self.html.strip():
            self.findings.broken.append("the version has no index.html")
            return False, "no index.html"
        # Truncated code never runs: stop here. Other failures (no canvas, no input listener...)
        # are only hints; loading and playing the game confirms or refutes them.
        truncated = [c for c in fatal if c.name in ("balanced", "scripts")]
        for c in truncated:
            self.findings.broken.append(f"static check failed: {c.name} ({c.detail})")
        if truncated:
            return False, "source is truncated or unbalanced"
        return True, f"{sum(c.ok for c in checks)}/{len(checks)} checks passed"

    def _session(self, audio_seconds: float):
        from ludeme.runtime.harness import HarnessSession

        return HarnessSession(self.sandbox, seed=self.s.seed, sim_hz=SIM_HZ, audio_seconds=audio_seconds,
                              capture_size=(self.s.width, self.s.height),
                              logical_size=(self.s.width, self.s.height))

    def _play(self):
        from ludeme.evaluation.bots import make_bot
        from ludeme.runtime.harness import HarnessCrashed, HarnessTimeout

        seconds = float(self.s.seconds)
        total = int(round(seconds * SIM_HZ))
        # Bot frames are simulation steps: its seconds are the game's seconds.
        bot = make_bot(self.s.bot, seed=self.s.seed, fps=SIM_HZ, sim_hz=SIM_HZ, controls=self.controls,
                       width=self.s.width, height=self.s.height, trace=self.trace)
        session = self._session(seconds)
        fps = int(self.s.fps)
        sink = None
        telemetry, costs = [], []
        phase = "load"
        last_change, last_pic, first_input = 0, None, None
        self._observations: list[dict] = []
        try:
            if not session.load(EVAL_HOST, timeout=self.s.load_timeout):
                self.findings.broken.append("the page did not load")
                return False, "load failed"
            phase = "play"
            first = session.observe()
            fps = self._capture_fps(first)
            every = SIM_HZ // fps
            self._fps = fps
            sink = FrameSink(self._writer(fps), sheet_every=max(1, int(SHEET_EVERY_S * fps)))
            done = 0
            while done < total:
                obs = first if done == 0 else session.observe()
                obs["still_s"] = (done - last_change) / SIM_HZ
                drawn = " ".join(str(d.get("text", "")) for d in obs.get("drawn") or [] if isinstance(d, dict))
                self._observations.append({"frame": done, "text": (str(obs.get("text") or "")[:400] + " " + drawn[:200]).strip()})
                bot.observe(done, obs)
                n = min(OBSERVE_EVERY, total - done)
                inputs = {f: bot.inputs_for(done + f) for f in range(n)}
                inputs = {f: evs for f, evs in inputs.items() if evs}
                if inputs and first_input is None:
                    first_input = done + min(inputs)
                for cap in session.step(n, inputs=inputs, capture_every=every):
                    if cap.jpeg is not None:
                        sink.put(cap.jpeg)  # decoded and encoded on the sink's thread meanwhile
                        pic = cap.jpeg
                    elif cap.rgb is not None:
                        sink.put_rgb(cap.rgb)
                        pic = cap.rgb.tobytes()
                    else:
                        continue
                    if last_pic is not None and pic != last_pic:
                        last_change = cap.frame
                    last_pic = pic
                    telemetry.append(cap.telemetry)
                    costs.append(cap.cost_ms)
                done += n
                if done >= total and hasattr(bot, "finish"):
                    bot.finish(done)  # every key the bot holds is released in its trace
                rss = _renderer_rss_mb(session.page)
                if rss > RENDERER_CAP_MB:
                    raise HarnessCrashed(f"its renderer grew to {rss:.0f} MB (cap {RENDERER_CAP_MB} MB) and was stopped")
            self._final_text = str(session.observe().get("text") or "")
            audio, sr = session.audio()
            sink.add_audio(audio, sr)
        except HarnessTimeout as exc:
            self.findings.timeout = (f"hung at load ({exc})" if phase == "load"
                                     else f"hung after {len(telemetry) / max(fps, 1):.1f} s of play ({exc})")
            audio, sr = np.zeros(0, np.float32), 48000
        except HarnessCrashed as exc:
            # Script errors throw, they do not crash a renderer: a crash means the page exhausted
            # its limits (almost always the 512 MB heap cap). It was contained; the evaluator goes on.
            self.findings.hostile.append(f"the game's process crashed ({exc}); it most likely ran out of "
                                         f"its memory allowance")
            audio, sr = np.zeros(0, np.float32), 48000
        finally:
            self.page_captures = getattr(session, "page_captures", 0)
            self._collect(session)
            session.close()
            small, sheet = self._close_sink(sink, fps) if sink is not None else ([], [])
        self.report.input_trace = list(getattr(bot, "trace", []))
        self._first_input_s = None if first_input is None else first_input / SIM_HZ
        self._start_point = getattr(bot, "start_point", None)
        self._last_play = dict(small=small, sheet=sheet, telemetry=telemetry, costs=costs,
                               audio=audio, sr=sr, audio_events=self._audio_events, fps=fps)
        if self.findings.timeout or self.findings.hostile and not small:
            return False, self.findings.timeout or self.findings.hostile[0]
        if not small:
            self.findings.broken.append("nothing was captured: the page showed nothing")
            return False, "nothing captured"
        mode = "the whole page" if self.page_captures else "the canvas"
        return True, f"played {len(small) / fps:.1f} s with the {self.s.bot} bot (captured {mode} at {fps} fps)"

    def _capture_fps(self, first: dict) -> int:
        """Frames captured per second: a page grab waits for the compositor, so fewer of them."""
        fps = int(self.s.fps) if first.get("canvasOnly") else min(int(self.s.fps), PAGE_FPS)
        return SIM_HZ // max(1, SIM_HZ // fps)

    def _start_idle(self) -> None:
        """Load the no-input run (same seed and length) and let it step in the background while
        the play run is driven: the play session's waits spin the event loop that moves it."""
        from ludeme.runtime.background import BackgroundRun
        from ludeme.runtime.harness import HarnessError

        self._idle_run = None
        self._idle_error = None
        if not self.s.idle_seconds:
            return
        n = int(round(float(self.s.seconds) * SIM_HZ))
        session = self._session(max(1.0, n / SIM_HZ))
        self._idle_session = session
        decode = JpegDecoder()
        frames, telemetry = [], []
        self._idle_frames, self._idle_telemetry = frames, telemetry

        def got(cap) -> None:
            frame = decode.any(cap)
            if frame is not None:
                frames.append(decode.small(frame))
                telemetry.append(cap.telemetry)

        try:
            if not session.load(EVAL_HOST, timeout=self.s.load_timeout):
                self._idle_error = "idle run did not load"
                return
            every = (SIM_HZ // self._capture_fps(session.observe())) * IDLE_SPARSE
            self._idle_run = BackgroundRun(session, n, every, got).start()
        except HarnessError as exc:
            self._idle_error = f"idle run stopped: {exc}"

    def _stop_idle(self) -> None:
        run, session = getattr(self, "_idle_run", None), getattr(self, "_idle_session", None)
        if run is not None:
            run.cancel()
        if session is not None:
            session.close()
            self._idle_session = None

    def _idle(self):
        """Same seed and length, no input: what the game does on its own (for responsiveness)."""
        from ludeme.runtime.harness import HarnessError

        if not self.s.idle_seconds:
            return True, "no idle run (idle_seconds = 0)"
        run = self._idle_run
        if run is None:
            self._idle_frames, self._idle_telemetry = [], []
            return False, self._idle_error or "idle run did not start"
        try:
            run.wait(timeout=max(10.0, 4 * float(self.s.seconds)))
        except HarnessError as exc:
            self._idle_frames, self._idle_telemetry = [], []
            return False, f"idle run stopped: {exc}"
        finally:
            self._stop_idle()
        n = int(round(float(self.s.seconds) * SIM_HZ))
        return True, (f"{len(self._idle_frames)} idle frames over {n / SIM_HZ:.1f} s "
                      f"(run alongside the play run, {run.seconds:.1f} s)")

    def _behaviour(self):
        """The plan's probes on the game itself, against a no-input baseline (evaluation/probes.py)."""
        from ludeme.evaluation.probes import BehaviourProbes

        if self.findings.hostile or self.findings.timeout:
            return True, "skipped: the game was contained or hung"
        window = max(s.frames for s in self.behaviour_specs)
        total = int(round(float(self.s.seconds) * SIM_HZ))
        first = getattr(self, "_first_input_s", None)
        t0 = int(round(max(1.5, (first or 0.0) + 1.0) * SIM_HZ))
        t0 = max(SIM_HZ // 2, min(t0, total - window - 8))
        runner = BehaviourProbes(self, self.behaviour_specs, self.report.input_trace, t0=t0, sim_hz=SIM_HZ)
        self.report.behaviour_probes = runner.run()
        passed = sum(1 for p in self.report.behaviour_probes if p["ok"])
        return True, f"{passed}/{len(self.report.behaviour_probes)} behaviour probes passed"

    def _probes(self):
        from ludeme.evaluation.static_checks import kit_modules

        modules = kit_modules(self.html)
        if not modules:
            return True, "no kit modules to probe"
        page = _probe_page(self.html)
        if page is None:
            return True, "kit core not found; probes skipped"
        self.resolver.put(PROBE_HOST, "index.html", page)
        session = self._session(1.0)
        try:
            if not session.load(PROBE_HOST, timeout=self.s.load_timeout):
                return False, "probe page did not load"
            results = session.run_json("JSON.stringify(Kit.runAllProbes())", timeout=10.0) or []
        except Exception as exc:
            return False, f"probes stopped: {exc}"
        finally:
            session.close()
        self.report.probes = [dict(id=r.get("id"), ok=bool(r.get("ok")), reason=r.get("reason", ""))
                              for r in results if isinstance(r, dict)]
        passed = sum(p["ok"] for p in self.report.probes)
        return passed == len(self.report.probes), f"{passed}/{len(self.report.probes)} mechanic probes passed"

    # -- bookkeeping ------------------------------------------------------------------------
    def _collect(self, session) -> None:
        try:  # a dead page has no audio events or signals to give; what the host saw still counts
            self._audio_events = session.audio_events()
            self.signals = session.signals() or {}
        except Exception:
            self._audio_events = getattr(self, "_audio_events", [])
        page = session.page
        self.blocked += page.blocked_count
        self.console += list(page.console)
        errors = [c for c in page.console if c.level == "error"]
        # Behaviour is hostility: reaching out (requests, connections, beacons, sockets),
        # navigating away, opening windows, probing for a bridge, flooding. Remote assets the game
        # asked for (fonts, stylesheets, scripts, images) are only reported: the game runs without.
        reaching = [c.message.replace("[ludeme-sandbox] blocked ", "").lstrip(": ") for c in page.console
                    if c.message.startswith("[ludeme-sandbox] blocked") and
                    not c.message.startswith("[ludeme-sandbox] blocked remote ")]
        if reaching:
            self.findings.hostile.append(f"blocked {len(reaching)} attempt(s) to leave the sandbox: {reaching[0][:120]}")
        csp = [c for c in page.console if "Content Security Policy" in c.message]
        csp_out = [c for c in csp if _csp_is_behaviour(c.message)]
        if csp_out:
            self.findings.hostile.append(f"{len(csp_out)} connection(s) refused by the content security policy: "
                                         f"{csp_out[0].message[:120]}")
        assets = [url for _, url in page.blocked_assets] + [_csp_url(c.message) for c in csp if c not in csp_out]
        self.blocked_assets += assets
        if len(self.blocked_assets) > ASSET_FLOOD:
            self.findings.hostile.append(f"flooded the sandbox with {len(self.blocked_assets)} remote requests")
        dialogs = [c for c in page.console if c.message.startswith("[ludeme-sandbox] ")
                   and c.message.split(": ")[0].endswith(("alert", "confirm", "prompt"))]
        if len(dialogs) > DIALOG_FLOOD:
            self.findings.hostile.append(f"opened {len(dialogs)} dialogs (none was shown)")
        elif dialogs:
            self.dialogs = max(self.dialogs, len(dialogs))
        if self.signals.get("bridge_probes"):
            self.findings.hostile.append(f"looked for a native bridge: {', '.join(self.signals['bridge_probes'][:4])}")
        if self.signals.get("storage_refused"):
            self.findings.hostile.append(f"tried to flood storage ({self.signals.get('storage_bytes', 0)} bytes)")
        if errors:
            self._errors = errors

    def _writer(self, fps: int):
        if self.record_path is None:
            return None
        from ludeme.evaluation.recording import RecordingWriter

        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        return RecordingWriter(self.record_path, self.s.width, self.s.height, fps)

    def _close_sink(self, sink, fps: int):
        try:
            sink.close()
        except Exception as exc:
            self.findings.notes.append(f"recording failed: {exc}")
        if sink.writer is not None and sink.small and self.report.recording is None:
            n = len(sink.small)
            self.report.recording = {"path": str(self.record_path), "frames": n, "fps": fps, "seconds": n / fps}
        return sink.small, sink.sheet

    def _finish(self, play) -> None:
        from ludeme.evaluation.metrics import compute_metrics
        from ludeme.evaluation.recording import contact_sheet, encode_png, thumbnail

        errors = [c for c in self.console if c.level == "error"]
        if play is not None:
            small = np.stack(play["small"]) if play["small"] else np.zeros((0, 1, 1, 3), np.uint8)
            idle = getattr(self, "_idle_frames", None)
            metrics = compute_metrics(small, play["fps"], play["audio"], play["sr"], play["telemetry"],
                                      idle_frames=np.stack(idle) if idle else None, idle_every=IDLE_SPARSE,
                                      errors=len(errors),
                                      frame_costs_ms=play["costs"], audio_events=play["audio_events"],
                                      page_text=[o["text"] for o in getattr(self, "_observations", [])])
            self.report.metrics = metrics.to_dict()
            self._judge_play(play, errors)
            if play["sheet"]:
                self.report.contact_sheet_png = encode_png(contact_sheet(play["sheet"]))
                self.report.thumbnail_png = encode_png(thumbnail(play["sheet"]))
        self.report.blocked_requests = self.blocked
        self.report.signals = self.signals
        self.report.console = [dict(level=c.level, message=c.message, line=c.line) for c in self.console[:500]]
        self.report.verdict, self.report.reasons = decide(self.findings)
        self._plugin_terms(play)
        self._reward()

    def _plugin_terms(self, play) -> None:
        """Extra reward terms from plugin evaluators; a failing plugin is noted and left out."""
        self._extra_terms = {}
        try:
            from ludeme.plugin_api import EvaluationContext, get_host

            host = get_host()
            if not host.evaluators():
                return
            frames = np.stack(play["small"]) if play is not None and play["small"] else None
            ctx = EvaluationContext(html=self.html, verdict=self.report.verdict, metrics=dict(self.report.metrics),
                                    frames=frames, fps=int(self.s.fps), report=self.report)
            self._extra_terms, problems = host.evaluator_terms(ctx)
        except Exception as exc:  # the plugin machinery itself must not cost the game its result
            problems = [f"plugins: {type(exc).__name__}: {exc}"]
        self.report.reasons += [f"plugin {p}" for p in problems]

    def _judge_play(self, play, errors) -> None:
        """Broken needs evidence a person would accept: nothing ever drawn, an uncaught error that
        stops play, or a picture that froze once the game had started. Each reason says which."""
        m = self.report.metrics
        f = self.findings
        fps = play["fps"]
        frames = play["small"]
        duration = len(frames) / fps if fps else 0.0
        first_input = getattr(self, "_first_input_s", None)
        over_text = bool(_OVER_TEXT.search(getattr(self, "_final_text", "") or ""))
        changes = _change_times(frames, fps)
        if m.get("blank"):
            f.broken.append("nothing was ever drawn: the page stayed blank")
        elif errors:
            first = errors[0].message[:160]
            load_error = any(e.message.startswith(("Uncaught SyntaxError", "SyntaxError")) for e in errors)
            stopped_at = changes[-1] if changes else 0.0
            if load_error and not changes:
                f.broken.append(f"the script failed at load and nothing on the page ever moved: {first}")
            elif m.get("frozen") or (stopped_at < duration - 0.5 and not (m.get("game_over_seen") or over_text)):
                f.broken.append(f"stopped after {stopped_at:.1f} s with an error: {first}")
            else:
                f.notes.append(f"{len(errors)} console error(s), first: {first}")
        handlers = (self.signals or {}).get("input_handlers")
        if not f.broken and not changes and handlers == 0 and not _change_times(getattr(self, "_idle_frames", None) or [], fps):
            f.broken.append(f"the game never ran: nothing on the page changed in {duration:.0f} s, with or without "
                            f"input, and it listens for no input")
        if not f.broken and first_input is not None and not over_text and not m.get("game_over_seen"):
            # Started, then froze: the picture changed after the first input, then stood still for
            # the rest of the run (at least FROZEN_TAIL_S and a third of it) while the bot kept playing.
            # Only a game whose loop ran and then stopped counts: an event-driven game (a puzzle,
            # minesweeper) stands still between moves by design.
            sig = self.signals or {}
            loop_died = sig.get("raf_calls", 0) >= 1 and not sig.get("raf_pending") and not sig.get("timers_live")
            after = [t for t in changes if t > first_input]
            # An input before the first capture can start the game and freeze it at once: the
            # play run then never changes, but it shows something the no-input run does not.
            idle = getattr(self, "_idle_frames", None) or []
            if not after and idle and len(frames) >= IDLE_SPARSE and _change_times([idle[0], frames[IDLE_SPARSE - 1]], 1):
                after = [first_input]
            tail = duration - (changes[-1] if changes else 0.0)
            if after and loop_died and tail >= max(FROZEN_TAIL_S, duration / 3):
                f.broken.append(f"froze after it started: nothing on screen changed after {max(after[-1], changes[-1] if changes else 0):.1f} s "
                                f"while the bot kept playing for {tail:.1f} s")
        f.responsiveness = m.get("responsiveness")
        idle_t = (getattr(self, "_idle_telemetry", None) or [None])[-1]
        n_idle = len(getattr(self, "_idle_frames", []) or [])
        bot_t = play["telemetry"][n_idle * IDLE_SPARSE - 1] if n_idle and len(play["telemetry"]) >= n_idle * IDLE_SPARSE else None
        if isinstance(idle_t, dict) and isinstance(bot_t, dict):
            ie, be = idle_t.get("events", {}) or {}, bot_t.get("events", {}) or {}
            f.telemetry_reacted = any(v > ie.get(k, 0) for k, v in be.items())
        if self.blocked_assets:
            f.notes.append(f"{len(self.blocked_assets)} remote asset(s) blocked, the game ran without them: "
                           f"{_hosts(self.blocked_assets)}")
        if self.dialogs:
            f.notes.append(f"opened {self.dialogs} dialog(s) (alert/confirm/prompt); none was shown")

    def _reward(self) -> None:
        from ludeme.evaluation.probes import passed_ids
        from ludeme.evaluation.reward import RewardInputs, numbers_changed, structural_change

        collapse = None
        if self.parent_html is not None:
            from ludeme.evaluation.collapse import shell_collapse

            collapse = shell_collapse(self.parent_html, self.html, planned=self.planned,
                                      shown=passed_ids(self.report.behaviour_probes))
        probes = self.report.probes
        realisation = (sum(p["ok"] for p in probes) / len(probes)) if probes else None
        from ludeme.evaluation.static_checks import kit_modules

        mods = set(kit_modules(self.html))
        novelty = None
        if self.novelty_against and mods:
            novelty = 1.0 - max((len(mods & o) / len(mods | o) if (mods | o) else 0.0) for o in self.novelty_against)
        delta = new_mechanics = None
        if self.parent_html is not None:
            parent_mods = set(kit_modules(self.parent_html))
            union = parent_mods | mods
            delta = 1.0 - (len(parent_mods & mods) / len(union)) if union else 0.0
            # Mechanics the child shows that its parent did not: new kit modules whose probe passed,
            # and behaviour probes of added mechanics (any game) that passed.
            new_mechanics = len((mods - parent_mods) & set(passed_ids(probes)))
            new_mechanics += sum(1 for p in self.report.behaviour_probes if p.get("ok") and p.get("new"))
        inputs = RewardInputs(
            verdict=self.report.verdict, metrics=self.report.metrics, collapse=collapse,
            realisation=realisation,
            structural=None if self.parent_html is None else structural_change(self.parent_html, self.html),
            novelty=novelty, creativity=None, mechanic_delta=delta, new_mechanics=new_mechanics,
            tuned=self.parent_html is not None and numbers_changed(self.parent_html, self.html),
            extra=getattr(self, "_extra_terms", None) or None)
        _apply_reward(self.report, inputs, getattr(self.s, "reward", None))


def _apply_reward(report: EvalReport, inputs, reward_settings=None) -> None:
    """Score ``report`` from ``inputs`` with ``reward_settings`` (RewardSettings; None: the defaults)."""
    from ludeme.evaluation.reward import proxy_reward

    reward = proxy_reward(inputs, reward_settings)
    report.reward = round(float(reward.total), 4)
    report.breakdown = dict(reward.breakdown)
    report.gates = list(reward.gates)
    report.quality, report.progress = reward.quality, reward.progress
    report.reward_inputs = inputs


def rescore(report: EvalReport, *, creativity: float, reward_settings=None) -> EvalReport:
    """The same reward with a judge's creativity score (0–10) added, e.g. from the critic; pass the
    RewardSettings the report was scored with (``EvaluationSettings.reward``)."""
    import dataclasses

    inputs = report.reward_inputs
    if inputs is not None:
        _apply_reward(report, dataclasses.replace(inputs, creativity=float(creativity)), reward_settings)
    return report


FROZEN_TAIL_S = 3.0
_OVER_TEXT = re.compile(r"\b(?:game\s*over|you (?:lose|lost|died|win|won)|final score|try again|play again|"
                        r"the end|wasted|crashed)\b", re.I)


def _change_times(frames: list[np.ndarray], fps: int) -> list[float]:
    """Seconds at which the picture visibly changed (more than a few pixels by more than noise)."""
    out = []
    for i in range(1, len(frames)):
        d = np.abs(frames[i].astype(np.int16) - frames[i - 1].astype(np.int16)).max(axis=2)
        if int((d > 12).sum()) >= 3:
            out.append(i / max(fps, 1))
    return out


def _renderer_rss_mb(page) -> float:
    try:
        pid = page.renderProcessPid()
        with open(f"/proc/{pid}/statm") as f:
            import os

            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, RuntimeError):
        return 0.0


def _probe_page(html: str) -> str | None:
    """Core + the version's own module code (not the bundled copy): probes test what the game ships."""
    import re

    pieces = re.findall(r"/\* ludeme:kit:([a-z0-9_]+):begin \*/\n(.*?)\n/\* ludeme:kit:\1:end \*/", html, re.S)
    sources = {pid: src for pid, src in pieces if pid != "game"}
    if "core" not in sources:
        return None
    script = "\n".join(sources.values())
    return f"<!DOCTYPE html><html><body><canvas width=800 height=600></canvas><script>\n{script}\n</script></body></html>"


def _settings_dict(settings) -> dict:
    if hasattr(settings, "model_dump"):
        return settings.model_dump()
    return dict(vars(settings))


def evaluate(files: dict[str, bytes], settings=None, **kw) -> EvalReport:
    """Evaluate one version's files (``{"index.html": ...}``) and return the report."""
    if settings is None:
        from ludeme.core.settings import EvaluationSettings

        settings = EvaluationSettings()
    return Evaluation(files, settings, **kw).run()


_CSP_URL = re.compile(r"(?:load|connect to|frame|create a worker from|send form data to|load the \w+)\s+'([^']+)'")


def _csp_is_behaviour(message: str) -> bool:
    """A CSP refusal of the page reaching out (connect-src, form-action) rather than of an asset."""
    m = message.lower()
    return "refused to connect" in m or "form data" in m or "form-action" in m


def _csp_url(message: str) -> str:
    m = _CSP_URL.search(message)
    return m.group(1) if m else message[:120]


def _hosts(urls: list[str], limit: int = 4) -> str:
    """'fonts.googleapis.com, cdn.example.com …' for a note."""
    import urllib.parse

    hosts: list[str] = []
    for u in urls:
        try:
            h = urllib.parse.urlsplit(u).hostname or u[:40]
        except ValueError:
            h = u[:40]
        if h not in hosts:
            hosts.append(h)
    return ", ".join(hosts[:limit]) + (" …" if len(hosts) > limit else "")
