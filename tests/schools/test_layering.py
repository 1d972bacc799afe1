"""House rule: the schools app never imports schedules or the solver (it runs it as a process)."""

from __future__ import annotations

import ast
from pathlib import Path

import schools

FORBIDDEN = ("schedules", "solver")


def test_schools_imports_neither_schedules_nor_solver():
    offenders = []
    for path in Path(schools.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [
                f"{path.name}:{node.lineno} imports {name}"
                for name in names
                if name.split(".")[0] in FORBIDDEN
            ]
    assert offenders == []
