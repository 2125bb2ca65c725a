"""Reading the request body once (`wsgi.keep_body` / `wsgi.take_body`) and the request path."""

from __future__ import annotations

import io
from typing import Any

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from mock_server.wsgi import BODY_KEY, keep_body, media_type, request_path, take_body


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


def test_over_the_limit_by_content_length_is_413_unread() -> None:
    env = environ(b"x" * 20, 20)
    with pytest.raises(RequestEntityTooLarge):
        take_body(env, 10)
    assert env["wsgi.input"].tell() == 0


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
