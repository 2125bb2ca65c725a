"""The API reference: `GET /docs` renders `openapi.yaml` with Swagger UI, and the spec itself is
served at `/openapi.yaml` (the file as it is) and `/openapi.json` (with this sandbox as its first
server, so that "Try it out" calls the sandbox showing the page, whatever its port).

Swagger UI's files come from the `swagger-ui-bundle-v2` package and are served from `/docs/assets/`:
the page loads nothing from outside the sandbox (no CDN, no online validator).
"""

from __future__ import annotations

import html

from flask import Blueprint, Response, request, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from .rendering import json_response
from .spec import SPEC_PATH, Spec

ASSETS = "/docs/assets"
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} — API reference</title>
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{spec_url}",
      dom_id: "#swagger-ui",
      deepLinking: true,
      displayOperationId: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    }});
  </script>
</body>
</html>
"""


def docs_blueprint(spec: Spec) -> Blueprint:
    bp = Blueprint("docs", __name__)

    @bp.get("/docs")
    def page() -> Response:
        title = html.escape(spec.public["info"]["title"])
        page = PAGE.format(title=title, assets=ASSETS, spec_url="/openapi.json")
        return Response(page, 200, mimetype="text/html")

    @bp.get(f"{ASSETS}/<path:filename>")
    def asset(filename: str) -> Response:
        return send_from_directory(str(swagger_ui_path), filename)

    @bp.get("/openapi.yaml")
    def spec_yaml() -> Response:
        return Response(SPEC_PATH.read_bytes(), 200, mimetype="application/yaml")

    @bp.get("/openapi.json")
    def spec_json() -> Response:
        here = {"url": request.host_url.rstrip("/"), "description": "This sandbox."}
        return json_response({**spec.public, "servers": [here, *spec.public["servers"][1:]]}, 200)

    return bp
