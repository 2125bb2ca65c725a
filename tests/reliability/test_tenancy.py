"""Tenancy and auth with `--api-keys`: a key is bound to its tenant, and nothing of one tenant
(orders, locations) reaches another, in responses, the request journal or the webhook events.
Keys never appear unmasked in the server's logs or in the journal.

The module's fixture seeds a globex order holding secrets (a customer name, a reference) that
acme never sends, runs every probe once, and keeps the answers; the tests check them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.launcher import ACME, GLOBEX, Server, running, secret
from tests.reliability.conftest import tenant_keys

GLX = "/orders/GLX-5001"
GLX_FO = f"{GLX}/fulfillment-orders/FO-5001-A"
WRONG_KEY = secret("wrong")


@dataclass(frozen=True)
class Probe:
    """One request: `key` is `acme`, `globex`, `wrong` or `none`; `status` the expected answer."""

    name: str
    method: str
    path: str
    status: int
    body: Any = None
    tenant: str = ACME
    key: str = "acme"


PROBES: tuple[Probe, ...] = (
    Probe("globex order under acme", "GET", GLX, 404),
    Probe(
        "globex reference under acme",
        "GET",
        "/orders/GLX-WEB-5001?key=partner_order_reference",
        404,
    ),
    Probe("update globex order", "PATCH", GLX, 404, {"language": "ar"}),
    Probe(
        "globex FO location",
        "PATCH",
        f"{GLX_FO}/update-location",
        404,
        {"location_id": "RUH-DC-01"},
    ),
    Probe(
        "globex FO schedule",
        "PATCH",
        f"{GLX_FO}/update-schedule",
        404,
        {"scheduled_from": "2026-12-01T09:00:00Z"},
    ),
    Probe(
        "globex FO references",
        "PATCH",
        f"{GLX_FO}/update-partner-references",
        404,
        {"partner_fulfillment_order_reference": "X"},
    ),
    Probe(
        "globex shipment under acme: no order, empty 200",
        "POST",
        "/orders/shipment-status-update",
        200,
        {
            "references": {"partner_order_reference": "GLX-WEB-5001"},
            "post_shipping_info": {"status": "delivered"},
        },
    ),
    Probe("acme order under globex", "GET", "/orders/ORD-1001", 404, tenant=GLOBEX, key="globex"),
    Probe("acme key for globex", "GET", GLX, 403, tenant=GLOBEX),
    Probe("globex key for acme", "GET", "/orders/ORD-1001", 403, key="globex"),
    Probe("unknown key", "GET", "/orders/ORD-1001", 403, key="wrong"),
    Probe("unknown key for globex", "GET", GLX, 403, tenant=GLOBEX, key="wrong"),
    Probe("no key", "GET", "/orders/ORD-1001", 403, key="none"),
    Probe("no tenant", "GET", "/orders/ORD-1001", 403, tenant=""),
    *(
        Probe(
            f"acme moves an FO to globex's location {location_id}",
            "PATCH",
            "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-location",
            400,
            {"location_id": location_id},
        )
        for location_id in ("GLX-ONLY-01", "GLX-ONLY-CODE")
    ),
    Probe(
        "acme creates globex's ids",
        "POST",
        "/orders",
        200,
        {
            "order_id": "GLX-5001",
            "partner_order_reference": "GLX-WEB-5001",
            "merchant": "ACME_HOME",
        },
    ),
    Probe("acme reads its own GLX-5001", "GET", GLX, 200),
)


@dataclass
class Tenancy:
    """The strict sandbox, the secrets only globex holds, and the answer to every probe."""

    server: Server
    markers: list[str]
    globex_before: bytes
    answers: dict[str, requests.Response]

    @property
    def keys(self) -> list[str]:
        """The secrets of every request: the API keys and the bearer token."""
        return [*self.server.keys.values(), WRONG_KEY, str(self.server.token)]

    def leaks(self, text: str) -> list[str]:
        return [marker for marker in self.markers if marker in text]

    def admin_list(self, path: str) -> requests.Response:
        """`GET /__admin/<path>`; skipped while that endpoint does not exist yet."""
        response = self.server.admin("GET", path)
        if response.status_code == 404 and b'"NOT_FOUND"' in response.content:
            pytest.skip(f"GET /__admin/{path} is not implemented yet")
        assert response.status_code == 200, response.text
        return response


def _seed_globex(server: Server, name: str, reference: str) -> None:
    """A globex order holding the secrets, and a globex update (journaled, with an event)."""
    order = {
        "order_id": "GLX-SECRET-1",
        "partner_order_reference": reference,
        "status": "open",
        "merchant": "ACME_FASHION",
        "customer": {"name": name},
        "line_items": [{"id": "LI-1", "quantity": 1}],
        "fulfillment_orders": [],
    }
    seeded = server.admin("POST", "orders", json=order, headers={"tenant-id": GLOBEX})
    assert seeded.status_code == 201, seeded.text
    location = {
        "merchant": "ACME_FASHION",
        "partner_location_id": "GLX-ONLY-01",
        "location_code": "GLX-ONLY-CODE",
        "name": f"{name} warehouse",
    }
    placed = server.admin("POST", "locations", json=location, headers={"tenant-id": GLOBEX})
    assert placed.status_code == 201, placed.text
    patched = server.call("PATCH", GLX, json={"language": name}, tenant=GLOBEX)
    assert patched.status_code == 200, patched.text


def _send(server: Server, probe: Probe) -> requests.Response:
    key = {"acme": server.keys[ACME], "globex": server.keys[GLOBEX], "wrong": WRONG_KEY}
    headers = {
        "x-api-key": key.get(probe.key, ""),
        "tenant-id": probe.tenant,
        "Authorization": f"Bearer {server.token}",
    }
    return server.session.request(
        probe.method, server.base_url + probe.path, json=probe.body, headers=headers, timeout=60
    )


@pytest.fixture(scope="module")
def tenancy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenancy]:
    name, reference = secret("GLOBEX-CUSTOMER"), secret("GLOBEX-REF")
    with running(log_dir=tmp_path_factory.mktemp("tenancy"), keys=tenant_keys()) as server:
        _seed_globex(server, name, reference)
        before = server.call("GET", GLX, tenant=GLOBEX).content
        answers = {probe.name: _send(server, probe) for probe in PROBES}
        yield Tenancy(server, [name, reference, server.keys[GLOBEX]], before, answers)


@pytest.mark.parametrize("probe", PROBES, ids=lambda probe: probe.name)
def test_probe_status(tenancy: Tenancy, probe: Probe) -> None:
    response = tenancy.answers[probe.name]
    assert response.status_code == probe.status, response.text


def test_globex_order_unchanged_by_acme(tenancy: Tenancy) -> None:
    after = tenancy.server.call("GET", GLX, tenant=GLOBEX)
    assert after.content == tenancy.globex_before
    assert tenancy.answers["globex shipment under acme: no order, empty 200"].content == b""


def test_no_response_carries_another_tenants_data(tenancy: Tenancy) -> None:
    for name, response in tenancy.answers.items():
        seen = response.text + "".join(f"{k}: {v}\n" for k, v in response.headers.items())
        assert tenancy.leaks(seen) == [], name


def test_webhooks_of_a_tenant_hold_only_its_events(tenancy: Tenancy) -> None:
    every = tenancy.admin_list("webhooks").json()["events"]
    assert {event["tenant"] for event in every} == {ACME, GLOBEX}
    mine = tenancy.admin_list(f"webhooks?tenant={ACME}")
    assert {event["tenant"] for event in mine.json()["events"]} == {ACME}
    assert tenancy.leaks(mine.text) == []


def test_journal_of_a_tenant_holds_only_its_requests(tenancy: Tenancy) -> None:
    """Each entry is attributed to the tenant-id it was sent with; acme's entries carry nothing
    of globex."""
    entries = tenancy.admin_list("requests").json()["requests"]
    for entry in entries:
        sent = {name.lower(): value for name, value in entry["headers"].items()}
        assert entry["tenant"] == (sent.get("tenant-id") or None)
    acme = [entry for entry in entries if entry["tenant"] == ACME]
    assert len(acme) >= len([probe for probe in PROBES if probe.tenant == ACME])
    assert tenancy.leaks(repr(acme)) == []


def test_keys_never_appear_in_the_journal(tenancy: Tenancy) -> None:
    text = tenancy.admin_list("requests").text
    assert [key for key in tenancy.keys if key in text] == []


def test_keys_never_appear_in_the_logs(tenancy: Tenancy) -> None:
    """Also after requests that fail auth (a wrong key is a secret too)."""
    logs = tenancy.server.logs()
    assert "Serving on" in logs, logs
    assert [key for key in tenancy.keys if key in logs] == []
