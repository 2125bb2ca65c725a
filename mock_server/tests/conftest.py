"""Fixtures of the HTTP tests: a Flask test client that checks every response against the spec.

`client.get/post/patch/...` send the request and then validate the response against the operation
it reached: `openapi.yaml` for `/orders`, `openapi-admin.yaml` for `/__admin/`. The status code must
be documented for the operation, the content type must be one the response documents, the body
must match that media type's schema (the reference `jsonschema` validator, formats checked, over
a `referencing` Registry of both spec documents — built here, independent of the sandbox's own
validators), and every required response header (e.g. `ETag`) must be present and valid.
A path no spec has must be a 404 `Error`; a method the path does not document a 405 `Error` whose
`Allow` lists the documented methods. A 500 is never acceptable.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partialmethod
from typing import Any

import orjson
import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from mock_server.app import create_app
from mock_server.domain import derive_status
from mock_server.sandbox import Sandbox, SandboxConfig
from mock_server.spec import ADMIN_SPEC_PATH, BASE_URI, SPEC_PATH, Spec, load_spec

Json = dict[str, Any]

PUBLIC_DOC = SPEC_PATH.name
ADMIN_DOC = ADMIN_SPEC_PATH.name
ADMIN_PREFIX = "/__admin/"
ERROR_POINTER = "#/components/schemas/Error"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


TENANT = "acme-demo"
AUTH = {"x-api-key": "k", "tenant-id": TENANT}
CLOCK_START = datetime(2030, 1, 1, tzinfo=UTC)


def _escape(token: str) -> str:
    """A JSON-pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class PathItem:
    """One path of a spec document, with a regex matching concrete request paths."""

    document: str
    template: str
    pattern: re.Pattern[str]
    item: Json

    @property
    def methods(self) -> set[str]:
        return {method.upper() for method in self.item if method in HTTP_METHODS}


