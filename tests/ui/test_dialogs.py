"""The studio's action dialogs: what they ask, what they refuse, what job payload they give."""
from __future__ import annotations

import time

import pytest

from ludeme.ui.dialogs import CodeEditorDialog, EvolveDialog, MutateDialog, NewLineageDialog, read_html_file


def test_new_lineage_from_seed_html_and_idea(qtbot, project, tmp_path):
    d = NewLineageDialog(project)
    qtbot.addWidget(d)
    kind, payload = d.request()
    assert kind == "seed" and payload["slug"] == d.seed_box.currentData()
    d.from_html.setChecked(True)
    with pytest.raises(ValueError, match="pick an HTML file"):
        d.request()
    game = tmp_path / "my_little_game.html"
    game.write_text("<!DOCTYPE html><canvas></canvas><script>requestAnimationFrame(()=>{})</script>")
    d.path_edit.setText(str(game))
    kind, payload = d.request()
    assert kind == "import" and payload["title"] == "My Little Game" and "<canvas>" in payload["html"]
    titled = tmp_path / "V1.html"           # the game's own name wins over the file's
    titled.write_text("<!DOCTYPE html><title>Frog Hop</title><canvas></canvas><script>1</script>")
    d.path_edit.setText(str(titled))
    assert d.request()[1]["title"] == "Frog Hop"
    d.title_edit.setText("Mine")
    assert d.request()[1]["title"] == "Mine"
    d.title_edit.setText("")
    d.from_idea.setChecked(True)
    d.idea_edit.setText("a  frog   hopping")
    d.model_box.setCurrentText("offline")
    assert d.request() == ("idea", {"prompt": "a frog hopping", "title": None, "model": "offline"})
    # Refused on OK with a one-line reason; the dialog stays open.
    d.idea_edit.setText("x")
    d.show()
    d.accept()
    assert d.isVisible() and "few words" in d.error.text()


def test_html_files_are_checked_before_they_become_jobs(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"<" + b"a" * (6 * 1024 * 1024))
    binary = tmp_path / "bin.html"
    binary.write_bytes(b"\x00\x01\x02<html>")
    plain = tmp_path / "plain.html"
    plain.write_text("just words")
    for path, reason in ((big, "must be under"), (binary, "not a text file"), (plain, "does not look like HTML"),
                         (tmp_path, "is not a file")):
        with pytest.raises(ValueError, match=reason):
            read_html_file(path)


def test_mutate_and_evolve_payloads(qtbot, project):
    m = MutateDialog(project, "Sky Hopper · seed")
    qtbot.addWidget(m)
    m.direction.setCurrentText("floatier jump")
    assert m.payload() == {"direction": "floatier jump", "model": "offline"}
    e = EvolveDialog(project, "Sky Hopper")
    qtbot.addWidget(e)
    e.generations.setValue(3)
    e.population.setValue(4)
    assert e.payload() == {"generations": 3, "population": 4, "budget_usd": None, "model": "offline",
                           "seconds": 10.0}  # Settings ▸ Evaluation ▸ Play for
    e.budget.setValue(2.5)
    assert e.payload()["budget_usd"] == 2.5


def test_code_editor_highlights_and_saves_only_a_real_edit(qtbot, project):
    html = project.version_files(project.versions()[0].id)["index.html"].decode()
    start = time.perf_counter()
    d = CodeEditorDialog(html, "Brick Bloom · seed")
    qtbot.addWidget(d)
    d.show()
    block = d.editor.document().findBlock(html.index("function"))
    qtbot.waitUntil(lambda: bool(block.layout().formats()), timeout=5000)  # keywords are highlighted
    opened_ms = (time.perf_counter() - start) * 1000
    assert not d.save_button.isEnabled()  # nothing changed yet
    d.editor.setPlainText(html.replace("<title>", "<title>My "))
    assert d.save_button.isEnabled() and d.status.text() == "edited"
    d.note.setText("retitled")
    assert d.payload() == {"html": html.replace("<title>", "<title>My "), "note": "retitled"}
    d.editor.setPlainText("   ")
    assert not d.save_button.isEnabled()
    print(f"\ncode editor with an {len(html) // 1024} KB game opened and highlighted in {opened_ms:.0f} ms")
