"""Reading a lineage bundle safely: everything is checked before anything is written.

A bundle is a zip file holding ``manifest.json``, a few JSON payloads (``lineages.json``,
``versions.json`` …) and content-addressed blobs (``blobs/<sha256>``). :func:`read_bundle` looks
at it in this order and refuses at the first problem with :class:`ImportRefused` (one line):

1. it is a readable zip (not another kind of file, not truncated), entries are not encrypted and
   use stored or deflate compression;
2. every entry name is safe (no ``..``, absolute paths, drive letters, backslashes, control
   characters), is not a symlink, appears once, and is one this format uses;
3. sizes: number of entries, size of each entry and of them all (as declared), compression
   ratio (zip bombs), and declared sizes that cannot be true;
4. the manifest: present, JSON, our format, a schema version this Ludeme reads, its payload list
   matching the entries;
5. each payload is read with the limits enforced on the bytes actually inflated (declared sizes
   can lie), its sha256 compared with the manifest's, and its JSON checked against strict
   pydantic models (wrong types refused);
6. the content hangs together: unique ids, versions in bundled lineages, edges between bundled
   versions without cycles, files and recordings pointing at bundled blobs, every blob used.

Nothing here writes anywhere; the project is not even needed.

Why this module is over 500 lines: every check a hostile bundle must pass, in the order they run,
so that a reviewer sees them all in one place.
"""
from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError,
)

from ludeme.core.domain import MechanicRole, Operator, VersionStatus, VoteOutcome, Voter, is_valid_id
from ludeme.exchange import ImportRefused
from ludeme.store.files import check_path

FORMAT = "ludeme-bundle"
SCHEMA = 1
MANIFEST = "manifest.json"
PAYLOADS = ("lineages.json", "versions.json", "edges.json", "files.json", "recordings.json",
            "votes.json", "mechanics.json", "version_mechanics.json", "memories.json")
BLOB_DIR = "blobs/"
_SHA = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """What a bundle may hold. Generous for real lineages (videos included), fatal for bombs."""
    max_entries: int = 50_000
    max_entry_bytes: int = 512 * 1024 ** 2        # one file, uncompressed
    max_total_bytes: int = 2 * 1024 ** 3          # all files, uncompressed
    max_ratio: float = 200.0                      # uncompressed / compressed …
    ratio_floor: int = 1024 ** 2                  # … checked for entries larger than this
    max_json_bytes: int = 256 * 1024 ** 2         # one JSON payload


DEFAULT_LIMITS = Limits()


# -- payload models (strict: a string where a number belongs is refused, unknown keys too) ------

class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


def _is_id(value: str) -> str:
    if not is_valid_id(value):
        raise ValueError("not a Ludeme id (16 lowercase hex characters)")
    return value


def _is_path(value: str) -> str:
    try:
        return check_path(value)
    except ValueError as err:
        raise ValueError(str(err)) from None


Id = Annotated[str, AfterValidator(_is_id)]
Sha = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
FilePath = Annotated[str, AfterValidator(_is_path)]
Text = Annotated[str, StringConstraints(max_length=10_000_000)]
Short = Annotated[str, StringConstraints(max_length=10_000)]
JsonObject = dict[str, Any]
Progress = Callable[[float, str], None]


def _literal(enum) -> Any:
    return Literal[tuple(e.value for e in enum)]  # type: ignore[misc]


class LineageRow(_Strict):
    id: Id
    title: Short
    description: Text = ""
    tags: list[Short] = []
    favourite: bool = False
    archived: bool = False
    island: int = 0
    created: float


class VersionRow(_Strict):
    id: Id
    lineage_id: Id
    status: _literal(VersionStatus)
    operator: _literal(Operator)
    generation: int = Field(0, ge=0)
    plan: JsonObject | None = None
    mechanics: list[Short] = []
    reward: float | None = None
    breakdown: JsonObject = {}
    rating: int | None = Field(None, ge=0, le=5)
    bt_score: float | None = None
    bt_low: float | None = None
    bt_high: float | None = None
    model: Short | None = None
    tokens_in: int = Field(0, ge=0)
    tokens_out: int = Field(0, ge=0)
    cost: float = 0.0
    wall_time: float | None = None
    seed: int = 0
    direction: Text = ""
    note: Text = ""
    favourite: bool = False
    deleted_at: float | None = None
    created: float
    evaluated: float | None = None


