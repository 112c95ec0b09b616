"""Following changes without re-reading every version: version_table_update must give exactly
what a full version_table gives, or say that a full read is needed."""
from __future__ import annotations

import numpy as np
import pytest

from ludeme.store import create_project
from tests.bulk import add_versions_bulk

COLUMNS = ("lineage", "status", "operator", "generation", "parent", "reward", "rating", "bt_score",
           "favourite", "deleted", "created")


def same(a, b) -> None:
    assert a.ids == b.ids and a.lineage_ids == b.lineage_ids
    for name in COLUMNS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert sorted(map(tuple, a.extra_edges.tolist())) == sorted(map(tuple, b.extra_edges.tolist()))
    assert a.row_of == b.row_of


@pytest.fixture
def project(tmp_path):
    p = create_project(tmp_path / "t.ludeme")
    lin = p.add_lineage("One")
    add_versions_bulk(p, lin.id, 200, seed=1)
    yield p
    p.close()


def counter(p) -> int:
    return p.change_counters()["version"]


def test_new_and_changed_versions_are_merged_exactly(project):
    table, rev = project.version_table(), counter(project)
    ids = list(table.ids)
    lin = project.lineages()[0].id
    a = project.add_version(lin, {"index.html": b"a"}, parents=[ids[5]], operator="mutate", status="evaluated",
                            reward=0.9)
    project.add_version(lin, {"index.html": b"b"}, parents=[a.id, ids[9]], operator="crossover", status="broken")
    project.set_rating(ids[3], 4)
    project.set_favourite(ids[7], True)
    project.update_version(a.id, note="seen")
    updated = project.version_table_update(table, rev)
    same(updated, project.version_table())
    assert project.version_table_update(updated, counter(project)) is updated  # nothing new


def test_deletes_restores_and_new_lineages_ask_for_a_full_read(project):
    table, rev = project.version_table(), counter(project)
    gone = table.ids[10]
    project.soft_delete(gone)
    assert project.version_table_update(table, rev) is None
    table, rev = project.version_table(), counter(project)
    project.restore(gone)
    assert project.version_table_update(table, rev) is None
    table, rev = project.version_table(), counter(project)
    other = project.add_lineage("Two")
    project.add_version(other.id, {"index.html": b"x"}, operator="seed", status="evaluated")
    assert project.version_table_update(table, rev) is None
