"""A standalone HTML gallery of a lineage: a folder that works when opened from disk (file://).

Layout of the folder written at ``out``::

    index.html            the page: lineage tree (inline SVG), one card per version, data inline
    games/<id>/...        each version packaged to play alone (the itch export's packaging), its
                          index.html with local scripts, styles and images inlined: a page in a
                          sandboxed frame has an opaque origin and may load no file:// resource
    media/<id>.png        the latest thumbnail of a version, when it has one
    media/<id>.webm       the latest recording (.mp4 when stored so), shown as <video controls>

The tree is laid out here, in Python: one row per generation, leaves spread left to right along
each version's first parent, parents centred over their children; nodes are coloured by reward,
edges run parent → child and crossover edges are dashed. Every card has the version's facts
(generation, operator, direction, reward, rating, mechanics, model), its thumbnail and clip, and
the game itself in ``<iframe sandbox="allow-scripts">`` (no same-origin, no forms, no popups,
no top navigation), lazily loaded. The page fetches nothing: the version data is also embedded
as JSON (``<script type="application/json" id="ludeme-gallery-data">``) for anyone scripting it.
Soft-deleted versions are left out. No Qt here; the page is rendered with jinja2 from
``resources/templates/gallery.html.j2``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ludeme import paths
from ludeme.core.domain import user_note
from ludeme.core.weblibs import LIB_PREFIX
from ludeme.exchange import export_folder
from ludeme.exchange.clips import latest_recording
from ludeme.exchange.gitexport import lineage_order
from ludeme.exchange.itch import ExportError, _fmt, inline_page, package_game, resolve_lineage

if TYPE_CHECKING:
    from ludeme.store.project import Project

TEMPLATE = "gallery.html.j2"
DX, DY, R, PAD = 44, 70, 13, 28  # tree spacing (px), node radius, padding

# viridis, sampled: perceptually even and readable for colour-blind viewers
_RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
NO_REWARD = "#6b7280"


def reward_colour(reward: float | None, low: float = 0.0, high: float = 1.0) -> str:
    if reward is None:
        return NO_REWARD
    t = 0.0 if high <= low else min(1.0, max(0.0, (reward - low) / (high - low)))
    pos = t * (len(_RAMP) - 1)
    i = min(int(pos), len(_RAMP) - 2)
    f = pos - i
    rgb = [round(a + (b - a) * f) for a, b in zip(_RAMP[i], _RAMP[i + 1])]
    return "#%02x%02x%02x" % tuple(rgb)


def tree_layout(versions) -> dict[str, tuple[float, float]]:
    """(x, y) in pixels per version id: y by generation, x by leaf order along first parents."""
    order = lineage_order(versions)
    ids = {v.id for v in order}
    primary = {v.id: next((p for p in v.parents if p in ids), None) for v in order}
    kids: dict[str | None, list[str]] = {}
    for v in order:
        kids.setdefault(primary[v.id], []).append(v.id)
    gen0 = min((v.generation for v in order), default=0)
    depth = {v.id: v.generation - gen0 for v in order}
    column: dict[str, float] = {}
    next_leaf = 0.0
    stack = [(vid, False) for vid in reversed(kids.get(None, []))]
    while stack:  # iterative post-order: deep lineages must not hit the recursion limit
        vid, done = stack.pop()
        children = kids.get(vid, [])
        if not children:
            column[vid] = next_leaf
            next_leaf += 1
        elif done:
            column[vid] = (column[children[0]] + column[children[-1]]) / 2
        else:
            stack.append((vid, True))
            stack.extend((c, False) for c in reversed(children))
    return {vid: (PAD + R + column[vid] * DX, PAD + R + depth[vid] * DY) for vid in column}


def _edge_path(a: tuple[float, float], b: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = a, b
    my = (y1 + y2) / 2
    return f"M{x1:.1f},{y1 + R:.1f} C{x1:.1f},{my:.1f} {x2:.1f},{my:.1f} {x2:.1f},{y2 - R:.1f}"


def _label(version) -> str:
    op = version.operator.value
    return f"{op}: {version.direction}" if version.direction else op


def build_tree(versions, best_id: str | None = None) -> dict:
    """Nodes and edges of the tree, ready for the template (coordinates in px)."""
    pos = tree_layout(versions)
    rewards = [v.reward for v in versions if v.reward is not None]
    low, high = (min(rewards), max(rewards)) if rewards else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = 0.0, 1.0
    nodes, edges = [], []
    for v in versions:
        x, y = pos[v.id]
        nodes.append({"id": v.id, "x": round(x, 1), "y": round(y, 1), "r": R,
                      "colour": reward_colour(v.reward, low, high), "best": v.id == best_id,
                      "tip": f"{v.id[:8]} · gen {v.generation} · {_label(v)} · reward {_fmt(v.reward)}"})
        for p in dict.fromkeys(v.parents):
            if p in pos:
                crossover = v.operator.value == "crossover"
                edges.append({"d": _edge_path(pos[p], (x, y)), "crossover": crossover,
                              "parent": p, "child": v.id})
    width = max((n["x"] for n in nodes), default=0) + R + PAD
    height = max((n["y"] for n in nodes), default=0) + R + PAD + 14
    return {"nodes": nodes, "edges": edges, "width": round(width), "height": round(height),
            "low": low, "high": high, "ramp": [reward_colour(low + (high - low) * t / 4, low, high)
                                               for t in range(5)]}


def _environment():
    import jinja2

    folder = paths.resources_dir() / "templates"
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)),
                              autoescape=jinja2.select_autoescape(["html", "j2"]),
                              trim_blocks=True, lstrip_blocks=True)


def _media_suffix(data: bytes) -> str:
    return ".webm" if data[:4] == b"\x1a\x45\xdf\xa3" else ".mp4"


def export_gallery(project: Project, target_id: str, out: str | Path, *, media: bool = True) -> Path:
    """Write the gallery folder of the target's lineage at ``out`` (a new or empty folder).
    ``media=False`` leaves thumbnails and clips out (a lighter folder). Returns ``out / "index.html"``."""
    lineage = resolve_lineage(project, target_id)
    versions = lineage_order(project.versions(lineage.id))
    if not versions:
        raise ExportError(f"lineage {lineage.title!r} has no versions to show")
    out = Path(out)
    with export_folder(out):
        scored = [v for v in versions if v.reward is not None]
        best = max(scored, key=lambda v: (v.reward, v.created)) if scored else None
        cards = []
        for v in versions:
            files = project.version_files(v.id)
            playable = "index.html" in files
            if playable:
                packaged = package_game(files, v.id)
                # a sandboxed frame's page has an opaque origin and may load no file:// resource
                packaged["index.html"] = inline_page(packaged)
                for rel, data in packaged.items():
                    if rel.startswith(LIB_PREFIX):
                        continue  # CDN libraries are inlined above; a sandboxed frame loads no file
                    target = out / "games" / v.id / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            thumb = clip = None
            if media:
                png = project.thumbnail(v.id)
                if png:
                    thumb = f"media/{v.id}.png"
                    (out / "media").mkdir(exist_ok=True)
                    (out / thumb).write_bytes(png)
                rec = latest_recording(project, v.id)
                data = project.blob(rec.video_sha) if rec is not None else None
                if data:
                    suffix = _media_suffix(data)
                    clip = {"src": f"media/{v.id}{suffix}", "type": f"video/{suffix[1:]}",
                            "seconds": round(rec.duration, 1)}
                    (out / "media").mkdir(exist_ok=True)
                    (out / clip["src"]).write_bytes(data)
            plan = dict(v.plan or {})
            cards.append({
                "id": v.id, "short": v.id[:8], "title": plan.get("title") or lineage.title,
                "generation": v.generation, "operator": v.operator.value, "direction": v.direction,
                "reward": _fmt(v.reward), "reward_value": v.reward, "rating": v.rating,
                "bt": _fmt(v.bt_score) if v.bt_score is not None else None,
                "status": v.status.value, "mechanics": list(v.mechanics), "model": v.model or "",
                "parents": [p for p in v.parents], "note": user_note(v.note),
                "created": time.strftime("%Y-%m-%d %H:%M", time.gmtime(v.created or 0)),
                "colour": None, "thumb": thumb, "clip": clip,
                "game": f"games/{v.id}/index.html" if playable else None,
                "best": best is not None and v.id == best.id,
            })
        tree = build_tree(versions, best.id if best else None)
        colours = {n["id"]: n["colour"] for n in tree["nodes"]}
        for card in cards:
            card["colour"] = colours[card["id"]]
        data = {"lineage": {"id": lineage.id, "title": lineage.title, "description": lineage.description,
                            "tags": list(lineage.tags)},
                "versions": [{k: c[k] for k in ("id", "generation", "operator", "direction", "reward_value",
                                                "rating", "status", "mechanics", "model", "parents", "game",
                                                "thumb", "clip")} for c in cards],
                "exported": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        # inline JSON must not be able to close its <script> element
        data_json = (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
                     .replace("&", "\\u0026"))
        page = _environment().get_template(TEMPLATE).render(
            lineage=lineage, cards=cards, tree=tree, data_json=data_json, count=len(cards),
            best=best, exported=data["exported"])
        index = out / "index.html"
        index.write_text(page, encoding="utf-8")
    return index
