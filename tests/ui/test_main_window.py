"""The first studio window, driven as a designer would: pick a game, play it, restart, pause, mute,
survive a hanging version, filter the list."""
from __future__ import annotations

import pytest

from ludeme.runtime.sandbox import SandboxProfile
from ludeme.store import create_default_project
from ludeme.ui.main_window import MainWindow
from tests.helpers import js_value, settle

HANG = b"<!DOCTYPE html><canvas></canvas><script>while (true) {}</script>"


@pytest.fixture
def window(qtbot, tmp_path):
    project = create_default_project(tmp_path / "ui.ludeme")
    hang_lineage = project.add_lineage("Frozen Fjord", description="a broken game", tags=["broken"])
    project.add_version(hang_lineage.id, {"index.html": HANG}, operator="import", status="broken")
    sandbox = SandboxProfile(project.version_file)
    win = MainWindow(project, sandbox, start_worker=False)
    win.player.page.watchdog.timeout = 1.5
    win.show()
    yield win
    win.player.stop()
    win.close()
    win.deleteLater()  # pages go before their profile
    qtbot.wait(20)
    sandbox.deleteLater()
    qtbot.wait(20)
    project.close()


def telemetry(qtbot, win):
    return js_value(qtbot, win.player.page, "JSON.stringify(window.ludeme || null)")


def test_lists_every_lineage_and_plays_the_selected_game(qtbot, window):
    from ludeme.core.kit import seed_games

    titles = {window.lineages.model.item(r, 0).text() for r in range(window.lineages.model.rowCount())}
    assert {g.title for g in seed_games()} | {"Frozen Fjord"} == titles
    assert "9 lineages · 9 versions" == window.lineages.summary.text()

    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.lineages.select_first_version()
    first_title = window.lineages.model.item(0, 0).text()
    assert first_title in window.player.title.text()
    assert window.tree.current_id() == window.player.version_id  # the tree follows the list
    assert "playing" in window.console.plain_text()
    t = telemetry(qtbot, window)
    assert t["title"] and t["phase"] == "title"

    window.player.press_key("Space")
    qtbot.waitUntil(lambda: telemetry(qtbot, window)["phase"] == "playing", timeout=5000)

    # Restart goes back to the title screen.
    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.player.restart_action.trigger()
    assert telemetry(qtbot, window)["phase"] == "title"

    window.player.mute_action.trigger()
    assert window.player.page.isAudioMuted() and window.player.mute_action.text() == "Unmute"
    window.player.mute_action.trigger()
    assert not window.player.page.isAudioMuted()


def test_pause_freezes_the_game(qtbot, window):
    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.lineages.select_first_version()
    window.player.pause_action.trigger()
    assert window.player.pause_action.text() == "Resume"
    settle(qtbot, 0.5)
    window.player.pause_action.trigger()
    before = telemetry(qtbot, window)["frame"]
    settle(qtbot, 0.5)
    assert telemetry(qtbot, window)["frame"] > before, "the game runs again after Resume"


def test_a_hanging_version_is_stopped_and_the_studio_goes_on(qtbot, window):
    assert window.select_version(next(v.id for v in window.project.versions() if v.status == "broken"))
    with qtbot.waitSignal(window.player.game_stopped, timeout=20000):
        pass
    qtbot.waitUntil(window.player.overlay.isVisible, timeout=2000)
    assert "stopped responding" in window.player.overlay.text()
    assert "stopped responding" in window.console.plain_text()
    # Another game still plays, in a page that has its sandbox shims again (Chromium drops the
    # injected scripts of a page whose renderer was killed, so the player must use a new page).
    with qtbot.waitSignal(window.player.game_painted, timeout=20000):
        window.lineages.select_first_version()
    assert not window.player.overlay.isVisible()
    probe = "JSON.stringify((() => { try { new WebSocket('ws://127.0.0.1:9'); return 'open'; } catch (e) { return e.name; } })())"
    assert js_value(qtbot, window.player.page, probe) == "SecurityError"
    assert "playing" in window.console.plain_text()


