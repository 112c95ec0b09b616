"""`ludeme export` and `ludeme import` end to end: the real command, formats through the
dispatcher, and every mistake a one-line message with exit code 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ludeme import cli
from ludeme.core.domain import Operator, VersionStatus
from ludeme.exchange import _BUILTIN, _REGISTERED, register_exporter
from ludeme.store import create_default_project, create_project, open_project

from tests.exchange.family import file_sha

ROOT = Path(__file__).resolve().parents[2]


def _ludeme(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ludeme", *args], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin",
                               "LUDEME_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"})


@pytest.fixture
def studio(tmp_path):
    project = create_default_project(tmp_path / "studio.ludeme")
    lin = project.lineages()[0]
    root = project.versions(lin.id)[0]
    a = project.add_version(lin.id, {"index.html": b"<!doctype html><p>a</p>"}, [root.id],
                            operator=Operator.MUTATE, status=VersionStatus.EVALUATED, reward=0.7,
                            note="the keeper")
    project.add_vote(a.id, root.id, "left")
    project.set_rating(a.id, 5)
    project.close()
    return tmp_path / "studio.ludeme", lin, root, a


def test_export_then_import_with_the_real_command(studio, tmp_path):
    path, lin, root, a = studio
    create_project(tmp_path / "friend.ludeme").close()
    out = _ludeme(tmp_path, "export", "--project", str(path), lin.title, "--format", "bundle", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    bundle = Path(out.stdout.strip().rsplit(": ", 1)[1])
    assert bundle.exists() and bundle.suffix == ".ludeme-bundle" and out.stdout.startswith("exported ")
    got = _ludeme(tmp_path, "import", "--project", str(tmp_path / "friend.ludeme"), str(bundle))
    assert got.returncode == 0, got.stderr
    assert got.stdout.startswith(f"imported {lin.title!r}: 1 lineage, 2 versions, 0 recordings, 1 vote, ")
    assert got.stdout.strip().endswith("new mechanics, 0 memories")
    listed = _ludeme(tmp_path, "list", "--project", str(tmp_path / "friend.ludeme"), "--json")
    data = json.loads(listed.stdout)
    assert [(v["id"], v["parents"]) for v in data["lineages"][0]["versions"]] == [(root.id, []), (a.id, [root.id])]
    friend = open_project(tmp_path / "friend.ludeme")
    assert (friend.version(a.id).rating, friend.version(a.id).note) == (5, "the keeper")
    friend.close()
    again = _ludeme(tmp_path, "import", "--project", str(tmp_path / "friend.ludeme"), str(bundle))
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already has all 2" in again.stderr


def test_export_mistakes_are_one_line(studio, tmp_path, capsys, monkeypatch):
    path, lin, _, a = studio
    sha = file_sha(path)

    def run(*args):
        rc = cli.main(list(args))
        out, err = capsys.readouterr()
        assert err.count("\n") <= 1
        return rc, out, err.strip()

    rc, _, err = run("export", "--project", str(path), "no such thing", "--out", str(tmp_path))
    assert rc == 2 and err == "ludeme: no lineage or version 'no such thing' in studio.ludeme"
    rc, _, err = run("export", "--project", str(path), lin.id, "--format", "pdf", "--out", str(tmp_path))
    assert rc == 2 and err.startswith("ludeme: unknown export format 'pdf' (choose from bundle, itch")
    monkeypatch.setitem(_BUILTIN, "zine", ("ludeme.exchange.zine_not_installed", "export_zine"))
    rc, _, err = run("export", "--project", str(path), lin.id, "--format", "zine", "--out", str(tmp_path))
    assert rc == 2 and err == "ludeme: format zine is not available in this build of Ludeme"
    (tmp_path / "plain").write_text("a file")
    rc, _, err = run("export", "--project", str(path), lin.id, "--out", str(tmp_path / "plain" / "x.ludeme-bundle"))
    assert rc == 2 and "cannot make the folder" in err
    rc, _, err = run("export", "--project", str(tmp_path / "nope.ludeme"), lin.id, "--out", str(tmp_path))
    assert rc == 2 and "no such project" in err
    rc, _, err = run("export", "--project", str(path), lin.id)
    assert rc == 2 and "--out" in err
    assert file_sha(path) == sha  # exporting never changes the project
    assert {p.name for p in tmp_path.iterdir()} - {"userdata", "plain"} == {"studio.ludeme"}  # no partial files


def test_a_plugin_format_is_exported_through_the_cli(studio, tmp_path, capsys, monkeypatch):
    path, lin, _, a = studio
    monkeypatch.setattr("ludeme.exchange._REGISTERED", dict(_REGISTERED))

    def export_notes(project, target_id, out):
        out = Path(out)
        out.write_text(project.version(target_id).note)
        return out

    register_exporter("notes", export_notes)
    rc = cli.main(["export", "--project", str(path), a.id, "--format", "notes", "--out", str(tmp_path / "n.txt")])
    out, err = capsys.readouterr()
    assert (rc, err) == (0, "") and (tmp_path / "n.txt").read_text() == "the keeper"
    assert out.strip() == f"exported {a.id} as notes: {tmp_path / 'n.txt'}"
