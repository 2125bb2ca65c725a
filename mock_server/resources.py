"""Where the project's data files are: the specs and the bundled fixtures.

In a checkout (or an editable install) they sit at the repository root; a regular `pip install`
puts them under `<prefix>/share/carriyo-sandbox/` (pyproject's `data-files`).
"""

from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT_ROOT = Path(__file__).resolve().parent.parent
INSTALLED_ROOT = Path(sys.prefix) / "share" / "carriyo-sandbox"


def data_root() -> Path:
    """The folder holding `openapi.yaml`, `openapi-admin.yaml` and `fixtures/`."""
    return CHECKOUT_ROOT if (CHECKOUT_ROOT / "openapi.yaml").is_file() else INSTALLED_ROOT
