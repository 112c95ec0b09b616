"""Games that load well-known libraries from CDNs play in the sandbox with no network: the CDN URLs
are served from the pinned local store (ludeme.core.weblibs), unknown ones stay blocked, and the
canary sees nothing. Needs the store (packaging/fetch_weblibs.py; bootstrap.sh runs it)."""
from __future__ import annotations

import os

import pytest

from ludeme.core import weblibs
from tests.helpers import Canary, js_value, settle
from tests.runtime.test_sandbox import open_page, sandbox  # noqa: F401 (fixture)

NEEDED = ("phaser", "p5", "three", "matter-js", "kaboom", "kaplay", "pixi.js", "tone", "howler", "gsap")


@pytest.fixture(scope="module", autouse=True)
def _store_installed():
    have = weblibs.store().packages
    missing = [n for n in NEEDED if n not in have]
    if missing:
        msg = f"the web library store lacks {', '.join(missing)}: run python packaging/fetch_weblibs.py"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture
def canary():
    c = Canary()
    yield c
    c.close()


def _play(qtbot, sandbox, html: str, ready: str, timeout_ms: int = 15000):
    view, page, loaded = open_page(qtbot, sandbox, html, timeout=8.0)
    qtbot.waitUntil(lambda: bool(loaded), timeout=timeout_ms)
    box = {}

    def poll():
        page.run_json(f"JSON.stringify(!!({ready}))", lambda v: box.__setitem__("v", v))
        return box.get("v") is True

    try:
        qtbot.waitUntil(poll, timeout=timeout_ms)
    except Exception:
        raise AssertionError(f"{ready} never held; console: {[c.message for c in page.console][:8]}") from None
    return page


# Counts the distinct colours in a 2D canvas (the games below draw with 2D contexts: this machine's
# offscreen Chromium has no WebGL).
INK = """(() => { const c = document.querySelector('canvas'); if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
  return seen.size; })()"""


PHASER = """<!DOCTYPE html><html><head>
<link rel="preconnect" href="https://cdn.jsdelivr.net">
<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>
</head><body><script>
window.keys = 0;
new Phaser.Game({ type: Phaser.CANVAS, width: 320, height: 240, backgroundColor: '#102030',
  scene: { create() {
      this.box = this.add.rectangle(160, 120, 60, 40, 0xff8800);
      this.add.circle(60, 60, 20, 0x22ccff);
      this.input.keyboard.on('keydown', () => { window.keys++; });
      window.sceneReady = true;
    }, update() { this.box.angle += 1; } } });
</script></body></html>"""


def test_phaser_from_jsdelivr_plays_offline(qtbot, sandbox, canary):
    page = _play(qtbot, sandbox, PHASER, "window.sceneReady")
    settle(qtbot, 0.5)
    assert js_value(qtbot, page, "JSON.stringify(Phaser.VERSION)").startswith("3.")
    assert js_value(qtbot, page, f"JSON.stringify({INK})") >= 3, "the scene drew nothing"
    assert page.blocked_count == 0 and canary.hits == []


P5 = """<!DOCTYPE html><html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/p5.js/1.9.0/p5.min.js"></script>
</head><body><script>
function setup() { createCanvas(200, 150); pixelDensity(1); }
function draw() { background(20, 30, 60); fill(250, 200, 0); ellipse(100, 75, 60, 60); window.drawn = frameCount; }
</script></body></html>"""


def test_p5_from_cdnjs_draws(qtbot, sandbox, canary):
    """p5 1.x assigns navigator.mediaDevices in strict code at load: the shim's accessor takes it."""
    page = _play(qtbot, sandbox, P5, "window.drawn > 2")
    assert js_value(qtbot, page, "JSON.stringify(p5.prototype.VERSION || p5.VERSION)").startswith("1.")
    assert js_value(qtbot, page, f"JSON.stringify({INK})") >= 2
    assert page.blocked_count == 0 and canary.hits == []


THREE_R128 = """<!DOCTYPE html><html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/three.js/r128/three.min.js"></script>
</head><body><canvas width="200" height="150"></canvas><script>
// a scene graph and a camera from three.js, drawn by projecting the cube's corners on a 2D canvas
const scene = new THREE.Scene();
const camera = new THREE.PerspectiveCamera(60, 4 / 3, 0.1, 100); camera.position.set(2, 2, 4); camera.lookAt(0, 0, 0);
const cube = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshBasicMaterial({color: 0x44aa88}));
scene.add(cube); scene.updateMatrixWorld(); camera.updateMatrixWorld();
const ctx = document.querySelector('canvas').getContext('2d');
ctx.fillStyle = '#000'; ctx.fillRect(0, 0, 200, 150); ctx.fillStyle = '#44aa88';
const pos = cube.geometry.attributes.position;
for (let i = 0; i < pos.count; i++) {
  const v = new THREE.Vector3().fromBufferAttribute(pos, i).applyMatrix4(cube.matrixWorld).project(camera);
  ctx.fillRect((v.x + 1) * 100 - 3, (1 - v.y) * 75 - 3, 6, 6);
}
window.revision = THREE.REVISION;
</script></body></html>"""


