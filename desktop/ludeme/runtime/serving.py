"""What the game:// handler does to a file on its way to the page (Qt-free: exports use it too).

The stored version is never changed; only what is served is. ``transform`` is the one place that
rewrites a served file:

- resource hints that open connections without a request (``<link rel="preconnect">``,
  ``dns-prefetch``, ``prefetch``, ``prerender``, ``preload``/``modulepreload`` of remote URLs) are
  turned inert before Chromium's preload scanner sees them: a preconnect opens a TCP socket that
  neither the request interceptor nor the CSP ever sees. The process-wide dead proxy
  (``qt_env``) is the backstop for anything that slips through.
- URLs of well-known libraries on CDNs (Phaser, three.js… from jsDelivr, unpkg, cdnjs…) in HTML
  and JS point at same-origin copies under ``/__ludeme_lib/`` (``ludeme.core.weblibs``), and
  web-font stylesheets are made inert.
"""
from __future__ import annotations

import re

from ludeme.core import weblibs

_TEXT_EXTENSIONS = (".html", ".htm", ".xhtml")
# rel values that make Chromium connect, resolve or fetch ahead of any request the page makes.
_HINT_RELS = ("preconnect", "dns-prefetch", "prefetch", "prerender", "preload", "modulepreload")
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE | re.DOTALL)
_REL_ATTR = re.compile(r"""(\brel\s*=\s*)(?:(["'])(.*?)\2|()([^"'>\s]+))""", re.IGNORECASE | re.DOTALL)
_REMOTE_HREF = re.compile(r"""\bhref\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.IGNORECASE)


def _defuse_link(m: re.Match) -> str:
    tag = m.group(0)
    rel = _REL_ATTR.search(tag)
    if not rel:
        return tag
    words = (rel.group(3) if rel.group(2) else rel.group(5)).lower().split()
    if not any(w in _HINT_RELS for w in words):
        return tag
    # A preload of the game's own file is harmless and useful; remote or scheme-relative hrefs
    # (and every preconnect / dns-prefetch, which have no local meaning) are made inert.
    if not ({"preconnect", "dns-prefetch"} & set(words)) and not _REMOTE_HREF.search(tag):
        return tag
    inert = " ".join(w if w not in _HINT_RELS else f"ludeme-blocked-{w}" for w in words)
    q = rel.group(2) or '"'
    return tag[:rel.start()] + f"{rel.group(1)}{q}{inert}{q}" + tag[rel.end():]


def defuse_resource_hints(html: str) -> tuple[str, int]:
    """``html`` with connection-opening resource hints made inert; and how many were."""
    count = 0

    def sub(m: re.Match) -> str:
        nonlocal count
        out = _defuse_link(m)
        count += out != m.group(0)
        return out

    return _LINK_TAG.sub(sub, html), count


def is_markup(path: str) -> bool:
    return path.lower().endswith(_TEXT_EXTENSIONS)


def transform(path: str, data: bytes) -> bytes:
    """The bytes to serve for ``path`` (a version's relative path) whose stored bytes are ``data``."""
    # known CDN libraries → the local store (core/weblibs.py); first, so a preload of one stays useful
    data = weblibs.rewrite(path, data)
    if is_markup(path):
        text = data.decode("utf-8", "surrogateescape")
        text, n = defuse_resource_hints(text)
        if n:
            data = text.encode("utf-8", "surrogateescape")
    return data
