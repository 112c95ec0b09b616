"""The itch.io zip: index.html at the root, self-contained, and every seed game plays from disk."""
from __future__ import annotations

import time
import zipfile

import pytest

from ludeme.exchange.itch import ExportError, export_itch, package_game

from ._fixtures_export import SPACE_DOWN, SPACE_UP, DiskPage, add_split_version, seeded_project


@pytest.fixture
def project(tmp_path):
    p = seeded_project(tmp_path)
    yield p
    p.close()


def _play_from_disk(qtbot, disk: DiskPage, index) -> tuple[str, str]:
    disk.load(index)
    title = disk.wait_js("window.ludeme && window.ludeme.phase")
    disk.js(f"(() => {{ {SPACE_DOWN} return 1; }})()")
    playing = disk.wait_js("window.ludeme && window.ludeme.phase === 'playing' && window.ludeme.phase")
    disk.js(f"(() => {{ {SPACE_UP} return 1; }})()")
    return title, playing


def test_every_seed_game_exports_and_plays_from_disk(qtbot, project, tmp_path):
    disk = DiskPage(qtbot)
    try:
        for lineage in project.lineages():
            started = time.perf_counter()
            zip_path = export_itch(project, lineage.title, tmp_path / "zips" / lineage.id)
            took = time.perf_counter() - started
            assert zip_path.suffix == ".zip" and took < 2.0
            with zipfile.ZipFile(zip_path) as zf:
                names = zf.namelist()
                assert names[0] == "index.html" and "README.txt" in names and len(names) < 1000
                html = zf.read("index.html").decode()
                readme = zf.read("README.txt").decode()
                folder = tmp_path / "unpacked" / lineage.id
                zf.extractall(folder)
            assert "__ludemeHarness" not in html and "game://" not in html
            assert "connect-src 'none'" in html, "the exported page forbids network connections"
            assert lineage.title in readme and "Version:" in readme
            disk.messages.clear()
            title, playing = _play_from_disk(qtbot, disk, folder / "index.html")
            assert title == "title", f"{lineage.title}: telemetry {title!r}"
            assert playing == "playing", f"{lineage.title}: Space did not start the game"
            assert not disk.errors(), f"{lineage.title}: {disk.errors()}"
    finally:
        disk.close()


def test_a_multi_file_version_becomes_self_contained(qtbot, project, tmp_path):
    lineage = next(lin for lin in project.lineages() if lin.title == "Moss Maze")
    root = project.versions(lineage.id)[0]
    version = add_split_version(project, lineage.id, root.id)
    zip_path = export_itch(project, version.id, tmp_path / "moss.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        html = zf.read("index.html").decode()
        zf.extractall(tmp_path / "moss")
    # the kit core, named but never stored, is copied from the bundled kit
    assert {"index.html", "js/game.js", "art/icon.svg", "kit/core.js", "README.txt"} <= names
    assert 'src="kit/core.js"' in html and 'src="js/game.js"' in html and 'href="art/icon.svg"' in html
    assert "game://" not in html and 'src="/' not in html
    disk = DiskPage(qtbot)
    try:
        title, playing = _play_from_disk(qtbot, disk, tmp_path / "moss" / "index.html")
        assert (title, playing) == ("title", "playing")
        assert not disk.errors(), disk.errors()
    finally:
        disk.close()


def test_a_lineage_exports_its_best_version_and_bad_targets_are_refused(project, tmp_path):
    lineage = project.lineages()[0]
    root = project.versions(lineage.id)[0]
    good = project.add_version(lineage.id, project.version_files(root.id), parents=[root.id],
                               operator="mutate", status="evaluated", reward=0.9, note="best")
    project.add_version(lineage.id, project.version_files(root.id), parents=[root.id],
                        operator="mutate", status="evaluated", reward=0.1)
    out = export_itch(project, lineage.id, tmp_path / "best")
    with zipfile.ZipFile(out) as zf:
        assert good.id in zf.read("README.txt").decode()
    with pytest.raises(ExportError, match="no version or lineage"):
        export_itch(project, "no-such-thing", tmp_path / "x.zip")
    with pytest.raises(ExportError, match="index.html"):
        package_game({"game.js": b"1"})
    assert not (tmp_path / "x.zip").exists()


def test_an_exported_game_cannot_reach_the_network(qtbot, project, tmp_path):
    """Even a game that brings its own permissive policy stays offline once exported."""
    from tests.helpers import Canary

    canary = Canary()
    try:
        lineage = project.lineages()[0]
        root = project.versions(lineage.id)[0]
        page = f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src * 'unsafe-inline'; connect-src *; img-src *">
</head><body><canvas id="game" width="64" height="64"></canvas><script>
window.tries = [];
const u = "{canary.url}/";
try {{ fetch(u + "fetch").catch(() => tries.push("fetch")); }} catch (e) {{ tries.push("fetch!"); }}
try {{ new WebSocket(u.replace("http", "ws") + "ws"); }} catch (e) {{ tries.push("ws!"); }}
try {{ navigator.sendBeacon(u + "beacon", "x"); }} catch (e) {{ tries.push("beacon!"); }}
const img = new Image(); img.src = u + "img.png";
window.addEventListener("keydown", () => {{}});
</script></body></html>"""
        version = project.add_version(lineage.id, {"index.html": page.encode()}, parents=[root.id],
                                      operator="manual", status="evaluated")
        zip_path = export_itch(project, version.id, tmp_path / "leaky.zip")
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(tmp_path / "leaky")
        disk = DiskPage(qtbot)
        try:
            disk.load(tmp_path / "leaky" / "index.html")
            qtbot.wait(1500)
            assert canary.hits == [], canary.hits
            assert disk.js("window.tries.length") >= 1, "the page did run and its fetch was refused"
        finally:
            disk.close()
    finally:
        canary.close()


def test_evolution_bookkeeping_never_reaches_the_readme_or_the_inspector(qtbot, project, tmp_path):
    """The engine tags the versions it makes (run, generation, slot) in their note; the designer
    sees and exports only what they wrote, and writing keeps the tag the engine resumes by."""
    from ludeme.core.domain import join_note, split_note
    from ludeme.evolution.engine import parse_tag, tag
    from ludeme.ui.inspector import Inspector

    lineage = project.lineages()[0]
    root = project.versions(lineage.id)[0]
    v = project.add_version(lineage.id, project.version_files(root.id), parents=[root.id], operator="mutate",
                            status="evaluated", reward=0.95, note=tag("abc123", 2, 1))
    with zipfile.ZipFile(export_itch(project, v.id, tmp_path / "one")) as zf:
        readme = zf.read("README.txt").decode()
    assert "evolve run=" not in readme and "Note:" not in readme
    inspector = Inspector(project)
    qtbot.addWidget(inspector)
    inspector.show_version(v.id)
    assert inspector.notes.toPlainText() == ""
    inspector.notes.setPlainText("the floaty one")
    inspector.save_note()
    stored = project.version(v.id).note
    assert parse_tag(stored) == ("abc123", 2, 1) and split_note(stored)[1] == "the floaty one"
    with zipfile.ZipFile(export_itch(project, v.id, tmp_path / "two")) as zf:
        assert "Note: the floaty one" in zf.read("README.txt").decode()
    assert join_note("", "x") == "x" and split_note("plain words") == ("", "plain words")