def test_three_r128_from_cdnjs_runs(qtbot, sandbox, canary):
    page = _play(qtbot, sandbox, THREE_R128, "window.revision")
    assert js_value(qtbot, page, "JSON.stringify(window.revision)") == "128"
    assert js_value(qtbot, page, f"JSON.stringify({INK})") >= 2
    assert page.blocked_count == 0 and canary.hits == []


THREE_MODULE = """<!DOCTYPE html><html><head>
<script type="importmap">
{ "imports": { "three": "https://unpkg.com/three@0.160.0/build/three.module.js",
               "three/addons/": "https://unpkg.com/three@0.160.0/examples/jsm/" } }
</script></head><body><div id="stage"></div>
<script type="module">
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import * as Again from 'https://unpkg.com/three@0.160.0/build/three.module.js';
const camera = new THREE.PerspectiveCamera(50, 1, 0.1, 100);
const controls = new OrbitControls(camera, document.getElementById('stage'));
const lazy = await import('https://esm.sh/three@0.160.0');
window.result = { revision: THREE.REVISION, controls: typeof controls.update, same: Again === THREE && lazy.REVISION === THREE.REVISION,
                  vector: new THREE.Vector3(1, 2, 2).length() };
</script></body></html>"""


def test_three_es_module_and_addon_from_unpkg_import(qtbot, sandbox, canary):
    page = _play(qtbot, sandbox, THREE_MODULE, "window.result")
    result = js_value(qtbot, page, "JSON.stringify(window.result)")
    assert result == {"revision": "160", "controls": "function", "same": True, "vector": 3}
    assert page.blocked_count == 0 and canary.hits == []


MATTER_KABOOM = """<!DOCTYPE html><html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/matter-js/0.19.0/matter.min.js"></script>
<script src="https://unpkg.com/kaboom@3000.0.1/dist/kaboom.js"></script>
</head><body><script>
const engine = Matter.Engine.create();
const ball = Matter.Bodies.circle(100, 20, 10);
Matter.Composite.add(engine.world, [ball, Matter.Bodies.rectangle(100, 140, 200, 20, {isStatic: true})]);
const render = Matter.Render.create({ element: document.body, engine, options: { width: 200, height: 150, wireframes: false, background: '#223' } });
Matter.Render.run(render);
for (let i = 0; i < 30; i++) Matter.Engine.update(engine, 1000 / 60);
Matter.Render.world(render);
window.result = { fell: ball.position.y > 20, kaboom: typeof kaboom };
</script></body></html>"""


def test_matter_and_kaboom_from_cdns_run(qtbot, sandbox, canary):
    page = _play(qtbot, sandbox, MATTER_KABOOM, "window.result")
    assert js_value(qtbot, page, "JSON.stringify(window.result)") == {"fell": True, "kaboom": "function"}
    assert js_value(qtbot, page, f"JSON.stringify({INK})") >= 2, "Matter.Render drew nothing"
    assert page.blocked_count == 0 and canary.hits == []


MODULES = """<!DOCTYPE html><html><head>
<script src="https://cdn.jsdelivr.net/npm/howler@2.2.4/dist/howler.min.js"></script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/gsap/3.12.5/gsap.min.js"></script>
<script src="https://unpkg.com/tone@14.7.77/build/Tone.js"></script>
<script src="https://pixijs.download/v7.3.2/pixi.min.js"></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Press+Start+2P&display=swap">
</head><body><script type="module">
import kaplay from 'https://unpkg.com/kaplay@3001/dist/kaplay.mjs';
import { gsap as g2 } from 'https://cdn.jsdelivr.net/npm/gsap@3.12.5/+esm';
const pixi = await import('https://esm.sh/pixi.js@8');
window.result = { howl: typeof Howl, gsap: typeof gsap.to, g2: typeof g2.to, tone: typeof Tone.Synth,
                  pixi7: PIXI.VERSION.split('.')[0], pixi8: pixi.VERSION.split('.')[0], kaplay: typeof kaplay };
</script></body></html>"""


def test_audio_tween_and_module_libraries_load_and_fonts_fall_back(qtbot, sandbox, canary):
    page = _play(qtbot, sandbox, MODULES, "window.result")
    assert js_value(qtbot, page, "JSON.stringify(window.result)") == {
        "howl": "function", "gsap": "function", "g2": "function", "tone": "function", "pixi7": "7", "pixi8": "8",
        "kaplay": "function"}
    assert page.blocked_count == 0, "the web-font link is inert, not a blocked request"
    assert canary.hits == []


