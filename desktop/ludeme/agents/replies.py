"""A coder's or repairer's reply, in whatever shape a real model gives it, as a :class:`CodeReply`.

Shapes understood, tried in this order:

1. a structured reply already parsed by the client (``reply.parsed``);
2. JSON, bare or fenced, with or without prose around it: ``{"mode": "full", "html": "…"}``,
   ``{"html": "…"}`` (mode inferred), ``{"code"|"document"|"content": "…"}``,
   ``{"files": {"index.html": "…"}}``, ``{"mode": "edits", "edits": [{"search", "replace"}]}`` or
   edits as one string of SEARCH/REPLACE blocks. The html is the JSON string *decoded* (real
   newlines, not ``\\n`` escapes). JSON cut off inside its html string is a clear rejection;
3. SEARCH/REPLACE blocks (:mod:`ludeme.agents.edits`);
4. an HTML document, fenced or with prose around it.

Reasoning blocks (``<think>…</think>``) are removed first: their drafts are not the answer.
A document cut off before ``</html>`` is rejected with a reason that says so and what to do.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ludeme.agents.edits import extract_html, has_edit_blocks, parse_edits
from ludeme.agents.schemas import CodeReply, Edit

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>\s*", re.IGNORECASE | re.DOTALL)
_OPEN_THINK = re.compile(r"^\s*<(think|thinking|reasoning)>", re.IGNORECASE)
_JSON_FENCE = re.compile(r"```(?:json|JSON)[ \t]*\n")
_NOTES = re.compile(r"^\s*NOTES:\s*(.*)$", re.MULTILINE)
_HTML_KEYS = ("html", "code", "document", "content", "page", "source")
_LOOSE_KEYS = _HTML_KEYS[1:]            # accepted only when the value looks like a page
_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]|<script", re.IGNORECASE)
_HTML_STRING = re.compile(r'"(?:html|code|document|content|page|source|index\.html)"\s*:\s*"')
_DOC_END = re.compile(r"</html\s*>", re.IGNORECASE)

CUT_OFF_ADVICE = ("raise max_tokens for this role in Settings ▸ Models, or let the coder answer "
                  "with SEARCH/REPLACE edits")


class ReplyRejected(ValueError):
    """The reply holds nothing usable; the message says why."""


def strip_reasoning(text: str) -> str:
    """The reply without its closed reasoning blocks."""
    return _THINK.sub("", text or "")


def _looks_like_json(text: str) -> bool:
    t = text.lstrip()
    return t.startswith("{") or bool(_JSON_FENCE.search(text))


def _normalise(data: Any) -> dict | None:
    """A JSON value as CodeReply fields, or None when it is not a code reply."""
    if not isinstance(data, Mapping):
        return None
    d = {str(k).lower(): v for k, v in data.items()}
    notes = d.get("notes") or d.get("summary") or d.get("explanation") or ""
    notes = notes if isinstance(notes, str) else json.dumps(notes)
    edits = d.get("edits")
    if isinstance(edits, str):
        edits = [e.model_dump() for e in parse_edits(edits)] if has_edit_blocks(edits) else None
    if isinstance(edits, list) and edits and (d.get("mode") in (None, "edits")):
        items = []
        for e in edits:
            if isinstance(e, Mapping):
                e = {str(k).lower(): v for k, v in e.items()}
                search = e.get("search", e.get("find", e.get("old")))
                replace = e.get("replace", e.get("new", e.get("replacement", "")))
                if isinstance(search, str) and isinstance(replace, str):
                    items.append(Edit(search=search, replace=replace))
        if items:
            return {"mode": "edits", "edits": items, "notes": notes}
    html = next((d[k] for k in _HTML_KEYS if isinstance(d.get(k), str) and d[k].strip()
                 and (k not in _LOOSE_KEYS or _PAGE.search(d[k]))), None)
    files = d.get("files")
    if html is None and isinstance(files, Mapping):
        html = next((v for k, v in files.items() if str(k).lower().endswith((".html", ".htm"))
                     and isinstance(v, str)), None)
    if html is not None:
        return {"mode": "full", "html": html, "notes": notes}
    return None


def _json_reply(text: str) -> CodeReply | None:
    """The JSON code reply in ``text``, None when there is none. ReplyRejected when the JSON was
    cut off inside its html string."""
    from ludeme.agents.llm import json_candidates

    for cand in json_candidates(text):
        try:
            data = json.loads(cand, strict=False)
        except ValueError:
            continue
        fields = _normalise(data)
        if fields is not None:
            return CodeReply(**fields)
    # Not valid JSON: a string value cut short, or trailing junk after a whole string.
    m = _HTML_STRING.search(text)
    if not m:
        return None
    body = re.match(r'((?:[^"\\]|\\.)*)(")?', text[m.end():], re.DOTALL)
    raw, closed = body.group(1), body.group(2) is not None
    raw = raw[:-1] if raw.endswith("\\") and not raw.endswith("\\\\") else raw
    try:
        html = json.loads(f'"{raw}"', strict=False)
    except ValueError:
        return None
    if closed and not _DOC_END.search(html):
        return None                     # a whole string that is not a page: not a code reply
    if not closed:
        raise ReplyRejected(f"the reply was cut off inside its JSON after {len(html)} characters "
                            f"of html (no closing </html>): {CUT_OFF_ADVICE}")
    return CodeReply(mode="full", html=html)


def parse_code_reply(reply: Any) -> CodeReply:
    """A coder reply as CodeReply. EditFailed when edit blocks are malformed; ReplyRejected when
    there is nothing usable (the message names the shape found)."""
    parsed = getattr(reply, "parsed", None)
    if isinstance(parsed, CodeReply):
        return parsed
    if isinstance(parsed, Mapping) and (fields := _normalise(parsed)) is not None:
        return CodeReply(**fields)
    raw = getattr(reply, "text", "") or ""
    text = strip_reasoning(raw)
    if not text.strip() or _OPEN_THINK.match(text):
        raise ReplyRejected("the reply holds only the model's reasoning, no answer"
                            + (f": {CUT_OFF_ADVICE}" if _OPEN_THINK.match(text) else ""))
    m = _NOTES.search(text)
    notes = m.group(1).strip() if m else ""
    if _looks_like_json(text):
        code = _json_reply(text)
        if code is not None:
            return code
    if has_edit_blocks(text):
        return CodeReply(mode="edits", edits=parse_edits(text), notes=notes)
    html = extract_html(text)
    if html:
        return CodeReply(mode="full", html=html, notes=notes)
    code = _json_reply(text)
    if code is not None:
        return code
    raise ReplyRejected("the reply holds neither an HTML document, SEARCH/REPLACE edits nor a "
                        f"JSON code reply (it starts: {' '.join(text.split())[:80]!r})")


def cut_off_problem(html: str) -> str | None:
    """Why a document looks cut off (it starts as a document but never closes), else None."""
    t = (html or "").lstrip("\ufeff \t\r\n")
    if re.match(r"(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", t, re.IGNORECASE | re.DOTALL) \
            and not _DOC_END.search(t):
        return (f"the document stops after {len(t)} characters without </html> (the reply was "
                f"cut off): {CUT_OFF_ADVICE}")
    return None