class EdgeRow(_Strict):
    child: Id
    parent: Id
    kind: Short
    position: int = Field(ge=0, le=1000)


class FileRow(_Strict):
    version_id: Id
    path: FilePath
    sha256: Sha
    mime: Short


class RecordingRow(_Strict):
    version_id: Id
    video_sha: Sha | None = None
    contact_sheet_sha: Sha | None = None
    thumbnail_sha: Sha | None = None
    input_trace: list[Any] = []
    console_log: Text = ""
    metrics: JsonObject = {}
    duration: float = 0.0
    fps: float = 0.0
    bot: Short = ""
    created: float


class VoteRow(_Strict):
    left: Id
    right: Id
    outcome: _literal(VoteOutcome)
    voter: _literal(Voter)
    judge_model: Short | None = None
    blind: bool = False
    created: float


class MechanicRow(_Strict):
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    name: Short
    summary: Text = ""
    description: Text = ""
    changes: list[Any] = []
    category: Short = ""
    genres: list[Short] = []
    tags: list[Short] = []
    structural: bool = False
    kit_module: Short | None = None
    example: Text = ""
    probe: Text = ""
    params: JsonObject = {}
    origin: Short = "seed"
    usage_count: int = Field(0, ge=0)
    success_count: int = Field(0, ge=0)
    created: float
    updated: float


class VersionMechanicRow(_Strict):
    version_id: Id
    mechanic_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: _literal(MechanicRole)
    probe_ok: bool | None = None
    probe_detail: Text = ""


class MemoryRow(_Strict):
    lineage_id: Id
    intent: Text
    lesson: Text = ""
    q: float = 0.0
    visits: int = Field(0, ge=0)
    updated: float


class PayloadEntry(_Strict):
    sha256: Sha
    size: int = Field(ge=0)


class TargetInfo(_Strict):
    kind: Literal["lineage", "version"]
    id: Id
    title: Short


class Manifest(_Strict):
    format: Literal["ludeme-bundle"]
    schema_version: int
    app_version: Short
    created: float
    target: TargetInfo
    counts: dict[str, int]
    payloads: dict[str, PayloadEntry]


ROW_MODELS: dict[str, type[_Strict]] = {
    "lineages.json": LineageRow, "versions.json": VersionRow, "edges.json": EdgeRow,
    "files.json": FileRow, "recordings.json": RecordingRow, "votes.json": VoteRow,
    "mechanics.json": MechanicRow, "version_mechanics.json": VersionMechanicRow,
    "memories.json": MemoryRow,
}
_ADAPTERS = {name: TypeAdapter(list[model]) for name, model in ROW_MODELS.items()}


# -- the checked bundle -----------------------------------------------------------------------

@dataclass
class Bundle:
    """A bundle that passed every check; blobs are read again (and re-verified) on demand."""
    path: Path
    manifest: Manifest
    lineages: list[LineageRow]
    versions: list[VersionRow]
    edges: list[EdgeRow]
    files: list[FileRow]
    recordings: list[RecordingRow]
    votes: list[VoteRow]
    mechanics: list[MechanicRow]
    version_mechanics: list[VersionMechanicRow]
    memories: list[MemoryRow]
    blob_sizes: dict[str, int] = field(default_factory=dict)
    limits: Limits = DEFAULT_LIMITS

    def blobs(self) -> Iterator[tuple[str, bytes]]:
        """(sha256, bytes) of every blob, each checked again against its name while read."""
        with _open_zip(self.path) as zf:
            for sha in self.blob_sizes:
                data = _read_entry(zf, zf.getinfo(BLOB_DIR + sha), self.limits.max_entry_bytes)
                if _sha256(data) != sha:
                    raise ImportRefused(f"blob {sha[:12]}… changed while importing; try again")
                yield sha, data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ImportRefused(f"no such bundle: {path}") from None
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder, not a bundle") from None
    except PermissionError:
        raise ImportRefused(f"cannot read {path} (permission denied)") from None
    except zipfile.BadZipFile as err:
        if _looks_like_zip(path):
            detail = "its table of contents is missing" if "not a zip" in str(err) else str(err)
            raise ImportRefused(f"{path.name} is a damaged or truncated zip ({detail})") from None
        raise ImportRefused(f"{path.name} is not a Ludeme bundle (not a zip file)") from None
    except (OSError, ValueError, EOFError) as err:
        raise ImportRefused(f"{path.name} cannot be read as a zip ({err})") from None


