"""When to poll next, and how healthy a subscription is: pure functions of its state and the clock."""
from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

UNHEALTHY_AFTER = 3  # consecutive failed polls
MAX_BACKOFF_S = 24 * 3600
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> int:
    """'30m', '2h', '1d', '45s' or plain seconds -> seconds."""
    m = _INTERVAL.match(text.lower())
    if not m:
        raise ValueError(f"interval {text!r}: expected a number with s, m, h or d (30m, 2h)")
    seconds = int(float(m.group(1)) * _UNIT[m.group(2)])
    if seconds < 1:
        raise ValueError(f"interval {text!r} is shorter than a second")
    return seconds


def format_interval(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def next_poll(now: datetime, every_s: int, failures: int, rng: random.Random | None = None) -> datetime:
    """A healthy subscription comes back after its interval (±5% so that feeds added together spread
    out); a failing one backs off exponentially, with ±20% jitter, up to a day, and keeps being tried."""
    rng = rng or random.Random()
    if failures <= 0:
        return now + timedelta(seconds=every_s * rng.uniform(0.95, 1.05))
    delay = min(every_s * (2 ** failures), MAX_BACKOFF_S)
    return now + timedelta(seconds=delay * rng.uniform(0.8, 1.2))


def health(sub: dict, now: datetime) -> dict:
    """What `feeds list` shows for one subscription."""
    status = "new" if not sub["last_poll"] else "unhealthy" if sub["failures"] >= UNHEALTHY_AFTER else (
        "failing" if sub["failures"] else "healthy")
    since = datetime.fromisoformat(sub["first_item_at"] or sub["added_at"])
    days = max((now - since).total_seconds() / 86400, 1.0)  # a day at least: no 500 items/day after 3 minutes
    return {
        "id": sub["id"], "url": sub["url"], "kind": sub["kind"], "name": sub["name"],
        "every": format_interval(sub["every_s"]), "status": status, "last_poll": sub["last_poll"],
        "last_success": sub["last_success"], "last_error": sub["last_error"], "failures": sub["failures"],
        "items_seen": sub["items_seen"], "items_new": sub["items_new"],
        "items_per_day": round(sub["items_new"] / days, 2), "next_poll": sub["next_poll"],
    }