class ResponseChecker:
    """Validates a response against the operation of the request's path and method."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._registry: Registry = Registry().with_resources(
            (BASE_URI + name, Resource.from_contents(doc, default_specification=DRAFT202012))
            for name, doc in spec.documents.items()
        )
        self._validators: dict[tuple[str, str], Draft202012Validator] = {}
        self.paths = [
            PathItem(
                name,
                template,
                re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"),
                item,
            )
            for name in (PUBLIC_DOC, ADMIN_DOC)
            for template, item in spec.documents[name]["paths"].items()
        ]

    def path_item(self, path: str) -> PathItem | None:
        """The documented path `path` is an instance of; literal segments win over templates."""
        document = ADMIN_DOC if path.startswith(ADMIN_PREFIX) else PUBLIC_DOC
        found = [p for p in self.paths if p.document == document and p.pattern.match(path)]
        return min(found, key=lambda p: p.template.count("{"), default=None)

    def check(self, method: str, path: str, response: TestResponse) -> None:
        where = f"{method} {path} -> {response.status_code}"
        assert response.status_code < 500, f"{where}: {response.get_data(as_text=True)}"
        path_item = self.path_item(path)
        if path_item is None:
            assert response.status_code == 404, f"{where}: undocumented path must be 404"
            self._check_error(response, where)
            return
        head = method == "HEAD" and "get" in path_item.item
        op_method = "get" if head else method.lower()
        operation = path_item.item.get(op_method)
        if operation is None:
            self._check_not_allowed(path_item, response, where)
            return
        status = str(response.status_code)
        assert status in operation["responses"], f"{where}: status not documented"
        document, pointer, documented = self._resolve(
            path_item.document,
            f"#/paths/{_escape(path_item.template)}/{op_method}/responses/{status}",
        )
        self._check_headers(document, pointer, documented, response, where)
        self._check_content(document, pointer, documented, response, where, head)

    def errors(self, document: str, pointer: str, instance: Any) -> list[str]:
        """What is wrong with `instance` under the schema at `pointer` of `document`: the
        reference jsonschema validator (formats checked), compiled once per pointer."""
        key = (document, pointer)
        if key not in self._validators:
            self._validators[key] = Draft202012Validator(
                {"$ref": BASE_URI + document + pointer},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return [
            f"{error.json_path}: {error.message[:200]}"
            for error in self._validators[key].iter_errors(instance)
        ]

    def _resolve(self, document: str, pointer: str) -> tuple[str, str, Json]:
        """Follow local `$ref`s from `pointer`: the final pointer and the object there."""
        node = self._at(document, pointer)
        while "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), f"only local refs are used in responses: {ref}"
            pointer, node = ref, self._at(document, ref)
        return document, pointer, node

    def _at(self, document: str, pointer: str) -> Json:
        node: Any = self.spec.documents[document]
        for token in pointer.removeprefix("#/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def _check_headers(
        self, document: str, pointer: str, documented: Json, response: TestResponse, where: str
    ) -> None:
        for name in documented.get("headers", {}):
            header_doc, header_pointer, resolved = self._resolve(
                document, f"{pointer}/headers/{_escape(name)}"
            )
            value = response.headers.get(name)
            if value is None:
                assert not resolved.get("required"), f"{where}: required header {name} missing"
                continue
            errors = self.errors(header_doc, f"{header_pointer}/schema", value)
            assert not errors, f"{where}: header {name}: {errors}"

    def _check_content(
        self,
        document: str,
        pointer: str,
        documented: Json,
        response: TestResponse,
        where: str,
        head: bool,
    ) -> None:
        content = documented.get("content")
        if not content:
            assert response.data == b"", f"{where}: documented without a body"
            return
        media = response.mimetype
        assert media in content, f"{where}: content type {media!r} not in {sorted(content)}"
        if head:
            return
        text = response.get_data(as_text=True)
        instance = orjson.loads(text) if media == "application/json" else text
        errors = self.errors(document, f"{pointer}/content/{_escape(media)}/schema", instance)
        assert not errors, f"{where}: body does not match the spec: {errors}"

    def _check_error(self, response: TestResponse, where: str) -> None:
        assert response.mimetype == "application/json", f"{where}: {response.mimetype}"
        errors = self.errors(PUBLIC_DOC, ERROR_POINTER, response.get_json())
        assert not errors, f"{where}: not an Error body: {errors}"

    def _check_not_allowed(self, path_item: PathItem, response: TestResponse, where: str) -> None:
        assert response.status_code == 405, f"{where}: undocumented method must be 405"
        documented = path_item.methods
        allowed = documented | ({"HEAD"} if "GET" in documented else set())
        allow = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
        assert allow == allowed, f"{where}: Allow {allow} != documented {allowed}"
        self._check_error(response, where)


@dataclass(frozen=True)
class Operation:
    """One public operation of `openapi.yaml` and a valid request to it; the path targets fixtures
    order ORD-1001 and its FO FO-1001-A unless told otherwise."""

    operation_id: str
    method: str
    template: str
    body: Json | None = None

    def path(self, order: str = "ORD-1001", fo: str = "FO-1001-A") -> str:
        return self.template.format(order=order, fo=fo)

    @property
    def takes_order(self) -> bool:
        return "{order}" in self.template

    @property
    def takes_fo(self) -> bool:
        return "{fo}" in self.template

    def send(
        self, client: CheckedClient, order: str = "ORD-1001", fo: str = "FO-1001-A", **kwargs: Any
    ) -> TestResponse:
        """Send the sample request (or `kwargs` such as `json=`, `headers=`, `query_string=`)."""
        if self.body is not None:
            kwargs.setdefault("json", self.body)
        return client.open(self.method, self.path(order, fo), **kwargs)


FO_PATH = "/orders/{order}/fulfillment-orders/{fo}"
OPERATIONS = (
    Operation(
        "createOrder",
        "POST",
        "/orders",
        {
            "merchant": "ACME_FASHION",
            "partner_order_reference": "WEB-NEW-1",
            "line_items": [{"id": "item-1", "sku": "TSHIRT-M", "quantity": 1}],
        },
    ),
    Operation(
        "notifyShipmentStatus",
        "POST",
        "/orders/shipment-status",
        {"references": {"partner_order_reference": "SHOP-1001"}, "post_shipping_info": {}},
    ),
    Operation("getOrder", "GET", "/orders/{order}"),
    Operation("updateOrder", "PATCH", "/orders/{order}", {"language": "ar"}),
    Operation(
        "updateFulfillmentOrderLocation",
        "PATCH",
        FO_PATH + "/update-location",
        {"location_id": "RUH-DC-01"},
    ),
    Operation(
        "updateFulfillmentOrderSchedule",
        "PATCH",
        FO_PATH + "/update-schedule",
        {"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T13:00:00Z"},
    ),
    Operation(
        "updateFulfillmentOrderPartnerReferences",
        "PATCH",
        FO_PATH + "/update-partner-references",
        {"partner_fulfillment_order_reference": "WMS-NEW-1"},
    ),
)
OPERATION_SETS: dict[str, tuple[Operation, ...]] = {
    "operation": OPERATIONS,
    "order_operation": tuple(op for op in OPERATIONS if op.takes_order),
    "fo_operation": tuple(op for op in OPERATIONS if op.takes_fo),
    "change_operation": tuple(op for op in OPERATIONS if op.method == "PATCH"),
    "body_operation": tuple(op for op in OPERATIONS if op.body is not None),
}
"""Fixture names a test can take to run once per operation of the set."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name, operations in OPERATION_SETS.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, operations, ids=[op.operation_id for op in operations])


class Clock:
    """A deterministic clock for the service: one second later at every call."""

    def __init__(self) -> None:
        self.calls = 0
        self.last: str | None = None
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.calls += 1
            moment = CLOCK_START + timedelta(seconds=self.calls)
            self.last = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            return self.last


