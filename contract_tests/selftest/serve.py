"""`python -m contract_tests.selftest.serve VARIANT --port P [--fixtures] [--clients FILE]`: one
broken (or fair) sandbox.

The variant's patches are applied in this process before the app serves anything; the sandbox
runs on the sandbox's HTTP server (granian) like `python -m mock_server`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
from pathlib import Path

from mock_server.app import create_app
from mock_server.config import SandboxConfig, parse_clients
from mock_server.run.server import make_server

from .fair import BY_NAME


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.selftest.serve")
    parser.add_argument("variant", choices=sorted(BY_NAME))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fixtures", action="store_true", help="load the bundled fixtures")
    parser.add_argument("--clients", type=Path, help="only these OAuth clients (as serve's)")
    args = parser.parse_args(argv)
    clients = parse_clients(json.loads(args.clients.read_text())) if args.clients else None
    config = SandboxConfig(clients=clients)
    app = create_app(config if args.fixtures else dataclasses.replace(config, fixtures=None))
    variant = BY_NAME[args.variant]
    variant.apply(app.extensions["sandbox"])
    served = variant.wsgi(app) if variant.wsgi is not None else app
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # for sigwait, and the server threads
    server = make_server(served, port=args.port)
    server.start()
    signal.sigwait(stop_signals)
    server.stop()


if __name__ == "__main__":
    main()
