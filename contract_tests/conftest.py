"""Fixtures of the Schemathesis tests: where the target is and which headers it needs."""

from __future__ import annotations

import pytest

from .config import TargetConfig


@pytest.fixture(scope="session")
def auth_headers(contract_config: TargetConfig) -> dict[str, str]:
    """The two headers every page requires."""
    return {"x-api-key": contract_config.api_key, "tenant-id": contract_config.tenant_id}
