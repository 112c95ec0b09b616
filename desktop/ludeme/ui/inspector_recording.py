"""Playback of an evaluation's recording, with sound, and its contact sheet.

Recordings are WebM (VP9 + Opus). The PyPI build of QtMultimedia needs PulseAudio libraries that
a desktop may lack, while the bundled Chromium always plays WebM with sound (RESEARCH.md), so the
video plays in a small web view of its own (an off-the-record profile that serves only the player
page and the one recording), driven by native Qt controls: play/pause, a seek slider, the time.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor, QIcon, QImage, QKeySequence, QPainter, QPen, QPixmap, QPolygonF,
)
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSlider, QStackedWidget, QToolButton,
    QVBoxLayout, QWidget,
)

from ludeme.ui.theme import local_shortcut

if TYPE_CHECKING:
    from ludeme.store.project import Project

PLAYER_HOST = "e0a1b2c3d4e5f6f0"  # the player page's own origin (never a version id in practice)
PLAYER_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html,body{margin:0;height:100%;background:#0b0e14;overflow:hidden}
video{width:100%;height:100%;object-fit:contain;display:block}
</style></head><body><video id="v" preload="auto" playsinline></video><script>
const v = document.getElementById('v');
v.src = 'recording.webm?n=__N__';
window.state = () => JSON.stringify({t: v.currentTime, d: isFinite(v.duration) ? v.duration : 0,
  paused: v.paused, ended: v.ended, ready: v.readyState, muted: v.muted,
  audio: v.webkitAudioDecodedByteCount || 0, video: v.webkitVideoDecodedByteCount || 0,
  error: v.error ? (v.error.message || ('media error ' + v.error.code)) : null});
</script></body></html>"""


