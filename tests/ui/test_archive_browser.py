"""The mechanic archive browser, checked against the project's data: search, category filter,
usage counts (realising versions, soft-deleted ones left out), detail pane, opening a version,
and staying quick with the full archive and 10,000 versions."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, Qt

from ludeme.ui.archive_browser import ID_ROLE, VERSION_ROLE, ArchiveBrowser
from tests.bulk import add_versions_bulk

HTML = {"index.html": b"<!DOCTYPE html><canvas></canvas>"}


@pytest.fixture
def browser(qtbot, project):
    b = ArchiveBrowser(project)
    qtbot.addWidget(b)
    b.resize(1100, 700)
    b.show()
    return b


def _expected_usage(project) -> dict[str, int]:
    """Per mechanic, the live versions that realise it, counted the slow, obvious way."""
    live = {v.id for v in project.versions()}
    return {m.id: len([v for v in project.versions_with_mechanic(m.id) if v in live]) for m in project.mechanics()}


def _table(b) -> list[tuple[str, str, str]]:
    return [(b.proxy.index(r, 0).data(ID_ROLE), b.proxy.index(r, 0).data(), b.proxy.index(r, 2).data())
            for r in range(b.proxy.rowCount())]


def _type(qtbot, b, text: str) -> None:
    b.search.clear()
    qtbot.keyClicks(b.search, text)
    qtbot.waitUntil(lambda: not b._timer.isActive(), timeout=2000)


def test_lists_every_mechanic_sorted_by_usage_with_correct_counts(qtbot, browser, project):
    expected = _expected_usage(project)
    assert sum(expected.values()) > 20  # the seed games realise mechanics
    rows = _table(browser)
    assert len(rows) == len(project.mechanics()) >= 227
    shown = {mid: (0 if used == "—" else int(used)) for mid, _name, used in rows}
    assert shown == expected
    counts = [shown[mid] for mid, _, _ in rows]
    assert counts == sorted(counts, reverse=True)
    assert "227 of 227 mechanics" in browser.summary.text()
    assert f"{sum(1 for c in expected.values() if c)} realised by a version" in browser.summary.text()

    # Clicking the header sorts by name; clicking "Used by" twice sorts by usage again.
    header = browser.table.horizontalHeader()

    def click(section: int) -> None:
        x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click(0)
    names = [name.lower() for _, name, _ in _table(browser)]
    assert names == sorted(names) or names == sorted(names, reverse=True)
    click(2)
    click(2) if header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder else None
    assert [shown[mid] for mid, _, _ in _table(browser)] == sorted(counts, reverse=True)


def test_usage_follows_new_and_deleted_versions(browser, project):
    lineage = project.lineages()[0]
    before = browser.usage("gravity")
    a = project.add_version(lineage.id, HTML, operator="manual", status="evaluated", mechanics=["gravity", "jump"])
    project.add_version(lineage.id, HTML, operator="manual", status="evaluated", mechanics=["gravity"])
    browser.refresh()
    assert browser.usage("gravity") == before + 2
    project.soft_delete(a.id)
    browser.refresh()
    assert browser.usage("gravity") == before + 1
    assert browser.usage("gravity") == _expected_usage(project)["gravity"]


def test_search_uses_full_text_and_category_filter_narrows(qtbot, browser, project):
    _type(qtbot, browser, "gravity")
    ids = browser.visible_ids()
    assert ids == [m.id for m in project.search_mechanics("gravity", limit=1000)]
    assert ids[0] in ("gravity", "gravity_flip", "gravity_wells") and "gravity" in ids
    assert browser.table_stack.currentWidget() is browser.table
    assert "match “gravity”" in browser.summary.text()

    i = browser.category.findData("physics")
    browser.category.setCurrentIndex(i)
    physics = {m.id for m in project.mechanics("physics")}
    assert browser.visible_ids() and set(browser.visible_ids()) <= physics
    assert "gravity" not in browser.visible_ids()  # gravity is a movement mechanic
    assert browser.category.currentText().startswith("physics (")

    _type(qtbot, browser, "")
    assert sorted(browser.visible_ids()) == sorted(physics)

    _type(qtbot, browser, "zzqqxx")
    assert browser.visible_ids() == []
    assert browser.table_stack.currentWidget() is browser.empty
    assert "No mechanic matches “zzqqxx” in physics" in browser.empty.text()
    assert "Choose a mechanic" in browser.detail.toPlainText()


def test_detail_shows_summary_params_probe_and_the_versions_that_use_it(qtbot, browser, project):
    gravity = project.mechanic("gravity")
    assert browser.select_mechanic("gravity")
    text = browser.detail.toPlainText()
    assert gravity.name in text and gravity.summary in text
    assert "Kit module" in text and "gravity" in text
    for name, (default, lo, hi) in dict(gravity.params).items():
        assert name in text and f"range {lo:g} – {hi:g}" in text
    assert "Probe" in text and gravity.probe[:40] in text

    realising = set(project.versions_with_mechanic("gravity"))
    users = [v for v in project.versions() if v.id in realising]
    assert len(users) >= 2
    items = [browser.versions.item(i) for i in range(browser.versions.count())]
    assert {it.data(VERSION_ROLE) for it in items} == {v.id for v in users}
    assert browser.versions_title.text() == f"Versions that use it ({len(users)})"
    titles = {lin.id: lin.title for lin in project.lineages()}
    assert {it.text().split(" · ")[0] for it in items} == {titles[v.lineage_id] for v in users}

    target = items[-1]
    asked: list[str] = []
    browser.version_requested.connect(asked.append)
    centre = browser.versions.visualItemRect(target).center()
    qtbot.mouseClick(browser.versions.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert asked == []  # one click only selects
    qtbot.mouseDClick(browser.versions.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert asked == [target.data(VERSION_ROLE)]
    qtbot.keyClick(browser.versions, Qt.Key.Key_Return)  # Enter opens it too
    assert asked == [target.data(VERSION_ROLE)] * 2

    unused = next(m for m in project.mechanics() if browser.usage(m.id) == 0)
    browser.select_mechanic(unused.id)
    assert browser.versions.item(0).text() == "No version realises this mechanic yet."
    assert not browser.versions.item(0).flags() & Qt.ItemFlag.ItemIsEnabled


def test_quick_with_the_full_archive_and_ten_thousand_versions(qtbot, project):
    lineage = project.lineages()[0]
    ids = add_versions_bulk(project, lineage.id, 10_000, seed=3)
    mech_ids = [m.id for m in project.mechanics()]
    links = [(vid, mech_ids[(i * 7 + k * 31) % len(mech_ids)], "realised") for i, vid in enumerate(ids)
             for k in range(3)]
    with project.db.atomic():
        project.db.connection().executemany(
            "INSERT OR IGNORE INTO version_mechanic (version_id, mechanic_id, role) VALUES (?, ?, ?)", links)
    expected = _expected_usage(project)
    t = time.perf_counter()
    b = ArchiveBrowser(project)
    qtbot.addWidget(b)
    b.show()
    opened = time.perf_counter() - t
    assert {mid: (0 if u == "—" else int(u)) for mid, _, u in _table(b)} == expected
    top = _table(b)[0][0]
    assert b.current_mechanic() == top and expected[top] >= 130

    t = time.perf_counter()
    b.refresh()
    refreshed = time.perf_counter() - t
    t = time.perf_counter()
    b.search.setText("jump")
    b.apply_filter()
    searched = time.perf_counter() - t
    t = time.perf_counter()
    b.select_mechanic(_table(b)[-1][0])
    b.select_mechanic(top)
    selected = time.perf_counter() - t
    assert b.versions.count() == min(expected[top], 500) + (expected[top] > 500)
    print(f"open {opened * 1000:.0f} ms, refresh {refreshed * 1000:.0f} ms, search {searched * 1000:.0f} ms, "
          f"two selections {selected * 1000:.0f} ms")
    assert opened < 1.5 and refreshed < 0.5 and searched < 0.5 and selected < 0.5
