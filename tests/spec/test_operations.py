"""Operations, their responses, security and links are what the pages and the brief require."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.spec.spec_tools import deref, operations, parameters

EXPECTED_OPERATION_IDS = frozenset(
    {
        "createOrder",
        "getOrder",
        "updateOrder",
        "updateFulfillmentOrderLocation",
        "updateFulfillmentOrderSchedule",
        "updateFulfillmentOrderPartnerReferences",
        "notifyShipmentStatus",
        "notifyShipmentStatusDeprecated",
    }
)
ERROR_REF = "#/components/schemas/Error"
# (operationId, status) of the responses whose links must reach the operations on an order.
LINK_SOURCES = (("createOrder", "201"), ("getOrder", "200"))
LINKED_PARAMETERS = frozenset({"orderReference", "fulfillmentOrderId"})
# Header name of each required apiKey scheme (every page: "x-api-key" and "tenant-id").
API_KEY_SCHEMES = {"ApiKey": "x-api-key", "TenantId": "tenant-id"}
OAUTH2_SCHEMES = ("OAuth2-Production", "OAuth2-Demo")


def _by_id(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {op["operationId"]: (path, method, op) for path, method, op in operations(spec)}


def _ids(spec: dict[str, Any]) -> list[str]:
    return sorted(op.get("operationId", f"{m} {p}") for p, m, op in operations(spec))


def test_exactly_the_project_operations(spec: dict[str, Any]) -> None:
    """The spec has exactly the operations of the project, each once."""
    ids = _ids(spec)
    assert len(ids) == len(EXPECTED_OPERATION_IDS)
    assert set(ids) == EXPECTED_OPERATION_IDS


@pytest.mark.parametrize("operation_id", sorted(EXPECTED_OPERATION_IDS))
def test_operation_is_documented(spec: dict[str, Any], operation_id: str) -> None:
    """An operation has an ``operationId`` and a non-empty ``description``."""
    _, _, operation = _by_id(spec)[operation_id]
    assert operation["operationId"] == operation_id
    assert str(operation.get("description", "")).strip()


def test_every_operation_has_an_operation_id(spec: dict[str, Any]) -> None:
    """No operation lacks an ``operationId``."""
    missing = [f"{m} {p}" for p, m, op in operations(spec) if not op.get("operationId")]
    assert not missing


@pytest.mark.parametrize("operation_id", sorted(EXPECTED_OPERATION_IDS))
def test_error_responses(spec: dict[str, Any], operation_id: str) -> None:
    """400 always, 404 when the path has path parameters; every 4xx body is the Error schema."""
    path, _, operation = _by_id(spec)[operation_id]
    responses = operation["responses"]
    assert "400" in responses
    templated = set(re.findall(r"\{([^}]+)\}", path))
    declared = {p["name"] for p in parameters(spec, path, operation) if p["in"] == "path"}
    assert templated == declared
    if templated:
        assert "404" in responses
    client_errors = {code: deref(spec, r) for code, r in responses.items() if code.startswith("4")}
    for code, response in client_errors.items():
        content = response.get("content")
        assert content, f"{code} has no body"
        for media_type, body in content.items():
            assert body.get("schema") == {"$ref": ERROR_REF}, f"{code} {media_type}"


def test_security_schemes(spec: dict[str, Any]) -> None:
    """The header schemes name ``x-api-key`` and ``tenant-id``; both OAuth2 schemes exist."""
    schemes = spec["components"]["securitySchemes"]
    for name, header in API_KEY_SCHEMES.items():
        assert schemes[name]["type"] == "apiKey"
        assert schemes[name]["in"] == "header"
        assert schemes[name]["name"] == header
    for name in OAUTH2_SCHEMES:
        assert schemes[name]["type"] == "oauth2"


@pytest.mark.parametrize("operation_id", sorted(EXPECTED_OPERATION_IDS))
def test_operation_requires_api_key_and_tenant(spec: dict[str, Any], operation_id: str) -> None:
    """Every alternative of an operation's effective security requires both header schemes."""
    _, _, operation = _by_id(spec)[operation_id]
    requirements = operation.get("security", spec.get("security", []))
    assert requirements
    for requirement in requirements:
        assert set(API_KEY_SCHEMES) <= set(requirement)


@pytest.mark.parametrize(("source_id", "status"), LINK_SOURCES)
def test_links_reach_every_operation_on_an_order(
    spec: dict[str, Any], source_id: str, status: str
) -> None:
    """Links of the response reach each operation taking ``orderReference``/``fulfillmentOrderId``
    and supply every such parameter it takes."""
    by_id = _by_id(spec)
    _, _, source = by_id[source_id]
    response = deref(spec, source["responses"][status])
    links = [deref(spec, link) for link in response["links"].values()]
    supplied: dict[str, set[str]] = {}
    for link in links:
        assert link["operationId"] in by_id, link
        supplied.setdefault(link["operationId"], set()).update(link.get("parameters", {}))
    for operation_id, (path, _, operation) in by_id.items():
        needed = {p["name"] for p in parameters(spec, path, operation)} & LINKED_PARAMETERS
        if needed:
            assert operation_id in supplied, f"no link to {operation_id}"
            assert needed <= supplied[operation_id], operation_id
