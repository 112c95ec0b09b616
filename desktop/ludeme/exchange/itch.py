"""An itch.io-ready zip of one version: ``index.html`` at the root, every reference relative.

The zip plays when unpacked and opened from disk (``file://``) and when uploaded to itch.io as an
HTML game. What goes in:

- the version's stored files, with ``game://<id>/…`` and root-absolute (``/…``) references to its
  own files rewritten as relative paths (a ``file://`` page has no ``game://`` origin);
- kit scripts a version names (``kit/core.js``, ``kit/mechanics/<id>.js``) without storing
  them, copied from the bundled kit (seed games inline the kit, so usually there are none);
- the well-known CDN libraries it loads (Phaser, three.js…: ``ludeme.core.weblibs``), copied
  from the pinned local store into ``__ludeme_lib/`` with the references made relative, so the
  game plays offline too (web-font links are made inert: local fonts are used);
- anything the studio's harness could have left in a page removed (the harness is injected at run
  time and never stored, this is a guard), and a Content-Security-Policy ``<meta>`` that forbids
  network connections, so a generated game cannot phone home from a player's browser either;
- ``README.txt``: title, version, lineage, how it was made, controls and mechanics.

The helpers :func:`resolve_version`, :func:`resolve_lineage` and :func:`package_game` are shared by
the gallery, git and clip exporters. No Qt here.
"""
from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TYPE_CHECKING

from ludeme import paths
from ludeme.core import weblibs
from ludeme.core.domain import user_note
from ludeme.exchange import ExportError  # one error type for every export (the CLI reports it)
from ludeme.runtime.policy import BASE_DIRECTIVES

if TYPE_CHECKING:
    from ludeme.store.project import Project

MAX_FILES = 1000  # itch.io refuses HTML zips with more files than this
MAX_BYTES = 500 * 1024 * 1024  # itch.io's limit on an unpacked HTML game

# The sandbox's CSP (runtime/policy.py) as a <meta>: inline code and the game's own files run;
# fetch/XHR/WebSocket/EventSource/beacons have nowhere to go; no workers (the studio allows none).
EXPORT_CSP = "; ".join(BASE_DIRECTIVES + ("form-action 'none'",))

_TEXT_SUFFIXES = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".txt"}
_HARNESS_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script).)*?__ludemeHarness(?:Config)?\b(?:(?!</script).)*?</script\s*>",
    re.I | re.S)
_HARNESS_TAG = re.compile(r"<script\b[^>]*\bdata-ludeme-harness\b[^>]*>.*?</script\s*>", re.I | re.S)
_GAME_URL = re.compile(r"game://([0-9a-f]{16})/([^\s\"'()<>`]*)", re.I)
# starts at the "=" (a literal: fast to scan for); the attribute's name is checked in the callback
_ATTR_REF = re.compile(r"""(=\s*)(["'])(/[^/"'][^"']*)\2""")
_ATTR_NAME = re.compile(r"""\b(?:src|href|poster|data)\s*$""", re.I)
_CSS_URL = re.compile(r"""(url\(\s*)(["']?)(/[^/"')][^"')]*)\2(\s*\))""", re.I)
_KIT_REF = re.compile(r"""kit/(?:core\.js|mechanics/[a-z0-9_]+\.js)""")
_KIT_SRC = re.compile(r"""\bsrc\s*=\s*["']?(?:\./|/)?$""", re.I)  # just before a _KIT_REF


# ------------------------------------------------------------------------------- targets
def resolve_version(project: Project, target: str):
    """The version a target names: a version id, or a lineage (id or title) → its best version.

    The best version of a lineage is the evaluated one with the highest reward (newest first on
    ties); a lineage with nothing evaluated falls back to its newest version.
    """
    target = (target or "").strip()
    if not target:
        raise ExportError("name a version or a lineage to export")
    try:
        return project.version(target)
    except KeyError:
        pass
    lineage = resolve_lineage(project, target, versions_too=False)
    return best_version(project, lineage.id)


