"""Bundled plugin: the ``html-single`` export format — one version as one self-contained HTML file.

A version may be several files (``index.html`` plus scripts, styles, images, sounds). The export
inlines every local file the page refers to: ``<script src>`` and ``<link rel=stylesheet>`` become
inline elements, other ``src``/``href`` attributes and CSS ``url(...)`` become ``data:`` URIs. The
result opens from anywhere (a mail attachment, a USB stick) with no folder beside it.

    ludeme.exchange.export(project, "v-…", "out/", format="html-single")   # → out/<title>-<id>.html

The target is a version id, or a lineage (id or title): then its best evaluated version (highest
reward, newest first on a tie). Well-known libraries it loads from CDNs (Phaser, three.js…, see
``ludeme.core.weblibs``) are inlined from the pinned local copies, ES modules as ``data:`` URLs.
References to files the version lacks are left as they are and listed in a comment at the top;
nothing is fetched from the network.
"""
from __future__ import annotations

import base64
import mimetypes
import os
import posixpath
import re
import tempfile
from pathlib import Path

from ludeme.core import weblibs
from ludeme.plugin_api import Exporter, hookimpl

_SCRIPT_SRC = re.compile(r"<script\b([^>]*?)\bsrc\s*=\s*([\"'])([^\"']+)\2([^>]*)>\s*</script\s*>", re.I)
_STYLESHEET = re.compile(r"<link\b[^>]*\brel\s*=\s*([\"'])stylesheet\1[^>]*>", re.I)
_HREF = re.compile(r"\bhref\s*=\s*([\"'])([^\"']+)\1", re.I)
_SRC_ATTR = re.compile(r"\b(src|href|poster|data-src)\s*=\s*([\"'])([^\"']+)\2", re.I)
_CSS_URL = re.compile(r"url\(\s*([\"']?)([^\"')]+)\1\s*\)", re.I)
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _local(ref: str, files: dict[str, bytes], base: str = "") -> str | None:
    """The version's file that ``ref`` points to, or None (remote, data:, anchors, missing)."""
    ref = ref.strip().split("#", 1)[0].split("?", 1)[0]
    if not ref or re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or ref.startswith("//"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), ref.lstrip("/")))
    return path if path in files else None


def _data_uri(path: str, data: bytes) -> str:
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _css(text: str, files: dict[str, bytes], base: str, missing: set[str]) -> str:
    def url(m: re.Match) -> str:
        path = _local(m.group(2), files, base)
        if path is None:
            if not m.group(2).startswith(("data:", "#")):
                missing.add(m.group(2))
            return m.group(0)
        return f"url({_data_uri(path, files[path])})"

    return _CSS_URL.sub(url, text)


def inline_html(files: dict[str, bytes]) -> tuple[str, set[str]]:
    """``index.html`` with every local reference inlined; and the references left unresolved."""
    html = files["index.html"].decode("utf-8", "replace")
    missing: set[str] = set()

    def text(path: str) -> str:
        return files[path].decode("utf-8", "replace")

    def script(m: re.Match) -> str:
        path = _local(m.group(3), files)
        if path is None:
            missing.add(m.group(3))
            return m.group(0)
        attrs = (m.group(1) + m.group(4)).strip()
        body = text(path).replace("</script", "<\\/script")
        return f"<script{' ' + attrs if attrs else ''}>\n{body}\n</script>"

    def stylesheet(m: re.Match) -> str:
        href = _HREF.search(m.group(0))
        path = _local(href.group(2), files) if href else None
        if path is None:
            missing.add(href.group(2) if href else m.group(0))
            return m.group(0)
        return f"<style>\n{_css(text(path), files, path, missing)}\n</style>"

    def attr(m: re.Match) -> str:
        path = _local(m.group(3), files)
        if path is None or path == "index.html":
            return m.group(0)
        return f"{m.group(1)}={m.group(2)}{_data_uri(path, files[path])}{m.group(2)}"

    html = _SCRIPT_SRC.sub(script, html)
    html = _STYLESHEET.sub(stylesheet, html)
    html = re.sub(r"(<style\b[^>]*>)(.*?)(</style\s*>)",
                  lambda m: m.group(1) + _css(m.group(2), files, "index.html", missing) + m.group(3), html,
                  flags=re.S | re.I)
    html = _SRC_ATTR.sub(attr, html)
    return html, {m for m in missing if m and not m.startswith(("data:", "#", "http:", "https:"))}


def _resolve(project, target_id: str):
    """A version for the target: the version itself, or a lineage's best evaluated version."""
    try:
        return project.version(target_id)
    except Exception:
        pass
    lineages = [lin for lin in project.lineages(include_archived=True)
                if lin.id == target_id or lin.title.casefold() == target_id.casefold()]
    if not lineages:
        raise ValueError(f"no version or lineage {target_id!r} in this project")
    versions = [v for v in project.versions(lineages[0].id) if v.status == "evaluated"] \
        or project.versions(lineages[0].id)
    if not versions:
        raise ValueError(f"lineage {lineages[0].title!r} has no versions")
    order = {v.id: i for i, v in enumerate(versions)}
    return max(versions, key=lambda v: (v.reward if v.reward is not None else -1.0, order[v.id]))


def export_html_single(project, target_id: str, out: Path) -> Path:
    version = _resolve(project, target_id)
    files = project.version_files(version.id)
    if "index.html" not in files:
        raise ValueError(f"version {version.id} has no index.html")
    files = weblibs.bundle(files).all()  # CDN libraries it loads: the pinned local copies, inlined
    html, missing = inline_html(files)
    html = weblibs.inline_modules(html, files)
    title = project.lineage(version.lineage_id).title
    note = f"<!-- Exported by Ludeme (html-single): {title}, version {version.id}"
    note += f"; not found in the version: {', '.join(sorted(missing))} -->" if missing else " -->"
    html = note + "\n" + html
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        out.mkdir(parents=True, exist_ok=True)
        slug = _SAFE.sub("-", title.lower()).strip("-") or "game"
        out = out / f"{slug}-{version.id}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ludeme-", suffix=".html", dir=out.parent)
    try:  # written whole or not at all
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an export is meant to be shared
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


@hookimpl
def ludeme_exporters():
    return [Exporter("html-single", export_html_single, suffix=".html",
                     description="one version (or a lineage's best) as one self-contained HTML file")]
