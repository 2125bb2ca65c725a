"""Load `openapi.yaml` (and `openapi-admin.yaml`) once and compile one validator per schema.

The spec is the only place a schema is written: the HTTP layer asks this module for the validator of
an operation's body or parameter and turns its failures into `ErrorDetail` entries naming the field.

Each schema gets two validators: `jsonschema` (the reference, whose errors name the failing field)
and a compiled Rust one (`jsonschema-rs`) that answers "valid?" about
60 times faster. A request is checked by the fast one first; only an invalid one is run through
`jsonschema` to list its errors, so every answer (and every `error_details[].field`) is the
reference validator's. Formats are checked by `jsonschema`'s own format functions in both.
`--validator jsonschema` (`SandboxConfig.validator`) turns the fast path off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import quote

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..resources import spec_files

SPEC_PATH, ADMIN_SPEC_PATH = spec_files()
PUBLIC_DOCUMENT = SPEC_PATH.name
ADMIN_DOCUMENT = ADMIN_SPEC_PATH.name
BASE_URI = "https://carriyo-sandbox.local/"
MAX_ERRORS = 10
JSON_MEDIA = "application~1json"
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER

Json = dict[str, Any]


@dataclass(frozen=True)
class FieldError:
    """One validation failure: the field at fault (a path like `line_items[0].id`) and why."""

    field: str
    message: str
    code: str = "INVALID_FIELD"


def format_path(parts: Iterator[str | int] | list[str | int], root: str = "") -> str:
    """Render a JSON path as `a.b[0].c`; `root` names the container (e.g. `body`) when empty."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or root


def _field_of(error: ValidationError, root: str) -> str:
    """The field a jsonschema error is about; for `required`, the missing property itself."""
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        required: list[str] = error.validator_value  # type: ignore[assignment]  # a list here
        missing = [name for name in required if name not in error.instance]
        # jsonschema raises one error per missing name, its message "'<name>' is a required ..."
        named = [name for name in missing if error.message.startswith(f"{name!r} is ")]
        if missing:
            path.append((named or missing)[0])
    return format_path(path, root)


def _code_of(error: ValidationError) -> str:
    return {
        "required": "MISSING_FIELD",
        "enum": "INVALID_ENUM_VALUE",
        "type": "INVALID_TYPE",
        "format": "INVALID_FORMAT",
    }.get(str(error.validator), "INVALID_FIELD")


class SchemaValidator:
    """A compiled validator for one schema of the spec; `errors()` lists what is wrong."""

    def __init__(self, validator: Draft202012Validator, root: str, fast: Any | None = None) -> None:
        self._validator = validator
        self._root = root
        self._fast = fast  # a jsonschema_rs validator, or None

    def errors(self, instance: Any) -> list[FieldError]:
        """Every failure (at most MAX_ERRORS), deepest first, each naming its field. A list past
        its `maxItems` is named from the fast pass alone: the reference validator would first
        walk every item of it (1.9 s for 25,000 line items, other requests waiting)."""
        if self._fast is not None:
            if self._fast.is_valid(instance):
                return []
            too_long = self._too_long(self._fast, instance)
            if too_long:
                return too_long
        found = sorted(
            self._validator.iter_errors(instance),
            key=lambda e: (-len(e.absolute_path), _field_of(e, self._root)),
        )
        errors = (FieldError(_field_of(e, self._root), e.message[:300], _code_of(e)) for e in found)
        return list(dict.fromkeys(errors))[:MAX_ERRORS]  # a failure reached twice is listed once

    def _too_long(self, fast: Any, instance: Any) -> list[FieldError]:
        """The lists of `instance` longer than their schema's `maxItems` (jsonschema-rs), each
        once (a list two schemas limit is named once)."""
        found = (
            FieldError(
                format_path(error.instance_path, self._root),
                f"{len(error.instance)} items, more than the {error.kind.limit} allowed",
                "TOO_MANY_ITEMS",
            )
            for error in fast.iter_errors(instance)
            if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.MaxItems)
        )
        return list(dict.fromkeys(found))[:MAX_ERRORS]


