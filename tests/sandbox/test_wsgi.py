"""Reading the request body once (`wsgi.keep_body` / `wsgi.take_body`) and the request path."""

from __future__ import annotations

import io
from typing import Any

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from mock_server.http import wsgi
from mock_server.http.wsgi import BODY_KEY, keep_body, media_type, request_path, take_body


def environ(body: bytes, length: int | None = None, **extra: Any) -> dict[str, Any]:
    env: dict[str, Any] = {"wsgi.input": io.BytesIO(body), **extra}
    if length is not None:
        env["CONTENT_LENGTH"] = str(length)
    return env


def test_a_kept_body_is_handed_over_once() -> None:
    env = environ(b'{"a": 1}', 8)
    assert keep_body(env, 100) == b'{"a": 1}'
    assert take_body(env, 100) == b'{"a": 1}'
    assert BODY_KEY not in env  # no longer held by the environ once taken


def test_take_reads_the_stream_when_nothing_was_kept() -> None:
    env = environ(b"0123456789", 4)
    assert take_body(env, 100) == b"0123"
    assert BODY_KEY not in env


def test_over_the_limit_by_content_length_is_413_and_read_away() -> None:
    """Not kept, but read to its end: a server that streams the body (granian) would otherwise
    close the connection on a client still sending it, before it reads the 413."""
    env = environ(b"x" * 20, 20)
    with pytest.raises(RequestEntityTooLarge):
        take_body(env, 10)
    assert env["wsgi.input"].tell() == 20
    assert BODY_KEY not in env


def test_a_body_found_too_large_stays_413_at_the_next_take() -> None:
    """The journal reads the body first; the view's take must be refused too, not see an
    empty stream (a chunked body has no Content-Length to tell again)."""
    env = environ(b"x" * 20, None, **{"wsgi.input_terminated": True})
    for _ in range(2):
        with pytest.raises(RequestEntityTooLarge):
            take_body(env, 10)


def test_discarding_stops_at_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wsgi, "DISCARD_BYTES", 8)
    env = environ(b"x" * 40, 40)
    with pytest.raises(RequestEntityTooLarge):
        take_body(env, 4)
    assert env["wsgi.input"].tell() == 8


@pytest.mark.parametrize(("limit", "expected"), [(None, b"x" * 20), (20, b"x" * 20)])
def test_a_terminated_stream_without_length_is_read_to_its_end(
    limit: int | None, expected: bytes
) -> None:
    assert take_body(environ(b"x" * 20, **{"wsgi.input_terminated": True}), limit) == expected


def test_a_terminated_stream_longer_than_the_limit_is_413() -> None:
    with pytest.raises(RequestEntityTooLarge):
        take_body(environ(b"x" * 20, **{"wsgi.input_terminated": True}), 19)


def test_no_length_and_no_terminated_stream_is_an_empty_body() -> None:
    assert take_body(environ(b"ignored"), 100) == b""


def test_media_type_drops_parameters_and_case() -> None:
    assert media_type({"CONTENT_TYPE": "Application/JSON; charset=utf-8"}) == "application/json"
    assert media_type({}) == ""


def test_request_path_is_decoded_utf_8_with_one_leading_slash() -> None:
    raw = "/orders/طلب".encode().decode("latin-1")  # as PEP 3333 servers pass it
    assert request_path({"PATH_INFO": raw}) == "/orders/طلب"
    assert request_path({"PATH_INFO": "//orders"}) == "/orders"
    assert request_path({}) == "/"
