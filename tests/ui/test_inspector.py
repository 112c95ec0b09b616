"""The inspector, driven as a designer would: a real project, a child grown by the offline model and
an edited child, both evaluated for real (2 s recordings with sound); what the header, the tabs
and the recording player show, and that stars, favourite and notes land in the project file."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from ludeme.store import create_default_project, open_project
from ludeme.ui.inspector import Inspector
from ludeme.ui.inspector_tabs import CHECK, CROSS

ERROR_TEXT = "inspector-test: the boom"


@pytest.fixture(scope="module")
def evaluated(qapp, tmp_path_factory):
    """A project with a mutated child (plan, breakdown, recording) and an edited child whose game
    logs an error; evaluated once for the whole module."""
    from ludeme.evolution.operators import mutate, save_evaluated
    from ludeme.core.settings import EvaluationSettings

    base = tmp_path_factory.mktemp("inspector")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUDEME_DATA_DIR", str(base / "userdata"))
        path = base / "inspect.ludeme"
        project = create_default_project(path)
        lineage = next(lin for lin in project.lineages() if lin.title == "Sky Hopper")
        root = project.versions(lineage.id)[0]
        fast = EvaluationSettings(seconds=2)
        result = mutate(project, root.id, direction="add a dash", model="offline", eval_settings=fast)
        assert result.ok, result.error
        child = project.version(result.version_id)
        html = project.version_files(child.id)["index.html"].decode("utf-8")
        assert "Sky Hopper" in html
        edited = html.replace("Sky Hopper", "Sky Skipper").replace(
            "</body>", f"<script>console.error({ERROR_TEXT!r})</script></body>", 1)
        made = save_evaluated(project, [child.id], edited, operator="manual", eval_settings=fast,
                              direction="rename the game")
        assert made.ok
        yield project, root.id, child.id, made.version_id
        project.close()


@pytest.fixture
def inspector(qtbot, evaluated):
    project = evaluated[0]
    w = Inspector(project)
    w.resize(760, 640)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.shutdown()
    w.close()
    w.deleteLater()
    qtbot.wait(20)


def reopened(evaluated, version_id):
    with open_project(evaluated[0].path) as again:
        return again.version(version_id)


def test_header_tells_what_the_version_is(qtbot, inspector, evaluated):
    project, root, child, _ = evaluated
    v = project.version(child)
    assert inspector.show_version(child)
    assert inspector.title.text() == "Sky Hopper · Gen 1 · mutate"
    assert "playable" in inspector.badge.text() and inspector.badge.isVisible()
    meta = inspector.meta.text().replace("&nbsp;", " ")
    assert f"{v.reward:.3f}" in meta and "offline" in meta and "Tokens" in meta and "$0.0000" in meta
    assert [b.text() for b in inspector.parent_buttons] == [root[:8]]
    assert "add a dash" in inspector.direction.text()
    # Only the visible tab was filled.
    assert inspector.current_tab() == "Mechanics"
    assert inspector.mechanics_tab.table.rowCount() > 0
    assert inspector.code_tab.text.toPlainText() == ""
    # Fast enough to follow the selection (measured warm: the first call builds fonts and caches).
    inspector.show_version(root)
    inspector.show_version(child)
    assert inspector.last_show_ms < 250, inspector.last_show_ms


def test_clicking_a_parent_asks_to_go_there(qtbot, inspector, evaluated):
    _, root, child, _ = evaluated
    inspector.show_version(child)
    with qtbot.waitSignal(inspector.parent_requested, timeout=1000) as sig:
        qtbot.mouseClick(inspector.parent_buttons[0], Qt.MouseButton.LeftButton)
    assert sig.args == [root]


def test_stars_and_favourite_are_kept_in_the_project_file(qtbot, inspector, evaluated):
    _, _, child, _ = evaluated
    inspector.show_version(child)
    stars = inspector.stars
    with qtbot.waitSignal(inspector.rating_changed, timeout=1000) as sig:
        qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars.star_center(3).toPoint())
    assert sig.args == [child, 4]
    assert reopened(evaluated, child).rating == 4
    stars.setFocus()
    qtbot.keyClick(stars, Qt.Key.Key_2)
    assert stars.rating() == 2 and reopened(evaluated, child).rating == 2
    # Clicking the current rating's star again clears it.
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars.star_center(1).toPoint())
    assert reopened(evaluated, child).rating == 0

    with qtbot.waitSignal(inspector.favourite_changed, timeout=1000) as sig:
        qtbot.mouseClick(inspector.favourite, Qt.MouseButton.LeftButton)
    assert sig.args == [child, True] and inspector.favourite.text() == "♥"
    assert reopened(evaluated, child).favourite is True
    qtbot.mouseClick(inspector.favourite, Qt.MouseButton.LeftButton)
    assert reopened(evaluated, child).favourite is False

    # Another version shows its own marks; coming back shows the saved ones.
    inspector.show_version(evaluated[1])
    assert inspector.stars.rating() == 0
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars.star_center(4).toPoint())
    inspector.show_version(child)
    assert inspector.stars.rating() == 0
    inspector.show_version(evaluated[1])
    assert inspector.stars.rating() == 5


def test_notes_are_saved_after_a_pause_and_on_leaving(qtbot, inspector, evaluated):
    _, root, child, edited = evaluated
    inspector.show_version(child)
    inspector.notes.setFocus()
    inspector.notes.selectAll()
    with qtbot.waitSignal(inspector.note_changed, timeout=3000) as sig:
        qtbot.keyClicks(inspector.notes, "floaty dash, keep it")
    assert sig.args == [child, "floaty dash, keep it"]
    assert reopened(evaluated, child).note == "floaty dash, keep it"

    # Typing and leaving at once (focus elsewhere) saves without waiting.
    inspector.show_version(edited)
    inspector.notes.setFocus()
    qtbot.keyClicks(inspector.notes, "renamed")
    other = QLineEdit(inspector)
    other.show()
    other.setFocus()
    QApplication.processEvents()
    assert reopened(evaluated, edited).note == "renamed"
    # And switching versions flushes a pending note too.
    inspector.notes.setFocus()
    qtbot.keyClicks(inspector.notes, " twice")
    inspector.show_version(root)
    assert reopened(evaluated, edited).note == "renamed twice"
    inspector.show_version(edited)
    assert inspector.notes.toPlainText() == "renamed twice"


def test_mechanics_table_matches_plan_realised_and_probes(qtbot, inspector, evaluated):
    project, root, child, _ = evaluated
    v = project.version(child)
    inspector.show_version(child)
    tab = inspector.mechanics_tab
    table = tab.table
    probes = {p["id"]: p["ok"] for p in v.breakdown["probes"]}
    planned = [c["mechanic_id"] for c in v.plan["changes"]]
    ids = [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())]
    assert ids[:len(planned)] == planned
    assert set(ids) == set(planned) | set(v.mechanics)
    for r, mid in enumerate(ids):
        assert table.item(r, 2).text() == (CHECK if mid in v.mechanics else CROSS)
        assert table.item(r, 3).text() == (CHECK if probes.get(mid) else CROSS if mid in probes else "–")
    dash = ids.index("dash")
    assert table.item(dash, 0).text() == "Dash" and table.item(dash, 1).text() == "add"
    assert "probes passed" in tab.summary.text() and "missing" not in tab.summary.text()

    # A version whose plan added a mechanic that never showed up: the row stands out.
    files = project.version_files(root)
    gap = project.add_version(
        v.lineage_id, files, parents=[root], operator="manual", status="evaluated",
        plan={"intent": "add a dash", "changes": [{"action": "add", "mechanic_id": "dash", "name": "Dash"},
                                                  {"action": "keep", "mechanic_id": "gravity"}]},
        mechanics=["gravity", "jump"], planned=["dash", "gravity"])
    inspector.show_version(gap.id)
    rows = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(table.rowCount())}
    assert set(rows) == {"dash", "gravity", "jump"}
    r = rows["dash"]
    assert table.item(r, 2).text() == CROSS and "missing" in table.item(r, 4).text()
    assert table.item(r, 0).background().color().alpha() > 0, "planned-but-missing is highlighted"
    assert table.item(rows["gravity"], 0).background().style() == Qt.BrushStyle.NoBrush
    assert table.item(rows["jump"], 1).text() == "—", "realised without being planned"
    assert "1 missing" in tab.summary.text()


def test_reward_tab_draws_one_bar_per_term(qtbot, inspector, evaluated):
    project, root, child, _ = evaluated
    v = project.version(child)
    inspector.set_tab("Reward")
    inspector.show_version(child)
    tab = inspector.reward_tab
    terms = {k: t for k, t in v.breakdown["terms"].items() if t["part"] != "info"}
    order = {"quality": 0, "progress": 1, "penalty": 2}
    assert tab.terms == sorted(terms, key=lambda k: order[terms[k]["part"]])   # quality, progress, penalties
    assert len(tab.bars.opts["width"]) == len(terms)
    assert list(tab.bars.opts["width"]) == pytest.approx([terms[k]["contribution"] for k in tab.terms])
    assert tab.total.text() == f"{v.reward:.3f}"
    # quality and progress apart, each saying which is which
    assert f"{v.breakdown['quality']:.3f}" in tab.quality.text() and "Quality" in tab.quality.text()
    assert f"{v.breakdown['progress']:.3f}" in tab.progress.text() and "Progress" in tab.progress.text()
    assert "not scored" in tab.progress.text()              # code change is shown, not paid for
    ticks = [t for _y, t in tab.plot.getPlotItem().getAxis("left")._tickLevels[0]]
    assert any(t.startswith("Q · ") for t in ticks) and any(t.startswith("P · ") for t in ticks)
    assert "No gates or penalties" in tab.gates.text() or "gate" in tab.gates.text()
    assert not tab.empty.isVisible() and tab.plot.isVisible()
    # A seed that was never evaluated says so instead of drawing empty bars.
    inspector.show_version(root)
    assert tab.empty.isVisible() and tab.bars is None


def test_recording_plays_with_sound_and_seeks(qtbot, inspector, evaluated):
    project, root, child, _ = evaluated
    inspector.set_tab("Recording")
    inspector.show_version(root)
    player = inspector.recording_tab.player
    assert "no recording" in player.message.text().lower() and not player.play_button.isEnabled()

    inspector.show_version(child)
    assert inspector.recording_tab.sheet.has_image(), "the contact sheet is shown"
    qtbot.waitUntil(lambda: player.state.get("d", 0) > 1.5, timeout=15000)
    assert player.slider.maximum() == int(player.state["d"] * 1000)
    assert player.state["t"] == 0 and player.state["paused"]
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.state.get("t", 0) > 0.4, timeout=10000)
    assert player.state["audio"] > 0, "the Opus track is decoded: the recording has sound"
    assert player.state["video"] > 0 and player.slider.value() > 0
    assert "/ 0:02.0" in player.time_label.text()
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)  # pause
    qtbot.waitUntil(lambda: player.state.get("paused"), timeout=5000)
    player.seek_ms(1500)
    qtbot.waitUntil(lambda: abs(player.state.get("t", 0) - 1.5) < 0.1, timeout=5000)
    assert player.slider.value() == pytest.approx(1500, abs=100)


def test_console_shows_the_log_with_errors_marked(qtbot, inspector, evaluated):
    from ludeme.ui.theme import colors

    _, _, _, edited = evaluated
    inspector.set_tab("Console")
    inspector.show_version(edited)
    tab = inspector.console_tab
    text = tab.text.toPlainText()
    assert ERROR_TEXT in text
    assert "1 error" in tab.counts.text()
    assert "playable" in tab.verdict.text() or "broken" in tab.verdict.text()
    doc = tab.text.document()
    block = next(doc.findBlock(i) for i in range(doc.characterCount())
                 if ERROR_TEXT in doc.findBlock(i).text())
    formats = block.layout().formats()
    assert formats and formats[0].format.foreground().color().name() == colors()["error"]


def test_code_view_and_diff_against_the_parent(qtbot, inspector, evaluated):
    project, _, child, edited = evaluated
    inspector.set_tab("Code")
    inspector.show_version(edited)
    tab = inspector.code_tab
    source = project.version_files(edited)["index.html"].decode("utf-8")
    assert tab.text.toPlainText() == source
    assert tab.text.isReadOnly()
    doc = tab.text.document()
    title = next(doc.findBlockByNumber(i) for i in range(40) if "<title>" in doc.findBlockByNumber(i).text())
    kinds = {r.format.foreground().color().name() for r in title.layout().formats()}
    assert tab.code_highlighter.formats["tag"].foreground().color().name() in kinds, "tags are coloured"
    assert tab.view_combo.count() == 2
    tab.view_combo.setCurrentIndex(1)
    diff = tab.text.toPlainText().splitlines()
    assert diff[0].startswith("---") and diff[1].startswith("+++")
    assert any(ln.startswith("-") and "Sky Hopper" in ln for ln in diff[2:])
    assert any(ln.startswith("+") and "Sky Skipper" in ln for ln in diff[2:])
    assert any(ln.startswith("+") and ERROR_TEXT in ln for ln in diff[2:])
    assert tab.diff_highlighter.document() is tab.text.document()
    assert "lines against" in tab.stats.text()


def test_a_version_with_several_files_has_a_file_picker(qtbot, inspector, evaluated):
    project, root, _, _ = evaluated
    v = project.version(root)
    files = {"index.html": b"<!DOCTYPE html><canvas></canvas><script src='game.js'></script>",
             "game.js": b"const speed = 3;\nfunction loop() { requestAnimationFrame(loop); }\n"}
    multi = project.add_version(v.lineage_id, files, parents=[root], operator="manual")
    inspector.set_tab("Code")
    inspector.show_version(multi.id)
    tab = inspector.code_tab
    assert tab.file_combo.isVisible()
    assert [tab.file_combo.itemText(i) for i in range(tab.file_combo.count())] == ["index.html", "game.js"]
    tab.file_combo.setCurrentText("game.js")
    assert tab.text.toPlainText() == files["game.js"].decode()
    assert "game.js" in tab.stats.text()
    project.soft_delete(multi.id)
    inspector.show_version(multi.id)
    assert inspector.badge.text().startswith("deleted")


def test_a_large_file_stays_responsive(qtbot, inspector, evaluated):
    import time

    project, root, _, _ = evaluated
    v = project.version(root)
    html = project.version_files(root)["index.html"].decode("utf-8")
    big = html + "\n<!--" + ("\nlet filler = 'x'; // padding line\n" * 6000) + "-->"
    assert len(big.encode()) > 200_000
    big_v = project.add_version(v.lineage_id, {"index.html": big}, parents=[root], operator="manual")
    inspector.set_tab("Code")
    started = time.perf_counter()
    inspector.show_version(big_v.id)
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    view = inspector.code_tab.text
    assert view.toPlainText() == big
    assert elapsed < 1.0, f"showing a {len(big) // 1024} KB file took {elapsed:.2f} s"
    # Only what is on screen was coloured; scrolling to the end colours the end.
    hl = inspector.code_tab.code_highlighter
    assert 0 < hl.highlighted_blocks() < 200
    last = view.document().lastBlock().previous()
    assert not last.layout().formats()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: bool(last.layout().formats()), timeout=2000)


def test_unknown_version_and_clear(qtbot, inspector, evaluated):
    assert not inspector.show_version("0123456789abcdef")
    assert "not in this project" in inspector.message.text() and inspector.message.isVisible()
    assert not inspector.stars.isEnabled()
    inspector.show_version(evaluated[2])
    inspector.clear()
    assert inspector.title.text() == "No version selected" and not inspector.tabs.isEnabled()


def test_cost_tab_lists_ledger_rows(qtbot, inspector, evaluated):
    project, _, child, _ = evaluated
    inspector.set_tab("Cost")
    inspector.show_version(child)
    assert "0</b> model calls" in inspector.cost_tab.summary.text()
    assert inspector.cost_tab.empty.isVisible()
    project.add_ledger("planner", "test/model-a", 1200, 300, 0.0042, version_id=child)
    inspector.refresh()
    t = inspector.cost_tab.table
    assert t.rowCount() == 1 and t.item(0, 0).text() == "planner" and t.item(0, 4).text() == "$0.0042"
    assert "1,200" in inspector.cost_tab.summary.text()


def test_after_a_vote_the_inspector_names_the_rating_as_compare_does(qtbot, inspector, evaluated):
    """One vote: the inspector says "BT" with the same number Compare reveals, and never "Elo"."""
    from ludeme.evolution.ratings import update_bt_scores

    project, root, child, _ = evaluated
    project.add_vote(child, root, "left")
    update_bt_scores(project)
    v = project.version(child)
    assert v.bt_score is not None and abs(v.bt_score - 1000) < 100  # one vote moves it a bounded amount
    assert inspector.show_version(child)
    meta = re.sub(r"<[^>]+>", "", inspector.meta.text().replace("&nbsp;", " "))
    assert f"BT {v.bt_score:.0f}" in meta and "Elo" not in meta, meta
