"""Contract suite: checks any implementation of Carriyo's Orders API against its documentation.

The oracle is `docs/api-pages/` (pages 000-004) and `openapi.yaml`; nothing here imports
`mock_server` (only `contract_tests/selftest/` does, to build broken and fair sandboxes).
"""
