"""A corpus of hostile and broken lineage bundles, made from a good one.

Each maker takes the good bundle and a folder, writes one bad bundle and returns its path. CASES
pairs each maker with a piece of the one-line reason the importer must give. The bundles are
real zip files: the tricks (lying sizes, symlink attributes, ``..`` names) are written into the
zip structures exactly as a hostile tool would write them.
"""
from __future__ import annotations

import hashlib
import json
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

FIXED = (1980, 1, 1, 0, 0, 0)


def entries_of(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path: Path, entries: dict[str, bytes] | list[tuple[str, bytes]],
              compress: int = zipfile.ZIP_DEFLATED) -> Path:
    items = entries.items() if isinstance(entries, dict) else entries
    with zipfile.ZipFile(path, "w", compression=compress) as zf:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.external_attr = 0o644 << 16
            info.compress_type = compress
            zf.writestr(info, data)
    return path


def rehash(entries: dict[str, bytes]) -> dict[str, bytes]:
    """Make the manifest agree with the (tampered) payloads, as a careful forger would."""
    manifest = json.loads(entries["manifest.json"])
    manifest["payloads"] = {
        name: {"sha256": name[len("blobs/"):] if name.startswith("blobs/") else hashlib.sha256(data).hexdigest(),
               "size": len(data)}
        for name, data in entries.items() if name != "manifest.json"}  # a blob keeps the hash it is named by
    entries["manifest.json"] = json.dumps(manifest).encode()
    return entries


def _json(entries: dict[str, bytes], name: str):
    return json.loads(entries[name])


def _put(entries: dict[str, bytes], name: str, value) -> None:
    entries[name] = json.dumps(value).encode()


def _blob_names(entries: dict[str, bytes]) -> list[str]:
    return sorted(n for n in entries if n.startswith("blobs/"))


def patch_central_sizes(path: Path, name: str, *, file_size: int | None = None,
                        compress_size: int | None = None, crc: int | None = None) -> None:
    """Rewrite the sizes an entry declares, in its central directory record and local header."""
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    count = struct.unpack_from("<H", data, eocd + 10)[0]
    pos = struct.unpack_from("<I", data, eocd + 16)[0]
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        local = struct.unpack_from("<I", data, pos + 42)[0]
        if data[pos + 46:pos + 46 + name_len].decode() == name:
            for offset_central, offset_local, value in ((16, 14, crc), (20, 18, compress_size),
                                                        (24, 22, file_size)):
                if value is not None:
                    struct.pack_into("<I", data, pos + offset_central, value)
                    struct.pack_into("<I", data, local + offset_local, value)
            path.write_bytes(bytes(data))
            return
        pos += 46 + name_len + extra_len + comment_len
    raise KeyError(name)


# -- the makers --------------------------------------------------------------------------------

def _with_extra(name: str):
    def make(good: Path, out: Path) -> Path:
        entries = entries_of(good)
        entries[name] = b"owned"
        return write_zip(out / "slip.ludeme-bundle", entries)
    return make


def symlink_entry(good: Path, out: Path) -> Path:
    path = out / "symlink.ludeme-bundle"
    entries = entries_of(good)
    target = _blob_names(entries)[0]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.create_system = 3  # Unix: the mode bits are what unzip tools honour
            if name == target:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                data = b"/home/someone/.ssh/id_rsa"
            else:
                info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return path


def ratio_bomb(good: Path, out: Path) -> Path:
    """A 64 MiB run of zeros deflated to about 64 KiB (1000:1), listed honestly."""
    entries = entries_of(good)
    zeros = bytes(64 * 1024 * 1024)
    entries[f"blobs/{hashlib.sha256(zeros).hexdigest()}"] = zeros
    return write_zip(out / "ratio-bomb.ludeme-bundle", rehash(entries))


