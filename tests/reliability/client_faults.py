"""Clients that hold a server up, measured: a few hundred connections that stall their headers,
a request body that stops coming, and a body near the 1 MiB limit with a list far past its
limit. The tests (test_slow_clients.py, test_stalled_bodies.py, test_large_bodies.py) bound these
figures; `python -m tests.reliability.report` prints them."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass

import orjson
import requests

from tests.launcher import HOST, Reply, Server

SLOW_CLIENTS = 300
TOO_MANY = 25_641
"""Line items `{"id": "L<n>", "quantity": 1}` that fit just under 1 MiB."""
ANSWER_TIMEOUT = 10.0
BODY_TIMEOUT = 2.0
"""`--body-timeout` of the servers the stalled-body measurements start."""
STALLS = {
    "100 kB announced, 1,023 bytes sent": (102_400, 1023),
    "Content-Length one byte too long": (18, 17),
}
"""Stalled bodies: the length announced and the bytes sent (`{"language":"ar"}` is 17)."""


def line_items(count: int) -> list[dict[str, object]]:
    return [{"id": f"L{n}", "quantity": 1} for n in range(count)]


def too_many_items() -> bytes:
    """An update-order body of TOO_MANY line items, just under 1 MiB."""
    return orjson.dumps({"line_items": line_items(TOO_MANY)})


def get_while_headers_stall(server: Server, count: int = SLOW_CLIENTS) -> tuple[int | None, float]:
    """A GET of ORD-1001 while `count` connections hold part of their headers: its status (None
    when it got no answer in ANSWER_TIMEOUT) and the seconds it took."""
    with ExitStack() as stack:
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection((HOST, server.port), timeout=5))
            sock.sendall(b"GET /orders/ORD-1001 HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        try:
            status: int | None = server.session.get(
                f"{server.base_url}/orders/ORD-1001",
                headers=server.headers(),
                timeout=ANSWER_TIMEOUT,
            ).status_code
        except requests.RequestException:
            status = None
        return status, time.monotonic() - started


def send_too_many(server: Server) -> tuple[Reply, float]:
    """PATCH ORD-1001 with TOO_MANY line items: the reply and the seconds it took."""
    headers = {**server.headers(), "content-type": "application/json"}
    started = time.monotonic()
    reply = server.raw("PATCH", "/orders/ORD-1001", too_many_items(), headers)
    return reply, time.monotonic() - started


def create_largest(server: Server, count: int = 1000) -> tuple[int, float]:
    """POST an order of `count` line items (the limit: the largest valid body): its status and
    the seconds it took."""
    items = [{**item, "sku": "SKU"} for item in line_items(count)]
    body = orjson.dumps({"merchant": "ACME_FASHION", "line_items": items})
    headers = {**server.headers(), "content-type": "application/json"}
    started = time.monotonic()
    reply = server.raw("POST", "/orders", body, headers)
    return reply.status, time.monotonic() - started


def get_while_too_many(server: Server) -> tuple[int, float]:
    """A GET of ORD-1002 sent while a body of TOO_MANY line items is sent and refused: its
    status and the seconds it took."""
    sent = threading.Event()

    def send_large() -> None:
        sent.set()
        send_too_many(server)

    writer = threading.Thread(target=send_large)
    writer.start()
    sent.wait(5)
    started = time.monotonic()
    status = server.call("GET", "/orders/ORD-1002").status_code
    elapsed = time.monotonic() - started
    writer.join(30)
    return status, elapsed


@dataclass(frozen=True)
class Stall:
    """A GET sent while another client's body stalls, and what that client got."""

    get_status: int | None
    get_seconds: float
    stalled_answer: str
    """The stalled client's status line, or "closed" / "no answer"."""
    stalled_seconds: float


def status_line(sock: socket.socket) -> str:
    """The first line the server sends on `sock`: "closed" when it closes first, "no answer"
    when the socket's timeout passes first."""
    got = b""
    with suppress(OSError):
        while b"\r\n" not in got:
            chunk = sock.recv(1024)
            if not chunk:
                return "closed"
            got += chunk
        return got.split(b"\r\n", 1)[0].decode("latin-1")
    return "no answer"


def while_a_body_stalls(server: Server, announced: int, sent: int) -> Stall:
    """PATCH ORD-1001 announcing `announced` body bytes and sending `sent` of them, then
    nothing; meanwhile a GET of ORD-1002 from another client."""
    headers = {**server.headers(), "Host": "x", "Content-Type": "application/json"}
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"PATCH /orders/ORD-1001 HTTP/1.1\r\n{head}Content-Length: {announced}\r\n\r\n"
    body = b'{"language":"ar"}'.ljust(sent, b" ")[:sent]
    with socket.create_connection((HOST, server.port), timeout=5) as stalled:
        stalled.sendall(request.encode("latin-1") + body)
        started = time.monotonic()
        try:
            status: int | None = server.call("GET", "/orders/ORD-1002").status_code
        except requests.RequestException:
            status = None
        get_seconds = time.monotonic() - started
        stalled.settimeout(BODY_TIMEOUT + ANSWER_TIMEOUT)
        answer = status_line(stalled)
        return Stall(status, get_seconds, answer, time.monotonic() - started)
