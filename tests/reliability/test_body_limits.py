"""Request bodies past the limit: 413 with an `Error` body (1 MiB by default, `--max-body-bytes`
when given), whether sent with a Content-Length or chunked; the server healthy after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.launcher import Reply, Server
from tests.reliability.cases import MIB, error_body_problems
from tests.reliability.conftest import StartServer

SMALL_LIMIT = 4096
WAITRESS_CAP = 64 * MIB


def _language_body(size: int) -> bytes:
    """`{"language":"aaa…"}` of exactly `size` bytes."""
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
@pytest.mark.parametrize("limit", [None, SMALL_LIMIT], ids=["default 1 MiB", "--max-body-bytes"])
def test_body_limit(start: StartServer, limit: int | None, chunked: bool) -> None:
    """A body of exactly the limit is read (and applied), one byte more is 413, 10 MB too."""
    server = start(*(("--max-body-bytes", str(limit)) if limit else ()))
    size = limit or MIB
    for body_size, status in ((size, 200), (size + 1, 413), (10 * 1000 * 1000, 413)):
        body = _language_body(body_size)
        reply = _patch(server, _chunks(body) if chunked else body)
        assert reply.status == status, (body_size, reply.body[:200])
        if status == 413:
            assert error_body_problems(reply) == []
    assert server.healthy()


def test_body_past_the_wsgi_server_cap(sandbox: Server) -> None:
    """Past waitress's own cap (max(4 x limit, 64 MiB)) waitress answers 413 itself (the body
    never reaches the app), also as an `Error`. The server stays healthy."""
    reply = _patch(sandbox, _language_body(WAITRESS_CAP + 1))
    assert reply.status == 413
    assert error_body_problems(reply) == []
    assert sandbox.healthy()
