"""The Compare view, driven as a designer would: two games side by side with one seed, restart
together, mirrored Space, blind A/B voting by keyboard with identities revealed afterwards."""
from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt

from ludeme.core.domain import VoteOutcome
from ludeme.evolution.pairing import pick_pair
from ludeme.runtime.sandbox import SandboxProfile
from ludeme.store import create_default_project, open_project
from ludeme.ui.compare import CompareView
from tests.helpers import js_value, settle

# A game that draws its first random numbers (Math.random and crypto) as the page starts.
PROBE = (b"<!DOCTYPE html><title>probe</title><canvas width=40 height=40></canvas><script>"
         b"window.firsts = [Math.random(), Math.random(), Math.random(), "
         b"crypto.getRandomValues(new Uint32Array(1))[0]];"
         b"</script><!-- %s -->")


@pytest.fixture
def env(qtbot, tmp_path):
    path = tmp_path / "compare.ludeme"
    project = create_default_project(path)
    sandbox = SandboxProfile(project.version_file)
    view = CompareView(project, sandbox, rng=random.Random(3))
    view.resize(1200, 640)
    view.show()
    box = {"project": project, "path": path, "sandbox": sandbox, "view": view}
    yield box
    view.shutdown()
    view.close()
    view.deleteLater()  # pages go before their profile
    qtbot.wait(20)
    sandbox.deleteLater()
    qtbot.wait(20)
    box["project"].close()


def roots(project, n=2):
    lineages = sorted(project.lineages(), key=lambda lin: lin.title)[:n]
    return [next(v.id for v in project.versions(lin.id) if v.is_root) for lin in lineages], lineages


def wait_loaded(qtbot, view, n):
    for p in view.players[:n]:
        qtbot.waitUntil(lambda p=p: js_value(qtbot, p.page, "JSON.stringify(document.readyState)") == "complete",
                        timeout=20000)


def phase(qtbot, player):
    t = js_value(qtbot, player.page, "JSON.stringify(window.ludeme || null)")
    return t and t.get("phase")


def firsts(qtbot, player):
    qtbot.waitUntil(lambda: bool(js_value(qtbot, player.page, "JSON.stringify(!window.stale && window.firsts)")),
                    timeout=20000)
    return js_value(qtbot, player.page, "JSON.stringify(window.firsts)")


def mark_stale(qtbot, players):
    """Tag the current documents so that a later read waits for the reloaded ones."""
    for p in players:
        js_value(qtbot, p.page, "JSON.stringify(window.stale = true)")


def test_same_seed_gives_every_game_the_same_random_stream(qtbot, env):
    project, view = env["project"], env["view"]
    lin = project.add_lineage("Probe")
    a = project.add_version(lin.id, {"index.html": PROBE % b"a"}, operator="import", status="evaluated").id
    b = project.add_version(lin.id, {"index.html": PROBE % b"b"}, operator="import", status="evaluated").id
    view.compare([a, b], seed=42)
    first_a, first_b = firsts(qtbot, view.players[0]), firsts(qtbot, view.players[1])
    assert first_a == first_b and len(set(first_a)) == 4 and all(0 <= x < 1 for x in first_a[:3])
    assert view.seed_label.text() == "seed 42"

    mark_stale(qtbot, view.players[:2])
    view.restart_all()  # restart together: the same stream again
    assert firsts(qtbot, view.players[0]) == first_a and firsts(qtbot, view.players[1]) == first_a

    mark_stale(qtbot, view.players[:2])
    view.compare([a, b], seed=43)
    other = firsts(qtbot, view.players[0])
    assert other != first_a and firsts(qtbot, view.players[1]) == other

    # An unseeded GamePlayer (the studio's) keeps the browser's own random numbers.
    view.players[0].set_seed(None)
    mark_stale(qtbot, view.players[:1])
    view.players[0].restart()
    assert firsts(qtbot, view.players[0]) != other


def test_bad_input_is_refused_and_changes_nothing(qtbot, env):
    project, view = env["project"], env["view"]
    ids, _ = roots(project, 3)
    view.compare(ids[:2], seed=1)
    project.soft_delete(ids[2])
    for bad, msg in (([ids[0]], "2 to 4"), ([ids[0], ids[0]], "twice"), ([ids[0], "nope"], "no such version"),
                     (ids * 2, "2 to 4"), ([ids[0], ids[2]], "deleted")):
        with pytest.raises(ValueError, match=msg):
            view.compare(bad)
    assert view.shown == ids[:2] and view.seed == 1


