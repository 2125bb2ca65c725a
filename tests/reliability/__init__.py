"""Reliability and security tests (issue 7): the real sandbox, as a subprocess, on loopback."""
