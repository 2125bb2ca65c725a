"""`python -m tests.team.serve_variant VARIANT --port P --store URL`: the selftest's sandbox (the
baseline or one broken variant, no fixtures) as a team sandbox: two worker processes on one
port, sharing the Redis at URL. Each worker applies the variant to its own sandbox."""

from __future__ import annotations

import argparse
import logging
import sys

from flask import Flask

from contract_tests.selftest.fair import BY_NAME
from mock_server.app import create_app
from mock_server.config import SandboxConfig
from mock_server.run.binding import Binding
from mock_server.run.server_workers import serve_workers

WORKERS = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.team.serve_variant")
    # the variants that patch the sandbox (one that wraps the app on the wire is not served here)
    patching = sorted(name for name, variant in BY_NAME.items() if variant.wsgi is None)
    parser.add_argument("variant", choices=patching)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    config = SandboxConfig(fixtures=None, store=args.store)
    prepared = create_app(config).extensions["sandbox"]
    prepared.close()

    def make_app() -> Flask:
        app = create_app(config, spec=prepared.spec)
        BY_NAME[args.variant].apply(app.extensions["sandbox"])
        return app

    return serve_workers(make_app, Binding("127.0.0.1", args.port, 1), WORKERS)


if __name__ == "__main__":
    sys.exit(main())