class Spec:
    """The loaded specs and a cache of compiled validators keyed by schema pointer; `fast`
    asks jsonschema-rs first (when installed)."""

    def __init__(self, documents: dict[str, Json], *, fast: bool = True) -> None:
        self.documents = documents
        self.fast = fast
        self._registry: Registry = Registry().with_resources(
            (BASE_URI + name, Resource.from_contents(doc, default_specification=DRAFT202012))
            for name, doc in documents.items()
        )
        self._validators: dict[tuple[str, str], SchemaValidator] = {}
        self._operations: dict[str, OperationSchemas] = {}
        self._fast_registry: Any = None

    @property
    def public(self) -> Json:
        return self.documents[PUBLIC_DOCUMENT]

    def validator(
        self, pointer: str, root: str = "body", document: str = PUBLIC_DOCUMENT
    ) -> SchemaValidator:
        """The validator of the schema at `pointer` (e.g. `#/components/schemas/Order`)."""
        key = (document + pointer, root)
        if key not in self._validators:
            schema = {"$ref": BASE_URI + document + pointer}
            self._validators[key] = SchemaValidator(
                Draft202012Validator(
                    schema, registry=self._registry, format_checker=FORMAT_CHECKER
                ),
                root,
                self._fast_validator(document, pointer),
            )
        return self._validators[key]

    def _fast_validator(self, document: str, pointer: str) -> Any | None:
        """jsonschema-rs's validator of the schema at `pointer` (None when it is off)."""
        if not self.fast:
            return None
        if self._fast_registry is None:
            self._fast_registry = jsonschema_rs.Registry(
                [(BASE_URI + name, doc) for name, doc in self.documents.items()],
                draft=jsonschema_rs.Draft202012,
            )
        validator = jsonschema_rs.validator_for(
            {"$ref": BASE_URI + document + quote(pointer, safe="#/~")},
            registry=self._fast_registry,
            base_uri=BASE_URI,
            validate_formats=True,
            formats={name: _conforms_to(name) for name in FORMAT_CHECKER.checkers},
        )
        return validator

    def schema_of(self, name: str) -> SchemaValidator:
        """Validator of `#/components/schemas/<name>` in the public spec."""
        return self.validator(f"#/components/schemas/{name}")

    def operation(self, operation_id: str) -> OperationSchemas:
        """Validators for one operation's request body and parameters (compiled once)."""
        if operation_id not in self._operations:
            self._operations[operation_id] = self._compile_operation(operation_id)
        return self._operations[operation_id]

    def compile_all(self) -> None:
        """Compile every operation's validators now, so no request pays for it."""
        for path_item in self.public["paths"].values():
            for method, op in path_item.items():
                if method != "parameters":
                    self.operation(op["operationId"])

    def _compile_operation(self, operation_id: str) -> OperationSchemas:
        for path, path_item in self.public["paths"].items():
            path_pointer = f"#/paths/{path.replace('~', '~0').replace('/', '~1')}"
            for method, op in path_item.items():
                if method == "parameters" or op.get("operationId") != operation_id:
                    continue
                op_pointer = f"{path_pointer}/{method}"
                body = None
                if "requestBody" in op:
                    body_pointer = op["requestBody"].get("$ref", f"{op_pointer}/requestBody")
                    body = self.validator(f"{body_pointer}/content/{JSON_MEDIA}/schema")
                params: dict[tuple[str, str], SchemaValidator] = {}
                flags: set[str] = set()
                declared = [
                    *(
                        (f"{path_pointer}/parameters/{i}", p)
                        for i, p in enumerate(path_item.get("parameters", []))
                    ),
                    *(
                        (f"{op_pointer}/parameters/{i}", p)
                        for i, p in enumerate(op.get("parameters", []))
                    ),
                ]
                for pointer, param in declared:
                    pointer = param.get("$ref", pointer)
                    resolved = self._resolve(param)
                    params[(resolved["in"], resolved["name"])] = self.validator(
                        pointer + "/schema", root=resolved["name"]
                    )
                    if resolved["in"] == "query" and resolved["schema"].get("type") == "boolean":
                        flags.add(resolved["name"])
                return OperationSchemas(body, params, frozenset(flags))
        raise KeyError(operation_id)

    def _resolve(self, node: Json) -> Json:
        while "$ref" in node:
            target: Any = self.public
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node


def _conforms_to(format_name: str) -> Callable[[Any], bool]:
    """The reference validator's check of one format, for jsonschema-rs."""

    def conforms(value: Any) -> bool:
        return bool(FORMAT_CHECKER.conforms(value, format_name))

    return conforms


@dataclass(frozen=True)
class OperationSchemas:
    """The compiled validators of one operation: body (None when it takes none), parameters,
    and the names of its boolean query parameters (`true`/`false` in a URL)."""

    body: SchemaValidator | None
    parameters: dict[tuple[str, str], SchemaValidator]
    flags: frozenset[str] = frozenset()


def load_spec(
    paths: tuple[Traversable, ...] = (SPEC_PATH, ADMIN_SPEC_PATH), *, fast: bool = True
) -> Spec:
    """Read the spec files (YAML) and return a Spec whose validators compile on first use."""
    documents = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            documents[path.name] = yaml.safe_load(fh)
    return Spec(documents, fast=fast)
