"""pytest plugin (entry point `carriyo_sandbox`): the `carriyo_sandbox` session fixture.

Importing this module is cheap: Flask, the HTTP server and the spec are loaded only when a test
asks for the fixture, which then starts one sandbox per test session (per xdist worker) on a free
loopback port and stops it at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .testing import RunningSandbox


@pytest.fixture(scope="session")
def carriyo_sandbox() -> Iterator[RunningSandbox]:
    """A running sandbox: `base_url`, `headers` (a bearer token among them), `token_url`,
    `seed_order()`, `reset()`, `requests()`, `webhooks()`. State is shared by the session's
    tests: call `reset()` where a test needs the fixtures baseline."""
    from .testing import start_sandbox

    sandbox = start_sandbox()
    try:
        yield sandbox
    finally:
        sandbox.close()
