"""The layer rules of the README's "Layers" section, read from its table and enforced here.

Each module of `mock_server` belongs to one floor (or to the shared modules); it may import its
own floor and the floors below, never one above. The domain imports only the standard library
and itself, and importing it loads neither Flask nor the spec. The contract suite never imports
the sandbox: apart from its selftest, it judges an implementation by the documentation alone.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.launcher import REPO_ROOT

PACKAGE = REPO_ROOT / "mock_server"
SUITE = REPO_ROOT / "contract_tests"
SHARED = "shared"
ROW = re.compile(r"^\| (?P<floor>[^|]+?) \| (?P<modules>[^|]+?) \|")
WEB_FRAMEWORK = ("flask", "werkzeug")


def layers_table() -> list[tuple[str, list[str]]]:
    """(floor, [module path under mock_server/]) for each row of the README's Layers table, in
    order from the bottom floor up (the shared row last)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    body = section.split("|---", 1)[1].split("\n", 1)[1]  # the rows after the header
    rows = []
    for line in body.splitlines():
        found = ROW.match(line)
        if not found:
            break
        rows.append((found["floor"], re.findall(r"`([^`]+)`", found["modules"])))
    return rows


def module_name(path: Path) -> str:
    """`mock_server/controls/routes.py` -> `mock_server.controls.routes` (a package: its name)."""
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor_of(path: Path, table: list[tuple[str, list[str]]]) -> str:
    """The floor whose modules column names this file or a folder holding it."""
    relative = path.relative_to(PACKAGE).as_posix()
    for floor, modules in table:
        if any(relative == m or (m.endswith("/") and relative.startswith(m)) for m in modules):
            return floor
    raise AssertionError(f"mock_server/{relative} is in no row of the README's Layers table")


def imports(path: Path) -> set[str]:
    """Every module `path` imports (relative imports resolved), TYPE_CHECKING blocks included."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from . import domain` names a submodule, not an attribute
            found.update(f"{base}.{alias.name}" for alias in node.names if not node.module)
    return found


def sandbox_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_floor() -> None:
    table = layers_table()
    assert [floor for floor, _ in table] == [
        "domain",
        "store and service",
        "HTTP",
        "controls",
        "running",
        SHARED,
    ]
    for path in sandbox_modules().values():
        floor_of(path, table)
    listed = {module for _, modules in table for module in modules}
    missing = [m for m in listed if not (PACKAGE / m).exists()]
    assert not missing, f"the Layers table names what the tree lacks: {missing}"


def test_no_floor_imports_one_above_it() -> None:
    table = layers_table()
    rank = {floor: k for k, (floor, _) in enumerate(table)}
    modules = sandbox_modules()
    offences = []
    for name, path in modules.items():
        floor = floor_of(path, table)
        for imported in imports(path):
            target = modules.get(imported)
            if target is None or target == path:
                continue
            other = floor_of(target, table)
            allowed = (
                other == floor
                or (floor == SHARED and other == SHARED)
                or (
                    floor not in (SHARED, "domain")
                    and (other == SHARED or rank[other] < rank[floor])
                )
            )
            if not allowed:
                offences.append(f"{name} ({floor}) imports {imported} ({other})")
    assert not offences, "\n".join(offences)


def test_the_domain_imports_only_the_standard_library() -> None:
    offences = [
        f"{name} imports {imported}"
        for name, path in sandbox_modules().items()
        if name.startswith("mock_server.domain")
        for imported in imports(path)
        if not imported.startswith("mock_server.domain")
        and imported.split(".")[0] not in sys.stdlib_module_names
        and imported != "__future__"
    ]
    assert not offences, offences


@pytest.mark.parametrize("floor", ["domain", "store and service"])
def test_the_web_framework_stays_above_the_service(floor: str) -> None:
    table = layers_table()
    offences = [
        f"{name} imports {imported}"
        for name, path in sandbox_modules().items()
        if floor_of(path, table) == floor
        for imported in imports(path)
        if imported.split(".")[0] in WEB_FRAMEWORK or imported == "mock_server.spec"
    ]
    assert not offences, offences


def test_importing_the_domain_loads_no_http_or_spec_machinery() -> None:
    """At run time too: `mock_server.domain` pulls in no Flask, jsonschema, YAML or spec."""
    code = (
        "import sys, mock_server.domain\n"
        "bad = [m for m in ('flask', 'werkzeug', 'jsonschema', 'yaml', 'mock_server.spec')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"mock_server.domain pulls in: {result.stdout}{result.stderr}"


def test_only_the_selftest_imports_the_sandbox() -> None:
    """The contract suite's oracle is the documentation: it never imports `mock_server`, except
    `contract_tests/selftest/`, which builds the broken sandboxes it must catch."""
    offenders = [
        str(path.relative_to(SUITE))
        for path in sorted(SUITE.rglob("*.py"))
        if "selftest" not in path.relative_to(SUITE).parts
        and any(name.split(".")[0] == "mock_server" for name in imports(path))
    ]
    assert not offenders, f"these modules import mock_server: {offenders}"
    selftest = imports(SUITE / "selftest" / "variants.py")
    assert any(name.startswith("mock_server") for name in selftest), "the scan finds no import"


def test_the_scan_sees_relative_imports() -> None:
    """The import scan resolves `from ..x import y` and `from . import z` as Python does."""
    found = imports(PACKAGE / "controls" / "routes.py")
    assert {"mock_server.errors", "mock_server.controls.faults"} <= found
    assert "mock_server.domain" in imports(PACKAGE / "service.py")
