"""Application start: Qt set-up, the sandbox, the main window, and the --screenshot mode."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project

SCREENSHOT_TIMEOUT_S = 30.0


def run_studio(project: Project, screenshot: Path | None = None, argv: list[str] | None = None,
               view: str = "main", size: tuple[int, int] | None = None) -> int:
    """Show the studio on an open project; with ``screenshot``, write a PNG once a game plays, exit.

    ``view`` picks what the screenshot shows: the whole window (main), a blind compare of two
    versions (compare), or the inspector of the version on screen (inspector).
    """
    from ludeme.runtime.qt_env import configure_environment, register_schemes

    configure_environment(offscreen=screenshot is not None)
    register_schemes()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ludeme import paths
    from ludeme.runtime.sandbox import SandboxProfile
    from ludeme.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("Ludeme")
    app.setOrganizationName("Ludeme")
    app.setDesktopFileName("ludeme")
    icon = paths.resources_dir() / "icons" / "ludeme.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    try:
        from ludeme.ui.prefs import apply_theme_pref

        apply_theme_pref(app)
    except Exception:  # unreadable preferences: follow the OS
        from ludeme.ui.theme import apply_theme

        apply_theme(app)
    sandbox = SandboxProfile(project.version_file)
    # A screenshot run never starts the background worker: it only looks.
    window = MainWindow(project, sandbox, start_worker=screenshot is None, restore_layout=size is None)
    if size is not None:
        window.resize(*size)
    elif screenshot is None and QApplication.platformName() != "offscreen":
        window.fit_to_screen()  # a saved layout, when there is one, replaces this as it is shown
    window.show()
    window.select_first_version()

    if screenshot is None:
        QTimer.singleShot(1500, window.prepare_previews)  # a new project's seeds get playtested once
        try:
            from ludeme.ui.first_run import FirstRunGuide

            if FirstRunGuide.should_show():
                QTimer.singleShot(400, window.show_first_run)
        except Exception:  # the guide is a welcome, never a reason not to start
            pass
        code = app.exec()
        window.player.stop()
        return code

    result = {"code": 1, "done": False}

    def shoot() -> None:
        if result["done"]:
            return
        result["done"] = True
        if view == "inspector" and not result.get("posed"):
            result["posed"], result["done"] = True, False
            window.inspector_dock.setFloating(True)
            window.inspector_dock.resize(560, 780)
            window.inspector.set_tab("Reward")
            QTimer.singleShot(600, shoot)  # the chart sizes its axes on its first paint
            return
        image = window.inspector_dock.grab() if view == "inspector" else window.grab()
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        ok = image.save(str(screenshot), "PNG")
        result["code"] = 0 if ok else 1
        if not ok:
            print(f"ludeme: could not write {screenshot}", file=sys.stderr)
        app.quit()

    def give_up() -> None:
        print(f"ludeme: no game painted within {SCREENSHOT_TIMEOUT_S:.0f} s; screenshot taken anyway",
              file=sys.stderr)
        shoot()

    def press_start(players) -> None:
        # Games open on a title screen; a real key press starts play (and unlocks audio) so the
        # picture shows the game being played.
        for p in players:
            p.press_key("Space")
        QTimer.singleShot(250, lambda: [p.press_key("Space") for p in players])  # many then launch/jump
        QTimer.singleShot(900, shoot)

    if view == "compare":
        window.compare_next_pair()
        players = [p for p in getattr(window.compare, "players", []) if p.isVisible()]
        if len(players) < 2:
            QTimer.singleShot(300, shoot)
        else:
            waiting = set(range(len(players)))

            def painted(i):
                waiting.discard(i)
                if not waiting:
                    press_start(players)

            for i, p in enumerate(players):
                p.game_painted.connect(lambda i=i: painted(i))
    else:
        window.player.game_painted.connect(lambda: press_start([window.player]))
        if window.player.version_id is None:  # an empty project: nothing will play
            QTimer.singleShot(300, shoot)
    QTimer.singleShot(int(SCREENSHOT_TIMEOUT_S * 1000), give_up)
    app.exec()
    window.player.stop()
    return result["code"]
