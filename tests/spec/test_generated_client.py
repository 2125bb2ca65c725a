"""A client generated from the spec works (issue 22): openapi-python-client, the version pinned in
the `[dev]` extra, generates one from `openapi.yaml` with no warning, and that client creates,
reads (by both keys), updates and fulfils an order against a running sandbox, answering the
spec's models. It fails when a schema is written in a form generators collapse or drop (a lone
`allOf` beside properties, an inline object reused, a top-level `anyOf` of `required` lists).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from mock_server.run.testing import RunningSandbox
from tests.spec.spec_tools import object_properties, required_properties

BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"
GENERATE_TIMEOUT_SECONDS = 300
PROBLEMS = ("warning", "unable to process", "will not be generated", "could not", "error")
"""What openapi-python-client prints about a schema or an operation it skipped or changed."""


class GeneratedClient:
    """The generated package, imported: its API modules and models by name."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.models = importlib.import_module(f"{package}.models")
        self.client_module = importlib.import_module(f"{package}.client")

    def operation(self, tag: str, name: str) -> Any:
        """The module of one operation (`sync`, `sync_detailed`, ...)."""
        return importlib.import_module(f"{self.package}.api.{tag}.{name}")


@pytest.fixture(scope="module")
def generated(
    spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GeneratedClient]:
    """The client generated into a temporary folder under a package name of its own (so that no
    other import can shadow it), imported; its modules are dropped afterwards."""
    package = f"carriyo_client_{uuid.uuid4().hex[:12]}"
    root = tmp_path_factory.mktemp("generated-client")
    config = root / "config.yaml"
    config.write_text(f"package_name_override: {package}\n", encoding="utf-8")
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec_path),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(root / package),
        ],
        capture_output=True,
        text=True,
        timeout=GENERATE_TIMEOUT_SECONDS,
        check=False,
        # Its post-hooks run `ruff` (the venv's) over the generated code.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not [word for word in PROBLEMS if word in output.lower()], output
    sys.path.insert(0, str(root))
    try:
        yield GeneratedClient(package)
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == package]:
            del sys.modules[name]


@pytest.fixture
def client(generated: GeneratedClient, sandbox: RunningSandbox) -> Any:
    """The generated `AuthenticatedClient` for the sandbox's first tenant, with a token the
    generated token operation fetched (no proxy: it is on loopback)."""
    options = {"raise_on_unexpected_status": True, "httpx_args": {"trust_env": False}}
    plain = generated.client_module.Client(base_url=sandbox.base_url, **options)
    issued = generated.operation("authentication", "get_access_token").sync(
        client=plain,
        body=generated.models.TokenRequest(client_id="generated", client_secret="secret"),
    )
    assert isinstance(issued, generated.models.TokenResponse)
    headers = {"x-api-key": sandbox.headers["x-api-key"], "tenant-id": sandbox.tenant}
    return generated.client_module.AuthenticatedClient(
        base_url=sandbox.base_url, token=issued.access_token, headers=headers, **options
    )


def test_the_order_model_has_every_documented_field(generated: GeneratedClient, spec: Any) -> None:
    """`Order` is a model of its own (not its base `OrderFields`) with every property of the
    schema as an attribute, the required ones without a default."""
    order = {"$ref": "#/components/schemas/Order"}
    attributes = attrs.fields_dict(generated.models.Order)
    assert set(attributes) == object_properties(spec, order) | {"additional_properties"}
    required = {name for name, field in attributes.items() if field.default is attrs.NOTHING}
    assert required == required_properties(spec, order)
    assert required >= {"order_id", "status", "line_items", "fulfillment_orders"}


def test_create_read_update_and_fulfil(generated: GeneratedClient, client: Any) -> None:
    """The getting-started page's first requests through the generated client, each answering an
    `Order`."""
    models = generated.models
    reference = f"GEN-{uuid.uuid4().hex[:10].upper()}"
    fo_id = f"FO-{reference}"
    created = generated.operation("orders", "create_order").sync(
        client=client,
        body=models.CreateOrderRequest(
            merchant="ACME_FASHION",
            partner_order_reference=reference,
            line_items=[models.LineItem(id="item-1", sku="TSHIRT-M", quantity=2)],
            fulfillment_orders=[
                models.FulfillmentOrderInput(
                    fulfillment_order_id=fo_id,
                    line_items=[models.FulfillmentOrderLineItemInput(id="item-1", quantity=2)],
                )
            ],
        ),
    )
    assert isinstance(created, models.Order)
    assert created.order_id and created.status == models.OrderStatus.OPEN
    assert [fo.fulfillment_order_id for fo in created.fulfillment_orders] == [fo_id]

    get_order = generated.operation("orders", "get_order")
    by_id = get_order.sync(created.order_id, client=client)
    by_reference = get_order.sync(
        reference, client=client, key=models.GetOrderKey.PARTNER_ORDER_REFERENCE
    )
    assert isinstance(by_id, models.Order) and isinstance(by_reference, models.Order)
    assert by_id.order_id == by_reference.order_id == created.order_id
    assert by_reference.partner_order_reference == reference

    updated = generated.operation("orders", "update_order").sync(
        created.order_id, client=client, body=models.UpdateOrderRequest(language="ar")
    )
    assert isinstance(updated, models.Order) and updated.language == "ar"

    fulfilled = generated.operation("fulfillment_orders", "fulfill_fulfillment_order").sync(
        created.order_id,
        fo_id,
        client=client,
        body=models.FulfillRequest(
            line_items=[models.FulfillmentOrderLineItemInput(id="item-1", quantity=1)],
            partner_fulfillment_reference=f"FUL-{reference}",
        ),
        create_draft_shipment=True,
    )
    assert isinstance(fulfilled, models.Order)
    lines = fulfilled.fulfillment_orders[0].line_items
    done = [line for line in lines if line.status == models.LineItemStatus.FULFILLED]
    assert [(line.id, line.quantity) for line in done] == [("item-1", 1)]
    assert done[0].fulfillment_id and done[0].partner_fulfillment_reference == f"FUL-{reference}"
    assert sum(line.quantity for line in lines) == 2  # the remainder stays pending
    assert fulfilled.status == models.OrderStatus.PROCESSING
