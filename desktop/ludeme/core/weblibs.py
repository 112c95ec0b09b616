"""Well-known web libraries from CDNs, served from pinned local copies (Qt-free: exports use it too).

Games often load Phaser, p5.js, three.js, PixiJS, Matter.js, Kaplay/Kaboom, Tone.js, Howler or GSAP
from a CDN. The sandbox lets a page reach nothing but its own ``game://`` origin, so instead of
opening the door, what a page loads is rewritten on its way out: a CDN URL this module knows becomes
a same-origin path, ``/__ludeme_lib/<package>@<version>/<file>``, served from the local store
(``resources/weblibs/``, filled at set-up by packaging/fetch_weblibs.py from
packaging/weblibs.lock.json, sha512-checked). Nothing is fetched at run time. A URL of an unknown
host or package, or of a file the store lacks, is left alone (it stays blocked); with an empty store
nothing changes at all.

What is recognised (``http:``, ``https:`` and scheme-relative ``//``):

- ``cdn.jsdelivr.net/npm/<pkg>[@<ver>][/<file>]`` (also fastly./gcore. mirrors, ``/+esm``) and
  ``cdn.jsdelivr.net/gh/<owner>/<repo>@<tag>/<file>`` for the libraries' own repositories;
- ``unpkg.com/<pkg>[@<ver>][/<file>]`` (``?module`` too);
- ``esm.sh/<pkg>[@<ver>][/<file>]``, ``cdn.skypack.dev/…``, ``ga.jspm.io/npm:<pkg>@<ver>/<file>``,
  ``jspm.dev/…`` (always ES modules);
- ``cdnjs.cloudflare.com/ajax/libs/<cdnjs-name>/<ver>/<file>`` (``three.js/r128``, ``p5.js``,
  ``pixi.js``, ``matter-js``, ``tone``, ``howler``, ``gsap``, ``phaser``);
- ``pixijs.download/v<ver>/<file>``.

Versions: ``@3.80.1``, ``@3``, ``@^3.55``, ``@3.x``, ``@latest``, none. The pinned version of the
same package with the nearest major (for 0.x: minor) that has the file is chosen; ``latest`` or no
version means the newest pinned one. Files: an exact path, its minified or unminified twin
(``p5.js`` → ``lib/p5.min.js``), a flat name found once in the package (cdnjs: ``three.min.js`` →
``build/three.min.js``), or, with no path, the package's script or ES-module entry (which one
depends on where the URL stands: an ``import``, an import map or a module ``<script>``).

Web fonts (Google Fonts, Bunny, Typekit) are not served: their stylesheet links and ``@import``
rules are made inert, so the text falls back to local fonts instead of a blocked request.

Why this module is over 500 lines: mostly data: the pinned packages and the CDN URL patterns that
map to them.
"""
from __future__ import annotations

import base64
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LIB_DIR = "__ludeme_lib"
LIB_PREFIX = LIB_DIR + "/"
STAMP = ".ludeme-weblib.json"

# cdnjs names the libraries its own way.
CDNJS_NAMES = {
    "phaser": "phaser", "p5.js": "p5", "p5": "p5", "three.js": "three", "pixi.js": "pixi.js",
    "matter-js": "matter-js", "tone": "tone", "howler": "howler", "gsap": "gsap",
    "kaboom": "kaboom", "kaplay": "kaplay",
}
# jsDelivr's GitHub form: cdn.jsdelivr.net/gh/<owner>/<repo>@<tag>/<file>
GH_REPOS = {
    "photonstorm/phaser": "phaser", "phaserjs/phaser": "phaser", "mrdoob/three.js": "three",
    "processing/p5.js": "p5", "pixijs/pixijs": "pixi.js", "pixijs/pixi.js": "pixi.js",
    "liabru/matter-js": "matter-js", "goldfire/howler.js": "howler", "tonejs/tone.js": "tone",
    "greensock/gsap": "gsap", "replit/kaboom": "kaboom", "kaplayjs/kaplay": "kaplay",
}
# Subpaths a package exports under another name (esm.sh resolves them): three/addons/* →
# examples/jsm/*.
SUBPATH_ALIASES = {"three": (("addons/", "examples/jsm/"),)}

