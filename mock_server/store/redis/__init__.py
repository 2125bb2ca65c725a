"""The team sandbox's Redis parts behind one seam: the store (`RedisStore`, the Store protocol on
one Redis database), the client type its parts talk through, and `key()`, which names a key of
the sandbox's namespace. The controls' shared journal, faults and webhooks and the shared event
log use only what this module exports; the key layout, the scripts and the tracking of local
copies (`tracking.py`) stay inside.
"""

from .keys import EVENTS, key
from .store import KEEP_NEWEST, Client, RedisStore, connect, shown_url

__all__ = ["EVENTS", "KEEP_NEWEST", "Client", "RedisStore", "connect", "key", "shown_url"]
