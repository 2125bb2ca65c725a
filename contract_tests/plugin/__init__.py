"""pytest plugin of the contract suite (registered by the root `conftest.py`).

Options `--base-url --api-key --client-id --client-secret --token --tenant-id --seed-mode
--merchant --location-id --location-code --max-examples --tiers --shrink-seconds` (environment
fallbacks `CONTRACT_*`). Without a base URL the session starts the sandbox itself (`python -m
mock_server --no-fixtures --clients FILE` on a free port, knowing one made-up client; under
pytest-xdist each worker starts its own) and stops it at the end.

Every test of the suite carries exactly one tier marker (marks.py); the tiers not chosen are
deselected, and against a base URL the selftest (which starts sandboxes of its own) is not
collected at all.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..oracle import baseline as baselines
from ..oracle import recording
from ..oracle import report as reports
from ..oracle.tiers import MEANING, TIERS
from ..target.auth import TokenSource
from ..target.client import ApiClient, session_for
from ..target.config import OPTIONS, TargetConfig, resolve
from ..target.target import Target
from . import server
from . import settings as contract_settings
from .marks import CLAIMS_MARKER
from .server import Command

SUITE = Path(__file__).resolve().parents[1]
SELFTEST = SUITE / "selftest"
CONFIG_KEY = pytest.StashKey[TargetConfig]()
BASELINE_KEY = pytest.StashKey[baselines.Baseline]()
UNREACHABLE_KEY = pytest.StashKey[str]()
RUN_FIRST_ENV = "CONTRACT_RUN_FIRST"
"""Tests whose id holds this text run first (the selftest names where it expects a broken rule
to be caught, so that `-x` stops early; every other test still runs when it is not)."""
MARKERS = (
    *(f"{tier}: tier: {meaning} (contract suite)" for tier, meaning in MEANING.items()),
    f"{CLAIMS_MARKER}(*names): the claims (rules, checks) a test verifies (marks.verifies)",
    "behaviour: a documented rule checked through the public operations (contract suite)",
    "schema: schema conformance with Schemathesis (contract suite)",
    "stateful: sequences of operations (contract suite)",
    "admin_seed(reason): needs a starting state only /__admin/ seeding can create",
    "terminal_lines: needs line items in terminal statuses (admin seeding, or built through the "
    "published lifecycle operations in api seed mode)",
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
    contract_settings.configure(resolved.max_examples, resolved.shrink_seconds, resolved.tiers)
    known = baselines.Baseline()
    if resolved.baseline is not None:
        try:
            known = baselines.load(resolved.baseline, (c.name for c in reports.CATALOGUE))
        except baselines.BaselineError as exc:
            raise pytest.UsageError(str(exc)) from exc
    config.stash[BASELINE_KEY] = known
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        config.pluginmanager.register(ReportCollector(config), "contract-report")


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
    """The claims of every `claims` marker of the test (its function's, and its parameter's)."""
    names = (name for marker in item.iter_markers(CLAIMS_MARKER) for name in marker.args)
    return tuple(dict.fromkeys(names))


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
    first = os.environ.get(RUN_FIRST_ENV)
    if first:
        items.sort(key=lambda item: first not in item.nodeid)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Open the test's record; skip what api seed mode cannot set up, saying why."""
    if not in_suite(item):
        return
    item.user_properties.append(("tier", tier_of(item)))
    recording.begin(declared_claims(item))
    why = unreachable(item)
    if why:
        item.stash[UNREACHABLE_KEY] = why
        pytest.skip(why)


