"""pytest plugin of the contract suite (registered by the root `conftest.py`).

Options `--base-url --api-key --client-id --client-secret --token --tenant-id --seed-mode
--merchant --location-id --location-code --max-examples --tiers --shrink-seconds` (environment
fallbacks `CONTRACT_*`). Without a base URL the session starts the sandbox itself (`python -m
mock_server --no-fixtures --clients FILE` on a free port, knowing one made-up client; under
pytest-xdist each worker starts its own) and stops it at the end.

Every test of the suite carries exactly one tier marker (tiers.py); the tiers not chosen are
deselected, and against a base URL the selftest (which starts sandboxes of its own) is not
collected at all.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from . import recording, server
from . import settings as contract_settings
from .auth import TokenSource
from .client import ApiClient, session_for
from .config import OPTIONS, TargetConfig, resolve
from .server import Command
from .target import Target
from .tiers import CLAIMS_MARKER, MEANING, TIERS

SUITE = Path(__file__).resolve().parent
SELFTEST = SUITE / "selftest"
CONFIG_KEY = pytest.StashKey[TargetConfig]()
MARKERS = (
    *(f"{tier}: tier: {meaning} (contract suite)" for tier, meaning in MEANING.items()),
    f"{CLAIMS_MARKER}(*names): the claims (rules, checks) a test verifies (tiers.verifies)",
    "behaviour: a documented rule checked through the public operations (contract suite)",
    "schema: schema conformance with Schemathesis (contract suite)",
    "stateful: sequences of operations (contract suite)",
    "admin_seed(reason): needs a starting state only /__admin/ seeding can create",
    "terminal_lines: needs line items in terminal statuses (admin seeding; through the public API "
    "once the lifecycle operations exist)",
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
    contract_settings.configure(resolved.max_examples, resolved.shrink_seconds)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Against a base URL the selftest is not collected: it runs sandboxes of its own."""
    if config.stash[CONFIG_KEY].base_url is not None and collection_path.is_relative_to(SELFTEST):
        return True
    return None


def in_suite(item: pytest.Item) -> bool:
    return Path(str(item.path)).is_relative_to(SUITE)


def tier_of(item: pytest.Item) -> str:
    return next(tier for tier in TIERS if item.get_closest_marker(tier) is not None)


def declared_claims(item: pytest.Item) -> tuple[str, ...]:
    marker = item.get_closest_marker(CLAIMS_MARKER)
    return tuple(marker.args) if marker is not None else ()


def tier_problems(tests: Iterable[tuple[str, list[str]]]) -> list[str]:
    """For (test id, its marker names): every test whose tier markers are not exactly one."""
    problems = []
    for name, markers in tests:
        tiers = [marker for marker in markers if marker in TIERS]
        if len(tiers) != 1:
            problems.append(f"{name}: tier markers {tiers or 'none'}, expected exactly one")
    return problems


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test of the suite has exactly one tier; those of unchosen tiers are deselected."""
    suite = [item for item in items if in_suite(item)]
    problems = tier_problems(
        (item.nodeid, [marker.name for marker in item.iter_markers()]) for item in suite
    )
    if problems:
        raise pytest.UsageError("contract suite tests need one tier:\n" + "\n".join(problems))
    chosen = config.stash[CONFIG_KEY].tiers
    deselected = [item for item in suite if tier_of(item) not in chosen]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Open the test's record; skip what api seed mode cannot set up, saying why."""
    if not in_suite(item):
        return
    item.user_properties.append(("tier", tier_of(item)))
    recording.begin(declared_claims(item))
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
    if item.get_closest_marker("terminal_lines") is not None:
        pytest.skip(f"api seed mode: {Target.TERMINAL_LINES_UNAVAILABLE}")
    if item.get_closest_marker("known_location") is not None and config.location is None:
        pytest.skip(
            "api seed mode cannot create locations; give --location-id, --location-code and "
            "--merchant of an existing location"
        )


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if in_suite(item):
        recording.end()


def sandbox_command(clients: Path) -> Command:
    """The sandbox, empty, knowing only the OAuth client of `clients` (a subprocess: the suite
    never imports mock_server). Strict, as a real service is: every request needs that client's
    bearer token, key and tenant, so the suite authenticates as a real client does, and a
    made-up key is refused (Schemathesis' ignored_auth check sends some)."""

    def command(port: int) -> list[str]:
        address = ["--host", "127.0.0.1", "--port", str(port)]
        options = ["--no-fixtures", "--clients", str(clients)]
        return [sys.executable, "-m", "mock_server", *address, *options]

    return command


def clients_file(config: TargetConfig, directory: Path) -> Path:
    """The `--clients` file of the suite's own sandbox: its one client, key and tenant."""
    assert config.client is not None, "the suite's own sandbox is given a client by resolve()"
    path = directory / "clients.json"
    client = {
        "client_secret": config.client.client_secret,
        "api_key": config.api_key,
        "tenants": [config.tenant_id],
    }
    path.write_text(json.dumps({config.client.client_id: client}), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def contract_config(request: pytest.FixtureRequest) -> TargetConfig:
    return request.config.stash[CONFIG_KEY]


@pytest.fixture(scope="session")
def base_url(
    contract_config: TargetConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The target's base URL; without --base-url, a sandbox started for this session (for this
    xdist worker), where the suite's client, key and tenant are the only valid ones."""
    if contract_config.base_url is not None:
        yield contract_config.base_url
        return
    clients = clients_file(contract_config, tmp_path_factory.mktemp("sandbox"))
    with server.running(sandbox_command(clients)) as sandbox:
        yield sandbox.url


@pytest.fixture(scope="session")
def api(contract_config: TargetConfig, base_url: str) -> ApiClient:
    """The client of every test; with client credentials or a token, it sends a bearer token."""
    session = session_for(base_url)
    tokens = None
    if contract_config.client is not None or contract_config.token is not None:
        tokens = TokenSource(
            base_url, session, client=contract_config.client, token=contract_config.token
        )
    return ApiClient(base_url, contract_config.api_key, contract_config.tenant_id, tokens, session)


@pytest.fixture(scope="session")
def target(contract_config: TargetConfig, api: ApiClient) -> Target:
    return Target(contract_config, api)
