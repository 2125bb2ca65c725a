"""`carriyo-sandbox`: run the sandbox (`serve`); `python -m mock_server` is `serve`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .sandbox import DEFAULT_FIXTURES, MIB, SandboxConfig

log = logging.getLogger("mock_server")


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=DEFAULT_FIXTURES,
        metavar="DIR",
        help="directory of state documents (*.json) loaded at start and on reset "
        "(default: the bundled fixtures/)",
    )
    parser.add_argument("--no-fixtures", action="store_true", help="start with no orders at all")
    parser.add_argument(
        "--api-keys",
        type=Path,
        metavar="FILE",
        help='JSON object {"<api key>": "<tenant-id>"}: only these keys are accepted, each for '
        "its own tenant (default: any non-empty key, any tenant)",
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
        default=MIB,
        metavar="N",
        help="largest request body accepted; larger ones get 413 (default 1 MiB)",
    )
    parser.add_argument("--threads", type=int, default=8, help="WSGI worker threads (default 8)")


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    api_keys = None
    if args.api_keys is not None:
        api_keys = json.loads(args.api_keys.read_text(encoding="utf-8"))
        if not isinstance(api_keys, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in api_keys.items()
        ):
            raise SystemExit(f"{args.api_keys}: expected a JSON object of key -> tenant strings")
    return SandboxConfig(
        fixtures=None if args.no_fixtures else args.fixtures,
        api_keys=api_keys,
        admin=not args.no_admin,
        admin_token=args.admin_token,
        host=args.host,
        max_body_bytes=args.max_body_bytes,
    )


def serve(args: argparse.Namespace) -> int:
    """Start the sandbox under waitress (one process: the state is in memory)."""
    import waitress

    from .app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = config_from_args(args)
    app = create_app(config)
    log.info("Carriyo Orders sandbox on http://%s:%d (docs: openapi.yaml)", args.host, args.port)
    waitress.serve(
        app,
        host=args.host,
        port=args.port,
        threads=args.threads,
        ident="carriyo-sandbox",
        max_request_body_size=max(config.max_body_bytes * 4, 64 * MIB),
    )
    return 0


def serve_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m mock_server",
        description="Run the Carriyo Orders API sandbox (a stateful mock) on a local port.",
    )
    add_serve_options(parser)
    sys.exit(serve(parser.parse_args(argv)))


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
    args = parser.parse_args(argv)
    sys.exit(args.func(args))
