"""The offline generator: deterministic, direction-following, valid kit games (one real evaluation)."""
from __future__ import annotations

import json
import re

import pytest

from ludeme.agents.offline import OfflineResult, crossover, generate, idea_to_game
from ludeme.agents.offline_directions import parse_direction
from ludeme.core.archive import load_archive
from ludeme.core.kit import build_game_html, seed_games
from ludeme.evaluation.static_checks import kit_modules, passed, static_checks

ARCHIVE = {e.kit_module: e for e in load_archive() if e.kit_module}
SLUGS = [g.slug for g in seed_games()]
_HTML: dict[str, str] = {}


def html_of(slug: str) -> str:
    if slug not in _HTML:
        _HTML[slug] = build_game_html(slug)
    return _HTML[slug]


def overrides(html: str) -> dict:
    m = re.search(r"/\* ludeme:kit:overrides:begin \*/\nKit\.overrides = (\{.*?\});\n/\* ludeme:kit:overrides:end \*/",
                  html, re.S)
    return json.loads(m.group(1)) if m else {}


def changes(res: OfflineResult, action: str | None = None) -> list[dict]:
    return [c for c in res.plan["changes"] if c["action"] != "keep" and (action is None or c["action"] == action)]


def assert_valid(res: OfflineResult, parent: str) -> None:
    checks = static_checks(res.html)
    assert passed(checks), [c for c in checks if not c.ok]
    assert res.html != parent
    assert res.html.count("/* ludeme:kit:overrides:begin */") == 1
    # the overrides piece sits right after core
    assert re.search(r"/\* ludeme:kit:core:end \*/\n/\* ludeme:kit:overrides:begin \*/", res.html)
    ov = overrides(res.html)
    for mid, params in ov.get("params", {}).items():
        for name, value in params.items():
            if mid in ARCHIVE and name in ARCHIVE[mid].params:
                _, lo, hi = ARCHIVE[mid].params[name]
                assert lo <= value <= hi, (mid, name, value)
    for c in changes(res, "change"):
        for name, value in c["params"].items():
            _, lo, hi = ARCHIVE[c["kit_module"]].params[name]
            assert lo <= value <= hi, (c, lo, hi)
    # realised = the module pieces that are switched on
    pieces = [m for m in kit_modules(res.html) if m != "overrides"]
    assert res.realised == [m for m in pieces if m not in ov.get("remove", [])]
    # it differs from the parent in mechanics or in params
    parent_ov = overrides(parent)
    parent_real = [m for m in kit_modules(parent) if m != "overrides" and m not in parent_ov.get("remove", [])]
    assert res.realised != parent_real or ov.get("params") != parent_ov.get("params") \
        or ov.get("add") != parent_ov.get("add")


@pytest.mark.parametrize("slug", SLUGS)
def test_deterministic_and_valid(slug):
    parent = html_of(slug)
    a = generate(parent, seed=7)
    b = generate(parent, seed=7)
    assert a.html == b.html and a.plan == b.plan and a.realised == b.realised
    assert_valid(a, parent)
    outs = {generate(parent, seed=s).html for s in range(6)}
    assert len(outs) >= 3, "different seeds should usually give different games"
    assert generate(parent, seed=7, direction="harder").html == generate(parent, seed=7, direction="harder").html


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("direction", ["", "harder", "easier", "add a double jump", "more juice", "floatier jump",
                                       "faster", "slower", "less juice", "remove screen shake", "qwerty zork"])
def test_every_direction_gives_a_valid_different_game(slug, direction):
    parent = html_of(slug)
    for seed in (1, 2):
        assert_valid(generate(parent, seed=seed, direction=direction), parent)


def test_double_jump_is_added_with_its_requires():
    parent = html_of("dune_dash")
    assert "double_jump" not in kit_modules(parent)
    res = generate(parent, seed=3, direction="add a double jump")
    assert [c["kit_module"] for c in changes(res, "add")] == ["double_jump"]
    assert {"gravity", "jump", "double_jump"} <= set(res.realised)
    assert res.realised.index("double_jump") > res.realised.index("jump")
    assert "double_jump" in overrides(res.html)["add"]
    assert "double_jump" in overrides(res.html)["offline"]["added"]
    # the piece is the kit's module, before the game piece
    assert res.html.index("/* ludeme:kit:double_jump:begin */") < res.html.index("/* ludeme:kit:game:begin */")


def test_requires_come_along_and_double_jump_needs_a_jump():
    # magnet_pickup builds on coins: a shooter without coins gets both, requires first
    res = generate(html_of("star_warden"), seed=1, direction="add a magnet")
    assert [c["kit_module"] for c in changes(res, "add")] == ["coins", "magnet_pickup"]
    assert res.html.index(":coins:begin */") < res.html.index(":magnet_pickup:begin */")
    # a platformer whose jump was taken out does not get a double jump
    trimmed = re.sub(r"\n/\* ludeme:kit:(double_jump|jump|coyote_time):begin \*/\n.*?\n/\* ludeme:kit:\1:end \*/",
                     "", html_of("sky_hopper"), flags=re.S)
    assert "jump" not in kit_modules(trimmed)
    res = generate(trimmed, seed=1, direction="add a double jump")
    assert "double_jump" not in res.realised
    # a top-down game has no jump: no double jump, exploration instead, and it says so
    maze = generate(html_of("moss_maze"), seed=1, direction="add a double jump")
    assert "double_jump" not in maze.realised and "jump" not in maze.realised
    assert any("exploration" in n for n in maze.notes)


def test_sky_hopper_double_jump_direction_strengthens_the_one_it_has():
    res = generate(html_of("sky_hopper"), seed=1, direction="add a double jump")
    ch = changes(res)
    assert ch and ch[0]["kit_module"] == "double_jump" and ch[0]["params"]["extra_jumps"] == 2


