"""pytest plugin of the contract suite (registered by the root `conftest.py`).

Options `--base-url --api-key --tenant-id --seed-mode --location-id --location-code --merchant
--max-examples` (environment fallbacks `CONTRACT_*`). Without a base URL the session starts the
sandbox itself (`python -m mock_server --no-fixtures` on a free port; under pytest-xdist each
worker starts its own) and stops it at the end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import server
from . import settings as contract_settings
from .client import ApiClient
from .config import OPTIONS, TargetConfig, resolve
from .server import Command
from .target import Target

CONFIG_KEY = pytest.StashKey[TargetConfig]()
MARKERS = (
    "behaviour: a documented rule checked through the public operations (contract suite)",
    "schema: schema conformance with Schemathesis (contract suite)",
    "stateful: sequences of operations (contract suite)",
    "reading: relies on a reading of a sentence the pages leave open (see the rule's text)",
    "admin_seed(reason): needs a starting state only /__admin/ seeding can create",
    "known_location: needs locations (seeded in admin mode, or --location-id/--location-code/"
    "--merchant in api mode)",
    "selftest: runs the suite against deliberately broken sandboxes",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "Carriyo Orders contract suite (contract_tests/)")
    for option in OPTIONS:
        group.addoption(
            option.flag,
            dest=option.dest,
            default=None,
            metavar=option.metavar,
            help=f"{option.help} [env {option.env}]",
        )


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    values = {option.dest: config.getoption(option.dest) for option in OPTIONS}
    try:
        resolved = resolve(values)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from exc
    config.stash[CONFIG_KEY] = resolved
    contract_settings.configure(resolved.max_examples)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip what api seed mode cannot set up, saying why."""
    config = item.config.stash[CONFIG_KEY]
    if config.admin:
        return
    admin = item.get_closest_marker("admin_seed")
    if admin is not None:
        why = admin.args[0] if admin.args else "this starting state"
        pytest.skip(
            f"api seed mode sets up orders through POST /orders only (open line items, no "
            f"locations): it cannot set up {why}; use --seed-mode admin"
        )
    if item.get_closest_marker("known_location") is not None and config.location is None:
        pytest.skip(
            "api seed mode cannot create locations; give --location-id, --location-code and "
            "--merchant of an existing location"
        )


def sandbox_command(api_keys: Path) -> Command:
    """The sandbox, empty, accepting only the keys of `api_keys` (a subprocess: the suite never
    imports mock_server). Strict keys, so that a made-up key is refused as a real service would
    refuse it (Schemathesis' ignored_auth check sends some)."""

    def command(port: int) -> list[str]:
        address = ["--host", "127.0.0.1", "--port", str(port)]
        options = ["--no-fixtures", "--api-keys", str(api_keys)]
        return [sys.executable, "-m", "mock_server", *address, *options]

    return command


@pytest.fixture(scope="session")
def contract_config(request: pytest.FixtureRequest) -> TargetConfig:
    return request.config.stash[CONFIG_KEY]


@pytest.fixture(scope="session")
def base_url(
    contract_config: TargetConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The target's base URL; without --base-url, a sandbox started for this session (for this
    xdist worker), where the suite's key is valid for the suite's tenant only."""
    if contract_config.base_url is not None:
        yield contract_config.base_url
        return
    api_keys = tmp_path_factory.mktemp("sandbox") / "api-keys.json"
    api_keys.write_text(json.dumps({contract_config.api_key: contract_config.tenant_id}))
    with server.running(sandbox_command(api_keys)) as sandbox:
        yield sandbox.url


@pytest.fixture(scope="session")
def api(contract_config: TargetConfig, base_url: str) -> ApiClient:
    return ApiClient(base_url, contract_config.api_key, contract_config.tenant_id)


@pytest.fixture(scope="session")
def target(contract_config: TargetConfig, api: ApiClient) -> Target:
    return Target(contract_config, api)
