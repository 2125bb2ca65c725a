"""Where a server listens: what the command line, the servers and the worker processes pass
each other (kept apart from server.py, which picks a server, so the servers need not import it)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

BODY_TIMEOUT = 5.0
"""Seconds a request body has to arrive whole by default (`--body-timeout`)."""


@dataclass(frozen=True)
class Binding:
    """Where a server listens (`port` 0: any free port), how many threads run requests, and
    how many seconds a request body has to arrive whole (granian; then 408)."""

    host: str
    port: int
    threads: int
    body_timeout: float = BODY_TIMEOUT


def http_url(host: str, port: int) -> str:
    """`http://host:port` (an IPv6 address in brackets)."""
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected seconds above 0, not {text!r}")
    return value


def add_body_timeout(parser: argparse.ArgumentParser) -> None:
    """`--body-timeout`, for `serve` and `proxy`."""
    parser.add_argument(
        "--body-timeout",
        type=positive_seconds,
        default=BODY_TIMEOUT,
        metavar="SECONDS",
        help="how long a request body has to arrive whole; then 408, while other clients are "
        f"served meanwhile (granian; default {BODY_TIMEOUT:g})",
    )
