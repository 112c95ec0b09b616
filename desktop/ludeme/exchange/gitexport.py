"""A lineage as a git history (dulwich): one commit per version, merge commits for crossovers.

Layout of the repository written at ``out``:

- one commit per version, in lineage order (parents before children; then generation, created);
  its tree is exactly the version's stored files; its parents are the commits of the version's
  parents, in the version's parent order, so a crossover is a merge commit and a root has none;
- author and committer ``Ludeme <ludeme@localhost>``, dated when the version was created (UTC);
- the message: a subject (operator, direction) and a body with version id, lineage, generation,
  status, reward, human rating, Bradley–Terry score, mechanics and model;
- branches: ``main`` at the best version (highest reward among evaluated ones, newest on ties) and
  ``leaf/<version-id>`` at every version without children; ``HEAD`` is ``main`` and the work tree
  holds the best version's files (a checked-out, ordinary repository);
- a lightweight tag ``v/<version-id>`` per version, so ``git show v/<id>`` finds any of them.

Soft-deleted versions are left out unless a kept version descends from them (the history would
break otherwise); ancestors in other lineages (a crossover with a stranger) are brought in the same
way. The target is a lineage (id or title) or a version (→ its lineage). No Qt here.
"""
from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ludeme.core.domain import user_note
from ludeme.exchange import export_folder
from ludeme.exchange.itch import ExportError, _fmt, best_version, resolve_lineage

if TYPE_CHECKING:
    from ludeme.store.project import Project

AUTHOR = b"Ludeme <ludeme@localhost>"


