"""The baseline file (oracle/baseline.py): what it must say, and what its entries excuse."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ..oracle import rules
from ..oracle.baseline import Baseline, BaselineError, dump, load

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
CLAIMS = [rule.name for rule in rules.ALL_RULES]
TODAY = datetime.date(2026, 12, 1)


def _load(tmp_path: Path, text: str) -> Baseline:
    path = tmp_path / "baseline.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, CLAIMS, today=lambda: TODAY)


def test_a_written_baseline_reads_back(tmp_path: Path) -> None:
    text = dump([(rules.MOVED_ITEMS.name, "line 'x' is still in FO-A")], today=lambda: TODAY)
    baseline = _load(tmp_path, text)
    entry = baseline.entry(rules.MOVED_ITEMS.name)
    assert entry is not None and entry.expires is None
    assert entry.reason == "failing since 2026-12-01: line 'x' is still in FO-A"
    assert baseline.excuses(rules.MOVED_ITEMS.name)


def test_an_expired_entry_excuses_nothing(tmp_path: Path) -> None:
    baseline = _load(
        tmp_path,
        f"version: 1\nknown:\n- id: {rules.MOVED_ITEMS.name}\n  reason: ticket 9\n"
        f"  expires: 2026-11-30\n- id: {rules.CANCELLED_NOT_UPDATABLE.name}\n  reason: r\n"
        "  expires: 2026-12-01\n",
    )
    assert not baseline.excuses(rules.MOVED_ITEMS.name)
    assert baseline.excuses(rules.CANCELLED_NOT_UPDATABLE.name)
    assert baseline.problems() == [
        f"{rules.MOVED_ITEMS.name}: baseline entry expired on 2026-11-30: ticket 9"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("known: []", "version: 1"),
        ("version: 1\nknown:\n- reason: r", r"known\[0\].id is required"),
        ("version: 1\nknown:\n- id: update_order.nope\n  reason: r", "no claim of the suite"),
        (f"version: 1\nknown:\n- id: {rules.MOVED_ITEMS.name}", r"known\[0\].reason"),
        (
            f"version: 1\nknown:\n- id: {rules.MOVED_ITEMS.name}\n  reason: r\n  expires: soon",
            r"known\[0\].expires: 'soon' is not a date",
        ),
        ("version: 1\nknown: {}", "known must be a list"),
        ("version: [1", "baseline.yaml"),
    ],
)
def test_a_baseline_that_is_not_one_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(BaselineError, match=message):
        _load(tmp_path, text)