def resolve_lineage(project: Project, target: str, *, versions_too: bool = True):
    """The lineage a target names: a lineage id, a lineage title (case-insensitive), or a version
    id (→ its lineage)."""
    target = (target or "").strip()
    if not target:
        raise ExportError("name a lineage or a version to export")
    matches = project.lineages_named(target)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ExportError(f"{len(matches)} lineages are called {target!r}: name one by its id")
    if versions_too:
        try:
            return project.lineage(project.version(target).lineage_id)
        except KeyError:
            pass
    raise ExportError(f"no version or lineage {target!r} in this project")


def best_version(project: Project, lineage_id: str):
    versions = project.versions(lineage_id)
    if not versions:
        raise ExportError("this lineage has no versions to export")
    scored = [v for v in versions if v.reward is not None and v.status.value == "evaluated"]
    pool = scored or versions
    return max(pool, key=lambda v: (v.reward if v.reward is not None else float("-inf"), v.created))


# ----------------------------------------------------------------------------- packaging
def _is_text(path: str) -> bool:
    return posixpath.splitext(path.lower())[1] in _TEXT_SUFFIXES


def _relative(from_path: str, to_path: str) -> str:
    base = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, base)


def _strip_query(ref: str) -> tuple[str, str]:
    for sep in ("?", "#"):
        if sep in ref:
            i = ref.index(sep)
            return ref[:i], ref[i:]
    return ref, ""


def _rewrite_text(path: str, text: str, names: set[str], version_id: str | None) -> str:
    def game_url(m: re.Match) -> str:
        target, tail = _strip_query(m.group(2) or "index.html")
        if version_id is not None and m.group(1).lower() != version_id:
            return m.group(0)  # another version's origin: nothing of ours to point at
        return _relative(path, target or "index.html") + tail

    def attr(m: re.Match) -> str:
        if not _ATTR_NAME.search(text, max(0, m.start() - 12), m.start()):
            return m.group(0)
        target, tail = _strip_query(m.group(3).lstrip("/"))
        if target not in names:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{_relative(path, target)}{tail}{m.group(2)}"

    def css(m: re.Match) -> str:
        target, tail = _strip_query(m.group(3).lstrip("/"))
        if target not in names:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{_relative(path, target)}{tail}{m.group(2)}{m.group(4)}"

    if "game://" in text:
        text = _GAME_URL.sub(game_url, text)
    text = _ATTR_REF.sub(attr, text)
    return _CSS_URL.sub(css, text)


def _add_csp(html: str) -> str:
    """Put the export's policy first in the page. A policy the game brings stays and is enforced
    too (browsers apply every policy), so it can only narrow what the game may do, never widen it."""
    if EXPORT_CSP in html:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{EXPORT_CSP}">'
    m = re.search(r"<head\b[^>]*>", html, re.I)
    if m:
        return html[:m.end()] + "\n" + meta + html[m.end():]
    m = re.search(r"<html\b[^>]*>", html, re.I)
    if m:
        return html[:m.end()] + "\n<head>" + meta + "</head>" + html[m.end():]
    return meta + html


def _kit_file(ref: str, kit_dir: Path) -> bytes | None:
    rel = ref[len("kit/"):]
    candidate = (kit_dir / rel).resolve()
    try:
        candidate.relative_to(kit_dir.resolve())
    except ValueError:
        return None
    return candidate.read_bytes() if candidate.is_file() else None


