"""The default project: the mechanic archive plus one lineage per bundled seed game.

Seeding happens only while a project file is being created (inside :func:`create_project`'s
temporary file), so it runs once per file and a failure leaves no half-seeded project behind.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ludeme import paths
from ludeme.core import kit
from ludeme.core.domain import Operator, VersionStatus
from ludeme.store.db import ProjectError
from ludeme.store.project import Project, create_project, open_project

log = logging.getLogger(__name__)


def seed_project(project: Project, *, games_dir: Path | None = None, kit_dir: Path | None = None,
                 archive_path: Path | None = None) -> dict[str, str]:
    """Load the mechanic archive and add each seed game as a lineage with its root version.

    Returns the games that could not be built (slug → reason): they are logged and left out,
    so one broken seed game never stops Ludeme from starting.
    """
    from ludeme.core.archive import load_archive  # pydantic: imported only when seeding

    archive = Path(archive_path) if archive_path is not None else paths.mechanics_archive_path()
    if archive.is_file():
        project.upsert_mechanics(load_archive(archive))
    else:
        log.warning("no mechanic archive at %s; the project starts with an empty archive", archive)
    root = Path(games_dir) if games_dir is not None else paths.games_dir()
    games = kit.seed_games(root) if root.is_dir() else []
    if not games:
        log.warning("no seed games in %s; the project starts without lineages", root)
    skipped: dict[str, str] = {}
    for game in games:
        try:
            add_seed_lineage(project, game, games_dir=root, kit_dir=kit_dir)
        except (OSError, ValueError) as err:
            log.error("seed game %s left out: %s", game.slug, err)
            skipped[game.slug] = str(err)
    return skipped


def add_seed_lineage(project: Project, game, *, title: str | None = None, games_dir: Path | None = None,
                     kit_dir: Path | None = None):
    """A new lineage whose root is a bundled seed game (the studio's New lineage → seed game).
    Returns (lineage, version); OSError/ValueError when the game cannot be built (nothing added)."""
    root = Path(games_dir) if games_dir is not None else paths.games_dir()
    html = kit.build_game_html(game.slug, root, kit_dir)
    plan = {"source": "seed", "slug": game.slug, "title": game.title, "genre": game.genre,
            "controls": list(game.controls), "mechanics": list(game.kit), "params": game.params}
    with project.db.atomic():
        lineage = project.add_lineage(title or game.title, game.description, tags=[game.genre])
        version = project.add_version(
            lineage.id, {"index.html": html.encode("utf-8")}, operator=Operator.SEED,
            status=VersionStatus.EVALUATED, plan=plan, mechanics=game.kit, planned=game.kit,
            note=game.description)
    return lineage, version


def create_default_project(path: str | Path, *, games_dir: Path | None = None,
                           kit_dir: Path | None = None,
                           archive_path: Path | None = None) -> Project:
    """A new project file holding the mechanic archive and the seed games."""
    def populate(project: Project) -> None:
        with project.db.atomic():
            seed_project(project, games_dir=games_dir, kit_dir=kit_dir, archive_path=archive_path)

    return create_project(path, populate=populate)


def ensure_default_project() -> Project:
    """Open the user's default project, creating (and seeding) it on first start."""
    path = paths.default_project_path()
    if path.exists():
        return open_project(path)
    try:
        return create_default_project(path)
    except ProjectError:
        if path.exists():  # another Ludeme created it a moment ago
            return open_project(path)
        raise
