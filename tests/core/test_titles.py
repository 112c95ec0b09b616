"""An imported game's lineage is named as the game names itself, not after its file."""
from __future__ import annotations

import pytest

from ludeme.core.titles import document_title, file_title, import_title


@pytest.mark.parametrize("html, expected", [
    ("<html><head><title> Neon   Snake &amp; Friends </title></head><body><h1>Play</h1>", "Neon Snake & Friends"),
    ("<title>Document</title><body><h1>Tetris <small>deluxe</small></h1>", "Tetris deluxe"),
    ("<body><div><h2>Brick Breaker</h2></div><h1>Score</h1>", "Score"),     # h1 before h2
    ("<body><script>document.write('<h1>fake</h1>')</script><h2>Frogger</h2>", "Frogger"),
    ("<title></title><title>second</title><h3>Lily Pads</h3>", "Lily Pads"),
    ("<canvas></canvas><script>let t = '<title>x</title>'</script>", None),
    ("<title>   </title><h1>—</h1>", None),
    ("<title>" + "x" * 500 + "</title>", "x" * 120),
    ("<title>unclosed", None),
])
def test_document_title(html, expected):
    assert document_title(html) == expected


def test_import_title_falls_back_to_a_readable_file_name():
    assert import_title("<canvas></canvas>", "/tmp/lily_pads-v2.html") == "Lily Pads V2"
    assert import_title("<canvas></canvas>", None) == "Imported game"
    assert import_title("<title>Frog Hop</title>", "/tmp/V1.html") == "Frog Hop"
    assert file_title("...html") == "Imported game"
