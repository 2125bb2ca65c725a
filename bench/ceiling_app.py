"""The framework ceiling: a bare Flask app under waitress that returns one stored order.

It does what every sandbox request must do at the least (route the request, read the body of a
PATCH, answer the stored order's JSON bytes) and nothing else: no authentication, no validation,
no domain rule. `bench/run.py` runs it with the sandbox's thread count, so ours/ceiling is the share
of the framework's throughput the sandbox keeps.

    python bench/ceiling_app.py --order ORDER.json --port 8099 --threads 4
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import waitress
from flask import Flask, Response, request


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=Path, required=True, help="the order's JSON file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    app = create_app(args.order.read_bytes())
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as the sandbox (server.py)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="ceiling")


if __name__ == "__main__":
    main()
