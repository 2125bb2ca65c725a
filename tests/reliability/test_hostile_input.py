"""Hostile input: each answered 4xx with an `Error` body, nothing changed, the server healthy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.reliability.cases import (
    ALLOWED_METHODS,
    HOSTILE_CASES,
    MIB,
    UNKNOWN_METHODS,
    Refused,
    check_refusal,
    error_body_problems,
)
from tests.reliability.conftest import StartServer
from tests.reliability.harness import Reply, Server

SMALL_LIMIT = 4096


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=lambda case: case.name)
def test_hostile_input_is_refused(sandbox: Server, case: Refused) -> None:
    assert check_refusal(sandbox, case) == []


@pytest.mark.parametrize("method", UNKNOWN_METHODS)
@pytest.mark.parametrize("path", list(ALLOWED_METHODS))
def test_unknown_method_is_405_with_allow(sandbox: Server, path: str, method: str) -> None:
    reply = sandbox.raw(method, path, None, sandbox.headers())
    assert reply.status == 405, reply.body
    assert error_body_problems(reply) == []
    allowed = {name.strip() for name in reply.headers.get("allow", "").split(",")}
    assert allowed - {"HEAD", "OPTIONS"} == ALLOWED_METHODS[path]
    assert sandbox.healthy()


def _language_body(size: int) -> bytes:
    """`{"language": "aaa…"}` of exactly `size` bytes."""
    return b'{"language":"' + b"a" * (size - 15) + b'"}'


def _chunks(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _patch(server: Server, body: bytes | Iterator[bytes]) -> Reply:
    """PATCH ORD-1001 with `body` (an iterator is sent chunked, without Content-Length)."""
    response = requests.patch(
        f"{server.base_url}/orders/ORD-1001",
        data=body,
        headers={**server.headers(), "content-type": "application/json"},
        timeout=60,
    )
    headers = {name.lower(): value for name, value in response.headers.items()}
    return Reply(response.status_code, headers, response.content)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_configured_body_limit(start: StartServer, chunked: bool) -> None:
    """`--max-body-bytes N`: a body of N bytes is read, one of N+1 is 413 (sent either way)."""
    server = start("--max-body-bytes", str(SMALL_LIMIT))
    for size, status in ((SMALL_LIMIT, 200), (SMALL_LIMIT + 1, 413), (10 * MIB, 413)):
        body = _language_body(size)
        reply = _patch(server, _chunks(body) if chunked else body)
        assert reply.status == status, (size, reply.body[:200])
        if status == 413:
            assert error_body_problems(reply) == []
    assert server.healthy()


def test_default_body_limit_is_one_mib(sandbox: Server) -> None:
    """1 MiB is read (and refused only for its content), 1 MiB + 1 byte is 413; also chunked."""
    assert _patch(sandbox, _language_body(MIB)).status == 200
    for body in (_language_body(MIB + 1), _chunks(_language_body(10 * MIB))):
        reply = _patch(sandbox, body)
        assert reply.status == 413
        assert error_body_problems(reply) == []
    sandbox.reset()


def test_body_past_the_wsgi_server_cap(sandbox: Server) -> None:
    """Past waitress's own cap (64 MiB) waitress itself answers 413 (text/plain: it never
    reaches the app); the server stays healthy."""
    reply = _patch(sandbox, _language_body(65 * MIB))
    assert reply.status == 413
    assert sandbox.healthy()
