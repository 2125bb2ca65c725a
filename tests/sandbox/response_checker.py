"""Checks a sandbox response against the spec, independently of the sandbox's own validators.

The status code must be documented for the operation the request reached (`openapi.yaml` for
`/orders`, `openapi-admin.yaml` for `/__admin/`), the content type must be one the response
documents, the body must match that media type's schema (the reference `jsonschema` validator,
formats checked, over a `referencing` Registry of both spec documents — built here), and every
required response header (e.g. `ETag`) must be present and valid. A path no spec has must be a 404
`Error`; a method the path does not document a 405 `Error` whose `Allow` lists the documented
methods. A 500 is never acceptable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from mock_server.http.spec import ADMIN_SPEC_PATH, BASE_URI, SPEC_PATH, Spec

Json = dict[str, Any]

PUBLIC_DOC = SPEC_PATH.name
ADMIN_DOC = ADMIN_SPEC_PATH.name
ADMIN_PREFIX = "/__admin/"
ERROR_POINTER = "#/components/schemas/Error"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


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
