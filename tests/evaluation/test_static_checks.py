"""Static checks on small scripts and on the seed games (no browser)."""
from __future__ import annotations

import time

import pytest

from ludeme.core.kit import build_game_html, seed_games
from ludeme.evaluation.static_checks import (balance, code_only, extract_scripts, kit_modules, kit_pieces,
                                             passed, static_checks, strip_comments)

GAME = """<!DOCTYPE html><html><body><canvas id="c" width="320" height="240"></canvas>
<script>
const canvas = document.getElementById("c");
const ctx = canvas.getContext("2d");
const keys = {};
let x = 10;
window.addEventListener("keydown", (e) => { keys[e.code] = true; });
window.addEventListener("keyup", (e) => { keys[e.code] = false; });
function update(dt) { if (keys.ArrowRight) x += 2; }
function draw() { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, 320, 240); ctx.fillRect(x, 100, 10, 10); }
function loop(t) { update(1 / 60); draw(); requestAnimationFrame(loop); }
requestAnimationFrame(loop);
</script></body></html>"""


def by_name(html: str) -> dict:
    return {c.name: c for c in static_checks(html)}


def test_a_small_complete_game_passes_every_check():
    checks = static_checks(GAME)
    assert [c.name for c in checks if not c.ok] == []
    assert passed(checks)


def test_a_reply_cut_off_mid_function_is_caught():
    cut = GAME[:GAME.index("requestAnimationFrame(loop); }")]
    checks = by_name(cut)
    assert not checks["scripts"].ok                      # </script> never came
    assert not checks["balanced"].ok and "never closed" in checks["balanced"].detail
    assert not passed(list(checks.values()))


def test_braces_inside_strings_comments_templates_and_regexes_are_ignored():
    js = r"""
    const a = "}}}{{(", b = '((([', c = `${x} }} ${ {k: 1}.k } ${ `inner ${"}"}` } end`;
    // a comment with { and (
    /* a block comment with ) } ] */
    const re = /\{+(?:[}\]])\//g, half = total / 2 / count;
    function f(s) { return s.replace(/[{}]/g, "").split('/'); }
    """
    ok, detail = balance(js)
    assert ok, detail
    assert "}}}" not in code_only(js) and "inner" not in code_only(js)
    assert "comment" not in strip_comments(js) and "}}}{{(" in strip_comments(js)


@pytest.mark.parametrize("js, words", [
    ("function f() { if (x) { y(); }", "never closed"),
    ("function f() { y(); }}", "unmatched"),
    ("const s = 'abc;\nfunction f() {}", "unterminated string"),
    ("const t = `abc ${x} ...", "unterminated template"),
    ("f(); /* never closed", "unterminated comment"),
    ("const a = [1, 2, (3];", "unmatched"),
])
def test_unbalanced_scripts_say_what_is_wrong(js, words):
    ok, detail = balance(js)
    assert not ok and words in detail


@pytest.mark.parametrize("loop, ok", [
    ("function loop() { draw(); requestAnimationFrame(loop); } requestAnimationFrame(loop);", True),
    ("const tick = (t) => { draw(); requestAnimationFrame(tick); }; tick(0);", True),
    ("class G { loop() { this.draw(); requestAnimationFrame(() => this.loop()); } } new G().loop();", True),
    ("class G { run() { requestAnimationFrame(this.run.bind(this)); } }", True),
    ("requestAnimationFrame(function step() { draw(); requestAnimationFrame(step); });", True),
    ("setInterval(() => { update(); draw(); }, 16);", True),
    ("function loop() { draw(); } requestAnimationFrame(loop);", False),
    ("function draw() { ctx.fillRect(0, 0, 1, 1); } draw();", False),
])
def test_the_loop_must_re_arm_itself(loop, ok):
    js = "const ctx = c.getContext('2d'); addEventListener('keydown', k);\n" + loop
    check = by_name(js)["loop"]
    assert check.ok is ok, check.detail


def test_missing_canvas_input_and_render_are_errors():
    js = "function loop() { x += 1; requestAnimationFrame(loop); } loop();"
    checks = by_name(js)
    assert not checks["canvas"].ok and checks["canvas"].severity == "error"
    assert not checks["input"].ok and not checks["render"].ok
    assert checks["update"].ok


def test_inputs_are_found_in_many_spellings():
    for listener in ("canvas.onpointerdown = f;", "document.onkeydown = f;",
                     "c.addEventListener('touchstart', f);", "window.addEventListener(\"mousedown\", f);"):
        assert by_name(GAME.replace('window.addEventListener("keydown"', "window.addEventListener('x'")
                       .replace('window.addEventListener("keyup"', "window.addEventListener('y'")
                       .replace("let x = 10;", "let x = 10; " + listener))["input"].ok, listener
    assert not by_name(GAME.replace('"keydown"', '"resize"').replace('"keyup"', '"blur"'))["input"].ok


