"""Headless playtest harness: drive one sandboxed game on a virtual clock from a worker process.

See DESIGN.md §4–§5. A ``HarnessSession`` owns an offscreen view with a ``SandboxPage``.
``resources/harness/harness.js`` is added once to the sandbox profile's scripts (main world,
document creation, before any game code) and is inert unless the page URL carries a harness
config (``?__ludeme_harness=<JSON>``, removed from the URL before the game runs), so only the
session's own pages are evaluation pages. Every method is synchronous: it runs the page's
JavaScript and spins a local ``QEventLoop`` until the answer arrives or a timeout passes. A page
that does not answer in time has its render process killed (``HarnessTimeout``); a renderer that
dies raises ``HarnessCrashed``. After either, ``load`` starts on a fresh page: Qt 6.12 ran the
next document of a page whose renderer had been killed without any injected script. The
interactive player never uses this.

Inputs are dicts: ``{"type": "key", "code": "ArrowLeft", "down": True}`` or
``{"type": "pointer", "x": 400, "y": 300, "action": "down" | "move" | "up"}``; pointer
coordinates are in the main canvas's backing-store pixels, or in ``logical_size`` when given.

Limits (see harness.js): ``<audio>``/``<video>`` elements and ``createMediaElementSource`` are
not recorded; CSS/Web animations, ``document.timeline``, MessageChannel/postMessage loops and
about:blank iframes (the CSP allows them) run on real time; promise jobs run at the end of each
batch (≤ 30 frames), not between frames; events are synthetic (``isTrusted`` is false, and no
``:hover``/``:focus`` styles follow them); a game can see and call the harness, and what it
reports (telemetry, counters) is a hint, not proof.

Captures: the main canvas as an in-page JPEG when nothing else on the page paints; otherwise the
whole composited page, grabbed from the view once the compositor has shown the step
(``grab_page``), or the previous grab again when the page says nothing that paints has changed
since (no DOM mutation, input, scroll, CSSOM or form-value change, and nothing on the page that
paints on real time). ``runtime/background.py`` steps a session from the event loop while the
caller waits on another one.

Why this module is over 500 lines: the Python half of the protocol with
resources/harness/harness.js (stepping, captures, audio, signals), kept together so both halves
change together.
"""
from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSize, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView

from ludeme.runtime.policy import injected_script
from ludeme.runtime.sandbox import ConsoleEntry, SandboxPage, SandboxProfile

BATCH_FRAMES = 30
SCRIPT_NAME = "ludeme-harness"
HARNESS_PARAM = "__ludeme_harness"
_JPEG_PREFIX = "data:image/jpeg;base64,"
SETTLE_S = 0.025  # a grab waits this long after the step was produced for Qt to draw it


class PendingGrab:
    """One page capture waiting for the view to show its step (the rule: ``HarnessSession.grab_page``)."""

    def __init__(self, session) -> None:
        session._hook_renders()
        self.session = session
        self.mark = session._ask_presented()
        self.renders_before = session._renders
        self.presented_at: float | None = None

    def poll(self):
        """The grab (a QImage) once it shows the step; None: not yet."""
        s = self.session
        image = s.view.grab().toImage()
        if s._last_grab is not None and image != s._last_grab:
            return image
        if s._presented >= self.mark:
            if self.presented_at is None:
                self.presented_at = time.perf_counter()
            if (self.renders_before is None or (s._renders or 0) > self.renders_before
                    or time.perf_counter() - self.presented_at >= SETTLE_S):
                return image
        return None


class HarnessError(RuntimeError):
    """Base class of harness failures."""


class HarnessTimeout(HarnessError):
    """The page did not answer in time; its render process was killed."""


class HarnessCrashed(HarnessError):
    """The page's render process ended (killed, crashed or out of memory)."""


@dataclass
class Captured:
    frame: int                 # frames stepped so far, after this step (1-based)
    time: float                # virtual seconds after this step
    jpeg: bytes | None         # JPEG of the main canvas at capture size (canvas-only pages)
    telemetry: dict | None     # window.ludeme after this step, when the game publishes it
    cost_ms: float             # JS wall time of this step (timers + rAF callbacks)
    capture_ms: float = 0.0    # wall time of the capture (JS, or the page grab)
    rgb: np.ndarray | None = None  # the whole composited page at capture size (H×W×3), otherwise

    @property
    def captured(self) -> bool:
        return self.jpeg is not None or self.rgb is not None


