"""CDN libraries served from the pinned local store: the URL table, the version choice, the rewrite
of HTML and JS, the lock file and the set-up fetcher (no network: fake stores and tarballs)."""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import tarfile
from pathlib import Path

import pytest

from ludeme.core import weblibs
from ludeme.runtime.serving import transform

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "packaging" / "weblibs.lock.json"

# A fake store laid out like the real one (stamp files from the fetcher), tiny files.
FAKE = {
    "phaser@3.90.0": (["dist/phaser.min.js"], "dist/phaser.min.js", None),
    "p5@1.11.13": (["lib/p5.min.js", "lib/addons/p5.sound.min.js"], "lib/p5.min.js", None),
    "p5@2.3.4": (["lib/p5.min.js"], "lib/p5.min.js", None),
    "three@0.128.0": (["build/three.min.js", "build/three.module.js", "examples/js/controls/OrbitControls.js",
                       "examples/jsm/controls/OrbitControls.js"], "build/three.min.js", "build/three.module.js"),
    "three@0.160.1": (["build/three.min.js", "build/three.module.js", "examples/jsm/controls/OrbitControls.js"],
                      "build/three.min.js", "build/three.module.js"),
    "pixi.js@7.4.3": (["dist/pixi.min.js", "dist/pixi.min.mjs"], "dist/pixi.min.js", "dist/pixi.min.mjs"),
    "pixi.js@8.22.0": (["dist/pixi.min.js", "dist/pixi.min.mjs"], "dist/pixi.min.js", "dist/pixi.min.mjs"),
    "matter-js@0.20.0": (["build/matter.min.js"], "build/matter.min.js", None),
    "kaplay@3001.0.19": (["dist/kaplay.js", "dist/kaplay.mjs"], "dist/kaplay.js", "dist/kaplay.mjs"),
    "kaboom@3000.1.17": (["dist/kaboom.js", "dist/kaboom.mjs"], "dist/kaboom.js", "dist/kaboom.mjs"),
    "tone@14.8.49": (["build/Tone.js"], "build/Tone.js", None),
    "tone@15.1.22": (["build/Tone.js"], "build/Tone.js", None),
    "howler@2.2.4": (["dist/howler.min.js", "dist/howler.core.min.js"], "dist/howler.min.js", None),
    "gsap@3.15.0": (["dist/gsap.min.js", "index.js", "gsap-core.js"], "dist/gsap.min.js", "index.js"),
}
REQUIRED = ("phaser", "p5", "three", "pixi.js", "matter-js", "kaplay", "kaboom", "tone", "howler", "gsap")


def make_store(root: Path, spec=FAKE) -> weblibs.Store:
    for key, (files, script, module) in spec.items():
        name, version = key.rsplit("@", 1)
        folder = root / key
        for f in files:
            (folder / f).parent.mkdir(parents=True, exist_ok=True)
            body = f"/* {key} {f} */ window.lib = '{key}';"
            if f == "examples/jsm/controls/OrbitControls.js":
                body = "import { EventDispatcher } from 'three';\nexport class OrbitControls {}\n"
            if f == "index.js":
                body = 'import { gsap } from "./gsap-core.js";\nexport { gsap };\n'
            (folder / f).write_text(body)
        (folder / weblibs.STAMP).write_text(json.dumps(
            {"name": name, "version": version, "files": files, "script": script, "module": module}))
    return weblibs.Store(root)


@pytest.fixture
def store(tmp_path):
    return make_store(tmp_path / "weblibs")


def served(url: str, store, module: bool = False) -> str | None:
    hit = weblibs.resolve(url, module=module, lib_store=store)
    return hit.served if hit else None


L = "/__ludeme_lib/"


