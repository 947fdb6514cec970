"""Times as the profile contract reads them, and the build's clock. No I/O here.

A profile time without an offset is village time (the village's IANA zone); one with an offset is
converted. Wall-clock times in a DST gap take the offset before the gap, as RFC 5545 says (3.3.5):
02:30 on a spring-forward night becomes 03:30 summer time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from generator.messages import say

DAY = timedelta(days=1)

EARLIEST, LATEST = datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59, 59)
"""The span of times a profile may name (a start, an UNTIL, an except), and past which no repeat
is expanded, on the village's wall clock. A live-commerce schedule has no business before 2000 or
after 2099, so a time outside is a typo (2207 for 2027); and staying far from the ends of Python's
calendar (years 1 and 9999) leaves room for what the build adds to a time (a zone's offset, a day
of slack, the years of time-zone rules a calendar spells out) without an OverflowError."""
MAX_DURATION = timedelta(hours=24)
"""The longest live session: a day. A longer one is a typo, or a stream best split in two."""


def within_span(moment: datetime) -> bool:
    """Whether a profile time, as written (its own offset, if any), is from EARLIEST to LATEST."""
    return EARLIEST <= moment.replace(tzinfo=None) <= LATEST


def span_advice(written: str) -> str:
    """What the profile is told of a time outside the span, written as `written`."""
    return say("time.span", written=written, earliest=EARLIEST.year, latest=LATEST.year)


def build_now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)


def aware(wall: datetime, zone) -> datetime:
    """A wall-clock time in `zone` as a real instant; a time in a DST gap takes the offset before
    the gap (RFC 5545, 3.3.5), an ambiguous one the first of its two instants."""
    return datetime.fromtimestamp(wall.replace(tzinfo=zone, fold=0).timestamp(), zone)


def later(moment: datetime, delta: timedelta) -> datetime:
    """`delta` of real time after `moment`, in its zone (Python's `aware + delta` moves the wall
    clock instead, which is an hour off across a DST change)."""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def localize(moment: datetime, zone: ZoneInfo) -> datetime:
    """A profile time: without an offset it is village time; with one it is converted."""
    return aware(moment, zone) if moment.tzinfo is None else moment.astimezone(zone)


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock reading of `moment` in `zone`."""
    return localize(moment, zone).replace(tzinfo=None)