class HarnessSession:
    """One evaluation page on a virtual clock. Not thread-safe; use it from the Qt thread."""

    def __init__(
        self,
        sandbox: SandboxProfile,
        *,
        seed: int = 1,
        sim_hz: int = 60,
        audio_seconds: float = 10.0,
        sample_rate: int = 48000,
        capture_size: tuple[int, int] = (640, 480),
        jpeg_quality: float = 0.85,
        logical_size: tuple[int, int] | None = None,
        call_timeout: float = 5.0,
        storage_limit: int = 1 << 20,
        cpu_canvas: bool = False,
        overdraw_hint: bool = True,
        capture_mode: str = "auto",
        viewport: tuple[int, int] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.seed = int(seed)
        self.sim_hz = int(sim_hz)
        self.audio_seconds = float(audio_seconds)
        self.sample_rate = int(sample_rate)
        self.capture_size = (int(capture_size[0]), int(capture_size[1]))
        self.jpeg_quality = float(jpeg_quality)
        self.logical_size = tuple(logical_size) if logical_size else None
        self.call_timeout = float(call_timeout)
        self.storage_limit = int(storage_limit)
        self.cpu_canvas = bool(cpu_canvas)
        self.overdraw_hint = bool(overdraw_hint)
        if capture_mode not in ("auto", "canvas", "page"):
            raise ValueError(f"capture_mode must be auto, canvas or page, not {capture_mode!r}")
        self.capture_mode = capture_mode
        # The page is laid out in a window of a common size (a person's browser window, not a
        # thumbnail); whole-page captures are scaled down to the capture size.
        self.viewport = tuple(viewport) if viewport else _default_viewport(self.capture_size)
        self.page_captures = 0
        self.page_reused = 0     # page captures answered with the last grab (nothing had changed)
        self._last_rgb = None
        self._presented = 0
        self._present_mark = 0
        self._last_grab = None
        self._crop = None  # the part of the window the page uses, found at load
        self.frame = 0
        self.last_audio_info: dict = {}
        self._clock_tampered = 0
        self._crashed: str | None = None
        self._terminated = False
        self._closed = False
        self.load_retries = 0  # navigations repeated because the harness was missing
        self._loops: list[QEventLoop] = []

        self.view: QWebEngineView | None = None
        self.page: SandboxPage | None = None
        self._make_page()
        self._install_script()

    def _make_page(self) -> None:
        self.view = QWebEngineView()
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.page = SandboxPage(self.sandbox, self.view, watchdog_timeout=max(self.call_timeout, 1.0))
        self.view.setPage(self.page)
        self.view.resize(QSize(*self.viewport))
        self.view.show()
        self.page.renderProcessTerminated.connect(self._on_renderer_gone)
        self.page.presented.connect(self._on_presented)
        self._last_grab = None
        self._last_rgb = None
        self._renders: int | None = None  # frames Qt has drawn of the page (None: not hooked yet / unknown)
        self._render_window = None
        self._terminated = False

    def _drop_page(self) -> None:
        page, view = self.page, self.view
        page.watchdog.stop()
        try:
            page.renderProcessTerminated.disconnect(self._on_renderer_gone)
        except (RuntimeError, TypeError):
            pass
        view.hide()
        page.deleteLater()
        view.deleteLater()

    # -- set-up ----------------------------------------------------------------------------
    def _config(self) -> dict:
        return {
            "seed": self.seed, "simHz": self.sim_hz, "audioSeconds": self.audio_seconds,
            "sampleRate": self.sample_rate, "storageLimit": self.storage_limit, "cpuCanvas": self.cpu_canvas,
            "overdraw": self.overdraw_hint, "capture": self.capture_mode,
            "logicalSize": list(self.logical_size) if self.logical_size else None,
        }

    def _install_script(self) -> None:
        """Add the harness to the profile once. It is inert in pages without a harness config in
        their URL, so other pages of the profile are untouched. (Per-page scripts with the config
        prepended were tried first: Qt 6.12 sometimes left them out of a page's new renderer.)"""
        scripts = self.sandbox.profile.scripts()
        if scripts.find(SCRIPT_NAME):
            return
        script = QWebEngineScript()
        script.setName(SCRIPT_NAME)
        script.setSourceCode(injected_script("harness.js"))
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)  # frames are refused by the CSP anyway
        scripts.insert(script)

    def _on_renderer_gone(self, status, exit_code) -> None:
        self._terminated = True
        self._crashed = self.page.stopped_reason or f"the game's process ended ({status.name})"
        self._wake()

    def _on_presented(self, nonce: str, mark: int) -> None:
        if nonce == self._nonce and mark > self._presented:
            self._presented = mark
            self._wake()

    def _wake(self) -> None:
        if self._loops:
            self._loops[-1].quit()

    def _wait(self, done: Callable[[], bool], timeout: float, what: str,
              tick: Callable[[], None] | None = None, tick_ms: int = 30) -> None:
        """Spin a local event loop until done(), the renderer dies, or the timeout passes.

        Callbacks that make done() true call self._wake(). On timeout the page's render process
        is killed (the watchdog's kill) and HarnessTimeout is raised.
        """
        if not (done() or self._crashed):
            loop = QEventLoop()
            self._loops.append(loop)
            deadline = QTimer()
            deadline.setSingleShot(True)
            deadline.timeout.connect(loop.quit)
            deadline.start(max(1, int(timeout * 1000)))
            ticker = None
            if tick is not None:
                ticker = QTimer()
                ticker.setInterval(tick_ms)
                ticker.timeout.connect(tick)
                ticker.start()
                tick()
            try:
                while not (done() or self._crashed) and deadline.isActive():
                    loop.exec()
            finally:
                self._loops.pop()
                deadline.stop()
                if ticker is not None:
                    ticker.stop()
        if done():
            return
        if self._crashed:
            raise HarnessCrashed(self._crashed)
        self._kill(f"the game did not answer {what} within {timeout:.1f} s and was stopped")
        raise HarnessTimeout(self._crashed)

    def _kill(self, reason: str) -> None:
        self.page.watchdog.kill(reason)
        self._crashed = reason
        # Let renderProcessTerminated arrive, so the page is clean for the next load.
        end = time.monotonic() + 2.0
        while not self._terminated and time.monotonic() < end:
            loop = QEventLoop()
            QTimer.singleShot(10, loop.quit)
            loop.exec()
        self._crashed = reason

    def _js(self, expression: str, timeout: float | None = None, what: str = "a call") -> Any:
        """Run JS that evaluates to a string; return the string (None for anything else)."""
        self._check_alive()
        box: dict[str, Any] = {}

        def got(result) -> None:
            box["r"] = result
            self._wake()
        self.page.runJavaScript(expression, 0, got)
        self._wait(lambda: "r" in box, self.call_timeout if timeout is None else timeout, what)
        result = box["r"]
        return result if isinstance(result, str) else None

    def _js_json(self, expression: str, timeout: float | None = None, what: str = "a call") -> Any:
        text = self._js(expression, timeout, what)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def _check_alive(self) -> None:
        if self._closed:
            raise HarnessError("the session is closed")
        if self._crashed:
            raise HarnessCrashed(self._crashed)

    # -- public API ------------------------------------------------------------------------
    def load(self, version_id: str, timeout: float = 5.0, *, seed: int | None = None) -> bool:
        """Load a version; True once its document is complete and the harness answers.

        Never waits on loadFinished alone (an infinite loop at load never fires it): it pings the
        new document too. False when the version has no index.html or the page failed to load.
        Raises HarnessTimeout when the page does not come up in time (its renderer is killed) and
        HarnessCrashed when its renderer dies. ``seed`` changes the session's seed from this load.
        """
        if self._closed:
            raise HarnessError("the session is closed")
        if seed is not None:
            self.seed = int(seed)
        version = version_id.lower()
        try:
            exists = self.sandbox.scheme_handler.resolver(version, "index.html") is not None
        except Exception:  # a damaged project: the same answer the scheme handler would give
            exists = False
        if not exists:
            return False  # a failed navigation would also leave the page without its scripts
        for attempt in range(3):
            if self._terminated or attempt > 0:
                # A page whose renderer was killed, or whose document came up without the injected
                # scripts, gets a fresh page: Qt 6.12 sometimes runs the next document of such a
                # page with none of the profile's scripts (no sandbox shims either).
                self._drop_page()
                self._make_page()
            outcome = self._navigate(version, timeout)
            if outcome != "no-harness":
                return outcome == "ok"
            self.load_retries += 1
            self._kill("the page came up without the harness")  # it ran without the shims: stop it
        return False

    def _navigate(self, version: str, timeout: float) -> str:
        nonce = secrets.token_hex(8)  # tells the new document from the one it replaces
        self._nonce = nonce
        self._presented = self._present_mark = 0
        self._last_grab = None
        config = dict(self._config(), nonce=nonce)
        query = urllib.parse.quote(json.dumps(config, separators=(",", ":")), safe="")
        self._crashed = None
        self.frame = 0
        self._clock_tampered = 0
        state: dict[str, Any] = {}

        def finished(info) -> None:
            # loadingChanged carries the URL of its own navigation (page.url() may already have
            # gone back to the previous document when a navigation fails).
            if info.url().host() != version:
                return
            status = info.status()
            if status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
                state["finished"] = True
            elif status in (QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus,
                            QWebEngineLoadingInfo.LoadStatus.LoadStoppedStatus):
                state["finished"] = False
            else:
                return
            self._wake()

        def pinged(result) -> None:
            state["pending"] = False
            try:
                ready, host, mark = json.loads(result) if isinstance(result, str) else (None, None, None)
            except (ValueError, TypeError):
                return
            if host == version and mark == nonce and ready == "complete":
                state["ready"] = True
                self._wake()

        def ping() -> None:
            # Never run JS while the page has no live renderer (after a kill): Qt would revive the
            # old document and cancel this navigation.
            if not state.get("pending") and self.page.renderProcessPid():
                state["pending"] = True
                self.page.runJavaScript(
                    "JSON.stringify([document.readyState, location.host,"
                    " window.__ludemeHarness ? __ludemeHarness.nonce : null])", 0, pinged)

        self.page.loadingChanged.connect(finished)
        try:
            self.page.load_version(version, f"index.html?{HARNESS_PARAM}={query}")
            self.page.watchdog.stop()  # every harness call has its own timeout instead
            self._wait(lambda: "finished" in state or state.get("ready", False), timeout, "while loading",
                       tick=ping)
        finally:
            try:
                self.page.loadingChanged.disconnect(finished)
            except (RuntimeError, TypeError):
                pass
        if not state.get("ready") and state.get("finished") is False:
            return "failed"
        info = self._js_json("JSON.stringify([location.host, window.__ludemeHarness ? __ludemeHarness.info() : null])",
                             timeout=timeout, what="after loading")
        if not isinstance(info, list) or len(info) != 2 or info[0] != version:
            return "failed"
        if not isinstance(info[1], str):
            return "no-harness"
        details = json.loads(info[1])
        if details.get("nonce") != nonce:
            return "no-harness"
        self.frame = int(details.get("frame", 0))
        self._crop = _crop_for(details.get("content"), details.get("viewport"), self.capture_size)
        return "ok"

    def run_json(self, expression: str, timeout: float | None = None) -> Any:
        """Evaluate JS that returns JSON text in the page; the decoded value, or None.

        Runs under the same timeout and kill as every harness call."""
        return self._js_json(expression, timeout, what="a script")

    def observe(self) -> dict:
        """What the page shows now, for bots: visible buttons, links and clickable elements
        (``targets``: centre ``x``/``y`` in page pixels, ``w``/``h``, ``text``, ``name`` = id and
        classes, ``clickable``), text drawn on canvases in the last frame that drew text
        (``drawn``, with where it landed, and ``drawnAge`` seconds since), the page's visible text
        (``text``) and whether a capture reads the canvas alone (``canvasOnly``)."""
        value = self._js_json("__ludemeHarness.observe()", what="observe")
        return value if isinstance(value, dict) else {}

    def info(self) -> dict | None:
        return self._js_json("window.__ludemeHarness ? __ludemeHarness.info() : ''", what="info")

    def step(
        self,
        frames: int,
        inputs: Mapping[int, Iterable[dict] | dict] | None = None,
        capture_every: int = 0,
        size: tuple[int, int] | None = None,
        dt_ms: float | None = None,
    ) -> list[Captured]:
        """Advance ``frames`` simulation frames; one ``Captured`` per frame.

        ``inputs`` maps an offset into this call (0 = before its first frame, ``frames`` = after
        its last) to an input dict or a list of them. A frame is captured when the session's frame
        count after it is a multiple of ``capture_every`` (0: no captures).
        """
        frames = max(0, int(frames))
        width, height = size or self.capture_size
        dt = float(dt_ms) if dt_ms else 1000.0 / self.sim_hz
        by_offset: dict[int, list[dict]] = {}
        for offset, value in (inputs or {}).items():
            offset = int(offset)
            if not 0 <= offset <= frames:
                raise ValueError(f"input offset {offset} is outside 0..{frames}")
            items = [value] if isinstance(value, dict) else list(value)
            by_offset.setdefault(offset, []).extend(items)
        out: list[Captured] = []
        done = 0
        while True:
            k = min(BATCH_FRAMES, frames - done)
            end = done + k
            batch = {str(o - done): v for o, v in by_offset.items() if done <= o < end or o == end == frames}
            if k == 0 and not batch:
                break
            expression = self._step_expression(k, capture_every, (width, height), batch, dt)
            result = self._js_json(expression, what=f"stepping frames {self.frame}..{self.frame + k}")
            if not isinstance(result, dict) or not isinstance(result.get("steps"), list):
                raise HarnessError("the harness returned no step result (was the page replaced?)")
            if int(result.get("frame0", -1)) != self.frame:
                self._clock_tampered += 1  # something else stepped the clock
            for s in result["steps"]:
                cap = self._captured(s)
                if s.get("page") == 2 and (reused := self.reused_grab((width, height))) is not None:
                    cap.rgb = reused  # nothing that paints changed since the last grab
                elif s.get("page"):
                    t0 = time.perf_counter()
                    cap.rgb = self.grab_page((width, height))
                    cap.capture_ms += (time.perf_counter() - t0) * 1000
                out.append(cap)
            ran = max(0, min(k, int(result.get("ran", k))))
            self.frame = int(result.get("frame", self.frame + ran))
            done += ran
            # A batch stops early after a frame whose page must be grabbed before anything else
            # happens; the inputs of the offsets it did not reach go with the next call.
            reached_end = bool(result.get("end", ran == k))
            applied_end = reached_end and done == frames  # offset == frames is sent only with the last frames
            by_offset = {o: v for o, v in by_offset.items() if o > done or (o == done and not applied_end)}
            if done >= frames and not by_offset:
                break
            if ran == 0 and k > 0 and not reached_end:
                raise HarnessError("the harness made no progress")
        return out

    def _step_expression(self, k: int, capture_every: int, size: tuple[int, int], batch: dict, dt: float) -> str:
        return "__ludemeHarness.stepAndCapture(%d, %d, %d, %d, %s, %s, %s)" % (
            int(k), int(capture_every), int(size[0]), int(size[1]), json.dumps(self.jpeg_quality),
            json.dumps(json.dumps(batch)), json.dumps(dt))

    def grab_page(self, size: tuple[int, int] | None = None, timeout: float = 1.0) -> np.ndarray:
        """The whole composited page (canvas, DOM, CSS, SVG) as H×W×3 RGB at ``size``.

        Waits until the view shows what the last step changed: a grab that differs from the previous
        one; or, once the page's real requestAnimationFrame (three frames deep) has announced that the
        renderer produced the step, until Qt has drawn a frame of the page since the request (under
        load Qt draws the renderer's frame late: a grab at the announcement alone could show the step
        before) or ``SETTLE_S`` has passed without one (the step changed nothing visible). The view's
        frame rate bounds this (about 60 grabs a second here), so canvas-only pages keep the in-page
        JPEG capture."""
        self._check_alive()
        pending = PendingGrab(self)
        box: dict[str, Any] = {}

        def poll() -> None:
            image = pending.poll()
            if image is not None:
                box["img"] = image
                self._wake()

        self._wait(lambda: "img" in box, timeout, "a page capture", tick=poll, tick_ms=5)
        return self._framed(box.get("img") or self.view.grab().toImage(), size)

    def _hook_renders(self) -> None:
        """Count the frames Qt draws of the page (the render widget's offscreen Quick window)."""
        proxy = self.view.focusProxy()
        if proxy is None or self._render_window is not None:
            return
        try:
            import shiboken6
            from PySide6.QtQuickWidgets import QQuickWidget

            if not proxy.inherits("QQuickWidget"):
                return
            if not isinstance(proxy, QQuickWidget):  # wrapped as a plain QWidget (a private subclass):
                address = shiboken6.getCppPointer(proxy)[0]   # wrap the same object as what it is
                shiboken6.invalidate(proxy)
                proxy = shiboken6.wrapInstance(address, QQuickWidget)
            window = proxy.quickWindow()
        except (ImportError, RuntimeError, TypeError, AttributeError):
            window = None
        if window is None:
            return
        self._render_window = window
        self._renders = 0
        window.afterRendering.connect(self._count_render)

    def _count_render(self) -> None:
        self._renders = (self._renders or 0) + 1

    def _ask_presented(self) -> int:
        """Ask the page to announce when the compositor has shown what it has now."""
        self._present_mark += 1
        self.page.runJavaScript("__ludemeHarness.markPresent(%d, 3)" % self._present_mark, 0)
        return self._present_mark

    def _framed(self, image, size: tuple[int, int] | None) -> np.ndarray:
        """A finished grab: kept for the next comparison, cropped to the page, scaled to ``size``."""
        width, height = size or self.capture_size
        self._last_grab = image
        self.page_captures += 1
        if self._crop is not None:
            x, y, w, h = self._crop
            dpr = image.devicePixelRatio() or 1.0
            image = image.copy(int(x * dpr), int(y * dpr), int(w * dpr), int(h * dpr))
        self._last_rgb = _qimage_rgb(image, (int(width), int(height)))
        return self._last_rgb

    def reused_grab(self, size: tuple[int, int] | None = None) -> np.ndarray | None:
        """The last grab, for a capture the page says nothing has changed since (None: none fits)."""
        width, height = size or self.capture_size
        if self._last_rgb is None or self._last_rgb.shape[:2] != (int(height), int(width)):
            return None
        self.page_reused += 1
        return self._last_rgb

    @staticmethod
    def _captured(s: dict) -> Captured:
        jpeg = None
        img = s.get("img")
        if isinstance(img, str) and img.startswith(_JPEG_PREFIX):
            try:
                jpeg = base64.b64decode(img[len(_JPEG_PREFIX):], validate=False)
            except (binascii.Error, ValueError):
                jpeg = None
        tel = s.get("tel")
        return Captured(
            frame=int(s.get("f", 0)), time=float(s.get("t", 0.0)), jpeg=jpeg,
            telemetry=tel if isinstance(tel, dict) else None,
            cost_ms=float(s.get("cost", 0.0)), capture_ms=float(s.get("cap", 0.0)),
        )

    def capture(self, size: tuple[int, int] | None = None) -> bytes | None:
        """Capture now, outside a step (a WebGL canvas may read blank here; step captures do not)."""
        width, height = size or self.capture_size
        text = self._js("__ludemeHarness.capture(%d, %d, %s) || ''" % (width, height, json.dumps(self.jpeg_quality)),
                        what="capture")
        if text and text.startswith(_JPEG_PREFIX):
            return base64.b64decode(text[len(_JPEG_PREFIX):])
        return None

    def key(self, code: str, down: bool = True) -> dict | None:
        """Dispatch one key event now (between frames)."""
        return self._js_json("__ludemeHarness.key(%s, %s)" % (json.dumps(code), json.dumps(bool(down))), what="key")

    def pointer(self, x: float, y: float, action: str = "move") -> dict | None:
        return self._js_json("__ludemeHarness.pointer(%s, %s, %s)" % (json.dumps(x), json.dumps(y), json.dumps(action)),
                             what="pointer")

    @staticmethod
    def decode(jpeg: bytes) -> np.ndarray:
        """JPEG bytes -> H×W×3 uint8 RGB."""
        image = QImage.fromData(jpeg, "JPEG")
        if image.isNull():
            raise ValueError("not a decodable JPEG")
        image = image.convertToFormat(QImage.Format.Format_RGB888)  # kept alive while its bits are read
        w, h, bpl = image.width(), image.height(), image.bytesPerLine()
        raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=bpl * h)
        return raw.reshape(h, bpl)[:, : w * 3].reshape(h, w, 3).copy()

    def audio(self, timeout: float = 20.0) -> tuple[np.ndarray, int]:
        """Render every context's sound (once; later calls return the same) as mono float32 PCM."""
        self._js("__ludemeHarness.startAudio()", what="starting the audio render")
        box: dict[str, Any] = {}

        def got(result) -> None:
            box["pending"] = False
            if isinstance(result, str) and result:
                box["r"] = result
                self._wake()

        def poll() -> None:
            if not box.get("pending") and "r" not in box:
                box["pending"] = True
                self.page.runJavaScript("__ludemeHarness.audioResult()", 0, got)

        self._wait(lambda: "r" in box, timeout, "the audio render", tick=poll, tick_ms=10)
        data = json.loads(box["r"])
        if "error" in data:
            raise HarnessError(f"audio render failed: {data['error']}")
        pcm = np.frombuffer(base64.b64decode(data["pcm16"]), dtype="<i2").astype(np.float32) / 32767.0
        self.last_audio_info = {k: v for k, v in data.items() if k != "pcm16"}
        return pcm, int(data["sampleRate"])

    def audio_events(self) -> list[dict]:
        return self._js_json("__ludemeHarness.audioEvents()", what="audio events") or []

    def signals(self) -> dict:
        sig = self._js_json("__ludemeHarness.signals()", what="signals") or {}
        sig["bridge_probes"] = sorted(sig.get("bridge") or {})
        sig["clock_tampered"] = self._clock_tampered
        sig["blocked"] = self.page.blocked_count
        return sig

    def telemetry(self) -> dict | None:
        value = self._js_json("__ludemeHarness.telemetry()", what="telemetry")
        return value if isinstance(value, dict) else None

    @property
    def console(self) -> list[ConsoleEntry]:
        return self.page.console

    @property
    def blocked_count(self) -> int:
        return self.page.blocked_count

    @property
    def crashed(self) -> str | None:
        return self._crashed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._drop_page()
        # Free the page and its renderer now: a worker may not run an event loop until its next
        # session, and each renderer holds ~100 MB.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def __enter__(self) -> "HarnessSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _default_viewport(capture: tuple[int, int]) -> tuple[int, int]:
    """A window of about 960×720 with the capture's aspect (never smaller than the capture)."""
    w, h = capture
    scale = max(1.0, 960 / max(1, w), 720 / max(1, h)) if w * h < 960 * 720 else 1.0
    return (int(round(w * scale)), int(round(h * scale)))


