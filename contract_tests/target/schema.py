"""The Schemathesis side of the suite: `openapi.yaml` for Schemathesis, whole or as its
documented view (oracle/documented.py), with the repository's `schemathesis.toml`; each case sent
to the target with the suite's credentials (`call`), and its answer judged by a claim's checks
(`validate`). The documented and reading tiers test against the view; the sandbox tier tests the
whole spec. It lives with the client, not in the oracle, which never imports Schemathesis.

Loaded when a test module is imported (after the plugin has read `--max-examples`). The target
is given per call (`base_url=`, `headers=`): `schemathesis.pytest.from_fixture` would be the
lazy alternative, but Schemathesis 4.32 sets `request.node._nodeid` there, which pytest 9 no
longer has.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import as_file
from typing import TYPE_CHECKING, Any, Literal, cast

import yaml

from ..oracle import recording
from ..oracle.conformance import SchemaClaim
from ..oracle.documented import documented_view
from ..oracle.exchange import curl_line, shown_headers
from ..oracle.resources import public_spec, shipped
from ..plugin.settings import max_examples
from .client import ApiClient

if TYPE_CHECKING:
    import requests
    from schemathesis import Case, CheckFunction
    from schemathesis.core.transport import Response
    from schemathesis.specs.openapi.schemas import OpenApiSchema

SPEC = public_spec()
SCHEMATHESIS_CONFIG = shipped("contract_tests", "schemathesis.toml")
EXAMPLE_SCALE = 0.5
"""Schemathesis examples per operation and mode, as a fraction of --max-examples."""
NO_COVERAGE_PHASE = frozenset(
    {
        "createOrder",
        "updateOrder",
        "fulfillFulfillmentOrder",
        "shipFulfillmentOrder",
        "updateFulfillmentOrderDeliveryMethod",
        "updateFulfillmentOrderAddress",
    }
)
"""Operations tested without Schemathesis' coverage phase: it enumerates every boundary of
every nested field, about 2,700 requests each for the order bodies of create and update (half a
minute per operation on 2 cores), some 300 for the shipment details of fulfil and ship and the
address of the delivery method and address updates (each on an order seeded for it: seconds per
operation and tier, again in every fair selftest sandbox). `make schemathesis` runs it with the
CLI."""
CONTROL_CHARACTERS = "".join(chr(code) for code in (*range(0x20), 0x7F) if code != 0x09)
"""Kept out of generated header values. Negative mode otherwise sends them now and then, and
a request carrying one is not HTTP (RFC 9110 field values): the WSGI server in front of an
implementation refuses it before the API sees it, in its own format (waitress: a text/plain
400), which tests the HTTP parser rather than the contract."""
View = Literal["documented", "full"]
VIEWS: tuple[View, ...] = ("documented", "full")
Json = dict[str, Any]


def full_spec() -> Json:
    spec: Json = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return spec


CONTROL = frozenset(CONTROL_CHARACTERS)


def is_http(case: Case[Any]) -> bool:
    """Whether every header value of `case` is one HTTP allows. Schemathesis' negative data
    still carries a control character in a header value now and then, whatever
    `exclude_header_characters` says; such a request is refused by the HTTP layer in front of the
    API (granian, nginx, an API gateway: often an empty 400), which says nothing of the contract,
    so the case is not sent."""
    return not any(
        isinstance(value, str) and CONTROL & set(value) for value in (case.headers or {}).values()
    )


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


@functools.cache
def _paths() -> tuple[list[str], ...]:
    return tuple(_segments(path) for path in full_spec()["paths"])


def shadowed(case: Case[Any]) -> bool:
    """Whether a path parameter of `case` is a literal segment another path of the spec has in
    its place (an FO id `merge`: `…/fulfillment-orders/merge` is the merge operation; an order
    reference `shipment-status-update`: page 004's path), so that the request addresses that
    other operation, and no service could tell it from a request for it. Such a case is not
    sent: its answer (405, say) is the other operation's."""
    template = _segments(case.operation.path)
    sent = [
        str(case.path_parameters.get(part[1:-1], part)) if _parameter(part) else part
        for part in template
    ]
    return any(_takes(other, template, sent) for other in _paths() if other != template)


def _takes(other: list[str], template: list[str], sent: list[str]) -> bool:
    """Whether path `other` matches the segments `sent` with a literal where `template` has a
    parameter (a router takes the literal)."""
    if len(other) != len(template):
        return False
    pairs = list(zip(other, template, sent, strict=True))
    return all(_parameter(theirs) or theirs == value for theirs, _, value in pairs) and any(
        _parameter(ours) and not _parameter(theirs) for theirs, ours, _ in pairs
    )


def load_schema(*, view: View = "documented", coverage: bool = True) -> OpenApiSchema:
    """The spec (`view`), positive and negative data, `--max-examples` x EXAMPLE_SCALE per
    operation; phases examples, fuzzing and (when `coverage`) coverage. A parameter the spec
    does not declare is not negative data: a service may ignore what it does not know (the
    published conventions let responses grow the same way), so none is generated. Schemathesis
    is imported here, when a test module asks for it."""
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.config import SchemathesisConfig

    with as_file(SCHEMATHESIS_CONFIG) as path:
        config = SchemathesisConfig.from_path(path)
    spec = full_spec()
    schema: OpenApiSchema = schemathesis.openapi.from_dict(
        documented_view(spec) if view == "documented" else spec, config=config
    )
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=max_examples(EXAMPLE_SCALE),
        exclude_header_characters=CONTROL_CHARACTERS,
        allow_extra_parameters=False,
    )
    schema.config.phases.update(
        phases=["examples", "fuzzing", "stateful", *(["coverage"] if coverage else [])]
    )
    return schema


