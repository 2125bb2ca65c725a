"""`carriyo-sandbox`: run the sandbox (`serve`), the contract suite against a server (`contract`),
a proxy checking real traffic against the docs (`proxy`) or its recording's replay (`replay`),
Carriyo's MCP order tools over stdio (`mcp`); `python -m mock_server` is `serve`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from ..config import (
    STORE_SCHEMES,
    STORE_VARIABLE,
    VALIDATORS,
    RetryPolicy,
    SandboxConfig,
    parse_clients,
)
from .access_log import add_quiet_option
from .binding import add_body_timeout
from .server import DEFAULT_SERVER, SERVERS

log = logging.getLogger("mock_server")


def at_least_one(text: str) -> int:
    """An argparse type: an integer of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """The options of `serve`, their defaults those of `SandboxConfig()`."""
    default = SandboxConfig()
    parser.add_argument(
        "--host", default=default.host, help=f"address to bind (default {default.host})"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port to listen on (default 8080; 0: any free port)"
    )
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=default.fixtures,
        metavar="DIR",
        help="directory of state documents (*.json) loaded at start and on reset "
        "(default: the bundled fixtures/)",
    )
    parser.add_argument("--no-fixtures", action="store_true", help="start with no orders at all")
    add_quiet_option(parser)
    credentials = parser.add_mutually_exclusive_group()
    credentials.add_argument(
        "--api-keys",
        type=Path,
        metavar="FILE",
        help='JSON object {"<api key>": "<tenant-id>"}: only these keys are accepted, each for '
        "its own tenant (default: any non-empty key, any tenant)",
    )
    credentials.add_argument(
        "--clients",
        type=Path,
        metavar="FILE",
        help='JSON object {"<client id>": {"client_secret": "...", "api_key": "...", '
        '"tenants": ["<tenant-id>", ...]}}: only these clients get tokens at /oauth/token, and '
        "every /orders request needs a live token of one (401), its api_key and one of its "
        "tenants (403) (default: any client id and secret get a token)",
    )
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="serve /orders without a bearer token: the sandbox's open mode, NOT Carriyo's, where "
        "every request needs a token of POST /oauth/token (401 without one, the default here too)",
    )
    parser.add_argument(
        "--token-ttl",
        type=positive_int,
        default=default.token_ttl,
        metavar="SECONDS",
        help="lifetime of the tokens of /oauth/token, their expires_in "
        f"(default {default.token_ttl})",
    )
    parser.add_argument("--no-admin", action="store_true", help="refuse every /__admin/ request")
    parser.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' on /__admin/ (needed off loopback)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=default.max_body_bytes,
        metavar="N",
        help="largest request body accepted; larger ones get 413 "
        f"(default {default.max_body_bytes} bytes)",
    )
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default=DEFAULT_SERVER,
        help="HTTP server: granian, a Rust HTTP core (default), or waitress, pure Python",
    )
    parser.add_argument(
        "--threads",
        type=at_least_one,
        metavar="N",
        help="Python threads running requests (default: granian 1, waitress 4; docs/benchmarks.md)",
    )
    add_body_timeout(parser)
    parser.add_argument(
        "--workers",
        type=at_least_one,
        default=1,
        metavar="N",
        help="server processes on one port (default 1; more need --store redis://...)",
    )
    parser.add_argument(
        "--store",
        type=store_url,
        default=os.environ.get(STORE_VARIABLE) or None,
        metavar="URL",
        help="keep the state in Redis (redis://HOST:PORT/DB), shared by every sandbox process "
        f"that names it (default: ${STORE_VARIABLE}, else this process's memory)",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        metavar="PATH",
        help="keep the state in this file (the fixtures format): loaded at start when it exists, "
        "saved after changes and on SIGTERM/SIGINT",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        default=default.journal_size,
        metavar="N",
        help=f"requests kept in the journal, /__admin/requests (default {default.journal_size})",
    )
    parser.add_argument(
        "--validator",
        choices=VALIDATORS,
        default=default.validator,
        help="request validation: jsonschema-rs first, jsonschema naming the fields of an "
        "invalid request (default), or jsonschema alone",
    )
    retry = default.webhook_retry
    parser.add_argument(
        "--webhook-url",
        action="append",
        default=[],
        metavar="URL",
        help="deliver every order trigger of every fixtures tenant to URL (repeatable; "
        "POST /__admin/webhooks/configurations adds configurations at run time)",
    )
    parser.add_argument(
        "--webhook-time-scale",
        type=float,
        default=retry.time_scale,
        metavar="FACTOR",
        help="multiply the published retry delays (1, 3, 5 minutes) by FACTOR; 0.001 makes them "
        f"milliseconds for tests (default {retry.time_scale})",
    )
    parser.add_argument(
        "--webhook-timeout",
        type=float,
        default=retry.timeout,
        metavar="SECONDS",
        help=f"time allowed for one delivery attempt (default {retry.timeout})",
    )
    parser.add_argument(
        "--webhook-queue-size",
        type=int,
        default=default.webhook_queue_size,
        metavar="N",
        help="deliveries queued per webhook configuration; the oldest is dropped when full "
        f"(default {default.webhook_queue_size})",
    )


