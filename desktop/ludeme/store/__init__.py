"""The project file layer: one SQLite file per project (``*.ludeme``), through peewee.

    from ludeme.store import open_project, create_project
    project = open_project(path)            # refuses foreign, newer or damaged files untouched
    project.versions(); project.version_file(version_id, "index.html")

Repository methods live on :class:`Project` and return frozen objects of ludeme.core.domain.
Nothing here imports Qt or does work at import time.
"""
from __future__ import annotations

from ludeme.store.db import ProjectError
from ludeme.store.migrations import MIGRATIONS, latest_version
from ludeme.store.project import Project, create_project, open_project
from ludeme.store.seeding import create_default_project, ensure_default_project

__all__ = [
    "MIGRATIONS", "Project", "ProjectError", "create_default_project", "create_project",
    "ensure_default_project", "latest_version", "open_project",
]
