"""Shared pieces of the exporter tests (itch, gallery, git, clips): projects with real lineages,
a plain (not sandboxed) QtWebEngine page that loads exported files from disk and keeps the console,
and a real evaluation with a recording stored the way the evolution pipeline stores it."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ludeme.core.domain import Operator, VersionStatus, new_id
from ludeme.core.kit import build_game_html
from ludeme.store.seeding import create_default_project

SPACE_DOWN = ("window.dispatchEvent(new KeyboardEvent('keydown', {code: 'Space', key: ' ', bubbles: true}));"
              "document.getElementById('game') && document.getElementById('game').dispatchEvent("
              "new KeyboardEvent('keydown', {code: 'Space', key: ' ', bubbles: true}));")
SPACE_UP = "window.dispatchEvent(new KeyboardEvent('keyup', {code: 'Space', key: ' ', bubbles: true}));"


def split_game(slug: str, version_id: str) -> dict[str, bytes]:
    """A seed game stored as several files the way an imported game might be: the kit core named
    but not stored (``/kit/core.js``), the rest in ``js/game.js`` reached through a ``game://`` URL,
    and an icon under a root-absolute path."""
    html = build_game_html(slug)
    m = re.search(r"/\* ludeme:kit:core:begin \*/.*?/\* ludeme:kit:core:end \*/\n", html, re.S)
    assert m, "the built seed game inlines the kit core between markers"
    rest = html[m.end():html.index("</script>")]
    head = html[:html.index("<script>")]
    head = head.replace("</head>", '<link rel="icon" href="/art/icon.svg">\n</head>')
    page = (head + '<script src="/kit/core.js"></script>\n'
            f'<script src="game://{version_id}/js/game.js"></script>\n</body>\n</html>\n')
    icon = ('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16">'
            '<circle cx="8" cy="8" r="7" fill="#f97316"/></svg>')
    return {"index.html": page.encode(), "js/game.js": rest.encode(), "art/icon.svg": icon.encode()}


def seeded_project(tmp_path: Path):
    return create_default_project(tmp_path / "studio.ludeme")


def grow_lineage(project, lineage_id: str, *, evaluated: dict[str, object] | None = None):
    """Add a small real family under a lineage's root: two mutations, a fork of one of them and a
    crossover of both mutations. Children carry other seed games' code (real, playable games).
    Returns the versions by name: root, a, b, c, x."""
    root = [v for v in project.versions(lineage_id) if not v.parents][0]
    slugs = ["dune_dash", "brick_bloom", "sky_hopper", "pulse_lane"]
    made = {"root": root}
    specs = [("a", [root.id], Operator.MUTATE, "make the jump floatier", 0.41),
             ("b", [root.id], Operator.MUTATE, "more enemies", 0.58),
             ("c", ["a"], Operator.FORK, "", 0.33),
             ("x", ["a", "b"], Operator.CROSSOVER, "", 0.66)]
    for (name, parents, op, direction, reward), slug in zip(specs, slugs):
        ids = [made[p].id if p in made else p for p in parents]
        made[name] = project.add_version(
            lineage_id, {"index.html": build_game_html(slug).encode()}, parents=ids, operator=op,
            status=VersionStatus.EVALUATED, reward=reward, direction=direction, model="offline",
            mechanics=(), note=f"{name} from {slug}")
    return made


def add_split_version(project, lineage_id: str, parent_id: str, slug: str = "moss_maze"):
    vid = new_id()
    return project.add_version(lineage_id, split_game(slug, vid), parents=[parent_id],
                               operator=Operator.IMPORT, status=VersionStatus.EVALUATED, reward=0.2,
                               version_id=vid)


def record_evaluation(project, version_id: str, tmp_path: Path, seconds: float = 2.5):
    """Evaluate a stored version for real (bots, QtWebEngine, WebM recording) and store the report
    and recording exactly as the evolution pipeline does."""
    from ludeme.core.settings import EvaluationSettings
    from ludeme.evaluation.evaluator import evaluate
    from ludeme.evaluation.storing import store_report

    out = tmp_path / f"rec-{version_id}.webm"
    report = evaluate(project.version_files(version_id), EvaluationSettings(seconds=seconds, idle_seconds=0.5),
                      record_path=out)
    store_report(project, version_id, report, out)
    return report


class DiskPage:
    """A plain QWebEnginePage (no game:// sandbox) in a visible offscreen view, loading a file:// URL
    and keeping every console message."""

    def __init__(self, qtbot):
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
        from PySide6.QtWebEngineWidgets import QWebEngineView

        messages = self.messages = []

        class Page(QWebEnginePage):
            def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
                messages.append((level.name if hasattr(level, "name") else str(level), message, line, source))

        self.qtbot = qtbot
        self.profile = QWebEngineProfile()  # off the record, private to the test
        self.page = Page(self.profile)
        self.view = QWebEngineView()
        self.view.setPage(self.page)
        self.view.resize(820, 640)
        self.view.show()

    def load(self, path: Path, timeout_ms: int = 15000) -> None:
        from PySide6.QtCore import QUrl

        with self.qtbot.waitSignal(self.page.loadFinished, timeout=timeout_ms) as blocker:
            self.page.load(QUrl.fromLocalFile(str(Path(path).resolve())))
        assert blocker.args == [True], f"{path} did not load"

    def js(self, expression: str, timeout_ms: int = 5000):
        box: dict = {}
        self.page.runJavaScript(f"JSON.stringify((() => {{ return {expression}; }})())", 0,
                                lambda value: box.setdefault("v", value))
        self.qtbot.waitUntil(lambda: "v" in box, timeout=timeout_ms)
        return None if box["v"] in (None, "") else json.loads(box["v"])

    def wait_js(self, expression: str, timeout_ms: int = 8000):
        """Wait until a JS expression is truthy; returns its last value."""
        seen: dict = {}

        def check():
            seen["v"] = self.js(expression)
            return bool(seen["v"])
        try:
            self.qtbot.waitUntil(check, timeout=timeout_ms)
        except Exception:
            pass
        return seen.get("v")

    def errors(self):
        return [m for m in self.messages if "Error" in m[0]]

    def close(self) -> None:
        self.view.setPage(None)
        self.page.deleteLater()
        self.view.deleteLater()
        self.qtbot.wait(50)
        self.profile.deleteLater()
        self.qtbot.wait(50)
