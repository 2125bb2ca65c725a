"""`carriyo-sandbox proxy` and `replay`: watch real traffic between an integration and a Carriyo
tenant (or any implementation), check each exchange against the documentation, record it as HAR,
and measure how far the sandbox is from what the upstream answered.

forward.py sends a request on unchanged; har.py records exchanges; judge.py checks them with the
contract suite's rules; app.py is the proxy's WSGI app; replay.py replays a recording against a
sandbox and writes the parity report.
"""
