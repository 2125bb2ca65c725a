"""A pytest plugin (`-p contract_tests.selftest.collect`) that writes, after collection, every
test of the suite with its marker names and the claims it declares to the JSON file named by
`$CONTRACT_COLLECT_TO`: what the tier tests read, from a collection of their own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..plugin import declared_claims, in_suite

COLLECT_TO_ENV = "CONTRACT_COLLECT_TO"


def pytest_collection_finish(session: pytest.Session) -> None:
    tests = [
        {
            "id": item.nodeid,
            "markers": sorted({marker.name for marker in item.iter_markers()}),
            "claims": list(declared_claims(item)),
        }
        for item in session.items
        if in_suite(item)
    ]
    Path(os.environ[COLLECT_TO_ENV]).write_text(json.dumps(tests), encoding="utf-8")