class CheckedClient:
    """A Flask test client with default auth headers whose every response is spec-checked.

    `headers` given to a call are merged over the defaults; a `None` value removes that header.
    """

    def __init__(self, app: Flask, checker: ResponseChecker, headers: Mapping[str, str]) -> None:
        self.app = app
        self.checker = checker
        self.headers = dict(headers)
        self.clock = Clock()
        self.sandbox.service.clock = self.clock
        self._client = app.test_client()

    @property
    def sandbox(self) -> Sandbox:
        return self.app.extensions["sandbox"]  # type: ignore[no-any-return]

    def open(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str | None] | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        merged = {**self.headers, **(headers or {})}
        sent = {name: value for name, value in merged.items() if value is not None}
        response = self._client.open(path, method=method, headers=sent, **kwargs)
        self.checker.check(method, response.request.path, response)
        return response

    get = partialmethod(open, "GET")
    post = partialmethod(open, "POST")
    patch = partialmethod(open, "PATCH")
    put = partialmethod(open, "PUT")
    delete = partialmethod(open, "DELETE")

    # ------------------------------------------------------------------ shortcuts
    def order(self, reference: str, key: str | None = None) -> tuple[Json, str]:
        """GET an order (must be 200): its body and its ETag."""
        query = {"key": key} if key else None
        response = self.get(f"/orders/{reference}", query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json(), response.headers["ETag"]

    def seed(self, order: Json, tenant: str = TENANT) -> Json:
        """Store `order` as given through `POST /__admin/orders` (must be 201)."""
        response = self.post("/__admin/orders", json=order, headers={"tenant-id": tenant})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def events(self) -> list[Json]:
        """Recorded events, newest first, as JSON sends them."""
        return orjson.loads(orjson.dumps(self.sandbox.events.list()))  # type: ignore[no-any-return]

    def stored(self) -> dict[str, list[Json]]:
        """A deep copy of every tenant's stored orders."""
        store = self.sandbox.store
        return copy.deepcopy({tenant: store.orders(tenant) for tenant in store.tenants()})

    @contextmanager
    def unchanged(self, *references: str) -> Iterator[None]:
        """Assert that the block changes nothing (issue 3: "a request that fails changes nothing"):
        GET of each reference gives the same body and ETag, no order of any tenant differs, and
        no event is recorded."""
        before = [self.order(reference) for reference in references]
        stored, events = self.stored(), len(self.events())
        yield
        assert [self.order(reference) for reference in references] == before
        assert self.stored() == stored
        assert len(self.events()) == events

    def assert_changed(self, response: TestResponse, before: tuple[Json, str], event: str) -> Json:
        """A successful change (page 002/001/003/000/004 and ours): 200, `update_date` stamped now,
        statuses re-derived (domain `status.py`), a new ETag that GET also returns, and one event of
        kind `event` carrying the order as returned. Returns the response body."""
        assert response.status_code == 200, response.get_json()
        body: Json = response.get_json()
        assert body["update_date"] == self.clock.last != before[0]["update_date"]
        self.assert_statuses_derived(body)
        assert response.headers["ETag"] != before[1]
        assert self.order(body["order_id"]) == (body, response.headers["ETag"])
        newest = self.events()[0]
        assert (newest["type"], newest["order_id"], newest["order"]) == (
            event,
            body["order_id"],
            body,
        )
        return body

    @staticmethod
    def error_fields(response: TestResponse) -> list[str | None]:
        """The `field` of every `error_details` entry of an `Error` response."""
        return [detail.get("field") for detail in response.get_json()["error_details"]]

    @staticmethod
    def assert_statuses_derived(order: Json) -> None:
        """Every FO status and the order status follow the rule of the domain's `status.py`."""
        lines: list[str] = []
        for fo in order["fulfillment_orders"]:
            statuses = [line["status"] for line in fo["line_items"]]
            assert fo["status"] == derive_status(statuses), fo
            lines += statuses
        if order["status"] != "cancelled":
            assert order["status"] == derive_status(lines), order


@pytest.fixture(scope="session")
def spec() -> Spec:
    """Both spec documents, loaded and compiled once for the session."""
    loaded = load_spec()
    loaded.compile_all()
    return loaded


@pytest.fixture(scope="session")
def checker(spec: Spec) -> ResponseChecker:
    return ResponseChecker(spec)


ClientFactory = Callable[..., CheckedClient]


@pytest.fixture
def make_client(spec: Spec, checker: ResponseChecker) -> ClientFactory:
    """`make_client(config=None, headers=AUTH)`: a checked client of a fresh sandbox."""

    def make(
        config: SandboxConfig | None = None, headers: Mapping[str, str] = AUTH
    ) -> CheckedClient:
        return CheckedClient(create_app(config or SandboxConfig(), spec=spec), checker, headers)

    return make


@pytest.fixture
def client(make_client: ClientFactory) -> CheckedClient:
    """A checked client of a sandbox on the bundled fixtures, as tenant `acme-demo`."""
    return make_client()


@pytest.fixture
def fixture_order(client: CheckedClient) -> Callable[[str], Json]:
    """A deep copy of a fixtures order of `acme-demo`, by order_id, as stored."""
    orders = {order["order_id"]: order for order in client.sandbox.store.orders(TENANT)}
    return lambda order_id: copy.deepcopy(orders[order_id])