_NPM_HOSTS = ("cdn.jsdelivr.net", "fastly.jsdelivr.net", "gcore.jsdelivr.net", "testingcf.jsdelivr.net",
              "quantil.jsdelivr.net", "unpkg.com", "www.unpkg.com", "esm.sh", "cdn.esm.sh", "cdn.skypack.dev",
              "ga.jspm.io", "jspm.dev", "cdnjs.cloudflare.com", "pixijs.download")
_FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "fonts.bunny.net", "use.typekit.net",
               "fonts.cdnfonts.com")
_MODULE_HOSTS = {"esm.sh", "cdn.esm.sh", "cdn.skypack.dev", "ga.jspm.io", "jspm.dev"}


def _host_alternation(hosts: Iterable[str]) -> str:
    return "|".join(re.escape(h) for h in sorted(hosts, key=len, reverse=True))


# A URL of a known host, with what stands before it: a quote, or "=" (an unquoted attribute).
_URL_CHARS = r"""[^\s"'`<>\\(){}$|^]*"""
_LIB_URL = re.compile(
    r"""(?P<pre>["'`]|=[ \t]*)(?P<url>(?:https?:)?//(?P<host>""" + _host_alternation(_NPM_HOSTS) + r""")"""
    r"""(?P<rest>/""" + _URL_CHARS + r""")?)""", re.I)
_ANY_URL = re.compile(r"""(?:https?:)?//(?P<host>[A-Za-z0-9.-]+)(?P<rest>/""" + _URL_CHARS + r""")?""", re.I)
_FONT_HOST = re.compile(r"//(?:" + _host_alternation(_FONT_HOSTS) + r")(?=[/:\"'?\s>]|$)", re.I)
_HOST_HINT = re.compile(_host_alternation(_NPM_HOSTS + _FONT_HOSTS), re.I)

_MODULE_BEFORE = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*$""")
_IMPORTMAP = re.compile(r"""<script\b[^>]*\btype\s*=\s*["']?importmap\b[^>]*>(.*?)</script\s*>""", re.I | re.S)
_MODULE_SCRIPT_TAG = re.compile(r"""<script\b[^>]*\btype\s*=\s*["']?module\b""", re.I)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.I | re.S)
_STYLESHEET_REL = re.compile(r"""(\brel\s*=\s*["']?[^"'>]*?)\bstylesheet\b""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?[^"');\s]+["']?\s*\)?[^;]*;""", re.I)
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_JS_SUFFIXES = (".js", ".mjs", ".cjs")
_CSS_SUFFIXES = (".css",)
_TEXT_SUFFIXES = _HTML_SUFFIXES + _JS_SUFFIXES + _CSS_SUFFIXES


# --------------------------------------------------------------------------------- the store
@dataclass(frozen=True)
class Package:
    """One installed ``<name>@<version>`` of the store."""
    name: str
    version: str
    files: frozenset[str]
    script: str | None
    module: str | None
    root: Path = field(compare=False)

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def numbers(self) -> tuple[int, ...]:
        return _numbers(self.version)


def _numbers(version: str) -> tuple[int, ...]:
    out = []
    for part in re.split(r"[.+-]", version)[:3]:
        if not part.isdigit():
            break
        out.append(int(part))
    return tuple(out) or (0,)


