"""With no key and no network, `ludeme mutate` on a seed version grows a playable child whose
mechanics differ from its parent's, and everything about it is kept with the version."""
from __future__ import annotations

import json

import pytest

from ludeme.cli import main
from ludeme.store import create_default_project, open_project


@pytest.fixture
def seeded(tmp_path):
    path = tmp_path / "p.ludeme"
    project = create_default_project(path)
    lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
    root = project.versions(lineage.id)[0]
    project.close()
    return path, root


def test_mutate_offline_from_the_cli(qapp, capsys, seeded, tmp_path, monkeypatch):
    import tempfile

    path, root = seeded
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # this test's own temp folder
    assert main(["mutate", root.id, "--project", str(path), "--seconds", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["verdict"] == "playable", result
    assert set(result["realised"]) != set(root.mechanics)
    with open_project(path) as project:
        child = project.version(result["version_id"])
        assert child.parents == (root.id,) and child.operator == "mutate"
        assert child.model == "offline"
        assert child.plan and child.plan.get("changes")
        assert set(child.mechanics) != set(root.mechanics)
        assert child.reward is not None and child.reward > 0.3
        assert project.recordings(child.id), "the evaluation's recording is kept"
        assert project.memories(root.lineage_id), "lineage memory learnt from the run"
        assert project.ledger_totals()["calls"] == 0, "offline makes no model calls"
    assert not list(scratch.glob("ludeme-mutate-*")), "the evaluation's scratch files are removed once stored"


def test_mutate_offline_follows_a_direction(qapp, capsys, seeded):
    path, root = seeded
    assert main(["mutate", root.id, "--project", str(path), "--direction", "add a dash",
                 "--seconds", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and "dash" in result["realised"] and "dash" not in root.mechanics


def test_new_from_an_idea_and_from_html(qapp, capsys, seeded, tmp_path):
    path, _ = seeded
    assert main(["new", "--project", str(path), "--prompt", "a frog hopping between floating lily pads",
                 "--seconds", "3", "--json"]) == 0
    idea = json.loads(capsys.readouterr().out)
    assert idea["ok"] and idea["verdict"] == "playable"
    broken = tmp_path / "mine.html"
    broken.write_text("<!DOCTYPE html><title>Document</title><canvas></canvas><script>function f( {</script>")
    assert main(["new", "--project", str(path), "--from-html", str(broken), "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["ok"] and imported["verdict"] == "broken"
    named = tmp_path / "V1.html"             # titled from <title>, not from the file name
    named.write_text("<!DOCTYPE html><title>Frog Pond</title><canvas></canvas><script>x(</script>")
    assert main(["new", "--project", str(path), "--from-html", str(named), "--json"]) == 0
    capsys.readouterr()
    with open_project(path) as project:
        titles = [lin.title for lin in project.lineages()]
        assert "Mine" in titles and "Frog Pond" in titles and any("frog" in t for t in titles)
        assert project.version(imported["version_id"]).status == "broken"


def test_bad_mutate_arguments(capsys, seeded):
    path, root = seeded
    assert main(["mutate", "ffffffffffffffff", "--project", str(path)]) == 2
    assert "no version" in capsys.readouterr().err
    assert main(["mutate", root.id, "--project", str(path), "--seconds", "999"]) == 2
    assert main(["new", "--project", str(path)]) == 2


def test_models_settings_are_kept_without_keys(capsys, seeded, monkeypatch):
    path, _ = seeded
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-1234567890")
    assert main(["models", "--project", str(path), "--default-model", "openai/gpt-4o-mini",
                 "--role", "critic=openai/gpt-4o", "--api-base", "http://127.0.0.1:9/v1", "--budget", "2.5"]) == 0
    out = capsys.readouterr().out
    assert "openai/gpt-4o-mini" in out and "critic" in out and "$2.50" in out
    assert main(["models", "--project", str(path), "--role", "painter=x"]) == 2
    raw = path.read_bytes()
    for side in (path.with_name(path.name + "-wal"),):
        if side.exists():
            raw += side.read_bytes()
    assert b"sk-secret-value" not in raw, "keys never land in the project file"
