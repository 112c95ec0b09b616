"""The game:// scheme: a thin handler over a plain resolver function (version id, path) -> file.

One origin per version: ``game://<version-id>/index.html``. The resolver is usually
``Project.version_file``; tests and the evaluator use an in-memory ``MemoryResolver``. Paths under
``__ludeme_lib/`` that the version lacks are the pinned web libraries (``ludeme.core.weblibs``).
"""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlSchemeHandler

from ludeme.core import weblibs
from ludeme.runtime.policy import CSP, guess_mime
from ludeme.runtime.serving import transform

Resolved = Optional[tuple[bytes, str | bytes | None]]
Resolver = Callable[[str, str], Resolved]


def split_game_url(host: str, path: str) -> tuple[str, str] | None:
    """Normalise a request into (version id, relative path); None for anything suspicious."""
    rel = path.lstrip("/") or "index.html"
    if any(part in ("", ".", "..") for part in rel.split("/")) or "\\" in rel or "\x00" in rel:
        return None
    return host.lower(), rel


def _library_file(path: str) -> Resolved:
    """A pinned CDN library the page was pointed at (``__ludeme_lib/<pkg>@<ver>/<file>``, see
    ``ludeme.core.weblibs``): served from the local store when the version has no such file."""
    try:
        data = weblibs.lib_file(path[len(weblibs.LIB_PREFIX):])
    except Exception:
        data = None
    return None if data is None else (data, None)


class MemoryResolver:
    """Serves files from a dict {(version_id, path): bytes}; for tests and single-file evaluation."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], bytes] = {}

    def put(self, version_id: str, path: str, data: bytes | str) -> str:
        self.files[(version_id.lower(), path)] = data.encode("utf-8") if isinstance(data, str) else data
        return f"game://{version_id.lower()}/{path}"

    def __call__(self, version_id: str, path: str) -> Resolved:
        data = self.files.get((version_id, path))
        return None if data is None else (data, None)


class GameSchemeHandler(QWebEngineUrlSchemeHandler):
    def __init__(self, resolver: Resolver, parent=None) -> None:
        super().__init__(parent)
        self.resolver = resolver
        self.served = 0

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt name)
        if bytes(job.requestMethod().data()).upper() != b"GET":
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        url = job.requestUrl()
        target = split_game_url(url.host(), url.path())
        try:
            found = self.resolver(*target) if target else None
        except Exception:  # a damaged project must not take the page (or the app) down
            found = None
        library = found is None and target is not None and target[1].startswith(weblibs.LIB_PREFIX)
        if library:
            found = _library_file(target[1])
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data, mime = found
        try:
            if not library:  # a library is served as pinned
                data = transform(target[1], bytes(data))
        except Exception:  # a rewrite must never keep a game from loading
            pass
        if mime is None:
            mime = guess_mime(target[1])
        elif isinstance(mime, str):
            mime = mime.encode("ascii", "replace")
        buffer = QBuffer(job)  # owned by the job: freed when the request ends
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.setAdditionalResponseHeaders({
            QByteArray(b"Content-Security-Policy"): [QByteArray(CSP.encode())],
            QByteArray(b"X-Content-Type-Options"): [QByteArray(b"nosniff")],
            QByteArray(b"Cache-Control"): [QByteArray(b"no-store")],
        })
        job.reply(QByteArray(mime), buffer)
        self.served += 1
