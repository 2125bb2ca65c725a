"""Validate what the sandbox answers against `openapi.yaml` and `openapi-admin.yaml`.

Independent of `mock_server.http.spec` on purpose: the checker should not share code with the server
it checks. JSON Schema 2020-12 with formats checked, references resolved across both documents.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.launcher import REPO_ROOT

BASE_URI = "https://reliability.local/"
PUBLIC, ADMIN = "openapi.yaml", "openapi-admin.yaml"


@cache
def _registry() -> Registry:
    resources = []
    for name in (PUBLIC, ADMIN):
        with (REPO_ROOT / name).open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        resources.append(
            (BASE_URI + name, Resource.from_contents(document, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


@cache
def _validator(schema: str, document: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{BASE_URI}{document}#/components/schemas/{schema}"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schema_errors(schema: str, instance: Any, document: str = PUBLIC) -> list[str]:
    """What is wrong with `instance` as a `schema` of `document` (empty: valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:200]}"
        for error in _validator(schema, document).iter_errors(instance)
    ]
