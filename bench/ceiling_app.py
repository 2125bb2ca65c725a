"""The framework ceiling: a bare Flask app that returns one stored order, on the sandbox's own
HTTP server (granian or waitress, `mock_server/server.py`) with the sandbox's default threads.

It does what every sandbox request must do at the least (route the request, read the body of a
PATCH, answer the stored order's JSON bytes) and nothing else: no authentication, no validation,
no domain rule. So ours/ceiling on one server is the share of the framework's throughput the
sandbox keeps there.

    python bench/ceiling_app.py --order ORDER.json --port 8099 [--server waitress]
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from pathlib import Path
from types import FrameType

from flask import Flask, Response, request

from mock_server.run.server import DEFAULT_SERVER, SERVERS, make_server


def create_app(order_json: bytes) -> Flask:
    """GET and PATCH on the sandbox's order and FO paths answer `order_json` (200)."""
    app = Flask("ceiling")

    def stored_order(**_params: str) -> Response:
        request.get_data(cache=False)
        return Response(order_json, 200, mimetype="application/json")

    app.add_url_rule("/orders/<ref>", "order", stored_order, methods=["GET", "PATCH"])
    app.add_url_rule(
        "/orders/<ref>/fulfillment-orders/<fo>/<action>",
        "fulfillment_order",
        stored_order,
        methods=["PATCH"],
    )
    return app


def stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").partition("\n\n")[0].replace("\n", " ")
    )
    parser.add_argument("--order", type=Path, required=True, help="the order's JSON file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server", choices=SERVERS, default=DEFAULT_SERVER)
    args = parser.parse_args()
    app = create_app(args.order.read_bytes())
    server = make_server(app, server=args.server, host=args.host, port=args.port)
    signal.signal(signal.SIGTERM, stop)
    server.start()
    try:
        with contextlib.suppress(SystemExit, KeyboardInterrupt):
            threading.Event().wait()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