class Store:
    """The packages installed under a folder (each with its stamp file)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.packages: dict[str, list[Package]] = {}
        self.by_key: dict[str, Package] = {}
        for stamp in sorted(self.root.glob(f"*/{STAMP}")) + sorted(self.root.glob(f"@*/*/{STAMP}")):
            pkg = self._read(stamp)
            if pkg is not None:
                self.packages.setdefault(pkg.name, []).append(pkg)
                self.by_key[pkg.key] = pkg
        for versions in self.packages.values():
            versions.sort(key=lambda p: p.numbers)

    @staticmethod
    def _read(stamp: Path) -> Package | None:
        try:
            doc = json.loads(stamp.read_text(encoding="utf-8"))
            name, version = str(doc["name"]), str(doc["version"])
            files = frozenset(str(f) for f in doc["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        folder = stamp.parent
        if folder.name != f"{name.rsplit('/', 1)[-1]}@{version}" or not files:
            return None
        return Package(name, version, files, doc.get("script"), doc.get("module"), folder)

    def __bool__(self) -> bool:
        return bool(self.packages)

    def package(self, key: str) -> Package | None:
        return self.by_key.get(key)


_CACHE: dict[str, tuple[int, Store]] = {}


def store(root: Path | str | None = None) -> Store:
    """The store at ``root`` (default: ``paths.weblibs_dir()``), rescanned when the folder changes."""
    if root is None:
        from ludeme import paths

        root = paths.weblibs_dir()
    root = Path(root)
    try:
        mtime = root.stat().st_mtime_ns
    except OSError:
        mtime = -1
    cached = _CACHE.get(str(root))
    if cached is not None and cached[0] == mtime:
        return cached[1]
    found = Store(root)
    _CACHE[str(root)] = (mtime, found)
    return found


# ----------------------------------------------------------------------------- resolving URLs
@dataclass(frozen=True)
class Resolved:
    """What a CDN URL stands for in the store: one file of a package, or a folder of it (an import
    map prefix ending in ``/``)."""
    package: Package
    path: str            # inside the package; "" or ending in "/" for a folder
    folder: bool = False

    @property
    def rel(self) -> str:
        """The path under ``__ludeme_lib/``."""
        return f"{self.package.key}/{self.path}"

    @property
    def served(self) -> str:
        """The same-origin absolute path a page loads it from."""
        return "/" + LIB_PREFIX + self.rel


@dataclass(frozen=True)
class _Request:
    name: str
    wanted: tuple[int, ...] | None   # (major, minor?) asked for; None: the newest
    path: str                        # "" for the package's entry; ending in "/" for a folder
    module: bool


def _split_url(url: str) -> tuple[str, str, str] | None:
    """(host, path, query) of an http(s) or scheme-relative URL."""
    m = re.match(r"^(?:https?:)?//([^/?#]+)([^?#]*)(?:\?([^#]*))?", url.strip(), re.I)
    if not m:
        return None
    host = m.group(1).lower().split("@")[-1].split(":")[0]
    return host, m.group(2) or "/", m.group(3) or ""


def _wanted(spec: str, name: str | None = None) -> tuple[int, ...] | None:
    """The (major, minor) a version spec asks for: ``3.80.1``, ``^3``, ``~0.160``, ``3.x``, ``r128``
    (three.js releases are 0.<r>); None for ``latest``, a tag, or nothing."""
    spec = (spec or "").strip().lower()
    if name == "three" or re.fullmatch(r"r\d+", spec):
        r = re.fullmatch(r"r(\d+)", spec)
        if r:
            return (0, int(r.group(1)))
    m = re.search(r"(\d+)(?:\.(\d+|x|\*))?", spec)
    if not m or not re.match(r"^[\^~>=<v\s]*\d", spec):
        return None
    major = int(m.group(1))
    minor = m.group(2)
    return (major, int(minor)) if minor and minor.isdigit() else (major,)


def _npm_spec(segments: list[str]) -> tuple[str, str, list[str]] | None:
    """(name, version spec, rest of the path) of ``<name>[@<ver>]/…`` or ``@scope/<name>[@<ver>]/…``."""
    if not segments or not segments[0]:
        return None
    if segments[0].startswith("@"):
        if len(segments) < 2:
            return None
        head, rest = segments[0] + "/" + segments[1], segments[2:]
        name, _, ver = head[1:].partition("@")
        name = "@" + name
    else:
        head, rest = segments[0], segments[1:]
        name, _, ver = head.partition("@")
    name = name.lstrip("*").lower()
    return (name, ver, rest) if name else None


def _request(url: str) -> _Request | None:
    split = _split_url(url)
    if split is None:
        return None
    host, path, query = split
    segments = [s for s in path.split("/")]
    while segments and segments[0] == "":
        segments.pop(0)
    trailing = path.endswith("/") and len(segments) > 0
    segs = [s for s in segments if s]
    module = host in _MODULE_HOSTS or "module" in query.split("&")
    if host.endswith("jsdelivr.net"):
        if not segs:
            return None
        if segs[0] == "npm":
            spec = _npm_spec(segs[1:])
        elif segs[0] == "gh" and len(segs) >= 3:
            repo, _, tag = (segs[1] + "/" + segs[2]).partition("@")
            name = GH_REPOS.get(repo.lower())
            spec = (name, tag, segs[3:]) if name else None
        else:
            return None
        if spec and spec[2] and spec[2][-1] == "+esm":
            spec = (spec[0], spec[1], spec[2][:-1])
            module = True
    elif host in ("unpkg.com", "www.unpkg.com"):
        spec = _npm_spec(segs)
    elif host in ("esm.sh", "cdn.esm.sh"):
        while segs and (re.fullmatch(r"v\d+", segs[0]) or segs[0] == "stable"):
            segs = segs[1:]
        spec = _npm_spec(segs)
    elif host == "cdn.skypack.dev":
        spec = None if segs and segs[0] in ("-", "new", "error") else _npm_spec(segs)
    elif host == "ga.jspm.io":
        spec = _npm_spec([segs[0][4:]] + segs[1:]) if segs and segs[0].startswith("npm:") else None
    elif host == "jspm.dev":
        spec = _npm_spec([segs[0][4:] if segs[0].startswith("npm:") else segs[0]] + segs[1:]) if segs else None
    elif host == "cdnjs.cloudflare.com":
        if len(segs) < 4 or segs[:2] != ["ajax", "libs"]:
            return None
        name = CDNJS_NAMES.get(segs[2].lower())
        spec = (name, segs[3], segs[4:]) if name else None
    elif host == "pixijs.download":
        if not segs:
            return None
        tag = segs[0]
        spec = ("pixi.js", "" if tag in ("release", "latest", "dev") else tag, segs[1:])
    else:
        return None
    if not spec:
        return None
    name, ver, rest = spec
    sub = "/".join(rest)
    if sub and trailing:
        sub += "/"
    elif not sub and trailing:
        sub = "/"  # the package's root folder
    if ".." in rest or "." in rest:
        return None
    return _Request(name, _wanted(ver, name), sub, module)


def _twins(path: str) -> list[str]:
    """The minified / unminified twins of a file name (``x.js`` ↔ ``x.min.js``)."""
    m = re.match(r"^(.*?)(\.min)?(\.m?js|\.css)$", path)
    if not m:
        return []
    base, is_min, ext = m.groups()
    return [base + ext] if is_min else [base + ".min" + ext]


def _find(pkg: Package, path: str, module: bool) -> tuple[str, bool] | None:
    """The package's file (or folder) a requested path means, or None."""
    if path in ("", "/"):
        if path == "/":
            return "", True
        entry = pkg.module if module else pkg.script
        return (entry, False) if entry and entry in pkg.files else None
    candidates = [path]
    for prefix, target in SUBPATH_ALIASES.get(pkg.name, ()):
        if path.startswith(prefix):
            candidates.append(target + path[len(prefix):])
    if path.endswith("/"):
        for c in candidates:
            if any(f.startswith(c) for f in pkg.files):
                return c, True
        return None
    for c in candidates:
        for name in [c] + _twins(c):
            if name in pkg.files:
                return name, False
    for c in candidates:  # a flat name (cdnjs, pixijs.download): the one file of that name
        for name in [c] + _twins(c):
            hits = [f for f in pkg.files if f.endswith("/" + name)]
            if len(hits) == 1:
                return hits[0], False
    return None


