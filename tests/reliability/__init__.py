"""Reliability and security tests (README, "Reliability"): the real sandbox, as a subprocess, on
loopback."""
