"""What a game page may do: the content security policy and which URLs may load or navigate."""
from __future__ import annotations

import re
from functools import lru_cache

from ludeme import paths

# What every game page may do, in the studio and in exports: its own files and inline code, no
# connections, no workers (exchange/itch.py adds only form-action to it for a zip played from disk).
# connect-src 'none' stops fetch, XHR, WebSocket, EventSource and beacons; workers and frames are
# refused outright because the injected shims cannot reach inside them.
BASE_DIRECTIVES = (
    "default-src 'self' data: blob:",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:",
    "style-src 'self' 'unsafe-inline' data:",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'none'",
    "worker-src 'none'",
)
CSP = "; ".join(BASE_DIRECTIVES + (
    "frame-src 'none'",
    "child-src 'none'",
    "object-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
))

ALLOWED_SCHEMES = frozenset({"game", "data", "blob"})


def is_allowed_request(scheme: str, host: str, page_host: str | None) -> bool:
    """A request may load only from the page's own game origin, or inline data/blob URLs."""
    scheme = scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return False
    if scheme == "game":
        return page_host is None or host.lower() == page_host.lower()
    return True


def is_allowed_navigation(scheme: str, host: str, page_host: str | None) -> bool:
    return scheme.lower() == "game" and page_host is not None and host.lower() == page_host.lower()


_INCLUDE = re.compile(r"^[ \t]*// @include ([\w.-]+)[ \t]*$", re.M)


@lru_cache(maxsize=None)
def injected_script(name: str) -> str:
    """A script of resources/harness, with its ``// @include FILE`` lines replaced by that file
    (the seeded random stream is one file shared by the harness and the Compare view)."""
    text = (paths.harness_dir() / name).read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: (paths.harness_dir() / m.group(1)).read_text(encoding="utf-8"), text)


def guess_mime(path: str) -> bytes:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {
        "html": b"text/html", "htm": b"text/html", "js": b"text/javascript", "mjs": b"text/javascript",
        "css": b"text/css", "json": b"application/json", "png": b"image/png", "jpg": b"image/jpeg",
        "jpeg": b"image/jpeg", "gif": b"image/gif", "svg": b"image/svg+xml", "webp": b"image/webp",
        "wav": b"audio/wav", "ogg": b"audio/ogg", "mp3": b"audio/mpeg", "webm": b"video/webm",
        "txt": b"text/plain", "wasm": b"application/wasm",
    }.get(ext, b"application/octet-stream")
