"""The mechanic archive in a project: upsert, counts, and full-text search (FTS5, bm25)."""
from __future__ import annotations

import pytest

from ludeme.core.domain import Mechanic

ENTRIES = [
    {"id": "double_jump", "name": "Double jump", "summary": "Jump a second time in mid-air.",
     "description": "The player may jump once more before landing.", "changes": ["actions"],
     "category": "movement", "genres": ["platformer"], "tags": ["air-control"],
     "structural": False, "kit_module": "double_jump", "example": "press jump twice",
     "probe": "two jumps without landing", "params": {"extra_jumps": (1, 1, 3)}},
    {"id": "screen_shake", "name": "Screen shake", "summary": "Shake the camera on impacts.",
     "description": "Feedback that makes hits feel heavy.", "changes": ["feedback"],
     "category": "feedback", "genres": ["shooter", "platformer"], "tags": ["juice"],
     "kit_module": "screen_shake"},
    {"id": "coins", "name": "Coins", "summary": "Collect coins for points.",
     "description": "Coins float around the level; touching one scores. Jumping reaches high ones.",
     "changes": ["resources", "goals"], "category": "collection", "genres": ["platformer"]},
    {"id": "wall_jump", "name": "Wall jump", "summary": "Kick off walls.",
     "description": "Sliding down a wall, jump away from it.", "changes": ["actions"],
     "category": "movement", "genres": ["platformer"]},
]


@pytest.fixture
def archive(project):
    assert project.upsert_mechanics(ENTRIES) == len(ENTRIES)
    return project


def test_round_trip_and_upsert_keeps_counts(archive):
    m = archive.mechanic("double_jump")
    assert isinstance(m, Mechanic)
    assert m.name == "Double jump" and m.changes == ("actions",) and m.genres == ("platformer",)
    assert m.params == {"extra_jumps": [1, 1, 3]} and m.kit_module == "double_jump"
    assert m.executable and m.origin == "seed" and m.usage_count == 0
    archive.count_mechanic_use(["double_jump", "coins"], success=True)
    archive.count_mechanic_use(["double_jump"], success=False)
    again = archive.upsert_mechanic({**ENTRIES[0], "summary": "Jump again in the air."})
    assert again.summary == "Jump again in the air."
    assert (again.usage_count, again.success_count) == (2, 1)
    assert [x.id for x in archive.mechanics("movement")] == ["double_jump", "wall_jump"]
    assert len(archive.mechanics()) == 4
    with pytest.raises(KeyError):
        archive.mechanic("nope")


def test_upsert_accepts_domain_objects(project):
    project.upsert_mechanic(Mechanic(id="dash", name="Dash", summary="Burst forward.",
                                     genres=("platformer",), params={"speed": (600, 200, 900)}))
    assert project.search_mechanics("burst")[0].id == "dash"


def test_search_by_name_and_summary_words(archive):
    assert archive.search_mechanics("shake")[0].id == "screen_shake"
    assert archive.search_mechanics("camera impacts")[0].id == "screen_shake"  # summary words
    assert archive.search_mechanics("juice")[0].id == "screen_shake"  # tags
    assert archive.search_mechanics("jumping")[0].id in ("double_jump", "wall_jump")  # stemmed
    assert archive.search_mechanics("doub")[0].id == "double_jump"  # prefix while typing
    assert archive.search_mechanics("zebra") == []
    assert archive.search_mechanics("") == []


def test_ranking_prefers_names(archive):
    ids = [m.id for m in archive.search_mechanics("jump")]
    assert set(ids) == {"double_jump", "wall_jump", "coins"}
    assert ids[-1] == "coins", "a word in the name outranks one in the description"
    assert [m.id for m in archive.search_mechanics("jump", limit=1)] == [ids[0]]


def test_all_words_first_then_any(archive):
    assert [m.id for m in archive.search_mechanics("wall jump")] == ["wall_jump"]
    assert {m.id for m in archive.search_mechanics("wall zebra")} == {"wall_jump"}


@pytest.mark.parametrize("query", ['"', 'jump AND (', 'NEAR(', '*', 'jump"', "OR", "a:b",
                                   "col:jump", "^jump", "-jump", "NOT", "'; DROP TABLE mechanic;--"])
def test_query_syntax_never_raises(archive, query):
    archive.search_mechanics(query)
    assert len(archive.mechanics()) == 4


def test_fts_follows_updates(archive):
    archive.upsert_mechanic({**ENTRIES[3], "summary": "Bounce off vertical surfaces."})
    assert archive.search_mechanics("vertical")[0].id == "wall_jump"
    assert archive.search_mechanics("kick") == []
    archive.db.execute_sql("DELETE FROM mechanic WHERE id = 'wall_jump'")
    assert archive.search_mechanics("vertical") == []
    assert archive.db.execute_sql(
        "INSERT INTO mechanic_fts (mechanic_fts) VALUES ('integrity-check')") is not None


def test_probe_results_and_usage(project, lineage):
    v = project.add_version(lineage.id, {"index.html": b"x"}, mechanics=["coins", "dash"])
    project.set_probe_result(v.id, "coins", True, "3 coins collected")
    project.set_probe_result(v.id, "dash", False, "no burst seen")
    links = {m.mechanic_id: m for m in project.version_mechanics(v.id)}
    assert links["coins"].probe_ok is True and links["coins"].probe_detail == "3 coins collected"
    assert links["dash"].probe_ok is False
    assert project.versions_with_mechanic("coins") == [v.id]
    assert project.versions_with_mechanic("coins", "planned") == []
