"""Evidence tiers: how sure the suite is that the documentation says what a check asserts.

Every claim the suite checks (a rule of rules.py, a Schemathesis check group of conformance.py)
has exactly one tier, and every test carries exactly one tier marker, the weakest tier of the
claims it verifies (`verifies(...)`, in the plugin's marks.py), so that `-m documented` runs
documented claims only:

- `documented`: a sentence of the pages or of the published docs says it, and admits no other
  reading (the claim quotes it);
- `reading`: our interpretation where the text admits others (the claim says which);
- `sandbox`: a choice of this sandbox where the docs are silent (ETag and If-Match, limits,
  error detail codes, admin seeding, the refusals it chose).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

Tier = Literal["documented", "reading", "sandbox"]
TIERS: tuple[Tier, ...] = ("documented", "reading", "sandbox")
MEANING: dict[Tier, str] = {
    "documented": "a sentence of the documentation says it, and admits no other reading",
    "reading": "the suite's reading of a sentence that admits others",
    "sandbox": "a choice of this sandbox where the documentation is silent",
}
SANDBOX_PAGE = "docs/behaviour.md"
"""The page a sandbox claim quotes: the repository's account of the sandbox's behaviour."""


@dataclass(frozen=True)
class Claim:
    """Something the suite asserts about an implementation, as the report lists it: an id, the
    source (`page`: "002", several as "000, 001, 003", a published page's path, or SANDBOX_PAGE
    for a sandbox claim), the words
    quoted from it, the tier, and `note`: the suite's reading and the others the text admits
    (reading), or the sandbox's choice (sandbox)."""

    name: str
    page: str
    quote: str
    tier: Tier
    note: str = ""

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"{self.name}: tier {self.tier!r} is not one of {TIERS}")
        if self.tier != "documented" and not self.note:
            raise ValueError(f"{self.name}: a {self.tier} claim says what it reads or chooses")

    def describe(self) -> str:
        """The claim as a failure message opens: id, tier, source, quote and note."""
        note = {"reading": "The suite reads it as", "sandbox": "The sandbox's choice"}
        extra = f"\n  {note[self.tier]}: {self.note}" if self.tier in note else ""
        return f'{self.name} [{self.tier}] (page {self.page})\n  "{self.quote}"{extra}'


def weakest(tiers: Iterable[Tier]) -> Tier:
    """The least certain of `tiers` (sandbox < reading < documented)."""
    return max(tiers, key=TIERS.index)


def is_loopback(base_url: str | None) -> bool:
    """No base URL (the suite starts its own sandbox) or one on this machine."""
    if base_url is None:
        return True
    host = urlsplit(base_url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def default_tiers(base_url: str | None) -> tuple[Tier, ...]:
    """Everything against loopback (a sandbox); documented and reading against anything else."""
    return TIERS if is_loopback(base_url) else ("documented", "reading")


def parse_tiers(text: str) -> tuple[Tier, ...]:
    """`"documented,reading"` -> ("documented", "reading"), in the order of TIERS."""
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(names - set(TIERS))
    if unknown or not names:
        raise ValueError(f"--tiers takes a comma-separated list of {', '.join(TIERS)}: {text!r}")
    return tuple(tier for tier in TIERS if tier in names)
