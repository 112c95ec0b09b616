"""Assemble single-file seed games from the bundled game kit (resources/kit, resources/games).

A seed game is ``game.json`` + ``game.js`` written against ``core.js``; the built document inlines
core, the listed mechanic modules and the game between marker comments so later tools can swap
modules without parsing JavaScript.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from ludeme import paths

GENRES = (
    "platformer", "shooter", "puzzle", "endless_runner",
    "breakout", "top_down", "rhythm", "physics_toy",
)

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; background: {background}; overflow: hidden; }}
body {{ display: flex; align-items: center; justify-content: center; }}
canvas {{ display: block; image-rendering: auto; outline: none; }}
</style>
</head>
<body>
<canvas id="game" tabindex="0" width="800" height="600"></canvas>
<script>
{script}
</script>
</body>
</html>
"""


@dataclass(frozen=True)
class SeedGame:
    slug: str
    title: str
    genre: str
    description: str
    controls: tuple[str, ...]
    kit: tuple[str, ...]
    params: dict = field(default_factory=dict)
    background: str = "#0b1020"

    @classmethod
    def load(cls, folder: Path) -> "SeedGame":
        meta = json.loads((folder / "game.json").read_text(encoding="utf-8"))
        return cls(
            slug=meta["slug"],
            title=meta["title"],
            genre=meta["genre"],
            description=meta.get("description", ""),
            controls=tuple(meta.get("controls", ())),
            kit=tuple(meta.get("kit", ())),
            params=dict(meta.get("params", {})),
            background=meta.get("background", "#0b1020"),
        )


def seed_games(games_dir: Path | None = None) -> list[SeedGame]:
    root = games_dir or paths.games_dir()
    return [SeedGame.load(d) for d in sorted(root.iterdir()) if (d / "game.json").is_file()]


def _wrapped(piece_id: str, source: str) -> str:
    return f"/* ludeme:kit:{piece_id}:begin */\n{source.rstrip()}\n/* ludeme:kit:{piece_id}:end */"


def module_source(module_id: str, kit_dir: Path | None = None) -> str:
    root = kit_dir or paths.kit_dir()
    return (root / "mechanics" / f"{module_id}.js").read_text(encoding="utf-8")


def build_script(module_ids: list[str] | tuple[str, ...], game_js: str, kit_dir: Path | None = None) -> str:
    root = kit_dir or paths.kit_dir()
    pieces = [_wrapped("core", (root / "core.js").read_text(encoding="utf-8"))]
    pieces += [_wrapped(m, module_source(m, root)) for m in module_ids]
    pieces.append(_wrapped("game", game_js))
    return "\n".join(pieces)


def build_game_html(slug: str, games_dir: Path | None = None, kit_dir: Path | None = None) -> str:
    """The complete single-file index.html of a seed game."""
    folder = (games_dir or paths.games_dir()) / slug
    game = SeedGame.load(folder)
    game_js = (folder / "game.js").read_text(encoding="utf-8")
    script = build_script(game.kit, game_js, kit_dir)
    if "</script" in script.lower():
        raise ValueError(f"{slug}: a kit or game script contains '</script', which would end the tag")
    return _TEMPLATE.format(title=html.escape(game.title), background=game.background, script=script)


def probe_page_html(module_ids: list[str] | None = None, kit_dir: Path | None = None) -> str:
    """A page that loads core + modules and exposes Kit.runAllProbes() (used by tests and stage 4)."""
    root = kit_dir or paths.kit_dir()
    ids = module_ids if module_ids is not None else sorted(p.stem for p in (root / "mechanics").glob("*.js"))
    script = build_script(ids, "/* probe page */", root)
    return _TEMPLATE.format(title="Kit probes", background="#000", script=script)
