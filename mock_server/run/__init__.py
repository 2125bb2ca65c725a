"""The running floor: the command line, the HTTP servers (granian by default, waitress as the
fallback, worker processes on one port), the pytest plugin and its sandbox, and the contract
runner. Everything else is below it; the proxy (`mock_server/proxy/`) is its sibling."""
