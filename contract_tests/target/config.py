"""The target under test, from pytest options with `CONTRACT_*` environment fallbacks."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..oracle.tiers import TIERS, Tier, default_tiers, parse_tiers
from .auth import ClientCredentials

SeedMode = Literal["admin", "api"]
SEED_MODES: tuple[SeedMode, ...] = ("admin", "api")
DEFAULT_MAX_EXAMPLES = 20
DEFAULT_SHRINK_SECONDS = 20
DEFAULT_API_KEY = "contract-suite-key"
DEFAULT_MERCHANT = "CONTRACT_SUITE_MERCHANT"
OWN_SANDBOX_CLIENT = "contract-suite"
"""The client the suite's own sandbox knows (`--clients`), with a secret made up per run."""


@dataclass(frozen=True)
class Option:
    """One command-line option of the suite and the environment variable it falls back to."""

    flag: str
    env: str
    help: str
    metavar: str

    @property
    def dest(self) -> str:
        return "contract_" + self.flag.removeprefix("--").replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option(
        "--base-url",
        "CONTRACT_BASE_URL",
        "base URL of the implementation under test (default: start the sandbox on a free port)",
        "URL",
    ),
    Option("--api-key", "CONTRACT_API_KEY", "value of the x-api-key header", "KEY"),
    Option(
        "--client-id",
        "CONTRACT_CLIENT_ID",
        "client id of a client application: the suite gets its bearer token from "
        "POST /oauth/token (with --client-secret) and renews it when it expires or a 401 says so",
        "ID",
    ),
    Option("--client-secret", "CONTRACT_CLIENT_SECRET", "that client's secret", "SECRET"),
    Option(
        "--token",
        "CONTRACT_TOKEN",
        "a bearer token to send as it is (instead of --client-id/--client-secret)",
        "TOKEN",
    ),
    Option(
        "--tenant-id",
        "CONTRACT_TENANT_ID",
        "value of the tenant-id header (default: a fresh tenant per session)",
        "TENANT",
    ),
    Option(
        "--seed-mode",
        "CONTRACT_SEED_MODE",
        "admin: seed exact states through /__admin/ (default); api: create orders through "
        "POST /orders only, skipping tests that need states it cannot create",
        "admin|api",
    ),
    Option(
        "--merchant",
        "CONTRACT_MERCHANT",
        f"the merchant of the orders the suite creates (default {DEFAULT_MERCHANT}; on a real "
        "tenant, one it has)",
        "M",
    ),
    Option(
        "--location-id",
        "CONTRACT_LOCATION_ID",
        "api seed mode: partner_location_id of an existing location of --merchant",
        "ID",
    ),
    Option(
        "--location-code",
        "CONTRACT_LOCATION_CODE",
        "api seed mode: location_code of that same location",
        "CODE",
    ),
    Option(
        "--product-id",
        "CONTRACT_PRODUCT_ID",
        "api seed mode: a product of the tenant that the inventory tests stock at --location-id "
        "(an inventory-enabled location, with inventory management on for the tenant)",
        "ID",
    ),
    Option(
        "--max-examples",
        "CONTRACT_MAX_EXAMPLES",
        f"Hypothesis examples per property (default {DEFAULT_MAX_EXAMPLES})",
        "N",
    ),
    Option(
        "--tiers",
        "CONTRACT_TIERS",
        f"tiers to run, comma-separated ({', '.join(TIERS)}; default: all against a loopback "
        "target, documented,reading against any other)",
        "LIST",
    ),
    Option(
        "--contract-report",
        "CONTRACT_REPORT",
        "write report.json and report.html of every claim into this directory",
        "DIR",
    ),
    Option(
        "--baseline",
        "CONTRACT_BASELINE",
        "known drift: failures of the claims this file lists do not fail the run (an expired "
        "entry no longer excuses one; a listed claim that passes is reported fixed)",
        "FILE",
    ),
    Option(
        "--write-baseline",
        "CONTRACT_WRITE_BASELINE",
        "write a baseline listing the claims that failed in this run",
        "FILE",
    ),
    Option(
        "--shrink-seconds",
        "CONTRACT_SHRINK_SECONDS",
        f"at most this long shrinking a failing property before reporting it (default "
        f"{DEFAULT_SHRINK_SECONDS}; 0: report the first failing example as found)",
        "S",
    ),
)


