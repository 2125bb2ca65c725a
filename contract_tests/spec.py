"""`openapi.yaml` loaded for Schemathesis, with the repository's `schemathesis.toml`.

Loaded when a test module is imported (after the plugin has read `--max-examples`). The target
is given per call (`base_url=`, `headers=`): `schemathesis.pytest.from_fixture` would be the
lazy alternative, but Schemathesis 4.32 sets `request.node._nodeid` there, which pytest 9 no
longer has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from schemathesis import Case, GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from .settings import max_examples

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
SCHEMATHESIS_CONFIG = ROOT / "schemathesis.toml"
EXAMPLE_SCALE = 0.5
"""Schemathesis examples per operation and mode, as a fraction of --max-examples."""
NO_COVERAGE_PHASE = frozenset({"createOrder", "updateOrder"})
"""Operations tested without Schemathesis' coverage phase: it enumerates every boundary of
every nested field, about 2,700 requests each for these two bodies (half a minute per
operation on 2 cores). `make schemathesis` runs it with the CLI."""
CONTROL_CHARACTERS = "".join(chr(code) for code in (*range(0x20), 0x7F) if code != 0x09)
"""Kept out of generated header values. Negative mode otherwise sends them now and then, and
a request carrying one is not HTTP (RFC 9110 field values): the WSGI server in front of an
implementation refuses it before the API sees it, in its own format (waitress: a text/plain
400), which tests the HTTP parser rather than the contract."""


CONTROL = frozenset(CONTROL_CHARACTERS)


def is_http(case: Case[Any]) -> bool:
    """Whether every header value of `case` is one HTTP allows. Schemathesis' negative data
    still carries a control character in a header value now and then, whatever
    `exclude_header_characters` says; such a request is refused by the HTTP layer in front of the
    API (granian, nginx, an API gateway: often an empty 400), which says nothing of the contract,
    so the case is not sent."""
    return not any(
        isinstance(value, str) and CONTROL & set(value) for value in (case.headers or {}).values()
    )


def load_schema(*, coverage: bool = True) -> OpenApiSchema:
    """The spec, positive and negative data, `--max-examples` x EXAMPLE_SCALE per operation;
    phases examples, fuzzing and (when `coverage`) coverage."""
    config = (
        SchemathesisConfig.from_path(SCHEMATHESIS_CONFIG)
        if SCHEMATHESIS_CONFIG.is_file()
        else SchemathesisConfig()
    )
    schema = schemathesis.openapi.from_path(SPEC, config=config)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=max_examples(EXAMPLE_SCALE),
        exclude_header_characters=CONTROL_CHARACTERS,
    )
    schema.config.phases.update(
        phases=["examples", "fuzzing", "stateful", *(["coverage"] if coverage else [])]
    )
    return schema
