"""Lineages, versions, parent edges, files and blobs."""
from __future__ import annotations

import time

import numpy as np
import pytest

from ludeme.core.domain import Edge, FileEntry, Lineage, Operator, Version, VersionStatus
from tests.bulk import add_versions_bulk

from .conftest import html


def test_lineage_round_trip(project):
    lin = project.add_lineage("Brick Bloom", "Breakout with flowers", ["breakout", "juicy"],
                              island=2)
    assert isinstance(lin, Lineage) and len(lin.id) == 16
    assert project.lineage(lin.id) == lin
    assert lin.tags == ("breakout", "juicy") and lin.island == 2 and lin.created > 0
    changed = project.update_lineage(lin.id, title="Brick Bloom II", favourite=True, tags=["x"])
    assert (changed.title, changed.favourite, changed.tags) == ("Brick Bloom II", True, ("x",))
    project.update_lineage(lin.id, archived=True)
    assert project.lineages() == []
    assert [x.id for x in project.lineages(include_archived=True)] == [lin.id]
    with pytest.raises(KeyError):
        project.lineage("0000000000000abc")
    with pytest.raises(TypeError):
        project.add_lineage("t", tags="platformer")


def test_version_round_trip(project, lineage):
    plan = {"intent": "floatier jump", "mechanics": ["gravity", "jump"], "params": {"g": 900}}
    v = project.add_version(
        lineage.id, {"index.html": html(), "js/extra.js": "let x = 1;"}, operator="seed",
        status="evaluated", plan=plan, mechanics=["gravity", "jump"], planned=["gravity"],
        reward=0.8, breakdown={"playable": 1.0, "fun": 0.6}, seed=42, model="m/x",
        tokens_in=10, tokens_out=20, cost=0.01, wall_time=3.5, note="first", direction="up")
    assert isinstance(v, Version)
    assert v.status is VersionStatus.EVALUATED and v.operator is Operator.SEED
    assert v.plan == plan and v.breakdown == {"playable": 1.0, "fun": 0.6}
    assert v.mechanics == ("gravity", "jump") and v.reward == 0.8 and v.seed == 42
    assert (v.model, v.tokens_in, v.tokens_out, v.cost, v.wall_time) == ("m/x", 10, 20, 0.01, 3.5)
    assert (v.note, v.direction, v.generation, v.parents) == ("first", "up", 0, ())
    assert v.evaluated is not None and v.rating is None and not v.favourite
    assert project.version(v.id) == v
    assert project.versions() == [v]
    assert project.version_files(v.id) == {"index.html": html(), "js/extra.js": b"let x = 1;"}
    entries = project.file_entries(v.id)
    assert [e.path for e in entries] == ["index.html", "js/extra.js"]
    assert isinstance(entries[0], FileEntry) and entries[0].mime == "text/html"
    roles = {(m.mechanic_id, m.role.value) for m in project.version_mechanics(v.id)}
    assert roles == {("gravity", "planned"), ("gravity", "realised"), ("jump", "realised")}


def test_multi_parent_edges_and_generations(project, lineage):
    a = project.add_version(lineage.id, {"index.html": html("a")}, operator="seed")
    b = project.add_version(lineage.id, {"index.html": html("b")}, [a.id], operator="mutate")
    c = project.add_version(lineage.id, {"index.html": html("c")}, [a.id], operator="mutate")
    d = project.add_version(lineage.id, {"index.html": html("d")}, [(c.id, "base"), (b.id, "donor")],
                            operator="crossover")
    assert d.parents == (c.id, b.id) and d.generation == 2
    assert b.generation == 1
    assert set(project.edges()) == {
        Edge(a.id, b.id, "mutate"), Edge(a.id, c.id, "mutate"),
        Edge(c.id, d.id, "base"), Edge(b.id, d.id, "donor")}
    assert [e.parent for e in project.edges() if e.child == d.id] == [c.id, b.id]
    assert sorted(project.children(a.id)) == sorted([b.id, c.id])
    other = project.add_lineage("other")
    project.add_version(other.id, {}, operator="seed")
    assert len(project.edges(lineage.id)) == 4 and project.edges(other.id) == []
    with pytest.raises(KeyError, match="parent"):
        project.add_version(lineage.id, {}, ["0000000000000abc"])