def total_size_bomb(good: Path, out: Path) -> Path:
    """Five entries that each declare 500 MiB (2.5 GB in all) at a modest ratio."""
    entries = entries_of(good)
    names = []
    for i in range(5):
        data = hashlib.sha256(str(i).encode()).digest() * 4096  # 128 KiB of varied bytes
        name = f"blobs/{hashlib.sha256(data).hexdigest()}"
        entries[name] = data
        names.append(name)
    path = write_zip(out / "total-bomb.ludeme-bundle", rehash(entries), compress=zipfile.ZIP_STORED)
    for name in names:
        patch_central_sizes(path, name, file_size=500 * 1024 ** 2)
    return path


def lying_sizes(good: Path, out: Path) -> Path:
    """An entry that declares 1,000,000 bytes but inflates to 32 MiB (below the ratio floor on paper)."""
    entries = entries_of(good)
    zeros = bytes(32 * 1024 * 1024)
    name = f"blobs/{hashlib.sha256(zeros[:1_000_000]).hexdigest()}"
    entries[name] = zeros
    entries = rehash(entries)
    manifest = json.loads(entries["manifest.json"])
    manifest["payloads"][name]["size"] = 1_000_000  # the manifest tells the same lie
    entries["manifest.json"] = json.dumps(manifest).encode()
    path = write_zip(out / "lying.ludeme-bundle", entries)
    patch_central_sizes(path, name, file_size=1_000_000)
    return path


def too_many_files(good: Path, out: Path) -> Path:
    entries = list(entries_of(good).items())
    entries += [(f"blobs/{i:064x}", b"") for i in range(50_001)]
    return write_zip(out / "many.ludeme-bundle", entries, compress=zipfile.ZIP_STORED)


