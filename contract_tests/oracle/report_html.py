"""`report.html`: the report as one self-contained page (inline style, no script, nothing
loaded from anywhere): the summary line, a table of claims grouped by page, failures expanded
with their exchange and a curl line to replay it."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .tiers import SANDBOX_PAGE

PAGES = {
    "000": "Page 000: update fulfillment order partner references",
    "001": "Page 001: update fulfillment order location",
    "002": "Page 002: update order",
    "003": "Page 003: update fulfillment order schedule",
    "004": "Page 004: order shipment status update",
    "000, 001, 003": "Pages 000-003: common to the order operations",
    SANDBOX_PAGE: f"The sandbox's own choices ({SANDBOX_PAGE})",
}
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 75em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
.summary { font-size: 1.1em; padding: .6em .9em; background: #f3f3f3; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; } td, th { padding: .35em .5em; vertical-align: top;
  border-bottom: 1px solid #ddd; text-align: left; }
td.outcome { font-weight: 600; } q { font-style: italic; } td:first-child { width: 26%; }
tr.failed td.outcome, tr.error td.outcome { color: #b00020; }
tr.passed td.outcome { color: #1b7a1b; }
tr.known td.outcome { color: #a05a00; }
.note { color: #555; margin: .3em 0 0; font-weight: normal; }
pre { background: #f7f7f7; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
code { font-size: .95em; } .tier { white-space: nowrap; }
"""


def _pre(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=1, sort_keys=True)
    return f"<pre>{escape(text)}</pre>"


def _failure(failure: dict[str, Any]) -> str:
    parts = ["<details open><summary>Failure</summary><ul>"]
    parts += [f"<li>{escape(str(problem))}</li>" for problem in failure.get("problems", [])]
    parts.append("</ul>")
    for title, key in (
        ("Request", "request"),
        ("Response", "response"),
        ("Order before", "before"),
        ("Order after", "after"),
    ):
        if failure.get(key) is not None:
            parts.append(f"<h4>{title}</h4>{_pre(failure[key])}")
    if failure.get("curl"):
        parts.append(f"<h4>Replay</h4>{_pre(failure['curl'])}")
    return "".join(parts) + "</details>"


def _row(claim: dict[str, Any]) -> str:
    note = f'<p class="note">{escape(claim["note"])}</p>' if claim["note"] else ""
    checks = ", ".join(claim.get("checks") or [])
    if checks:
        note += f'<p class="note">Schemathesis checks: {escape(checks)}</p>'
    reason = f'<p class="note">{escape(claim["reason"])}</p>' if claim["reason"] else ""
    taken = "; ".join(f"{label}: {n}" for label, n in (claim.get("readings") or {}).items())
    if taken:
        reason += f'<p class="note">passed by another reading ({escape(taken)})</p>'
    fixed = " (fixed: remove from the baseline)" if claim["fixed"] else ""
    row = (
        f'<tr class="{escape(claim["outcome"].replace(" ", "-"))}">'
        f"<td><code>{escape(claim['id'])}</code></td>"
        f'<td class="tier">{escape(claim["tier"])}</td>'
        f'<td class="outcome">{escape(claim["outcome"])}{fixed}{reason}</td>'
        f"<td>{claim['examples']}</td>"
        f"<td><q>{escape(claim['quote'])}</q>{note}</td></tr>"
    )
    if claim.get("failure"):
        row += f'<tr class="detail"><td colspan="5">{_failure(claim["failure"])}</td></tr>'
    return row


def render(report: dict[str, Any]) -> str:
    by_page: dict[str, list[dict[str, Any]]] = {}
    for claim in report["claims"]:
        by_page.setdefault(claim["page"], []).append(claim)
    target = report["target"]
    head = (
        f"Target {escape(str(target.get('base_url')))} · seed mode "
        f"{escape(str(target.get('seed_mode')))} · tenant {escape(str(target.get('tenant_id')))}"
        f" · tiers {escape(', '.join(report['tiers']))} · {escape(report['generated'])}"
    )
    problems = "".join(f"<li>{escape(p)}</li>" for p in report.get("baseline") or [])
    sections = []
    for page, claims in sorted(by_page.items(), key=lambda item: (item[0][:1].isalpha(), item[0])):
        rows = "".join(_row(claim) for claim in claims)
        sections.append(
            f'<section id="page-{escape(page)}"><h2>{escape(PAGES.get(page, page))}</h2>'
            "<table><thead><tr><th>claim</th><th>tier</th><th>outcome</th><th>examples</th>"
            f"<th>what the documentation says</th></tr></thead><tbody>{rows}</tbody></table>"
            "</section>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Contract report</title><style>{STYLE}</style></head><body>"
        "<h1>Carriyo Orders API: contract report</h1>"
        f'<p class="target">{head}</p><p class="summary" id="summary">'
        f"{escape(report['summary'])}</p>"
        + (f"<h2>Baseline</h2><ul>{problems}</ul>" if problems else "")
        + "".join(sections)
        + "</body></html>\n"
    )