@pytest.mark.parametrize("url, want", [
    # jsDelivr: exact, major only, range, latest, none, bare package, scheme-relative, http, +esm, gh
    ("https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js", "phaser@3.90.0/dist/phaser.min.js"),
    ("https://cdn.jsdelivr.net/npm/phaser@3/dist/phaser.js", "phaser@3.90.0/dist/phaser.min.js"),
    ("https://cdn.jsdelivr.net/npm/phaser@^3.55.2/dist/phaser.min.js", "phaser@3.90.0/dist/phaser.min.js"),
    ("https://cdn.jsdelivr.net/npm/phaser@latest/dist/phaser.min.js", "phaser@3.90.0/dist/phaser.min.js"),
    ("https://cdn.jsdelivr.net/npm/phaser/dist/phaser.min.js", "phaser@3.90.0/dist/phaser.min.js"),
    ("https://cdn.jsdelivr.net/npm/phaser@3.60.0", "phaser@3.90.0/dist/phaser.min.js"),
    ("//cdn.jsdelivr.net/npm/p5@1.9.0/lib/p5.js", "p5@1.11.13/lib/p5.min.js"),
    ("http://cdn.jsdelivr.net/npm/p5@2.0.0/lib/p5.min.js", "p5@2.3.4/lib/p5.min.js"),
    ("https://cdn.jsdelivr.net/npm/p5", "p5@2.3.4/lib/p5.min.js"),
    ("https://fastly.jsdelivr.net/npm/matter-js@0.19.0/build/matter.min.js", "matter-js@0.20.0/build/matter.min.js"),
    ("https://cdn.jsdelivr.net/npm/gsap@3.12.5/+esm", "gsap@3.15.0/index.js"),
    ("https://cdn.jsdelivr.net/gh/photonstorm/phaser@v3.55.2/dist/phaser.min.js", "phaser@3.90.0/dist/phaser.min.js"),
    ("https://cdn.jsdelivr.net/gh/mrdoob/three.js@r128/build/three.min.js", "three@0.128.0/build/three.min.js"),
    # unpkg
    ("https://unpkg.com/p5@1.4.0/lib/p5.min.js", "p5@1.11.13/lib/p5.min.js"),
    ("https://unpkg.com/three@0.160.0/build/three.module.js", "three@0.160.1/build/three.module.js"),
    ("https://unpkg.com/three@0.170.0/build/three.module.min.js", "three@0.160.1/build/three.module.js"),
    ("https://unpkg.com/three@0.150.0/build/three.min.js", "three@0.160.1/build/three.min.js"),
    ("https://unpkg.com/three@0.132.2/build/three.min.js", "three@0.128.0/build/three.min.js"),
    ("https://unpkg.com/three@0.128.0/examples/js/controls/OrbitControls.js",
     "three@0.128.0/examples/js/controls/OrbitControls.js"),
    ("https://unpkg.com/kaboom@3000.0.1/dist/kaboom.mjs", "kaboom@3000.1.17/dist/kaboom.mjs"),
    ("https://unpkg.com/kaboom@2000.2.10/dist/kaboom.js", "kaboom@3000.1.17/dist/kaboom.js"),
    ("https://unpkg.com/kaplay@3001/dist/kaplay.js", "kaplay@3001.0.19/dist/kaplay.js"),
    ("https://unpkg.com/tone", "tone@15.1.22/build/Tone.js"),
    ("https://unpkg.com/tone@14.7.77/build/Tone.js", "tone@14.8.49/build/Tone.js"),
    ("https://unpkg.com/howler@2.2.3/dist/howler.core.min.js", "howler@2.2.4/dist/howler.core.min.js"),
    ("https://unpkg.com/pixi.js@8.1.0/dist/pixi.min.mjs", "pixi.js@8.22.0/dist/pixi.min.mjs"),
    ("https://unpkg.com/three@0.160.0?module", "three@0.160.1/build/three.module.js"),
    # cdnjs: its own names and flat file names
    ("https://cdnjs.cloudflare.com/ajax/libs/three.js/r128/three.min.js", "three@0.128.0/build/three.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/three.js/r128/three.js", "three@0.128.0/build/three.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/p5.js/1.9.0/p5.min.js", "p5@1.11.13/lib/p5.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/p5.js/1.9.0/addons/p5.sound.min.js", "p5@1.11.13/lib/addons/p5.sound.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/pixi.js/7.2.4/pixi.min.js", "pixi.js@7.4.3/dist/pixi.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/matter-js/0.19.0/matter.min.js", "matter-js@0.20.0/build/matter.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/tone/14.8.49/Tone.js", "tone@14.8.49/build/Tone.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/howler/2.2.3/howler.min.js", "howler@2.2.4/dist/howler.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/gsap/3.12.5/gsap.min.js", "gsap@3.15.0/dist/gsap.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/phaser/3.80.1/phaser.min.js", "phaser@3.90.0/dist/phaser.min.js"),
    # esm.sh, skypack, jspm: ES modules
    ("https://esm.sh/three@0.160.0", "three@0.160.1/build/three.module.js"),
    ("https://esm.sh/three", "three@0.160.1/build/three.module.js"),
    ("https://esm.sh/v135/three@0.128.0", "three@0.128.0/build/three.module.js"),
    ("https://esm.sh/three@0.160.0/addons/controls/OrbitControls.js", "three@0.160.1/examples/jsm/controls/OrbitControls.js"),
    ("https://esm.sh/pixi.js@8", "pixi.js@8.22.0/dist/pixi.min.mjs"),
    ("https://esm.sh/kaplay@3001.0.0", "kaplay@3001.0.19/dist/kaplay.mjs"),
    ("https://cdn.skypack.dev/three@0.128.0", "three@0.128.0/build/three.module.js"),
    ("https://ga.jspm.io/npm:three@0.160.0/build/three.module.js", "three@0.160.1/build/three.module.js"),
    # pixijs.download
    ("https://pixijs.download/v7.3.2/pixi.min.js", "pixi.js@7.4.3/dist/pixi.min.js"),
    ("https://pixijs.download/v8.5.0/pixi.js", "pixi.js@8.22.0/dist/pixi.min.js"),
    # folders (import-map prefixes)
    ("https://unpkg.com/three@0.160.0/examples/jsm/", "three@0.160.1/examples/jsm/"),
    ("https://esm.sh/three@0.160.0/", "three@0.160.1/"),
])
def test_cdn_urls_map_to_pinned_files(store, url, want):
    module = any(h in url for h in ("esm.sh", "skypack", "jspm", "+esm", "?module"))
    assert served(url, store, module=module) == L + want


