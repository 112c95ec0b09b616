"""The lineage tree: its numpy layout, and the widget driven as a designer would (click, Ctrl+click,
box select, search, filters, colours, keyboard walk, live follow, thumbnails when zoomed in)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from ludeme.evaluation.images import encode_png
from ludeme.store import create_default_project
from ludeme.ui.lineage_tree import LineageTree
from ludeme.core.tree_layout import layout
from tests.bulk import add_versions_bulk


def _random_forest(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    parent = np.array([-1] + [int(i * rng.random() ** 0.5) for i in range(1, n)])
    lineage = np.zeros(n, dtype=int)
    half = n // 2
    lineage[half:] = 1
    parent[half:] = np.where(parent[half:] < half, -1, parent[half:])
    parent[half] = -1
    return parent, lineage


def test_layout_puts_children_under_their_parent_and_leaves_in_their_own_columns():
    parent, lineage = _random_forest(3000)
    lay = layout(parent, lineage)
    depth = np.zeros(len(parent), dtype=int)
    for i, p in enumerate(parent):
        depth[i] = 0 if p < 0 else depth[p] + 1
    assert (lay.y == depth).all()
    has_child = np.zeros(len(parent), dtype=bool)
    has_child[parent[parent >= 0]] = True
    leaf_x = lay.x[~has_child]
    assert len(np.unique(leaf_x)) == len(leaf_x)  # no two leaves share a column
    for child in np.flatnonzero(parent >= 0):
        p = parent[child]
        half = (lay.leaves[p] - 1) / 2
        assert lay.x[p] - half <= lay.x[child] <= lay.x[p] + half
    # The two lineages do not overlap, and there is a gap between them.
    (a0, a1), (b0, b1) = lay.lineage_span
    assert a1 < b0 - 1
    assert (lay.x[lineage == 0] <= a1).all() and (lay.x[lineage == 1] >= b0).all()


def test_layout_of_an_empty_and_a_single_version_forest():
    assert len(layout(np.zeros(0, int), np.zeros(0, int))) == 0
    one = layout(np.array([-1]), np.array([0]))
    assert one.x.tolist() == [0.0] and one.y.tolist() == [0.0]


@pytest.fixture
def project(tmp_path):
    project = create_default_project(tmp_path / "tree.ludeme")
    sky = next(l for l in project.lineages() if l.title == "Sky Hopper")
    add_versions_bulk(project, sky.id, 60, seed=3)
    yield project
    project.close()


@pytest.fixture
def tree(qtbot, project):
    widget = LineageTree(project)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    widget.reload()
    qtbot.wait(10)
    return widget


def _screen_point(tree, version_id: str) -> QPoint:
    row = tree.table.row_of[version_id]
    scene = tree.vb.mapViewToScene(QPointF(tree.lay.x[row], tree.lay.y[row]))
    return tree.view.mapFromScene(scene)


def test_draws_every_version_and_names_every_lineage(tree, project):
    n = len(project.versions())
    assert len(tree.nodes.x) == n
    assert f"{n:,} versions in 8 lineages" == tree.summary.text()
    assert {l.full_text for l in tree.labels} == {l.title for l in project.lineages()}
    edges = sum(len(item.xData) // 2 for item in tree.edge_items.values() if item.xData is not None)
    assert edges == len(project.edges())


def test_click_ctrl_click_and_box_select(qtbot, tree, project):
    ids = [v.id for v in project.versions()]
    a, b = ids[10], ids[20]
    with qtbot.waitSignal(tree.current_changed, timeout=2000) as got:
        qtbot.mouseClick(tree.view.viewport(), Qt.MouseButton.LeftButton, pos=_screen_point(tree, a))
    assert got.args == [a]
    assert tree.selected_ids() == [a]
    qtbot.mouseClick(tree.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=_screen_point(tree, b))
    assert set(tree.selected_ids()) == {a, b} and tree.current_id() == b
    # Clicking empty space clears the selection.
    qtbot.mouseClick(tree.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert tree.selected_ids() == []
    # A box in view coordinates around the whole Sky Hopper bulk tree selects exactly its nodes.
    sky = next(l for l in project.lineages() if l.title == "Sky Hopper")
    code = tree.table.lineage_ids.index(sky.id)
    x0, x1 = tree.lay.lineage_span[code]
    from PySide6.QtCore import QRectF
    tree._select_box(QRectF(x0 - 0.4, -0.5, x1 - x0 + 0.8, 1000), False)
    assert set(tree.selected_ids()) == {v.id for v in project.versions(sky.id)}


def test_double_click_and_enter_ask_to_play(qtbot, tree, project):
    vid = project.versions()[5].id
    pos = _screen_point(tree, vid)
    with qtbot.waitSignal(tree.activated, timeout=2000) as got:
        qtbot.mouseClick(tree.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(tree.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseRelease(tree.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert got.args == [vid]
    other = project.versions()[6].id
    tree.select(other)
    tree.view.setFocus()
    with qtbot.waitSignal(tree.activated, timeout=2000) as got:
        qtbot.keyClick(tree.view, Qt.Key.Key_Return)
    assert got.args == [other]


def test_keyboard_walks_parent_child_and_siblings(qtbot, tree, project):
    versions = project.versions()
    child = next(v for v in versions if v.parents)
    tree.select(child.id)
    tree.view.setFocus()
    qtbot.keyClick(tree.view, Qt.Key.Key_Up)
    assert tree.current_id() == child.parents[0]
    qtbot.keyClick(tree.view, Qt.Key.Key_Down)
    assert project.version(tree.current_id()).parents[0] == child.parents[0]


def test_search_and_filters_dim_the_rest_and_count_matches(qtbot, tree, project):
    n = len(project.versions())
    tree.search.setText("Brick Bloom")
    qtbot.waitUntil(lambda: "match" in tree.summary.text(), timeout=2000)
    assert tree.summary.text() == f"1 of {n:,} versions match"
    brick = next(l for l in project.lineages() if l.title == "Brick Bloom")
    assert tree.matching_ids() == [v.id for v in project.versions(brick.id)]
    # the designer's note is searched, an evolution run's tag in it is not
    tagged = project.versions()[3]
    project.update_version(tagged.id, note="evolve run=abc123 gen=2 slot=1\nlovely wobble")
    assert project.search_versions("wobble") == [tagged.id]
    assert project.search_versions("slot=1") == [] and project.search_versions("abc123") == []
    tree.search.clear()
    tree.apply_filter()
    fav = project.versions()[7].id
    project.set_favourite(fav, True)
    tree.reload(keep_view=True)
    tree.favourites.setChecked(True)
    assert tree.matching_ids() == [fav]
    tree.favourites.setChecked(False)
    tree.min_reward.setValue(0.9)
    good = {v.id for v in project.versions() if v.reward is not None and v.reward >= 0.9}
    assert set(tree.matching_ids()) == good and good
    # Enter jumps to a match and selects it.
    tree.next_match()
    assert tree.current_id() in good


def test_colour_modes_paint_nodes_differently(tree, project):
    def brushes():
        return tree.nodes.colors()
    by_reward = brushes()
    tree.set_color_mode("status")
    by_status = brushes()
    assert by_reward != by_status
    assert len(set(by_status)) <= 3  # evaluated, broken seeds…
    tree.set_color_mode("rating")
    assert set(brushes()) == {"#5d667a"}  # nobody rated yet
    vid = project.versions()[3].id
    project.set_rating(vid, 5)
    tree.reload(keep_view=True)
    assert brushes()[tree.table.row_of[vid]] != "#5d667a"
    # quality and progress: what a version is and what it adds, each on its own ramp
    versions = project.versions()
    good, plain = versions[5].id, versions[6].id
    for vid, q, p in ((good, 0.9, 0.8), (plain, 0.2, None)):
        v = project.version(vid)
        project.update_version(vid, breakdown={**dict(v.breakdown or {}), "quality": q, "progress": p})
    tree.reload(keep_view=True)
    tree.set_color_mode("quality")
    by_quality = brushes()
    row = tree.table.row_of
    assert by_quality[row[good]] != by_quality[row[plain]] != "#5d667a"
    assert "no quality" in tree.legend.text()
    tree.set_color_mode("progress")
    by_progress = brushes()
    assert by_progress[row[plain]] == "#5d667a" != by_progress[row[good]]     # no progress: a root or unscored
    assert tree.table.quality[row[good]] == 0.9 and tree.color_box.currentText() == "◐ Progress"
    with pytest.raises(ValueError):
        tree.set_color_mode("smell")


def test_follows_new_versions_live_and_keeps_the_selection(tree, project):
    assert not tree.refresh_if_changed()
    root = project.versions()[0]
    tree.select(root.id)
    child = project.add_version(root.lineage_id, {"index.html": b"<canvas></canvas>"}, operator="mutate",
                                parents=[root.id], status="evaluated", reward=0.7)
    assert tree.refresh_if_changed()
    assert child.id in tree.table.row_of
    assert tree.current_id() == root.id
    project.soft_delete(child.id)
    assert tree.refresh_if_changed()
    assert child.id not in tree.table.row_of


def test_thumbnails_show_when_zoomed_in(qtbot, tree, project):
    vid = project.versions()[0].id
    image = np.zeros((60, 80, 3), dtype=np.uint8)
    image[:, :40] = (240, 80, 60)
    project.add_recording(vid, thumbnail=encode_png(image))
    tree.reload(keep_view=True)
    tree.fit_all()
    tree._update_thumbnails()
    assert tree.thumbnails_shown() == []  # the whole tree: too small for pictures
    tree.center_on(vid, columns=4)
    tree._update_thumbnails()
    assert vid in tree.thumbnails_shown()
    pix = tree._thumbs[vid].pixmap()
    assert pix.width() >= 64 and pix.toImage().pixelColor(2, 2).red() > 200


def test_job_heartbeats_do_not_redraw_the_tree(tree, project):
    """A running job writes its heartbeat twice a second; only version/lineage/recording changes
    may reload 100,000 nodes."""
    job = project.enqueue_job("fork", {"version_id": project.versions()[0].id})
    for i in range(3):
        project.update_job(job.id, message=f"beat {i}", progress=0.1 * i)
    assert not tree.refresh_if_changed()
    project.set_favourite(project.versions()[1].id, True)
    assert tree.refresh_if_changed()


def test_background_merge_follows_without_holding_the_loop(qtbot, tree, project):
    root = project.versions()[0]
    tree.select(root.id)
    child = project.add_version(root.lineage_id, {"index.html": b"<canvas></canvas>"}, operator="mutate",
                                parents=[root.id], status="evaluated", reward=0.4)
    with qtbot.waitSignal(tree.redrawn, timeout=5000):
        assert tree.refresh_if_changed(background=True)
    assert child.id in tree.table.row_of and tree.current_id() == root.id
    assert len(tree.nodes.x) == len(project.versions())
    # A merge that lands after a full reload is dropped, and the tree still ends up current.
    other = project.add_version(root.lineage_id, {"index.html": b"<canvas></canvas>"}, operator="mutate",
                                parents=[child.id], status="evaluated", reward=0.6)
    tree.refresh_if_changed(background=True)
    tree.reload(keep_view=True)
    qtbot.wait(100)
    assert other.id in tree.table.row_of
    tree.shutdown()
