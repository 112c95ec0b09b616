"""The default project: mechanic archive plus one lineage per seed game, made once."""
from __future__ import annotations

import json
import time

import pytest

from ludeme import paths
from ludeme.core import kit
from ludeme.core.domain import Operator, VersionStatus
from ludeme.store import create_default_project, ensure_default_project, open_project
from ludeme.store.seeding import seed_project

from .conftest import sha256_of

ARCHIVE = {"schema": 1, "mechanics": [{
    "id": "gravity", "name": "Gravity", "summary": "Things fall down.",
    "description": "A constant downward acceleration.", "changes": ["transitions"],
    "category": "physics", "genres": ["platformer"], "tags": ["core"], "structural": False,
    "kit_module": "gravity", "example": "the player falls", "probe": "y speed grows",
    "params": {"g": [1800, 200, 4000]}}]}


@pytest.fixture
def fake_resources(tmp_path):
    """A tiny kit, two games and an archive, so these tests do not wait on the real ones."""
    kit_dir, games_dir = tmp_path / "kit", tmp_path / "games"
    (kit_dir / "mechanics").mkdir(parents=True)
    (kit_dir / "core.js").write_text("const Kit = {};")
    (kit_dir / "mechanics" / "gravity.js").write_text("Kit.gravity = 1;")
    for slug, genre in (("tiny_hop", "platformer"), ("tiny_zap", "shooter")):
        (games_dir / slug).mkdir(parents=True)
        (games_dir / slug / "game.json").write_text(json.dumps({
            "slug": slug, "title": slug.replace("_", " ").title(), "genre": genre,
            "description": f"A tiny {genre}.", "controls": ["Space"], "kit": ["gravity"]}))
        (games_dir / slug / "game.js").write_text(f"/* {slug} */")
    (games_dir / "not_a_game").mkdir()
    archive = tmp_path / "archive.json"
    archive.write_text(json.dumps(ARCHIVE))
    return {"games_dir": games_dir, "kit_dir": kit_dir, "archive_path": archive}


def test_one_lineage_per_seed_game(tmp_path, fake_resources):
    with create_default_project(tmp_path / "d.ludeme", **fake_resources) as proj:
        lineages = proj.lineages()
        assert sorted(x.title for x in lineages) == ["Tiny Hop", "Tiny Zap"]
        hop = next(x for x in lineages if x.title == "Tiny Hop")
        assert hop.tags == ("platformer",) and hop.description == "A tiny platformer."
        (root,) = proj.versions(hop.id)
        assert root.operator is Operator.SEED and root.status is VersionStatus.EVALUATED
        assert root.parents == () and root.mechanics == ("gravity",)
        assert root.plan["slug"] == "tiny_hop"
        page = proj.version_file(root.id, "index.html")
        expected = kit.build_game_html("tiny_hop", fake_resources["games_dir"],
                                       fake_resources["kit_dir"])
        assert page == (expected.encode(), "text/html")
        assert [m.id for m in proj.mechanics()] == ["gravity"]
        assert proj.search_mechanics("falls")[0].id == "gravity"


def test_seeding_happens_only_at_creation(tmp_path, fake_resources):
    path = tmp_path / "d.ludeme"
    create_default_project(path, **fake_resources).close()
    before = sha256_of(path)
    with open_project(path) as proj:
        assert len(proj.lineages()) == 2
    assert sha256_of(path) == before
    with pytest.raises(Exception, match="already exists"):
        create_default_project(path, **fake_resources)
    with open_project(path) as proj:
        assert len(proj.lineages()) == 2


def test_a_broken_seed_game_is_left_out(project, fake_resources):
    broken = fake_resources["games_dir"] / "tiny_zap" / "game.json"
    broken.write_text(json.dumps({**json.loads(broken.read_text()), "kit": ["missing_module"]}))
    skipped = seed_project(project, **fake_resources)
    assert list(skipped) == ["tiny_zap"]
    assert [x.title for x in project.lineages()] == ["Tiny Hop"]


def test_ensure_default_project_creates_once(fake_resources, monkeypatch):
    monkeypatch.setenv("LUDEME_RESOURCES", str(fake_resources["games_dir"].parent))
    monkeypatch.setattr(paths, "mechanics_archive_path", lambda: fake_resources["archive_path"])
    path = paths.default_project_path()
    assert not path.parent.exists()
    with ensure_default_project() as first:
        assert first.path == path and len(first.lineages()) == 2
        first.add_lineage("mine")
    with ensure_default_project() as second:
        assert len(second.lineages()) == 3


def test_seeding_the_real_resources(tmp_path):
    assert paths.games_dir().is_dir()
    start = time.perf_counter()
    with create_default_project(tmp_path / "real.ludeme") as proj:
        took = time.perf_counter() - start
        lineages = proj.lineages()
        assert len(lineages) >= 1
        for lin in lineages:
            (root,) = proj.versions(lin.id)
            data, mime = proj.version_file(root.id, "index.html")
            assert mime == "text/html" and b"<canvas" in data
        if paths.mechanics_archive_path().is_file():
            assert proj.mechanics()
    print(f"\n[bench] default project: {len(lineages)} seed games in {took * 1000:.0f} ms")
    assert took < 2.0
