"""Retrieval over a real seeded project."""
from __future__ import annotations

import pytest

from ludeme.agents.retrieval import kit_modules_of, retrieve, top_memory
from ludeme.store import create_default_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    proj = create_default_project(tmp_path_factory.mktemp("r") / "p.ludeme")
    yield proj
    proj.close()


def test_relevant_comes_from_full_text_search(project):
    got = retrieve(project, text="double jump", k=5)
    assert got.relevant and got.relevant[0].id == "double_jump"
    assert len(got.relevant) <= 5 and len(got.under_used) <= 5
    assert not {m.id for m in got.relevant} & {m.id for m in got.under_used}


def test_banned_by_argument_and_memory(project):
    lineage = project.add_lineage("ban test")
    project.add_memory(lineage.id, "ban double_jump", "players hated it", q=-1.0)
    got = retrieve(project, text="jump", lineage_id=lineage.id, banned={"coins"})
    assert set(got.banned) >= {"double_jump", "coins"}
    ids = {m.id for m in got.relevant + got.under_used + got.over_used}
    assert "double_jump" not in ids and "coins" not in ids
    assert top_memory(project, lineage.id)[0]["intent"] == "ban double_jump"


def test_over_and_under_used(project):
    mechs = project.mechanics()
    hot = mechs[-1].id
    for _ in range(30):
        project.count_mechanic_use([hot], success=True)
    got = retrieve(project, text="shoot", k=8)
    assert got.over_used and got.over_used[0].id == hot
    assert hot not in {m.id for m in got.under_used}
    usage = [m.usage_count for m in got.under_used]
    assert max(usage) <= min(m.usage_count for m in got.over_used)
    prompt = got.for_prompt()
    assert prompt["over_used"][0]["id"] == hot and "usage" in prompt["over_used"][0]


def test_kit_modules_listing(project):
    kits = kit_modules_of(project)
    assert any(k["id"] == "double_jump" for k in kits)
    assert all(not isinstance(v, list) for k in kits for v in k["params"].values())
