"""The rule table itself: every quote is verbatim on the page it cites (a sandbox rule's on
docs/behaviour.md), and the suite's enums are the pages' lists (no target needed)."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from ..oracle import rules
from ..oracle.conformance import ALL_SCHEMA_CLAIMS
from ..oracle.model import (
    IN_PROGRESS,
    LINE_STATUSES,
    ORDER_STATUSES,
    PAGE_002_ORDER_STATUSES,
    PENDING,
    TERMINAL,
    UPDATABLE_ORDER_STATUSES,
)
from ..oracle.resources import api_pages
from ..oracle.tiers import SANDBOX_PAGE

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
ROOT = Path(__file__).resolve().parents[2]
PAGES = api_pages()
CLAIMS = (*rules.ALL_RULES, *ALL_SCHEMA_CLAIMS)


def _normalised(text: str) -> str:
    """Whitespace collapsed, Markdown emphasis and code marks dropped."""
    return re.sub(r"\s+", " ", re.sub(r"[*`]", "", text)).strip()


def _source(page: str) -> str:
    found: list[Traversable]
    if page == SANDBOX_PAGE:
        found = [ROOT / SANDBOX_PAGE] if (ROOT / SANDBOX_PAGE).is_file() else []
    else:
        pages = (path for path in PAGES.iterdir() if fnmatch(path.name, f"{page}_*.txt"))
        found = sorted(pages, key=lambda path: path.name)
    if not found:
        pytest.skip(f"{page} is not here (the suite runs outside the repository)")
    return _normalised(found[0].read_text(encoding="utf-8"))


def test_claim_names_are_unique() -> None:
    names = [claim.name for claim in CLAIMS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize(
    "claim",
    [claim for claim in CLAIMS if claim.page[:1].isdigit() or claim.page == SANDBOX_PAGE],
    ids=lambda claim: claim.name,
)
def test_quote_is_verbatim_on_its_pages(claim: rules.Rule) -> None:
    for page in (part.strip() for part in claim.page.split(",")):
        assert _normalised(claim.quote) in _source(page), f"{claim.name}: not on page {page}"


def test_sandbox_claims_quote_the_behaviour_page_and_readings_say_what_else() -> None:
    """A sandbox rule cites docs/behaviour.md; a reading names other readings."""
    for rule in rules.ALL_RULES:
        assert (rule.page == SANDBOX_PAGE) == (rule.tier == "sandbox"), rule.name
        if rule.tier == "reading":
            assert "Other readings:" in rule.note, rule.name


def test_statuses_are_the_pages_lists() -> None:
    """Page 002: the updatable and non-updatable order statuses; pending and terminal line
    item statuses. The published ones it does not name (order `processing`, the line statuses
    of a pick or pack) are neither."""
    text = _source("002")
    updatable = rules.UPDATABLE_STATUSES.quote.split(" - ")[0].split(", ")
    assert set(updatable) == UPDATABLE_ORDER_STATUSES
    assert UPDATABLE_ORDER_STATUSES | {"cancelled"} == PAGE_002_ORDER_STATUSES
    assert "cancelled - Cannot be updated" in text
    for status in PENDING | TERMINAL:
        assert f"{status} - Items" in text, status
    for status in (ORDER_STATUSES - PAGE_002_ORDER_STATUSES) | IN_PROGRESS:
        assert status not in text, status
    assert PENDING | TERMINAL | IN_PROGRESS == LINE_STATUSES
    assert len(LINE_STATUSES) == len(PENDING) + len(TERMINAL) + len(IN_PROGRESS)
