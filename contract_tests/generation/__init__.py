"""Generation: what the suite sends and the states it starts from.

Realistic values (samples.py) and Hypothesis strategies over them (strategies.py), property-test
steps (steps.py), each order operation with a request that succeeds (operations.py), terminal
states built through the published lifecycle (building.py), and the state machine interleaving
the operations (lifecycle.py).
"""
