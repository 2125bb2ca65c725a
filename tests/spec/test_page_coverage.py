"""Every field and enum value named on the documentation pages appears in the spec."""

from __future__ import annotations

from typing import Any

import pytest

from tests.spec import pages
from tests.spec.spec_tools import (
    deref,
    enum_values,
    enums,
    example_values,
    object_properties,
    property_names,
)

PAGES_WITH_BODY_SCHEMA = ("000", "001", "003")


@pytest.fixture(scope="module")
def properties(spec: dict[str, Any]) -> set[str]:
    """Every property name of the spec's component schemas."""
    return property_names(spec)


@pytest.fixture(scope="module")
def all_enum_values(spec: dict[str, Any]) -> set[Any]:
    """Every enum value of the spec."""
    return enum_values(spec)


def _in_one_enum(spec: dict[str, Any], values: set[str]) -> bool:
    """Whether a single enum of the spec holds all of ``values`` (the pages list them as a set)."""
    return any(values <= members for members in enums(spec))


@pytest.mark.parametrize("page_id", pages.PAGE_IDS)
def test_sample_keys_are_properties(properties: set[str], page_id: str) -> None:
    """Each ``"name":`` key of a page's samples is a property of some component schema."""
    keys = pages.sample_keys(page_id)
    assert keys
    assert sorted(keys - properties) == []


@pytest.mark.parametrize("page_id", PAGES_WITH_BODY_SCHEMA)
def test_request_body_fields_are_properties(spec: dict[str, Any], page_id: str) -> None:
    """Each field of a page's "Request Body schema" section is a property of the request body
    schema of the operation the page shows (``patch/orders/...``)."""
    fields = pages.request_body_fields(page_id)
    assert fields
    shown = pages.endpoint(page_id)
    assert shown is not None
    method, path = shown
    body = deref(spec, spec["paths"][path][method]["requestBody"])
    declared = object_properties(spec, body["content"]["application/json"]["schema"])
    assert sorted(fields - declared) == []


def test_updatable_fields_are_properties(properties: set[str]) -> None:
    """Page 002's updatable-field list, run-together items split, names spec properties."""
    items, fields = pages.updatable_fields()
    assert set(pages.UPDATABLE_RUN_TOGETHER) <= set(items), "run-together table is stale"
    assert all(pages.IDENTIFIER_RE.match(item) for item in items), items
    assert len(fields) == len(items) + len(pages.UPDATABLE_RUN_TOGETHER)
    assert sorted(fields - properties) == []


@pytest.mark.parametrize("page_id", pages.PAGE_IDS)
def test_enum_lines_are_enum_values(spec: dict[str, Any], page_id: str) -> None:
    """The values of each of a page's ``Enum:`` lines are together in one enum of the spec."""
    lines = pages.enum_lines(page_id)
    if page_id in PAGES_WITH_BODY_SCHEMA:
        assert lines
    for values in lines:
        assert _in_one_enum(spec, values), sorted(values)


@pytest.mark.parametrize("page_id", pages.PAGE_IDS)
def test_sample_enum_values_are_in_the_spec(
    spec: dict[str, Any], all_enum_values: set[Any], page_id: str
) -> None:
    """Each non-placeholder value of an enum-like sample field is in some enum of the spec, or,
    where no list of values is published, among the examples of a string field."""
    values = pages.sample_enum_values(page_id)
    assert values
    assert pages.PLACEHOLDER_VALUE not in values
    assert sorted(values - all_enum_values - example_values(spec)) == []


def test_prose_statuses_are_enum_values(spec: dict[str, Any]) -> None:
    """The line-item statuses of page 002's prose are together in one enum, its order statuses
    in one enum."""
    text = pages.page_text("002")
    assert all(token in text for token in pages.STATUS_RUN_TOGETHER), "run-together table is stale"
    line_item_statuses, order_statuses = pages.prose_statuses()
    assert len(line_item_statuses) == len(set(line_item_statuses)) == 5
    assert len(order_statuses) == len(set(order_statuses)) == 7
    assert _in_one_enum(spec, set(line_item_statuses)), line_item_statuses
    assert _in_one_enum(spec, set(order_statuses)), order_statuses


def test_delivery_methods_are_enum_values(spec: dict[str, Any]) -> None:
    """DELIVERY, COLLECTION and DIGITAL (page 003's prose) are together in one enum."""
    methods = pages.delivery_methods("003")
    assert len(methods) == 3
    assert _in_one_enum(spec, methods), sorted(methods)
