"""Step a harness session on its own while the caller waits on another one.

An evaluation plays a game and, to measure what input changes, runs the same game with no input
for as long. The two runs are independent (their own page, renderer and virtual clock), so the
no-input run goes on in the background: each answer from its page sends the next batch, from
whatever event loop the caller is spinning (the play session's waits spin one). The two
renderers then use both cores instead of one after the other. A ``BackgroundRun`` has no inputs;
its captures are the same ones ``HarnessSession.step`` would make, whole-page grabs included.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QTimer

from ludeme.runtime.harness import (BATCH_FRAMES, Captured, HarnessCrashed, HarnessError, HarnessSession,
                                    HarnessTimeout, PendingGrab)

GRAB_TIMEOUT_S = 1.0


class BackgroundRun:
    """``frames`` frames of ``session`` without input; ``on_capture`` gets each captured frame, in order."""

    def __init__(self, session: HarnessSession, frames: int, capture_every: int,
                 on_capture: Callable[[Captured], None]) -> None:
        self.session = session
        self.left = max(0, int(frames))
        self.every = int(capture_every)
        self.on_capture = on_capture
        self.done = False
        self.error: HarnessError | None = None
        self.started = self.finished = 0.0
        self._grab: tuple[Captured, int] | None = None  # the capture waiting for its page grab
        self._deadline = QTimer()
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._timed_out)
        self._poll = QTimer()
        self._poll.setInterval(5)
        self._poll.timeout.connect(self._poll_grab)

    @property
    def seconds(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    def start(self) -> "BackgroundRun":
        self.started = time.perf_counter()
        self._send()
        return self

    def wait(self, timeout: float) -> None:
        """Spin until the run is over; raise what stopped it (HarnessTimeout, HarnessCrashed...)."""
        if not self.done:
            try:
                self.session._wait(lambda: self.done, timeout, "the background run")
            except HarnessError as exc:
                self._end(exc)
        if self.error is not None:
            raise self.error

    def cancel(self) -> None:
        self._end(None)

    # -- the state machine --------------------------------------------------------------------
    def _send(self) -> None:
        if self.done:
            return
        s = self.session
        if s._crashed or s._closed:
            self._end(HarnessCrashed(s._crashed or "the session was closed"))
            return
        if self.left <= 0:
            self._end(None)
            return
        k = min(BATCH_FRAMES, self.left)
        self._what = f"stepping frames {s.frame}..{s.frame + k}"
        self._deadline.start(int(s.call_timeout * 1000))
        s.page.runJavaScript(s._step_expression(k, self.every, s.capture_size, {}, 1000.0 / s.sim_hz), 0, self._got)

    def _got(self, text) -> None:
        if self.done:
            return
        self._deadline.stop()
        import json

        try:
            result = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            result = None
        if not isinstance(result, dict) or not isinstance(result.get("steps"), list):
            self._end(HarnessError("the harness returned no step result (was the page replaced?)"))
            return
        s = self.session
        for step in result["steps"]:
            cap = s._captured(step)
            if step.get("page") == 2 and (reused := s.reused_grab()) is not None:
                cap.rgb = reused
            elif step.get("page"):
                self._grab = (cap, PendingGrab(s))  # the batch stopped here: grab, then go on
                continue
            if cap.captured:
                self.on_capture(cap)
        ran = max(0, int(result.get("ran", 0)))
        s.frame = int(result.get("frame", s.frame + ran))
        self.left -= ran
        if ran == 0 and self.left > 0:
            self._end(HarnessError("the harness made no progress"))
        elif self._grab is not None:
            self._deadline.start(int(GRAB_TIMEOUT_S * 1000))
            self._poll.start()
        else:
            self._send()

    def _poll_grab(self) -> None:
        if self.done or self._grab is None:
            self._poll.stop()
            return
        cap, pending = self._grab
        image = pending.poll()
        if image is None:
            return
        self._poll.stop()
        self._deadline.stop()
        self._grab = None
        cap.rgb = self.session._framed(image, None)
        self.on_capture(cap)
        self._send()

    def _timed_out(self) -> None:
        if self.done:
            return
        what = "a page capture" if self._grab is not None else self._what
        limit = GRAB_TIMEOUT_S if self._grab is not None else self.session.call_timeout
        reason = f"the game did not answer {what} within {limit:.1f} s and was stopped"
        self.session._kill(reason)
        self._end(HarnessTimeout(reason))

    def _end(self, error: HarnessError | None) -> None:
        if self.done:
            return
        self.done = True
        self.error = error
        self.finished = time.perf_counter()
        self._deadline.stop()
        self._poll.stop()
        self.session._wake()