@pytest.mark.parametrize("url", [
    "https://example.com/phaser.min.js",                                   # unknown host
    "https://cdn.jsdelivr.net/npm/lodash@4.17.21/lodash.min.js",            # unknown package
    "https://unpkg.com/three@0.160.0/examples/jsm/loaders/GLTFLoader.js",  # a file the store lacks
    "https://esm.sh/phaser@3.80.1",                                        # no ES-module build pinned
    "https://cdn.jsdelivr.net/npm/phaser@3.80.1/../../etc/passwd",
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/three@0.160.0/examples/jsm/nope/",
    "https://evil.example/cdn.jsdelivr.net/npm/phaser@3/dist/phaser.min.js",
    "https://cdn.jsdelivr.net.evil.example/npm/phaser@3/dist/phaser.min.js",
])
def test_unknown_urls_are_not_mapped(store, url):
    assert served(url, store) is None and served(url, store, module=True) is None


def test_version_choice_is_the_nearest_major_or_0x_minor(store):
    assert served("https://unpkg.com/three@0.140.0/build/three.module.js", store) == L + "three@0.128.0/build/three.module.js"
    assert served("https://unpkg.com/three@0.145.0/build/three.module.js", store) == L + "three@0.160.1/build/three.module.js"
    assert served("https://unpkg.com/three@0.144.0/build/three.module.js", store) == L + "three@0.160.1/build/three.module.js", \
        "a tie goes to the newer version"
    assert served("https://unpkg.com/pixi.js@6.5.0/dist/pixi.min.js", store) == L + "pixi.js@7.4.3/dist/pixi.min.js"
    assert served("https://unpkg.com/pixi.js@9/dist/pixi.min.js", store) == L + "pixi.js@8.22.0/dist/pixi.min.js"
    assert served("https://unpkg.com/p5@0.10.2/lib/p5.min.js", store) == L + "p5@1.11.13/lib/p5.min.js"
    # only the version that has the file is a candidate
    only_old = make_store(store.root.parent / "two", {
        "three@0.128.0": (["build/three.min.js"], "build/three.min.js", None),
        "three@0.160.1": (["build/three.module.js"], None, "build/three.module.js")})
    assert served("https://unpkg.com/three@0.158.0/build/three.min.js", only_old) == L + "three@0.128.0/build/three.min.js"


