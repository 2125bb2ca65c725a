"""Atomicity: every refused request (each 4xx path of each operation) changes nothing.

Before and after each request every fixture order is read back (body bytes and ETag), and so are
the exported state and the webhook events where the admin API has them: all byte-identical.
Late failures are included: a conflict found only at save, an unknown fulfillment_id listed after
a valid partner reference, a terminal line item in the second FO of an update.
"""

from __future__ import annotations

import pytest

from tests.launcher import Server
from tests.reliability.cases import ATOMICITY_CASES, Refused, check_refusal


@pytest.mark.parametrize("case", ATOMICITY_CASES, ids=lambda case: case.name)
def test_refused_request_changes_nothing(strict_sandbox: Server, case: Refused) -> None:
    assert check_refusal(strict_sandbox, case) == []


def test_every_operation_has_refusals() -> None:
    """The table covers each public operation and the admin seeding."""
    named = {case.name.split(":")[0] for case in ATOMICITY_CASES}
    assert named >= {
        "createOrder",
        "getOrder",
        "updateOrder",
        "update-location",
        "update-schedule",
        "update-partner-references",
        "notifyShipmentStatus",
        "adminSeedOrder",
        "adminSeedLocation",
    }
