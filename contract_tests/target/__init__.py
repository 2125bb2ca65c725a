"""The target: the implementation under test as the suite reaches it.

Its options (config.py), bearer tokens (auth.py), the HTTP client (client.py), seeding and
observation (target.py), and Schemathesis' cases sent to it (schema.py), each bound to an order
seeded for it (binding.py).
"""
