"""The suite judges any implementation: apart from the selftest, it never imports the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

SUITE = Path(__file__).resolve().parent
SANDBOX = "mock_server"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_only_the_selftest_imports_the_sandbox() -> None:
    offenders = [
        str(path.relative_to(SUITE))
        for path in sorted(SUITE.rglob("*.py"))
        if "selftest" not in path.relative_to(SUITE).parts
        and any(name.split(".")[0] == SANDBOX for name in _imported_modules(path))
    ]
    assert not offenders, f"these modules import {SANDBOX}: {offenders}"
    selftest = _imported_modules(SUITE / "selftest" / "variants.py")
    assert any(name.startswith(SANDBOX) for name in selftest), "the scan finds no import at all"
