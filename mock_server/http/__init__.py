"""The HTTP floor: the spec's validators, reading a request, the one error body and the table from
domain errors to status codes, ETags, routes and their one-line handlers, authentication, the
views, the WSGI helpers and the API reference page. It calls the service; nothing below it
imports Flask."""
