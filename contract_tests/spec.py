"""`openapi.yaml` loaded for Schemathesis, with the repository's `schemathesis.toml`.

Loaded when a test module is imported (after the plugin has read `--max-examples`). The target
is given per call (`base_url=`, `headers=`): `schemathesis.pytest.from_fixture` would be the
lazy alternative, but Schemathesis 4.32 sets `request.node._nodeid` there, which pytest 9 no
longer has.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from .settings import max_examples

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
SCHEMATHESIS_CONFIG = ROOT / "schemathesis.toml"
EXAMPLE_SCALE = 0.5
"""Schemathesis examples per operation and mode, as a fraction of --max-examples."""


def load_schema() -> OpenApiSchema:
    """The spec, positive and negative data, `--max-examples` x EXAMPLE_SCALE per operation."""
    config = (
        SchemathesisConfig.from_path(SCHEMATHESIS_CONFIG)
        if SCHEMATHESIS_CONFIG.is_file()
        else SchemathesisConfig()
    )
    schema = schemathesis.openapi.from_path(SPEC, config=config)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=max_examples(EXAMPLE_SCALE),
    )
    return schema
