"""Reliability and security tests (docs/reliability.md): the real sandbox, as a subprocess, on
loopback."""
