"""`carriyo-sandbox replay FILE.har --against URL`: how far a sandbox is from the service a
recording was made against (the parity report).

Each order the recording shows is seeded (`POST /__admin/orders`, for the tenant of the request) as
its first answer showed it, unless that answer was its creation (the replay creates it then); every
exchange is replayed in order but the writes whose answers were the seeds (counted as seeding). A
recording made with `proxy --observe-before` starts each order with a read, so every write of it is
replayed. Each replayed answer is compared with the recorded one, field by field; ids the sandbox
generated in the place of recorded ones (a new order's, a new FO's, a fulfillment's, a shipment's,
a system log's) are mapped, so that later requests name the sandbox's. IGNORED lists what is never
compared (times, versions, generated ids, secrets); the report counts the differences per
operation and per field, with an example of each.
"""

from __future__ import annotations

import html
import http.client
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from ..clock import utc_now
from ..http.spec import load_spec
from .operations import Operations

IGNORED_FIELDS = frozenset(
    {
        "creation_date",
        "update_date",
        "log_date",
        "timestamp",
        "change_log_id",
        "access_token",
        "expires_in",
    }
)
"""Never compared: when something happened, and secrets (masked in a recording)."""
MAPPED_IDS = ("order_id", "fulfillment_order_id", "fulfillment_id", "shipment_id", "identifier")
MAPPED_LIST = "shipment_ids"
"""Ids a service generates (one of each key, the items of the list, by position): a recorded one
and the sandbox's are mapped, not compared."""
IGNORED = {
    "fields": sorted(IGNORED_FIELDS),
    "headers": "all of them: the status and the body are compared",
    "generated ids (mapped, not compared)": [*MAPPED_IDS, f"{MAPPED_LIST}[]"],
}


@dataclass
class Difference:
    operation: str
    field: str
    recorded: Any
    replayed: Any


@dataclass
class Parity:
    """What the replay found."""

    target: str
    recording: str
    replayed: int = 0
    seeded: int = 0
    identical: int = 0
    differences: list[Difference] = field(default_factory=list)
    by_operation: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        per_field: dict[str, dict[str, Any]] = defaultdict(dict)
        for difference in self.differences:
            bucket = per_field[difference.operation].setdefault(
                difference.field,
                {"count": 0, "recorded": difference.recorded, "replayed": difference.replayed},
            )
            bucket["count"] += 1
        return {
            "target": self.target,
            "recording": self.recording,
            "generated_at": utc_now(),
            "ignored": IGNORED,
            "exchanges": {
                "replayed": self.replayed,
                "seeding": self.seeded,
                "identical": self.identical,
            },
            "operations": {
                operation: {"exchanges": count, "fields": per_field.get(operation, {})}
                for operation, count in sorted(self.by_operation.items())
            },
        }