def media_icon(name: str, size: int = 18) -> QIcon:
    """Play, pause, volume and muted glyphs in the theme's text colour (Fusion's own are dark)."""
    from ludeme.ui.theme import colors

    pm = QPixmap(size * 2, size * 2)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(2, 2)
    col = QColor(colors()["text"])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(col)
    s = size
    if name == "play":
        p.drawPolygon(QPolygonF([QPointF(s * 0.28, s * 0.18), QPointF(s * 0.82, s * 0.5), QPointF(s * 0.28, s * 0.82)]))
    elif name == "pause":
        p.drawRoundedRect(QRectF(s * 0.24, s * 0.18, s * 0.18, s * 0.64), 1.5, 1.5)
        p.drawRoundedRect(QRectF(s * 0.58, s * 0.18, s * 0.18, s * 0.64), 1.5, 1.5)
    else:
        p.drawPolygon(QPolygonF([QPointF(s * 0.12, s * 0.38), QPointF(s * 0.3, s * 0.38), QPointF(s * 0.52, s * 0.18),
                                 QPointF(s * 0.52, s * 0.82), QPointF(s * 0.3, s * 0.62), QPointF(s * 0.12, s * 0.62)]))
        pen = QPen(col, 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if name == "muted":
            p.drawLine(QPointF(s * 0.64, s * 0.36), QPointF(s * 0.9, s * 0.64))
            p.drawLine(QPointF(s * 0.9, s * 0.36), QPointF(s * 0.64, s * 0.64))
        else:
            p.drawArc(QRectF(s * 0.42, s * 0.3, s * 0.3, s * 0.4), -60 * 16, 120 * 16)
            p.drawArc(QRectF(s * 0.36, s * 0.16, s * 0.5, s * 0.68), -60 * 16, 120 * 16)
    p.end()
    pm.setDevicePixelRatio(2)
    return QIcon(pm)


def fmt_time(seconds: float) -> str:
    seconds = max(0.0, float(seconds or 0.0))
    m, s = divmod(seconds, 60)
    return f"{int(m)}:{s:04.1f}"


class RecordingPlayer(QWidget):
    """A video with sound and native controls. ``load(data, mime)`` then ``play()``."""

    state_changed = Signal(dict)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.state: dict = {}
        self._data: bytes | None = None
        self._serial = 0
        self._view = None  # the web view is made on first use (Chromium starts in ~0.3 s)
        self._profile = None
        self._page = None
        self.stack = QStackedWidget()
        self.message = QLabel("No recording")
        self.message.setObjectName("Muted")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack.addWidget(self.message)
        self.stack.setMinimumHeight(200)
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.play_button = QToolButton()
        self.play_button.setObjectName("PlayButton")
        self._icon(self.play_button, "play")
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.clicked.connect(self.toggle)
        self.mute_button = QToolButton()
        self.mute_button.setCheckable(True)
        self._icon(self.mute_button, "volume")
        self.mute_button.setToolTip("Mute the recording")
        self.mute_button.toggled.connect(self.set_muted)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Seek")
        self.slider.sliderMoved.connect(self.seek_ms)
        self.slider.sliderReleased.connect(lambda: self.seek_ms(self.slider.value()))
        self.time_label = QLabel(fmt_time(0) + " / " + fmt_time(0))
        self.time_label.setObjectName("Muted")
        self.time_label.setMinimumWidth(90)
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 2, 0, 0)
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(self.mute_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.stack, 1)
        lay.addLayout(controls)
        local_shortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle)
        self.poll = QTimer(self)
        self.poll.setInterval(100)
        self.poll.timeout.connect(self._ask_state)
        self._set_enabled(False)

    # -- web view, made lazily -------------------------------------------------------------
    def _ensure_view(self) -> None:
        if self._view is not None:
            return
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
        from PySide6.QtWebEngineWidgets import QWebEngineView

        from ludeme.runtime.scheme import GameSchemeHandler

        # The view is made before the profile: children are deleted in creation order, and a
        # page must go before its profile.
        self._view = QWebEngineView(self)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._profile = QWebEngineProfile(self)  # off the record: nothing on disk
        self._profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
        self._handler = GameSchemeHandler(self._resolve, self._profile)
        self._profile.installUrlSchemeHandler(b"game", self._handler)
        s = self._profile.settings()
        A = QWebEngineSettings.WebAttribute
        for attr, on in ((A.PlaybackRequiresUserGesture, False), (A.LocalContentCanAccessFileUrls, False),
                         (A.LocalContentCanAccessRemoteUrls, False), (A.JavascriptCanOpenWindows, False),
                         (A.PluginsEnabled, False), (A.ErrorPageEnabled, False)):
            s.setAttribute(attr, on)
        self._page = QWebEnginePage(self._profile, self._view)
        self._view.setPage(self._page)
        self._view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stack.addWidget(self._view)

    def _resolve(self, host: str, path: str):
        if host != PLAYER_HOST:
            return None
        if path == "index.html":
            return PLAYER_HTML.replace("__N__", str(self._serial)).encode(), "text/html"
        if path == "recording.webm" and self._data is not None:
            return self._data, "video/webm"
        return None

    # -- API ---------------------------------------------------------------------------------
    def load(self, data: bytes | None, mime: str = "video/webm") -> None:
        """Show a recording (paused at its start); ``None`` shows the empty state."""
        self.poll.stop()
        self.state = {}
        self.slider.setRange(0, 0)
        self.time_label.setText(f"{fmt_time(0)} / {fmt_time(0)}")
        self._icon(self.play_button, "play")
        if self._page is not None and self._data is not None:
            self._page.load(QUrl("about:blank"))  # stop the one that was playing
        if not data:
            self._data = None
            self.show_message("This version has no recording yet: it is made when the version is evaluated.")
            return
        if "mp4" in (mime or ""):
            self._data = None  # Chromium from PyPI has no H.264
            self.show_message("This recording is an MP4 clip (H.264), which the built-in player cannot "
                              "play; export it and open it in a video player.")
            return
        self._ensure_view()
        self._data = bytes(data)
        self._serial += 1
        self._page.load(QUrl(f"game://{PLAYER_HOST}/index.html"))
        self.stack.setCurrentWidget(self._view)
        self._set_enabled(True)
        self.poll.start()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._set_enabled(False)

    def unload(self) -> None:
        self.poll.stop()
        self._data = None
        if self._page is not None:
            self._page.load(QUrl("about:blank"))

    def play(self) -> None:
        self._js("v.ended && (v.currentTime = 0); v.play().catch(() => {});")
        self._icon(self.play_button, "pause")
        self.poll.start()

    def pause(self) -> None:
        self._js("v.pause();")
        self._icon(self.play_button, "play")

    def toggle(self) -> None:
        if self._data is None:
            return
        if self.state.get("paused", True) or self.state.get("ended"):
            self.play()
        else:
            self.pause()

    def seek_ms(self, ms: int) -> None:
        self._js(f"v.currentTime = {max(0, int(ms)) / 1000.0};")
        self._show_time(ms / 1000.0, self.state.get("d", 0.0))

    def set_muted(self, muted: bool) -> None:
        self._icon(self.mute_button, "muted" if muted else "volume")
        self._js(f"v.muted = {'true' if muted else 'false'};")

    def shutdown(self) -> None:
        """Stop playing and let go of the page (before the profile, as Qt wants)."""
        self.poll.stop()
        if self._page is not None:
            import shiboken6

            page, self._page = self._page, None
            self._data = None
            shiboken6.delete(page)  # now, not later: the profile may go in the same event pass

    # -- internals ---------------------------------------------------------------------------
    def _js(self, code: str) -> None:
        if self._page is not None and self._data is not None:
            self._page.runJavaScript(code, 0)

    def _ask_state(self) -> None:
        if self._page is None or self._data is None:
            self.poll.stop()
            return
        serial = self._serial
        self._page.runJavaScript("window.state ? window.state() : null", 0,
                                 lambda r: self._on_state(serial, r))

    def _on_state(self, serial: int, result) -> None:
        if serial != self._serial or not result:
            return
        try:
            st = json.loads(result)
        except (TypeError, ValueError):
            return
        self.state = st
        if st.get("error"):
            self.show_message(f"The recording cannot be played: {st['error']}")
            self.poll.stop()
        duration = float(st.get("d") or 0.0)
        if duration and self.slider.maximum() != int(duration * 1000):
            self.slider.setRange(0, int(duration * 1000))
        if not self.slider.isSliderDown():
            self.slider.setValue(int(float(st.get("t") or 0.0) * 1000))
            self._show_time(float(st.get("t") or 0.0), duration)
        self._icon(self.play_button, "play" if st.get("paused") or st.get("ended") else "pause")
        if (st.get("paused") or st.get("ended")) and st.get("ready", 0) >= 2 and not self.isVisible():
            self.poll.stop()
        self.state_changed.emit(st)

    def _icon(self, button: QToolButton, name: str) -> None:
        button.setIcon(media_icon(name))
        button.setProperty("icon_name", name)

    def _show_time(self, t: float, d: float) -> None:
        self.time_label.setText(f"{fmt_time(t)} / {fmt_time(d)}")

    def _set_enabled(self, on: bool) -> None:
        for w in (self.play_button, self.slider, self.mute_button):
            w.setEnabled(on)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._data is not None and not self.poll.isActive():
            self.poll.start()

    def hideEvent(self, event) -> None:  # noqa: N802 — a hidden tab stops making sound
        if self.state and not self.state.get("paused", True):
            self.pause()
        super().hideEvent(event)


