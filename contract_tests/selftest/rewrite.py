"""A WSGI middleware that rewrites what a sandbox answers: how a fair variant differs from it
on the wire (no ETag, another error body, other field names, more fields)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Headers = list[tuple[str, str]]
Body = Callable[[str, int, Any], Any]
"""(request path, status, the JSON body) -> the JSON body to send instead."""


class Rewrite:
    """Around `app`: `request(environ)` edits the request first; `body` rewrites a JSON
    response body; `drop` names response headers taken out."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        body: Body | None = None,
        drop: Iterable[str] = (),
        request: Callable[[WSGIEnvironment], None] | None = None,
    ) -> None:
        self.app = app
        self.body = body
        self.drop = {name.lower() for name in drop}
        self.request = request

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.request is not None:
            self.request(environ)
        answered: dict[str, Any] = {}

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], Any]:
            answered.update(status=status, headers=headers)
            return lambda _: None

        result = self.app(environ, capture)
        try:
            content = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        status: str = answered["status"]
        headers = [
            (name, value) for name, value in answered["headers"] if name.lower() not in self.drop
        ]
        json_body = any(
            name.lower() == "content-type" and "json" in value for name, value in headers
        )
        if self.body is not None and json_body and content:
            rewritten = self.body(
                environ.get("PATH_INFO", ""), int(status[:3]), json.loads(content)
            )
            content = json.dumps(rewritten).encode()
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers.append(("Content-Length", str(len(content))))
        start_response(status, headers)
        return [content]


def orders_in(body: Any) -> list[dict[str, Any]]:
    """The orders a response body carries (an order, or none)."""
    return [body] if isinstance(body, dict) and "fulfillment_orders" in body else []