def test_init_on_load_accepts_load_handlers_and_top_level_starts():
    assert by_name(GAME)["init_on_load"].ok
    lazy = GAME.replace("requestAnimationFrame(loop);\n</script>", "\n</script>")
    assert not by_name(lazy)["init_on_load"].ok
    assert by_name(lazy.replace("</script>", "window.onload = () => loop(0);</script>"))["init_on_load"].ok
    assert by_name(lazy.replace("</script>", "(function () { loop(0); })();</script>"))["init_on_load"].ok
    assert by_name(lazy.replace("</script>", "class Game { constructor() { loop(0); } }\nnew Game();</script>"))[
        "init_on_load"].ok


def test_remote_code_is_an_error_remote_assets_and_network_apis_warnings():
    cdn = GAME.replace("<script>", '<script src="https://cdn.example.com/phaser.min.js"></script><script>')
    remote = by_name(cdn)["no_remote_urls"]
    assert not remote.ok and remote.severity == "error" and "cdn.example.com" in remote.detail
    img = GAME.replace("let x = 10;", "let x = 10; const im = new Image(); im.src = 'https://x.example.org/a.png';")
    check = by_name(img)["no_remote_urls"]
    assert not check.ok and check.severity == "warning"
    # namespaces and comments are not requests
    svg = GAME.replace("let x = 10;", "let x = 10; // see https://example.com/docs\n"
                       "const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');")
    assert by_name(svg)["no_remote_urls"].ok
    net = GAME.replace("let x = 10;", "let x = 10; fetch('/score'); new WebSocket(u); window.open('x');"
                       "for (let i = 0; i < 1e6; i++) { localStorage.setItem('k' + i, big); }")
    check = by_name(net)["no_forbidden_apis"]
    assert not check.ok and check.severity == "warning"
    for word in ("fetch", "WebSocket", "window.open", "localStorage flood"):
        assert word in check.detail
    assert passed(static_checks(net))                    # warnings do not stop the cascade
    flood = GAME.replace("function draw() {", "function draw() { for (let k = 0; k < 20; k++) "
                         "{ try { sessionStorage.setItem('s' + k, chunk); } catch (e) {} }")
    assert "flood" in by_name(flood)["no_forbidden_apis"].detail
    assert by_name(GAME.replace("let x = 10;", "let x = 10; const note = 'fetch(WebSocket)';"))[
        "no_forbidden_apis"].ok


def test_a_bare_script_is_accepted_and_non_js_scripts_are_skipped():
    assert len(extract_scripts("let a = 1;")) == 1
    html = '<html><script type="application/json">{"a": [</script><script>let b = 2;</script></html>'
    assert [s.code for s in extract_scripts(html)] == ["let b = 2;"]


def test_kit_modules_come_from_the_marker_comments():
    html = ("<script>/* ludeme:kit:core:begin */ core /* ludeme:kit:core:end */\n"
            "/* ludeme:kit:gravity:begin */ g /* ludeme:kit:gravity:end */\n"
            "/* ludeme:kit:double_jump:begin */ d /* ludeme:kit:double_jump:end */\n"
            "/* ludeme:kit:game:begin */ game /* ludeme:kit:game:end */</script>")
    assert kit_modules(html) == ["gravity", "double_jump"]
    assert set(kit_pieces(html)) == {"core", "gravity", "double_jump", "game"}


@pytest.mark.parametrize("slug", [g.slug for g in seed_games()])
def test_every_seed_game_passes_and_lists_its_modules(slug):
    html = build_game_html(slug)
    checks = static_checks(html)
    assert [(c.name, c.detail) for c in checks if not c.ok] == []
    game = next(g for g in seed_games() if g.slug == slug)
    assert kit_modules(html) == list(game.kit)


def test_a_200_kb_game_is_checked_in_milliseconds():
    html = build_game_html(seed_games()[0].slug)
    script = extract_scripts(html)[0].code
    big = "<html><body><canvas></canvas><script>" + (script + "\n") * (200_000 // len(script) + 1) + "</script>"
    static_checks(big)
    best = min(_timed(static_checks, big) for _ in range(5))
    print(f"static_checks on {len(big) // 1000} KB: {best * 1000:.1f} ms")
    assert best < 0.1                      # ~10 ms on an idle core; generous for shared CI machines


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t
