"""Spread connections evenly over `autointel serve --workers N`.

The worker processes share one listening socket. When a burst of connections arrives (a browser opening
several, a load generator, a proxy's pool), every worker is woken, and asyncio's accept loop takes up to
``backlog`` connections per wake-up: the first worker to run takes nearly all of them (17 of 20 measured,
docs/benchmarks.md), and since a worker answers its connections one request at a time, their clients wait
several times longer than the other worker's. Accepting one connection per wake-up lets the workers take
turns; the listen queue itself keeps its size.

This wraps a private method of asyncio's selector event loop (``_accept_connection``, present since Python
3.4 with this signature); where it is missing nothing is changed.
"""
from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


def accept_one_at_a_time() -> bool:
    """On the running event loop; True when installed."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    original = getattr(loop, "_accept_connection", None)
    if original is None or getattr(original, "_one_at_a_time", False):
        return False

    def accept(protocol_factory, sock, sslcontext=None, server=None, backlog=100, *args, **kwargs):
        return original(protocol_factory, sock, sslcontext, server, 1, *args, **kwargs)

    accept._one_at_a_time = True
    loop._accept_connection = accept
    return True
