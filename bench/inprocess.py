"""CPU per request without the WSGI server: the sandbox and the bare-Flask ceiling, in-process.

    python bench/inprocess.py [--requests 3000] [--rounds 5] [--profile update-order]
                              [--store redis://127.0.0.1:6379/15]

Calls each app (`app(environ, start_response)`) with the same requests as `bench/run.py` (the
hot order, the bodies of bench/*.lua) and prints microseconds per request, the best of `--rounds`
rounds, for the sandbox and the ceiling. Without an HTTP server, wrk or sockets in the
measurement, it shows what the sandbox's own code costs; `--profile OPERATION` prints cProfile's
top functions for one operation; `--store` runs the sandbox on that store (a Redis database it
may flush) to see where a request's time goes in the team sandbox. Run it when the machine is
quiet: it measures wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import ceiling_app
from flask import Flask
from workload import (
    BENCH_DIR,
    HEADERS,
    HOT_ID,
    OPERATIONS,
    TOKEN_REQUEST,
    Operation,
    load_templates,
)
from workload import state_document as bench_state

from mock_server.app import create_app
from mock_server.config import SandboxConfig

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def script_request(operation: Operation) -> tuple[str, bytes]:
    """The method and body of `operation`'s wrk script (`wrk.method`, `wrk.body`)."""
    text = (BENCH_DIR / operation.script).read_text(encoding="utf-8")
    method = re.search(r'wrk\.method = "(\w+)"', text)
    body = re.search(r"wrk\.body = \[(=*)\[(.*?)\]\1\]", text, re.S)
    return (method.group(1) if method else "GET"), (body.group(2).encode() if body else b"")


def environ_of(operation: Operation, authorization: str) -> dict[str, Any]:
    """A WSGI environ like an HTTP server's for `operation`, with the sandbox's token (its input
    stream is set per call)."""
    method, body = script_request(operation)
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": operation.path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input_terminated": True,
        "HTTP_HOST": "127.0.0.1:8080",
        "HTTP_USER_AGENT": "inprocess",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in HEADERS.items()},
        "HTTP_AUTHORIZATION": authorization,
    }
    if body:
        environ.update({"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))})
    environ["bench.body"] = body
    return environ


def call(app: WsgiApp, environ: dict[str, Any]) -> str:
    """One request; its status line."""
    statuses: list[str] = []
    request = {**environ, "wsgi.input": io.BytesIO(environ["bench.body"])}
    answer = app(request, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(answer)
    close = getattr(answer, "close", None)
    if close is not None:
        close()
    return statuses[0]


def per_request_us(app: WsgiApp, environ: dict[str, Any], requests: int, rounds: int) -> float:
    """The best of `rounds` rounds of `requests` calls, in microseconds per call."""
    status = call(app, environ)
    if not status.startswith("200"):
        raise SystemExit(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}: {status}")
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(requests):
            call(app, environ)
        best = min(best, (time.perf_counter() - started) / requests * 1e6)
    return best


def sandbox_app(store: str | None) -> Flask:
    """The sandbox (on `store`, or in memory) with the hot order and 99 others, as `bench/run.py`
    seeds it."""
    app = create_app(SandboxConfig(fixtures=None, store=store))
    templates, locations = load_templates()
    reply = app.test_client().put(
        "/__admin/state",
        data=bench_state(100, templates, locations),
        headers={"Content-Type": "application/json"},
    )
    if reply.status_code >= 300:
        raise SystemExit(f"PUT /__admin/state: {reply.status_code} {reply.get_data()[:300]!r}")
    return app


def slug(operation: Operation) -> str:
    """`GET order` -> `get-order`: the operation's name on the command line."""
    return operation.name.replace(" ", "-").lower()


def parse_args() -> argparse.Namespace:
    names = [slug(op) for op in OPERATIONS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="calls per round (3000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, best kept (5)")
    parser.add_argument("--profile", choices=names, help="cProfile one operation of the sandbox")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile (30)")
    parser.add_argument("--store", help="the sandbox's store (redis://...; default: memory)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    ours = sandbox_app(args.store)
    issued = ours.test_client().post(
        "/oauth/token", data=TOKEN_REQUEST, headers={"Content-Type": "application/json"}
    )
    authorization = f"Bearer {issued.get_json()['access_token']}"
    order_json = (
        ours.test_client()
        .get(f"/orders/{HOT_ID}", headers={**HEADERS, "Authorization": authorization})
        .data
    )
    ceiling = ceiling_app.create_app(order_json)
    if args.profile:
        operation = next(
            op for op in OPERATIONS if op.name.replace(" ", "-").lower() == args.profile
        )
        environ = environ_of(operation, authorization)
        per_request_us(ours, environ, args.requests // 10, 1)  # warm up
        profile = cProfile.Profile()
        profile.runcall(per_request_us, ours, environ, args.requests, 1)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
        return
    print(f"{'operation':16} {'sandbox us':>11} {'ceiling us':>11} {'ratio':>6}")
    for operation in OPERATIONS:
        environ = environ_of(operation, authorization)
        mine = per_request_us(ours, environ, args.requests, args.rounds)
        theirs = per_request_us(ceiling, environ, args.requests, args.rounds)
        print(f"{operation.name:16} {mine:11.1f} {theirs:11.1f} {mine / theirs:6.2f}", flush=True)


if __name__ == "__main__":
    main()
