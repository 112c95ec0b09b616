"""SEARCH/REPLACE edits: parsing a model's reply and applying it with a tolerant matcher.

Format (markers of 5 or more characters are accepted, fences around or inside are ignored, and a
missing final ``>>>>>>> REPLACE`` is tolerated at the end of the reply or before the next block)::

    <<<<<<< SEARCH
    exact lines of the current code
    =======
    the new lines
    >>>>>>> REPLACE

Each edit is matched against the text as left by the edits before it: exactly; else line by line
with surrounding whitespace ignored; else by a fuzzy window of the same number of lines
(difflib ratio >= 0.9). Several places matching, or none, is an :class:`EditFailed` naming the edit
and why (OpenEvolve's most common failure; showing the model the failure is how it gets fixed).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ludeme.agents.schemas import Edit

FUZZY_THRESHOLD = 0.9
_AMBIGUITY_MARGIN = 0.02
_MAX_FUZZY_RATIOS = 48

_SEARCH = re.compile(r"^\s*<{5,}\s*SEARCH\s*$")
_DIVIDER = re.compile(r"^\s*={5,}\s*$")
_REPLACE = re.compile(r"^\s*>{5,}\s*REPLACE\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)[\w+-]*\s*$")


class EditFailed(ValueError):
    """An edit could not be parsed or applied. ``failures`` lists every failed edit of the batch."""

    def __init__(self, index: int | None, reason: str, edit: Edit | None = None,
                 total: int | None = None):
        self.index = index
        self.reason = reason
        self.edit = edit
        self.total = total
        self.failures: list[EditFailed] = [self]
        where = "edits" if index is None else (
            f"edit {index + 1}" + (f" of {total}" if total else ""))
        super().__init__(f"{where}: {reason}")


class EditParseError(EditFailed):
    """The reply's SEARCH/REPLACE blocks are malformed."""


@dataclass(frozen=True)
class EditReport:
    index: int
    how: str                  # exact | whitespace | fuzzy
    line: int                 # 1-based line where the match starts
    score: float = 1.0

    def to_dict(self) -> dict:
        return {"index": self.index, "how": self.how, "line": self.line, "score": self.score}


@dataclass
class ApplyResult:
    text: str
    reports: list[EditReport] = field(default_factory=list)


# ----------------------------------------------------------------------------------- parsing

def has_edit_blocks(text: str) -> bool:
    return any(_SEARCH.match(line) for line in text.splitlines())


def _trim_fences(lines: list[str]) -> list[str]:
    while lines and _FENCE.match(lines[0]):
        lines = lines[1:]
    while lines and _FENCE.match(lines[-1]):
        lines = lines[:-1]
    return lines


def parse_edits(text: str) -> list[Edit]:
    """Every SEARCH/REPLACE block of a reply, in order. EditParseError when one is malformed."""
    edits: list[Edit] = []
    state = "out"
    search: list[str] = []
    replace: list[str] = []

    def close() -> None:
        s = _trim_fences(search)
        r = _trim_fences(replace)
        edits.append(Edit(search="\n".join(s), replace="\n".join(r)))

    for line in text.splitlines():
        if state == "out":
            if _SEARCH.match(line):
                state, search, replace = "search", [], []
            continue
        if state == "search":
            if _DIVIDER.match(line):
                state = "replace"
            elif _SEARCH.match(line) or _REPLACE.match(line):
                raise EditParseError(len(edits), "a SEARCH block has no '=======' divider")
            else:
                search.append(line)
            continue
        # state == "replace"
        if _REPLACE.match(line):
            close()
            state = "out"
        elif _SEARCH.match(line):            # final marker forgotten before the next block
            close()
            state, search, replace = "search", [], []
        elif _DIVIDER.match(line):
            raise EditParseError(len(edits), "a block has two '=======' dividers")
        else:
            replace.append(line)
    if state == "search":
        raise EditParseError(len(edits), "the last SEARCH block has no '=======' divider (reply cut off?)")
    if state == "replace":
        close()                               # missing final marker at the end of the reply
    for i, e in enumerate(edits):
        if not e.search.strip():
            raise EditParseError(i, "empty SEARCH section: copy the lines to replace from the code",
                                 e, len(edits))
    return edits


