"""Application start: Qt set-up, the sandbox, the main window, and the --screenshot mode."""
from __future__ import annotations

import sys
from pathlib import Path

SCREENSHOT_TIMEOUT_S = 30.0


def run_studio(project, screenshot: Path | None = None, argv: list[str] | None = None) -> int:
    """Show the studio on an open project; with ``screenshot``, write a PNG once a game plays, exit."""
    from ludeme.runtime.qt_env import configure_environment, register_schemes

    configure_environment(offscreen=screenshot is not None)
    register_schemes()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ludeme import paths
    from ludeme.runtime.sandbox import SandboxProfile
    from ludeme.ui.main_window import MainWindow
    from ludeme.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("Ludeme")
    app.setDesktopFileName("ludeme")
    icon = paths.resources_dir() / "icons" / "ludeme.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    apply_theme(app)
    sandbox = SandboxProfile(project.version_file)
    window = MainWindow(project, sandbox)
    window.show()
    window.lineages.select_first_version()

    if screenshot is None:
        code = app.exec()
        window.player.stop()
        return code

    result = {"code": 1}

    def shoot() -> None:
        image = window.grab()
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

    def start_game() -> None:
        # Games open on a title screen; a real key press starts play (and unlocks audio) so the
        # picture shows the game being played.
        window.player.press_key("Space")
        QTimer.singleShot(250, lambda: window.player.press_key("Space"))  # many games then launch/jump
        QTimer.singleShot(700, shoot)

    window.player.game_painted.connect(start_game)
    if window.player.version_id is None:  # an empty project: nothing will play
        QTimer.singleShot(300, shoot)
    QTimer.singleShot(int(SCREENSHOT_TIMEOUT_S * 1000), give_up)
    app.exec()
    window.player.stop()
    return result["code"]
