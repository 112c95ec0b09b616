"""The command line as a user meets it: one-line errors with exit 2, listings, the screenshot mode."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ludeme import __version__
from ludeme.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, timeout=120):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "ludeme", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"ludeme {__version__}"


@pytest.mark.parametrize("argv", [["frobnicate"], ["list"], ["list", "--project"], ["gui", "--bogus"]])
def test_bad_arguments_give_one_line_and_exit_2(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ludeme: ") and err.count("\n") == 1


def test_missing_project(capsys, tmp_path):
    assert main(["list", "--project", str(tmp_path / "nope.ludeme")]) == 2
    err = capsys.readouterr().err
    assert "no such project" in err and err.count("\n") == 1


@pytest.mark.parametrize("content", [b"", b"hello, not a database\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 64])
def test_unusable_project_is_refused_untouched(capsys, tmp_path, content):
    bad = tmp_path / "bad.ludeme"
    bad.write_bytes(content)
    assert main(["list", "--project", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ludeme: ") and err.count("\n") == 1 and bad.name in err
    assert bad.read_bytes() == content
    assert main(["gui", "--project", str(bad), "--screenshot", str(tmp_path / "x.png")]) == 2


def test_init_and_list(capsys, tmp_path):
    project = tmp_path / "p.ludeme"
    assert main(["init", "--project", str(project)]) == 0
    assert main(["init", "--project", str(project)]) == 2  # never overwrites
    capsys.readouterr()
    assert main(["list", "--project", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    titles = [lin["title"] for lin in data["lineages"]]
    assert len(titles) >= 8
    assert all(len(lin["versions"]) == 1 and lin["versions"][0]["operator"] == "seed" for lin in data["lineages"])
    assert main(["list", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert all(t in out for t in titles)


def test_screenshot_of_a_playing_game(tmp_path):
    project = tmp_path / "shot.ludeme"
    assert main(["init", "--project", str(project)]) == 0
    out = tmp_path / "studio.png"
    result = run_cli("gui", "--project", str(project), "--screenshot", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 1000 and image.height() >= 600
    # The game area is not blank: many distinct colours in the right-hand (player) half.
    colours = {image.pixel(x, y) for x in range(image.width() // 2, image.width(), 17)
               for y in range(60, image.height() - 200, 17)}
    assert len(colours) > 20


def test_screenshot_needs_png(capsys, tmp_path):
    assert main(["gui", "--screenshot", str(tmp_path / "x.jpg")]) == 2
