"""One table of standard paths: resources shipped with Ludeme and the user's data folders.

Nothing here touches the disk at import time; every function computes its answer on call so
tests can point LUDEME_DATA_DIR (or the ``data_dir`` argument) at a temporary folder.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Ludeme"
PROJECT_SUFFIX = ".ludeme"


def resources_dir() -> Path:
    """The resources/ folder: beside desktop/ in a checkout, inside the bundle when frozen."""
    override = os.environ.get("LUDEME_RESOURCES")
    if override:
        return Path(override)
    frozen_root = _frozen_root()
    if frozen_root is not None:
        return frozen_root / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def _frozen_root() -> Path | None:
    """The bundle's data folder when running from a PyInstaller build (``_internal/``)."""
    root = getattr(sys, "_MEIPASS", None)
    if root:
        return Path(root)
    if getattr(sys, "frozen", False):  # a frozen build without _MEIPASS: data beside the program
        return Path(sys.executable).resolve().parent
    return None


def plugins_dir() -> Path:
    """The bundled plugins/ folder: beside resources/ in a checkout, inside the bundle when frozen."""
    override = os.environ.get("LUDEME_PLUGINS_DIR")
    if override:
        return Path(override)
    frozen_root = _frozen_root()
    if frozen_root is not None:
        return frozen_root / "plugins"
    return Path(__file__).resolve().parents[2] / "plugins"


def user_plugins_dir() -> Path:
    """The user's own plugins (files or packages), under the data folder."""
    return data_dir() / "plugins"


def data_dir() -> Path:
    """The user's data folder (platformdirs), or LUDEME_DATA_DIR when set."""
    override = os.environ.get("LUDEME_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"


def kit_dir() -> Path:
    return resources_dir() / "kit"


def games_dir() -> Path:
    return resources_dir() / "games"


def harness_dir() -> Path:
    return resources_dir() / "harness"


def weblibs_dir() -> Path:
    """The local library store: pinned copies of well-known CDN libraries, one folder per
    ``<package>@<version>`` (filled at set-up by packaging/fetch_weblibs.py; LUDEME_WEBLIBS_DIR
    overrides it)."""
    override = os.environ.get("LUDEME_WEBLIBS_DIR")
    if override:
        return Path(override)
    return resources_dir() / "weblibs"


def mechanics_archive_path() -> Path:
    return resources_dir() / "mechanics" / "archive.json"
