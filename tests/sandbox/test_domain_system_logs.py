"""The system log rules as pure functions (mock_server/domain/system_logs.py)."""

from __future__ import annotations

import base64

import orjson
import pytest

from mock_server.domain import InvalidRequest, detail_url, system_log_entry

ORDER = {"order_id": "ORD-1", "partner_order_reference": "REF-1"}


def test_the_entry_is_the_body_with_the_order_and_caller_set() -> None:
    """entity_id is the resolved order's id whatever was sent (published); tenant the caller's
    (ours); the identifier and order_id added; the body itself untouched."""
    body = {"entity_id": "x", "tenant": "y", "event_type": "INTERNAL", "response_code": 500}
    entry = system_log_entry(ORDER, body, tenant="acme", identifier="SYSLOG-1")
    assert entry == {
        "entity_id": "ORD-1",
        "tenant": "acme",
        "event_type": "INTERNAL",
        "response_code": 500,
        "order_id": "ORD-1",
        "identifier": "SYSLOG-1",
    }
    assert body["entity_id"] == "x"


def test_the_detail_url_holds_the_entry() -> None:
    entry = {"identifier": "x", "request_body": "é"}
    url = detail_url(entry, "x")
    media, _, payload = url.partition(",")
    assert media == "data:application/json;base64"
    assert orjson.loads(base64.b64decode(payload)) == entry


def test_no_entry_is_a_400_naming_the_identifier() -> None:
    with pytest.raises(InvalidRequest) as refused:
        detail_url(None, "SYSLOG-NONE")
    assert (refused.value.code, refused.value.field) == ("SYSTEM_LOG_NOT_FOUND", "identifier")