def call(case: Case[Any], api: ApiClient) -> tuple[Response, dict[str, str]]:
    """Send `case` with the suite's credentials, as `api` sends its own requests: a 401 with a
    renewable token is sent again, once, with a new token. Returns the headers sent too."""
    headers = api.headers()
    response = case.call(base_url=api.base_url, headers=headers, session=api.session)
    if response.status_code == 401 and api.tokens is not None and api.tokens.refused():
        headers = api.headers()
        response = case.call(base_url=api.base_url, headers=headers, session=api.session)
    return response, headers


def _exchange(response: Response) -> dict[str, Any]:
    """The request and response of a Schemathesis call as the report shows them."""
    request = response.request
    body = _body_of(request.body)
    try:
        answer: Any = response.json()
    except ValueError:
        answer = response.text
    return {
        "request": {
            "method": request.method,
            "url": request.url,
            "headers": shown_headers(dict(request.headers)),
            "body": body,
        },
        "response": {
            "status": response.status_code,
            "headers": {name: ", ".join(values) for name, values in response.headers.items()},
            "body": answer,
        },
    }


def validate(
    case: Case[Any],
    answer: Response | requests.Response,
    claim: SchemaClaim,
    *,
    headers: dict[str, str],
    recorder: Any = None,
    **transport: Any,
) -> None:
    """`case.validate_response` with the claim's checks (all of them for `("all",)`), noted
    in the test's record; a failure names the claim and its tier."""
    __tracebackhide__ = True
    from schemathesis.checks import CHECKS, load_all_checks
    from schemathesis.core.transport import Response

    load_all_checks()
    response = Response.from_any(answer)
    checks: list[CheckFunction] | None = None
    if claim.checks != ("all",):
        checks = cast("list[CheckFunction]", CHECKS.get_by_names(list(claim.checks)))
    try:
        case.validate_response(
            response,
            checks=checks,
            headers=headers,
            transport_kwargs=transport or None,
            recorder=recorder,
        )
    except (AssertionError, BaseExceptionGroup) as failure:
        request = response.request
        curl = curl_line(
            str(request.method), str(request.url), dict(request.headers), _text(request.body)
        )
        found = recording.Failure(claim.name, _problems(failure), _exchange(response), curl)
        recording.checked(claim, found)
        failure.add_note(f"Claim: {claim.describe()}\n  Checks: {', '.join(claim.checks)}")
        raise
    recording.checked(claim)


def _problems(failure: BaseException) -> tuple[str, ...]:
    """The title of each Schemathesis failure (the first line of any other assertion)."""
    parts = failure.exceptions if isinstance(failure, BaseExceptionGroup) else (failure,)
    return tuple(
        str(getattr(part, "title", None) or str(part).strip().split("\n")[0]) for part in parts
    )


def _text(body: Any) -> str | None:
    return body.decode(errors="replace") if isinstance(body, bytes) else body


def _body_of(body: Any) -> Any:
    """A request body as JSON when it is JSON, else as text (None when there is none)."""
    if body is None:
        return None
    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
    try:
        return json.loads(text)
    except ValueError:
        return text
