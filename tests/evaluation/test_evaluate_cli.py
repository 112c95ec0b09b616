"""`ludeme evaluate` as a user meets it: one-line refusals with exit 2, exit 0 whatever the verdict,
results kept with a stored version, replays that reproduce a run exactly."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ludeme.cli import main
from ludeme.evaluation.recording import probe_recording
from ludeme.store import create_default_project, open_project

CORPUS = Path(__file__).parent / "corpus"
GOOD = str(CORPUS / "good_square.html")


@pytest.mark.parametrize("argv,needle", [
    (["evaluate", GOOD, "--seconds", "0"], "--seconds"),
    (["evaluate", GOOD, "--record", "out.avi"], ".webm or .mp4"),
    (["evaluate", "missing.html"], "no such file"),
    (["evaluate", "abcdef0123456789"], "--project"),
    (["evaluate", GOOD, "--bot", "replay"], "--trace"),
    (["evaluate", GOOD, "--bot", "genius"], "unknown bot 'genius'"),
    (["evaluate", GOOD, GOOD, "--record", "x.webm"], "one game"),
])
def test_bad_arguments(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


def test_empty_or_unreadable_input(capsys, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("  \n")
    assert main(["evaluate", str(empty)]) == 2
    assert "empty" in capsys.readouterr().err
    trace = tmp_path / "trace.json"
    trace.write_text("{not json")
    assert main(["evaluate", GOOD, "--bot", "replay", "--trace", str(trace)]) == 2
    assert "trace" in capsys.readouterr().err


def test_a_broken_game_still_exits_0_with_its_verdict(qapp, capsys):
    assert main(["evaluate", str(CORPUS / "truncated_llm.html"), "--seconds", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "broken" and report["reward"] <= 0.05


def test_text_report_and_mp4_recording(qapp, capsys, tmp_path):
    out = tmp_path / "clip.mp4"
    assert main(["evaluate", GOOD, "--seconds", "2", "--record", str(out)]) == 0
    text = capsys.readouterr().out
    for word in ("verdict: playable", "checks:", "stages:", "metrics:", "reward:", "blocked requests: 0", "recording:"):
        assert word in text
    info = probe_recording(out)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac") and abs(info.duration - 2) < 0.05


def test_stored_version_keeps_its_evaluation(qapp, capsys, tmp_path):
    path = tmp_path / "p.ludeme"
    project = create_default_project(path)
    version = next(v for v in project.versions() if v.lineage_id == project.lineages()[0].id)
    project.close()
    assert main(["evaluate", version.id, "--project", str(path), "--seconds", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    with open_project(path) as project:
        stored = project.version(version.id)
        assert stored.reward == pytest.approx(report["reward"])
        assert stored.breakdown["verdict"] == report["verdict"] == "playable"
        recording = project.recordings(version.id)[-1]
        assert recording.duration == pytest.approx(2.0, abs=0.05)
        assert recording.bot == "explorer"
        video = tmp_path / "stored.webm"
        video.write_bytes(project.blob(recording.video_sha))
        assert probe_recording(video).video_codec == "vp9"
        assert project.blob(recording.contact_sheet_sha).startswith(b"\x89PNG")
        assert recording.input_trace and all(isinstance(e, dict) and "type" in e for e in recording.input_trace), \
            "the bot's inputs are stored for replay"


def test_replaying_a_trace_reproduces_the_run(qapp, capsys, tmp_path):
    game = tmp_path / "sky.html"
    from ludeme.core.kit import build_game_html

    game.write_text(build_game_html("sky_hopper"))
    assert main(["evaluate", str(game), "--seconds", "3", "--seed", "7", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    trace = tmp_path / "report.json"
    trace.write_text(json.dumps(first))
    assert main(["evaluate", str(game), "--seconds", "3", "--seed", "7", "--bot", "replay",
                 "--trace", str(trace), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    for key in ("visual_activity", "visual_variety", "keyframe_clusters", "score_max", "events", "onsets"):
        assert again["metrics"][key] == first["metrics"][key], key


def test_roots_and_children_share_one_reward_scale(qapp, capsys, tmp_path):
    """A root has a quality like any version and no progress yet (it counts 0 in the score), no
    cosmetic penalty, so a child that plays as well and adds a mechanic can score above it."""
    from ludeme.core.kit import build_game_html

    game = tmp_path / "dune.html"
    game.write_text(build_game_html("dune_dash"))
    assert main(["evaluate", str(game), "--seconds", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    terms = report["breakdown"]
    assert terms["structural"]["value"] is None and terms["structural"]["weight"] == 0
    assert terms["novelty"]["value"] is None and terms["cosmetic"]["contribution"] == 0
    assert report["progress"] is None and 0.4 < report["quality"] <= 1.0
    assert report["reward"] == pytest.approx(0.65 * report["quality"], abs=2e-3)