def lineage_order(versions: Iterable) -> list:
    """Versions ordered so that parents come before children (Kahn's algorithm; among the ready
    ones, lowest generation then oldest first). Parents outside the set are ignored."""
    versions = list(versions)
    by_id = {v.id: v for v in versions}
    waiting = {v.id: sum(1 for p in dict.fromkeys(v.parents) if p in by_id) for v in versions}
    children: dict[str, list[str]] = {}
    for v in versions:
        for p in dict.fromkeys(v.parents):
            if p in by_id:
                children.setdefault(p, []).append(v.id)
    import heapq

    key = lambda vid: (by_id[vid].generation, by_id[vid].created, vid)  # noqa: E731
    ready = [key(vid) for vid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        *_, vid = heapq.heappop(ready)
        order.append(by_id[vid])
        for child in children.get(vid, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, key(child))
    if len(order) != len(versions):
        raise ExportError("the lineage's parent links form a cycle; it cannot be written as a history")
    return order


def _collect(project: Project, lineage_id: str) -> list:
    """The lineage's live versions plus every ancestor they need (deleted or from elsewhere)."""
    chosen = {v.id: v for v in project.versions(lineage_id)}
    queue = [p for v in chosen.values() for p in v.parents]
    while queue:
        pid = queue.pop()
        if pid in chosen:
            continue
        try:
            parent = project.version(pid)
        except KeyError:
            continue  # a parent gone for good: the child starts the history there
        chosen[pid] = parent
        queue.extend(parent.parents)
    return list(chosen.values())


def commit_message(version, lineage) -> bytes:
    op = version.operator.value
    if version.direction:
        subject = f"{op}: {version.direction}"
    elif version.parents:
        subject = f"{op} of " + " + ".join(p[:8] for p in version.parents)
    else:
        subject = f"{op}: {lineage.title}"
    body = [
        f"Version:    {version.id}",
        f"Lineage:    {version.lineage_id}" + (f" ({lineage.title})" if lineage.id == version.lineage_id else ""),
        f"Generation: {version.generation}",
        f"Operator:   {op}",
        f"Status:     {version.status.value}",
        f"Reward:     {_fmt(version.reward)}",
    ]
    if version.rating is not None:
        body.append(f"Rating:     {version.rating}/5")
    if version.bt_score is not None:
        body.append(f"BT score:   {_fmt(version.bt_score)}")
    if version.mechanics:
        body.append(f"Mechanics:  {', '.join(version.mechanics)}")
    body.append(f"Model:      {version.model or '-'}")
    if version.deleted:
        body.append("Deleted:    yes (kept because later versions descend from it)")
    if user_note(version.note):
        body += ["", user_note(version.note).strip()]
    return (subject.strip().splitlines()[0][:120] + "\n\n" + "\n".join(body) + "\n").encode("utf-8")


def _tree(object_store, files: dict[str, bytes]) -> bytes:
    from dulwich.objects import Blob, Tree

    root: dict = {}
    for path, data in files.items():
        parts = path.split("/")
        if any(p in ("", ".", "..", ".git") for p in parts):
            raise ExportError(f"a file path git cannot hold: {path!r}")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ExportError(f"{path!r} is both a file and a folder")
        blob = Blob.from_string(bytes(data))
        object_store.add_object(blob)
        node[parts[-1]] = blob.id

    def write(node: dict) -> bytes:
        tree = Tree()
        for name, value in node.items():
            if isinstance(value, dict):
                tree.add(name.encode("utf-8"), stat.S_IFDIR, write(value))
            else:
                tree.add(name.encode("utf-8"), 0o100644, value)
        object_store.add_object(tree)
        return tree.id

    return write(root)


class _Collector:
    """Objects made for the history, each once, to be written as one pack."""

    def __init__(self) -> None:
        self.objects: dict[bytes, object] = {}

    def add_object(self, obj) -> None:
        self.objects.setdefault(obj.id, obj)


def export_git(project: Project, target_id: str, out: str | Path) -> Path:
    """Write the target's lineage as a git repository at ``out`` (a new or empty folder).
    Returns ``out``."""
    from dulwich.index import build_index_from_tree
    from dulwich.objects import Commit
    from dulwich.repo import Repo

    lineage = resolve_lineage(project, target_id)
    versions = lineage_order(_collect(project, lineage.id))
    if not versions:
        raise ExportError(f"lineage {lineage.title!r} has no versions to export")
    out = Path(out)
    with export_folder(out):
        repo = Repo.init(str(out))
        store = _Collector()  # every object goes into one pack at the end (fast, one file)
        commits: dict[str, bytes] = {}
        lineages = {lineage.id: lineage}
        for v in versions:
            lin = lineages.get(v.lineage_id)
            if lin is None:
                lin = lineages[v.lineage_id] = project.lineage(v.lineage_id)
            commit = Commit()
            commit.tree = _tree(store, project.version_files(v.id))
            commit.parents = [commits[p] for p in dict.fromkeys(v.parents) if p in commits]
            commit.author = commit.committer = AUTHOR
            commit.author_time = commit.commit_time = int(v.created or 0)
            commit.author_timezone = commit.commit_timezone = 0
            commit.encoding = b"UTF-8"
            commit.message = commit_message(v, lin)
            store.add_object(commit)
            commits[v.id] = commit.id
        try:
            best = best_version(project, lineage.id)
        except ExportError:
            best = versions[-1]
        repo.object_store.add_objects([(obj, None) for obj in store.objects.values()])
        main = commits.get(best.id, commits[versions[-1].id])
        repo.refs[b"refs/heads/main"] = main
        repo.refs.set_symbolic_ref(b"HEAD", b"refs/heads/main")
        has_children = {p for v in versions for p in v.parents}
        packed = {f"refs/tags/v/{v.id}".encode(): commits[v.id] for v in versions}
        packed.update({f"refs/heads/leaf/{v.id}".encode(): commits[v.id] for v in versions
                       if v.id not in has_children and v.lineage_id == lineage.id and not v.deleted})
        repo.refs.add_packed_refs(packed)  # one file: hundreds of loose refs each cost an fsync
        build_index_from_tree(repo.path, repo.index_path(), repo.object_store, store.objects[main].tree)
        repo.close()
    return out
