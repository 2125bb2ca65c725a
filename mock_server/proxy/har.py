"""`--record FILE.har`: every exchange written as HAR 1.2 (the format browsers and HTTP tools
read), secrets masked, the file a whole HAR document after every entry.

An entry is appended by overwriting the document's closing `]}}` with `,<entry>]}}` in one write
and fsync, so a crash leaves the document as it was before that entry or after it: readable
either way. Secrets are masked as the journal masks them (the first two characters and `***`):
`Authorization`, `x-api-key`, `Proxy-Authorization` and `Cookie` headers, and `client_secret` and
`access_token` in JSON bodies (a token request and its answer).
"""

from __future__ import annotations

import os
import threading
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import orjson

from ..controls.journal import MASKED_HEADERS, mask
from .forward import Exchange, Headers, Message

SECRET_FIELDS = frozenset({"client_secret", "access_token"})
CLOSING = b"]}}\n"
CREATOR = {"name": "carriyo-sandbox proxy", "version": "1"}


def masked_headers(headers: Headers) -> list[dict[str, str]]:
    return [
        {"name": name, "value": mask(value) if name.lower() in MASKED_HEADERS else value}
        for name, value in headers
    ]


def masked_body(body: bytes) -> str:
    """The body as text, the values of SECRET_FIELDS masked when it is a JSON object (the whole
    body when it names one and is not)."""
    text = body.decode("utf-8", "replace")
    if not any(field.encode() in body for field in SECRET_FIELDS):
        return text
    with suppress(orjson.JSONDecodeError, orjson.JSONEncodeError):
        document = orjson.loads(body)
        if isinstance(document, dict):
            return orjson.dumps(
                {
                    key: _masked(value) if key in SECRET_FIELDS else value
                    for key, value in document.items()
                }
            ).decode()
    return mask(text)  # a secret the body carries some other way: masked whole


def _masked(value: Any) -> Any:
    return mask(value) if isinstance(value, str) else "***"


def _content(message: Message) -> dict[str, Any]:
    return {
        "mimeType": message.header("Content-Type") or "",
        "size": len(message.body),
        "text": masked_body(message.body),
    }


def har_entry(exchange: Exchange, base_url: str) -> dict[str, Any]:
    """One HAR 1.2 entry (`log.entries[]`) for `exchange`, sent to `base_url`."""
    request, response = exchange.request, exchange.response
    entry: dict[str, Any] = {
        "startedDateTime": datetime.fromtimestamp(exchange.started, UTC).isoformat(),
        "time": exchange.elapsed_ms,
        "request": {
            "method": request.method,
            "url": base_url + request.target,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": masked_headers(request.headers),
            "queryString": [
                {"name": name, "value": value}
                for name, value in parse_qsl(request.query, keep_blank_values=True)
            ],
            "headersSize": -1,
            "bodySize": len(request.body),
        },
        "response": {
            "status": response.status,
            "statusText": response.reason,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": masked_headers(response.headers),
            "content": _content(response),
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(response.body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": exchange.elapsed_ms, "receive": 0},
    }
    if request.body:
        entry["request"]["postData"] = _content(request)
    if exchange.notes:
        entry["comment"] = "; ".join(exchange.notes)
    return entry


class HarRecorder:
    """Appends entries to one HAR file (created, or continued when it is already one)."""

    def __init__(self, path: Path, base_url: str) -> None:
        self.path = path
        self.base_url = base_url
        self._lock = threading.Lock()
        self._empty = True
        if path.exists() and path.stat().st_size:
            document = orjson.loads(path.read_bytes())  # a HAR of an earlier run: continue it
            self._empty = not document["log"]["entries"]
            self._rewrite(document)
        else:
            self._rewrite({"log": {"version": "1.2", "creator": CREATOR, "entries": []}})

    def record(self, exchange: Exchange) -> None:
        """Append `exchange` (the file stays a whole document)."""
        entry = orjson.dumps(har_entry(exchange, self.base_url))
        with self._lock:
            with self.path.open("r+b") as fh:
                fh.seek(-len(CLOSING), os.SEEK_END)
                fh.write((b"" if self._empty else b",") + entry + CLOSING)
                fh.flush()
                os.fsync(fh.fileno())
            self._empty = False

    def _rewrite(self, document: dict[str, Any]) -> None:
        """Write `document` with its entries last, so that CLOSING ends the file."""
        log = document["log"]
        head = {key: value for key, value in log.items() if key != "entries"}
        entries = b",".join(orjson.dumps(entry) for entry in log["entries"])
        opening = orjson.dumps({"log": head})[:-2] + b',"entries":['
        self.path.write_bytes(opening + entries + CLOSING)


def read_har(path: Path) -> list[dict[str, Any]]:
    """The entries of a HAR file."""
    entries: list[dict[str, Any]] = orjson.loads(path.read_bytes())["log"]["entries"]
    return entries
