"""Export and import: lineage bundles (lossless, re-importable) and the publishing formats.

    from ludeme.exchange import export, import_bundle, formats
    path = export(project, "Pong", "out/pong.ludeme-bundle", format="bundle")
    result = import_bundle(other_project, path)        # ImportRefused(reason) writes nothing

Formats are looked up by name: the built-in ones are imported only when used (nothing heavy at
import time), and plugins add more with :func:`register_exporter`. Every exporter has the
signature ``fn(project, target_id, out) -> Path`` where ``target_id`` is a lineage id, a lineage
title or a version id. No Qt here.
"""
from __future__ import annotations

import contextlib
import importlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TYPE_CHECKING

if TYPE_CHECKING:
    from ludeme.store.project import Project

Exporter = Callable[[Any, str, "str | Path"], Path]


class ExchangeError(Exception):
    """An export or import the user asked for cannot be done; the message is one line."""

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(str(reason).split())
        super().__init__(self.reason)


class ImportRefused(ExchangeError):
    """A bundle was refused (unsafe, damaged, newer, or already imported). Nothing was written."""


class ExportError(ExchangeError):
    """An export failed (unknown target, unwritable destination); no partial file is left."""


class FormatUnavailable(ExchangeError):
    """An export format that is unknown, or whose module is not installed."""


@contextlib.contextmanager
def export_folder(out: Path) -> Iterator[Path]:
    """For exports that write a folder (gallery, git): ``out`` must be new or empty, and if the
    export fails, what it wrote is removed again (the folder too, when it made it)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"{out} exists and is not an empty folder; choose a new one")
    created_here = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        yield out
    except BaseException:
        if created_here:
            shutil.rmtree(out, ignore_errors=True)
        else:
            for child in out.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        raise


# name -> (module, function): imported on first use.
_BUILTIN: dict[str, tuple[str, str]] = {
    "bundle": ("ludeme.exchange.bundle", "export_bundle"),
    "itch": ("ludeme.exchange.itch", "export_itch"),
    "gallery": ("ludeme.exchange.gallery", "export_gallery"),
    "git": ("ludeme.exchange.gitexport", "export_git"),
    "clip": ("ludeme.exchange.clips", "export_clip"),
}
_REGISTERED: dict[str, Exporter] = {}


def register_exporter(name: str, fn: Exporter) -> None:
    """Add (or replace) an export format; ``fn(project, target_id, out) -> Path``."""
    if not isinstance(name, str) or not name.strip() or not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"an export format name is a short word like 'zip', not {name!r}")
    if not callable(fn):
        raise TypeError(f"the exporter for {name!r} must be callable")
    _REGISTERED[name] = fn


def formats() -> list[str]:
    """Every format name known (available or not), built-in ones first."""
    return list(_BUILTIN) + [n for n in _REGISTERED if n not in _BUILTIN]


def exporter(name: str) -> Exporter:
    """The export function of a format, or FormatUnavailable with a one-line reason."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name not in _BUILTIN:
        raise FormatUnavailable(f"unknown export format {name!r} (choose from {', '.join(formats())})")
    module_name, attr = _BUILTIN[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name:
            raise
        raise FormatUnavailable(f"format {name} is not available in this build of Ludeme") from None
    fn = getattr(module, attr, None)
    if fn is None:
        raise FormatUnavailable(f"format {name} is not available in this build of Ludeme")
    return fn


def export(project: Project, target_id: str, out: str | Path, format: str = "bundle") -> Path:
    """Export a lineage or version in the given format; returns the path written."""
    return Path(exporter(format)(project, target_id, out))


def export_bundle(project: Project, target_id: str, out: str | Path, **options: Any) -> Path:
    """See :func:`ludeme.exchange.bundle.export_bundle` (options: ``progress``)."""
    from ludeme.exchange.bundle import export_bundle as _export

    return _export(project, target_id, out, **options)


def import_bundle(project: Project, bundle_path: str | Path, **options: Any):
    """See :func:`ludeme.exchange.bundle.import_bundle` (options: ``as_copy``, ``limits``,
    ``progress``); returns an ImportResult, raises ImportRefused having written nothing."""
    from ludeme.exchange.bundle import import_bundle as _import

    return _import(project, bundle_path, **options)


__all__ = [
    "ExchangeError", "ExportError", "FormatUnavailable", "ImportRefused", "export", "export_bundle",
    "exporter", "formats", "import_bundle", "register_exporter",
]