def test_an_empty_or_missing_store_changes_nothing(tmp_path):
    empty = weblibs.store(tmp_path / "nothing-here")
    assert not empty
    html = '<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>'
    assert weblibs.rewrite_text("index.html", html, lib_store=empty) == (html, [])
    assert weblibs.bundle({"index.html": html.encode()}, empty).files == {"index.html": html.encode()}
    assert weblibs.lib_file("phaser@3.90.0/dist/phaser.min.js", empty) is None


def test_html_rewrite_script_tags_importmaps_modules_and_fonts(store):
    html = """<!DOCTYPE html><html><head>
<link rel="preconnect" href="https://fonts.googleapis.com">
<link href="https://fonts.googleapis.com/css2?family=Press+Start+2P" rel="stylesheet">
<style>@import url('https://fonts.googleapis.com/css2?family=Inter'); body { font-family: 'Inter', sans-serif }</style>
<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>
<script src=https://cdnjs.cloudflare.com/ajax/libs/matter-js/0.19.0/matter.min.js></script>
<script src="https://cdn.jsdelivr.net/npm/lodash@4/lodash.min.js"></script>
<script type="importmap">{"imports": {"three": "https://unpkg.com/three@0.160.0",
  "three/addons/": "https://unpkg.com/three@0.160.0/examples/jsm/"}}</script>
<script type="module" src="https://unpkg.com/kaplay@3001"></script>
<script type="module">
import * as THREE from 'https://esm.sh/three@0.160.0';
import kaboom from "https://unpkg.com/kaboom@3000/dist/kaboom.mjs";
const later = () => import('https://unpkg.com/three@0.128.0');
const built = `https://cdn.jsdelivr.net/npm/phaser@${v}/dist/phaser.min.js`;
</script></head><body></body></html>"""
    out, used = weblibs.rewrite_text("index.html", html, lib_store=store)
    assert f'src="{L}phaser@3.90.0/dist/phaser.min.js"' in out
    assert f"src={L}matter-js@0.20.0/build/matter.min.js>" in out
    assert "https://cdn.jsdelivr.net/npm/lodash@4/lodash.min.js" in out, "unknown packages stay as they are"
    imports = json.loads(out.split('<script type="importmap">')[1].split("</script>")[0])["imports"]
    assert imports == {"three": L + "three@0.160.1/build/three.module.js", "three/addons/": L + "three@0.160.1/examples/jsm/"}
    assert f'<script type="module" src="{L}kaplay@3001.0.19/dist/kaplay.mjs">' in out, "a module script gets the ES build"
    assert f"from '{L}three@0.160.1/build/three.module.js'" in out
    assert f'from "{L}kaboom@3000.1.17/dist/kaboom.mjs"' in out
    assert f"import('{L}three@0.128.0/build/three.module.js')" in out
    assert "npm/phaser@${v}/dist" in out, "a URL built at run time is left alone"
    assert 'rel="stylesheet"' not in out and "ludeme-local-fonts" in out, "web-font stylesheets are inert"
    assert "@import url('https://fonts.googleapis.com" not in out and "font-family: 'Inter', sans-serif" in out
    assert {h.package.key for h in used} == {"phaser@3.90.0", "matter-js@0.20.0", "three@0.160.1", "three@0.128.0",
                                             "kaplay@3001.0.19", "kaboom@3000.1.17"}