def store_url(text: str) -> str:
    """An argparse type: a Redis URL."""
    if not text.startswith(STORE_SCHEMES):
        raise argparse.ArgumentTypeError(
            f"expected a Redis URL such as redis://127.0.0.1:6379/0, not {text!r}"
        )
    return text


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {text!r}")
    return int(text)


def read_json(path: Path) -> Any:
    """A JSON file of the command line; SystemExit naming it when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: {exc}") from exc


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    api_keys = clients = None
    if args.api_keys is not None:
        api_keys = read_json(args.api_keys)
        if not isinstance(api_keys, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in api_keys.items()
        ):
            raise SystemExit(f"{args.api_keys}: expected a JSON object of key -> tenant strings")
    if args.no_auth and args.clients is not None:
        raise SystemExit("--no-auth checks no token, --clients names whose are good: not both")
    if args.clients is not None:
        try:
            clients = parse_clients(read_json(args.clients))
        except ValueError as exc:
            raise SystemExit(f"{args.clients}: {exc}") from exc
    return SandboxConfig(
        fixtures=None if args.no_fixtures else args.fixtures,
        api_keys=api_keys,
        clients=clients,
        require_token=not args.no_auth,
        token_ttl=args.token_ttl,
        admin=not args.no_admin,
        admin_token=args.admin_token,
        host=args.host,
        max_body_bytes=args.max_body_bytes,
        journal_size=args.journal_size,
        webhook_urls=args.webhook_url,
        webhook_retry=RetryPolicy(args.webhook_time_scale, args.webhook_timeout),
        webhook_queue_size=args.webhook_queue_size,
        state_file=args.state_file,
        validator=args.validator,
        store=args.store,
    )


WORKERS_NEED_A_SHARED_STORE = (
    "--workers {workers}: the orders are kept in this process's memory, so {workers} worker "
    "processes would each have their own (an order created on one would be missing on the "
    "others); more than one worker needs a store shared between processes: --store redis://..."
)
WORKERS_NEED_GRANIAN = "--workers {workers}: worker processes run on granian, not --server waitress"
STATE_FILE_WITH_REDIS = (
    "--state-file: with --store redis://... the state is kept by Redis (turn its append-only "
    "file on to keep it across restarts of Redis); a state file would be a second copy"
)


def refusals(args: argparse.Namespace) -> str | None:
    """What makes these serve options unusable together, if anything."""
    if args.workers != 1 and not args.store:
        return WORKERS_NEED_A_SHARED_STORE.format(workers=args.workers)
    if args.workers != 1 and args.server != "granian":
        return WORKERS_NEED_GRANIAN.format(workers=args.workers)
    if args.store and args.state_file:
        return STATE_FILE_WITH_REDIS
    return None


def access_note(config: SandboxConfig) -> str:
    """The startup line that says what a request needs, so that nobody reads a 401 as a bug."""
    if not config.require_token:
        return "--no-auth: /orders is served without a bearer token, which Carriyo never does"
    who = "a client of --clients" if config.clients is not None else "any client id and secret"
    return f"every /orders request needs 'Authorization: Bearer <token>': POST /oauth/token ({who})"


def serve(args: argparse.Namespace) -> int:
    """Start the sandbox until SIGTERM or SIGINT; then finish the requests in flight, stop the
    webhook workers and save the state. With `--workers N` (a shared store), N processes."""
    from ..app import create_app
    from ..controls.state import InvalidState
    from ..mcp.http import mount
    from ..store import StoreUnavailable

    refused = refusals(args)
    if refused:
        raise SystemExit(refused)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = config_from_args(args)
    try:
        app = create_app(config, mounts=(mount,))
    except InvalidState as exc:
        raise SystemExit(str(exc)) from exc
    except StoreUnavailable as exc:
        raise SystemExit(f"--store: {exc}") from exc
    log.info(access_note(config))
    if args.workers == 1:
        return serve_app(app, args)
    from .binding import Binding
    from .server_granian import THREADS
    from .server_workers import serve_workers

    sandbox = app.extensions["sandbox"]
    sandbox.close()  # the store is prepared: each worker makes its own connections
    binding = Binding(args.host, args.port, args.threads or THREADS, args.body_timeout)
    return serve_workers(
        lambda: create_app(config, spec=sandbox.spec, mounts=(mount,)),
        binding,
        args.workers,
        quiet=args.quiet,
    )


def serve_app(app: Any, args: argparse.Namespace) -> int:
    """Serve `app` in this process until SIGTERM or SIGINT."""
    from ..heap import freeze_long_lived
    from .access_log import logged
    from .server import make_server, serve_until_signalled

    sandbox = app.extensions["sandbox"]
    server = make_server(
        logged(app, args.quiet),
        server=args.server,
        host=args.host,
        port=args.port,
        threads=args.threads,
        max_body_bytes=sandbox.config.max_body_bytes,
        body_timeout=args.body_timeout,
    )
    freeze_long_lived()
    serve_until_signalled(
        server,
        "Carriyo Orders sandbox on {url} (API reference: {url}/docs; MCP: {url}/mcp)",
        sandbox.close,
    )
    log.info("stopped%s", f"; state saved to {args.state_file}" if args.state_file else "")
    return 0


def add_contract_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        required=True,
        metavar="URL",
        help="the server under test, e.g. http://127.0.0.1:8080",
    )
    parser.add_argument("--api-key", metavar="KEY", help="x-api-key sent by the suite")
    parser.add_argument(
        "--client-id",
        metavar="ID",
        help="client id: the suite gets its bearer token from POST /oauth/token (the secret "
        "from --client-secret or $CONTRACT_CLIENT_SECRET)",
    )
    parser.add_argument(
        "--client-secret",
        metavar="SECRET",
        help="that client's secret (prefer $CONTRACT_CLIENT_SECRET: a command line is visible "
        "to other users of the machine)",
    )
    parser.add_argument("--token", metavar="TOKEN", help="a bearer token to send as it is")
    parser.add_argument("--tenant-id", metavar="TENANT", help="tenant-id sent by the suite")
    parser.add_argument(
        "--seed-mode",
        choices=("admin", "api"),
        help="admin: seed through /__admin/ (sandboxes); api: through the public API only",
    )
    parser.add_argument("--location-id", metavar="ID", help="a location the tenant has (api mode)")
    parser.add_argument("--location-code", metavar="CODE", help="that location's location_code")
    parser.add_argument("--merchant", metavar="MERCHANT", help="that location's merchant")
    parser.add_argument(
        "--product-id",
        metavar="ID",
        help="a product the tenant stocks at --location-id, for the inventory tests (api mode)",
    )
    parser.add_argument("--max-examples", metavar="N", help="Hypothesis examples per property test")
    parser.add_argument(
        "--tiers",
        metavar="LIST",
        help="documented,reading,sandbox or a part of it (default: all against a loopback URL, "
        "documented,reading against any other)",
    )
    parser.add_argument(
        "--shrink-seconds", metavar="S", help="at most this long shrinking a failing property"
    )
    parser.add_argument(
        "--junitxml", type=Path, metavar="PATH", help="keep the JUnit XML report at PATH"
    )
    parser.add_argument(
        "--report",
        dest="contract_report",
        metavar="DIR",
        help="write report.json and report.html (every claim, its tier and outcome) into DIR",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="known drift: failures of the claims FILE lists are reported as known",
    )
    parser.add_argument(
        "--write-baseline", metavar="FILE", help="write a baseline of this run's failures"
    )
    parser.add_argument(
        "--suite",
        default="contract_tests",
        metavar="PACKAGE_OR_DIR",
        help="the suite to run (default: the installed contract_tests package)",
    )


CONTRACT_OPTIONS = (
    "base_url",
    "api_key",
    "client_id",
    "client_secret",
    "token",
    "tenant_id",
    "seed_mode",
    "location_id",
    "location_code",
    "merchant",
    "product_id",
    "max_examples",
    "tiers",
    "shrink_seconds",
    "contract_report",
    "baseline",
    "write_baseline",
)


def contract(args: argparse.Namespace) -> int:
    """Run the contract suite against `--base-url`; exit with pytest's code."""
    from .contract_runner import run_contract_suite

    options = {
        name.replace("_", "-"): getattr(args, name)
        for name in CONTRACT_OPTIONS
        if getattr(args, name) is not None
    }
    return run_contract_suite(args.suite, options, args.pytest_args, args.junitxml)