def test_unknown_cdn_urls_stay_blocked(qtbot, sandbox, canary):
    html = f"""<!DOCTYPE html><html><head>
<script src="https://cdn.jsdelivr.net/npm/lodash@4.17.21/lodash.min.js"></script>
<script src="https://unpkg.com/three@0.160.0/examples/jsm/loaders/GLTFLoader.js" type="module"></script>
<script src="{canary.url}/npm/phaser@3.80.1/dist/phaser.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>
</head><body><script>window.result = {{ lodash: typeof _, phaser: typeof Phaser }};</script></body></html>"""
    page = _play(qtbot, sandbox, html, "window.result")
    settle(qtbot, 0.5)
    assert js_value(qtbot, page, "JSON.stringify(window.result)") == {"lodash": "undefined", "phaser": "object"}
    # the CSP refuses them before any request is made (so the interceptor never counts them)
    refused = [c.message for c in page.console if "Refused to load" in c.message or "blocked" in c.message]
    assert len(refused) + page.blocked_count >= 3, page.console  # lodash, the addon the store lacks, the canary
    assert canary.hits == []


def test_a_version_file_under_the_library_path_wins(qtbot, sandbox):
    profile, resolver, _ = sandbox
    resolver.put("a1b2c3d4e5f60718", "__ludeme_lib/phaser@3.90.0/dist/phaser.min.js", "window.Phaser = {VERSION: 'mine'};")
    html = '<script src="/__ludeme_lib/phaser@3.90.0/dist/phaser.min.js"></script><script>window.v = Phaser.VERSION</script>'
    page = _play(qtbot, sandbox, html, "window.v")
    assert js_value(qtbot, page, "JSON.stringify(window.v)") == "mine"


PHASER_GAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Box Run</title>
<script src="https://cdn.jsdelivr.net/npm/phaser@3.80.1/dist/phaser.min.js"></script>
</head><body style="margin:0;background:#000"><script>
class Play extends Phaser.Scene {
  create() {
    this.cameras.main.setBackgroundColor('#1d2b53');
    this.player = this.add.rectangle(320, 240, 32, 32, 0xffa300);
    this.coins = [];
    for (let i = 0; i < 6; i++) this.coins.push(this.add.circle(60 + i * 100, 80 + (i % 3) * 140, 10, 0x29adff));
    this.score = 0;
    this.label = this.add.text(12, 10, 'score 0', { fontFamily: 'monospace', fontSize: '20px', color: '#fff1e8' });
    this.cursors = this.input.keyboard.createCursorKeys();
  }
  update(time, delta) {
    const s = 0.25 * delta, p = this.player;
    if (this.cursors.left.isDown) p.x -= s;
    if (this.cursors.right.isDown) p.x += s;
    if (this.cursors.up.isDown) p.y -= s;
    if (this.cursors.down.isDown) p.y += s;
    p.x = Phaser.Math.Clamp(p.x, 16, 624); p.y = Phaser.Math.Clamp(p.y, 16, 464);
    for (const c of this.coins) {
      if (c.visible && Phaser.Math.Distance.Between(p.x, p.y, c.x, c.y) < 26) {
        c.setVisible(false); this.score++; this.label.setText('score ' + this.score);
      }
    }
    if (this.coins.every(c => !c.visible)) this.coins.forEach(c => c.setVisible(true));
  }
}
new Phaser.Game({ type: Phaser.CANVAS, width: 640, height: 480, scene: Play });
</script></body></html>"""


def test_the_evaluator_finds_a_phaser_game_playable(qapp):
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate

    report = evaluate({"index.html": PHASER_GAME.encode()}, EvaluationSettings(seconds=3, idle_seconds=2))
    remote = next(c for c in report.checks if c["name"] == "no_remote_urls")
    assert remote["ok"] and "served locally: phaser@3.90.0" in remote["detail"]
    assert report.blocked_requests == 0
    assert report.verdict == "playable", (report.verdict, report.reasons, report.stages)


def test_the_studio_player_plays_a_stored_cdn_game(qtbot, tmp_path, canary):
    """The studio's own path: a version stored in a project, served by Project.version_file."""
    from ludeme.runtime.sandbox import SandboxProfile
    from ludeme.store import create_project
    from ludeme.ui.player import GamePlayer
    from tests.helpers import flush_deletes

    project = create_project(tmp_path / "p.ludeme")
    lineage = project.add_lineage("CDN Box")
    version = project.add_version(lineage.id, {"index.html": PHASER.encode()}, operator="import")
    profile = SandboxProfile(project.version_file)
    player = GamePlayer(profile)
    try:
        player.resize(420, 340)
        player.show()
        player.play(version.id, "CDN Box")
        box = {}

        def ready():
            player.page.run_json("JSON.stringify(window.sceneReady === true && Phaser.VERSION)",
                                 lambda v: box.__setitem__("v", v))
            return box.get("v") not in (None, False)

        qtbot.waitUntil(ready, timeout=15000)
        assert box["v"].startswith("3.")
        assert player.page.blocked_count == 0 and canary.hits == []
    finally:
        player.stop()
        player.page.deleteLater()
        player.deleteLater()
        flush_deletes()
        profile.deleteLater()
        flush_deletes()
        project.close()
