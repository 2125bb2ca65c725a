"""The sandbox as one WSGI app: the public API (api.py), the API reference (docs.py) and the
`/__admin/` controls, with the journal and fault middleware around them and the state file
saved after changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from flask import Flask

from .config import SandboxConfig
from .controls.faults import FaultMiddleware
from .controls.journal import JournalMiddleware
from .controls.routes import admin_blueprint
from .controls.state_file import save_after_changes
from .http.api import operation_matcher, register_api
from .http.docs import docs_blueprint
from .http.spec import Spec
from .sandbox import Sandbox
from .store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

Mount = Callable[["WSGIApplication", Sandbox], "WSGIApplication"]
"""Another app in front of the sandbox's, inside the journal (the MCP transport, mounted by the
runners: mcp/http.py): given the app it wraps and the sandbox, it returns the wrapper."""

DELAYS = "carriyo_sandbox.delays"
"""`app.extensions[DELAYS](environ)`: whether a latency fault will hold the request (faults.py);
the HTTP server runs such requests on threads of their own (server_granian.py)."""


def create_app(
    config: SandboxConfig | None = None,
    *,
    spec: Spec | None = None,
    store: Store | None = None,
    mounts: Sequence[Mount] = (),
) -> Flask:
    """A Flask app serving the sandbox; `app.extensions["sandbox"]` is its Sandbox. `mounts`
    wrap the app in turn, inside the journal and outside the faults."""
    sandbox = Sandbox(config or SandboxConfig(), spec, store)
    app = Flask("mock_server")
    app.config["MAX_CONTENT_LENGTH"] = sandbox.config.max_body_bytes
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # `Allow` lists the documented methods only
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the default provider has it
    app.extensions["sandbox"] = sandbox
    register_api(app, sandbox.service, sandbox.tokens, sandbox.spec, sandbox.config)
    app.register_blueprint(admin_blueprint(sandbox))
    app.register_blueprint(docs_blueprint(sandbox.spec))
    # The journal is outermost: it times and records what follows, faulted requests included.
    # Flask's documented way to add WSGI middleware is to replace `app.wsgi_app`, which its
    # stubs declare as a method: hence the two ignores.
    faults = FaultMiddleware(app.wsgi_app, sandbox.faults, operation_matcher(app))
    app.wsgi_app = faults  # type: ignore[method-assign]
    app.extensions[DELAYS] = faults.delays
    for wrap in mounts:
        app.wsgi_app = wrap(app.wsgi_app, sandbox)  # type: ignore[method-assign,assignment]
    app.wsgi_app = JournalMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, sandbox.journal, sandbox.config.max_body_bytes
    )
    if sandbox.state_file is not None:
        save_after_changes(app, sandbox.state_file)
    return app
