"""The scheduler: poll whatever is due, sleep until the next subscription is due, repeat.

`autointel watch` runs it in the foreground; a server (issue 6) runs the same loop in a thread and
stops it with ``stop``.
"""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Callable

from autointel.store import subscriptions as subs_store
from autointel.subscribe.poller import PollReport, PollSettings, poll

MAX_SLEEP_S = 60.0  # wake at least this often, so new subscriptions are noticed


def run_scheduler(store, settings: PollSettings, *, linker=None, once: bool = False,
                  stop: threading.Event | None = None,
                  on_report: Callable[[PollReport], None] | None = None) -> int:
    """Poll until ``stop`` is set (or once). Returns the number of polls made."""
    stop = stop or threading.Event()
    polls = 0
    while not stop.is_set():
        for report in poll(store, settings, linker=linker):
            polls += 1
            if on_report:
                on_report(report)
        if once:
            break
        stop.wait(seconds_until_next(store))
    return polls


def seconds_until_next(store) -> float:
    nxt = subs_store.next_due(store.conn)
    if nxt is None:
        return MAX_SLEEP_S
    delta = (datetime.fromisoformat(nxt) - subs_store.now_utc()).total_seconds()
    return min(max(delta, 0.5), MAX_SLEEP_S)