def test_restart_together_and_mirrored_space_start_every_game(qtbot, env):
    project, view = env["project"], env["view"]
    ids, _ = roots(project)
    view.compare(ids, seed=7)
    wait_loaded(qtbot, view, 2)
    for p in view.players[:2]:
        qtbot.waitUntil(lambda p=p: phase(qtbot, p) == "title", timeout=20000)

    # Without mirroring, Space in the focused game starts that game only.
    view.players[0].view.setFocus()
    view.players[0].press_key("Space")
    qtbot.waitUntil(lambda: phase(qtbot, view.players[0]) == "playing", timeout=5000)
    settle(qtbot, 0.3)
    assert phase(qtbot, view.players[1]) == "title"

    # Restart together (Ctrl+Shift+R) puts both back on the title screen.
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_loaded(qtbot, view, 2)
    for p in view.players[:2]:
        qtbot.waitUntil(lambda p=p: phase(qtbot, p) == "title", timeout=20000)

    # Mirrored: one Space in the focused game starts both.
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.mirror.isChecked()
    view.players[1].view.setFocus()
    view.players[1].press_key("Space")
    for p in view.players[:2]:
        qtbot.waitUntil(lambda p=p: phase(qtbot, p) == "playing", timeout=5000)

    # Keyboard focus on the view itself: keys go to every game too.
    view.restart_all()
    wait_loaded(qtbot, view, 2)
    for p in view.players[:2]:
        qtbot.waitUntil(lambda p=p: phase(qtbot, p) == "title", timeout=20000)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space, delay=40)
    for p in view.players[:2]:
        qtbot.waitUntil(lambda p=p: phase(qtbot, p) == "playing", timeout=5000)


def test_blind_vote_by_keyboard_hides_then_reveals_and_persists(qtbot, env):
    project, view, path = env["project"], env["view"], env["path"]
    ids, lineages = roots(project)
    for vid, reward in zip(ids, (0.41, 0.73)):
        project.update_version(vid, reward=reward)
    secrets = set(ids) | {lin.title for lin in lineages} | {lin.id for lin in lineages}
    got = []
    view.voted.connect(lambda *args: got.append(args))
    view.compare(ids, blind=True, seed=5)
    wait_loaded(qtbot, view, 2)

    texts = view.visible_texts()
    assert [p.title.text() for p in view.players[:2]] == ["A", "B"]
    leaks = [t for t in texts for s in secrets if s.lower() in t.lower()]
    assert not leaks, leaks
    assert not {"reward", "elo", "0.41", "0.73"} & set(" ".join(texts).lower().split())
    assert view.windowTitle() == "Blind A/B"
    assert not view.reveal.isVisible() and not view.next_button.isVisible()

    # The RNG decides the order (this one swaps them, so the vote must be un-shuffled); vote
    # "B is better" with the key 2 from inside game A.
    assert view.shown == ids[::-1]
    b_id = view.shown[1]
    view.players[0].view.setFocus()
    qtbot.keyClick(view.players[0].key_target(), Qt.Key.Key_2)
    qtbot.waitUntil(lambda: view.has_voted, timeout=3000)

    left, right = ids  # stored in the caller's order, whatever the shuffle
    expected = (left, right, "left" if b_id == left else "right")
    assert got == [expected]
    vote = project.votes()[-1]
    assert (vote.left, vote.right, vote.outcome, vote.blind) == (left, right, VoteOutcome(expected[2]), True)

    # Identities are revealed: titles, rewards, ratings, the winner's frame; Next pair is offered.
    titles = [p.title.text() for p in view.players[:2]]
    for slot, vid in enumerate(view.shown):
        v = project.version(vid)
        lineage = project.lineage(v.lineage_id).title
        assert titles[slot].startswith("AB"[slot]) and lineage in titles[slot]
        assert f"{lineage}  ·  seed  ·  reward {v.reward:.2f}  ·  BT {v.bt_score:.0f}" in view.reveal.text()
    assert view.slots[1].property("verdict") == "winner" and view.slots[0].property("verdict") == "loser"
    assert view.reveal.isVisible() and view.next_button.isVisible()
    # The human ratings were refitted: the winner is above the loser.
    assert project.version(b_id).bt_score > project.version(view.shown[0]).bt_score
    # One vote per comparison: the keys do nothing now.
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert len(project.votes()) == 1
    with qtbot.waitSignal(view.next_pair_requested, timeout=1000):
        view.next_button.click()

    # The vote is in the project file.
    project.close()
    env["project"] = reopened = open_project(path)
    assert [(v.left, v.right, v.outcome.value, v.blind) for v in reopened.votes()] == [expected + (True,)]


@pytest.mark.parametrize("key, outcome", [(Qt.Key.Key_Down, "tie"), (Qt.Key.Key_B, "both_bad"),
                                          (Qt.Key.Key_Left, "A")])
def test_vote_aliases_outside_the_games(qtbot, env, key, outcome):
    project, view = env["project"], env["view"]
    ids, _ = roots(project)
    view.compare(ids, blind=True, seed=9)
    view.setFocus()
    qtbot.keyClick(view, key)
    assert view.has_voted
    vote = project.votes()[-1]
    assert (vote.left, vote.right) == tuple(ids)
    if outcome == "A":
        a_id = view.shown[0]
        assert vote.outcome.value == ("left" if a_id == ids[0] else "right")
        assert view.slots[0].property("verdict") == "winner"
    else:
        assert vote.outcome.value == outcome