class ContactSheet(QLabel):
    """The contact sheet image, scaled to the width it is given."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setObjectName("Muted")
        self.setMinimumHeight(60)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_png(self, data: bytes | None) -> bool:
        self._pixmap = None
        if data:
            img = QImage.fromData(QByteArray(data))
            if not img.isNull():
                self._pixmap = QPixmap.fromImage(img)
        if self._pixmap is None:
            self.setPixmap(QPixmap())
            self.setText("No contact sheet")
            return False
        self.setText("")
        self._rescale()
        return True

    def has_image(self) -> bool:
        return self._pixmap is not None

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._pixmap is None:
            return
        w = max(100, self.width() - 4)
        scaled = self._pixmap.scaledToWidth(min(w, self._pixmap.width() * 2),
                                            Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(scaled)
        self.setMinimumHeight(scaled.height() + 4)


class RecordingTab(QWidget):
    """The Recording tab: the player, what was recorded, and the contact sheet below."""

    def __init__(self, project: Project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.player = RecordingPlayer()
        self.info = QLabel()
        self.info.setObjectName("Muted")
        self.info.setWordWrap(True)
        self.sheet = ContactSheet()
        sheet_box = QWidget()
        sl = QVBoxLayout(sheet_box)
        sl.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Contact sheet")
        title.setObjectName("SectionTitle")
        sl.addWidget(title)
        sl.addWidget(self.sheet)
        sl.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(sheet_box)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self.player, 3)
        lay.addWidget(self.info)
        lay.addWidget(scroll, 2)
        self.recording = None

    def load(self, version) -> None:
        recs = self.project.recordings(version.id)
        rec = recs[-1] if recs else None
        self.recording = rec
        if rec is None:
            self.player.load(None)
            self.info.setText("")
            self.sheet.set_png(None)
            return
        data = self.project.blob(rec.video_sha) if rec.video_sha else None
        mime = sniff_video(data)
        self.player.load(data, mime)
        parts = [f"{rec.duration:.1f} s", f"{rec.fps:g} fps" if rec.fps else "", f"bot: {rec.bot}" if rec.bot else "",
                 f"{len(data) / 1024:.0f} KB" if data else "no video",
                 f"recording {len(recs)} of {len(recs)}" if len(recs) > 1 else ""]
        self.info.setText("  ·  ".join(p for p in parts if p))
        self.sheet.set_png(self.project.blob(rec.contact_sheet_sha) if rec.contact_sheet_sha else None)

    def clear(self) -> None:
        self.recording = None
        self.player.load(None)
        self.info.setText("")
        self.sheet.set_png(None)


def sniff_video(data: bytes | None) -> str:
    """The container of a stored recording, from its first bytes (blobs keep no type)."""
    if data and data[4:8] == b"ftyp":
        return "video/mp4"
    return "video/webm"
