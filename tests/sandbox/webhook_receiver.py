"""A webhook receiver and an OAuth2 token endpoint on loopback, written from Carriyo's published
pages alone (platform/webhooks/, .../authentication/, .../retry-and-idempotency/,
reference/order-webhook-events/), not from the sandbox's code: what an integrator would build.

The receiver reads the `trigger` and `event-id` headers, parses the order envelope (`oldImage`,
`newImage`, `trigger`, `operation`), checks the caller's authentication (a static header, or a
bearer its token endpoint issued) and answers 401 when it fails, else 200 (or 500 for the first
`fail_first` deliveries, to exercise retries). Tests wait on its condition with a time-out.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WAIT = 10.0
ENVELOPE = ("oldImage", "newImage", "trigger", "operation")


@dataclass
class Received:
    """One accepted delivery: its headers' trigger and event id, the envelope, and the headers
    (names in lower case: HTTP header names are case-insensitive)."""

    trigger: str
    event_id: str
    envelope: dict[str, Any]
    headers: dict[str, str]


class LoopbackServer:
    """An http.server on a free loopback port, in a thread, with one handler function."""

    def __init__(self, handle: Any) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = handle({k.lower(): v for k, v in self.headers.items()}, body)
                payload = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class TokenEndpoint:
    """The receiver's OAuth2 token endpoint: the client-credentials grant, form-encoded."""

    def __init__(self, client_id: str, client_secret: str, expires_in: int = 3600) -> None:
        self.client = (client_id, client_secret)
        self.expires_in = expires_in
        self.requests: list[dict[str, str]] = []
        self.valid: set[str] = set()
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._handle)
        self.url = self._server.url + "/oauth/token"

    def _handle(self, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        form = dict(urllib.parse.parse_qsl(body.decode()))
        with self._lock:
            self.requests.append(form)
            given = (form.get("client_id"), form.get("client_secret"))
            if form.get("grant_type") != "client_credentials" or given != self.client:
                return 401, {"error": "invalid_client"}
            token = f"token-{len(self.requests)}"
            self.valid.add(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}

    def revoke_all(self) -> None:
        with self._lock:
            self.valid.clear()

    def close(self) -> None:
        self._server.close()


class Receiver:
    """The webhook endpoint (see the module's docstring)."""

    def __init__(
        self, header: tuple[str, str] | None = None, tokens: TokenEndpoint | None = None
    ) -> None:
        self.header = header
        self.tokens = tokens
        self.received: list[Received] = []
        self.refused = 0
        self.fail_first = 0
        self.calls = 0
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self._changed = threading.Condition()
        self._server = LoopbackServer(self._handle)
        self.url = self._server.url + "/carriyo-webhooks"

    def _authenticated(self, headers: dict[str, str]) -> bool:
        if self.header is not None:
            return headers.get(self.header[0].lower()) == self.header[1]
        if self.tokens is not None:
            scheme, _, token = headers.get("authorization", "").partition(" ")
            return scheme == "Bearer" and token in self.tokens.valid
        return True

    def _handle(self, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        self.entered.set()
        self.gate.wait(WAIT)
        with self._changed:
            self.calls += 1
            if not self._authenticated(headers):
                self.refused += 1
                self._changed.notify_all()
                return 401, None
            envelope = json.loads(body)
            assert headers["content-type"] == "application/json"
            assert set(ENVELOPE) <= set(envelope), envelope
            assert envelope["trigger"] == headers["trigger"]
            self.received.append(
                Received(headers["trigger"], headers["event-id"], envelope, headers)
            )
            failing = len(self.received) <= self.fail_first
            self._changed.notify_all()
        return (500 if failing else 200), None

    def wait_for(self, count: int) -> list[Received]:
        """The deliveries, once at least `count` arrived (fails after WAIT seconds)."""
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.received) >= count, WAIT), [
                r.trigger for r in self.received
            ]
            return list(self.received)

    def triggers(self) -> list[str]:
        with self._changed:
            return [r.trigger for r in self.received]

    def close(self) -> None:
        self.gate.set()
        self._server.close()
