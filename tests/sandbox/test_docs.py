"""The docs page (docs/running.md, "API reference page"): `/docs` (Swagger UI from an installed
package, nothing from outside loopback), `/openapi.yaml` and `/openapi.json`; and the page as
headless Chromium renders it, listing every operation of the spec."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.http.spec import SPEC_PATH
from mock_server.run.server import BackgroundServer
from tests.spec.test_operations import EXPECTED_OPERATION_IDS

INSTALL_CHROMIUM = "apt-get install -y chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=10000",
    "--dump-dom",
)
SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
OPERATIONS = [
    (op["operationId"], op["summary"])
    for item in SPEC["paths"].values()
    for method, op in item.items()
    if method != "parameters"
]


@pytest.fixture(scope="module")
def app_client() -> FlaskClient:
    return create_app().test_client()


def test_the_page_lists_every_operation_of_the_spec() -> None:
    assert sorted(operation_id for operation_id, _ in OPERATIONS) == sorted(EXPECTED_OPERATION_IDS)


def test_docs_page_loads_only_local_assets(app_client: FlaskClient) -> None:
    page = app_client.get("/docs")
    assert (page.status_code, page.mimetype) == (200, "text/html")
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/docs/assets/"), asset
        response = app_client.get(asset)
        assert response.status_code == 200, asset
    assert '"/openapi.json"' in html


def test_the_spec_is_served_as_yaml_and_json(app_client: FlaskClient) -> None:
    as_yaml = app_client.get("/openapi.yaml")
    assert as_yaml.status_code == 200
    assert as_yaml.data == SPEC_PATH.read_bytes()
    as_json = app_client.get("/openapi.json", base_url="http://127.0.0.1:9000")
    assert (as_json.status_code, as_json.mimetype) == (200, "application/json")
    served = as_json.get_json()
    assert served["servers"][0]["url"] == "http://127.0.0.1:9000"  # "Try it out" calls this one
    assert served["servers"][1:] == SPEC["servers"][1:]
    assert {**served, "servers": SPEC["servers"]} == SPEC


def test_the_spec_description_points_at_what_a_user_has() -> None:
    """The page's text sends a reader to files of this repository, not to the team's notes."""
    description = SPEC["info"]["description"]
    assert "docs/api-pages/" in description and "docs/behaviour.md" in description
    assert "shared/" not in description


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    server = BackgroundServer(create_app()).start()
    yield server.url
    server.stop()


def test_chromium_renders_every_operation(served: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(f"chromium is not installed (Debian: {INSTALL_CHROMIUM})")
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", f"{served}/docs"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    dom = result.stdout
    assert "opblock" in dom, (result.returncode, result.stderr[-2000:])
    for operation_id, summary in OPERATIONS:
        assert operation_id in dom, operation_id
        assert summary in dom, summary
