"""The sandbox's shipped data files: the specs it validates against and its bundled fixtures.

Read through the one helper both packages use (`contract_tests.oracle.resources`), so a checkout,
an editable install and an installed wheel find them alike.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable

from contract_tests.oracle.resources import ADMIN_SPEC, SANDBOX, public_spec, shipped


def spec_files() -> tuple[Traversable, ...]:
    """`openapi.yaml` and `openapi-admin.yaml`, in the order the sandbox loads them."""
    return (public_spec(), shipped(SANDBOX, ADMIN_SPEC))


def bundled_fixtures() -> Traversable:
    """The folder of the bundled fixtures (`fixtures/` of the repository)."""
    return shipped(SANDBOX, "fixtures")
