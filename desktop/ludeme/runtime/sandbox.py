"""The game sandbox: an off-the-record profile, a locked-down page and a watchdog.

See DESIGN.md §4. Every page that runs generated code is a ``SandboxPage`` of a ``SandboxProfile``:
served from game://<version-id>/ only, every other request blocked, no bridge, no popups, no
downloads, no permissions, no navigation away, console captured, and a watchdog that kills the
render process of a page that stops answering while the app goes on.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from ludeme.runtime.policy import injected_script, is_allowed_navigation, is_allowed_request
from ludeme.runtime.qt_env import GAME_SCHEME
from ludeme.runtime.scheme import GameSchemeHandler, Resolver

INJECTED = ("sandbox_shims.js", "audio_tap.js")
PRESENTED_PREFIX = "__ludeme_presented "


@dataclass(frozen=True)
class ConsoleEntry:
    level: str  # "info" | "warning" | "error"
    message: str
    line: int
    source: str
    at: float


# Resource types of a blocked request that are the page loading an asset (a remote font, stylesheet,
# script or image the game asked for): reported, but not hostility. Everything else — XHR/fetch,
# beacons and pings, navigations, frames, workers, CSP reports — is the page reaching out.
_ASSET_TYPES = {
    "ResourceTypeStylesheet": "stylesheet", "ResourceTypeScript": "script", "ResourceTypeImage": "image",
    "ResourceTypeFontResource": "font", "ResourceTypeSubResource": "resource", "ResourceTypeMedia": "media",
    "ResourceTypeFavicon": "icon", "ResourceTypePrefetch": "prefetch",
}


def _resource_kind(info) -> str:
    try:
        name = info.resourceType().name
    except Exception:
        return "request"
    return _ASSET_TYPES.get(name, "request")


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not from the page's own game origin (or data:/blob:)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.blocked: list[tuple[str, str, str]] = []  # (first-party host, url, kind)
        self.on_blocked = None  # callable(first_party_host, url, kind) set by the profile

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802
        url = info.requestUrl()
        first = info.firstPartyUrl()
        page_host = first.host() if first.scheme() == "game" else None
        if is_allowed_request(url.scheme(), url.host(), page_host):
            return
        info.block(True)
        record = (page_host or "", url.toString()[:300], _resource_kind(info))
        self.blocked.append(record)
        if self.on_blocked:
            self.on_blocked(*record)


class SandboxProfile(QObject):
    """One off-the-record profile per process (or per test) that all game pages share."""

    request_blocked = Signal(str, str, str)  # page host, url, kind ("request" or an asset kind)

    def __init__(self, resolver: Resolver, parent=None) -> None:
        super().__init__(parent)
        self.profile = QWebEngineProfile(self)  # no storage name: off the record, nothing on disk
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self.profile.setSpellCheckEnabled(False)
        self.profile.downloadRequested.connect(lambda download: download.cancel())
        self.scheme_handler = GameSchemeHandler(resolver, self)
        self.profile.installUrlSchemeHandler(GAME_SCHEME, self.scheme_handler)
        self.guard = RequestGuard(self)
        self.guard.on_blocked = self.request_blocked.emit
        self.profile.setUrlRequestInterceptor(self.guard)
        self._apply_settings(self.profile.settings())
        for name in INJECTED:
            script = QWebEngineScript()
            script.setName(name)
            script.setSourceCode(injected_script(name))
            script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
            script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
            script.setRunsOnSubFrames(True)
            self.profile.scripts().insert(script)

    @staticmethod
    def _apply_settings(s: QWebEngineSettings) -> None:
        A = QWebEngineSettings.WebAttribute
        for attr, on in (
            (A.JavascriptEnabled, True), (A.JavascriptCanOpenWindows, False),
            (A.JavascriptCanAccessClipboard, False), (A.JavascriptCanPaste, False),
            (A.LocalContentCanAccessFileUrls, False), (A.LocalContentCanAccessRemoteUrls, False),
            (A.LocalStorageEnabled, True),  # in memory only: the profile is off the record
            (A.PluginsEnabled, False), (A.PdfViewerEnabled, False), (A.ScreenCaptureEnabled, False),
            (A.WebRTCPublicInterfacesOnly, True), (A.DnsPrefetchEnabled, False),
            (A.HyperlinkAuditingEnabled, False), (A.NavigateOnDropEnabled, False),
            (A.AllowWindowActivationFromJavaScript, False), (A.AllowRunningInsecureContent, False),
            (A.AllowGeolocationOnInsecureOrigins, False), (A.ErrorPageEnabled, False),
            (A.PlaybackRequiresUserGesture, False), (A.FullScreenSupportEnabled, False),
            (A.AutoLoadIconsForPage, False), (A.TouchIconsEnabled, False),
        ):
            s.setAttribute(attr, on)


class SandboxPage(QWebEnginePage):
    """A page that runs one version. Emits what the host needs to know; never trusts the game."""

    console_message = Signal(object)  # ConsoleEntry
    game_stopped = Signal(str)  # reason, after the watchdog killed it or its renderer died
    blocked = Signal(str)  # what was blocked (request, navigation, window)
    presented = Signal(str, int)  # harness nonce, mark: the page showed a frame (harness.grab_page)

    def __init__(self, sandbox: SandboxProfile, parent=None, watchdog_timeout: float = 3.0) -> None:
        super().__init__(sandbox.profile, parent)
        self.sandbox = sandbox
        self.version_id: str | None = None
        self.console: list[ConsoleEntry] = []
        self.blocked_count = 0
        self.blocked_assets: list[tuple[str, str]] = []  # (kind, url) of remote assets refused
        self.stopped_reason: str | None = None
        self.watchdog = Watchdog(self, watchdog_timeout)
        sandbox.request_blocked.connect(self._on_request_blocked)
        self.permissionRequested.connect(lambda permission: permission.deny())
        self.fullScreenRequested.connect(lambda request: request.reject())
        self.renderProcessTerminated.connect(self._on_renderer_gone)

    # -- loading ---------------------------------------------------------------------------
    def load_version(self, version_id: str, path: str = "index.html") -> None:
        self.version_id = version_id.lower()
        self.console.clear()
        self.blocked_count = 0
        self.blocked_assets = []
        self.stopped_reason = None
        self.setUrl(QUrl(f"game://{self.version_id}/{path}"))
        self.watchdog.start()

    def unload(self) -> None:
        self.watchdog.stop()
        self.version_id = None
        self.setUrl(QUrl("about:blank"))

    # -- policy hooks ----------------------------------------------------------------------
    def acceptNavigationRequest(self, url, nav_type, is_main_frame) -> bool:  # noqa: N802
        if url.scheme() == "about" and url.path() == "blank" and self.version_id is None:
            return True
        if is_allowed_navigation(url.scheme(), url.host(), self.version_id):
            return True
        self._note_blocked(f"navigation to {url.toString()[:200]}")
        return False

    def createWindow(self, window_type):  # noqa: N802
        self._note_blocked("a new window")
        return None

    def javaScriptAlert(self, origin, msg) -> None:  # noqa: N802 — never a modal dialog
        self._add_console("info", f"[ludeme-sandbox] alert: {msg[:200]}", 0, "")

    def javaScriptConfirm(self, origin, msg) -> bool:  # noqa: N802
        self._add_console("info", f"[ludeme-sandbox] confirm: {msg[:200]}", 0, "")
        return False

    def javaScriptPrompt(self, origin, msg, default):  # noqa: N802
        self._add_console("info", f"[ludeme-sandbox] prompt: {msg[:200]}", 0, "")
        return False, ""

    def chooseFiles(self, mode, old_files, accepted_types):  # noqa: N802
        self._note_blocked("a file chooser")
        return []

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:  # noqa: N802
        if message.startswith(PRESENTED_PREFIX):  # the harness's frame signal, not the game's log
            parts = message.split(" ")
            if len(parts) == 3 and parts[2].isdigit():
                self.presented.emit(parts[1], int(parts[2]))
                return
        name = {0: "info", 1: "warning", 2: "error"}.get(int(level.value), "info")
        self._add_console(name, message, line, source)

    # -- helpers ---------------------------------------------------------------------------
    def errors(self) -> list[ConsoleEntry]:
        return [c for c in self.console if c.level == "error"]

    def run_json(self, expression: str, callback) -> None:
        """Run JS that returns JSON text (objects arrive as empty strings otherwise)."""
        import json

        def done(result):
            try:
                callback(json.loads(result) if isinstance(result, str) and result else None)
            except ValueError:
                callback(None)

        self.runJavaScript(expression, 0, done)

    def _add_console(self, level: str, message: str, line: int, source: str) -> None:
        entry = ConsoleEntry(level, message[:2000], int(line), source[:300], time.time())
        if len(self.console) < 5000:  # a console flood must not eat the host's memory
            self.console.append(entry)
        self.console_message.emit(entry)

    def _note_blocked(self, what: str) -> None:
        self.blocked_count += 1
        self._add_console("warning", f"[ludeme-sandbox] blocked {what}", 0, "")
        self.blocked.emit(what)

    def _on_request_blocked(self, page_host: str, url: str, kind: str = "request") -> None:
        if not (self.version_id and page_host == self.version_id):
            return
        if kind == "request":
            self._note_blocked(f"request to {url}")
        else:  # the game asked for a remote asset: it loads without it (fonts fall back to local ones)
            self.blocked_assets.append((kind, url))
            self._add_console("warning", f"[ludeme-sandbox] blocked remote {kind} {url}", 0, "")

    def _on_renderer_gone(self, status, exit_code) -> None:
        self.watchdog.stop()
        if self.stopped_reason is None:
            self.stopped_reason = f"the game's process ended ({status.name})"
        self.game_stopped.emit(self.stopped_reason)


class Watchdog(QObject):
    """Pings the page's JS thread; a page that does not answer in time has its renderer killed."""

    def __init__(self, page: SandboxPage, timeout: float) -> None:
        super().__init__(page)
        self.page = page
        self.timeout = timeout
        self._pending_since: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)
        self.kills = 0

    def start(self) -> None:
        self._pending_since = None
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._pending_since = None

    def _tick(self) -> None:
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
            self.page.runJavaScript("0", 0, self._answered)
        elif now - self._pending_since > self.timeout:
            self.kill(f"the game stopped responding for {self.timeout:.0f} s and was stopped")

    def _answered(self, _result) -> None:
        self._pending_since = None

    def kill(self, reason: str) -> None:
        self.stop()
        self.kills += 1
        self.page.stopped_reason = reason
        pid = self.page.renderProcessPid()
        if pid and pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
                return  # renderProcessTerminated follows and reports
            except OSError:
                pass
        self.page.triggerAction(QWebEnginePage.WebAction.Stop)
        self.page.game_stopped.emit(reason)
