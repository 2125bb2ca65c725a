"""The data files the two packages ship, found wherever the package is installed.

`openapi.yaml`, `openapi-admin.yaml`, the fixtures and the API pages are written once, at the
repository's top level. Each package's `data/` folder holds symbolic links to the ones it owns
(the oracle: the public spec and the pages; the sandbox: its admin spec and its fixtures), and
setuptools' package-data copies what they point at into the wheel. A checkout, an editable install
and an installed wheel are then read alike, through `importlib.resources`.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

ORACLE = "contract_tests.oracle"
SANDBOX = "mock_server"
PUBLIC_SPEC = "openapi.yaml"
ADMIN_SPEC = "openapi-admin.yaml"


def shipped(package: str, *parts: str) -> Traversable:
    """`package`'s data file or folder `parts` (`shipped(ORACLE, "api-pages")`)."""
    return files(package).joinpath("data", *parts)


def public_spec() -> Traversable:
    """`openapi.yaml`, the contract both the sandbox and the suite are built from."""
    return shipped(ORACLE, PUBLIC_SPEC)


def api_pages() -> Traversable:
    """The folder of the five captured API pages (000-004) and their README."""
    return shipped(ORACLE, "api-pages")