def package_game(files: Mapping[str, bytes], version_id: str | None = None,
                 kit_dir: Path | None = None) -> dict[str, bytes]:
    """A version's files made self-contained for a plain folder or a web host.

    ``game://<version_id>/…`` and root-absolute references to the version's own files become
    relative, kit scripts it references but does not store are copied in, so are the pinned
    copies of the CDN libraries it loads (under ``__ludeme_lib/``), harness leftovers go,
    and every HTML page gets a no-network CSP. Raises :class:`ExportError` when there is no
    ``index.html``.
    """
    if "index.html" not in files:
        raise ExportError("the version has no index.html at its root: nothing would start the game")
    kit_root = Path(kit_dir) if kit_dir is not None else paths.kit_dir()
    libraries = weblibs.bundle(files)  # CDN libraries: relative references, pinned copies carried
    files = libraries.files
    texts = {p: bytes(d).decode("utf-8", "replace") for p, d in files.items() if _is_text(p)}
    out: dict[str, bytes] = {p: bytes(d) for p, d in files.items() if p not in texts}
    refs = {m.group(0) for t in texts.values() if "kit/" in t for m in _KIT_REF.finditer(t)
            if _KIT_SRC.search(t, max(0, m.start() - 16), m.start())}
    for ref in sorted(refs):
        if ref not in files:  # named but not stored: the bundled kit's copy
            data = _kit_file(ref, kit_root)
            if data is not None:
                out[ref] = data
    names = set(files) | set(out)
    for path, text in texts.items():
        if path.lower().endswith((".html", ".htm")):
            if "__ludemeHarness" in text:
                text = _HARNESS_SCRIPT.sub("", text)
            if "data-ludeme-harness" in text.lower():
                text = _HARNESS_TAG.sub("", text)
            text = _add_csp(text)
        out[path] = _rewrite_text(path, text, names, version_id).encode("utf-8")
    for path, data in libraries.libraries.items():
        out.setdefault(path, data)
    return out


_SCRIPT_SRC = re.compile(r"""<script\b([^>]*?)\bsrc\s*=\s*(["'])([^"']+)\2([^>]*)>\s*</script\s*>""", re.I)
_STYLESHEET = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?stylesheet["']?[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])([^"']+)\1""", re.I)
_LOCAL_ATTR = re.compile(r"""(\b(?:src|href|poster)\s*=\s*)(["'])([^"':]+)\2""", re.I)
_LOCAL_CSS_URL = re.compile(r"""(url\(\s*)(["']?)([^"'():]+)\2(\s*\))""", re.I)


def _data_uri(path: str, data: bytes) -> str:
    import base64
    import mimetypes

    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_page(files: Mapping[str, bytes], page: str = "index.html") -> bytes:
    """One self-sufficient HTML document from packaged files: local scripts and stylesheets go
    inline, other local files the markup or CSS names become ``data:`` URIs.

    A page in ``<iframe sandbox="allow-scripts">`` has an opaque origin, and Chromium lets such a
    page load no ``file://`` resource at all: the gallery's frames need everything in one file.
    Files only JavaScript asks for by name (``new Image().src = "a.png"``) cannot be found this way.
    """
    html = bytes(files[page]).decode("utf-8", "replace")
    base = posixpath.dirname(page)

    def local(ref: str) -> str | None:
        target, _ = _strip_query(ref)
        if not target or target.startswith(("data:", "blob:", "#", "//")):
            return None
        rel = posixpath.normpath(posixpath.join(base, target))
        return rel if rel in files else None

    def script(m: re.Match) -> str:
        rel = local(m.group(3))
        if rel is None:
            return m.group(0)
        code = bytes(files[rel]).decode("utf-8", "replace")
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)
        attrs = (m.group(1) + m.group(4)).strip()
        return f"<script{' ' + attrs if attrs else ''}>\n{code}\n</script>"

    def stylesheet(m: re.Match) -> str:
        href = _HREF.search(m.group(0))
        rel = local(href.group(2)) if href else None
        if rel is None:
            return m.group(0)
        css = bytes(files[rel]).decode("utf-8", "replace")
        css = _LOCAL_CSS_URL.sub(lambda u: css_url(u, posixpath.dirname(rel)), css)
        return "<style>\n" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.I) + "\n</style>"

    def css_url(m: re.Match, folder: str) -> str:
        rel = posixpath.normpath(posixpath.join(folder, _strip_query(m.group(3))[0]))
        if rel not in files:
            return m.group(0)
        return f"{m.group(1)}\"{_data_uri(rel, files[rel])}\"{m.group(4)}"

    def attr(m: re.Match) -> str:
        rel = local(m.group(3))
        if rel is None or rel == page:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{_data_uri(rel, files[rel])}{m.group(2)}"

    html = _SCRIPT_SRC.sub(script, html)
    html = weblibs.inline_modules(html, files, page)  # ES-module libraries as data: URLs
    html = _STYLESHEET.sub(stylesheet, html)
    # what is left: images, media, icons (inline <script> bodies hold no src="…" worth touching)
    parts = re.split(r"(<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>)", html, flags=re.I | re.S)
    for i in range(0, len(parts), 2):
        parts[i] = _LOCAL_ATTR.sub(attr, parts[i])
        parts[i] = _LOCAL_CSS_URL.sub(lambda u: css_url(u, base), parts[i])
    return "".join(parts).encode("utf-8")


