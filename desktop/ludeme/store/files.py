"""Content-addressed blobs and the files of versions.

A blob is stored once per sha256 of its bytes, however many versions or recordings use it.
Text-like blobs are kept zlib-compressed when that saves at least a tenth; media that are
already compressed (video, images) are stored as they are.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping

from ludeme.core.domain import FileEntry

MAX_PATH = 512

_MIME = {
    "html": "text/html", "htm": "text/html", "js": "text/javascript", "mjs": "text/javascript",
    "css": "text/css", "json": "application/json", "txt": "text/plain", "md": "text/markdown",
    "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "gif": "image/gif", "webp": "image/webp", "wav": "audio/wav", "ogg": "audio/ogg",
    "mp3": "audio/mpeg", "webm": "video/webm", "mp4": "video/mp4", "wasm": "application/wasm",
}
_COMPRESSIBLE_PREFIXES = ("text/", "application/json", "image/svg", "application/wasm")


def mime_for(path: str) -> str:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return _MIME.get(ext, "application/octet-stream")


def check_path(path: str) -> str:
    """A version file path: relative, '/'-separated, no '.', '..' or empty parts; else ValueError."""
    if not isinstance(path, str) or not path or len(path) > MAX_PATH:
        raise ValueError(f"bad file path {path!r}: use a short relative path like 'index.html'")
    if path.startswith("/") or "\\" in path or any(ord(c) < 32 for c in path):
        raise ValueError(f"bad file path {path!r}: no leading '/', backslashes or control characters")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"bad file path {path!r}: no empty, '.' or '..' parts")
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_blob(data: bytes, mime: str) -> tuple[str, bytes]:
    """(codec, stored bytes) for a blob of this kind."""
    if len(data) >= 256 and mime.startswith(_COMPRESSIBLE_PREFIXES):
        packed = zlib.compress(data, 6)
        if len(packed) <= len(data) * 0.9:
            return "zlib", packed
    return "", data


def decode_blob(codec: str, stored: bytes) -> bytes:
    if codec == "":
        return bytes(stored)
    if codec == "zlib":
        return zlib.decompress(stored)
    raise ValueError(f"unknown blob codec {codec!r} (written by a newer Ludeme?)")


class FilesMixin:
    """Blob and version-file access for :class:`~ludeme.store.project.Project`."""

    def put_blob(self, data: bytes, mime: str = "application/octet-stream") -> str:
        """Store bytes once; returns their sha256."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"blob data must be bytes, not {type(data).__name__}")
        with self.db.atomic():
            return self._insert_blob(bytes(data), mime)

    def _insert_blob(self, data: bytes, mime: str) -> str:
        digest = sha256(data)
        exists = self.db.execute_sql("SELECT 1 FROM blob WHERE sha256 = ?", (digest,)).fetchone()
        if not exists:  # compress only what is new
            codec, stored = encode_blob(data, mime)
            self.db.execute_sql("INSERT INTO blob (sha256, size, codec, data) VALUES (?, ?, ?, ?)",
                                (digest, len(data), codec, stored))
        return digest

    def blob(self, sha: str) -> bytes | None:
        row = self.db.execute_sql("SELECT codec, data FROM blob WHERE sha256 = ?", (sha,)).fetchone()
        return None if row is None else decode_blob(row[0], row[1])

    def blob_count(self) -> int:
        return self.db.execute_sql("SELECT count(*) FROM blob").fetchone()[0]

    def _store_files(self, version_id: str, files: Mapping[str, bytes]) -> None:
        """Inside a transaction: blobs (deduplicated) and the version's file rows."""
        rows = []
        for path, data in files.items():
            check_path(path)
            if isinstance(data, str):
                data = data.encode("utf-8")
            mime = mime_for(path)
            rows.append((version_id, path, self._insert_blob(bytes(data), mime), mime))
        self.db.connection().executemany(
            "INSERT INTO version_file (version_id, path, blob_sha, mime) VALUES (?, ?, ?, ?)", rows)

    def version_files(self, version_id: str) -> dict[str, bytes]:
        """All files of a version, path → bytes."""
        cur = self.db.execute_sql(
            "SELECT f.path, b.codec, b.data FROM version_file f JOIN blob b ON b.sha256 = f.blob_sha"
            " WHERE f.version_id = ? ORDER BY f.path", (version_id,))
        return {path: decode_blob(codec, data) for path, codec, data in cur}

    def file_entries(self, version_id: str) -> list[FileEntry]:
        """The files of a version without their bytes."""
        cur = self.db.execute_sql(
            "SELECT f.path, f.blob_sha, b.size, f.mime FROM version_file f"
            " JOIN blob b ON b.sha256 = f.blob_sha WHERE f.version_id = ? ORDER BY f.path",
            (version_id,))
        return [FileEntry(*row) for row in cur]

    def version_file(self, version_id: str, path: str) -> tuple[bytes, str] | None:
        """One file for the game:// scheme: exact stored paths only, None for anything else."""
        if not isinstance(version_id, str) or not isinstance(path, str):
            return None
        row = self.db.execute_sql(
            "SELECT b.codec, b.data, f.mime FROM version_file f JOIN blob b ON b.sha256 = f.blob_sha"
            " WHERE f.version_id = ? AND f.path = ?", (version_id, path)).fetchone()
        if row is None:
            return None
        return decode_blob(row[0], row[1]), row[2]
