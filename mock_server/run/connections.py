"""A client's TCP connection found among this process's sockets and shut down: how granian, which
hands the app no socket, drops a connection for a fault (`DROP_KEY`). Linux only (/proc)."""

from __future__ import annotations

import os
import socket
from contextlib import ExitStack, suppress


def unmapped(address: str) -> str:
    """An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) as plain IPv4."""
    return address.removeprefix("::ffff:")


def split_peer(peer: str) -> tuple[str, int]:
    """`host:port` (granian's `scope.client`; an IPv6 host possibly in brackets) as its parts."""
    host, _, port = peer.rpartition(":")
    return unmapped(host.strip("[]")), int(port)


def connection_to(port: int, peer: tuple[str, int], stack: ExitStack) -> socket.socket | None:
    """This process's TCP connection accepted on `port` from `peer` (address, port), through a
    duplicate descriptor closed with `stack`; None when there is none (the client left)."""
    with suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            with suppress(OSError, ValueError):
                if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                    continue
                sock = stack.enter_context(socket.socket(fileno=os.dup(int(name))))
                if sock.family not in (socket.AF_INET, socket.AF_INET6):
                    continue
                if sock.type != socket.SOCK_STREAM or sock.getsockname()[1] != port:
                    continue
                address, peer_port = sock.getpeername()[:2]  # a listener has no peer
                if (unmapped(address), peer_port) == peer:
                    return sock
    return None


def shut_down(port: int, peer: tuple[str, int]) -> bool:
    """Shut down the connection accepted on `port` from `peer`; False when none is found."""
    with ExitStack() as stack:
        sock = connection_to(port, peer, stack)
        if sock is None:
            return False
        sock.shutdown(socket.SHUT_RDWR)
        return True
