"""The inventory's `/__admin/` routes (openapi-admin.yaml): products and the tenant's inventory
management setting seeded, and the import queue drained (what a test calls to wait for the
asynchronous processing deterministically)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Blueprint, Response, request

from ..http.rendering import json_response
from ..http.spec import ADMIN_DOCUMENT
from ..http.validation import validate_body

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def add_inventory_routes(bp: Blueprint, sandbox: Sandbox, tenant_header: Callable[[], str]) -> None:
    """Add the inventory routes to the admin blueprint `bp` (behind its guard)."""
    spec = sandbox.spec
    product_schema = spec.validator("#/components/schemas/Product", document=ADMIN_DOCUMENT)
    settings_schema = spec.validator(
        "#/components/schemas/InventorySettings", document=ADMIN_DOCUMENT
    )

    @bp.post("/products")
    def products() -> Response:
        tenant = tenant_header()
        product = validate_body(product_schema, request)
        sandbox.store.put_product(tenant, product)
        return json_response(product, 201)

    @bp.put("/inventory/settings")
    def inventory_settings() -> Response:
        tenant = tenant_header()
        settings = validate_body(settings_schema, request)
        sandbox.store.put_inventory_settings(tenant, settings)
        return json_response(settings, 200)

    @bp.post("/inventory/drain")
    def drain() -> Response:
        return json_response({"processed": len(sandbox.service.inventory.drain())}, 200)
