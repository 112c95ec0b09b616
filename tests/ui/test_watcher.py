"""One watcher of the change table for the whole studio window: another process (a worker, `ludeme
evolve` in a terminal) adds a version and a mechanic, and the tree, the status bar's count, the
plots, the jobs panel and the Mechanics browser all follow it; an idle tick is one read."""
from __future__ import annotations

import subprocess
import sys
import textwrap

WRITER = textwrap.dedent("""
    import sys
    from ludeme.store import open_project
    p = open_project(sys.argv[1])
    seed = next(v for v in p.versions() if not v.parents)
    p.add_version(seed.lineage_id, {"index.html": b"<canvas></canvas><!-- child -->"}, parents=[seed.id],
                  operator="mutate", status="evaluated", reward=0.5)
    p.upsert_mechanic({"id": "sinking-pads", "name": "Sinking pads", "summary": "pads sink when stood on",
                       "category": "hazard", "origin": "archivist"})
    p.close()
""")


def _count(win) -> str:
    return win.project_label.text()


def test_another_process_writes_and_every_view_follows(qtbot, open_studio):
    win = open_studio()
    qtbot.waitUntil(lambda: win.tree.table is not None, timeout=5000)
    n = len(win.tree.table)
    assert f"{n:,} versions" in _count(win)
    win.archive_dock.show()
    win.archive_dock.raise_()
    qtbot.waitUntil(lambda: win.archive_dock.isVisible(), timeout=2000)
    assert "sinking-pads" not in win.archive.visible_ids()

    done = subprocess.run([sys.executable, "-c", WRITER, str(win.project.path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr

    # The window's own timer notices (no poll by hand) and every view follows.
    qtbot.waitUntil(lambda: len(win.tree.table) == n + 1, timeout=5000)
    qtbot.waitUntil(lambda: f"{n + 1:,} versions" in _count(win), timeout=3000)  # no lag behind the tree
    qtbot.waitUntil(lambda: "sinking-pads" in win.archive.visible_ids(), timeout=3000)
    assert win.jobs.watcher is win.watcher and win.plots.watcher is win.watcher


def test_an_idle_tick_is_one_read_of_the_change_table(qtbot, open_studio, monkeypatch):
    win = open_studio()
    qtbot.waitUntil(lambda: win.tree.table is not None, timeout=5000)
    win.watcher.stop()
    win.poll()  # take in whatever the window's own start-up wrote
    reads = []
    real = win.project.change_counters
    monkeypatch.setattr(win.project, "change_counters", lambda: reads.append(1) or real())
    for _ in range(10):
        assert win.poll() is False
    assert len(reads) == 10, "one query per tick for the tree, inspector, plots, jobs and archive together"
