"""App-level preferences (theme, first-run flag, recent projects): one JSON file in the data folder.

Not in a project (they belong to the person, not the games) and not in QSettings, so that tests and
portable installs follow ``LUDEME_DATA_DIR``. Writes go to a temporary file that replaces the old
one, so a crash never leaves half a file; an unreadable file reads as empty and is rewritten.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FILE_NAME = "prefs.json"
THEMES = ("system", "light", "dark")


class AppPrefs:
    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from ludeme.paths import data_dir

            path = data_dir() / FILE_NAME
        self.path = Path(path)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._load().get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(self, values: dict[str, Any]) -> None:
        data = self._load()
        data.update(values)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".prefs-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    # ---- typed helpers ----------------------------------------------------------------------
    @property
    def theme(self) -> str:
        value = self.get("theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {value!r}")
        self.set("theme", value)


def theme_dark(theme: str) -> bool | None:
    """The ``dark`` argument of ``ui.theme.apply_theme`` for a theme preference (None: follow the OS)."""
    return {"light": False, "dark": True}.get(theme)


def apply_theme_pref(app, prefs: AppPrefs | None = None) -> dict[str, str]:
    """Apply the person's chosen theme (follow OS / light / dark) to the application."""
    from ludeme.ui.theme import apply_theme

    return apply_theme(app, theme_dark((prefs or AppPrefs()).theme))
