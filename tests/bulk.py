"""Making many versions fast, for benchmarks and stress tests: a test helper, not part of the store's API
(it writes rows the way `store/versions.py` does, in one transaction)."""
from __future__ import annotations

import random
import time
from collections.abc import Mapping

from ludeme.core.domain import Operator, VersionStatus, new_id
from ludeme.store.files import mime_for
from ludeme.store.models import dumps
from ludeme.store.versions import _INSERT

_MECHANICS = ("gravity", "jump", "double_jump", "coins", "screen_shake", "particles", "dash",
              "enemies", "timer", "lives", "combo", "wall_jump")


def add_versions_bulk(
    project, lineage_id: str, count: int, *, files: Mapping[str, bytes] | None = None,
    unique_files: bool = False, seed: int = 0, crossover_rate: float = 0.05,
    status: VersionStatus | str = VersionStatus.EVALUATED,
) -> list[str]:
    """``count`` evaluated versions forming a random tree in one lineage (one transaction).

    The first version is a root; each later one mutates a random earlier one (newer ones more
    likely), a few cross two. Files are shared (stored once) unless ``unique_files``.
    """
    rng = random.Random(seed)
    files = dict(files or {"index.html": b"<!DOCTYPE html><title>bulk</title><canvas></canvas>"})
    status = VersionStatus(status).value
    ids = [new_id() for _ in range(count)]
    generation: list[int] = []
    versions, edges, file_rows = [], [], []
    now = time.time() - count * 0.001
    with project.db.atomic():
        shared = {path: project._insert_blob(data, mime_for(path)) for path, data in files.items()}
        for i, vid in enumerate(ids):
            parents: list[int] = []
            if i:
                parents.append(int(i * rng.random() ** 0.5))
                if i > 1 and rng.random() < crossover_rate:
                    other = rng.randrange(i)
                    if other != parents[0]:
                        parents.append(other)
            generation.append(1 + max(generation[p] for p in parents) if parents else 0)
            operator = (Operator.SEED if not parents else
                        Operator.CROSSOVER if len(parents) > 1 else Operator.MUTATE).value
            reward = round(rng.random(), 4)
            mechanics = rng.sample(_MECHANICS, 3)
            versions.append((
                vid, lineage_id, status, operator, generation[-1],
                dumps({"intent": f"variant {i}", "mechanics": mechanics}), dumps(mechanics),
                reward, dumps({"playable": 1.0, "novelty": reward}), None, None, None, None,
                "bench/model", 1200, 3400, 0.002, 12.5, i, "", "", 0, None, now + i * 0.001,
                now + i * 0.001))
            edges += [(vid, ids[p], operator, pos) for pos, p in enumerate(parents)]
            for path, data in files.items():
                sha = shared[path]
                if unique_files:
                    sha = project._insert_blob(data + f"<!-- {vid} -->".encode(), mime_for(path))
                file_rows.append((vid, path, sha, mime_for(path)))
        conn = project.db.connection()
        conn.executemany(_INSERT, versions)
        conn.executemany("INSERT INTO version_parent (child_id, parent_id, kind, position)"
                         " VALUES (?, ?, ?, ?)", edges)
        conn.executemany("INSERT INTO version_file (version_id, path, blob_sha, mime)"
                         " VALUES (?, ?, ?, ?)", file_rows)
    return ids