def _distance(wanted: tuple[int, ...], have: tuple[int, ...]) -> int:
    w_major, h_major = wanted[0], have[0]
    if w_major == 0 and h_major == 0:
        if len(wanted) < 2:
            return 0
        return abs(wanted[1] - (have[1] if len(have) > 1 else 0))
    if (w_major == 0) != (h_major == 0):
        return 10_000 + abs(w_major - h_major)
    return abs(w_major - h_major)


def resolve(url: str, *, module: bool = False, lib_store: Store | None = None) -> Resolved | None:
    """What a CDN URL stands for in the store, or None (unknown host or package, no such file).
    ``module``: the URL stands where an ES module is expected (an ``import``, an import map)."""
    req = _request(url)
    if req is None:
        return None
    lib_store = lib_store if lib_store is not None else store()
    versions = lib_store.packages.get(req.name)
    if not versions:
        return None
    found = []
    for pkg in versions:
        hit = _find(pkg, req.path, module or req.module)
        if hit is not None:
            found.append((pkg, hit))
    if not found:
        return None
    if req.wanted is None:
        pkg, (path, folder) = found[-1]  # the newest
    else:
        pkg, (path, folder) = min(found, key=lambda ph: (_distance(req.wanted, ph[0].numbers),
                                                         tuple(-n for n in ph[0].numbers)))
    return Resolved(pkg, path, folder)