def serve_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m mock_server",
        description="Run the Carriyo Orders API sandbox (a stateful mock) on a local port.",
    )
    add_serve_options(parser)
    sys.exit(serve(parser.parse_args(argv)))


def add_proxy_commands(commands: Any) -> None:
    """`proxy` and `replay` (mock_server/proxy/cli.py)."""
    from ..proxy.cli import add_proxy_options, add_replay_options, proxy, replay

    for name, summary, description, add_options, run in (
        (
            "proxy",
            "stand in front of a real tenant: forward, check against the docs, record",
            "Forward every request to --upstream unchanged and return its answer unchanged; "
            "check each exchange against the documented view of openapi.yaml and the contract "
            "suite's rules (violations at GET /__admin/violations, in the X-Sandbox-Violations "
            "header and the log, the report on shutdown and on POST /__admin/report); --record "
            "writes every exchange to a HAR 1.2 file, secrets masked.",
            add_proxy_options,
            proxy,
        ),
        (
            "replay",
            "replay a proxy's recording against a sandbox: the parity report",
            "Seed the sandbox at --against with the orders the recording's answers showed "
            "first, replay every request, and write where the sandbox answered otherwise, per "
            "operation and field (parity.json, parity.html). Exit 1 when any answer differed.",
            add_replay_options,
            replay,
        ),
    ):
        parser = commands.add_parser(name, help=summary, description=description)
        add_options(parser)
        parser.set_defaults(func=run)