def format_edits(edits: list[Edit]) -> str:
    return "\n".join(f"<<<<<<< SEARCH\n{e.search}\n=======\n{e.replace}\n>>>>>>> REPLACE"
                     for e in edits)


# ---------------------------------------------------------------------------------- matching

def _lines(text: str) -> list[str]:
    return text.split("\n")


def _strip_blank_ends(lines: list[str]) -> list[str]:
    a, b = 0, len(lines)
    while a < b and not lines[a].strip():
        a += 1
    while b > a and not lines[b - 1].strip():
        b -= 1
    return lines[a:b]


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def _reindent(replace: str, search_lines: list[str], found_lines: list[str]) -> str:
    """Shift the replacement's indentation by the difference between SEARCH and the code found."""
    s0 = next((l for l in search_lines if l.strip()), None)
    f0 = next((l for l in found_lines if l.strip()), None)
    if s0 is None or f0 is None:
        return replace
    si, fi = _indent(s0), _indent(f0)
    if si == fi:
        return replace
    out = []
    for line in replace.split("\n"):
        if line.startswith(si):
            out.append(fi + line[len(si):])
        else:
            out.append(line)
    return "\n".join(out)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _splice(lines: list[str], start: int, n: int, replace: str) -> str:
    return "\n".join(lines[:start] + replace.split("\n") + lines[start + n:])


def apply_edit(text: str, edit: Edit, index: int = 0, total: int | None = None
               ) -> tuple[str, EditReport]:
    """Apply one edit; EditFailed (naming it) when it matches nowhere or in several places."""
    search = edit.search
    if not search.strip():
        raise EditFailed(index, "empty SEARCH section", edit, total)

    # 1. exact
    count = text.count(search)
    if count == 1:
        pos = text.find(search)
        return (text[:pos] + edit.replace + text[pos + len(search):],
                EditReport(index, "exact", _line_of(text, pos)))
    if count > 1:
        lines_at = []
        p = text.find(search)
        while p >= 0 and len(lines_at) < 5:
            lines_at.append(_line_of(text, p))
            p = text.find(search, p + 1)
        raise EditFailed(index, f"ambiguous: the SEARCH text occurs {count} times (lines "
                         f"{', '.join(map(str, lines_at))}); include more surrounding lines",
                         edit, total)

    lines = _lines(text)
    s_lines = _strip_blank_ends(_lines(search))
    n = len(s_lines)
    if n == 0 or n > len(lines):
        raise EditFailed(index, "SEARCH text not found (it is longer than the code)", edit, total)
    replace = edit.replace

    # 2. whitespace-normalised, line by line
    s_norm = [l.strip() for l in s_lines]
    norm = [l.strip() for l in lines]
    hits = [i for i in range(len(lines) - n + 1) if norm[i:i + n] == s_norm]
    if len(hits) == 1:
        i = hits[0]
        rep = _reindent(replace, s_lines, lines[i:i + n])
        return _splice(lines, i, n, rep), EditReport(index, "whitespace", i + 1)
    if len(hits) > 1:
        raise EditFailed(index, f"ambiguous: the SEARCH lines match {len(hits)} places (lines "
                         f"{', '.join(str(h + 1) for h in hits[:5])}) once whitespace is ignored; "
                         "include more surrounding lines", edit, total)

    # 3. fuzzy window of n lines
    target = "\n".join(s_norm)
    sm = difflib.SequenceMatcher(None, autojunk=False)
    sm.set_seq2(target)
    candidates: list[tuple[float, int]] = []
    for i in range(len(lines) - n + 1):
        sm.set_seq1("\n".join(norm[i:i + n]))
        if sm.real_quick_ratio() >= FUZZY_THRESHOLD:
            q = sm.quick_ratio()
            if q >= FUZZY_THRESHOLD:
                candidates.append((q, i))
    # ratio() is the slow part: only for the most promising windows (quick_ratio bounds it).
    candidates.sort(key=lambda t: -t[0])
    scored: list[tuple[float, int]] = []
    best = (0.0, -1)
    for _q, i in candidates[:_MAX_FUZZY_RATIOS]:
        sm.set_seq1("\n".join(norm[i:i + n]))
        r = sm.ratio()
        if r > best[0]:
            best = (r, i)
        if r >= FUZZY_THRESHOLD:
            scored.append((r, i))
    scored.sort(key=lambda t: t[1])
    if not scored:
        detail = "" if best[1] < 0 else f" (closest: {best[0]:.2f} similar at line {best[1] + 1})"
        raise EditFailed(index, "SEARCH text not found: it matches no part of the code exactly, "
                         f"ignoring whitespace, or fuzzily{detail}; copy the lines from the "
                         "current code", edit, total)
    # Overlapping windows are one place; keep the best window of each cluster.
    clusters: list[list] = []          # [best ratio, best start, first start]
    for r, i in scored:                # already in order of start
        if clusters and i < clusters[-1][2] + n:
            if r > clusters[-1][0]:
                clusters[-1][0], clusters[-1][1] = r, i
        else:
            clusters.append([r, i, i])
    clusters.sort(key=lambda c: -c[0])
    if len(clusters) > 1 and clusters[0][0] - clusters[1][0] < _AMBIGUITY_MARGIN:
        raise EditFailed(index, f"ambiguous: the SEARCH text fuzzily matches {len(clusters)} "
                         f"places (lines {', '.join(str(c[1] + 1) for c in clusters[:5])}); "
                         "include more surrounding lines", edit, total)
    r, i = clusters[0][0], clusters[0][1]
    rep = _reindent(replace, s_lines, lines[i:i + n])
    return _splice(lines, i, n, rep), EditReport(index, "fuzzy", i + 1, round(r, 4))


