"""The documented view of `openapi.yaml` (contract_tests.oracle.documented: no `x-sandbox`
part), compiled, and what is wrong with a request or a response under it.

A request: its path, query and header parameters and its JSON body against the operation's
schemas. A response: its status documented for the operation, its content type one the status
documents, its body valid under that media type's schema, the headers the status requires
present. The validators are the sandbox's (mock_server.http.spec: jsonschema-rs first, jsonschema to
name the field), over the view instead of the whole spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
import yaml

from contract_tests.oracle.conformance import OPERATIONS
from contract_tests.oracle.documented import documented_view
from contract_tests.oracle.tiers import Claim

from ..http.errors import ApiError
from ..http.spec import JSON_MEDIA, PUBLIC_DOCUMENT, SPEC_PATH, Spec
from ..http.validation import BOOLEANS, JSON_TYPES, MAX_JSON_DEPTH, shallow
from .forward import Request, Response
from .operations import HTTP_METHODS, Match, Operations

Json = dict[str, Any]
PUBLISHED = re.compile(r"`(api/[a-z0-9/-]+)`")
ORDER_SCHEMA = "#/components/schemas/Order"
NOT_JSON = object()
TOO_DEEP = object()
"""What read_json says of a body that is no JSON document, or one too deeply nested to judge."""


def read_json(raw: bytes) -> Any:
    """A body as JSON: None when empty, NOT_JSON or TOO_DEEP when it cannot be judged (nested
    deeper than the sandbox accepts: validating it would exhaust the stack)."""
    if not raw.strip():
        return None
    try:
        return shallow(orjson.loads(raw), raw)
    except orjson.JSONDecodeError:
        return NOT_JSON
    except ApiError:
        return TOO_DEEP


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def media_type(message: Request | Response) -> str:
    return (message.header("Content-Type") or "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class OperationClaims:
    """What the proxy claims of one documented operation's exchanges."""

    request: Claim
    response: Claim


def _claims(operation_id: str, operation: Json) -> OperationClaims:
    """The operation's page and sentence as the contract suite names them (conformance.py), or
    the published page its description cites and its summary."""
    if operation_id in OPERATIONS:
        page, quote = OPERATIONS[operation_id]
    else:
        cited = PUBLISHED.search(operation.get("description", ""))
        page, quote = (cited[1] if cited else "openapi.yaml"), operation.get("summary", "")
    return OperationClaims(
        Claim(f"schema.{operation_id}.request", page, quote, "documented"),
        Claim(f"schema.{operation_id}.response", page, quote, "documented"),
    )


class DocumentedSpec:
    """The documented view, its operations and their claims."""

    def __init__(self) -> None:
        full = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
        self.view: Json = documented_view(full)
        self.spec = Spec({PUBLIC_DOCUMENT: self.view})
        self.operations = Operations(self.view)
        self.claims = {
            op["operationId"]: _claims(op["operationId"], op)
            for item in self.view["paths"].values()
            for method, op in item.items()
            if method in HTTP_METHODS
        }
        self.spec.compile_all()

    def order_operations(self) -> frozenset[str]:
        """The operations whose success answers the order (`Order`, or a choice holding it)."""
        found = set()
        for template, item in self.view["paths"].items():
            for method, op in item.items():
                if method not in HTTP_METHODS:
                    continue
                for status in ("200", "201"):
                    pointer = f"#/paths/{_escape(template)}/{method}/responses/{status}"
                    if status in op["responses"] and self._answers_order(pointer):
                        found.add(op["operationId"])
        return frozenset(found)

    def _answers_order(self, pointer: str) -> bool:
        _, entry = self._resolve(pointer)
        schema = ((entry.get("content") or {}).get("application/json") or {}).get("schema", {})
        choices = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
        return any(choice.get("$ref") == ORDER_SCHEMA for choice in choices)

    def match(self, request: Request) -> Match | None:
        return self.operations.match(request.method, request.path)

    def request_problems(self, match: Match, request: Request, body: Any) -> list[str]:
        """What the documented view says is wrong with the request (`body`: read_json's)."""
        schemas = self.spec.operation(match.operation_id)
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        problems = []
        for (location, name), validator in schemas.parameters.items():
            value: Any = {
                "path": match.params.get(name),
                "query": query.get(name),
                "header": request.header(name),
            }.get(location)
            if value is not None and location == "query" and name in schemas.flags:
                value = BOOLEANS.get(value.lower(), value)
            if value is not None:
                problems += [f"{error.field}: {error.message}" for error in validator.errors(value)]
        if schemas.body is None:
            return problems
        media = media_type(request)
        if media and media not in JSON_TYPES and not media.endswith("+json"):
            return [*problems, f"body: content type {media!r}, documented application/json"]
        if body is None or body is NOT_JSON:
            return [*problems, "body: not a JSON document"]
        if body is TOO_DEEP:
            return [*problems, f"body: JSON nested deeper than {MAX_JSON_DEPTH} levels"]
        return problems + [f"{e.field}: {e.message}" for e in schemas.body.errors(body)]

    def response_problems(
        self, match: Match, request: Request, response: Response, answer: Any
    ) -> list[str]:
        """What the documented view says is wrong with the upstream's answer (`answer`: its
        body as read_json reads it)."""
        pointer = f"#/paths/{_escape(match.template)}/{request.method.lower()}/responses"
        documented = self._at(pointer)
        status = str(response.status)
        if status not in documented:
            return [f"status {status} is not documented for {match.operation_id}"]
        pointer, entry = self._resolve(f"{pointer}/{status}")
        problems = [
            f"header {name} (required) is missing"
            for name, header in (entry.get("headers") or {}).items()
            if self._resolve_node(header).get("required") and response.header(name) is None
        ]
        content = entry.get("content")
        media = media_type(response)
        if not content:  # the view documents no body here: whatever there is goes unchecked
            return problems
        if media not in content:
            return [*problems, f"content type {media!r} is not one of {sorted(content)}"]
        instance: Any = response.body.decode("utf-8", "replace")
        if media == "application/json":
            instance = answer
            if instance is NOT_JSON or instance is None:
                return [*problems, "the body is not JSON"]
            if instance is TOO_DEEP:
                return [*problems, f"the body is nested deeper than {MAX_JSON_DEPTH} levels"]
        media_pointer = JSON_MEDIA if media == "application/json" else _escape(media)
        validator = self.spec.validator(f"{pointer}/content/{media_pointer}/schema")
        return problems + [f"{e.field}: {e.message}" for e in validator.errors(instance)]

    def _at(self, pointer: str) -> Any:
        node: Any = self.view
        for token in pointer.removeprefix("#/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def _resolve(self, pointer: str) -> tuple[str, Json]:
        """Follow `$ref`s from `pointer`: the final pointer and the object there."""
        node = self._at(pointer)
        while "$ref" in node:
            pointer = node["$ref"]
            node = self._at(pointer)
        return pointer, node

    def _resolve_node(self, node: Json) -> Json:
        while "$ref" in node:
            node = self._at(node["$ref"])
        return node
