"""Stored fact periods ("2024", "2024-Q3", "2024-H1", "2024-01..2024-09", "2024-11", "..2022-12-31") as dates.

The facts explorer filters by a period range and plots figures in period order, so each period needs a
first and a last day.  An open start ("..2022-12-31": cumulative up to a day) has no first day.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _point(text: str, *, end: bool) -> date | None:
    """One side of a period: a year, quarter, half, month or day, as its first (or last) day."""
    text = text.strip()
    if m := _YEAR.match(text):
        return date(int(m[1]), 12, 31) if end else date(int(m[1]), 1, 1)
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return _month_end(y, 3 * q) if end else date(y, 3 * q - 2, 1)
    if m := _HALF.match(text):
        y, h = int(m[1]), int(m[2])
        return _month_end(y, 6 * h) if end else date(y, 6 * h - 5, 1)
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            return None
        return _month_end(y, mo) if end else date(y, mo, 1)
    if m := _DAY.match(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def period_bounds(period: str | None) -> tuple[date | None, date | None]:
    """(first day, last day) of a stored period; (None, None) when there is none or it is not understood."""
    if not period:
        return None, None
    if ".." in period:
        a, _, b = period.partition("..")
        return (_point(a, end=False) if a else None), (_point(b, end=True) if b else None)
    return _point(period, end=False), _point(period, end=True)
