"""Schemathesis loads the spec and sees exactly the operations of the project."""

from __future__ import annotations

from pathlib import Path

import schemathesis

from tests.spec.test_operations import EXPECTED_OPERATION_IDS


def test_schemathesis_enumerates_every_operation(spec_path: Path) -> None:
    """``schemathesis.openapi.from_path`` loads the spec; each operation loads without error."""
    schema = schemathesis.openapi.from_path(str(spec_path))
    loaded = [result.ok() for result in schema.get_all_operations()]
    ids = [operation.definition.raw["operationId"] for operation in loaded]
    assert len(ids) == len(EXPECTED_OPERATION_IDS)
    assert set(ids) == EXPECTED_OPERATION_IDS
