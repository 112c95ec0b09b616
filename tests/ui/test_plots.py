"""Evolution plots of a lineage: one point per evaluated version, best-so-far never goes down,
generation means and costs add up, new versions appear on their own, hover names the version,
clicking a point selects it."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from ludeme.store import create_project
from ludeme.ui.plots import EvolutionPlots, lineage_series


def _add(project, lineage_id, parents, reward, *, cost=0.0, status="evaluated", operator="mutate"):
    n = len(project.versions(include_deleted=True))
    return project.add_version(lineage_id, {"index.html": f"<canvas></canvas><!-- {n} -->".encode()},
                               parents=parents, operator=operator, status=status, reward=reward, cost=cost)


@pytest.fixture
def lineage(qtbot, tmp_path):
    project = create_project(tmp_path / "plots.ludeme")
    hopper = project.add_lineage("Sky Hopper", description="jumps")
    other = project.add_lineage("Moss Maze", description="walls")
    root = _add(project, hopper.id, [], 0.30, operator="seed")
    a = _add(project, hopper.id, [root.id], 0.50, cost=0.010)
    b = _add(project, hopper.id, [root.id], 0.20, cost=0.004)
    c = _add(project, hopper.id, [a.id], 0.40, cost=0.006)  # generation 2 is worse than generation 1
    d = _add(project, hopper.id, [b.id], 0.46, cost=0.002)
    e = _add(project, hopper.id, [d.id], 0.05, cost=0.001, status="broken")
    _add(project, hopper.id, [c.id], None, status="queued")  # not evaluated: no point
    gone = _add(project, hopper.id, [c.id], 0.99)
    project.soft_delete(gone.id)  # deleted: no point
    _add(project, other.id, [], 0.9, operator="seed")  # another lineage: not in this plot
    versions = {"root": root, "a": a, "b": b, "c": c, "d": d, "e": e}
    plots = EvolutionPlots(project, poll_ms=100)
    qtbot.addWidget(plots)
    plots.resize(900, 560)
    plots.show()
    yield project, hopper, plots, versions
    plots.watcher.stop()
    project.close()


def test_points_best_so_far_means_and_costs(lineage):
    project, hopper, plots, v = lineage
    plots.show_lineage(hopper.id)
    assert plots.lineage_box.currentText() == "Sky Hopper"
    x, y = plots.points.getData()
    assert len(x) == 6  # root, a, b, c, d, e: the queued, the deleted and the other lineage's are left out
    assert sorted(np.round(y, 3)) == sorted([0.30, 0.50, 0.20, 0.40, 0.46, 0.05])
    assert set(np.round(x).astype(int)) == {0, 1, 2, 3}
    assert all(abs(xi - round(xi)) <= 0.3 + 1e-9 for xi in x)  # spread within its generation

    gens, best = plots.best_line.getData()
    assert list(gens) == [0, 1, 2, 3]
    assert list(np.round(best, 3)) == [0.30, 0.50, 0.50, 0.50]
    assert np.all(np.diff(best) >= 0)  # never goes down, though generation 2 was worse
    _gens, mean = plots.mean_line.getData()
    assert list(np.round(mean, 3)) == [0.30, 0.35, 0.43, 0.05]

    series = plots.series
    assert list(np.round(series.cost, 4)) == [0.0, 0.014, 0.008, 0.001]
    _cx, cumulative = plots.cost_line.getData()
    assert cumulative[-1] == pytest.approx(0.023) and np.all(np.diff(cumulative) >= 0)
    assert list(np.round(plots.cost_bars.opts["height"], 4)) == [0.0, 0.014, 0.008, 0.001]
    assert "6 scored versions (1 broken)" in plots.summary.text() and "best 0.500" in plots.summary.text()
    assert series.failed[list(series.ids).index(v["e"].id)]  # the broken one is drawn apart
    # pens follow the theme in use
    from ludeme.ui.theme import colors as _colors

    assert plots.best_line.opts["pen"].color().name() == _colors()["ok"]


def test_new_versions_appear_and_hover_names_them(qtbot, lineage):
    project, hopper, plots, v = lineage
    plots.show_lineage(hopper.id)
    assert len(plots.points.getData()[0]) == 6
    better = _add(project, hopper.id, [v["c"].id], 0.72, cost=0.003)  # as a worker would
    qtbot.waitUntil(lambda: len(plots.points.getData()[0]) == 7, timeout=3000)
    _g, best = plots.best_line.getData()
    assert list(np.round(best, 3)) == [0.30, 0.50, 0.50, 0.72]
    tip = plots.points.opts["tip"](x=3.0, y=0.72, data=better.id)
    assert "gen 3 · mutate" in tip and better.id in tip and "0.720" in tip


def test_clicking_a_point_selects_its_version(qtbot, lineage):
    project, hopper, plots, v = lineage
    plots.show_lineage(hopper.id)
    qtbot.wait(50)
    i = list(plots.series.ids).index(v["a"].id)
    x, y = plots.points.getData()
    scene = plots.reward_plot.getViewBox().mapViewToScene(QPointF(float(x[i]), float(y[i])))
    pos = plots.view.mapFromScene(scene)
    with qtbot.waitSignal(plots.version_clicked, timeout=2000) as clicked:
        qtbot.mouseClick(plots.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert clicked.args == [v["a"].id]


def test_empty_and_offline_lineages_say_so(qtbot, lineage):
    project, hopper, plots, _v = lineage
    assert "Choose a lineage" in plots.reward_message.toPlainText()
    fresh = project.add_lineage("Empty Echo")
    plots.show_lineage(fresh.id)
    assert plots.lineage_box.currentText() == "Empty Echo"  # added after the plots opened
    assert "No versions" in plots.reward_message.toPlainText()
    assert len(plots.points.getData()[0]) == 0
    free = project.add_lineage("Free Fall")
    root = _add(project, free.id, [], 0.4, operator="seed")
    _add(project, free.id, [root.id], 0.6)
    plots.show_lineage(free.id)
    assert len(plots.points.getData()[0]) == 2
    assert "offline" in plots.cost_message.toPlainText()
    # picking a lineage in the box plots it
    plots.lineage_box.setCurrentIndex(plots.lineage_box.findData(hopper.id))
    assert plots.lineage_id == hopper.id and len(plots.points.getData()[0]) == 6


def test_series_of_no_versions_is_empty():
    s = lineage_series([])
    assert len(s.ids) == 0 and len(s.gens) == 0 and len(s.cumulative) == 0
