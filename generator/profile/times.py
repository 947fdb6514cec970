"""Times as the profile contract reads them, and the build's clock. No I/O here.

A profile time without an offset is village time (the village's IANA zone); one with an offset is
converted. Wall-clock times in a DST gap take the offset before the gap, as RFC 5545 says (3.3.5):
02:30 on a spring-forward night becomes 03:30 summer time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)


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
