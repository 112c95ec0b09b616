"""MAP-Elites grid: the best per cell, varied descriptors fill several cells; near-duplicate check."""
from ludeme.evolution.dedup import DedupIndex, fingerprint
from ludeme.evolution.elites import Grid, category_mix, describe, pace

CATS = {"gravity": "movement", "jump": "movement", "shoot": "combat", "enemy_spawner": "spawning",
        "auto_scroll": "rules", "speed_ramp": "rules", "grid_move": "puzzle", "push_blocks": "puzzle",
        "paddle_control": "physics", "ball_bounce": "physics", "particles": "feedback"}


def test_grid_keeps_the_best_per_cell():
    g = Grid()
    d = ("movement", "keys", "slow")
    assert g.add("a", d, 0.5)
    assert not g.add("b", d, 0.4)
    assert g.add("c", d, 0.7)
    assert g.cells[d].version_id == "c" and g.protected() == {"c"}
    assert Grid.from_json(g.to_json()).cells == g.cells


def test_varied_descriptors_fill_cells():
    platformer = describe(["gravity", "jump", "particles"], CATS)
    shooter = describe(["shoot", "enemy_spawner", "speed_ramp", "particles"], CATS)
    puzzle = describe(["grid_move", "push_blocks"], CATS)
    breakout = describe(["paddle_control", "ball_bounce"], CATS)
    assert platformer == ("movement", "keys", "slow")
    assert shooter[0] == "combat+rules+spawning" and shooter[2] == "fast"
    assert puzzle == ("puzzle", "keys", "slow")
    assert breakout[1] == "pointer"
    assert describe(["particles"], CATS)[0] == "feedback"
    g = Grid()
    for i, d in enumerate([platformer, shooter, puzzle, breakout]):
        g.add(str(i), d, 0.5)
    assert g.occupied() >= 3


def test_dedup_rejects_identical_code_and_accepts_different():
    code = "function step(g) { /* move */ g.x += 1; // right\n return g.x * 2; }\n" * 3
    same = code.replace("  ", " ").replace("/* move */", "/* other comment */")
    idx = DedupIndex()
    idx.add("v1", code)
    assert fingerprint(code).digest == fingerprint(same).digest
    assert idx.is_duplicate(same)
    different = "let score = 0; function hit(e) { score += e.points; spawn(e.x, e.y, 12); }"
    assert not idx.is_duplicate(different)
    assert idx.nearest(different)[1] < 0.5


def test_category_mix_tells_apart_children_of_one_lineage():
    cats = dict(CATS, double_jump="movement", coins="collection", knockback="combat", homing="spawning",
                combo_score="scoring", magnet="collection")
    seed = ["gravity", "jump", "double_jump", "coins", "shoot", "knockback", "homing", "particles"]
    assert category_mix(seed, cats) == "combat+movement"
    assert category_mix(seed + ["combo_score"], cats) == "combat+movement"       # a lone extra: same kind
    assert category_mix(seed + ["magnet"], cats) == "collection+combat+movement"  # ties join
    assert category_mix(seed + ["enemy_spawner"], cats) == "combat+movement+spawning"
    assert category_mix(["particles"], cats) == "feedback" and category_mix([], cats) == "none"
    assert [pace(m) for m in ([], ["dash"], ["dash", "speed_ramp"], ["dash", "speed_ramp", "auto_scroll"])] == \
        ["slow", "medium", "fast", "frantic"]
    assert pace(["grid_move"]) == "slow"
    descriptors = {describe(m, cats) for m in (seed, seed + ["magnet"], seed + ["enemy_spawner"],
                                                seed + ["enemy_spawner", "dash", "speed_ramp"])}
    assert len(descriptors) == 4
