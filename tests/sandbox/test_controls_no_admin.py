"""Every control of docs/controls.md lives under `/__admin/` and is refused with
`--no-admin`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mock_server.config import SandboxConfig

if TYPE_CHECKING:
    from tests.sandbox.conftest import ClientFactory

CONTROLS = [
    ("GET", "/__admin/requests"),
    ("DELETE", "/__admin/requests"),
    ("GET", "/__admin/webhooks"),
    ("GET", "/__admin/webhooks/configurations"),
    ("POST", "/__admin/webhooks/configurations"),
    ("PATCH", "/__admin/webhooks/configurations/WHK-0001"),
    ("DELETE", "/__admin/webhooks/configurations/WHK-0001"),
    ("POST", "/__admin/webhooks/retrigger-failed-events"),
    ("GET", "/__admin/faults"),
    ("POST", "/__admin/faults"),
    ("DELETE", "/__admin/faults"),
    ("GET", "/__admin/state"),
    ("PUT", "/__admin/state"),
]


@pytest.mark.parametrize(("method", "path"), CONTROLS, ids=[f"{m} {p}" for m, p in CONTROLS])
def test_controls_are_refused_without_admin(
    make_client: ClientFactory, method: str, path: str
) -> None:
    client = make_client(SandboxConfig(admin=False))
    response = client.open(method, path, json={})
    assert response.status_code == 404
    assert response.get_json()["error_details"][0]["code"] == "ADMIN_DISABLED"


def test_the_docs_page_stays_without_admin(make_client: ClientFactory) -> None:
    app = make_client(SandboxConfig(admin=False)).app
    assert app.test_client().get("/docs").status_code == 200