def is_font_url(url: str) -> bool:
    """A web-font service's URL (its fonts fall back to local ones)."""
    return bool(_FONT_HOST.search(url if "//" in url else "//" + url))


def describe(url: str, lib_store: Store | None = None) -> str | None:
    """How the sandbox handles a remote URL: ``"served locally: three@0.160.1"``, ``"web font
    (falls back to local fonts)"``, or None (it stays blocked)."""
    if is_font_url(url):
        return "web font (falls back to local fonts)"
    for module in (False, True):
        hit = resolve(url, module=module, lib_store=lib_store)
        if hit is not None:
            return f"served locally: {hit.package.key}"
    return None


def url_at(text: str, start: int) -> str:
    """The URL that starts at ``start`` in ``text`` (up to a quote, space or bracket)."""
    m = _ANY_URL.match(text, start)
    return m.group(0) if m else ""


# ---------------------------------------------------------------------------------- rewriting
Ref = Callable[[Resolved], str]


def served_ref(hit: Resolved) -> str:
    """The reference a page served from ``game://`` uses: the same-origin absolute path."""
    return hit.served


def _module_context(text: str, start: int, importmaps: list[tuple[int, int]]) -> bool:
    if any(a <= start < b for a, b in importmaps):
        return True
    if _MODULE_BEFORE.search(text, max(0, start - 40), start):
        return True
    lt = text.rfind("<", max(0, start - 2000), start)
    if lt >= 0 and ">" not in text[lt:start]:
        return bool(_MODULE_SCRIPT_TAG.match(text, lt))
    return False


def _rewrite_urls(text: str, ref: Ref, used: list[Resolved], lib_store: Store, html: bool) -> str:
    importmaps = [(m.start(1), m.end(1)) for m in _IMPORTMAP.finditer(text)] if html else []

    def sub(m: re.Match) -> str:
        pre, url = m.group("pre"), m.group("url")
        end = m.end()
        if pre in ("'", '"', "`"):
            if end >= len(text) or text[end] != pre:
                return m.group(0)  # a URL built at run time (template, concatenation): leave it
        elif not html:
            return m.group(0)
        module = _module_context(text, m.start(), importmaps)
        hit = resolve(url, module=module, lib_store=lib_store)
        if hit is None:
            return m.group(0)
        used.append(hit)
        return pre + ref(hit)

    return _LIB_URL.sub(sub, text)


