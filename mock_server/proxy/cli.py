"""`carriyo-sandbox proxy` and `carriyo-sandbox replay`: their options and what they run."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from ..run.access_log import add_quiet_option
from ..run.binding import add_body_timeout

log = logging.getLogger("mock_server.proxy")


def add_proxy_options(parser: argparse.ArgumentParser) -> None:
    add_quiet_option(parser)
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the service to stand in front of, e.g. https://demo-api.carriyo.com",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8081, help="port to listen on (default 8081; 0: any free port)"
    )
    parser.add_argument(
        "--record", type=Path, metavar="FILE.har", help="write every exchange to this HAR 1.2 file"
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="where the violations report (report.json, report.html) is written on shutdown and "
        "on POST /__admin/report (default: no report)",
    )
    parser.add_argument(
        "--observe-before",
        action="store_true",
        help="GET the order from the upstream before forwarding a write, so that every write "
        "can be judged (one more upstream request per write)",
    )
    parser.add_argument(
        "--tiers",
        default="documented,reading",
        metavar="LIST",
        help="the tiers of the contract suite's rules judged: documented,reading (the default) "
        "or documented (the sandbox tier's rules are this sandbox's own choices: never judged)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer 502 (the published error body, naming the rule) instead of an answer that "
        "breaks a documented rule: a gate for CI",
    )
    parser.add_argument(
        "--upstream-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long the upstream has for its whole answer, from connecting to the last byte "
        "(however slowly it comes); then 504 (default 30)",
    )
    add_body_timeout(parser)


def proxy(args: argparse.Namespace) -> int:
    """Serve the proxy until SIGTERM or SIGINT; then write the report."""
    from contract_tests.oracle.tiers import parse_tiers

    from ..run.access_log import logged
    from ..run.server import make_server, serve_until_signalled
    from .app import ProxyApp, ProxyOptions
    from .forward import Upstream
    from .har import HarRecorder
    from .judge import Judge

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        upstream = Upstream(args.upstream, args.upstream_timeout)
        tiers = parse_tiers(args.tiers)
        if "sandbox" in tiers:
            raise ValueError("--tiers: the proxy judges the documented and reading tiers only")
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    app = ProxyApp(
        ProxyOptions(
            upstream,
            Judge(upstream.base_url, tiers),
            recorder=HarRecorder(args.record, upstream.base_url) if args.record else None,
            strict=args.strict,
            observe_before=args.observe_before,
            report_dir=args.report,
        )
    )
    server = make_server(
        logged(app, args.quiet), host=args.host, port=args.port, body_timeout=args.body_timeout
    )
    serve_until_signalled(server, f"Proxy on {{url}} in front of {upstream.base_url}", app.close)
    return 0


def add_replay_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, metavar="FILE.har", help="a proxy's recording")
    parser.add_argument(
        "--against",
        required=True,
        metavar="URL",
        help="the sandbox to replay against (its /__admin/ API seeds the orders)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=Path("parity-report"),
        metavar="DIR",
        help="where parity.json and parity.html are written (default ./parity-report)",
    )
    parser.add_argument(
        "--api-key", default="replay-key", help="x-api-key of the replayed requests"
    )
    parser.add_argument(
        "--client-id",
        default="replay",
        metavar="ID",
        help="client whose bearer token (POST /oauth/token of the target) the replayed requests "
        "carry, the recorded one being masked (default: replay; any client will do unless "
        "the target runs with --clients)",
    )
    parser.add_argument(
        "--client-secret",
        default=os.environ.get("CARRIYO_CLIENT_SECRET", "replay"),
        metavar="SECRET",
        help="that client's secret (default: $CARRIYO_CLIENT_SECRET, else replay)",
    )


def replay(args: argparse.Namespace) -> int:
    """Replay a recording against a sandbox and write the parity report; exit 0 when every
    answer was the recorded one, 1 otherwise."""
    from .har import read_har
    from .replay import Replayer, write_parity

    client = (args.client_id, args.client_secret)
    replayer = Replayer(args.against, args.api_key, client=client)
    parity = replayer.run(read_har(args.recording), str(args.recording))
    report = parity.as_json()
    write_parity(report, args.report)
    counts = report["exchanges"]
    print(
        f"{counts['replayed']} exchanges replayed, {counts['identical']} identical, "
        f"{len(parity.differences)} differences; report in {args.report}/parity.html"
    )
    return 0 if counts["identical"] == counts["replayed"] else 1
