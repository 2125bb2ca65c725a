"""Contract suite: checks any implementation of Carriyo's Orders API against its documentation.

The oracle is `docs/api-pages/` (pages 000-004) and `openapi.yaml`; nothing here imports
`mock_server` (only `contract_tests/selftest/` does, to build broken and fair sandboxes).

Grouped by concern, so that a rule, a strategy or a tier is found where it belongs:

- `oracle/`: what judges an exchange against the documentation (claims and tiers, the rules and
  their checks, the documented view of the spec, exchanges and observations, the recording, the
  report and the baseline), free of pytest, Hypothesis and Schemathesis: the sandbox's proxy
  judges with it too;
- `generation/`: what the suite sends (samples, strategies, property steps, the operations,
  terminal states built, the lifecycle state machine);
- `target/`: the implementation under test as the suite reaches it (options, bearer tokens, the
  client, seeding and observation, Schemathesis' cases and their binding to seeded orders);
- `plugin/`: the pytest side (hooks, the claims' marks, Hypothesis settings, the suite's own
  sandbox);
- `test_*.py`: the tests, and `selftest/`: the suite tested against broken and fair sandboxes.
"""