def apply_edits(text: str, edits: list[Edit]) -> ApplyResult:
    """Apply edits in order. If any fails, EditFailed is raised (for the first failure) after
    trying them all; its ``failures`` lists every failed edit with its reason."""
    if not edits:
        raise EditFailed(None, "the reply holds no SEARCH/REPLACE edit")
    reports: list[EditReport] = []
    failures: list[EditFailed] = []
    total = len(edits)
    for i, e in enumerate(edits):
        try:
            text, rep = apply_edit(text, e, i, total)
            reports.append(rep)
        except EditFailed as err:
            failures.append(err)
    if failures:
        first = failures[0]
        first.failures = failures
        raise first
    return ApplyResult(text, reports)


# ------------------------------------------------------------------------------ html replies

_DOC_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_DOC_END = re.compile(r"</html\s*>", re.IGNORECASE)
_FENCED = re.compile(r"(?:```|~~~)[\w+-]*[ \t]*\n(.*?)(?:\n[ \t]*(?:```|~~~)|\Z)", re.DOTALL)


def looks_like_html_document(text: str | None) -> bool:
    """A whole HTML document: starts with a doctype or <html>, has a script and the closing </html>."""
    if not text:
        return False
    t = text.lstrip("\ufeff \t\r\n")
    if not re.match(r"(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", t, re.IGNORECASE | re.DOTALL):
        return False
    return bool(re.search(r"<script", t, re.IGNORECASE)) and bool(_DOC_END.search(t))


def extract_html(reply_text: str | None) -> str | None:
    """The HTML document in a reply: the longest fenced block that is one, else the raw span from
    the doctype / <html> to the last </html> (or to the end, when cut off). None if there is none."""
    if not reply_text:
        return None
    docs = [m.group(1).strip() for m in _FENCED.finditer(reply_text)]
    docs = [d for d in docs if _DOC_START.match(d.lstrip("\ufeff \t\r\n"))]
    if docs:
        full = [d for d in docs if looks_like_html_document(d)]
        return max(full or docs, key=len) + "\n"
    m = re.search(r"<!doctype\s+html", reply_text, re.IGNORECASE) or _DOC_START.search(reply_text)
    if not m:
        return None
    rest = reply_text[m.start():]
    ends = list(_DOC_END.finditer(rest))
    if ends:
        rest = rest[:ends[-1].end()]
    return rest.strip() + "\n"
