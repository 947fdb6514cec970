"""Live sessions in time: the build's clock and the occurrences of (repeating) sessions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from generator.model import Village
from generator.schema import Session


def build_now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)


@dataclass(frozen=True)
class Occurrence:
    village: Village
    index: int
    """The session's position in `live.sessions`, a stable id within the village."""
    session: Session
    start: datetime
    """Aware, in the village's time zone."""

    @property
    def end(self) -> datetime:
        return self.start + self.session.duration


def localize(moment: datetime, zone: ZoneInfo) -> datetime:
    """A profile time: without an offset it is village time; with one it is converted."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def occurrences(village: Village, start: datetime, end: datetime) -> list[Occurrence]:
    """Every session of the village that starts in [start, end), in order.

    A one-off session after `end` is still listed: it is the next thing to look forward to.
    Repeats are expanded on the wall clock of the village's zone, so 19:30 stays 19:30 across a
    daylight-saving change.
    """
    zone = ZoneInfo(village.profile.timezone)
    found = []
    for index, session in enumerate(village.profile.live.sessions if village.profile.live else ()):
        first = localize(session.start, zone)
        if not session.repeat:
            if first + session.duration > start:
                found.append(Occurrence(village, index, session, first))
            continue
        rule = rrulestr("RRULE:" + session.repeat, dtstart=first.replace(tzinfo=None), ignoretz=True)
        skipped = {localize(moment, zone).replace(tzinfo=None) for moment in session.except_}
        window_start = (start - session.duration).astimezone(zone).replace(tzinfo=None)
        window_end = end.astimezone(zone).replace(tzinfo=None)
        for moment in rule.between(window_start, window_end, inc=True):
            if moment not in skipped:
                found.append(Occurrence(village, index, session, moment.replace(tzinfo=zone)))
    return sorted(found, key=lambda o: (o.start, o.village.slug, o.index))


def upcoming(village: Village, now: datetime, weeks: int = 8) -> list[Occurrence]:
    return occurrences(village, now, now + timedelta(weeks=weeks))