def test_js_files_are_rewritten_too_and_serving_keeps_its_hint_defusing(store, monkeypatch):
    monkeypatch.setenv("LUDEME_WEBLIBS_DIR", str(store.root))
    js = b"import * as PIXI from 'https://cdn.jsdelivr.net/npm/pixi.js@8/dist/pixi.min.mjs';\nconst u = \"https://x.example/a.js\";"
    out = transform("js/main.js", js)
    assert out == js.replace(b"https://cdn.jsdelivr.net/npm/pixi.js@8/dist/pixi.min.mjs",
                             f"{L}pixi.js@8.22.0/dist/pixi.min.mjs".encode())
    html = (b'<link rel="preconnect" href="https://cdn.jsdelivr.net"><link rel="preload" as="script" '
            b'href="https://cdn.jsdelivr.net/npm/phaser@3/dist/phaser.min.js"><link rel="prefetch" href="https://x.example/y">')
    out = transform("index.html", html).decode()
    assert 'rel="ludeme-blocked-preconnect"' in out and 'rel="ludeme-blocked-prefetch"' in out
    assert f'rel="preload" as="script" href="{L}phaser@3.90.0/dist/phaser.min.js"' in out, \
        "a preload of a library served locally stays useful"
    png = b"\x89PNG https://cdn.jsdelivr.net/npm/phaser@3/dist/phaser.min.js"
    assert transform("art/a.png", png) == png
    plain = b"<p>no libraries here</p>"
    assert transform("index.html", plain) is plain or transform("index.html", plain) == plain


def test_library_files_are_served_by_path_and_addons_share_the_module(store):
    assert weblibs.lib_file("phaser@3.90.0/dist/phaser.min.js", store).startswith(b"/* phaser@3.90.0")
    addon = weblibs.lib_file("three@0.160.1/examples/jsm/controls/OrbitControls.js", store)
    assert b"from '../../../build/three.module.js'" in addon, "a bare 'three' import needs no import map"
    for bad in ("phaser@3.90.0/dist/../dist/phaser.min.js", "phaser@3.90.0/.ludeme-weblib.json",
                "phaser@3.90.0/", "phaser@9.9.9/dist/phaser.min.js", "../etc/passwd", "phaser@3.90.0/dist/nope.js"):
        assert weblibs.lib_file(bad, store) is None, bad


def test_describe_tells_the_static_checks_what_is_served(store, monkeypatch):
    assert weblibs.describe("https://cdn.jsdelivr.net/npm/phaser@3/dist/phaser.min.js", store) == "served locally: phaser@3.90.0"
    assert weblibs.describe("https://fonts.gstatic.com/s/x.woff2", store).startswith("web font")
    assert weblibs.describe("https://cdn.jsdelivr.net/npm/lodash/lodash.js", store) is None
    monkeypatch.setenv("LUDEME_WEBLIBS_DIR", str(store.root))
    from ludeme.evaluation.static_checks import static_checks

    game = ('<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>'
            '<link href="https://fonts.googleapis.com/css2?family=Inter" rel="stylesheet">'
            '<script>new Phaser.Game({});</script>')
    check = next(c for c in static_checks(game) if c.name == "no_remote_urls")
    assert check.ok and check.detail == "served locally: phaser@3.90.0; web fonts fall back to local fonts"
    bad = '<script src="https://cdn.jsdelivr.net/npm/lodash@4/lodash.min.js"></script><script>go()</script>'
    check = next(c for c in static_checks(bad) if c.name == "no_remote_urls")
    assert not check.ok and check.severity == "error" and "remote code" in check.detail