def test_filter_narrows_the_list(qtbot, window):
    window.lineages.search.setText("fjord")
    assert window.lineages.proxy.rowCount() == 1
    window.lineages.search.setText("")
    assert window.lineages.proxy.rowCount() == window.lineages.model.rowCount()


def test_a_new_projects_seed_games_are_playtested_once_in_the_background(window):
    """First start: the seeds have no score or thumbnail yet; the studio queues one evaluate job
    per seed game for the worker (and never again for that project)."""
    project = window.project
    assert window.prepare_previews() == 8
    jobs = project.jobs()
    assert sorted(j.kind for j in jobs) == ["evaluate"] * 8
    assert {j.payload["version_id"] for j in jobs} == {v.id for v in project.versions() if v.operator == "seed"}
    assert all("seconds" not in j.payload for j in jobs)  # as long as Settings ▸ Evaluation says
    assert window.prepare_previews() == 0
    # before its playtest a seed is "not played yet" everywhere it is described, never "evaluated"
    seed = next(v for v in project.versions() if v.operator == "seed")
    window.tree.select(seed.id)
    assert "not played yet" in window.tree.describe(seed.id) and "evaluated" not in window.tree.describe(seed.id)
    assert window.inspector.badge.text() == "not played yet"


def test_a_finished_crossover_or_evolve_brings_its_child_into_view(qtbot, window):
    """The designer asked for it: the new version lands in view even when the tree looks elsewhere
    (a crossover child landed off-screen before; an evolution run's best child too)."""
    from ludeme.evolution.jobs import JOB_FUNCTIONS

    project = window.project
    roots = {lin.title: project.versions(lin.id)[0] for lin in project.lineages()}
    out = JOB_FUNCTIONS["crossover"](project, {"version_ids": [roots["Sky Hopper"].id, roots["Star Warden"].id],
                                               "seed": 3, "seconds": 1.5})
    assert out["ok"], out
    child = out["version_id"]
    window.tree.sync()
    for kind, result in (("crossover", out), ("evolve", {"best_id": child, "versions": 1})):
        job = project.enqueue_job(kind, {"version_ids": []})
        project.update_job(job.id, status="done", result=result, message="1/1 generations, 1 versions")
        window._submitted_here.add(job.id)
        window.tree.vb.setRange(xRange=(1e5, 1e5 + 10), yRange=(1e5, 1e5 + 10), padding=0)  # far away
        row = window.tree.table.row_of[child]
        assert row not in window.tree.visible_rows()
        window._job_finished(job.id)
        row = window.tree.table.row_of[child]
        assert row in window.tree.visible_rows(), (kind, window.tree.vb.viewRange(), window.tree.lay.x[row], window.tree.lay.y[row])
        assert "not played yet" not in window.statusBar().currentMessage()


@pytest.mark.timeout(300)
def test_a_new_project_gets_its_seeds_scored_by_the_studios_worker(qtbot, open_studio):
    """File ▸ New project's path end to end: the studio queues the seeds' playtests and starts its
    worker, and every seed gets a score (and stops being "not played yet") without anyone asking."""
    from ludeme.core.settings import project_engine_settings, save_engine_settings

    win = open_studio(start_worker=True)
    project = win.project
    settings = project_engine_settings(project)
    save_engine_settings(project, settings.model_copy(update={
        "evaluation": settings.evaluation.model_copy(update={"seconds": 1.5})}))  # short playtests
    assert win.prepare_previews() == 8
    qtbot.waitUntil(lambda: win.worker.is_running(), timeout=20000)
    qtbot.waitUntil(lambda: (win.poll(), all(v.reward is not None for v in project.versions()))[1],
                    timeout=240000)
    assert all(v.status == "evaluated" and project.recordings(v.id) for v in project.versions())
    qtbot.waitUntil(lambda: (win.tree.sync(), "score" in win.tree.describe(project.versions()[0].id))[1],
                    timeout=10000)
    assert "not played yet" not in win.tree.describe(project.versions()[0].id)
