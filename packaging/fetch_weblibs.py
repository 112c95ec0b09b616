#!/usr/bin/env python3
"""Install the pinned web libraries (packaging/weblibs.lock.json) into resources/weblibs/.

Games often load Phaser, p5.js, three.js... from a CDN; the sandbox never lets them reach one, so
it serves these local copies instead (desktop/ludeme/core/weblibs.py). This script is run at set-up
(packaging/bootstrap.sh); nothing is fetched while the studio runs. Standard library only.

For each package of the lock file it downloads the npm tarball, checks its sha512 ``integrity``
before looking inside, refuses a tarball with absolute or ``..`` paths or with links, and extracts
only the files the lock lists, into ``<dest>/<name>@<version>/`` with a stamp file
(``.ludeme-weblib.json``: what was installed and each file's sha256). A package whose stamp and
files check out is skipped, so a second run costs a moment. A package is written to a temporary
folder and renamed into place, so a failure never leaves half-written files; each failure is one
line on stderr and the exit status is 1.

    python packaging/fetch_weblibs.py [--lock FILE] [--dest DIR] [--quiet]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "packaging" / "weblibs.lock.json"
STAMP = ".ludeme-weblib.json"
MAX_TARBALL = 200 * 1024 * 1024
TIMEOUT_S = 60
_NAME = re.compile(r"(?:@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*")
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.-]+)?")


class FetchError(Exception):
    """One package could not be installed; the message is one line."""


def default_dest() -> Path:
    override = os.environ.get("LUDEME_WEBLIBS_DIR")
    if override:
        return Path(override)
    resources = os.environ.get("LUDEME_RESOURCES")
    return (Path(resources) if resources else ROOT / "resources") / "weblibs"


def load_lock(path: Path) -> list[dict]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    packages = doc.get("packages") if isinstance(doc, dict) else None
    if not isinstance(packages, list):
        raise FetchError(f"{path}: no 'packages' list")
    for entry in packages:
        for key in ("name", "version", "tarball", "integrity", "files", "script"):
            if not entry.get(key):
                raise FetchError(f"{path}: a package lacks {key!r}: {entry.get('name')}@{entry.get('version')}")
    return packages


def key_of(entry: dict) -> str:
    return f"{entry['name']}@{entry['version']}"


def _safe_rel(name: str) -> str | None:
    """A tarball member's path without its top folder (``package/``), or None when unsafe."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return None
    parts = PurePosixPath(name).parts
    if any(p in ("..", "") for p in parts) or (parts and ":" in parts[0]):
        return None
    return "/".join(parts[1:]) if len(parts) > 1 else ""


def expected_files(entry: dict) -> list[str]:
    out = []
    for f in entry["files"]:
        rel = _safe_rel(f)
        if not rel:
            raise FetchError(f"{key_of(entry)}: unsafe file name in the lock file: {f!r}")
        out.append(rel)
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_installed(entry: dict, dest: Path) -> bool:
    """True when ``dest/<name>@<version>`` holds this entry's files, as its stamp says, unchanged."""
    folder = dest / key_of(entry)
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp.get("integrity") != entry["integrity"] or sorted(stamp.get("files", [])) != sorted(expected_files(entry)):
        return False
    hashes = stamp.get("sha256") or {}
    for rel in expected_files(entry):
        path = folder / rel
        if not path.is_file() or hashes.get(rel) != _sha256(path):
            return False
    return True


def _sri_sha512(integrity: str) -> bytes:
    for token in integrity.split():
        if token.startswith("sha512-"):
            try:
                return base64.b64decode(token[len("sha512-"):], validate=True)
            except ValueError:
                break
    raise FetchError(f"no sha512 integrity value: {integrity[:40]!r}")


def _download(url: str, into: Path) -> str:
    """Stream ``url`` to the file ``into``; the sha512 SRI string of what came."""
    h = hashlib.sha512()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp, open(into, "wb") as out:
            while True:
                block = resp.read(1 << 16)
                if not block:
                    break
                size += len(block)
                if size > MAX_TARBALL:
                    raise FetchError(f"the tarball is larger than {MAX_TARBALL // 2**20} MiB")
                h.update(block)
                out.write(block)
    except FetchError:
        raise
    except Exception as exc:  # URLError, HTTPError, timeouts, connection resets
        raise FetchError(f"cannot download {url}: {getattr(exc, 'reason', None) or exc}") from None
    return "sha512-" + base64.b64encode(h.digest()).decode("ascii")