def add_mcp_options(parser: argparse.ArgumentParser) -> None:
    """The options of `mcp` (stdio): where its orders come from."""
    default = SandboxConfig()
    parser.add_argument(
        "--store",
        type=store_url,
        default=os.environ.get(STORE_VARIABLE) or None,
        metavar="URL",
        help="act on the team sandbox in this Redis (redis://HOST:PORT/DB), the orders every "
        f"process naming it shares (default: ${STORE_VARIABLE}, else a sandbox of its own in "
        "this process's memory)",
    )
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=default.fixtures,
        metavar="DIR",
        help="directory of state documents (*.json) an own sandbox starts from, as serve's "
        "(default: the bundled fixtures/)",
    )
    parser.add_argument("--no-fixtures", action="store_true", help="start with no orders at all")


def mcp(args: argparse.Namespace) -> int:
    """Serve Carriyo's MCP order tools over stdio until the agent closes the pipe."""
    from ..mcp.stdio import serve_stdio
    from ..store import StoreUnavailable

    config = SandboxConfig(fixtures=None if args.no_fixtures else args.fixtures, store=args.store)
    try:
        return serve_stdio(config)
    except StoreUnavailable as exc:
        raise SystemExit(f"--store: {exc}") from exc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="carriyo-sandbox",
        description="Local sandbox and contract-testing harness for Carriyo's Orders API.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_parser = commands.add_parser(
        "serve", help="run the sandbox", description="Run the Orders API sandbox."
    )
    add_serve_options(serve_parser)
    serve_parser.set_defaults(func=serve)
    contract_parser = commands.add_parser(
        "contract",
        help="run the contract suite against a server",
        description="Run the contract suite (pytest) against the server at --base-url, showing "
        "pytest's progress, then the tests by outcome, a table of the failed ones and a line per "
        "tier. Any other argument is passed to pytest (e.g. -k schedule, -x, -n 2). The exit "
        "code is pytest's.",
        allow_abbrev=False,
    )
    add_contract_options(contract_parser)
    contract_parser.set_defaults(func=contract)
    add_proxy_commands(commands)
    mcp_parser = commands.add_parser(
        "mcp",
        help="serve Carriyo's MCP order tools over stdio (for desktop agents)",
        description="Serve the Orders and Fulfillment orders families of Carriyo's MCP tools on "
        "stdin/stdout, for an agent that starts its MCP servers as subprocesses. (A running "
        "sandbox also serves them over streamable HTTP at /mcp on its REST port.)",
    )
    add_mcp_options(mcp_parser)
    mcp_parser.set_defaults(func=mcp)
    args, extra = parser.parse_known_args(argv)
    if extra and args.func is not contract:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    sys.exit(args.func(args))