@pytest.mark.parametrize("slug", ["star_warden", "crate_keeper", "pulse_lane"])
def test_more_juice_adds_feedback_modules(slug):
    parent = html_of(slug)
    res = generate(parent, seed=4, direction="more juice")
    added = [c["kit_module"] for c in changes(res, "add")]
    assert added and all(ARCHIVE[m].category == "feedback" for m in added)
    assert set(added) <= set(res.realised)


def test_more_juice_raises_feedback_params_when_all_are_on():
    res = generate(html_of("sky_hopper"), seed=2, direction="more juice")
    ch = changes(res)
    assert ch and all(c["action"] == "change" and ARCHIVE[c["kit_module"]].category == "feedback" for c in ch)


@pytest.mark.parametrize("slug", ["sky_hopper", "dune_dash", "star_warden", "brick_bloom", "pulse_lane"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_harder_and_easier_move_difficulty_params_the_right_way(slug, seed):
    from ludeme.agents.offline_directions import CONCEPTS

    harder = {(m, p): s for m, p, s in next(c for c in CONCEPTS if c.name == "harder").nudges}
    parent = html_of(slug)
    for direction, sign in (("harder", 1), ("make it easier", -1)):
        res = generate(parent, seed=seed, direction=direction)
        assert_valid(res, parent)
        ch = changes(res, "change")
        assert ch, (direction, res.plan)
        for c in ch:
            (name, value), = c["params"].items()
            want = harder[(c["kit_module"], name)] * sign
            before = float(c["summary"].split(" -> ")[0].split()[-1])
            assert (value - before) * want > 0, c


def test_floatier_lowers_gravity_or_lengthens_the_jump():
    res = generate(html_of("dune_dash"), seed=1, direction="floatier jump")
    ch = changes(res, "change")
    assert ch
    for c in ch:
        (name, _), = c["params"].items()
        assert (c["kit_module"], name) in {("gravity", "g"), ("gravity", "max_fall"), ("jump", "cut"),
                                          ("double_jump", "strength")}


def test_unknown_direction_falls_back_to_exploration_and_says_so():
    res = generate(html_of("sky_hopper"), seed=5, direction="qwerty zork")
    assert changes(res)
    assert any("exploration" in n for n in res.notes)
    assert not parse_direction("qwerty zork").understood
    assert parse_direction("Make it HARDER!").concepts == ["harder"]
    assert parse_direction("less juice").concepts == ["less_juice"]


def test_params_stay_in_range_over_many_generations():
    for slug in SLUGS:
        html = html_of(slug)
        for s in range(12):
            res = generate(html, seed=s, mode="params" if s % 2 else "mutate")
            assert_valid(res, html)


@pytest.mark.parametrize("slug", SLUGS)
def test_five_generations_in_a_row_stay_valid(slug):
    html = html_of(slug)
    directions = ["", "harder", "more juice", "", "faster"]
    for i, d in enumerate(directions):
        res = generate(html, seed=100 + i, direction=d)
        assert_valid(res, html)
        html = res.html
    assert overrides(html)["offline"]["generation"] == 5


def test_only_offline_added_or_feedback_modules_are_removed():
    html = html_of("sky_hopper")
    for s in range(30):
        res = generate(html, seed=s, mode="structure")
        for c in changes(res, "remove"):
            assert ARCHIVE[c["kit_module"]].category == "feedback"
    res = generate(html, seed=1, direction="remove coyote time")
    assert "coyote_time" in res.realised
    # a module added by an earlier generation may go again
    added = generate(html, seed=1, direction="add dash")
    assert "dash" in added.realised
    gone = generate(added.html, seed=1, direction="remove the dash")
    assert "dash" not in gone.realised and "dash" not in kit_modules(gone.html)
    assert "dash" not in overrides(gone.html)["add"]


def test_crossover_grafts_from_other_parents():
    a, b = html_of("dune_dash"), html_of("sky_hopper")
    res = crossover([a, b], seed=3)
    assert_valid(res, a)
    assert res.plan["mode"] == "crossover"
    assert all("from parent 1" in c["summary"] for c in changes(res))
    assert crossover([a, b], seed=3).html == res.html
    alone = crossover([a], seed=3)
    assert_valid(alone, a)


def test_idea_to_game_picks_a_matching_seed_game():
    assert idea_to_game("a space shooter", seed=1).plan["base"] == "star_warden"
    assert idea_to_game("a sokoban crate puzzle", seed=1).plan["base"] == "crate_keeper"
    assert idea_to_game("bouncy brick breakout", seed=1).plan["base"] == "brick_bloom"
    res = idea_to_game("a floaty platformer in the clouds", seed=2)
    assert res.plan["base"] == "sky_hopper"
    assert_valid(res, html_of("sky_hopper"))
    assert idea_to_game("zzz", seed=4).html == idea_to_game("zzz", seed=4).html


def test_mutated_sky_hopper_plays_and_its_probes_pass(qapp):
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate

    parent = html_of("sky_hopper")
    # a structural change switched on by overrides + a param change: add dash, then make it floatier
    res = generate(parent, seed=1, direction="add dash")
    res = generate(res.html, seed=2, direction="floatier")
    assert "dash" in res.realised
    report = evaluate({"index.html": res.html.encode()}, EvaluationSettings(seconds=3, idle_seconds=2))
    rep = report.to_dict() if hasattr(report, "to_dict") else report
    verdict = rep["verdict"] if isinstance(rep, dict) else rep.verdict
    probes = rep["probes"] if isinstance(rep, dict) else rep.probes
    assert verdict == "playable", rep
    assert probes and all(p["ok"] for p in probes), probes
    parent_mods = [m for m in kit_modules(parent)]
    assert res.realised != parent_mods
