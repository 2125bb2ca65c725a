"""Fixtures of the sandbox's own tests: the spec, the response checker, checked clients of fresh
sandboxes (see client.py), and parametrisation over the public operations (operations.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.config import SandboxConfig
from mock_server.http.spec import Spec, load_spec
from tests.sandbox.client import AUTH, TENANT, CheckedClient
from tests.sandbox.operations import OPERATION_SETS
from tests.sandbox.response_checker import ResponseChecker

Json = dict[str, Any]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name, operations in OPERATION_SETS.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, operations, ids=[op.operation_id for op in operations])


@pytest.fixture(scope="session")
def spec() -> Spec:
    """Both spec documents, loaded and compiled once for the session."""
    loaded = load_spec()
    loaded.compile_all()
    return loaded


@pytest.fixture(scope="session")
def checker(spec: Spec) -> ResponseChecker:
    return ResponseChecker(spec)


ClientFactory = Callable[..., CheckedClient]


@pytest.fixture
def make_client(spec: Spec, checker: ResponseChecker) -> ClientFactory:
    """`make_client(config=None, headers=AUTH)`: a checked client of a fresh sandbox."""

    def make(
        config: SandboxConfig | None = None, headers: Mapping[str, str] = AUTH
    ) -> CheckedClient:
        return CheckedClient(create_app(config or SandboxConfig(), spec=spec), checker, headers)

    return make


@pytest.fixture
def client(make_client: ClientFactory) -> CheckedClient:
    """A checked client of a sandbox on the bundled fixtures, as tenant `acme-demo`."""
    return make_client()


@pytest.fixture
def fixture_order(client: CheckedClient) -> Callable[[str], Json]:
    """A deep copy of a fixtures order of `acme-demo`, by order_id, as stored."""
    orders = {order["order_id"]: order for order in client.sandbox.store.orders(TENANT)}
    return lambda order_id: copy.deepcopy(orders[order_id])
