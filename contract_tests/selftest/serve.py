"""`python -m contract_tests.selftest.serve VARIANT --port P [--fixtures]`: one broken sandbox.

The variant's patches are applied in this process before the app serves anything; the sandbox
runs on the sandbox's own HTTP server (`mock_server.server`, granian), as `python -m mock_server`
does, until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal

from mock_server.app import create_app
from mock_server.config import SandboxConfig
from mock_server.server import make_server

from .variants import BY_NAME


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.selftest.serve")
    parser.add_argument("variant", choices=sorted(BY_NAME))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fixtures", action="store_true", help="load the bundled fixtures")
    args = parser.parse_args(argv)
    config = SandboxConfig() if args.fixtures else SandboxConfig(fixtures=None)
    app = create_app(config)
    BY_NAME[args.variant].apply(app.extensions["sandbox"])
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # for sigwait, and the server threads
    server = make_server(app, port=args.port)
    server.start()
    signal.sigwait(stop_signals)
    server.stop()


if __name__ == "__main__":
    main()
