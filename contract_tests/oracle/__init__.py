"""The oracle: what judges an exchange against Carriyo's documentation, free of test tools.

Claims and tiers, the rules and their checks, the documented view of `openapi.yaml`, observations
and exchanges, the report, the baseline and the recording. The pytest suite and the sandbox's
proxy both judge with it; it imports none of pytest, Hypothesis or Schemathesis (an import-linter
contract in `pyproject.toml` holds it to that).
"""
