"""A project with a lineage worth exporting: mutations, a fork, a crossover (also across lineages),
a soft-deleted version, stars, a favourite, Bradley–Terry scores, votes (human and judge), probe
results, lessons in the lineage memory, and recordings with real media."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from ludeme.core.domain import Operator, VersionStatus
from ludeme.core.kit import build_game_html
from ludeme.store.seeding import create_default_project

TABLES = ("lineage", "version", "version_parent", "blob", "version_file", "mechanic",
          "version_mechanic", "recording", "vote", "memory", "job", "ledger", "meta")


def real_media(tmp_path: Path) -> tuple[bytes, bytes, bytes]:
    """A short WebM (VP9 + Opus) of a moving square with a beep, a contact sheet and a thumbnail."""
    from ludeme.evaluation.recording import contact_sheet, encode_png, thumbnail, write_recording

    frames = []
    for i in range(12):
        frame = np.zeros((96, 128, 3), np.uint8)
        frame[30:60, 8 * i:8 * i + 30] = (250, 120, 20)
        frames.append(frame)
    t = np.arange(48000 // 2) / 48000
    beep = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    path = tmp_path / "clip.webm"
    write_recording(path, frames, 24, audio=beep, sample_rate=48000)
    sheet = contact_sheet(frames, cols=3, rows=1, tile_width=64)
    return path.read_bytes(), encode_png(sheet), encode_png(thumbnail(frames, width=64))


def grow_family(project, tmp_path: Path) -> dict:
    """Returns the made objects by name (versions, the other lineage, the media)."""
    lineages = project.lineages()
    lin, other = lineages[0], lineages[1]
    root = [v for v in project.versions(lin.id) if not v.parents][0]
    other_root = [v for v in project.versions(other.id) if not v.parents][0]
    mech = project.mechanics()[:3]
    html = {slug: build_game_html(slug).encode() for slug in ("dune_dash", "brick_bloom", "sky_hopper")}
    a = project.add_version(
        lin.id, {"index.html": html["dune_dash"], "assets/notes.txt": b"tuned jump " * 40},
        [root.id], operator=Operator.MUTATE, status=VersionStatus.EVALUATED,
        plan={"intent": "floatier jump", "mechanics": [m.id for m in mech[:2]], "steps": [1, 2.5, None]},
        mechanics=[mech[0].id, "made_up_mechanic"], planned=[mech[1].id], reward=0.4125,
        breakdown={"verdict": "playable", "terms": {"novelty": 0.3, "juice": 0.51}},
        seed=17, model="offline", tokens_in=1234, tokens_out=567, cost=0.00123, wall_time=3.25,
        note="feels better — ünïcödé ✓", direction="make the jump floatier")
    b = project.add_version(lin.id, {"index.html": html["brick_bloom"]}, [root.id],
                            operator=Operator.MUTATE, status=VersionStatus.BROKEN, reward=0.0,
                            direction="more enemies")
    c = project.add_version(lin.id, {"index.html": html["dune_dash"]}, [a.id], operator=Operator.FORK)
    x = project.add_version(lin.id, {"index.html": html["sky_hopper"]}, [a.id, b.id],
                            operator=Operator.CROSSOVER, status=VersionStatus.EVALUATED, reward=0.66)
    y = project.add_version(lin.id, {"index.html": html["sky_hopper"], "extra.js": b"let k = 1;"},
                            [(x.id, "crossover"), (other_root.id, "crossover")],
                            operator=Operator.CROSSOVER, status=VersionStatus.VALIDATING)
    project.soft_delete(c.id)
    project.set_rating(a.id, 4)
    project.set_rating(x.id, 0)
    project.set_favourite(x.id)
    project.set_bt_scores({a.id: (1510.5, 1480.0, 1540.25), x.id: (1490.0, 1450.5, 1530.0)})
    project.set_probe_result(a.id, mech[0].id, True, "the jump lasted 0.8 s")
    project.update_lineage(lin.id, favourite=True, tags=["arcade", "keepers"], island=2,
                           description="the good ones")
    video, sheet, thumb = real_media(tmp_path)
    project.add_recording(a.id, video=video, contact_sheet=sheet, thumbnail=thumb,
                          input_trace=[{"t": 0.1, "key": "Space", "down": True}], console_log="log: hi",
                          metrics={"fps": 24.0, "motion": 0.31}, duration=0.5, fps=24, bot="monkey")
    project.add_recording(x.id, video=video, thumbnail=thumb, duration=0.5, fps=24, bot="idle")
    project.add_vote(a.id, b.id, "left")
    project.add_vote(x.id, a.id, "tie", voter="judge", judge_model="offline-judge", blind=True)
    project.add_vote(a.id, other_root.id, "right")      # other_root is exported (y's parent)
    outsider = [v for v in project.versions(lineages[2].id)][0]
    project.add_vote(a.id, outsider.id, "both_bad")     # never exported: the outsider is not
    project.add_memory(lin.id, "floatier jump", "lower gravity helped", q=0.62, visits=3)
    project.add_memory(lin.id, "more enemies", "broke the spawner", q=-0.2, visits=1)
    project.add_memory(other.id, "other lineage's lesson", "stays home unless exported")
    # Secrets a project may hold: none of this may leave in a bundle.
    project.set_meta("agent_settings", '{"api_base": "http://localhost:1/v1", "api_key": "sk-SECRET-123"}')
    project.set_meta("note", "sk-SECRET-123")
    return {"lineage": lin, "other": other, "root": root, "other_root": other_root, "a": a, "b": b,
            "c": c, "x": x, "y": y, "outsider": outsider, "video": video, "sheet": sheet,
            "thumb": thumb, "mechanics": mech}


def family_project(tmp_path: Path, name: str = "studio.ludeme"):
    project = create_default_project(tmp_path / name)
    return project, grow_family(project, tmp_path)


def file_sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def row_counts(path: Path) -> dict[str, int]:
    # immutable: a read-only look at a closed project that leaves no -wal/-shm files behind
    conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()