def _qimage_rgb(image: QImage, size: tuple[int, int]) -> np.ndarray:
    """A QImage scaled to fit ``size`` (letterboxed on black, like a canvas capture) as RGB."""
    w, h = size
    if image.isNull():
        return np.zeros((h, w, 3), np.uint8)
    scaled = image.scaled(w, h, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    scaled = scaled.convertToFormat(QImage.Format.Format_RGB888)  # kept alive while its bits are read
    sw, sh, bpl = scaled.width(), scaled.height(), scaled.bytesPerLine()
    raw = np.frombuffer(scaled.constBits(), dtype=np.uint8, count=bpl * sh).reshape(sh, bpl)[:, : sw * 3]
    out = np.zeros((h, w, 3), np.uint8)
    y0, x0 = (h - sh) // 2, (w - sw) // 2
    out[y0:y0 + sh, x0:x0 + sw] = raw.reshape(sh, sw, 3)
    return out


def _crop_for(content, viewport, capture: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The window region to capture: the page's content with a small margin, grown to the
    capture's aspect; None (the whole window) when the content fills most of it or is unknown."""
    try:
        x, y, w, h = (float(v) for v in content)
        vw, vh = (float(v) for v in viewport)
    except (TypeError, ValueError):
        return None
    if vw <= 0 or vh <= 0 or w * h >= 0.7 * vw * vh:
        return None
    margin = 8.0
    x0, y0, x1, y1 = max(0.0, x - margin), max(0.0, y - margin), min(vw, x + w + margin), min(vh, y + h + margin)
    aspect = capture[0] / max(1, capture[1])
    cw, ch = x1 - x0, y1 - y0
    if cw / ch < aspect:   # too tall: widen around the centre
        grow = ch * aspect - cw
        x0, x1 = x0 - grow / 2, x1 + grow / 2
    else:
        grow = cw / aspect - ch
        y0, y1 = y0 - grow / 2, y1 + grow / 2
    # keep it inside the window (shift, then clip)
    if x0 < 0:
        x1, x0 = x1 - x0, 0.0
    if y0 < 0:
        y1, y0 = y1 - y0, 0.0
    x1, y1 = min(vw, x1), min(vh, y1)
    return (int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0)))