def newer_schema(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    manifest = _json(entries, "manifest.json")
    manifest["schema_version"] = 99
    manifest["payloads"] = "changed shape in schema 99"
    _put(entries, "manifest.json", manifest)
    return write_zip(out / "newer.ludeme-bundle", entries)


def duplicate_ids(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    versions = _json(entries, "versions.json")
    twin = dict(versions[-1], note="a second version with the same id")
    _put(entries, "versions.json", versions + [twin])
    return write_zip(out / "dup.ludeme-bundle", rehash(entries))


def wrong_types(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    versions = _json(entries, "versions.json")
    versions[0]["generation"] = "three"
    _put(entries, "versions.json", versions)
    return write_zip(out / "types.ludeme-bundle", rehash(entries))


def wrong_top_level(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    _put(entries, "edges.json", {"child": "x"})
    return write_zip(out / "toplevel.ludeme-bundle", rehash(entries))


def blob_sha_mismatch(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    name = _blob_names(entries)[0]
    entries[name] = entries[name] + b"<script>fetch('https://evil.example')</script>"
    return write_zip(out / "sha.ludeme-bundle", rehash(entries))


def payload_sha_mismatch(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    versions = _json(entries, "versions.json")
    versions[0]["note"] = "altered after export"
    _put(entries, "versions.json", versions)
    manifest = _json(entries, "manifest.json")
    manifest["payloads"]["versions.json"]["size"] = len(entries["versions.json"])  # size fixed, hash not
    _put(entries, "manifest.json", manifest)
    return write_zip(out / "payload-sha.ludeme-bundle", entries)


def missing_blob(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    files = _json(entries, "files.json")
    del entries[f"blobs/{files[0]['sha256']}"]
    return write_zip(out / "missing-blob.ludeme-bundle", rehash(entries))


def unlisted_missing_blob(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    files = _json(entries, "files.json")
    del entries[f"blobs/{files[0]['sha256']}"]  # the manifest still lists it
    return write_zip(out / "unlisted.ludeme-bundle", entries)


def unknown_edge(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    edges = _json(entries, "edges.json")
    edges.append({"child": edges[0]["child"], "parent": "0123456789abcdef", "kind": "crossover",
                  "position": 7})
    _put(entries, "edges.json", edges)
    return write_zip(out / "edge.ludeme-bundle", rehash(entries))


def edge_cycle(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    edges = _json(entries, "edges.json")
    first = edges[0]
    edges.append({"child": first["parent"], "parent": first["child"], "kind": "mutate", "position": 0})
    _put(entries, "edges.json", edges)
    return write_zip(out / "cycle.ludeme-bundle", rehash(entries))


def duplicate_entry(good: Path, out: Path) -> Path:
    entries = list(entries_of(good).items())
    entries.append(("versions.json", b"[]"))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that's the point
        return write_zip(out / "dup-entry.ludeme-bundle", entries)


def not_a_zip(good: Path, out: Path) -> Path:
    path = out / "notes.ludeme-bundle"
    path.write_text("these are my notes, not a bundle\n" * 20)
    return path


def truncated(good: Path, out: Path) -> Path:
    data = good.read_bytes()
    path = out / "truncated.ludeme-bundle"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def no_manifest(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    del entries["manifest.json"]
    return write_zip(out / "nomanifest.ludeme-bundle", entries)


def manifest_not_json(good: Path, out: Path) -> Path:
    entries = entries_of(good)
    entries["manifest.json"] = b"{format: ludeme-bundle"
    return write_zip(out / "badmanifest.ludeme-bundle", entries)


def foreign_zip(good: Path, out: Path) -> Path:
    return write_zip(out / "photos.zip", {"holiday/beach.jpg": b"\xff\xd8\xff" + bytes(100)})


def secret_payload(good: Path, out: Path) -> Path:
    """An extra JSON entry a forger hopes gets written somewhere (settings, keys)."""
    entries = entries_of(good)
    entries["settings.json"] = b'{"api_key": "sk-live"}'
    return write_zip(out / "extra.ludeme-bundle", rehash(entries))


def corrupt_stream(good: Path, out: Path) -> Path:
    """The bytes of one deflated entry overwritten on disk (a bad download)."""
    path = out / "corrupt.ludeme-bundle"
    path.write_bytes(good.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("versions.json")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start, start + min(info.compress_size, 64)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


Maker = Callable[[Path, Path], Path]

CASES: dict[str, tuple[Maker, str]] = {
    "zip slip": (_with_extra("../../evil.sh"), "climbs out of the bundle"),
    "absolute path": (_with_extra("/etc/cron.d/evil"), "is an absolute path"),
    "drive letter": (_with_extra("C:/Windows/evil.dll"), "starts with a drive letter"),
    "backslash": (_with_extra("..\\..\\evil.bat"), "contains a backslash"),
    "symlink": (symlink_entry, "is a symbolic link"),
    "ratio bomb": (ratio_bomb, "a zip bomb?"),
    "total size bomb": (total_size_bomb, "would unpack to 2,6"),
    "lying sizes": (lying_sizes, "does not match its declared size"),
    "too many files": (too_many_files, "more than the 50,000 allowed"),
    "newer schema": (newer_schema, "made by a newer Ludeme (bundle schema 99"),
    "duplicate ids": (duplicate_ids, "duplicate version id"),
    "wrong types": (wrong_types, "versions.json is malformed at 0.generation"),
    "wrong top level": (wrong_top_level, "edges.json is malformed"),
    "blob sha mismatch": (blob_sha_mismatch, "does not match its sha256"),
    "payload sha mismatch": (payload_sha_mismatch, "versions.json does not match its sha256"),
    "missing blob": (missing_blob, "refers to missing blob"),
    "listed blob absent": (unlisted_missing_blob, "but the bundle lacks it"),
    "edge to unknown version": (unknown_edge, "an edge refers to unknown version 0123456789abcdef"),
    "edge cycle": (edge_cycle, "form a cycle"),
    "duplicate entry": (duplicate_entry, "appears twice"),
    "not a zip": (not_a_zip, "not a zip file"),
    "truncated zip": (truncated, "damaged or truncated zip"),
    "manifest missing": (no_manifest, "has no manifest.json"),
    "manifest not json": (manifest_not_json, "manifest.json is not valid JSON"),
    "foreign zip": (foreign_zip, "has no manifest.json"),
    "extra payload": (secret_payload, "unexpected entry 'settings.json'"),
    "corrupt stream": (corrupt_stream, "versions.json"),
}