def _looks_like_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The inflated bytes of one entry, never more than its declared size or ``limit``."""
    allowed = min(info.file_size, limit)
    chunks, total = [], 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1024 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > allowed:
                    raise ImportRefused(f"entry {info.filename} inflates to more than its declared "
                                        f"{info.file_size:,} bytes (a zip bomb?)")
                chunks.append(chunk)
    except ImportRefused:
        raise
    except zipfile.BadZipFile as err:
        if "CRC" in str(err):
            raise ImportRefused(f"entry {info.filename} does not match its declared size and "
                                "checksum (damaged, or a zip bomb lying about its size)") from None
        raise ImportRefused(f"entry {info.filename} is damaged ({err})") from None
    except (zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as err:
        raise ImportRefused(f"entry {info.filename} is damaged or truncated ({err})") from None
    if total != info.file_size:
        raise ImportRefused(f"entry {info.filename} is {total:,} bytes, not the declared "
                            f"{info.file_size:,} (damaged or truncated)")
    return b"".join(chunks)


def unsafe_name_reason(name: str) -> str | None:
    """Why a zip entry name could write outside a target folder, or None if it is safe."""
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "contains control characters"
    if any(part == ".." for part in name.split("/")):
        return "climbs out of the bundle with '..'"
    if any(part in ("", ".") for part in name.split("/")):
        return "has empty or '.' parts"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_entries(zf: zipfile.ZipFile, limits: Limits, file_size: int) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise ImportRefused(f"the bundle has {len(infos):,} entries, more than the "
                            f"{limits.max_entries:,} allowed")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise ImportRefused(f"the bundle would unpack to {total:,} bytes, more than the "
                            f"{limits.max_total_bytes:,} allowed (a zip bomb?)")
    entries: dict[str, zipfile.ZipInfo] = {}
    unexpected = None
    for info in infos:
        name = info.filename
        why = unsafe_name_reason(name)
        if why:
            raise ImportRefused(f"unsafe entry name {name!r}: it {why}")
        if _is_symlink(info):
            raise ImportRefused(f"entry {name!r} is a symbolic link (not allowed in a bundle)")
        if name in entries:
            raise ImportRefused(f"entry {name!r} appears twice in the bundle")
        if info.is_dir():
            raise ImportRefused(f"unexpected folder entry {name!r} in the bundle")
        if unexpected is None and not (name == MANIFEST or name in PAYLOADS or (
                name.startswith(BLOB_DIR) and _SHA.fullmatch(name[len(BLOB_DIR):]))):
            unexpected = name
        if info.flag_bits & 0x1:
            raise ImportRefused(f"entry {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportRefused(f"entry {name!r} uses an unsupported compression method "
                                f"({info.compress_type})")
        if info.file_size > limits.max_entry_bytes:
            raise ImportRefused(f"entry {name!r} would unpack to {info.file_size:,} bytes, more than "
                                f"the {limits.max_entry_bytes:,} allowed for one file")
        if info.file_size > limits.ratio_floor and \
                info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ImportRefused(f"entry {name!r} is compressed {ratio:,.0f}:1 (more than "
                                f"{limits.max_ratio:,.0f}:1 — a zip bomb?)")
        if info.compress_size > file_size or (
                info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size):
            raise ImportRefused(f"entry {name!r} declares sizes that cannot be true "
                                "(damaged, or lying about its size)")
        entries[name] = info
    if MANIFEST not in entries:
        raise ImportRefused("the bundle has no manifest.json (not a Ludeme bundle, or damaged)")
    if unexpected is not None:
        raise ImportRefused(f"unexpected entry {unexpected!r} (not part of a Ludeme bundle)")
    return entries


def _first_error(err: ValidationError, name: str) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{name} is malformed at {where or 'top level'}: {first.get('msg', 'invalid')}"


def _read_manifest(zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], limits: Limits) -> Manifest:
    if MANIFEST not in entries:
        raise ImportRefused("the bundle has no manifest.json (not a Ludeme bundle, or damaged)")
    raw = _read_entry(zf, entries[MANIFEST], min(limits.max_json_bytes, 64 * 1024 ** 2))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ImportRefused("manifest.json is not valid JSON") from None
    if not isinstance(data, dict):
        raise ImportRefused("manifest.json is malformed: not a JSON object")
    if data.get("format") != FORMAT:
        raise ImportRefused(f"manifest.json names format {data.get('format')!r}, not {FORMAT!r}")
    schema = data.get("schema_version")
    if type(schema) is not int:
        raise ImportRefused("manifest.json is malformed: schema_version is not a whole number")
    if schema > SCHEMA:
        raise ImportRefused(f"the bundle was made by a newer Ludeme (bundle schema {schema}, this "
                            f"version reads up to {SCHEMA}); update Ludeme to import it")
    if schema < 1:
        raise ImportRefused(f"manifest.json is malformed: schema_version {schema}")
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as err:
        raise ImportRefused(_first_error(err, "manifest.json")) from None
    listed, present = set(manifest.payloads), set(entries) - {MANIFEST}
    if listed - present:
        missing = sorted(listed - present)[0]
        what = "blob" if missing.startswith(BLOB_DIR) else "payload"
        raise ImportRefused(f"the manifest lists {what} {missing} but the bundle lacks it")
    if present - listed:
        raise ImportRefused(f"entry {sorted(present - listed)[0]} is not listed in the manifest")
    for name in PAYLOADS:
        if name not in listed:
            raise ImportRefused(f"the bundle lacks {name}")
    for name, entry in manifest.payloads.items():
        if entries[name].file_size != entry.size:
            raise ImportRefused(f"entry {name} is {entries[name].file_size:,} bytes but the manifest "
                                f"says {entry.size:,}")
        if name.startswith(BLOB_DIR) and name[len(BLOB_DIR):] != entry.sha256:
            raise ImportRefused(f"blob {name} is listed with another sha256 in the manifest")
    return manifest


def read_bundle(path: str | Path, limits: Limits = DEFAULT_LIMITS, *,
                progress: Progress | None = None) -> Bundle:
    """Check a bundle completely (see the module's docstring); ImportRefused on any problem.
    ``progress(fraction, message)`` is called as the blobs are checked (for a progress bar)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportRefused(f"no such bundle: {path}") from None
    except OSError as err:
        raise ImportRefused(f"cannot read {path} ({err.strerror})") from None
    if path.is_dir():
        raise ImportRefused(f"{path} is a folder, not a bundle")
    with _open_zip(path) as zf:
        entries = _check_entries(zf, limits, size)
        manifest = _read_manifest(zf, entries, limits)
        payloads: dict[str, list] = {}
        for name in PAYLOADS:
            raw = _read_entry(zf, entries[name], limits.max_json_bytes)
            if _sha256(raw) != manifest.payloads[name].sha256:
                raise ImportRefused(f"{name} does not match its sha256 in the manifest (damaged or altered)")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportRefused(f"{name} is not UTF-8 text") from None
            try:
                payloads[name] = _ADAPTERS[name].validate_json(text)
            except ValidationError as err:
                if err.errors()[0].get("type") == "json_invalid":
                    raise ImportRefused(f"{name} is not valid JSON") from None
                raise ImportRefused(_first_error(err, name)) from None
        blob_sizes: dict[str, int] = {}
        total = sum(i.file_size for n, i in entries.items() if n.startswith(BLOB_DIR)) or 1
        done = 0
        for name, info in entries.items():
            if not name.startswith(BLOB_DIR):
                continue
            sha = name[len(BLOB_DIR):]
            data = _read_entry(zf, info, limits.max_entry_bytes)
            if _sha256(data) != sha:
                raise ImportRefused(f"blob {sha[:12]}… does not match its sha256 (damaged or altered)")
            blob_sizes[sha] = len(data)
            done += len(data)
            if progress is not None:
                progress(done / total, "checking the bundle")
    bundle = Bundle(path, manifest, *(payloads[name] for name in PAYLOADS), blob_sizes=blob_sizes,
                    limits=limits)
    check_consistency(bundle)
    return bundle


def _unique(values, what: str) -> set:
    seen: set = set()
    for value in values:
        if value in seen:
            raise ImportRefused(f"duplicate {what} {value!r} in the bundle")
        seen.add(value)
    return seen


def check_consistency(b: Bundle) -> None:
    """The references inside a bundle all resolve (ImportRefused otherwise)."""
    lineage_ids = _unique((lin.id for lin in b.lineages), "lineage id")
    version_ids = _unique((v.id for v in b.versions), "version id")
    if lineage_ids & version_ids:
        raise ImportRefused(f"id {sorted(lineage_ids & version_ids)[0]!r} is both a lineage and a version")
    _unique((m.id for m in b.mechanics), "mechanic id")
    _unique(((f.version_id, f.path) for f in b.files), "file")
    _unique(((e.child, e.position) for e in b.edges), "edge")
    _unique(((vm.version_id, vm.mechanic_id, vm.role) for vm in b.version_mechanics), "mechanic link")
    if b.manifest.target.id not in lineage_ids | version_ids:
        raise ImportRefused(f"the manifest's target {b.manifest.target.id} is not in the bundle")
    for v in b.versions:
        if v.lineage_id not in lineage_ids:
            raise ImportRefused(f"version {v.id} belongs to lineage {v.lineage_id}, which the bundle lacks")
    parents: dict[str, list[str]] = {}
    for e in b.edges:
        for end in (e.child, e.parent):
            if end not in version_ids:
                raise ImportRefused(f"an edge refers to unknown version {end}")
        if e.child == e.parent:
            raise ImportRefused(f"version {e.child} is its own parent")
        parents.setdefault(e.child, []).append(e.parent)
    _check_acyclic(parents)
    blobs = set(b.blob_sizes)
    used: set[str] = set()
    for f in b.files:
        if f.version_id not in version_ids:
            raise ImportRefused(f"file {f.path} belongs to unknown version {f.version_id}")
        if f.sha256 not in blobs:
            raise ImportRefused(f"file {f.path} of version {f.version_id} refers to missing blob "
                                f"{f.sha256[:12]}…")
        used.add(f.sha256)
    for r in b.recordings:
        if r.version_id not in version_ids:
            raise ImportRefused(f"a recording belongs to unknown version {r.version_id}")
        for sha in (r.video_sha, r.contact_sheet_sha, r.thumbnail_sha):
            if sha is not None:
                if sha not in blobs:
                    raise ImportRefused(f"a recording of version {r.version_id} refers to missing "
                                        f"blob {sha[:12]}…")
                used.add(sha)
    for vote in b.votes:
        for end in (vote.left, vote.right):
            if end not in version_ids:
                raise ImportRefused(f"a vote refers to unknown version {end}")
        if vote.left == vote.right:
            raise ImportRefused(f"a vote compares version {vote.left} with itself")
        if vote.voter == Voter.JUDGE.value and not vote.judge_model:
            raise ImportRefused("a judge's vote does not name the judge model")
    for vm in b.version_mechanics:
        if vm.version_id not in version_ids:
            raise ImportRefused(f"a mechanic link refers to unknown version {vm.version_id}")
    for mem in b.memories:
        if mem.lineage_id not in lineage_ids:
            raise ImportRefused(f"a lineage memory refers to unknown lineage {mem.lineage_id}")
    if blobs - used:
        raise ImportRefused(f"blob {sorted(blobs - used)[0][:12]}… is not used by anything in the bundle")
    counts = b.manifest.counts
    actual = {"lineages": len(b.lineages), "versions": len(b.versions), "edges": len(b.edges),
              "files": len(b.files), "blobs": len(blobs), "recordings": len(b.recordings),
              "votes": len(b.votes), "mechanics": len(b.mechanics),
              "version_mechanics": len(b.version_mechanics), "memories": len(b.memories)}
    for key, n in actual.items():
        if counts.get(key, n) != n:
            raise ImportRefused(f"the manifest counts {counts[key]} {key} but the bundle holds {n}")


def _check_acyclic(parents: dict[str, list[str]]) -> None:
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    for start in parents:
        if state.get(start):
            continue
        stack = [(start, iter(parents.get(start, ())))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                raise ImportRefused(f"the bundle's parent edges form a cycle through version {nxt}")
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(parents.get(nxt, ()))))
