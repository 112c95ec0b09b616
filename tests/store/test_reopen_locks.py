"""Opening a project that this process already has open must not drop our SQLite locks.

On POSIX, closing any descriptor of a file drops every fcntl lock the process holds on it. The
project check used to read the file's header with a plain open()/close(): done while the studio
had the project open, it silently released the studio's locks, another process (the worker) then
believed it was the last user, removed the WAL on close, and a later write of the studio was lost.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ludeme.store import create_default_project, open_project

ROOT = Path(__file__).resolve().parents[2]


def _other(path: Path, code: str) -> str:
    script = (f"import sys; sys.path.insert(0, {str(ROOT / 'desktop')!r})\n"
              "from ludeme.store import open_project\n"
              f"p = open_project({str(path)!r})\n{code}\np.close()\n")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout


def test_a_second_open_in_the_same_process_keeps_the_first_ones_writes(tmp_path):
    path = tmp_path / "locks.ludeme"
    studio = create_default_project(path)
    job = studio.enqueue_job("fork", {"version_id": "x"})
    _other(path, f"p.update_job({job.id}, message='first')")
    again = open_project(path)  # e.g. a second window, an export, the recent-projects check
    again.close()
    _other(path, "")  # a worker comes and goes
    assert Path(f"{path}-wal").exists(), "the WAL was removed while the studio still had the project open"
    _other(path, f"p.update_job({job.id}, message='second')")
    assert studio.job(job.id).message == "second"
    studio.update_job(job.id, progress=0.5)
    seen = _other(path, f"print(p.job({job.id}).progress)")
    assert seen.strip() == "0.5", "the studio's write was lost"
    studio.close()
