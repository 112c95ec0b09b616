"""Near-duplicate rejection before evaluation (pure; no Qt, no project writes).

A version's code is normalised (comments and whitespace gone, the shared kit ``core`` piece left
out, since every kit game carries it), cut into tokens, and compared by the Jaccard similarity of
its token shingles. Identical normalised code is caught by an exact hash first.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass

THRESHOLD = 0.99
SHINGLE = 5
RESAMPLES = 3

_CORE = re.compile(r"/\* ludeme:kit:core:begin \*/.*?/\* ludeme:kit:core:end \*/", re.S)
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/|<!--.*?-->", re.S)
_LINE_COMMENT = re.compile(r"(?<![:\"'\\])//[^\n]*")
_TOKEN = re.compile(r"[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S")


def normalise(code: str) -> list[str]:
    """The tokens of ``code`` with comments, whitespace and the kit core left out."""
    code = _CORE.sub(" ", code)
    code = _BLOCK_COMMENT.sub(" ", code)
    code = _LINE_COMMENT.sub(" ", code)
    return _TOKEN.findall(code)


@dataclass(frozen=True)
class Fingerprint:
    digest: str
    shingles: frozenset[int]

    def similarity(self, other: "Fingerprint") -> float:
        if self.digest == other.digest:
            return 1.0
        a, b = self.shingles, other.shingles
        if not a and not b:
            return 1.0
        return len(a & b) / len(a | b)


def fingerprint(code: str | bytes, k: int = SHINGLE) -> Fingerprint:
    if isinstance(code, bytes):
        code = code.decode("utf-8", "replace")
    tokens = normalise(code)
    joined = "\x1f".join(tokens)
    digest = hashlib.sha256(joined.encode("utf-8")).hexdigest()
    if len(tokens) < k:
        shingles = frozenset({zlib.crc32(joined.encode("utf-8"))})
    else:
        shingles = frozenset(zlib.crc32("\x1f".join(tokens[i:i + k]).encode("utf-8"))
                             for i in range(len(tokens) - k + 1))
    return Fingerprint(digest, shingles)


class DedupIndex:
    """Fingerprints of the versions already made (an island, a lineage); ``check`` says whether new
    code is a near-duplicate of any of them."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._prints: dict[str, Fingerprint] = {}
        self._digests: dict[str, str] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._prints

    def __len__(self) -> int:
        return len(self._prints)

    def add(self, key: str, code: str | bytes) -> Fingerprint:
        fp = fingerprint(code)
        self._prints[key] = fp
        self._digests.setdefault(fp.digest, key)
        return fp

    def nearest(self, code: str | bytes, keys=None) -> tuple[str | None, float]:
        """The most similar known version (among ``keys`` when given) and its similarity."""
        fp = code if isinstance(code, Fingerprint) else fingerprint(code)
        pool = self._prints if keys is None else {k: self._prints[k] for k in keys if k in self._prints}
        exact = self._digests.get(fp.digest)
        if exact is not None and exact in pool:
            return exact, 1.0
        best, best_sim = None, 0.0
        for key, other in pool.items():
            sim = fp.similarity(other)
            if sim > best_sim:
                best, best_sim = key, sim
        return best, best_sim

    def is_duplicate(self, code: str | bytes, keys=None) -> bool:
        return self.nearest(code, keys)[1] >= self.threshold
