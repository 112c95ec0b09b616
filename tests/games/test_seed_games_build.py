"""Seed games: metadata and single-file build, for all eight.

Pure Python: no Qt. Checks game.json against the kit contract (genre, kit modules that exist as files,
parameters for listed modules only) and that the built index.html is self-contained: no URLs, no
network or storage APIs, every listed module inlined between its marker comments.
"""
from __future__ import annotations

import json
import re

import pytest

from ludeme import paths
from ludeme.core import kit

EXPECTED_GENRE = {
    "sky_hopper": "platformer",
    "star_warden": "shooter",
    "crate_keeper": "puzzle",
    "dune_dash": "endless_runner",
    "brick_bloom": "breakout",
    "moss_maze": "top_down",
    "pulse_lane": "rhythm",
    "orbit_toy": "physics_toy",
}
SLUGS = tuple(EXPECTED_GENRE)


def test_every_genre_has_a_seed_game():
    assert {g.genre for g in kit.seed_games()} == set(kit.GENRES)
    assert {g.slug for g in kit.seed_games()} == set(SLUGS)
FORBIDDEN = ("fetch(", "XMLHttpRequest", "localStorage", "sessionStorage", "WebSocket", "indexedDB",
             "navigator.sendBeacon", "importScripts", "EventSource")
URL = re.compile(r"\b(?:https?|wss?|ftp)://", re.IGNORECASE)


def _folder(slug: str):
    return paths.games_dir() / slug


def _meta(slug: str) -> dict:
    return json.loads((_folder(slug) / "game.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", SLUGS)
def test_game_json_fields(slug):
    meta = _meta(slug)
    assert meta["slug"] == slug
    assert isinstance(meta["title"], str) and meta["title"].strip()
    assert meta["genre"] in kit.GENRES
    assert meta["genre"] == EXPECTED_GENRE[slug]
    assert isinstance(meta["description"], str) and len(meta["description"]) > 20
    controls = meta["controls"]
    assert isinstance(controls, list) and len(controls) >= 2
    assert all(isinstance(c, str) and c.strip() for c in controls)
    assert any("R" in c for c in controls), "controls should mention restart"
    assert isinstance(meta["kit"], list)
    assert len(set(meta["kit"])) == len(meta["kit"]), "duplicate kit module"
    params = meta.get("params", {})
    assert isinstance(params, dict)
    for module_id, values in params.items():
        assert module_id in meta["kit"], f"params for {module_id}, which is not in kit"
        assert isinstance(values, dict)
    if "background" in meta:
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", meta["background"])


@pytest.mark.parametrize("slug", SLUGS)
def test_kit_modules_exist(slug):
    mechanics = paths.kit_dir() / "mechanics"
    for module_id in _meta(slug)["kit"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", module_id), module_id
        assert (mechanics / f"{module_id}.js").is_file(), f"{slug}: kit module {module_id} has no file"


@pytest.mark.parametrize("slug", SLUGS)
def test_seed_game_loads(slug):
    game = kit.SeedGame.load(_folder(slug))
    assert game.slug == slug
    assert slug in {g.slug for g in kit.seed_games()}
    assert (_folder(slug) / "game.js").is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_build_is_single_self_contained_file(slug):
    html = kit.build_game_html(slug)
    assert html.startswith("<!DOCTYPE html>")
    assert '<canvas id="game"' in html
    assert html.count("<script>") == 1 and html.count("</script>") == 1
    assert not URL.search(html), f"{slug}: the built page contains a URL"
    for token in FORBIDDEN:
        assert token not in html, f"{slug}: the built page uses {token}"
    assert not re.search(r"<(?:img|link|iframe|audio|video|source)\b", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html
    # core, every listed module and the game itself, each between its marker comments, in order
    pieces = ["core", *_meta(slug)["kit"], "game"]
    at = -1
    for piece in pieces:
        begin = html.find(f"/* ludeme:kit:{piece}:begin */")
        assert begin > at, f"{slug}: {piece} missing or out of order"
        assert html.find(f"/* ludeme:kit:{piece}:end */", begin) > begin
        at = begin


@pytest.mark.parametrize("slug", SLUGS)
def test_game_script_uses_the_kit(slug):
    js = (_folder(slug) / "game.js").read_text(encoding="utf-8")
    assert "Kit.game(" in js
    assert "g.sfx.play(" in js, "games must play sounds"
    # A failure condition in the game's own code, or in a kit module it switches on (ball_bounce
    # takes a life for a lost ball, lives for a hit...).
    kit_failure = [m for m in _meta(slug).get("kit", [])
                   if re.search(r"loseLife|gameOver", kit.module_source(m))]
    assert "gameOver" in js or "loseLife" in js or "hurt(" in js or kit_failure, "games need a failure condition"
    # game.js mirrors game.json params, so a module's tuning is visible in both places
    meta = _meta(slug)
    for module_id in meta.get("params", {}):
        assert re.search(rf"\b{module_id}\s*:", js), f"{slug}: game.js has no params for {module_id}"