def test_four_players_best_of_n_and_grid(qtbot, env):
    project, view = env["project"], env["view"]
    ids, _ = roots(project, 4)
    view.resize(1200, 900)
    view.compare(ids, blind=True, seed=11)
    positions = [view.grid.getItemPosition(view.grid.indexOf(s))[:2] for s in view.slots[:4]]
    assert positions == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [p.title.text() for p in view.players[:4]] == list("ABCD")
    assert set(view.vote_buttons) == set("ABCD")
    assert view.vote("tie") == [] and not view.has_voted  # pairwise only
    best = view.shown[2]
    qtbot.keyClick(view, Qt.Key.Key_3)
    votes = project.votes()
    assert len(votes) == 3
    for v in votes:
        assert best in (v.left, v.right)
        assert ids.index(v.left) < ids.index(v.right)
        assert v.outcome.value == ("left" if v.left == best else "right")
    # Back to two: the extra players stop and hide.
    view.compare(ids[:2], seed=11)
    assert not view.slots[2].isVisible() and view.players[2].version_id is None


def test_pick_pair_prefers_uncompared_close_versions(env):
    project = env["project"]
    lin = project.add_lineage("Pairs")
    vs = [project.add_version(lin.id, {"index.html": PROBE % str(i).encode()}, operator="import",
                              status="evaluated", reward=r).id for i, r in enumerate((0.1, 0.5, 0.52, 0.9))]
    project.add_version(lin.id, {"index.html": b"x"}, operator="import", status="broken")
    pair = pick_pair(project, lin.id, random.Random(1))
    assert set(pair) == {vs[1], vs[2]}  # the closest rewards
    project.add_vote(vs[1], vs[2], "tie")
    assert set(pick_pair(project, lin.id, random.Random(1))) != {vs[1], vs[2]}
    orders = {pick_pair(project, lin.id, random.Random(s)) for s in range(12)}
    assert len(orders) > 1  # order and ties are random
    assert pick_pair(project, project.add_lineage("Empty").id, random.Random(0)) is None


def test_full_screen_and_close(qtbot, env):
    project, view = env["project"], env["view"]
    ids, _ = roots(project)
    view.compare(ids, seed=2)
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(view.window().isFullScreen, timeout=2000)
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not view.window().isFullScreen(), timeout=2000)
    with qtbot.waitSignal(view.closed, timeout=1000):
        view.close_action.trigger()
    assert all(p.version_id is None for p in view.players) and not view.restart_action.isEnabled()


def test_blind_session_moves_on_to_the_next_uncompared_pair(qtbot, env):
    project, view = env["project"], env["view"]
    lin = project.add_lineage("Session")
    vs = [project.add_version(lin.id, {"index.html": PROBE % str(i).encode()}, operator="import",
                              status="evaluated", reward=r).id for i, r in enumerate((0.2, 0.3, 0.9))]
    assert not view.blind_session(project.add_lineage("Lonely").id)
    assert "two evaluated versions" in view.prompt.text()
    assert view.blind_session(lin.id, seed=4)
    first = set(view.shown)
    assert first == {vs[0], vs[1]} and view.blind  # the closest rewards first
    qtbot.keyClick(view, Qt.Key.Key_3)  # tie
    with qtbot.waitSignal(view.next_pair_requested, timeout=1000):
        qtbot.keyClick(view.next_button, Qt.Key.Key_Return)
    assert not view.has_voted and set(view.shown) != first and set(view.shown) <= set(vs)
    assert [p.title.text() for p in view.players[:2]] == ["A", "B"]
    # A pair of one's own choosing: after its vote, Next pair goes on with a suggestion from its lineage.
    view.compare(vs[:2])
    assert view.session_lineage is None
    view.vote("A")
    view.next_pair()
    assert not view.has_voted and view.blind and set(view.shown) <= set(vs) and set(view.shown) != set(vs[:2])
    assert view.session_lineage == lin.id


def test_inside_another_window_full_screen_is_left_to_it(qtbot, env):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    project, sandbox = env["project"], env["sandbox"]
    win = QMainWindow()
    hits = []
    outer = QAction("Full screen", win)
    outer.setShortcut(QKeySequence("F11"))
    outer.triggered.connect(lambda: hits.append(1))
    win.addAction(outer)
    inner = CompareView(project, sandbox)
    win.setCentralWidget(inner)
    env["view"].hide()
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    ids, _ = roots(project)
    inner.compare(ids, seed=3)
    assert not inner.fullscreen_action.isVisible()
    inner.setFocus()
    qtbot.keyClick(inner, Qt.Key.Key_F11)
    try:
        assert hits == [1]  # not ambiguous: the window's own action ran
    finally:
        inner.shutdown()
        win.close()
        win.deleteLater()
        qtbot.wait(20)
