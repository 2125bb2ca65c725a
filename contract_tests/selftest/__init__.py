"""Proof that the contract suite has teeth: deliberately broken sandboxes it must fail.

The only part of `contract_tests` allowed to import `mock_server`: each variant patches one
documented rule of the sandbox, runs it on a free port (`python -m contract_tests.selftest.serve`),
and the behaviour tests are run against it.
"""
