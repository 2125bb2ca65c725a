"""What every successful change does (docs/behaviour.md: common to every operation): `update_date`
set, statuses re-derived (domain `status.py`), one event recorded, a new `ETag`; `If-Match` with the
current version is accepted (page 002's 409 covers stale ones, see test_http_validation.py);
concurrent writes to one order are serialized and lose nothing.

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from tests.sandbox.client import CheckedClient
    from tests.sandbox.operations import Operation


def test_every_change_stamps_derives_records_and_versions(
    client: CheckedClient, change_operation: Operation
) -> None:
    """docs/behaviour.md: update_date, statuses, event, ETag — for every update operation."""
    before = client.order(change_operation.order)
    response = change_operation.send(client)
    client.assert_changed(response, before, str(change_operation.event))


def test_every_change_by_partner_reference_behaves_the_same(
    client: CheckedClient, change_operation: Operation
) -> None:
    """Pages 000-003: the same change addressed with `key=partner_order_reference`."""
    before = client.order(change_operation.order)
    response = change_operation.send(
        client, order=change_operation.reference, query_string={"key": "partner_order_reference"}
    )
    client.assert_changed(response, before, str(change_operation.event))


def test_successive_changes_get_successive_versions(client: CheckedClient) -> None:
    """Each change gets a new ETag and a later update_date; a read changes neither."""
    seen = [client.order("ORD-1001")]
    for language in ("ar", "fr", "en"):
        response = client.patch("/orders/ORD-1001", json={"language": language})
        seen.append(client.order("ORD-1001"))
        assert seen[-1] == client.order("ORD-1001")
        assert response.headers["ETag"] == seen[-1][1]
    assert len({etag for _, etag in seen}) == len(seen)
    dates = [order["update_date"] for order, _ in seen]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)


def current_version(client: CheckedClient, form: str, order_id: str) -> str:
    """An `If-Match` value naming the order's current version in one of the accepted forms."""
    order, etag = client.order(order_id)
    return {
        "etag": etag,
        "weak-etag": f"W/{etag}",
        "etag-in-a-list": f'"stale", {etag}',
        "update-date": order["update_date"],
        "quoted-update-date": f'"{order["update_date"]}"',
        "star": "*",
    }[form]


@pytest.mark.parametrize(
    "form", ["etag", "weak-etag", "etag-in-a-list", "update-date", "quoted-update-date", "star"]
)
def test_if_match_with_the_current_version_is_applied(
    client: CheckedClient, change_operation: Operation, form: str
) -> None:
    """`If-Match` with the current ETag (RFC 9110 forms) or the current `update_date`: 200."""
    before = client.order(change_operation.order)
    version = current_version(client, form, change_operation.order)
    response = change_operation.send(client, headers={"If-Match": version})
    client.assert_changed(response, before, str(change_operation.event))


def run_concurrently(count: int, request: Any) -> list[TestResponse]:
    """Call `request(i)` for i in range(count) from `count` threads started together."""
    barrier = threading.Barrier(count)
    responses: list[Any] = [None] * count

    def work(i: int) -> None:
        barrier.wait()
        responses[i] = request(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def test_concurrent_writes_with_one_version_let_exactly_one_through(
    client: CheckedClient,
) -> None:
    """docs/behaviour.md (ours): writes to an order are serialized; of N writers holding the same
    ETag, one wins and the others get page 002's 409."""
    _, etag = client.order("ORD-1001")
    responses = run_concurrently(
        8,
        lambda i: client.patch(
            "/orders/ORD-1001", json={"language": f"l{i}"}, headers={"If-Match": etag}
        ),
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * 7
    (winner,) = [r for r in responses if r.status_code == 200]
    assert client.order("ORD-1001") == (winner.get_json(), winner.headers["ETag"])


CONCURRENT_FIELDS: dict[str, Any] = {
    "language": "ar",
    "sales_channel": "app",
    "taxes_included": False,
    "duties_included": True,
    "order_date": "2030-01-01T00:00:00Z",
    "payment": {"payment_mode": "prepaid", "currency": "AED"},
    "discount_applications": [],
    "shipping_lines": [{"code": "EXPRESS", "price": 25}],
}


def test_concurrent_writes_of_different_fields_lose_nothing(client: CheckedClient) -> None:
    """docs/behaviour.md (ours): concurrent writes to one order never lose an update."""
    fields = list(CONCURRENT_FIELDS.items())
    responses = run_concurrently(
        len(fields), lambda i: client.patch("/orders/ORD-1001", json=dict([fields[i]]))
    )
    assert [response.status_code for response in responses] == [200] * len(fields)
    order, _ = client.order("ORD-1001")
    assert {name: order[name] for name in CONCURRENT_FIELDS} == CONCURRENT_FIELDS
    assert len([e for e in client.events() if e["order_id"] == "ORD-1001"]) == len(fields)
