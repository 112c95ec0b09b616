"""The store and the core objects import no Qt and do no work at import time."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"


def test_store_imports_no_qt(tmp_path):
    code = (
        "import sys, os; import ludeme.store, ludeme.store.seeding, ludeme.core.domain;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'litellm'));"
        "assert not bad, bad;"
        "assert not os.listdir(os.environ['LUDEME_DATA_DIR']), 'import wrote files'"
    )
    env = {"PYTHONPATH": str(DESKTOP), "LUDEME_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
