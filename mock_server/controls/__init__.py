"""The sandbox's control plane, beside the public API (as moto's `moto_api/_internal/` is beside
its services): the `/__admin/` routes (routes.py) and what they control — the request journal,
fault injection, webhook deliveries, and the state document with its file (`--state-file`).

The journal and the faults are WSGI middleware around the app; none of this is reachable from
the public API's routes, and the public API does not import it."""
