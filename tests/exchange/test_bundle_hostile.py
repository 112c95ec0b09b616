"""Hostile and broken bundles: each is refused through `ludeme import` with its own one-line
reason and exit code 2, and the project file is byte for byte what it was, with nothing beside it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ludeme import cli
from ludeme.core.domain import Operator, VersionStatus
from ludeme.exchange import ImportRefused
from ludeme.exchange.bundle import export_bundle
from ludeme.exchange.validate import read_bundle, unsafe_name_reason
from ludeme.store import create_default_project

from tests.exchange.family import file_sha, row_counts
from tests.exchange.hostile import CASES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A real bundle (a lineage with a child and a crossover) and a pristine project file."""
    folder = tmp_path_factory.mktemp("good")
    project = create_default_project(folder / "source.ludeme")
    lin = project.lineages()[0]
    root = project.versions(lin.id)[0]
    a = project.add_version(lin.id, {"index.html": b"<!doctype html><p>a</p>"}, [root.id],
                            operator=Operator.MUTATE, status=VersionStatus.EVALUATED, reward=0.5)
    b = project.add_version(lin.id, {"index.html": b"<!doctype html><p>b</p>"}, [root.id],
                            operator=Operator.MUTATE)
    project.add_version(lin.id, {"index.html": b"<!doctype html><p>x</p>"}, [a.id, b.id],
                        operator=Operator.CROSSOVER)
    project.add_vote(a.id, b.id, "left")
    bundle = export_bundle(project, lin.id, folder / "good.ludeme-bundle")
    project.close()
    pristine = create_default_project(folder / "pristine.ludeme")
    pristine.close()
    return bundle, folder / "pristine.ludeme"


def _project_copy(pristine: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "studio"
    folder.mkdir()
    target = folder / "mine.ludeme"
    shutil.copyfile(pristine, target)
    return target


def _import(capsys, project: Path, bundle: Path, *extra: str) -> tuple[int, str, str]:
    rc = cli.main(["import", "--project", str(project), str(bundle), *extra])
    out, err = capsys.readouterr()
    return rc, out, err


def test_the_good_bundle_imports(good, tmp_path, capsys):
    bundle, pristine = good
    project = _project_copy(pristine, tmp_path)
    rc, out, err = _import(capsys, project, bundle)
    assert (rc, err) == (0, "")
    assert out.startswith("imported ") and "4 versions" in out and "1 vote" in out
    assert row_counts(project)["version"] == row_counts(pristine)["version"] + 4


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_bundle_is_refused_and_nothing_is_written(case, good, tmp_path, capsys):
    bundle, pristine = good
    make, reason = CASES[case]
    (tmp_path / "bad").mkdir()
    bad = make(bundle, tmp_path / "bad")
    project = _project_copy(pristine, tmp_path)
    sha, counts = file_sha(project), row_counts(project)
    rc, out, err = _import(capsys, project, bad)
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ludeme: import refused: "), err
    assert reason in lines[0], lines[0]
    assert file_sha(project) == sha and row_counts(project) == counts
    assert [p.name for p in project.parent.iterdir()] == ["mine.ludeme"]  # no temp or side files
    assert not (tmp_path / "bad" / "evil.sh").exists() and not (tmp_path / "evil.sh").exists()


def test_importing_again_through_the_cli_is_refused_then_works_as_a_copy(good, tmp_path, capsys):
    bundle, pristine = good
    project = _project_copy(pristine, tmp_path)
    assert _import(capsys, project, bundle)[0] == 0
    sha, counts = file_sha(project), row_counts(project)
    rc, out, err = _import(capsys, project, bundle)
    assert rc == 2 and "already has all 4 of its versions" in err and "--copy" in err
    assert file_sha(project) == sha and row_counts(project) == counts
    assert sorted(p.name for p in project.parent.iterdir()) == ["mine.ludeme"]
    rc, out, err = _import(capsys, project, bundle, "--copy")
    assert rc == 0 and "as a copy" in out
    assert row_counts(project)["version"] == counts["version"] + 4


def test_a_missing_project_or_bundle_is_one_line(good, tmp_path, capsys):
    bundle, pristine = good
    rc, _, err = _import(capsys, tmp_path / "nowhere.ludeme", bundle)
    assert rc == 2 and "no such project" in err and len(err.strip().splitlines()) == 1
    project = _project_copy(pristine, tmp_path)
    rc, _, err = _import(capsys, project, tmp_path / "nothing.ludeme-bundle")
    assert rc == 2 and "no such bundle" in err


def test_refusals_happen_before_anything_is_decompressed_for_bombs(good, tmp_path):
    """A bomb is refused from its declared sizes: the check takes a moment, not a gigabyte."""
    import time

    bundle, _ = good
    (tmp_path / "bad").mkdir()
    for case in ("ratio bomb", "total size bomb", "lying sizes"):
        bad = CASES[case][0](bundle, tmp_path / "bad")
        start = time.perf_counter()
        with pytest.raises(ImportRefused):
            read_bundle(bad)
        assert time.perf_counter() - start < 1.0, case


@pytest.mark.parametrize("name, ok", [
    ("blobs/ab", True), ("../x", False), ("a/../../x", False), ("/abs", False), ("C:x", False),
    ("c:/x", False), ("a\\b", False), ("a//b", False), ("./a", False), ("a\x00b", False),
])
def test_entry_names(name, ok):
    assert (unsafe_name_reason(name) is None) == ok


def test_the_real_command_refuses_a_zip_slip(good, tmp_path):
    bundle, pristine = good
    (tmp_path / "bad").mkdir()
    bad = CASES["zip slip"][0](bundle, tmp_path / "bad")
    project = _project_copy(pristine, tmp_path)
    sha = file_sha(project)
    run = subprocess.run([sys.executable, "-m", "ludeme", "import", "--project", str(project), str(bad)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path,
                         env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin",
                              "LUDEME_DATA_DIR": str(tmp_path / "data")})
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == ("ludeme: import refused: unsafe entry name '../../evil.sh': "
                                  "it climbs out of the bundle with '..'")
    assert file_sha(project) == sha


def test_a_busy_project_is_a_clear_message_and_nothing_is_written(good, tmp_path):
    """Another process holds the write lock for longer than the import waits: one line, no change."""
    import sqlite3

    from ludeme.exchange.bundle import import_bundle
    from ludeme.store import open_project

    bundle, pristine = good
    path = _project_copy(pristine, tmp_path)
    counts = row_counts(path)
    project = open_project(path)
    project.db.execute_sql("PRAGMA busy_timeout = 200")
    blocker = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ImportRefused, match=r"project is busy .* nothing was imported"):
            import_bundle(project, bundle)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert len(project.versions()) == counts["version"]
    project.close()
    assert row_counts(path) == counts