def unreachable(item: pytest.Item) -> str:
    """Why api seed mode cannot set up what the test needs ("" when it can)."""
    config = item.config.stash[CONFIG_KEY]
    if config.admin:
        return ""
    admin = item.get_closest_marker("admin_seed")
    if admin is not None:
        what = admin.args[0] if admin.args else "this starting state"
        return (
            f"api seed mode sets up orders through POST /orders and the published lifecycle "
            f"operations (no locations, no pick or pack statuses): it cannot set up {what}; use "
            f"--seed-mode admin"
        )
    if item.get_closest_marker("known_location") is not None and config.location is None:
        return (
            "api seed mode cannot create locations; give --location-id, --location-code and "
            "--merchant of an existing location"
        )
    return ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Put the test's tier, claims and record on its report (for the controller's report), and
    report a failure of a claim the baseline excuses as an expected one."""
    report: pytest.TestReport = yield
    if not in_suite(item):
        return report
    record = recording.current() if call.when == "call" else None
    data = {
        "tier": tier_of(item),
        "claims": list(declared_claims(item)),
        "unreachable": item.stash.get(UNREACHABLE_KEY, ""),
        "record": record.as_json() if record is not None else None,
    }
    report.contract = data  # type: ignore[attr-defined]  # xdist carries report attributes
    failed = _failed_claim(data)
    if report.failed and call.when == "call" and failed is not None:
        known = item.config.stash[BASELINE_KEY]
        if known.excuses(failed):
            entry = known.entry(failed)
            report.outcome = "skipped"
            report.wasxfail = entry.describe() if entry else failed
    return report


def _failed_claim(data: dict[str, Any]) -> str | None:
    """The claim a failed test failed on: its record's, else its only claim."""
    failure = (data["record"] or {}).get("failure")
    if failure:
        return str(failure["claim"])
    return data["claims"][0] if len(data["claims"]) == 1 else None


class ReportCollector:
    """The controller's side of the report: every suite test's phases, folded at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tests: dict[str, reports.ReportedTest] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "contract", None)
        if data is None:
            return
        test = self.tests.setdefault(
            report.nodeid,
            reports.ReportedTest(report.nodeid, data["tier"], tuple(data["claims"])),
        )
        test.duration += report.duration
        outcome = "known" if hasattr(report, "wasxfail") else report.outcome
        reason = getattr(report, "wasxfail", "") or _reason(report)
        test.absorb(report.when, outcome, reason, data)

    def built(self) -> dict[str, Any]:
        target = self.config.stash[CONFIG_KEY]
        why_not = "not chosen: --tiers" if target.tiers_chosen else "remote target"
        return reports.build(
            list(self.tests.values()),
            target=describe_target(target),
            tiers=target.tiers,
            why_not=why_not,
            baseline=self.config.stash[BASELINE_KEY],
        )

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not any(test.claims for test in self.tests.values()):
            return  # no claim ran (only the selftest, say): nothing to report
        report = self.built()
        target = self.config.stash[CONFIG_KEY]
        if target.report_dir is not None:
            reports.write(report, target.report_dir)
            terminalreporter.write_line(f"Contract report: {target.report_dir / 'report.html'}")
        if target.write_baseline is not None:
            failing = [
                (claim["id"], (claim["failure"] or {}).get("problems", [claim["reason"]])[0])
                for claim in report["claims"]
                if claim["outcome"] in ("failed", "known")
            ]
            target.write_baseline.write_text(baselines.dump(failing), encoding="utf-8")
            terminalreporter.write_line(
                f"Baseline of {len(failing)} claims: {target.write_baseline}"
            )
        for problem in report["baseline"]:
            terminalreporter.write_line(f"Baseline: {problem}")
        terminalreporter.write_line(report["summary"])


def _reason(report: pytest.TestReport) -> str:
    """A skip's reason, or the first line of a failure's message."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        return str(longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(longrepr, "reprcrash", None)
    message = str(getattr(crash, "message", "") or report.longreprtext or "")
    return message.strip().splitlines()[0] if message.strip() else ""


def describe_target(config: TargetConfig) -> dict[str, Any]:
    """The target as the report names it: never a secret."""
    if config.client is not None:
        auth = f"client credentials of {config.client.client_id}"
    else:
        auth = "a token given" if config.token else "no bearer token"
    return {
        "base_url": config.base_url or "the suite's own sandbox",
        "seed_mode": config.seed_mode,
        "tenant_id": config.tenant_id,
        "authentication": auth,
        "max_examples": config.max_examples,
    }


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if in_suite(item):
        recording.end()


def sandbox_command(clients: Path, *, fixtures: bool = False, admin: bool = True) -> Command:
    """The sandbox, empty (or with its `fixtures`), knowing only the OAuth client of `clients`
    (a subprocess: the suite never imports mock_server); `admin=False`: refusing /__admin/.
    Strict, as a real service is: every request needs that client's bearer token, key and
    tenant, so the suite authenticates as a real client does, and a made-up key is refused
    (Schemathesis' ignored_auth check sends some)."""

    def command(port: int) -> list[str]:
        address = ["--host", "127.0.0.1", "--port", str(port)]
        options = ["--clients", str(clients), *([] if fixtures else ["--no-fixtures"])]
        options += [] if admin else ["--no-admin"]
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
