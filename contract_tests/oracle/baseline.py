"""A baseline of known drift: claims a target is known to fail, each with a reason and an
optional expiry date.

A failure of a listed claim is reported as "known" and does not fail the run (its test is
reported as an expected failure); once an entry has expired it no longer excuses anything; a
listed claim that passes is reported as "fixed, remove from the baseline". `--write-baseline`
writes one from the failures of a run, to edit and keep beside the CI job. The file is YAML (so
JSON too):

    version: 1
    known:
    - id: update_order.fo_id_before_reference
      reason: the tenant matches FOs by reference first (support case 1234)
      expires: 2027-01-31
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

VERSION = 1
Today = Callable[[], datetime.date]


class BaselineError(ValueError):
    """The baseline file is not one (the message names the entry and the field)."""


@dataclass(frozen=True)
class Known:
    id: str
    reason: str
    expires: datetime.date | None
    today: datetime.date

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.today > self.expires

    def describe(self) -> str:
        if self.expired:
            return f"baseline entry expired on {self.expires}: {self.reason}"
        until = f" (until {self.expires})" if self.expires else ""
        return f"known (baseline){until}: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        expires = None if self.expires is None else self.expires.isoformat()
        return {"reason": self.reason, "expires": expires, "expired": self.expired}


class Baseline:
    def __init__(self, entries: Iterable[Known] = ()) -> None:
        self.entries = {entry.id: entry for entry in entries}

    def entry(self, claim: str) -> Known | None:
        return self.entries.get(claim)

    def excuses(self, claim: str) -> bool:
        """A failure of `claim` is known drift (listed, not expired)."""
        known = self.entry(claim)
        return known is not None and not known.expired

    def problems(self) -> list[str]:
        return [
            f"{known.id}: {known.describe()}" for known in self.entries.values() if known.expired
        ]


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise BaselineError(f"{where}.expires: {value!r} is not a date (YYYY-MM-DD)") from None


def load(path: Path, claims: Iterable[str], today: Today = datetime.date.today) -> Baseline:
    """Read a baseline; every id must be one of `claims` (a misspelt id would excuse nothing)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BaselineError(f"{path}: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise BaselineError(f"{path}: expected a mapping with version: {VERSION} and known: [...]")
    known = document.get("known")
    known = [] if known is None else known
    if not isinstance(known, list):
        raise BaselineError(f"{path}: known must be a list")
    names, entries, now = set(claims), [], today()
    for k, item in enumerate(known):
        where = f"known[{k}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise BaselineError(f"{path}: {where}.id is required (a claim id)")
        if item["id"] not in names:
            raise BaselineError(f"{path}: {where}.id: {item['id']!r} is no claim of the suite")
        if not str(item.get("reason") or "").strip():
            raise BaselineError(f"{path}: {where}.reason is required: say why it is known")
        expires = _date(item.get("expires"), where)
        entries.append(Known(item["id"], str(item["reason"]).strip(), expires, now))
    return Baseline(entries)


def dump(failures: Iterable[tuple[str, str]], today: Today = datetime.date.today) -> str:
    """A baseline listing each (claim id, first problem) failing now, without an expiry."""
    known = [
        {"id": name, "reason": f"failing since {today()}: {problem}", "expires": None}
        for name, problem in failures
    ]
    header = "# Known drift: claims this target fails; see contract_tests/oracle/baseline.py.\n"
    return header + yaml.safe_dump({"version": VERSION, "known": known}, sort_keys=False)