def _extract(tarball: Path, wanted: list[str], into: Path) -> dict[str, str]:
    """Write the wanted files (paths without the top folder) under ``into``; their sha256."""
    try:
        tf = tarfile.open(tarball, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise FetchError(f"not a readable tarball ({type(exc).__name__})") from None
    with tf:
        found: dict[str, tarfile.TarInfo] = {}
        for member in tf.getmembers():
            rel = _safe_rel(member.name)
            if rel is None:
                raise FetchError(f"the tarball has an unsafe path: {member.name!r}")
            if member.issym() or member.islnk():
                raise FetchError(f"the tarball has a link: {member.name!r}")
            if not (member.isfile() or member.isdir()):
                raise FetchError(f"the tarball has a special file: {member.name!r}")
            if member.isfile() and rel in wanted:
                found[rel] = member
        missing = [rel for rel in wanted if rel not in found]
        if missing:
            raise FetchError(f"the tarball lacks {', '.join(missing[:3])}")
        hashes = {}
        for rel in wanted:
            source = tf.extractfile(found[rel])
            data = source.read() if source is not None else b""
            target = into / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
            hashes[rel] = hashlib.sha256(data).hexdigest()
    return hashes


def install(entry: dict, dest: Path) -> Path:
    """Download, verify and install one lock entry; the package's folder. Raises FetchError."""
    key = key_of(entry)
    if not _NAME.fullmatch(entry["name"]) or not _VERSION.fullmatch(entry["version"]):
        raise FetchError(f"not an npm package name and exact version: {key!r}")
    wanted = expected_files(entry)
    want = _sri_sha512(entry["integrity"])
    dest.mkdir(parents=True, exist_ok=True)
    final = dest / key
    final.parent.mkdir(parents=True, exist_ok=True)  # scoped names: dest/@scope/
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    try:
        tarball = work / "package.tgz"
        got = _download(entry["tarball"], tarball)
        if base64.b64decode(got[len("sha512-"):]) != want:
            raise FetchError(f"integrity mismatch: the lock says {entry['integrity'][:24]}…, "
                             f"the tarball is {got[:24]}…")
        files = work / "files"
        hashes = _extract(tarball, wanted, files)
        stamp = {"name": entry["name"], "version": entry["version"], "integrity": entry["integrity"],
                 "license": entry.get("license"), "files": wanted, "sha256": hashes,
                 "script": entry["script"], "module": entry.get("module")}
        (files / STAMP).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
        if final.exists():
            old = work / "old"
            final.rename(old)
        files.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def fetch(lock: Path = LOCK, dest: Path | None = None, *, quiet: bool = False,
          log=lambda line: print(line, file=sys.stderr)) -> list[str]:
    """Install every package of the lock file that is not installed yet; the failures (one line each)."""
    dest = Path(dest) if dest is not None else default_dest()
    failures: list[str] = []
    try:
        entries = load_lock(Path(lock))
    except (OSError, ValueError, FetchError) as exc:
        failures.append(f"fetch_weblibs: cannot read the lock file {lock}: {exc}")
        log(failures[-1])
        return failures
    for stale in dest.glob("**/.*.partial-*") if dest.is_dir() else ():
        shutil.rmtree(stale, ignore_errors=True)  # left by a run that was killed
    installed = 0
    for entry in entries:
        key = key_of(entry)
        try:
            if is_installed(entry, dest):
                continue
            folder = install(entry, dest)
            installed += 1
            if not quiet:
                log(f"fetch_weblibs: installed {key} ({_size(folder) / 2**20:.1f} MiB)")
        except (FetchError, OSError) as exc:
            failures.append(f"fetch_weblibs: FAILED {key}: {' '.join(str(exc).split())}")
            log(failures[-1])
    if not quiet or installed:
        ready = len(entries) - len(failures)
        log(f"fetch_weblibs: {ready}/{len(entries)} libraries ready in {dest}")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lock", type=Path, default=LOCK, help="the lock file (default: packaging/weblibs.lock.json)")
    ap.add_argument("--dest", type=Path, default=None, help="the library store (default: resources/weblibs)")
    ap.add_argument("--quiet", action="store_true", help="print only failures and what was newly installed")
    args = ap.parse_args(argv)
    return 1 if fetch(args.lock, args.dest, quiet=args.quiet) else 0


if __name__ == "__main__":
    sys.exit(main())