# ------------------------------------------------------------------------------ metadata
def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def readme_text(project: Project, version, lineage=None) -> str:
    lineage = lineage or project.lineage(version.lineage_id)
    plan = dict(version.plan or {})
    title = plan.get("title") or lineage.title
    controls = plan.get("controls") or []
    created = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(version.created or 0))
    lines = [
        f"{title}",
        "=" * max(3, len(str(title))),
        "",
        f"A game from the lineage \"{lineage.title}\", evolved with Ludeme.",
        "",
        "How to play: open index.html in a web browser (or upload this zip to itch.io as an",
        "HTML game). Press any key or click to start.",
    ]
    if controls:
        lines += ["", "Controls:"] + [f"  - {c}" for c in controls]
    lines += [
        "",
        f"Version:    {version.id}",
        f"Lineage:    {lineage.id} ({lineage.title})",
        f"Generation: {version.generation}",
        f"Made by:    {version.operator.value}" + (f" (\"{version.direction}\")" if version.direction else ""),
        f"Parents:    {', '.join(version.parents) if version.parents else '—'}",
        f"Model:      {version.model or '—'}",
        f"Reward:     {_fmt(version.reward)}",
        f"Created:    {created}",
    ]
    if version.mechanics:
        lines += ["", "Mechanics: " + ", ".join(version.mechanics)]
    if user_note(version.note):
        lines += ["", "Note: " + user_note(version.note).strip()]
    lines += ["", "Made with Ludeme, a studio for the creative evolution of games.", ""]
    return "\n".join(lines)


def _zip_time(created: float) -> tuple[int, int, int, int, int, int]:
    t = time.gmtime(max(created or 0.0, 315532800.0))  # zip dates start in 1980
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def game_files(project: Project, version) -> dict[str, bytes]:
    """The version's files, packaged to play from a plain folder."""
    files = project.version_files(version.id)
    if not files:
        raise ExportError(f"version {version.id} has no files")
    return package_game(files, version.id)


def export_itch(project: Project, target_id: str, out: str | Path) -> Path:
    """Write an itch.io-ready zip of a version (or a lineage's best version) to ``out``.

    ``out`` is the zip's path (``.zip`` added when missing) or an existing folder, in which the
    zip is named after the game. Returns the zip's path.
    """
    version = resolve_version(project, target_id)
    lineage = project.lineage(version.lineage_id)
    files = game_files(project, version)
    files.setdefault("README.txt", readme_text(project, version, lineage).encode("utf-8"))
    if len(files) > MAX_FILES:
        raise ExportError(f"version {version.id} has {len(files)} files; itch.io takes at most {MAX_FILES}")
    total = sum(len(d) for d in files.values())
    if total > MAX_BYTES:
        raise ExportError(f"version {version.id} is {total // 2**20} MiB; itch.io takes at most "
                          f"{MAX_BYTES // 2**20} MiB")
    out = Path(out)
    if out.is_dir():
        out = out / f"{slugify(lineage.title)}-{version.id[:8]}.zip"
    elif out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = _zip_time(version.created)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(files, key=lambda p: (p != "index.html", p)):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[path])
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(out)  # a half-written zip never takes the real name
    return out


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:48] or "game"
