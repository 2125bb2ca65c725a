"""`carriyo-sandbox proxy` and `replay`: watch real traffic between an integration and a Carriyo
tenant (or any implementation), check each exchange against the documentation, record it as HAR,
and measure how far the sandbox is from what the upstream answered.

forward.py sends a request on unchanged; har.py records exchanges; operations.py matches a
request to an operation of the spec; documented.py checks a request and an answer against the
documented view of openapi.yaml; orderbook.py keeps the last order seen; judgements.py says which
of the contract suite's rules an exchange lets the proxy judge; judge.py judges and reports;
app.py is the proxy's WSGI app; replay.py replays a recording and writes the parity report;
cli.py holds both commands' options.
"""