def _font_fallback(text: str, html: bool) -> str:
    """Web-font stylesheets made inert: their links and ``@import`` rules."""
    if not _FONT_HOST.search(text):
        return text

    def link(m: re.Match) -> str:
        tag = m.group(0)
        if not _FONT_HOST.search(tag):
            return tag
        return _STYLESHEET_REL.sub(r"\1ludeme-local-fonts", tag)

    def css_import(m: re.Match) -> str:
        return "/* ludeme: web font offline, local fonts used */" if _FONT_HOST.search(m.group(0)) else m.group(0)

    if html:
        text = _LINK_TAG.sub(link, text)
    return _CSS_IMPORT.sub(css_import, text)


def kind_of(path: str) -> str | None:
    low = path.lower()
    if low.endswith(_HTML_SUFFIXES):
        return "html"
    if low.endswith(_JS_SUFFIXES):
        return "js"
    if low.endswith(_CSS_SUFFIXES):
        return "css"
    return None


def rewrite_text(path: str, text: str, ref: Ref = served_ref, lib_store: Store | None = None
                 ) -> tuple[str, list[Resolved]]:
    """``text`` (the file ``path`` of a version) with known CDN URLs pointing at the store, and
    web fonts made inert; and what it uses."""
    used: list[Resolved] = []
    kind = kind_of(path)
    if kind is None or not _HOST_HINT.search(text):
        return text, used
    if kind in ("html", "css"):
        text = _font_fallback(text, kind == "html")
    if kind in ("html", "js"):
        lib_store = lib_store if lib_store is not None else store()
        if lib_store:
            text = _rewrite_urls(text, ref, used, lib_store, kind == "html")
    return text, used


def rewrite(path: str, data: bytes, lib_store: Store | None = None) -> bytes:
    """For the game:// handler: the bytes to serve for a version's file (unchanged when nothing
    applies)."""
    if kind_of(path) is None or not _HOST_HINT.search(data.decode("latin-1")):
        return data
    text = data.decode("utf-8", "surrogateescape")
    out, _ = rewrite_text(path, text, served_ref, lib_store)
    return data if out == text else out.encode("utf-8", "surrogateescape")


# ------------------------------------------------------------------------- library files
_SELF_IMPORT = r"""((?:\bfrom|\bimport)\s*\(?\s*)(["']){name}\2"""
_RELATIVE_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*(["'])(\.{1,2}/[^"']+)\1""")


def _split_rel(rel: str) -> tuple[str, str] | None:
    """(package key, path) of a path under ``__ludeme_lib/``."""
    parts = rel.split("/")
    n = 2 if rel.startswith("@") else 1
    if len(parts) <= n or any(p in ("", ".", "..") for p in parts):
        return None
    return "/".join(parts[:n]), "/".join(parts[n:])


def _relative(from_file: str, to_file: str) -> str:
    out = posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")
    return out if out.startswith("../") else "./" + out


def lib_file(rel: str, lib_store: Store | None = None) -> bytes | None:
    """A stored library file by its path under ``__ludeme_lib/`` (``three@0.160.1/build/…``), or None.

    An ES module of a package that imports the package itself by name (three.js addons:
    ``from 'three'``) gets that import pointed at the package's module file, so it works without
    an import map and shares one copy with the page."""
    split = _split_rel(rel)
    if split is None:
        return None
    lib_store = lib_store if lib_store is not None else store()
    pkg = lib_store.package(split[0])
    if pkg is None or split[1] not in pkg.files:
        return None
    try:
        data = (pkg.root / split[1]).read_bytes()
    except OSError:
        return None
    return _fix_self_import(pkg, split[1], data)


def _fix_self_import(pkg: Package, path: str, data: bytes) -> bytes:
    if not pkg.module or path == pkg.module or not path.endswith((".js", ".mjs")):
        return data
    needle = pkg.name.encode()
    if b"'" + needle + b"'" not in data and b'"' + needle + b'"' not in data:
        return data
    pattern = re.compile(_SELF_IMPORT.format(name=re.escape(pkg.name)))
    target = _relative(path, pkg.module)
    text = data.decode("utf-8", "surrogateescape")
    return pattern.sub(lambda m: m.group(1) + m.group(2) + target + m.group(2), text).encode("utf-8", "surrogateescape")


def _dependencies(pkg: Package, path: str, data: bytes) -> set[str]:
    """Package files an ES-module file of the package imports (relatively, or itself by name)."""
    if not path.endswith((".js", ".mjs")):
        return set()
    text = data.decode("utf-8", "replace")
    deps = set()
    for m in _RELATIVE_IMPORT.finditer(text):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), m.group(2)))
        if target in pkg.files:
            deps.add(target)
    return deps


