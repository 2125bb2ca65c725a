"""Registers the contract suite's pytest plugin (options such as --base-url; see
contract_tests/plugin/) for every pytest run from the repository root."""

pytest_plugins = ["contract_tests.plugin"]
