"""The experiment layers import downwards only: report -> designs -> engine, never back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import govsim

PACKAGE = Path(govsim.__file__).parent
# Command-line entry points may use every layer (they build the report at the end).
COMMANDS = {"cli.py", "reproduce.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_the_experiment_layer_does_not_import_the_report() -> None:
    for path in sorted((PACKAGE / "experiment").glob("*.py")):
        if path.name in COMMANDS:
            continue
        bad = {m for m in _imports(path) if m == "govsim.report" or m.startswith("govsim.report.")}
        assert not bad, f"{path.name} imports {bad}"


def test_the_engine_does_not_import_the_designs_on_top_of_it() -> None:
    for name in ("runner.py", "tasks.py", "store.py", "stored.py", "spec.py"):
        mods = _imports(PACKAGE / "experiment" / name)
        assert "govsim.experiment.sensitivity" not in mods, name
        assert "govsim.experiment.designs" not in mods, name


def test_importing_the_engine_loads_neither_morris_nor_the_report() -> None:
    code = ("import sys, govsim.experiment.runner, govsim.experiment.stored; "
            "print(sorted(m for m in sys.modules if m.startswith(('govsim.report', "
            "'govsim.experiment.sensitivity', 'SALib'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
