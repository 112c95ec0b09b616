"""Exports of games that load CDN libraries carry the pinned copies and play offline: the itch zip
(library files beside the game, relative references), html-single (inlined, ES modules as data:
URLs) and the gallery (inlined in each version's page)."""
from __future__ import annotations

import importlib.util
import os
import zipfile
from pathlib import Path

import pytest

from ludeme.core import weblibs
from ludeme.core.domain import Operator, VersionStatus
from ludeme.exchange.itch import export_itch
from ludeme.runtime.scheme import MemoryResolver

from ._fixtures_export import DiskPage, seeded_project

ROOT = Path(__file__).resolve().parents[2]

PHASER = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>CDN Box</title>
<link href="https://fonts.googleapis.com/css2?family=Press+Start+2P" rel="stylesheet">
<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>
</head><body><script>
new Phaser.Game({ type: Phaser.CANVAS, width: 320, height: 240, backgroundColor: '#102030',
  scene: { create() { this.add.rectangle(160, 120, 60, 40, 0xff8800); window.sceneReady = Phaser.VERSION; } } });
</script></body></html>"""

THREE = """<!DOCTYPE html><html><head>
<script type="importmap">
{ "imports": { "three": "https://unpkg.com/three@0.160.0/build/three.module.js",
               "three/addons/": "https://unpkg.com/three@0.160.0/examples/jsm/" } }
</script></head><body><div id="stage"></div>
<script type="module">
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
const controls = new OrbitControls(new THREE.PerspectiveCamera(), document.getElementById('stage'));
window.result = THREE.REVISION + ':' + typeof controls.update;
</script></body></html>"""


@pytest.fixture(scope="module", autouse=True)
def _store_installed():
    have = weblibs.store().packages
    if not {"phaser", "three"} <= set(have):
        msg = "the web library store is not installed: run python packaging/fetch_weblibs.py"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture
def project(tmp_path):
    p = seeded_project(tmp_path)
    yield p
    p.close()


def _add(project, html: str, title: str):
    lineage = project.add_lineage(title)
    return project.add_version(lineage.id, {"index.html": html.encode()}, operator=Operator.IMPORT,
                               status=VersionStatus.EVALUATED, reward=0.5)


def _html_single():
    spec = importlib.util.spec_from_file_location("ludeme_test_html_single", ROOT / "plugins" / "html_single" / "__init__.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_itch_zip_carries_the_library_and_plays_from_disk(qtbot, project, tmp_path):
    version = _add(project, PHASER, "CDN Box")
    zip_path = export_itch(project, version.id, tmp_path / "box.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        html = zf.read("index.html").decode()
        lib = zf.read("__ludeme_lib/phaser@3.90.0/dist/phaser.min.js")
        zf.extractall(tmp_path / "box")
    assert lib == (weblibs.store().package("phaser@3.90.0").root / "dist/phaser.min.js").read_bytes()
    assert 'src="./__ludeme_lib/phaser@3.90.0/dist/phaser.min.js"' in html
    assert "cdn.jsdelivr.net" not in html and 'rel="stylesheet"' not in html
    assert names == {"index.html", "README.txt", "__ludeme_lib/phaser@3.90.0/dist/phaser.min.js"}
    disk = DiskPage(qtbot)
    try:
        disk.load(tmp_path / "box" / "index.html")
        assert disk.wait_js("window.sceneReady") == "3.90.0"
    finally:
        disk.close()


def test_a_three_module_game_exports_with_its_addons(project, tmp_path):
    version = _add(project, THREE, "CDN Cube")
    with zipfile.ZipFile(export_itch(project, version.id, tmp_path / "cube.zip")) as zf:
        names = set(zf.namelist())
        html = zf.read("index.html").decode()
        addon = zf.read("__ludeme_lib/three@0.160.1/examples/jsm/controls/OrbitControls.js")
    assert '"three": "./__ludeme_lib/three@0.160.1/build/three.module.js"' in html
    assert '"three/addons/": "./__ludeme_lib/three@0.160.1/examples/jsm/"' in html
    assert {"__ludeme_lib/three@0.160.1/build/three.module.js",
            "__ludeme_lib/three@0.160.1/examples/jsm/controls/PointerLockControls.js"} <= names
    assert b"from '../../../build/three.module.js'" in addon


def test_html_single_inlines_the_libraries_and_still_plays_in_the_sandbox(qtbot, qapp, project, tmp_path):
    from ludeme.runtime.sandbox import SandboxPage, SandboxProfile
    from tests.helpers import flush_deletes, js_value

    plugin = _html_single()
    outs = {}
    for name, html in (("box", PHASER), ("cube", THREE)):
        version = _add(project, html, f"CDN {name}")
        outs[name] = plugin.export_html_single(project, version.id, tmp_path / f"{name}.html").read_text()
    box, cube = outs["box"], outs["cube"]
    assert "cdn.jsdelivr.net" not in box and "__ludeme_lib" not in box and "Phaser.VERSION" in box
    assert len(box) > 1_000_000, "Phaser itself is inline"
    assert "unpkg.com" not in cube and "__ludeme_lib" not in cube
    assert '"three": "data:text/javascript;base64,' in cube
    # the one file plays where nothing else can be reached: a sandbox page (it names no library path)
    resolver = MemoryResolver()
    profile = SandboxProfile(resolver)
    pages = []
    try:
        for vid, html, ready in (("b0b0b0b0b0b0b0b0", box, "window.sceneReady"),
                                 ("c0c0c0c0c0c0c0c0", cube, "window.result")):
            resolver.put(vid, "index.html", html)
            page = SandboxPage(profile, None, watchdog_timeout=8.0)
            pages.append(page)
            loaded = []
            page.loadFinished.connect(loaded.append)
            page.load_version(vid)
            qtbot.waitUntil(lambda: bool(loaded), timeout=15000)
            box_ = {}

            def ready_now(page=page, ready=ready):
                page.run_json(f"JSON.stringify({ready} || null)", lambda v: box_.__setitem__("v", v))
                return box_.get("v") not in (None, "")

            qtbot.waitUntil(ready_now, timeout=15000)
            value = js_value(qtbot, page, f"JSON.stringify({ready})")
            assert value == ("3.90.0" if vid.startswith("b") else "160:function"), [c.message for c in page.console]
            assert page.blocked_count == 0
    finally:
        for page in pages:
            page.deleteLater()
        flush_deletes()
        profile.deleteLater()
        flush_deletes()


def test_the_gallery_inlines_the_library_in_each_version(project, tmp_path):
    from ludeme.exchange.gallery import export_gallery

    version = _add(project, PHASER, "CDN Gallery")
    export_gallery(project, version.id, tmp_path / "gallery", media=False)
    page = (tmp_path / "gallery" / "games" / version.id / "index.html").read_text()
    assert "cdn.jsdelivr.net" not in page and "Phaser.VERSION" in page and len(page) > 1_000_000
    assert not (tmp_path / "gallery" / "games" / version.id / "__ludeme_lib").exists()
