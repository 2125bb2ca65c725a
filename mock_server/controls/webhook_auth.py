"""How a webhook configuration's deliveries authenticate (platform/webhooks/authentication).

Either static custom headers, sent as configured on every delivery, or OAuth2 client
credentials: the sandbox POSTs `grant_type=client_credentials`, the client id and secret and any
custom parameters to the receiver's token endpoint (form-encoded by default, JSON when the
configuration says so), reads `access_token` and `expires_in`, and attaches
`Authorization: Bearer <token>` to each delivery. The token is cached until it expires, and
forgotten when a delivery is refused 401, so that the next call fetches a new one.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import urllib.request
from typing import Any

import orjson

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Deliveries and token calls go straight to the receiver, whatever proxy the environment names."""
FORM = "application/x-www-form-urlencoded"


class TokenError(Exception):
    """The token endpoint gave no usable token (the delivery attempt fails with this error)."""


class Credentials:
    """The authentication headers of one configuration's deliveries (thread-safe)."""

    def __init__(self, authentication: dict[str, Any] | None, timeout: float) -> None:
        self._auth = authentication or {}
        self._timeout = timeout
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0

    @property
    def oauth2(self) -> bool:
        return self._auth.get("type") == "oauth2"

    def headers(self) -> dict[str, str]:
        """The headers to send now: the static ones, or a bearer (fetched when none is cached or
        the cached one expired); TokenError when the token endpoint gives none."""
        if not self.oauth2:
            return dict(self._auth.get("headers", {}))
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._token, lifetime = fetch_token(self._auth, self._timeout)
                self._expires = time.monotonic() + lifetime
            return {"Authorization": f"Bearer {self._token}"}

    def refused(self) -> None:
        """The receiver answered 401: the cached token is no longer good."""
        with self._lock:
            self._token = None


def fetch_token(auth: dict[str, Any], timeout: float) -> tuple[str, float]:
    """POST the client-credentials grant to `auth["token_url"]`; the token and its lifetime in
    seconds (no `expires_in`: until refused)."""
    fields = {
        "grant_type": "client_credentials",
        "client_id": auth["client_id"],
        "client_secret": auth["client_secret"],
        **auth.get("parameters", {}),
    }
    content_type = auth.get("content_type", FORM)
    body = urllib.parse.urlencode(fields).encode() if content_type == FORM else orjson.dumps(fields)
    request = urllib.request.Request(
        auth["token_url"],
        data=body,
        method="POST",
        headers={**auth.get("headers", {}), "Content-Type": content_type},
    )
    try:
        with OPENER.open(request, timeout=timeout) as response:
            answer = orjson.loads(response.read())
    except Exception as exc:  # any failure of the call is the attempt's error
        raise TokenError(f"token endpoint: {type(exc).__name__}: {exc}") from exc
    token, lifetime = (
        (answer.get("access_token"), answer.get("expires_in", float("inf")))
        if isinstance(answer, dict)
        else (None, None)
    )
    if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
        raise TokenError("token endpoint: no access_token (or a bad expires_in) in its answer")
    return token, float(lifetime)
