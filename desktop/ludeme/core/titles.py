"""What a game calls itself: the title an imported game's lineage gets.

``<title>`` when it names the game, else the first heading (h1, then h2, h3), else the file name
made readable. Placeholder titles that editors and generators leave ("Document", "Untitled",
"index", "Game") do not count as names. Pure: the standard library's HTML parser, nothing else.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePath

MAX_TITLE = 120
_PLACEHOLDERS = {"", "document", "untitled", "untitled document", "index", "index.html", "game",
                 "html5 game", "my game", "new game", "page", "home", "app", "title", "canvas"}


class _Titles(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.headings: dict[str, str] = {}
        self._in: str | None = None
        self._buf: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style", "template", "noscript"):
            self._skip += 1
        elif self._in is None and tag in ("title", "h1", "h2", "h3") and not self._skip:
            if tag == "title" and self.title or tag in self.headings:
                return
            self._in, self._buf = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag == self._in:
            text = " ".join("".join(self._buf).split())
            if tag == "title":
                self.title.append(text)
            else:
                self.headings[tag] = text
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None and not self._skip:
            self._buf.append(data)


def _named(text: str | None) -> str | None:
    t = " ".join((text or "").split()).strip(" -–—|:")
    if t.lower() in _PLACEHOLDERS or not re.search(r"\w", t):
        return None
    return t[:MAX_TITLE]


def document_title(html: str) -> str | None:
    """The game's own name from its markup, None when it gives none."""
    p = _Titles()
    try:
        p.feed(html[:400_000])
        p.close()
    except Exception:  # noqa: BLE001 - a page the parser cannot read names nothing
        return None
    for candidate in [*p.title[:1], p.headings.get("h1"), p.headings.get("h2"), p.headings.get("h3")]:
        if (name := _named(candidate)) is not None:
            return name
    return None


def file_title(name: str | PurePath) -> str:
    """A file name as a title: ``lily_pads-v2.html`` → ``Lily Pads V2``."""
    stem = PurePath(str(name)).stem
    words = re.sub(r"[_\-.]+", " ", stem).split()
    return (" ".join(w[:1].upper() + w[1:] for w in words) or "Imported game")[:MAX_TITLE]


def import_title(html: str, file_name: str | PurePath | None = None) -> str:
    """The lineage title of an imported game."""
    return document_title(html) or (file_title(file_name) if file_name else "Imported game")
