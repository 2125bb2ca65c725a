"""Where a server listens: what the command line, the servers and the worker processes pass
each other (kept apart from server.py, which picks a server, so the servers need not import it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Binding:
    """Where a server listens (`port` 0: any free port) and how many threads run requests."""

    host: str
    port: int
    threads: int


def http_url(host: str, port: int) -> str:
    """`http://host:port` (an IPv6 address in brackets)."""
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"
