"""The proxy forwards every request unchanged and returns the answer unchanged; it records each
exchange as HAR 1.2 with secrets masked; an upstream that gives no answer is a 502 or 504 with
the published error body, and the proxy keeps serving."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import requests

from mock_server.proxy.har import read_har
from tests.proxy.conftest import AUTH, ProxyFactory

ERROR_KEYS = {"status", "timestamp", "errors", "error_details"}


def test_answers_come_back_as_the_upstream_gave_them(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session
) -> None:
    proxy, _ = start_proxy(upstream)
    for method, path, body in [
        ("GET", "/orders/ORD-1001", None),
        ("GET", "/orders/SHOP-1002?key=partner_order_reference", None),
        ("GET", "/orders/NOPE", None),
        ("PATCH", "/orders/ORD-1001", {"language": 5}),
    ]:
        direct = session.request(method, upstream + path, json=body, headers=AUTH, timeout=30)
        through = session.request(method, proxy + path, json=body, headers=AUTH, timeout=30)
        assert through.status_code == direct.status_code
        if direct.headers["content-type"].startswith("application/json"):
            mine, theirs = direct.json(), through.json()
            mine.pop("timestamp", None), theirs.pop("timestamp", None)
            assert theirs == mine
        assert through.headers.get("ETag") == direct.headers.get("ETag")


def test_a_write_reaches_the_upstream_once(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session
) -> None:
    proxy, _ = start_proxy(upstream)
    changed = session.patch(f"{proxy}/orders/ORD-1001", json={"language": "ar"}, headers=AUTH)
    assert changed.status_code == 200 and changed.json()["language"] == "ar"
    assert session.get(f"{upstream}/orders/ORD-1001", headers=AUTH).json()["language"] == "ar"
    log = session.get(f"{upstream}/orders/ORD-1001/change-logs", headers=AUTH).json()
    assert [entry["operation"] for entry in log] == ["updateOrder"]


def test_the_recording_is_har_with_secrets_masked(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session, tmp_path: Path
) -> None:
    proxy, _ = start_proxy(upstream)
    issued = session.post(
        f"{proxy}/oauth/token", json={"client_id": "ci", "client_secret": "very-secret-1"}
    ).json()["access_token"]
    session.get(f"{proxy}/orders/ORD-1001", headers={**AUTH, "Authorization": f"Bearer {issued}"})
    document = orjson.loads((tmp_path / "traffic.har").read_bytes())
    assert document["log"]["version"] == "1.2"
    token, read = read_har(tmp_path / "traffic.har")
    raw = (tmp_path / "traffic.har").read_text()
    for secret in ("very-secret-1", "secret-key-123", issued):
        assert secret not in raw
    assert orjson.loads(token["request"]["postData"]["text"])["client_secret"] == "ve***"
    assert "***" in orjson.loads(token["response"]["content"]["text"])["access_token"]
    assert read["request"]["url"] == f"{upstream}/orders/ORD-1001"
    assert read["response"]["status"] == 200
    assert orjson.loads(read["response"]["content"]["text"])["order_id"] == "ORD-1001"
    headers = {h["name"].lower(): h["value"] for h in read["request"]["headers"]}
    assert headers["x-api-key"] == "se***" and headers["tenant-id"] == "acme-demo"


def test_a_recording_is_continued_and_whole_after_every_entry(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session, tmp_path: Path
) -> None:
    proxy, _ = start_proxy(upstream)
    for k in range(3):
        session.get(f"{proxy}/orders/ORD-100{k + 1}", headers=AUTH)
        assert len(read_har(tmp_path / "traffic.har")) == k + 2  # after the session's token
    again, _ = start_proxy(upstream)  # a second proxy on the same file continues it
    session.get(f"{again}/orders/ORD-1004", headers=AUTH)
    entries = read_har(tmp_path / "traffic.har")
    assert [
        e["request"]["url"].rsplit("/", 1)[1] for e in entries if "orders" in e["request"]["url"]
    ] == [
        "ORD-1001",
        "ORD-1002",
        "ORD-1003",
        "ORD-1004",
    ]


# ------------------------------------------------------------------ upstream faults
def _listener() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


@pytest.fixture
def silent_upstream() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = _listener()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def dropping_upstream() -> Iterator[str]:
    """Reads a request, then closes the connection without a word."""
    sock = _listener()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = sock.accept()
            except OSError:
                return
            client.recv(65536)
            client.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    sock.close()


def free_port_url() -> str:
    sock = _listener()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    return url


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("refused", 502, "UPSTREAM_REFUSED"),
        ("dropped", 502, "UPSTREAM_DROPPED"),
        ("silent", 504, "UPSTREAM_TIMEOUT"),
    ],
)
def test_an_upstream_without_an_answer_is_a_502_or_504(
    kind: str,
    status: int,
    code: str,
    start_proxy: ProxyFactory,
    session: requests.Session,
    request: pytest.FixtureRequest,
) -> None:
    url = {
        "refused": free_port_url,
        "dropped": lambda: request.getfixturevalue("dropping_upstream"),
        "silent": lambda: request.getfixturevalue("silent_upstream"),
    }[kind]()
    proxy, _ = start_proxy(url, timeout=0.5)
    for _ in range(2):  # and it keeps serving
        answer = session.get(f"{proxy}/orders/ORD-1001", headers=AUTH, timeout=30)
        assert answer.status_code == status
        body = answer.json()
        assert set(body) == ERROR_KEYS and body["status"] == str(status)
        assert body["error_details"][0]["code"] == code
