"""The lineage gallery: a folder that works from disk, with the lineage tree as SVG, one card per
version with its media, and every version playable in a sandboxed iframe."""
from __future__ import annotations

import json
import re
import time

import pytest

from ludeme.exchange.gallery import export_gallery, tree_layout
from ludeme.exchange.itch import ExportError

from ._fixtures_export import (SPACE_DOWN, DiskPage, add_split_version, grow_lineage, record_evaluation,
                               seeded_project)


@pytest.fixture(scope="module")
def family(qapp, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gallery")
    project = seeded_project(tmp)
    lineage = next(lin for lin in project.lineages() if lin.title == "Dune Dash")
    made = grow_lineage(project, lineage.id)
    made["split"] = add_split_version(project, lineage.id, made["b"].id)
    report = record_evaluation(project, made["root"].id, tmp, seconds=2.5)
    assert report.verdict == "playable", report.reasons
    yield project, lineage, made
    project.close()


def _frame_js(qtbot, frame, expression: str):
    box: dict = {}
    frame.runJavaScript(f"JSON.stringify((() => {{ return {expression}; }})())", 0,
                        lambda value: box.setdefault("v", value))
    qtbot.waitUntil(lambda: "v" in box, timeout=5000)
    return None if box["v"] in (None, "") else json.loads(box["v"])


def test_the_gallery_opens_from_disk_and_its_games_play(qtbot, family, tmp_path):
    project, lineage, made = family
    versions = project.versions(lineage.id)
    started = time.perf_counter()
    index = export_gallery(project, lineage.title, tmp_path / "gallery")
    took = time.perf_counter() - started
    assert took < 5
    out = index.parent
    assert (out / "media" / f"{made['root'].id}.png").is_file()
    assert (out / "media" / f"{made['root'].id}.webm").is_file()
    assert (out / "games" / made["split"].id / "kit" / "core.js").is_file()
    split_page = (out / "games" / made["split"].id / "index.html").read_text()
    assert "src=" not in split_page.split("<body>")[1][:200], "a framed page loads nothing from disk"
    disk = DiskPage(qtbot)
    try:
        disk.load(index)
        assert disk.js("document.querySelectorAll('#tree circle.node').length") == len(versions)
        ids = set(disk.js("[...document.querySelectorAll('#tree circle.node')].map(c => c.dataset.id)"))
        assert ids == {v.id for v in versions}
        assert disk.js("document.querySelectorAll('#tree path.edge').length") == sum(len(v.parents) for v in versions)
        assert disk.js("document.querySelectorAll('#tree path.edge.crossover').length") == 2
        assert disk.js("[...document.querySelectorAll('#tree path.crossover')].map(p => "
                       "getComputedStyle(p).strokeDasharray)") == ["6px, 5px"] * 2
        assert disk.js("document.querySelectorAll('.card').length") == len(versions)
        sandboxes = disk.js("[...document.querySelectorAll('iframe')].map(f => f.getAttribute('sandbox'))")
        assert sandboxes == ["allow-scripts"] * len(versions)
        data = disk.js("JSON.parse(document.getElementById('ludeme-gallery-data').textContent)")
        assert [v["id"] for v in data["versions"]] and len(data["versions"]) == len(versions)
        # the recording plays in a <video>, the thumbnail shows
        disk.js("document.querySelector('video').scrollIntoView(), 1")
        duration = disk.wait_js("document.querySelector('video').readyState >= 1"
                                " && document.querySelector('video').duration")
        assert duration == pytest.approx(2.5, abs=0.1)
        assert disk.wait_js("document.querySelector('.media img').naturalWidth") > 0
        # the first card's game runs inside its sandboxed frame and starts on Space
        assert disk.js("document.querySelectorAll('iframe[src]').length") == 0, "no game runs until asked"
        disk.js("document.querySelector('button.play').click(), 1")
        qtbot.waitUntil(lambda: len(disk.page.mainFrame().children()) >= 1, timeout=8000)
        first = disk.page.mainFrame().children()[0]

        def phase():
            return _frame_js(qtbot, first, "window.ludeme && window.ludeme.phase")
        qtbot.waitUntil(lambda: phase() == "title", timeout=8000)
        assert _frame_js(qtbot, first, "window.location.protocol") == "file:"
        _frame_js(qtbot, first, f"(() => {{ {SPACE_DOWN} return 1; }})()")
        qtbot.waitUntil(lambda: phase() == "playing", timeout=8000)
        # the sandbox holds: no same-origin access from the game to the gallery
        reach = "(() => { try { return !!parent.document; } catch (e) { return 'blocked'; } })()"
        assert _frame_js(qtbot, first, reach) == "blocked"
        # the multi-file version plays in its frame too (inlined: a framed page may load no file)
        split_id = made["split"].id
        disk.js(f"document.querySelector('#v-{split_id} button.play').click(), 1")

        def split_frame():
            found = [f for f in disk.page.mainFrame().children() if split_id in f.url().toString()]
            return found[0] if found else None
        qtbot.waitUntil(lambda: split_frame() is not None, timeout=8000)
        qtbot.waitUntil(lambda: _frame_js(qtbot, split_frame(), "window.ludeme && window.ludeme.phase") == "title",
                        timeout=8000)
        assert disk.js("[...document.querySelectorAll('iframe[src]')].map(f => f.closest('.card').id)") == \
            [f"v-{split_id}"], "starting a game stops the one that ran"
        assert not disk.errors(), disk.errors()
        # each game's own page also plays standalone from disk
        disk.load(out / "games" / made["split"].id / "index.html")
        assert disk.wait_js("window.ludeme && window.ludeme.phase") == "title"
        assert not disk.errors(), disk.errors()
    finally:
        disk.close()


def test_tree_layout_puts_parents_above_and_between_children(family):
    project, lineage, made = family
    versions = project.versions(lineage.id)
    pos = tree_layout(versions)
    root, a, b, c = (pos[made[k].id] for k in ("root", "a", "b", "c"))
    assert root[1] < a[1] < c[1] and a[1] == b[1]
    assert min(a[0], b[0]) <= root[0] <= max(a[0], b[0])
    assert len({p for p in pos.values()}) == len(versions), "no two versions share a spot"


def test_a_version_names_its_lineage_and_bad_targets_are_refused(family, tmp_path):
    project, lineage, made = family
    hostile = "</script><script>window.pwned = 1</script><!--"
    extra = project.add_version(lineage.id, project.version_files(made["c"].id), parents=[made["c"].id],
                                operator="mutate", status="evaluated", direction=hostile, note=hostile)
    index = export_gallery(project, made["c"].id, tmp_path / "g2", media=False)
    html = index.read_text()
    assert "window.pwned" in html and html.count("<script") == 2, "text from a model or a user is escaped"
    data = json.loads(re.search(r'id="ludeme-gallery-data">(.*?)</script>', html, re.S).group(1))
    assert next(v for v in data["versions"] if v["id"] == extra.id)["direction"] == hostile
    assert lineage.title in html and not (index.parent / "media").exists()
    assert len(re.findall(r'<iframe sandbox="allow-scripts"', html)) == len(project.versions(lineage.id))
    with pytest.raises(ExportError, match="no version or lineage"):
        export_gallery(project, "nope", tmp_path / "g3")
    assert not (tmp_path / "g3").exists()
    with pytest.raises(ExportError, match="not an empty folder"):
        export_gallery(project, lineage.id, tmp_path / "g2")
    assert index.is_file()
