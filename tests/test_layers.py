"""Rules of the house (DESIGN.md §2): the domain layers never import Qt, and nothing works at import."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ("core", "store", "agents", "evolution", "exchange")

PROBE = """
import importlib, pkgutil, sys
import ludeme
failures = []
for layer in {layers!r}:
    pkg = importlib.import_module("ludeme." + layer)
    names = ["ludeme." + layer] + [m.name for m in pkgutil.walk_packages(pkg.__path__, "ludeme." + layer + ".")]
    for name in names:
        importlib.import_module(name)
        qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "superqt"))
        if qt:
            failures.append(name + " pulled in " + ", ".join(qt[:3]))
            break
print("\\n".join(failures) or "OK")
"""


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_domain_layers_import_no_qt():
    assert _run(PROBE.format(layers=QT_FREE)) == "OK"


def test_the_check_catches_a_qt_import():
    """The probe itself can fail: importing a Qt-using layer is reported."""
    assert "pulled in PySide6" in _run(PROBE.format(layers=("runtime",)))


def test_cli_import_is_light():
    code = ("import sys, ludeme.cli; heavy = [m for m in ('PySide6', 'litellm', 'peewee', 'numpy') if m in sys.modules];"
            "print(heavy or 'OK')")
    assert _run(code) == "OK"
