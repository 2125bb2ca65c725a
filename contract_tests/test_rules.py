"""The rule table itself: every quote is verbatim on the page it cites, and the suite's enums
are the pages' lists (no target needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import rules
from .model import (
    IN_PROGRESS,
    LINE_STATUSES,
    ORDER_STATUSES,
    PAGE_002_ORDER_STATUSES,
    PENDING,
    TERMINAL,
    UPDATABLE_ORDER_STATUSES,
)

PAGES = Path(__file__).resolve().parent.parent / "docs" / "api-pages"


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _page(number: str) -> str:
    found = sorted(PAGES.glob(f"{number}_*.txt"))
    if not found:
        pytest.skip(f"page {number} is not in {PAGES} (the suite runs outside the repository)")
    return _normalised(found[0].read_text(encoding="utf-8"))


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in rules.ALL_RULES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("rule", rules.ALL_RULES, ids=lambda rule: rule.name)
def test_quote_is_verbatim_on_its_pages(rule: rules.Rule) -> None:
    for page in rule.pages:
        assert _normalised(rule.quote) in _page(page), f"{rule.name}: not on page {page}"


def test_statuses_are_the_pages_lists() -> None:
    """Page 002: the updatable and non-updatable order statuses; pending and terminal line
    item statuses. The published ones it does not name (order `processing`, the line statuses
    of a pick or pack) are neither."""
    text = _page("002")
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
