"""Seed games, batch B (brick_bloom, moss_maze, pulse_lane, orbit_toy): metadata and single-file build.

Pure Python: no Qt. Checks game.json against the kit contract and that the built index.html is
self-contained (no URLs, no network or storage APIs).
"""
from __future__ import annotations

import json
import re

import pytest

from ludeme import paths
from ludeme.core import kit

SLUGS = ("brick_bloom", "moss_maze", "pulse_lane", "orbit_toy")
EXPECTED_GENRE = {
    "brick_bloom": "breakout",
    "moss_maze": "top_down",
    "pulse_lane": "rhythm",
    "orbit_toy": "physics_toy",
}
FORBIDDEN = ("fetch(", "XMLHttpRequest", "localStorage", "sessionStorage", "WebSocket", "indexedDB")


def _folder(slug):
    return paths.games_dir() / slug


def _meta(slug):
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
        assert module_id in meta["kit"], f"params for unlisted module {module_id}"
        assert isinstance(values, dict)


@pytest.mark.parametrize("slug", SLUGS)
def test_kit_modules_exist(slug):
    mech_dir = paths.kit_dir() / "mechanics"
    for module_id in _meta(slug)["kit"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", module_id), module_id
        assert (mech_dir / f"{module_id}.js").is_file(), f"{slug}: missing kit module {module_id}"


@pytest.mark.parametrize("slug", SLUGS)
def test_seed_game_loads(slug):
    game = kit.SeedGame.load(_folder(slug))
    assert game.slug == slug
    assert (_folder(slug) / "game.js").is_file()
    assert slug in {g.slug for g in kit.seed_games()}


@pytest.mark.parametrize("slug", SLUGS)
def test_build_is_single_file_and_offline(slug):
    page = kit.build_game_html(slug)
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert '<canvas id="game"' in page
    assert "/* ludeme:kit:core:begin */" in page
    assert "/* ludeme:kit:game:begin */" in page
    for module_id in _meta(slug)["kit"]:
        assert f"/* ludeme:kit:{module_id}:begin */" in page
        assert f"/* ludeme:kit:{module_id}:end */" in page
    lowered = page.lower()
    assert "http://" not in lowered
    assert "https://" not in lowered
    for token in FORBIDDEN:
        assert token not in page, f"{slug}: built page uses {token}"
    assert "<img" not in lowered and "@font-face" not in lowered


@pytest.mark.parametrize("slug", SLUGS)
def test_game_js_uses_kit(slug):
    src = (_folder(slug) / "game.js").read_text(encoding="utf-8")
    assert "Kit.game(" in src
    assert "g.sfx.play(" in src or "sfx.play(" in src
    assert "import " not in src.split("\n", 1)[0]
