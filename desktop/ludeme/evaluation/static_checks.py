"""Stage 1 of the evaluation cascade: cheap checks on a game's source, no browser needed.

``static_checks(html)`` returns one :class:`Check` per property a playable canvas game needs
(DESIGN.md §5, RESEARCH.md "Static checks"): the scripts are complete (bracket balance, which is
what an LLM reply cut off mid-function breaks), a canvas context is obtained, the main loop re-arms
itself, input is listened to, something updates and something draws, the game starts on load, and
nothing reaches the network. Failed checks of severity ``"error"`` stop the cascade; warnings are
reported and cost nothing here.

Speed matters (it runs on every proposal: about 4 ms for a 90 KB seed game, 10 ms for 200 KB), so
the scan is tokenizer-light: one pass hops between quote, backtick and slash characters, skips
strings and comments with ``str.find``, follows template literals through nested ``${ … }``, tells
regex literals from divisions by the token before the slash, and leaves the code's structure with
every literal emptied. Brackets are then paired by deleting innermost pairs at C speed, and a numpy
brace-depth map answers "is this call inside that function" for the loop and start-up checks.

The helpers (``extract_scripts``, ``strip_comments``, ``code_only``, ``kit_pieces``) are reused by
the bots, the collapse detector and the structural diff.

Why this module is over 500 lines: one short function per check plus the key and kit-module tables
they use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    severity: Severity = "error"

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "severity": self.severity}


def passed(checks: list[Check]) -> bool:
    """True when no error-severity check failed (warnings do not stop the cascade)."""
    return all(c.ok or c.severity != "error" for c in checks)


def failures(checks: list[Check], severity: Severity | None = "error") -> list[Check]:
    return [c for c in checks if not c.ok and (severity is None or c.severity == severity)]


# ------------------------------------------------------------------------------------ scripts

_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SRC_ATTR = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
             "application/ecmascript", "text/babel"}
_HTMLISH = re.compile(r"<\s*(?:!doctype|html|head|body|script|canvas|div|meta)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Script:
    code: str
    attrs: str = ""
    closed: bool = True
    span: tuple[int, int] = (0, 0)     # where the code sits in the document

    @property
    def src(self) -> str | None:
        m = _SRC_ATTR.search(self.attrs)
        return m.group(1) if m else None


_SCRIPT_OPEN = re.compile(r"<script(?=[\s>/])", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script", re.IGNORECASE)


def _script_elements(html: str) -> list[Script]:
    out = []
    i, n = 0, len(html)
    while True:
        m = _SCRIPT_OPEN.search(html, i)
        if not m:
            break
        s = m.start()
        gt = html.find(">", s)
        if gt < 0:
            out.append(Script("", html[s + 7:], False, (n, n)))
            break
        close = _SCRIPT_END.search(html, gt + 1)
        if not close:
            out.append(Script(html[gt + 1:], html[s + 7:gt], False, (gt + 1, n)))
            break
        c = close.start()
        out.append(Script(html[gt + 1:c], html[s + 7:gt], True, (gt + 1, c)))
        end = html.find(">", c)
        i = n if end < 0 else end + 1
    return out


def extract_scripts(html: str) -> list[Script]:
    """``<script>`` elements of JavaScript type (inline and external), in document order.

    A text with no HTML structure at all is taken to be a bare script (handy for snippets).
    An unclosed ``<script>`` (a truncated reply) runs to the end of the text with ``closed=False``.
    """
    if not _HTMLISH.search(html):
        return [Script(html, span=(0, len(html)))]
    out = []
    for sc in _script_elements(html):
        t = _TYPE.search(sc.attrs)
        if t and t.group(1).lower() not in _JS_TYPES:
            continue
        out.append(sc)
    return out


def _markup(html: str) -> str:
    """The document without the code of its scripts (attributes and tags kept)."""
    if not _HTMLISH.search(html):
        return ""
    parts, pos = [], 0
    for sc in _script_elements(html):
        parts.append(html[pos:sc.span[0]])
        pos = sc.span[1]
    parts.append(html[pos:])
    return _HTML_COMMENT.sub("", "".join(parts))


def script_text(html: str) -> str:
    """All inline JavaScript of a document, joined (``;`` on a line of its own between scripts)."""
    return "\n;\n".join(s.code for s in extract_scripts(html) if s.code.strip())


# --------------------------------------------------------------------- tokenizer-light cleaning
#
# One left-to-right pass over the script finds comments, strings, template literals (with nested
# ``${ … `…` … }``) and regex literals (told from divisions by the token before the slash).

_CANDIDATE = re.compile(r"[`'\"/]")
_REGEX_LIT = re.compile(r"/(?![*/])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n\[])+/[a-zA-Z]*")
_TPL_STOP = re.compile(r"[`\\]|\$\{")
_EXPR_STOP = re.compile(r"[{}`'\"/]")
_QUOTED = {"'": re.compile(r"'(?:\\[\s\S]|[^'\\\n])*'"), '"': re.compile(r"\"(?:\\[\s\S]|[^\"\\\n])*\"")}
_REGEX_PREV = frozenset("(,=:[!&|?{};+-*%<>~^")
_SPACE = frozenset(" \t\r\n")


def _regex_can_start(js: str, i: int) -> bool:
    """Is the ``/`` at ``i`` the start of a regex literal (rather than a division)?"""
    k = i - 1
    while k >= 0 and js[k] in _SPACE:
        k -= 1
    if k < 0:
        return True
    c = js[k]
    if c in _REGEX_PREV:
        return True
    if c.isalpha():
        word = js[max(0, k - 6):k + 1]
        for kw in ("return", "typeof", "case", "in", "of", "void", "yield", "await", "delete"):
            if word.endswith(kw) and (len(word) == len(kw) or not (word[-len(kw) - 1].isalnum()
                                                                  or word[-len(kw) - 1] in "_$")):
                return True
    return False


def _template_end(js: str, i: int) -> int:
    """Index just past the template literal opening at ``js[i] == '`'``, or -1 if unterminated."""
    j = i + 1
    while True:
        m = _TPL_STOP.search(js, j)
        if not m:
            return -1
        t = m.group()
        if t == "`":
            return m.end()
        if t == "\\":
            j = m.end() + 1
            continue
        j = _expr_end(js, m.end())
        if j < 0:
            return -1


def _expr_end(js: str, j: int) -> int:
    """Index just past the ``}`` closing a template ``${`` expression that starts at ``j``."""
    depth = 0
    while True:
        m = _EXPR_STOP.search(js, j)
        if not m:
            return -1
        c, s = m.group(), m.start()
        if c == "{":
            depth += 1
            j = s + 1
        elif c == "}":
            if depth == 0:
                return s + 1
            depth -= 1
            j = s + 1
        elif c == "`":
            j = _template_end(js, s)
            if j < 0:
                return -1
        elif c in "'\"":
            q = _QUOTED[c].match(js, s)
            j = q.end() if q else s + 1
        else:  # "/"
            nxt = js[s + 1:s + 2]
            if nxt == "/":
                e = js.find("\n", s)
                j = len(js) if e < 0 else e
            elif nxt == "*":
                e = js.find("*/", s + 2)
                j = len(js) if e < 0 else e + 2
            else:
                r = _REGEX_LIT.match(js, s) if _regex_can_start(js, s) else None
                j = r.end() if r else s + 1


@dataclass(frozen=True)
class Tokenized:
    clean: str        # comments removed, strings/templates/regexes emptied: the code's structure
    stripped: str     # comments removed, literals kept: key names, event names, URLs
    problems: tuple[str, ...] = ()


def _line(js: str, i: int) -> int:
    return js.count("\n", 0, i) + 1


def tokenize(js: str) -> Tokenized:
    """Split a script into its code structure and its comment-free text (see :class:`Tokenized`).

    The regex engine only hops between candidate characters; string and comment ends are found with
    ``str.find`` (C speed), so Python runs once per token rather than once per character.
    """
    clean: list[str] = []
    strip: list[str] = []
    problems: list[str] = []
    ca, sa = clean.append, strip.append
    pos = spos = at = 0          # pos/spos: code not yet copied to clean/strip; at: scan position
    n = len(js)
    search, find = _CANDIDATE.search, js.find
    while True:
        m = search(js, at)
        if m is None:
            break
        s = m.start()
        c0 = js[s]
        if c0 == "'" or c0 == '"':
            j = s + 1
            while True:
                e = find(c0, j)
                nl = find("\n", j, n if e < 0 else e)
                if e < 0 or nl >= 0:
                    problems.append(f"unterminated string at line {_line(js, s)}")
                    end = n if nl < 0 else nl
                    break
                k = e - 1
                while js[k] == "\\":
                    k -= 1
                if (e - 1 - k) % 2 == 0:          # not escaped
                    end = e + 1
                    break
                j = e + 1
            ca(js[pos:s])
            ca(c0 + c0)
            pos = at = end
            continue
        if c0 == "/":
            c1 = js[s + 1:s + 2]
            if c1 == "/" or c1 == "*":
                if c1 == "/":
                    e = find("\n", s)
                    e = n if e < 0 else e
                    gap = " "
                else:
                    e = find("*/", s + 2)
                    if e < 0:
                        problems.append(f"unterminated comment at line {_line(js, s)}")
                        e = n
                    else:
                        e += 2
                    gap = "\n" * js.count("\n", s, e) or " "
                ca(js[pos:s])
                ca(gap)
                sa(js[spos:s])
                sa(gap)
                pos = spos = at = e
                continue
            r = _REGEX_LIT.match(js, s) if _regex_can_start(js, s) else None
            if r is None:                     # a division
                at = s + 1
                continue
            ca(js[pos:s])
            ca("/r/")
            pos = at = r.end()
            continue
        end = _template_end(js, s)            # a backtick
        if end < 0:
            problems.append(f"unterminated template literal at line {_line(js, s)}")
            end = n
        ca(js[pos:s])
        ca("``")
        pos = at = end
    ca(js[pos:])
    sa(js[spos:])
    return Tokenized("".join(clean), "".join(strip), tuple(problems))


def code_only(js: str) -> str:
    """The script with comments removed and every string, template and regex literal emptied."""
    return tokenize(js).clean


def strip_comments(js: str) -> str:
    """The script without comments; strings are kept (key names and URLs live there)."""
    return tokenize(js).stripped


_BRACKET = np.zeros(256, dtype=bool)
_BRACKET[[ord(c) for c in "(){}[]"]] = True
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _unpaired(clean: str) -> str:
    """The brackets left after deleting matched pairs, innermost first (C-speed passes)."""
    b = np.frombuffer(clean.encode("latin-1", "replace"), dtype=np.uint8)
    s = b[_BRACKET[b]].tobytes().decode("latin-1")
    while True:
        s2 = s.replace("()", "").replace("[]", "").replace("{}", "")
        if s2 == s:
            return s
        s = s2


def balance(js: str, tokens: Tokenized | None = None) -> tuple[bool, str]:
    """(balanced, detail): brackets pair up and no string, template or comment is left open."""
    tok = tokens or tokenize(js)
    left = _unpaired(tok.clean)
    problems = list(tok.problems)
    if left:
        closers = [c for c in left if c in _CLOSERS]
        opens = [c for c in left if c not in _CLOSERS]
        if closers:
            problems.append(f"unmatched {''.join(closers[:6])!r}")
        if opens and not closers:
            problems.append(f"{len(opens)} bracket(s) never closed ({''.join(opens[-8:])!r}): truncated?")
        elif opens:
            problems.append(f"{len(opens)} bracket(s) never closed")
    return not problems, "; ".join(problems)


# ------------------------------------------------------------------------------------ patterns

_RAF = re.compile(r"equestAnimationFrame\s*\(")
_PARENS = re.compile(r"[(){}\[\]]")
_ARG_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:\(|\.(?:bind|call|apply)\b|$)")
_NOT_CALLBACKS = {"function", "async", "this", "bind", "call", "apply", "self", "window", "performance",
                  "now", "Date", "requestAnimationFrame"}
_LISTEN = re.compile(r"addEventListener\s*\(\s*[\"'`](\w+)")
_ON_PROP = re.compile(r"on(key(?:down|up|press)|pointer(?:down|up|move)|mouse(?:down|up|move)|"
                      r"touch(?:start|end|move)|click)\s*=")
_INPUT_EVENTS = frozenset({"keydown", "keyup", "keypress", "pointerdown", "pointerup", "pointermove",
                           "mousedown", "mouseup", "mousemove", "touchstart", "touchend", "touchmove",
                           "click", "dblclick", "wheel", "gamepadconnected"})
_DRAW = re.compile(r"\.(?:fillRect|strokeRect|clearRect|drawImage|arc|fillText|strokeText|fill|stroke|"
                   r"putImageData|ellipse|rect|lineTo|roundRect|drawArrays|drawElements)\s*\(")
_RENDER_WORDS = ("render", "draw", "paint")
_UPDATE_WORDS = ("update", "step", "tick", "simulate", "advance", "physics")
_STATE_WRITE = re.compile(r"\.(?:x|y|vx|vy|dx|dy)\s*(?:[+\-*]=|=[^=])")
_STARTERS = {"requestAnimationFrame", "setInterval", "setTimeout", "init", "start", "main", "boot",
             "startGame", "run", "begin", "setup", "loop", "game", "reset", "newGame", "play"}
_KEYWORDS = {"if", "for", "while", "switch", "catch", "function", "return", "typeof", "with", "else"}
_IIFE = re.compile(r"[!(]\s*(?:async\s*)?(?:function\b|\([^()]*\)\s*=>)")
_TOP_CALL = re.compile(r"[;\n}]\s*(?:new\s+)?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*)\s*\(")

_URL = re.compile(r"//(?!www\.w3\.org/)[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_SCHEME_BEFORE = re.compile(r"(?:https?|wss?):$", re.IGNORECASE)
_CODE_CONTEXT = re.compile(
    r"(?:<script\b[^>]*\bsrc\s*=\s*[\"']?|<link\b[^>]*\bhref\s*=\s*[\"']?|\bimport\b[^;'\"]*?\bfrom\s*[\"']"
    r"|\bimport\s*\(?\s*[\"']|importScripts\s*\(\s*[\"'])$", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?-->")

_FORBIDDEN = [  # (label, literal that must occur, confirming pattern)
    ("fetch", "fetch", re.compile(r"(?<![\w$])(?:window\.)?fetch\s*\(")),
    ("XMLHttpRequest", "XMLHttpRequest", None),
    ("WebSocket", "WebSocket", None),
    ("EventSource", "EventSource", None),
    ("sendBeacon", "sendBeacon", None),
    ("RTCPeerConnection", "RTCPeerConnection", None),
    ("RTCDataChannel", "RTCDataChannel", None),
    ("window.open", "window.open", re.compile(r"window\.open\s*\(")),
    ("importScripts", "importScripts", None),
    ("document.cookie", "document.cookie", None),
]
_STORAGE_IN_LOOP = re.compile(r"(?:for|while)\s*\([^;{}]*(?:;[^;{}]*){0,2}\)\s*\{?[^}]{0,200}?"
                              r"(?:local|session)Storage\s*(?:\.setItem|\[)")
_STORAGE_REPEAT = re.compile(r"localStorage\.setItem\s*\([^;]*\.repeat\s*\(")
_EVAL = re.compile(r"(?<![\w$.])eval\s*\(|new\s+Function\s*\(")


class _Braces:
    """Brace structure of a cleaned script, computed once (numpy) and shared by the checks."""

    def __init__(self, clean: str) -> None:
        self.clean = clean
        b = np.frombuffer(clean.encode("utf-32-le"), dtype=np.uint32)
        step = (b == 123).view(np.int8).astype(np.int32)
        step -= (b == 125).view(np.int8)
        self.depth_after = np.cumsum(step, dtype=np.int32)
        self.depth_before = self.depth_after - step
        self._closes: np.ndarray | None = None

    def close_of(self, open_pos: int) -> int:
        """Index just past the ``}`` matching the ``{`` at ``open_pos`` (or the end of the text)."""
        if self._closes is None:
            self._closes = np.flatnonzero(self.depth_after < self.depth_before)
        d = self.depth_after[open_pos]
        closes = self._closes
        k = int(np.searchsorted(closes, open_pos))
        hits = np.flatnonzero(self.depth_after[closes[k:]] == d - 1)
        return int(closes[k + hits[0]]) + 1 if len(hits) else len(self.clean)

    def top_level_text(self) -> str:
        """Code outside every block, blocks shown as ``{}`` (so ``function f() {}`` stays visible)."""
        keep = np.flatnonzero((self.depth_before == 0) | (self.depth_after == 0))
        clean = self.clean
        if len(keep) == len(clean):
            return clean
        if not len(keep):
            return ""
        breaks = np.flatnonzero(np.diff(keep) != 1)       # runs of kept characters -> slices
        starts = np.concatenate(([keep[0]], keep[breaks + 1])).tolist()
        ends = (np.concatenate((keep[breaks], [keep[-1]])) + 1).tolist()
        return "".join(clean[a:b] for a, b in zip(starts, ends))


_ASSIGN_FN = re.compile(r"\s*(?:=(?!=)|:)\s*(?:async\s+)?(?:(function\b[^{]*)|(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*=>\s*)")


def _definitions(braces: _Braces, name: str) -> list[tuple[int, int]]:
    """Body spans ``(start, end)`` of every definition of function ``name`` in the cleaned script."""
    clean = braces.clean
    spans = []
    for m in re.finditer(re.escape(name), clean):
        s, e = m.span()
        if s and (clean[s - 1].isalnum() or clean[s - 1] in "_$"):
            continue
        if e < len(clean) and (clean[e].isalnum() or clean[e] in "_$"):
            continue
        head = clean[max(0, s - 24):s]
        tail = clean[e:e + 160]
        body_from = -1
        if re.search(r"function\s*\*?\s*$", head):
            p = tail.find("{")
            body_from = e + p if p >= 0 else -1
        else:
            a = _ASSIGN_FN.match(tail)
            if a and a.group(1):                           # name = function (…) {
                if tail[a.end():a.end() + 1] == "{":
                    body_from = e + a.end()
            elif a:                                        # name = (…) => …
                if tail[a.end():a.end() + 1] == "{":
                    body_from = e + a.end()
                else:                                      # expression body: to the end of statement
                    stop = clean.find(";", e + a.end())
                    spans.append((e, len(clean) if stop < 0 else stop))
                    continue
            else:
                meth = re.match(r"\s*\([^()]*\)\s*\{", tail)
                if meth and not re.search(r"(?:\bnew|\.)\s*$", head):
                    body_from = e + meth.end() - 1
        if body_from >= 0:
            spans.append((body_from, braces.close_of(body_from)))
    return spans


def _call_end(clean: str, open_paren: int) -> int:
    """Index of the ``)`` closing the call whose ``(`` is at ``open_paren`` (or the text's end)."""
    depth = 0
    for m in _PARENS.finditer(clean, open_paren):
        depth += 1 if m.group() in "({[" else -1
        if depth == 0:
            return m.start()
    return len(clean)


def _loop_rearms(braces: _Braces) -> tuple[bool, str]:
    """Does a function handed to requestAnimationFrame schedule itself again (or setInterval)?"""
    clean = braces.clean
    candidates: list[str] = []
    calls = list(_RAF.finditer(clean))
    for m in calls:
        arg = clean[m.end():_call_end(clean, m.end() - 1)]
        if "equestAnimationFrame" in arg:       # requestAnimationFrame(function f() { … raf(f) … })
            return True, "inline callback re-arms requestAnimationFrame"
        names = [n for n in _ARG_NAME.findall(arg) if n not in _NOT_CALLBACKS]
        for name in names:
            for a, b in _definitions(braces, name):
                if a <= m.start() < b:
                    return True, f"requestAnimationFrame re-armed inside {name}"
        candidates += names
    for name in dict.fromkeys(candidates):        # loop() -> frame() -> requestAnimationFrame(loop)
        for a, b in _definitions(braces, name):
            if "equestAnimationFrame" in clean[a:b]:
                return True, f"{name} re-arms requestAnimationFrame"
    if "setInterval" in clean and re.search(r"setInterval\s*\(", clean):
        return True, "setInterval loop"
    for m in re.finditer(r"setTimeout\s*\(", clean):
        arg = clean[m.end():_call_end(clean, m.end() - 1)]
        for name in _ARG_NAME.findall(arg):
            if name in _NOT_CALLBACKS:
                continue
            for a, b in _definitions(braces, name):
                if a <= m.start() < b:
                    return True, f"setTimeout re-armed inside {name}"
    if calls:
        return False, "requestAnimationFrame is called but never again from the function it schedules"
    return False, "no requestAnimationFrame or setInterval loop"


def _init_on_load(html: str, stripped: str, braces: _Braces) -> tuple[bool, str]:
    for m in _LISTEN.finditer(stripped):
        if m.group(1) in ("load", "DOMContentLoaded"):
            return True, f"{m.group(1)} listener"
    if "onload" in stripped and re.search(r"onload\s*=", stripped):
        return True, "onload handler"
    if re.search(r"<body[^>]*\bonload\s*=", html, re.IGNORECASE):
        return True, "body onload"
    if "readyState" in stripped:
        return True, "document.readyState"
    top = "\n" + braces.top_level_text()
    if _IIFE.search(top):
        return True, "top-level immediately invoked function"
    for m in _TOP_CALL.finditer(top):
        callee = m.group(1)
        last = callee.rsplit(".", 1)[-1]
        if last in _KEYWORDS:
            continue
        if last in _STARTERS or _definitions(braces, last) or \
                re.search(r"\bclass\s+" + re.escape(last) + r"\b", braces.clean):
            return True, f"top-level call {callee}()"
    return False, "nothing starts the game when the page loads"


def _served_locally(text: str, start: int) -> str | None:
    """How the sandbox serves the remote URL at ``start`` without the network: a pinned copy of a
    known CDN library (``served locally: phaser@3.90.0``) or local fonts for a web font; None
    when it stays blocked (ludeme.core.weblibs)."""
    from ludeme.core import weblibs

    try:
        return weblibs.describe(weblibs.url_at(text, start))
    except Exception:  # a broken library store must not break the static checks
        return None


def _remote(html: str, code: str) -> Check:
    markup = _markup(html)
    hard: list[str] = []
    soft: list[str] = []
    local: list[str] = []
    for text in (markup, code):
        for m in _URL.finditer(text):
            s = m.start()
            sch = _SCHEME_BEFORE.search(text, max(0, s - 6), s)
            start = sch.start() if sch else s
            before = text[max(0, start - 160):start]
            if not sch and not before.rstrip().endswith(("'", '"', "`", "=", "(")):
                continue
            served = _served_locally(text, start)
            if served:
                local.append(served)
                continue
            url = text[start:m.end()]
            (hard if _CODE_CONTEXT.search(before) else soft).append(url)
    libs = sorted({d.split(": ", 1)[1] for d in local if d.startswith("served locally: ")})
    note = "; ".join((["served locally: " + ", ".join(libs)] if libs else [])
                     + (["web fonts fall back to local fonts"] if len(libs) < len(set(local)) else []))
    if hard:
        return Check("no_remote_urls", False, "remote code: " + ", ".join(sorted(set(hard))[:4]), "error")
    if soft:
        return Check("no_remote_urls", False, "remote resources (the sandbox blocks them): "
                     + ", ".join(sorted(set(soft))[:4]) + (f" ({note})" if note else ""), "warning")
    return Check("no_remote_urls", True, note, "warning")


def _forbidden(clean: str) -> Check:
    found = [label for label, lit, pat in _FORBIDDEN
             if lit in clean and (pat is None or pat.search(clean))]
    if "Storage" in clean and (_STORAGE_IN_LOOP.search(clean) or _STORAGE_REPEAT.search(clean)):
        found.append("localStorage flood")
    if any(n in found for n in ("fetch", "XMLHttpRequest", "WebSocket", "EventSource")) and \
            ("eval" in clean or "Function" in clean) and _EVAL.search(clean):
        found.append("eval of fetched text")
    if found:
        return Check("no_forbidden_apis", False, ", ".join(found), "warning")
    return Check("no_forbidden_apis", True, "", "warning")


def _named_call(clean: str, words: tuple[str, ...]) -> bool:
    low = clean.lower()
    for w in words:
        if w in low and re.search(w + r"\w*\s*\(", low):
            return True
    return False


# -------------------------------------------------------------------------------------- public

def static_checks(html: str) -> list[Check]:
    """Run every static check on a game document (or a bare script). See the module docstring."""
    scripts = extract_scripts(html)
    inline = [s for s in scripts if s.code.strip()]
    checks: list[Check] = []
    if not inline:
        checks.append(Check("scripts", False, "no inline script", "error"))
    elif not all(s.closed for s in scripts):
        checks.append(Check("scripts", False, "a <script> element is never closed (truncated?)", "error"))
    else:
        checks.append(Check("scripts", True, f"{len(inline)} inline script(s)"))

    problems, cleans, strips = [], [], []
    for k, s in enumerate(inline):
        tok = tokenize(s.code)
        ok, detail = balance(s.code, tok)
        if not ok:
            problems.append(f"script {k + 1}: {detail}" if len(inline) > 1 else detail)
        cleans.append(tok.clean)
        strips.append(tok.stripped)
    clean = "\n;\n".join(cleans)
    stripped = "\n;\n".join(strips)
    braces = _Braces(clean)
    checks.append(Check("balanced", not problems, "; ".join(problems)))

    canvas = "getContext" in clean and bool(re.search(r"\.getContext\s*\(", clean))
    checks.append(Check("canvas", canvas, "getContext called" if canvas else "getContext is never called"))
    ok, detail = _loop_rearms(braces)
    checks.append(Check("loop", ok, detail))
    events = sorted({m.group(1).lower() for m in _LISTEN.finditer(stripped)} & _INPUT_EVENTS)
    events += sorted({"on" + m.group(1) for m in _ON_PROP.finditer(stripped)})
    if not events and _HTMLISH.search(html):
        events = sorted({"on" + m.group(1) for m in _ON_PROP.finditer(html)})
    if not events and "getGamepads" in clean:
        events = ["gamepad"]
    checks.append(Check("input", bool(events), ", ".join(events[:6]) if events
                        else "no keyboard, pointer or touch listener"))
    draws = len(_DRAW.findall(clean))
    render = draws > 0 or _named_call(clean, _RENDER_WORDS)
    checks.append(Check("render", render, f"{draws} canvas draw call(s)" if render else "nothing is drawn"))
    update = _named_call(clean, _UPDATE_WORDS) or any(op in clean for op in ("+=", "-=", "++", "--")) \
        or bool(_STATE_WRITE.search(clean))
    checks.append(Check("update", update, "" if update else "no update/step function and no state change",
                        "warning"))
    ok, detail = _init_on_load(html, stripped, braces)
    checks.append(Check("init_on_load", ok, detail, "warning"))
    checks.append(_remote(html, stripped))
    checks.append(_forbidden(clean))
    return checks


_MARKER = re.compile(r"/\*\s*ludeme:kit:([A-Za-z0-9_\-]+):begin\s*\*/")
_PIECE = re.compile(r"/\*\s*ludeme:kit:([A-Za-z0-9_\-]+):begin\s*\*/(.*?)/\*\s*ludeme:kit:\1:end\s*\*/",
                    re.DOTALL)
KIT_FRAME = ("core", "game", "overrides")  # pieces that are not mechanic modules


def kit_modules(html: str) -> list[str]:
    """Ids of the kit mechanic modules inlined in a document, in order (``core`` and ``game``,
    the frame around them, are left out)."""
    seen: list[str] = []
    for m in _MARKER.finditer(html):
        mid = m.group(1)
        if mid not in KIT_FRAME and mid not in seen:
            seen.append(mid)
    return seen


def kit_pieces(html: str) -> dict[str, str]:
    """Marker id -> source of each complete ``begin … end`` piece (``core`` and ``game`` included)."""
    return {m.group(1): m.group(2) for m in _PIECE.finditer(html)}


def is_kit_game(html: str) -> bool:
    return bool(re.search(r"/\*\s*ludeme:kit:core:begin\s*\*/", html))