def _closure(pkg: Package, paths: Iterable[str], lib_store: Store) -> dict[str, bytes]:
    """The files (by path under ``__ludeme_lib/``) of ``paths`` and everything they import."""
    out: dict[str, bytes] = {}
    todo = list(paths)
    while todo:
        path = todo.pop()
        rel = f"{pkg.key}/{path}"
        if rel in out:
            continue
        data = lib_file(rel, lib_store)
        if data is None:
            continue
        out[rel] = data
        todo.extend(_dependencies(pkg, path, data))
    return out


def files_for(hits: Iterable[Resolved], lib_store: Store | None = None) -> dict[str, bytes]:
    """The library files (keys: paths under ``__ludeme_lib/``) that the uses ``hits`` need."""
    lib_store = lib_store if lib_store is not None else store()
    out: dict[str, bytes] = {}
    for hit in hits:
        pkg = hit.package
        paths = sorted(f for f in pkg.files if f.startswith(hit.path)) if hit.folder else [hit.path]
        out.update(_closure(pkg, paths, lib_store))
    return out


# -------------------------------------------------------------------------------- exports
def _export_ref(path: str) -> Ref:
    """References from the export's file ``path`` (relative: the export has no game:// origin)."""
    def ref(hit: Resolved) -> str:
        return _relative(path, LIB_PREFIX + hit.rel) + ("/" if hit.folder else "")
    return ref


@dataclass
class Bundle:
    """A version's files made to carry the CDN libraries they use (see :func:`bundle`)."""
    files: dict[str, bytes]        # the version's files, references rewritten
    libraries: dict[str, bytes]    # the library files, by path (``__ludeme_lib/<pkg>@<ver>/…``)
    packages: list[str]            # ``name@version`` of each library used

    def all(self) -> dict[str, bytes]:
        out = dict(self.libraries)
        out.update(self.files)  # a version's own file of the same path wins, as in the sandbox
        return out


def bundle(files: Mapping[str, bytes], lib_store: Store | None = None) -> Bundle:
    """A version's files made to play offline from a folder or a web host: references to known
    CDN libraries become relative (``./__ludeme_lib/…``, from the file that holds them) and the
    library files come along under ``__ludeme_lib/``; web fonts are made inert as in the sandbox.
    With an empty store (or no CDN use) the files come back unchanged and no library is added."""
    lib_store = lib_store if lib_store is not None else store()
    out: dict[str, bytes] = {}
    hits: list[Resolved] = []
    for path, data in files.items():
        data = bytes(data)
        if kind_of(path) is None or not _HOST_HINT.search(data.decode("latin-1")):
            out[path] = data
            continue
        text = data.decode("utf-8", "surrogateescape")
        new, used = rewrite_text(path, text, _export_ref(path), lib_store)
        hits.extend(used)
        out[path] = new.encode("utf-8", "surrogateescape") if new != text else data
    libraries = {LIB_PREFIX + rel: data for rel, data in files_for(hits, lib_store).items()
                 if LIB_PREFIX + rel not in out}
    return Bundle(out, libraries, sorted({h.package.key for h in hits}))


