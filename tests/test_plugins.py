"""Plugins (ludeme.plugin_api): discovery from folders and entry points, broken plugins reported and
skipped, contributions wired into the reward, the bot registry, mutate, export and the CLI; and the
two bundled plugins (canvas_use evaluator, html-single exporter) end to end."""
from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ludeme import paths
from ludeme.plugin_api import EvaluationContext, PluginError, PluginHost, get_host, set_host

GOOD = '''
from ludeme.plugin_api import BotType, Evaluator, Exporter, Generator, Operator, hookimpl
from ludeme.evaluation.bots import Bot, key


def brightness(ctx):
    if ctx.frames is None:
        return {"brightness": None}
    return {"brightness": float(ctx.frames.mean()) / 255}


def shout(files, direction, seed):
    html = files["index.html"].decode()
    return {**files, "index.html": html.replace("</body>", f"<!-- {direction} {seed} --></body>").encode()}


class Zigzag(Bot):
    name = "zigzag"

    def segment(self, f):
        code = "ArrowLeft" if (f // 10) % 2 else "ArrowRight"
        return self.press(f, code, hold=5) + 5


def export_text(project, target_id, out):
    out.write_text(f"version {target_id}")
    return out


@hookimpl
def ludeme_evaluators():
    return [Evaluator("brightness", brightness, weight=0.2, description="mean brightness")]


@hookimpl
def ludeme_operators():
    return [Operator("shout", shout, description="writes the direction into the page")]


@hookimpl
def ludeme_bots():
    return [BotType("zigzag", Zigzag)]


@hookimpl
def ludeme_exporters():
    return [Exporter("note", export_text, suffix=".txt")]


@hookimpl
def ludeme_generators():
    return [Generator("blank", lambda idea, seed: {"index.html": f"<html><body>{idea} {seed}</body></html>"})]
'''


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture
def plugin_dir(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def own_host():
    """Tests that install a host put the process's host back afterwards."""
    yield
    set_host(None)


def test_folder_plugins_files_and_packages_are_discovered(plugin_dir):
    write(plugin_dir, "good.py", GOOD)
    write(plugin_dir, "pkg/__init__.py", """
        from ludeme.plugin_api import Generator, hookimpl
        from .helpers import make

        @hookimpl
        def ludeme_generators():
            return [Generator("echo", make)]
    """)
    write(plugin_dir, "pkg/helpers.py", "def make(idea, seed):\n    return {'index.html': idea.encode()}\n")
    write(plugin_dir, "_private.py", "raise RuntimeError('never imported')\n")
    host = PluginHost([plugin_dir], entry_points=False).load()
    assert [p.name for p in host.plugins] == ["good", "pkg"]
    assert host.problems == []
    assert set(host.plugins[0].contributions) == {"evaluators:brightness", "operators:shout", "bots:zigzag",
                                                  "exporters:note", "generators:blank"}
    assert host.generate("echo", "<html>frog</html>") == {"index.html": b"<html>frog</html>"}
    out = host.run_operator("shout", {"index.html": b"<html><body></body></html>"}, "louder", 7)
    assert out["index.html"] == b"<html><body><!-- louder 7 --></body></html>"
    assert host.generate("blank", "a frog", 3)["index.html"] == b"<html><body>a frog 3</body></html>"


def test_entry_point_plugins_are_discovered(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write(site, "frogplug.py", """
        from ludeme.plugin_api import Generator, hookimpl

        @hookimpl
        def ludeme_generators():
            return [Generator("frog", lambda idea, seed: {"index.html": b"<html>frog</html>"})]
    """)
    dist = site / "frogplug-1.2.dist-info"
    write(dist, "METADATA", "Metadata-Version: 2.1\nName: frogplug\nVersion: 1.2\n")
    write(dist, "entry_points.txt", "[ludeme.plugins]\nfrog = frogplug\n")
    monkeypatch.syspath_prepend(str(site))
    host = PluginHost([], entry_points=True).load()
    frog = [p for p in host.plugins if p.name == "frog"]
    assert frog and frog[0].contributions == ("generators:frog",)
    assert frog[0].origin == "entry point frogplug (frogplug 1.2)"
    assert host.generate("frog", "x")["index.html"] == b"<html>frog</html>"
    assert "frog" not in [p.name for p in PluginHost([], entry_points=False).load().plugins]


def test_broken_plugins_are_reported_and_skipped_while_the_others_work(plugin_dir):
    write(plugin_dir, "good.py", GOOD)
    write(plugin_dir, "a_syntax.py", "def broken(:\n    pass\n")
    write(plugin_dir, "b_import.py", "import no_such_module_for_ludeme\n")
    write(plugin_dir, "c_raises.py", """
        from ludeme.plugin_api import hookimpl

        @hookimpl
        def ludeme_operators():
            raise RuntimeError("out of ideas")
    """)
    write(plugin_dir, "d_wrong_type.py", """
        from ludeme.plugin_api import hookimpl

        @hookimpl
        def ludeme_evaluators():
            return [{"name": "dict-instead"}]
    """)
    write(plugin_dir, "e_bad_weight.py", """
        from ludeme.plugin_api import Evaluator, hookimpl

        @hookimpl
        def ludeme_evaluators():
            return [Evaluator("heavy", lambda ctx: {}, weight=3.0)]
    """)
    write(plugin_dir, "f_typo.py", """
        from ludeme.plugin_api import hookimpl

        @hookimpl
        def ludeme_evaluator():
            return []
    """)
    write(plugin_dir, "g_unmarked.py", "def ludeme_bots():\n    return []\n")
    write(plugin_dir, "h_taken.py", """
        from ludeme.plugin_api import BotType, hookimpl

        @hookimpl
        def ludeme_bots():
            return [BotType("monkey", object), BotType("zigzag", object)]
    """)
    write(plugin_dir, "i_exits.py", "raise SystemExit(3)\n")
    host = PluginHost([plugin_dir], entry_points=False).load()
    reasons = {p.name: p.reason for p in host.problems}
    assert reasons["a_syntax"].startswith("could not be imported: SyntaxError") and "line 1" in reasons["a_syntax"]
    assert "ModuleNotFoundError" in reasons["b_import"]
    assert reasons["c_raises"] == "ludeme_operators() failed: RuntimeError: out of ideas"
    assert reasons["d_wrong_type"] == "ludeme_evaluators() returned dict, expected Evaluator records"
    assert "weight 3.0" in reasons["e_bad_weight"]
    assert "unknown hook ludeme_evaluator()" in reasons["f_typo"]
    assert reasons["g_unmarked"] == "ludeme_bots() is not marked @hookimpl"
    assert "i_exits" in reasons and "SystemExit" in reasons["i_exits"]
    taken = [p.reason for p in host.problems if p.name == "h_taken"]
    assert any("'monkey' is already provided by Ludeme" in r for r in taken)
    assert any("'zigzag' is already provided by good" in r for r in taken)
    assert all("\n" not in p.reason for p in host.problems)
    # The good plugin is whole.
    assert set(host.evaluators()) == {"brightness"} and set(host.bots()) == {"zigzag"}
    assert "shout" in host.operators()


def test_evaluator_failures_at_run_time_leave_the_other_terms(plugin_dir):
    write(plugin_dir, "good.py", GOOD)
    write(plugin_dir, "flaky.py", """
        from ludeme.plugin_api import Evaluator, hookimpl

        @hookimpl
        def ludeme_evaluators():
            return [Evaluator("boom", lambda ctx: 1 / 0),
                    Evaluator("too_big", lambda ctx: {"too_big": 4.0}),
                    Evaluator("not_a_dict", lambda ctx: 0.5),
                    Evaluator("clash", lambda ctx: {"novelty": 1.0})]
    """)
    host = PluginHost([plugin_dir], entry_points=False).load()
    frames = np.full((4, 12, 16, 3), 51, np.uint8)
    terms, problems = host.evaluator_terms(EvaluationContext("<html></html>", "playable", {}, frames))
    assert terms == {"brightness": {"value": pytest.approx(0.2), "weight": 0.2, "plugin": "good"}}
    why = sorted(p.reason for p in problems)
    assert why[0].startswith("evaluator boom skipped: ZeroDivisionError")
    assert "novelty" in why[1] and "already a reward term" in why[1]
    assert "returned float" in why[2]
    assert "4.0" in why[3]
    assert all(p in host.problems for p in problems)


def test_plugin_terms_join_the_reward_renormalised():
    from ludeme.evaluation.reward import RewardInputs, proxy_reward

    base = RewardInputs(verdict="playable", metrics={"playability": 0.8}, realisation=1.0, structural=0.3,
                        novelty=0.5, mechanic_delta=0.5, new_mechanics=1)
    plain = proxy_reward(base)
    extra = {"brightness": {"value": 0.0, "weight": 0.2, "plugin": "good"},
             "missing": {"value": None, "weight": 0.5, "plugin": "good"}}
    with_term = proxy_reward(RewardInputs(**{**base.__dict__, "extra": extra}))
    term = with_term.breakdown["brightness"]
    assert term["plugin"] == "good" and term["value"] == 0.0
    positive = [b["weight"] for k, b in with_term.breakdown.items() if b["weight"] > 0]
    assert sum(positive) == pytest.approx(1.0, abs=1e-5)
    assert with_term.breakdown["missing"]["weight"] == 0.0
    assert with_term.total < plain.total  # a zero-valued term with weight pulls the total down
    assert with_term.breakdown["realisation"]["weight"] < plain.breakdown["realisation"]["weight"]


def test_operators_generators_and_exporters_fail_with_one_line(plugin_dir, tmp_path):
    write(plugin_dir, "bad.py", """
        from ludeme.plugin_api import Exporter, Generator, Operator, hookimpl

        @hookimpl
        def ludeme_operators():
            return [Operator("crash", lambda f, d, s: {}["index.html"]),
                    Operator("nothing", lambda f, d, s: {"index.html": b"  "})]

        @hookimpl
        def ludeme_generators():
            return [Generator("number", lambda idea, seed: 42)]

        @hookimpl
        def ludeme_exporters():
            return [Exporter("liar", lambda project, target, out: out / "never-written.txt")]
    """)
    host = PluginHost([plugin_dir], entry_points=False).load()
    with pytest.raises(PluginError, match=r"^operator crash failed: KeyError: 'index.html'$"):
        host.run_operator("crash", {"index.html": b"x"})
    with pytest.raises(PluginError, match="returned no index.html"):
        host.run_operator("nothing", {"index.html": b"x"})
    with pytest.raises(PluginError, match=r"returned int, expected \{path: bytes\}"):
        host.generate("number", "idea")
    with pytest.raises(PluginError, match="not a path it wrote"):
        host.export("liar", None, "v1", tmp_path)
    with pytest.raises(PluginError, match=r"no operator 'nope' \(plugin operators: crash, nothing\)"):
        host.run_operator("nope", {})
    assert len(host.problems) == 4 and {p.name for p in host.problems} == {"bad"}


def test_plugin_bots_join_the_bot_registry_and_fail_quietly(plugin_dir, own_host):
    from ludeme.evaluation.bots import make_bot

    write(plugin_dir, "good.py", GOOD)
    write(plugin_dir, "wobbly.py", """
        from ludeme.plugin_api import BotType, hookimpl

        class Wobbly:
            def inputs_for(self, frame):
                if frame == 3:
                    raise ValueError("lost its balance")
                return [{"type": "key", "code": "Space", "down": frame % 2 == 0}]

        @hookimpl
        def ludeme_bots():
            return [BotType("wobbly", lambda **kw: Wobbly())]
    """)
    host = PluginHost([plugin_dir], entry_points=False).load()
    set_host(host)
    bot = make_bot("zigzag", seed=1, fps=30)
    events = [e for f in range(60) for e in bot.inputs_for(f)]
    codes = {e["code"] for e in events}
    assert codes == {"ArrowLeft", "ArrowRight"} and bot.trace
    wobbly = make_bot("wobbly")
    assert [len(wobbly.inputs_for(f)) for f in range(6)] == [1, 1, 1, 0, 0, 0]
    assert any("bot wobbly stopped at frame 3: ValueError: lost its balance" in p.reason for p in host.problems)
    with pytest.raises(ValueError, match="unknown bot 'nope'; known: .*zigzag"):
        make_bot("nope")


def test_cli_lists_plugins_and_problems_and_checks_bots(plugin_dir, monkeypatch, capsys, own_host):
    from ludeme.cli import main

    write(plugin_dir, "good.py", GOOD)
    write(plugin_dir, "broken.py", "def broken(:\n")
    monkeypatch.setenv("LUDEME_PLUGINS_DIR", str(plugin_dir))
    set_host(None)
    assert main(["plugins"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("good: evaluators:brightness, operators:shout, bots:zigzag, exporters:note, "
                               "generators:blank — ")
    assert lines[1].startswith("problem: broken: could not be imported: SyntaxError: invalid syntax")
    assert main(["evaluate", "--bot", "nope", str(plugin_dir / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "unknown bot 'nope' (choose from idle, monkey, explorer, replay, zigzag)" in err


def test_mutate_with_a_plugin_operator_saves_an_evaluated_child(plugin_dir, tmp_path, monkeypatch, capsys,
                                                                 own_host):
    from ludeme.cli import main
    from ludeme.store import create_default_project, open_project

    write(plugin_dir, "good.py", GOOD)
    monkeypatch.setenv("LUDEME_PLUGINS_DIR", str(plugin_dir))
    set_host(None)
    path = tmp_path / "p.ludeme"
    project = create_default_project(path)
    parent = project.versions()[0]
    project.close()
    code = main(["mutate", parent.id, "--project", str(path), "--operator", "shout", "--direction", "louder",
                 "--seed", "5", "--seconds", "1", "--json"])
    assert code == 0, capsys.readouterr().err
    project = open_project(path)
    try:
        child = [v for v in project.versions(parent.lineage_id) if v.parents == (parent.id,) or
                 list(v.parents) == [parent.id]][-1]
        assert child.model == "plugin:shout" and child.reward is not None and child.direction == "louder"
        assert b"<!-- louder 5 -->" in project.version_files(child.id)["index.html"]
    finally:
        project.close()
    assert main(["mutate", parent.id, "--project", str(path), "--operator", "nope"]) == 2
    assert "no operator 'nope'" in capsys.readouterr().err


# ------------------------------------------------------------------------------ bundled plugins

def test_the_bundled_plugins_load_from_the_plugins_folder():
    host = PluginHost(entry_points=False).load()
    assert host.folders[0] == paths.plugins_dir() == Path(__file__).resolve().parents[1] / "plugins"
    assert host.problems == []
    assert "canvas_use" in host.evaluators() and "html-single" in host.exporters()
    assert "palette_shift" in host.operators()


def test_canvas_use_measures_screen_usage_and_palette():
    host = PluginHost(entry_points=False).load()
    fn = host.evaluators()["canvas_use"].fn
    corner = np.zeros((20, 120, 160, 3), np.uint8)
    for i in range(20):  # a 10x10 white square moving in the top-left corner
        corner[i, 5:15, 5 + i:15 + i] = 255
    full = np.zeros((20, 120, 160, 3), np.uint8)
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, (30, 3))
    for i in range(20):  # 40 squares in 30 colours all over the canvas
        for k in range(40):
            y, x = rng.integers(0, 110), rng.integers(0, 150)
            full[i, y:y + 10, x:x + 10] = palette[(i + k) % 30]
    small = fn(EvaluationContext("", "playable", {}, corner))
    big = fn(EvaluationContext("", "playable", {}, full))
    assert small["screen_usage"] == pytest.approx(8 / 192, abs=1e-4)  # rows 5-15, columns 5-34: 2x4 cells of 10x10 px
    assert big["screen_usage"] > 0.9
    assert small["colour_variety"] == pytest.approx(np.log(2) / np.log(24), abs=1e-3)  # black and white
    assert big["colour_variety"] == 1.0
    noise = rng.integers(0, 256, (20, 120, 160, 3), dtype=np.uint8)  # no colour covers 0.2 % of the pixels
    assert fn(EvaluationContext("", "playable", {}, noise))["colour_variety"] == 0.0
    assert fn(EvaluationContext("", "broken", {}, None)) == {"screen_usage": None, "colour_variety": None}


def test_canvas_use_terms_appear_in_a_real_evaluation(own_host):
    from ludeme.core.kit import build_game_html
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate

    set_host(None)
    html = build_game_html("sky_hopper")
    report = evaluate({"index.html": html.encode()}, EvaluationSettings(seconds=2, idle_seconds=1))
    assert report.verdict == "playable", report.reasons
    usage, palette = report.breakdown["screen_usage"], report.breakdown["colour_variety"]
    assert usage["plugin"] == palette["plugin"] == "canvas_use"
    assert 0.2 < usage["value"] <= 1 and 0.3 < palette["value"] <= 1
    assert usage["weight"] > 0 and usage["contribution"] == pytest.approx(usage["value"] * usage["weight"], abs=1e-5)
    assert usage["part"] == "quality", "a plugin evaluator judges what the game is"
    positive = [b["weight"] for b in report.breakdown.values() if b["weight"] > 0]
    assert sum(positive) == pytest.approx(0.65, abs=1e-5)   # a root: the progress share is unearned yet


def _split_game(html: str) -> dict[str, bytes]:
    """A seed game as several files: its last script moved to game.js, a stylesheet, an image."""
    scripts = list(re.finditer(r"<script>(.*?)</script>", html, re.S))
    last = scripts[-1]
    page = html[:last.start()] + '<script src="game.js"></script>' + html[last.end():]
    page = page.replace("</head>", '<link rel="stylesheet" href="css/look.css"></head>', 1)
    page = page.replace("</body>", '<img id="logo" src="img/logo.png" alt=""></body>', 1)
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cf000000030101004f6d2a5a0000000049454e44ae426082")
    return {"index.html": page.encode(), "game.js": last.group(1).encode(),
            "css/look.css": b"#logo { width: 1px; background: url('../img/logo.png'); }",
            "img/logo.png": png}


def test_html_single_export_inlines_a_multi_file_version_that_still_plays(tmp_path, own_host):
    from ludeme.core.kit import build_game_html
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate
    from ludeme.store import create_project

    project = create_project(tmp_path / "p.ludeme")
    try:
        lineage = project.add_lineage("Sky Hopper Split")
        version = project.add_version(lineage.id, _split_game(build_game_html("sky_hopper")), operator="import")
        set_host(None)
        from ludeme import exchange

        get_host()  # loading plugins offers their exporters through ludeme.exchange
        out = exchange.export(project, "Sky Hopper Split", tmp_path / "out", format="html-single")
    finally:
        project.close()
    assert out == tmp_path / "out" / f"sky-hopper-split-{version.id}.html"
    text = out.read_text(encoding="utf-8")
    assert 'src="game.js"' not in text and "css/look.css" not in text
    assert 'src="data:image/png;base64,iVBORw0KGgo' in text and "url(data:image/png;base64," in text
    assert "not found in the version" not in text
    report = evaluate({"index.html": text.encode()}, EvaluationSettings(seconds=1.5, idle_seconds=1))
    assert report.verdict == "playable", report.reasons
    assert not list((tmp_path / "out").glob(".ludeme-*"))  # no temporary file left


def test_html_single_refuses_an_unknown_target(tmp_path):
    from ludeme.store import create_project

    host = PluginHost(entry_points=False).load()
    project = create_project(tmp_path / "p.ludeme")
    try:
        with pytest.raises(PluginError, match=r"exporter html-single failed: ValueError: no version or lineage 'zzz'"):
            host.export("html-single", project, "zzz", tmp_path / "out")
    finally:
        project.close()
    assert not (tmp_path / "out").exists()


def test_plugin_api_imports_no_qt():
    import subprocess

    code = ("import sys; from ludeme.plugin_api import get_host; h = get_host(); "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')) or 'OK', len(h.plugins))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "desktop"), "PATH": "/usr/bin:/bin",
                              "LUDEME_DATA_DIR": "/nonexistent-ludeme"})
    assert out.stdout.split() == ["OK", "3"], out.stderr


def test_paths_inside_a_frozen_bundle(tmp_path, monkeypatch):
    """PyInstaller puts resources/ and plugins/ under sys._MEIPASS (dist/ludeme/_internal)."""
    monkeypatch.delenv("LUDEME_RESOURCES", raising=False)
    monkeypatch.delenv("LUDEME_PLUGINS_DIR", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert paths.resources_dir() == tmp_path / "_internal" / "resources"
    assert paths.plugins_dir() == tmp_path / "_internal" / "plugins"
    assert paths.kit_dir() == tmp_path / "_internal" / "resources" / "kit"
    monkeypatch.delattr(sys, "_MEIPASS")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "app" / "ludeme"))
    assert paths.plugins_dir() == tmp_path / "app" / "plugins"
    monkeypatch.setenv("LUDEME_PLUGINS_DIR", str(tmp_path / "mine"))
    assert paths.plugins_dir() == tmp_path / "mine"
    assert paths.user_plugins_dir() == paths.data_dir() / "plugins"


def test_palette_shift_recolours_only_the_games_own_colours_and_still_plays():
    from ludeme.core.kit import build_game_html
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate

    host = PluginHost(entry_points=False).load()
    html = build_game_html("sky_hopper")
    child = host.run_operator("palette_shift", {"index.html": html.encode()}, "complementary", 0)
    new = child["index.html"].decode()
    kit = re.compile(r"/\* ludeme:kit:([a-z0-9_]+):begin \*/.*?/\* ludeme:kit:\1:end \*/", re.S)
    old_regions = {m.group(1): m.group(0) for m in kit.finditer(html)}
    new_regions = {m.group(1): m.group(0) for m in kit.finditer(new)}
    assert old_regions.keys() == new_regions.keys() and "core" in old_regions
    assert all(new_regions[k] == old_regions[k] for k in old_regions if k != "game")
    assert new_regions["game"] != old_regions["game"]
    colour = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
    old_hex, new_hex = colour.findall(old_regions["game"]), colour.findall(new_regions["game"])
    assert len(old_hex) == len(new_hex) >= 3
    import colorsys

    turned = 0
    for before, after in zip(old_hex, new_hex):  # each colour turned half way round the colour wheel
        digits = before[1:] if len(before) == 7 else "".join(c * 2 for c in before[1:])
        r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
        h, l, s_ = colorsys.rgb_to_hls(r, g, b)
        want = "#%02x%02x%02x" % tuple(round(c * 255) for c in colorsys.hls_to_rgb((h + 0.5) % 1, l, s_))
        assert after.lower() == want
        turned += want != "#" + digits.lower()
    assert turned >= 3
    report = evaluate(child, EvaluationSettings(seconds=1.5, idle_seconds=1))
    assert report.verdict == "playable", report.reasons
    with pytest.raises(PluginError, match="no colour literals"):
        host.run_operator("palette_shift", {"index.html": b"<html><canvas></canvas></html>"})


def test_palette_shift_angle_and_colour_arithmetic():
    host = PluginHost(entry_points=False).load()
    fn = host.operators()["palette_shift"].fn
    page = {"index.html": b"<style>#hud { color: #f00 } body { background: rgb(0, 0, 255) }</style>"
                          b"<script>ctx.fillStyle = 'hsl(350, 80%, 50%)'; q.querySelector('#add')</script>"}
    out = fn(page, "rotate 120 degrees", 0)["index.html"].decode()
    assert "#hud {" in out and "#00ff00" in out and "rgb(255, 0, 0)" in out and "hsl(110, 80%, 50%)" in out
    assert "querySelector('#add')" in out
    assert fn(page, "cooler", 0) != fn(page, "warmer", 0)
    assert fn(page, "", 1) == fn(page, "", 1) != fn(page, "", 2)  # seeded, reproducible
