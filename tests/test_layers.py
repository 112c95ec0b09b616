"""Rules of the house (docs/ARCHITECTURE.md): the layers import downwards only, the domain layers
never import Qt, and nothing works at import. The import rules are import-linter contracts in
pyproject.toml ([tool.importlinter]); the probes below also check what importing pulls in at run time."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


# --- import-linter: the contracts in pyproject.toml -------------------------------------------------

LINT_IMPORTS = Path(sys.executable).parent / ("lint-imports.exe" if os.name == "nt" else "lint-imports")


def _lint_imports(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run lint-imports on the config in ``root``/pyproject.toml against the package in ``root``/desktop
    (put first on the path, so the editable install of another checkout is never the one analysed)."""
    if not LINT_IMPORTS.exists():
        pytest.fail(f"{LINT_IMPORTS} is missing: install the test extras (pip install -e '.[test]')")
    env = dict(os.environ, PYTHONPATH=str(root / "desktop"))
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", *extra], capture_output=True, text=True,
                          timeout=120, cwd=root, env=env)


def test_import_contracts_are_kept():
    out = _lint_imports(ROOT)
    assert out.returncode == 0, "lint-imports found broken contracts:\n" + out.stdout + out.stderr


def test_import_contracts_catch_violations(tmp_path):
    """The contracts can fail: a copy of the package with a lazy Qt import in the store and an upward
    import from core into the UI breaks both the forbidden and the layers contract."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "desktop" / "ludeme", tmp_path / "desktop" / "ludeme",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (tmp_path / "desktop" / "ludeme" / "store" / "sneaky.py").write_text(
        "def show():\n    from PySide6.QtWidgets import QMessageBox  # lazy, but still an import\n")
    (tmp_path / "desktop" / "ludeme" / "core" / "upward.py").write_text("import ludeme.ui.theme\n")
    out = _lint_imports(tmp_path)
    report = out.stdout + out.stderr
    assert out.returncode == 1, report
    assert "ludeme.store.sneaky -> PySide6" in report, report
    assert "ludeme.core.upward -> ludeme.ui.theme" in report, report
    assert "Contracts: 0 kept, 3 broken." in report, report


def test_a_module_over_500_lines_says_why_at_its_top():
    """Modules stay small enough to read; a longer one explains itself in its docstring."""
    import ast

    long = []
    for path in sorted((ROOT / "desktop" / "ludeme").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 500:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "over 500 lines" not in doc.lower():
                long.append(f"{path.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    assert not long, "over 500 lines with no reason at the top: " + ", ".join(long)