def test_bundle_carries_the_libraries_with_relative_references(store):
    files = {
        "index.html": b'<script src="https://cdn.jsdelivr.net/npm/phaser@3/dist/phaser.min.js"></script>'
                      b'<script type="importmap">{"imports": {"three": "https://unpkg.com/three@0.160.0/build/three.module.js",'
                      b' "three/addons/": "https://unpkg.com/three@0.160.0/examples/jsm/"}}</script>',
        "js/game.js": b"import { gsap } from 'https://cdn.jsdelivr.net/npm/gsap@3/+esm';",
        "art/a.png": b"\x89PNG",
    }
    b = weblibs.bundle(files, store)
    assert b.packages == ["gsap@3.15.0", "phaser@3.90.0", "three@0.160.1"]
    assert b'src="./__ludeme_lib/phaser@3.90.0/dist/phaser.min.js"' in b.files["index.html"]
    assert b'"three/addons/": "./__ludeme_lib/three@0.160.1/examples/jsm/"' in b.files["index.html"]
    assert b.files["js/game.js"] == b"import { gsap } from '../__ludeme_lib/gsap@3.15.0/index.js';"
    assert set(b.libraries) == {"__ludeme_lib/phaser@3.90.0/dist/phaser.min.js", "__ludeme_lib/three@0.160.1/build/three.module.js",
                                "__ludeme_lib/three@0.160.1/examples/jsm/controls/OrbitControls.js",
                                "__ludeme_lib/gsap@3.15.0/index.js", "__ludeme_lib/gsap@3.15.0/gsap-core.js"}
    assert b.files["art/a.png"] == b"\x89PNG"
    # one file: module libraries become data: URLs, an import-map folder is spelled out
    html = weblibs.inline_modules(b.files["index.html"].decode(), b.all())
    imports = json.loads(html.split('<script type="importmap">')[1].split("</script>")[0])["imports"]
    assert imports["three"].startswith("data:text/javascript;base64,")
    addon = base64.b64decode(imports["three/addons/controls/OrbitControls.js"].split(",", 1)[1]).decode()
    assert f"from '{imports['three']}'" in addon, "the addon and the page share one three.js"


# ------------------------------------------------------------------------------ the lock file
def test_the_lock_file_pins_every_required_package_with_sha512():
    doc = json.loads(LOCK.read_text())
    pkgs = doc["packages"]
    names = {p["name"] for p in pkgs}
    assert set(REQUIRED) <= names
    versions = {(p["name"], p["version"]) for p in pkgs}
    assert ("three", "0.128.0") in versions, "the common r128 UMD URLs"
    assert any(n == "three" and v.startswith("0.16") for n, v in versions), "a recent three.js module build"
    assert any(n == "phaser" and v.startswith("3.") for n, v in versions)
    assert any(n == "p5" and v.startswith("1.") for n, v in versions)
    assert any(n == "pixi.js" and v.startswith("7.") for n, v in versions)
    for p in pkgs:
        key = f"{p['name']}@{p['version']}"
        assert p["tarball"] == f"https://registry.npmjs.org/{p['name']}/-/{p['name'].split('/')[-1]}-{p['version']}.tgz", key
        assert p["integrity"].startswith("sha512-") and len(base64.b64decode(p["integrity"][7:])) == 64, key
        assert p["files"] and all(f.startswith("package/") and ".." not in f for f in p["files"]), key
        rel = [f[len("package/"):] for f in p["files"]]
        assert p["script"] in rel and (p.get("module") is None or p["module"] in rel), key


