"""Proof that the contract suite has teeth and no false alarms: deliberately broken sandboxes it
must fail (variants.py), fair ones it must pass (fair.py), and the suite's own machinery (tiers,
report, baseline, authentication).

The only part of `contract_tests` allowed to import `mock_server`: each variant patches the
sandbox, or wraps its app, in its own process (`python -m contract_tests.selftest.serve`), and
the suite is run against it. Not collected against a `--base-url`.
"""
