"""Operations, their responses, security and links are what the pages and the brief require."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.spec.spec_tools import deref, operations, parameters

TOKEN_OPERATION = "getAccessToken"
EXPECTED_OPERATION_IDS = frozenset(
    {
        TOKEN_OPERATION,
        "createOrder",
        "getOrder",
        "updateOrder",
        "updateFulfillmentOrderLocation",
        "updateFulfillmentOrderSchedule",
        "updateFulfillmentOrderPartnerReferences",
        "notifyShipmentStatus",
        "notifyShipmentStatusDeprecated",
        "updateFulfillmentOrder",
        "cancelOrder",
        "redactOrder",
        "listOrderChangeLogs",
        "addOrderSystemLog",
        "getOrderSystemLogDetailUrl",
        "mergeFulfillmentOrders",
        "fulfillFulfillmentOrder",
        "shipFulfillmentOrder",
        "unfulfillFulfillmentOrder",
        "splitFulfillmentOrder",
        "cancelFulfillmentOrderLineItems",
        "updateFulfillmentOrderDeliveryMethod",
        "updateFulfillmentOrderAddress",
        # The Inventory API (issue 26).
        "getInventoryByProductId",
        "bulkImportInventoryEvents",
        "getInventoryEventsByRequestId",
        "getInventoryEventsByProductId",
    }
)
ERROR_REF = "#/components/schemas/Error"
TOKEN_ERROR_REF = "#/components/schemas/TokenError"
"""The token endpoint's own error body (published: `{error, error_description}`)."""
ORDERS_OPERATION_IDS = EXPECTED_OPERATION_IDS - {TOKEN_OPERATION}
# (operationId, status) of the responses whose links must reach the operations on an order.
LINK_SOURCES = (("createOrder", "200"), ("getOrder", "200"))
LINKED_PARAMETERS = frozenset({"orderReference", "fulfillmentOrderId"})
# Header name of each required apiKey scheme (every page: "x-api-key" and "tenant-id").
API_KEY_SCHEMES = {"ApiKey": "x-api-key", "TenantId": "tenant-id"}
OAUTH2_SCHEMES = ("OAuth2-Production", "OAuth2-Demo")
"""The names every page gives; `OAuth2` is the published token URL on the server called."""
TOKEN_URLS = {
    "OAuth2": "/oauth/token",
    "OAuth2-Production": "https://api.carriyo.com/oauth/token",
    "OAuth2-Demo": "https://demo-api.carriyo.com/oauth/token",
}


def _by_id(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {op["operationId"]: (path, method, op) for path, method, op in operations(spec)}


def _ids(spec: dict[str, Any]) -> list[str]:
    return sorted(op.get("operationId", f"{m} {p}") for p, m, op in operations(spec))


def test_exactly_the_operations_of_the_project(spec: dict[str, Any]) -> None:
    """The spec has exactly the operations of the project (the token endpoint and the seven on
    orders), each once."""
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
    """400 always, 404 when the path has path parameters; every 4xx body is the Error schema
    (the token endpoint's: TokenError)."""
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
            expected = TOKEN_ERROR_REF if operation_id == TOKEN_OPERATION else ERROR_REF
            assert body.get("schema") == {"$ref": expected}, f"{code} {media_type}"


def test_security_schemes(spec: dict[str, Any]) -> None:
    """The header schemes name ``x-api-key`` and ``tenant-id``; the OAuth2 schemes (the pages'
    two names and the server's own) are client-credentials flows with the published token URL."""
    schemes = spec["components"]["securitySchemes"]
    for name, header in API_KEY_SCHEMES.items():
        assert schemes[name]["type"] == "apiKey"
        assert schemes[name]["in"] == "header"
        assert schemes[name]["name"] == header
    assert set(OAUTH2_SCHEMES) < set(TOKEN_URLS)
    for name, url in TOKEN_URLS.items():
        assert schemes[name]["type"] == "oauth2"
        assert schemes[name]["flows"]["clientCredentials"]["tokenUrl"] == url


@pytest.mark.parametrize("operation_id", sorted(ORDERS_OPERATION_IDS))
def test_operation_requires_api_key_tenant_and_token(
    spec: dict[str, Any], operation_id: str
) -> None:
    """Every alternative of an operation's effective security requires both header schemes and
    a bearer token (published: the three go together); together they offer every OAuth2 scheme."""
    _, _, operation = _by_id(spec)[operation_id]
    requirements = operation.get("security", spec.get("security", []))
    assert requirements
    for requirement in requirements:
        assert set(API_KEY_SCHEMES) <= set(requirement)
        assert len(set(requirement) & set(TOKEN_URLS)) == 1, requirement
    assert {name for r in requirements for name in r if name in TOKEN_URLS} == set(TOKEN_URLS)


def test_the_token_endpoint_needs_no_credentials(spec: dict[str, Any]) -> None:
    """`POST /oauth/token` is how credentials are obtained: its security is empty."""
    path, method, operation = _by_id(spec)[TOKEN_OPERATION]
    assert (path, method) == ("/oauth/token", "post")
    assert operation["security"] == []


def test_a_system_log_links_to_its_detail_url(spec: dict[str, Any]) -> None:
    """The answer of addOrderSystemLog supplies every path parameter of the detail URL's."""
    _, _, source = _by_id(spec)["addOrderSystemLog"]
    links = [deref(spec, link) for link in source["responses"]["200"]["links"].values()]
    assert [(link["operationId"], set(link["parameters"])) for link in links] == [
        ("getOrderSystemLogDetailUrl", {"orderReference", "query.key", "identifier"})
    ]


@pytest.mark.parametrize(("source_id", "status"), LINK_SOURCES)
def test_links_reach_every_operation_on_an_order(
    spec: dict[str, Any], source_id: str, status: str
) -> None:
    """Links of the response reach each operation taking ``orderReference``/``fulfillmentOrderId``
    and supply every such parameter it takes; one taking an id only another operation answers (a
    system log's ``identifier``) is reached from that operation's answer instead."""
    by_id = _by_id(spec)
    _, _, source = by_id[source_id]
    response = deref(spec, source["responses"][status])
    links = [deref(spec, link) for link in response["links"].values()]
    supplied: dict[str, set[str]] = {}
    for link in links:
        assert link["operationId"] in by_id, link
        supplied.setdefault(link["operationId"], set()).update(link.get("parameters", {}))
    for operation_id, (path, _, operation) in by_id.items():
        names = {p["name"] for p in parameters(spec, path, operation) if p["in"] == "path"}
        needed = names & LINKED_PARAMETERS
        if needed and names <= LINKED_PARAMETERS:
            assert operation_id in supplied, f"no link to {operation_id}"
            assert needed <= supplied[operation_id], operation_id