# --------------------------------------------------------------------------------- the fetcher
def _fetcher():
    spec = importlib.util.spec_from_file_location("fetch_weblibs", ROOT / "packaging" / "fetch_weblibs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _tarball(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> str:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    path.write_bytes(buf.getvalue())
    return "sha512-" + base64.b64encode(hashlib.sha512(buf.getvalue()).digest()).decode()


def _lock(tmp_path: Path, entries: list[dict]) -> Path:
    lock = tmp_path / "lock.json"
    lock.write_text(json.dumps({"packages": entries}))
    return lock


def _entry(tgz: Path, integrity: str, name="tinylib", version="1.2.3", files=("package/dist/tiny.min.js",)):
    return {"name": name, "version": version, "tarball": tgz.as_uri(), "integrity": integrity,
            "files": list(files), "script": files[0][len("package/"):]}


def test_the_fetcher_installs_verifies_and_skips_what_is_there(tmp_path):
    fetch = _fetcher()
    tgz = tmp_path / "tiny.tgz"
    integrity = _tarball(tgz, {"package/dist/tiny.min.js": b"window.tiny = 1;", "package/README.md": b"hi",
                               "package/src/big.js": b"x" * 1000})
    lock = _lock(tmp_path, [_entry(tgz, integrity)])
    dest = tmp_path / "store"
    lines: list[str] = []
    assert fetch.fetch(lock, dest, log=lines.append) == []
    folder = dest / "tinylib@1.2.3"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == \
        [".ludeme-weblib.json", "dist/tiny.min.js"], "only the listed files"
    pkg = weblibs.Store(dest).package("tinylib@1.2.3")
    assert pkg is not None and pkg.script == "dist/tiny.min.js"
    tgz.unlink()  # a second run needs no download
    assert fetch.fetch(lock, dest, log=lines.append) == []
    (folder / "dist/tiny.min.js").write_text("tampered")
    failures = fetch.fetch(lock, dest, log=lines.append)
    assert len(failures) == 1 and "cannot download" in failures[0], "a changed file is fetched again"


@pytest.mark.parametrize("case", ["integrity", "traversal", "absolute", "symlink", "missing", "not-a-tarball"])
def test_the_fetcher_refuses_bad_tarballs_and_writes_nothing(tmp_path, case):
    fetch = _fetcher()
    tgz = tmp_path / "bad.tgz"
    members = {"package/dist/tiny.min.js": b"window.tiny = 1;"}
    links = None
    if case == "traversal":
        members["package/../../evil.js"] = b"evil"
    elif case == "absolute":
        members["/tmp/evil.js"] = b"evil"
    elif case == "symlink":
        links = {"package/dist/link.js": "/etc/passwd"}
    elif case == "missing":
        members = {"package/dist/other.js": b"1"}
    integrity = _tarball(tgz, members, links)
    if case == "integrity":
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(b"something else").digest()).decode()
    if case == "not-a-tarball":
        tgz.write_bytes(b"not gzip at all")
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    dest = tmp_path / "store"
    lines: list[str] = []
    failures = fetch.fetch(_lock(tmp_path, [_entry(tgz, integrity)]), dest, log=lines.append)
    assert len(failures) == 1 and failures[0].startswith("fetch_weblibs: FAILED tinylib@1.2.3: ")
    assert "\n" not in failures[0]
    want = {"integrity": "integrity mismatch", "traversal": "unsafe path", "absolute": "unsafe path",
            "symlink": "link", "missing": "lacks", "not-a-tarball": "not a readable tarball"}[case]
    assert want in failures[0]
    assert not (tmp_path / "evil.js").exists()
    assert [p for p in dest.rglob("*")] == [], "nothing half-written is left"


def test_the_fetcher_refuses_unsafe_lock_entries(tmp_path):
    fetch = _fetcher()
    tgz = tmp_path / "t.tgz"
    integrity = _tarball(tgz, {"package/a.js": b"1"})
    bad = [_entry(tgz, integrity, name="../escape", files=("package/a.js",)),
           _entry(tgz, integrity, version="latest", files=("package/a.js",)),
           _entry(tgz, integrity, files=("package/../a.js",)),
           _entry(tgz, "sha1-abc", files=("package/a.js",))]
    failures = fetch.fetch(_lock(tmp_path, bad), tmp_path / "store", log=lambda line: None)
    assert len(failures) == 4
    assert not (tmp_path / "escape").exists()


def test_the_installed_store_matches_the_lock_file():
    """The real store, when installed (bootstrap.sh runs the fetcher), is what the lock pins."""
    real = weblibs.Store(ROOT / "resources" / "weblibs")
    if not real:
        pytest.skip("the web library store is not installed (python packaging/fetch_weblibs.py)")
    for p in json.loads(LOCK.read_text())["packages"]:
        pkg = real.package(f"{p['name']}@{p['version']}")
        assert pkg is not None, p["name"]
        assert pkg.files == {f[len("package/"):] for f in p["files"]}
