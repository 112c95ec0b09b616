"""The seed mechanic archive loads, is well-formed, and broken archives fail with clear messages."""
from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from ludeme import paths
from ludeme.core.archive import (
    CATEGORIES,
    CHANGE_KINDS,
    SCHEMA_VERSION,
    MechanicEntry,
    archive_index,
    entry_from_dict,
    load_archive,
)

KIT_MECHANICS = (
    "gravity jump double_jump coyote_time wall_jump dash top_down_move wrap_edges friction "
    "moving_platforms shoot enemy_bullets health invincibility_frames knockback shield_powerup "
    "enemy_spawner obstacle_spawner homing_enemies coin_spawner coins magnet_pickup combo_score "
    "score_multiplier distance_score ball_bounce paddle_control brick_grid multiball gravity_wells "
    "launcher bounce_pads lives timer_countdown difficulty_ramp checkpoint auto_scroll speed_ramp "
    "beat_clock timing_window grid_move push_blocks goal_tiles screen_shake particles hit_pause "
    "floating_text"
).split()


@pytest.fixture(scope="module")
def entries() -> list[MechanicEntry]:
    return load_archive()


def _good_entry(**over) -> dict:
    entry = {
        "id": "double_jump",
        "name": "Double jump",
        "summary": "Jump again in mid-air.",
        "description": "One extra jump while airborne, refilled on landing.",
        "changes": ["actions"],
        "category": "movement",
        "genres": ["platformer"],
        "tags": ["air-control"],
        "structural": True,
        "kit_module": None,
        "example": "if (pressed && !onGround && jumps > 0) vy = -v;",
        "probe": "Press action twice 10 frames apart: a double_jump event within 20 frames.",
        "params": {"extra_jumps": [1, 0, 3]},
        "origin": "seed",
    }
    entry.update(over)
    return entry


def _write(tmp_path, doc) -> str:
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------- the seed archive

def test_seed_archive_loads_from_default_path(entries):
    assert paths.mechanics_archive_path().is_file()
    assert all(isinstance(e, MechanicEntry) for e in entries)


def test_seed_archive_is_large_and_ids_unique(entries):
    assert len(entries) >= 150
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    assert len(archive_index(entries)) == len(entries)


def test_seed_archive_covers_categories_genres_and_changes(entries):
    assert {e.category for e in entries} == set(CATEGORIES)
    assert {c for e in entries for c in e.changes} == set(CHANGE_KINDS)
    genres = {g for e in entries for g in e.genres}
    for g in ("platformer", "shooter", "puzzle", "endless_runner", "breakout", "top_down", "rhythm",
              "physics_toy", "roguelike", "racing", "stealth", "tower_defense", "card", "idle",
              "fighting", "sports", "narrative"):
        assert g in genres, g
    assert any(not e.structural for e in entries) and any(e.structural for e in entries)


def test_seed_entries_have_text_and_sane_params(entries):
    for e in entries:
        assert e.origin == "seed"
        assert len(e.summary) < 200, e.id
        assert e.description.count(".") >= 2, e.id
        assert e.probe.strip() and e.example.strip(), e.id
        for name, (default, lo, hi) in e.params.items():
            assert lo <= default <= hi, (e.id, name)


def test_kit_modules_exist_for_executable_entries(entries):
    executable = [e for e in entries if e.kit_module is not None]
    assert len(executable) >= 40
    mech_dir = paths.kit_dir() / "mechanics"
    missing = [e.kit_module for e in executable if not (mech_dir / f"{e.kit_module}.js").is_file()]
    assert not missing, f"kit modules without a file in {mech_dir}: {missing}"
    for e in executable:
        assert e.kit_module == e.id
        assert e.kit_module in KIT_MECHANICS


def test_entries_are_frozen_and_round_trip(entries):
    e = entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.name = "x"  # type: ignore[misc]
    assert isinstance(e.changes, tuple) and isinstance(e.tags, tuple)
    assert entry_from_dict(e.to_dict()) == e
    assert hash(e) == hash(entry_from_dict(e.to_dict()))


# ---------------------------------------------------------------- validation errors

def test_good_minimal_archive_loads(tmp_path):
    doc = {"schema": 1, "mechanics": [_good_entry(), _good_entry(id="glide", name="Glide", params={})]}
    got = load_archive(_write(tmp_path, doc))
    assert [e.id for e in got] == ["double_jump", "glide"]
    assert got[0].params == {"extra_jumps": (1, 0, 3)}
    assert got[0].param_defaults() == {"extra_jumps": 1}


def test_duplicate_id_is_rejected(tmp_path):
    doc = {"schema": 1, "mechanics": [_good_entry(), _good_entry()]}
    with pytest.raises(ValueError, match=r"mechanics\[1\].*duplicate id 'double_jump'.*mechanics\[0\]"):
        load_archive(_write(tmp_path, doc))


def test_unknown_category_is_rejected(tmp_path):
    doc = {"schema": 1, "mechanics": [_good_entry(category="vibes")]}
    with pytest.raises(ValueError, match=r"'double_jump'.*category: unknown category 'vibes'.*movement"):
        load_archive(_write(tmp_path, doc))


def test_unknown_change_kind_is_rejected(tmp_path):
    doc = {"schema": 1, "mechanics": [_good_entry(changes=["actions", "mood"])]}
    with pytest.raises(ValueError, match=r"changes: unknown change 'mood'"):
        load_archive(_write(tmp_path, doc))


def test_newer_schema_is_rejected(tmp_path):
    doc = {"schema": SCHEMA_VERSION + 1, "mechanics": []}
    with pytest.raises(ValueError, match=rf"schema {SCHEMA_VERSION + 1} is newer than supported \({SCHEMA_VERSION}\)"):
        load_archive(_write(tmp_path, doc))


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (lambda e: e.pop("probe"), r"missing field\(s\): probe"),
        (lambda e: e.update(id="Double-Jump"), r"bad id 'Double-Jump'"),
        (lambda e: e.update(params={"extra_jumps": [5, 0, 3]}), r"default 5 is not within \[0, 3\]"),
        (lambda e: e.update(params={"extra_jumps": [1, 0]}), r"must be \[default, min, max\]"),
        (lambda e: e.update(summary="  "), r"summary: must not be empty"),
        (lambda e: e.update(surprise=1), r"surprise: Extra inputs are not permitted"),
        (lambda e: e.update(structural="yes"), r"structural"),
    ],
)
def test_bad_entries_name_the_entry_and_field(tmp_path, mutate, pattern):
    entry = copy.deepcopy(_good_entry())
    mutate(entry)
    doc = {"schema": 1, "mechanics": [_good_entry(id="fine"), entry]}
    with pytest.raises(ValueError, match=r"archive\.json: mechanics\[1\]") as err:
        load_archive(_write(tmp_path, doc))
    assert err.match(pattern)


def test_not_json_and_bad_shape(tmp_path):
    path = tmp_path / "archive.json"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_archive(path)
    with pytest.raises(ValueError, match="'mechanics' must be a list"):
        load_archive(_write(tmp_path, {"schema": 1, "mechanics": {}}))
    with pytest.raises(ValueError, match="missing or non-integer 'schema'"):
        load_archive(_write(tmp_path, {"mechanics": []}))