def test_blobs_are_deduplicated(project, lineage):
    same = html("same") * 50
    v1 = project.add_version(lineage.id, {"index.html": same})
    v2 = project.add_version(lineage.id, {"index.html": same, "copy.html": same})
    assert project.blob_count() == 1
    sha = project.file_entries(v1.id)[0].sha256
    assert project.blob(sha) == same
    stored = project.db.execute_sql("SELECT length(data), size, codec FROM blob").fetchone()
    assert stored[1] == len(same) and stored[2] == "zlib" and stored[0] < len(same)
    project.add_version(lineage.id, {"index.html": same + b"!"})
    assert project.blob_count() == 2
    assert project.version_files(v2.id) == {"index.html": same, "copy.html": same}


def test_version_file_serves_only_exact_stored_paths(project, lineage):
    v = project.add_version(lineage.id, {"index.html": html(), "art/a.png": b"\x89PNG..."})
    assert project.version_file(v.id, "index.html") == (html(), "text/html")
    assert project.version_file(v.id, "art/a.png") == (b"\x89PNG...", "image/png")
    for bad in ("/index.html", "./index.html", "art/../index.html", "INDEX.HTML", "", "art",
                "index.html\x00", "%2e%2e/index.html"):
        assert project.version_file(v.id, bad) is None
    assert project.version_file("0000000000000abc", "index.html") is None
    assert project.version_file(v.id.upper(), "index.html") is None
    assert project.version_file(None, "index.html") is None  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/abs.html", "../up.html", "a//b.js", "a\\b.js", "./x", "", "a/"])
def test_bad_paths_are_rejected(project, lineage, path):
    with pytest.raises(ValueError):
        project.add_version(lineage.id, {path: b"x"})
    assert project.count_versions() == 0, "a rejected version leaves nothing behind"


def test_soft_delete_and_restore(project, lineage):
    a = project.add_version(lineage.id, {"index.html": html()}, operator="seed")
    b = project.add_version(lineage.id, {"index.html": html("b")}, [a.id])
    gone = project.soft_delete(b.id)
    assert gone.deleted and gone.deleted_at <= time.time()
    assert [v.id for v in project.versions()] == [a.id]
    assert [v.id for v in project.versions(include_deleted=True)] == [a.id, b.id]
    assert project.count_versions() == 1 and project.count_versions(include_deleted=True) == 2
    assert project.version_files(b.id)  # files survive a soft delete
    back = project.restore(b.id)
    assert not back.deleted and back.parents == (a.id,)
    assert [v.id for v in project.versions()] == [a.id, b.id]


def test_rating_favourite_bt_and_results(project, lineage):
    v = project.add_version(lineage.id, {"index.html": html()}, status="generating")
    assert project.set_rating(v.id, 4).rating == 4
    assert project.set_rating(v.id, None).rating is None
    for bad in (6, -1, 2.5):
        with pytest.raises(ValueError):
            project.set_rating(v.id, bad)
    assert project.set_favourite(v.id).favourite is True
    project.set_bt_scores({v.id: (1.2, 0.9, 1.5)})
    got = project.version(v.id)
    assert (got.bt_score, got.bt_low, got.bt_high) == (1.2, 0.9, 1.5)
    done = project.update_version(v.id, status="evaluated", reward=0.5, breakdown={"fun": 0.5},
                                  mechanics=["dash"], tokens_in=5)
    assert done.status is VersionStatus.EVALUATED and done.evaluated is not None
    assert done.mechanics == ("dash",) and done.tokens_in == 5
    assert {m.mechanic_id for m in project.version_mechanics(v.id)} == {"dash"}
    # the game of an evaluated version is fixed; its score and note may still move
    with pytest.raises(ValueError, match="fixed"):
        project.update_version(v.id, mechanics=["other"])
    with pytest.raises(ValueError, match="fixed"):
        project.update_version(v.id, status="generating")
    assert project.update_version(v.id, reward=0.9, note="rescored").reward == 0.9
    with pytest.raises(ValueError):
        project.update_version(v.id, lineage_id="x")
    with pytest.raises(KeyError):
        project.set_favourite("0000000000000abc")