def differences(recorded: Any, replayed: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(field, recorded, replayed) of every leaf that differs, IGNORED_FIELDS aside; list items
    by position, a missing one as None."""
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        found = []
        for key in [*recorded, *(k for k in replayed if k not in recorded)]:
            if key in IGNORED_FIELDS:
                continue
            found += differences(
                recorded.get(key), replayed.get(key), f"{path}.{key}" if path else key
            )
        return found
    if isinstance(recorded, list) and isinstance(replayed, list):
        found = []
        for k in range(max(len(recorded), len(replayed))):
            mine = recorded[k] if k < len(recorded) else None
            theirs = replayed[k] if k < len(replayed) else None
            found += differences(mine, theirs, f"{path}[]")
        return found
    return [] if recorded == replayed else [(path or "body", recorded, replayed)]


class IdMap:
    """Recorded ids -> the sandbox's, learned from pairs of answers."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def learn(self, recorded: Any, replayed: Any) -> None:
        if isinstance(recorded, dict) and isinstance(replayed, dict):
            pairs = [(recorded.get(key), replayed.get(key)) for key in MAPPED_IDS]
            lists = (recorded.get(MAPPED_LIST) or [], replayed.get(MAPPED_LIST) or [])
            pairs += zip(*lists, strict=False)
            for mine, theirs in pairs:
                if isinstance(mine, str) and isinstance(theirs, str) and mine != theirs:
                    self._ids[mine] = theirs
            for key, value in recorded.items():
                self.learn(value, replayed.get(key))
        elif isinstance(recorded, list) and isinstance(replayed, list):
            for mine, theirs in zip(recorded, replayed, strict=False):
                self.learn(mine, theirs)

    def apply(self, text: str) -> str:
        """`text` (a path, a body) with every recorded id replaced by the sandbox's."""
        if not self._ids:
            return text
        pattern = "|".join(re.escape(key) for key in sorted(self._ids, key=len, reverse=True))
        return re.sub(pattern, lambda found: self._ids[found.group(0)], text)

    def normalise(self, value: Any) -> Any:
        """`value` (a recorded answer) with the mapped ids as the sandbox names them."""
        if isinstance(value, str):
            return self.apply(value)
        if isinstance(value, list):
            return [self.normalise(item) for item in value]
        if isinstance(value, dict):
            return {key: self.normalise(item) for key, item in value.items()}
        return value


def _json(text: str) -> Any:
    try:
        return orjson.loads(text) if text else None
    except orjson.JSONDecodeError:
        return text


def _header(entry: dict[str, Any], name: str) -> str | None:
    return next(
        (h["value"] for h in entry["request"]["headers"] if h["name"].lower() == name), None
    )


class Replayer:
    """Replays a recording's entries against `target` (a sandbox with its admin API)."""

    def __init__(
        self,
        target: str,
        api_key: str = "replay-key",
        timeout: float = 30.0,
        client: tuple[str, str] = ("replay", "replay"),
    ) -> None:
        parts = urlsplit(target)
        self.target = target.rstrip("/")
        self._connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout
        )
        self.api_key = api_key
        self.client = client
        self._token: str | None = None
        self.operations = Operations(load_spec().public)
        self.ids = IdMap()

    def token(self) -> str:
        """The target's token for `client` (`POST /oauth/token`, asked once): the recorded one is
        masked, and the target requires its own."""
        if self._token is None:
            client_id, secret = self.client
            body = orjson.dumps({"client_id": client_id, "client_secret": secret})
            status, answer = self.call(
                "POST", "/oauth/token", body, {"content-type": "application/json"}
            )
            if status != 200:
                raise RuntimeError(f"no token for client {client_id}: {status} {answer[:300]!r}")
            self._token = str(orjson.loads(answer)["access_token"])
        return self._token

    def call(
        self, method: str, target: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        self._connection.request(method, target, body=body or None, headers=headers)
        answer = self._connection.getresponse()
        return answer.status, answer.read()

    def run(self, entries: list[dict[str, Any]], recording: str) -> Parity:
        """Seed, then replay every entry but the writes whose answers were the seeds."""
        parity = Parity(self.target, recording)
        seeds = self._seed(entries)
        parity.seeded = len(seeds)
        for k, entry in enumerate(entries):
            if k not in seeds:
                self._replay(entry, parity)
        return parity

    def _seed(self, entries: list[dict[str, Any]]) -> set[int]:
        """Seed every order at its first sighting (an order first seen in a create answer is
        created by the replay instead); the indexes of the writes that made the seeds."""
        seen: set[tuple[str, str]] = set()
        seeds: set[int] = set()
        for k, entry in enumerate(entries):
            order = _json(entry["response"]["content"].get("text", ""))
            if not (isinstance(order, dict) and "order_id" in order):
                continue
            tenant = _header(entry, "tenant-id") or ""
            if (tenant, order["order_id"]) in seen:
                continue
            seen.add((tenant, order["order_id"]))
            if self._operation(entry) == "createOrder":
                continue
            status, body = self.call(
                "POST",
                "/__admin/orders",
                orjson.dumps(order),
                {"content-type": "application/json", "tenant-id": tenant},
            )
            if status != 201:
                raise RuntimeError(f"seeding {order['order_id']} failed: {status} {body[:300]!r}")
            if entry["request"]["method"] != "GET":
                seeds.add(k)
        return seeds

    def _operation(self, entry: dict[str, Any]) -> str:
        request = entry["request"]
        path = urlsplit(request["url"]).path
        match = self.operations.match(request["method"], path)
        return match.operation_id if match else f"{request['method']} {path}"

    def _replay(self, entry: dict[str, Any], parity: Parity) -> None:
        request = entry["request"]
        url = urlsplit(request["url"])
        target = self.ids.apply(url.path + (f"?{url.query}" if url.query else ""))
        body = self.ids.apply(request.get("postData", {}).get("text", "")).encode()
        headers = {
            h["name"]: h["value"]
            for h in request["headers"]
            if h["name"].lower() not in ("authorization", "x-api-key", "content-length", "host")
        }
        # The recorded secrets are masked: each one sent is replaced by the replay's own.
        if _header(entry, "x-api-key") is not None:
            headers["x-api-key"] = self.api_key
        if _header(entry, "authorization") is not None:
            headers["Authorization"] = f"Bearer {self.token()}"
        status, answer = self.call(request["method"], target, body, headers)
        operation = self._operation(entry)
        parity.replayed += 1
        parity.by_operation[operation] += 1
        recorded = _json(entry["response"]["content"].get("text", ""))
        replayed = _json(answer.decode("utf-8", "replace"))
        self.ids.learn(recorded, replayed)
        found = differences(self.ids.normalise(recorded), replayed)
        if status != entry["response"]["status"]:
            found.insert(0, ("status", entry["response"]["status"], status))
        if not found:
            parity.identical += 1
        parity.differences += [Difference(operation, *difference) for difference in found]


STYLE = (
    "body{font-family:sans-serif}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
)
COLUMNS = ("operation", "exchanges", "field", "differences", "recorded (first)", "sandbox (first)")


def _cells(*cells: Any) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in cells) + "</tr>"


def render_html(report: dict[str, Any]) -> str:
    """The parity report as one self-contained page (no script, no outside resource)."""
    rows = []
    for operation, content in report["operations"].items():
        fields = content["fields"] or {"(identical)": {"count": 0, "recorded": "", "replayed": ""}}
        for name, bucket in fields.items():
            recorded, replayed = (
                orjson.dumps(bucket[side]).decode() for side in ("recorded", "replayed")
            )
            rows.append(
                _cells(operation, content["exchanges"], name, bucket["count"], recorded, replayed)
            )
    counts = report["exchanges"]
    head = "".join(f"<th>{name}</th>" for name in COLUMNS)
    ignored = orjson.dumps(report["ignored"], option=orjson.OPT_INDENT_2).decode()
    return "\n".join(
        [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            f"<title>Parity report</title><style>{STYLE}</style></head><body>",
            f"<h1>Parity of {html.escape(report['target'])} with "
            f"{html.escape(report['recording'])}</h1>",
            f'<p id="summary">{counts["replayed"]} exchanges replayed, {counts["identical"]} '
            f"identical, {counts['seeding']} used for seeding.</p>",
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
            f"<h2>Not compared</h2><pre>{html.escape(ignored)}</pre></body></html>",
        ]
    )


def write_parity(report: dict[str, Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "parity.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (directory / "parity.html").write_text(render_html(report), encoding="utf-8")
