"""The pages' request and response samples validate against the spec's documented view (what the
pages say; the sandbox's own stricter limits, such as a request quantity of at least 1, are not
theirs)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from contract_tests.oracle.documented import documented_view
from tests.spec import pages
from tests.spec.spec_tools import deref

SPEC_URI = "urn:carriyo:orders:openapi"
# (page, which sample, component schema it must validate against); every sample of every page.
SAMPLE_SCHEMAS = (
    ("000", "request", "UpdatePartnerReferencesRequest"),
    ("000", "response", "Order"),
    ("001", "request", "UpdateLocationRequest"),
    ("001", "response", "Order"),
    ("002", "request", "UpdateOrderRequest"),
    ("002", "response", "Order"),
    ("003", "request", "UpdateScheduleRequest"),
    ("003", "response", "Order"),
    ("004", "request", "Shipment"),
    ("004", "response", "Order"),
)
WORKED_EXAMPLES = 3
# The pages that show their endpoint (``patch/orders/...``) above the samples.
PAGES_WITH_ENDPOINT = ("000", "001", "003")


@pytest.fixture(scope="module")
def registry(spec: dict[str, Any]) -> Registry:
    """A registry holding the spec's documented view as one Draft 2020-12 resource."""
    resource = Resource.from_contents(documented_view(spec), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def _errors(registry: Registry, schema_name: str, instance: Any) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    try:
        errors = sorted(validator.iter_errors(instance), key=lambda error: error.json_path)
    except Unresolvable as error:  # its str() embeds the whole spec
        return [f"unresolvable reference {error.ref!r}"]
    return [f"{error.json_path}: {error.message}" for error in errors]


def test_every_sample_is_covered() -> None:
    """The table covers a request and a response sample of each of the five pages."""
    assert {(page, kind) for page, kind, _ in SAMPLE_SCHEMAS} == {
        (page, kind) for page in pages.PAGE_IDS for kind in ("request", "response")
    }


@pytest.mark.parametrize(
    ("page_id", "kind", "schema_name"),
    [row for row in SAMPLE_SCHEMAS if row[0] in PAGES_WITH_ENDPOINT],
)
def test_sample_schema_is_the_endpoint_schema(
    spec: dict[str, Any], page_id: str, kind: str, schema_name: str
) -> None:
    """Where a page shows its endpoint, the table names that operation's body schema."""
    shown = pages.endpoint(page_id)
    assert shown is not None
    method, path = shown
    operation = spec["paths"][path][method]
    body = operation["requestBody"] if kind == "request" else operation["responses"]["200"]
    schema = deref(spec, body)["content"]["application/json"]["schema"]
    assert schema == {"$ref": f"#/components/schemas/{schema_name}"}


@pytest.mark.parametrize(("page_id", "kind", "schema_name"), SAMPLE_SCHEMAS)
def test_sample_validates(registry: Registry, page_id: str, kind: str, schema_name: str) -> None:
    """A page's sample parses to a non-empty JSON object that the schema accepts."""
    sample = getattr(pages.samples(page_id), kind)
    assert isinstance(sample, dict)
    assert sample
    assert _errors(registry, schema_name, sample) == []


def test_worked_examples_validate(registry: Registry) -> None:
    """Page 002's three worked-example bodies are valid ``UpdateOrderRequest`` bodies."""
    examples = pages.worked_examples()
    assert len(examples) == WORKED_EXAMPLES
    for example in examples:
        assert example["fulfillment_orders"]
        assert _errors(registry, "UpdateOrderRequest", example) == []


def test_validation_can_fail(registry: Registry) -> None:
    """The validator set up above does reject a bad sample (formats included)."""
    assert _errors(registry, "UpdateScheduleRequest", {"scheduled_from": "not a date"})
    assert _errors(registry, "Order", {"order_id": "x"})
