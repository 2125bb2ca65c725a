"""Fixtures shared by the spec tests: the parsed ``openapi.yaml``, and a sandbox with its fixtures
for the tests that drive one with tools read from the spec."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server.run.testing import RunningSandbox, start_sandbox
from tests.spec.pages import REPO_ROOT


@pytest.fixture(scope="session")
def spec_path() -> Path:
    """Path of the spec at the repository root."""
    return REPO_ROOT / "openapi.yaml"


@pytest.fixture(scope="session")
def spec(spec_path: Path) -> dict[str, Any]:
    """The spec as loaded by PyYAML (the loader the sandbox uses)."""
    with spec_path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    """A sandbox with the bundled fixtures on a free loopback port, for one module."""
    running = start_sandbox()
    try:
        yield running
    finally:
        running.close()