def test_listing_2000_versions_is_fast(project, lineage, capsys):
    ids = add_versions_bulk(project, lineage.id, 2000)
    assert project.count_versions() == 2000
    start = time.perf_counter()
    listed = project.versions()
    took = time.perf_counter() - start
    assert [v.id for v in listed] == ids
    assert all(v.plan is not None for v in listed[:10]) and listed[0].is_root
    crossovers = [v for v in listed if len(v.parents) == 2]
    assert crossovers and all(v.operator is Operator.CROSSOVER for v in crossovers)
    assert listed[5] == project.version(ids[5])
    with capsys.disabled():
        print(f"\n[bench] versions(): 2,000 listed in {took * 1000:.1f} ms "
              f"({took / 2000 * 1e6:.1f} µs each)")
    assert took < 1.0  # generous: about 0.04 s on a slow laptop


def test_version_table_columns(project, lineage):
    a = project.add_version(lineage.id, {}, operator="seed", status="evaluated")
    b = project.add_version(lineage.id, {}, [a.id], operator="mutate", status="broken")
    c = project.add_version(lineage.id, {}, [b.id, a.id], operator="crossover")
    project.update_version(a.id, reward=0.5)
    project.set_rating(b.id, 2)
    project.set_favourite(c.id)
    other = project.add_lineage("other")
    d = project.add_version(other.id, {}, operator="seed")
    project.soft_delete(d.id)
    from ludeme.store.table import OPERATORS, STATUSES

    t = project.version_table()
    assert t.ids == (a.id, b.id, c.id) and len(t) == 3
    assert t.parent.tolist() == [-1, 0, 1] and t.extra_edges.tolist() == [[0, 2]]
    assert [STATUSES[s] for s in t.status] == ["evaluated", "broken", "queued"]
    assert OPERATORS[t.operator[2]] == "crossover"
    assert t.generation.tolist() == [0, 1, 2]
    assert t.reward[0] == 0.5 and np.isnan(t.reward[1])
    assert t.rating.tolist() == [-1, 2, -1] and t.favourite.tolist() == [False, False, True]
    assert t.row_of[c.id] == 2
    everything = project.version_table(include_deleted=True)
    assert len(everything) == 4 and everything.deleted.tolist() == [False, False, False, True]
    assert everything.lineage_ids == (lineage.id, other.id)
    assert everything.lineage.tolist() == [0, 0, 0, 1]
    assert len(project.version_table(other.id)) == 0


def test_only_what_changed_since_a_counter(project, lineage):
    a = project.add_version(lineage.id, {}, operator="seed")
    b = project.add_version(lineage.id, {}, [a.id])
    seen = project.change_counters()["version"]
    assert project.versions(changed_since=seen) == []
    assert project.edges(changed_since=seen) == []
    c = project.add_version(lineage.id, {}, [b.id, a.id], operator="crossover")
    project.set_rating(a.id, 5)
    project.soft_delete(b.id)
    changed = project.versions(changed_since=seen)
    assert [v.id for v in changed] == [a.id, b.id, c.id]
    assert changed[0].rating == 5 and changed[1].deleted
    assert [(e.parent, e.child) for e in project.edges(changed_since=seen)] == [
        (a.id, b.id), (b.id, c.id), (a.id, c.id)]  # edges of every changed child
    now = project.change_counters()["version"]
    assert project.versions(changed_since=now) == []


def test_lineages_named_by_id_or_title(project):
    a = project.add_lineage("Sky Hopper")
    b = project.add_lineage("sky hopper")
    c = project.add_lineage("Dune Dash")
    project.update_lineage(c.id, archived=True)
    assert [x.id for x in project.lineages_named(a.id)] == [a.id]
    assert {x.id for x in project.lineages_named("SKY HOPPER ")} == {a.id, b.id}  # ambiguous
    assert [x.id for x in project.lineages_named("dune dash")] == [c.id]  # archived ones too
    assert project.lineages_named("Orbit Toy") == []
