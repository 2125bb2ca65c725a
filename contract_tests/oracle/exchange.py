"""One exchange with the target as the suite keeps it and shows it: the request sent and the
response got, secrets masked, replayable as a curl line.

Plain data with no HTTP client behind it, so that the oracle's checks read the suite's exchanges
and the sandbox proxy's alike.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

SECRET_HEADERS = {"x-api-key": "$CONTRACT_API_KEY", "authorization": "Bearer $CONTRACT_TOKEN"}
"""Headers never shown; a replayed request (curl line) reads them from the environment."""
NOISE_HEADERS = frozenset({"user-agent", "accept-encoding", "connection", "accept"})
BODY_LIMIT = 6000


def shown_headers(headers: dict[str, str]) -> dict[str, str]:
    """The headers worth showing, secrets masked."""
    return {
        name: "***" if name.lower() in SECRET_HEADERS else value
        for name, value in headers.items()
        if name.lower() not in NOISE_HEADERS
    }


def curl_line(method: str, url: str, headers: dict[str, str], data: str | None) -> str:
    """A shell command replaying the request (`data`: its body as sent); secrets come from
    $CONTRACT_API_KEY and $CONTRACT_TOKEN, never from the line itself."""
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() in NOISE_HEADERS or name.lower() == "content-length":
            continue
        secret = SECRET_HEADERS.get(name.lower())
        parts += ["-H", f'"{name}: {secret}"' if secret else shlex.quote(f"{name}: {value}")]
    if data is not None:
        parts += ["--data-raw", shlex.quote(data)]
    return " ".join(parts)


@dataclass(frozen=True)
class Exchange:
    """One request sent and the response got."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int
    response_headers: dict[str, str]
    response_text: str

    @property
    def json(self) -> Any:
        """The response body as JSON (None when empty or not JSON)."""
        try:
            return json.loads(self.response_text) if self.response_text.strip() else None
        except ValueError:
            return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        """The exchange as text, secrets masked, long bodies cut."""
        headers = "".join(
            f"\n    {name}: {value}" for name, value in shown_headers(self.request_headers).items()
        )
        sent = "" if self.request_body is None else "\n  " + _clip(_pretty(self.request_body))
        got = _clip(
            _pretty(self.json) if self.json is not None else self.response_text or "<empty>"
        )
        return f"> {self.method} {self.url}{headers}{sent}\n< {self.status}\n  {got}"

    def as_json(self) -> dict[str, Any]:
        """The request and the response as the report shows them (secrets masked)."""
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": shown_headers(self.request_headers),
                "body": self.request_body,
            },
            "response": {
                "status": self.status,
                "headers": dict(self.response_headers),
                "body": self.json if self.json is not None else self.response_text,
            },
        }

    def curl(self) -> str:
        body = None if self.request_body is None else json.dumps(self.request_body)
        return curl_line(self.method, self.url, self.request_headers, body)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=1, sort_keys=True).replace("\n", "\n  ")


def _clip(text: str) -> str:
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + f"... ({len(text)} chars)"
