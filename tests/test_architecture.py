"""Layering rules (domain <- storage <- services <- reports <- ui, cli), checked by
import-linter with the contracts in pyproject.toml, and no import circles."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    names = [c["name"] for c in contracts]
    assert "Services do not learn which kind of archive they talk to" in names
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout


def _module_imports() -> dict[str, set[str]]:
    """The program's modules and the program modules each imports at its top level."""
    modules = {}
    for path in (ROOT / "piel_desktop").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # top level only
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            imported |= {t for t in targets if t in modules and t != name}
        graph[name] = imported
    return graph


def test_no_module_imports_itself_round_a_circle():
    graph = _module_imports()
    assert "piel_desktop.ui.edit_actions" not in graph["piel_desktop.ui.record_actions"] or \
        "piel_desktop.ui.record_actions" not in graph["piel_desktop.ui.edit_actions"]
    done: set[str] = set()
    circles = []

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            circles.append(trail[trail.index(name):] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, trail + [name])
        done.add(name)
    for name in sorted(graph):
        visit(name, [])
    # A package's __init__ re-exporting its own modules is not a circle of modules.
    circles = [c for c in circles if not any(a.startswith(b + ".") or b.startswith(a + ".")
                                             for a, b in zip(c, c[1:]))]
    assert not circles, circles[:5]