@dataclass(frozen=True)
class KnownLocation:
    """A location that already exists on the target (api seed mode)."""

    partner_location_id: str
    location_code: str
    merchant: str


@dataclass(frozen=True)
class TargetConfig:
    """Everything the suite needs to know about the implementation under test."""

    base_url: str | None
    api_key: str = field(repr=False)
    tenant_id: str
    client: ClientCredentials | None
    token: str | None = field(repr=False)
    seed_mode: SeedMode
    merchant: str
    location: KnownLocation | None
    product_id: str | None
    max_examples: int
    tiers: tuple[Tier, ...]
    tiers_chosen: bool
    shrink_seconds: int
    report_dir: Path | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None

    @property
    def admin(self) -> bool:
        return self.seed_mode == "admin"


def resolve(values: dict[str, Any], environ: dict[str, str] | None = None) -> TargetConfig:
    """A TargetConfig from option values (by `Option.dest`), falling back to the environment."""
    env = os.environ if environ is None else environ

    def get(option: Option) -> str | None:
        value = values.get(option.dest)
        return str(value) if value not in (None, "") else env.get(option.env) or None

    by_flag = {option.flag: get(option) for option in OPTIONS}
    seed_mode = by_flag["--seed-mode"] or "admin"
    if seed_mode not in SEED_MODES:
        raise ValueError(f"--seed-mode must be one of {SEED_MODES}, not {seed_mode!r}")
    max_examples = int(by_flag["--max-examples"] or DEFAULT_MAX_EXAMPLES)
    if max_examples < 1:
        raise ValueError("--max-examples must be at least 1")
    shrink_seconds = int(by_flag["--shrink-seconds"] or DEFAULT_SHRINK_SECONDS)
    if shrink_seconds < 0:
        raise ValueError("--shrink-seconds must be 0 or more")
    base_url = (by_flag["--base-url"] or "").rstrip("/") or None
    chosen = by_flag["--tiers"]
    return TargetConfig(
        base_url=base_url,
        api_key=by_flag["--api-key"] or DEFAULT_API_KEY,
        tenant_id=by_flag["--tenant-id"] or f"contract-{uuid.uuid4().hex[:12]}",
        client=_client(by_flag, own_sandbox=base_url is None),
        token=by_flag["--token"],
        seed_mode="api" if seed_mode == "api" else "admin",
        merchant=by_flag["--merchant"] or DEFAULT_MERCHANT,
        location=_location(by_flag),
        product_id=by_flag["--product-id"],
        max_examples=max_examples,
        tiers=parse_tiers(chosen) if chosen else default_tiers(base_url),
        tiers_chosen=chosen is not None,
        shrink_seconds=shrink_seconds,
        report_dir=_path(by_flag["--contract-report"]),
        baseline=_path(by_flag["--baseline"]),
        write_baseline=_path(by_flag["--write-baseline"]),
    )


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _client(by_flag: dict[str, str | None], *, own_sandbox: bool) -> ClientCredentials | None:
    """The client credentials given; for the suite's own sandbox, when none are, a made-up
    client it will know."""
    client_id, secret, token = (
        by_flag[flag] for flag in ("--client-id", "--client-secret", "--token")
    )
    if bool(client_id) != bool(secret):
        raise ValueError("--client-id and --client-secret go together")
    if token and client_id:
        raise ValueError("--token replaces --client-id/--client-secret: give one or the other")
    if client_id and secret:
        return ClientCredentials(client_id, secret)
    if own_sandbox and not token:
        return ClientCredentials(OWN_SANDBOX_CLIENT, uuid.uuid4().hex)
    return None


def _location(by_flag: dict[str, str | None]) -> KnownLocation | None:
    location_id, code, merchant = (
        by_flag[flag] for flag in ("--location-id", "--location-code", "--merchant")
    )
    if location_id and code and merchant:
        return KnownLocation(location_id, code, merchant)
    if location_id or code:
        raise ValueError("--location-id, --location-code and --merchant go together")
    return None
