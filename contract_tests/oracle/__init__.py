"""The oracle: what judges an exchange against Carriyo's documentation, free of test tools.

Claims and tiers (tiers.py, conformance.py), the rules and their checks (rules.py, checks.py,
lifecycle_checks.py, over model.py's reading of an order), the documented view of `openapi.yaml`
(documented.py), exchanges and observations (exchange.py, observation.py), the recording, the
report and the baseline (recording.py, report.py, report_html.py, baseline.py), and the data
files shipped (resources.py). The pytest suite and the sandbox's proxy both judge with it, so it
imports none of pytest, Hypothesis, Schemathesis or an HTTP client (an import-linter contract
in `pyproject.toml`, and tests/proxy/test_oracle_alone.py at run time, hold it to that).
"""
