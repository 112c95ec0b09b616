"""A lineage as a git history: one commit per version, parents as in the lineage, merges for
crossovers, checked with dulwich and with the git command line."""
from __future__ import annotations

import subprocess
import time

import pytest

from ludeme.exchange.gitexport import AUTHOR, export_git
from ludeme.exchange.itch import ExportError

from ._fixtures_export import add_split_version, grow_lineage, seeded_project


@pytest.fixture
def family(tmp_path):
    project = seeded_project(tmp_path)
    lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
    made = grow_lineage(project, lineage.id)
    made["split"] = add_split_version(project, lineage.id, made["c"].id)
    yield project, lineage, made
    project.close()


def _git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          timeout=30).stdout


def test_the_history_has_the_shape_of_the_lineage(family, tmp_path):
    from dulwich.repo import Repo

    project, lineage, made = family
    started = time.perf_counter()
    out = export_git(project, lineage.title, tmp_path / "history")
    took = time.perf_counter() - started
    assert took < 5
    repo = Repo(str(out))
    versions = project.versions(lineage.id)
    tags = {ref.decode()[len("refs/tags/v/"):]: sha for ref, sha in repo.refs.as_dict().items()
            if ref.startswith(b"refs/tags/v/")}
    assert set(tags) == {v.id for v in versions}
    for v in versions:
        commit = repo[tags[v.id]]
        assert list(commit.parents) == [tags[p] for p in v.parents], v.operator
        assert commit.author == AUTHOR and commit.commit_time == int(v.created)
        message = commit.message.decode()
        assert v.id in message and v.operator.value in message
        if v.reward is not None:
            assert f"{v.reward:.3f}" in message
        # the tree holds exactly the version's files
        files = project.version_files(v.id)
        seen = {}
        for entry in repo.object_store.iter_tree_contents(commit.tree):
            seen[entry.path.decode()] = repo[entry.sha].data
        assert seen == files
    merge = repo[tags[made["x"].id]]
    assert len(merge.parents) == 2, "a crossover is a merge commit"
    assert "make the jump floatier" in repo[tags[made["a"].id]].message.decode()
    # main is the best version; one branch per leaf
    assert repo.refs[b"refs/heads/main"] == tags[made["x"].id]
    leaves = {ref.decode().split("/")[-1] for ref in repo.refs.keys() if ref.startswith(b"refs/heads/leaf/")}
    assert leaves == {made["x"].id, made["split"].id}
    # the work tree is checked out at main
    assert (out / "index.html").read_bytes() == project.version_files(made["x"].id)["index.html"]
    repo.close()


def test_git_itself_reads_the_history(family, tmp_path):
    project, lineage, made = family
    out = export_git(project, made["b"].id, tmp_path / "h2")  # a version names its lineage
    assert "error" not in _git(out, "fsck", "--full", "--strict").lower()
    assert _git(out, "status", "--porcelain").strip() == "", "the work tree matches HEAD"
    count = int(_git(out, "rev-list", "--count", "--all"))
    assert count == len(project.versions(lineage.id))
    merges = _git(out, "rev-list", "--merges", "--all").split()
    assert merges == [_git(out, "rev-parse", f"v/{made['x'].id}").strip()]
    graph = _git(out, "log", "--graph", "--oneline", "--all")
    assert "crossover of" in graph and graph.count("*") == count
    files = _git(out, "ls-tree", "-r", "--name-only", f"v/{made['split'].id}").split()
    assert sorted(files) == ["art/icon.svg", "index.html", "js/game.js"]


def test_a_deleted_ancestor_stays_and_a_used_folder_is_refused(family, tmp_path):
    from dulwich.repo import Repo

    project, lineage, made = family
    project.soft_delete(made["a"].id)
    out = export_git(project, lineage.id, tmp_path / "h3")
    repo = Repo(str(out))
    tag_a = repo.refs[f"refs/tags/v/{made['a'].id}".encode()]
    assert "Deleted:    yes" in repo[tag_a].message.decode()
    assert tag_a in repo[repo.refs[f"refs/tags/v/{made['x'].id}".encode()]].parents
    repo.close()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an empty folder"):
        export_git(project, lineage.id, tmp_path / "busy")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"
