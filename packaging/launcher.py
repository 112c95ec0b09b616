"""Entry point of the frozen Ludeme bundle (packaging/ludeme.spec).

Ludeme starts helper processes as ``[sys.executable, "-m", "ludeme", ...]`` (evaluations run in
parallel, the worker's one-job children). In the bundle ``sys.executable`` is the ``ludeme``
program itself, which has no ``-m``: drop that prefix so the same command line works frozen.
"""
import sys

if sys.argv[1:3] == ["-m", "ludeme"]:
    del sys.argv[1:3]

from ludeme.cli import main  # noqa: E402

raise SystemExit(main())