def _data_url(data: bytes, mime: str = "text/javascript") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_modules(html: str, files: Mapping[str, bytes], page: str = "index.html") -> str:
    """For one-file exports: ES-module references to bundled library files (``./__ludeme_lib/…``
    in ``import … from``, ``import()``, import maps) become ``data:`` URLs, and an import-map
    prefix for a library folder is spelled out file by file. A module that imports its package by
    name gets the same ``data:`` URL the page uses, so there is one copy. Modules that import
    sibling files relatively (GSAP's ES build) cannot live in a ``data:`` URL and stay as they are."""
    if LIB_PREFIX not in html:
        return html
    base = posixpath.dirname(page)
    cache: dict[str, str | None] = {}

    def lib_rel(ref: str) -> str | None:
        target = posixpath.normpath(posixpath.join(base, ref.split("?", 1)[0].split("#", 1)[0]))
        return target if target.startswith(LIB_PREFIX) else None

    def as_data(rel: str) -> str | None:
        if rel in cache:
            return cache[rel]
        cache[rel] = None  # a cycle ends here
        data = files.get(rel)
        if data is None or _split_rel(rel[len(LIB_PREFIX):]) is None:
            return None
        text = bytes(data).decode("utf-8", "surrogateescape")
        targets = {posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(2)))
                   for m in _RELATIVE_IMPORT.finditer(text)}
        if len(targets) > 1:
            return None  # several sibling modules (GSAP's ES build): not as data: URLs
        if targets:  # one: the package's module file that lib_file pointed a self import at
            inner = as_data(next(iter(targets)))
            if inner is None:
                return None
            text = _RELATIVE_IMPORT.sub(lambda m: m.group(0).replace(m.group(1) + m.group(2) + m.group(1),
                                                                      m.group(1) + inner + m.group(1)), text)
        cache[rel] = _data_url(text.encode("utf-8", "surrogateescape"))
        return cache[rel]

    def module_ref(m: re.Match) -> str:
        rel = lib_rel(m.group(3))
        url = as_data(rel) if rel else None
        return m.group(0) if url is None else f"{m.group(1)}{m.group(2)}{url}{m.group(2)}"

    refs = re.compile(r"""((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{0,2}/?""" + re.escape(LIB_PREFIX)
                      + r"""[^"']+)\2""")

    def importmap(m: re.Match) -> str:
        try:
            doc = json.loads(m.group(2))
        except ValueError:
            return m.group(0)
        changed = False
        for scope in [doc.get("imports")] + list((doc.get("scopes") or {}).values()):
            if not isinstance(scope, dict):
                continue
            for spec, target in list(scope.items()):
                rel = lib_rel(target) if isinstance(target, str) else None
                if rel is None:
                    continue
                if target.endswith("/") and spec.endswith("/"):
                    folder = rel.rstrip("/") + "/"
                    for f in sorted(files):
                        url = as_data(f) if f.startswith(folder) and f.endswith((".js", ".mjs")) else None
                        if url:
                            scope[spec + f[len(folder):]] = url
                    del scope[spec]  # a data: URL has no folder; the files it holds are listed instead
                    changed = True
                    continue
                url = as_data(rel)
                if url:
                    scope[spec] = url
                    changed = True
        if not changed:
            return m.group(0)
        body = json.dumps(doc, indent=1).replace("</", "<\\/")
        return m.group(1) + body + m.group(3)

    html = re.sub(r"""(<script\b[^>]*\btype\s*=\s*["']?importmap\b[^>]*>)(.*?)(</script\s*>)""", importmap,
                  html, flags=re.I | re.S)
    return refs.sub(module_ref, html)


__all__ = ["LIB_DIR", "LIB_PREFIX", "Bundle", "Package", "Resolved", "Store", "bundle", "describe", "files_for",
           "inline_modules", "is_font_url", "kind_of", "lib_file", "resolve", "rewrite", "rewrite_text",
           "served_ref", "store", "url_at"]
