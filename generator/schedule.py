"""Live sessions in time: the build's clock, session ids and the occurrences of (repeating) sessions.

A repeat is expanded the way RFC 5545 expands an RRULE whose DTSTART carries a TZID: on the wall
clock of the village's zone. A Friday 19:30 session in Rome stays at 19:30 after the clocks go
forward (its UTC time moves by an hour); a start that falls in a spring-forward gap is read with
the offset before the gap, as RFC 5545 says (02:30 becomes 03:30 summer time). No I/O here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from generator.model import Village
from generator.schema import Session

DAY = timedelta(days=1)


def build_now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)


@dataclass(frozen=True)
class Occurrence:
    village: Village
    index: int
    """The session's position in `live.sessions`."""
    session: Session
    start: datetime
    """Aware, in the village's time zone."""

    @property
    def end(self) -> datetime:
        return later(self.start, self.session.duration)

    @property
    def session_id(self) -> str:
        return session_ids(self.village)[self.index]

    @property
    def key(self) -> str:
        """Unique within a village: the session's id, and for a repeat this start too (like
        `douyin-main-20261204t1930-20261211t1930`); the element id on pages and in feed ids."""
        return f"{self.session_id}-{self.start:%Y%m%dt%H%M}" if self.session.repeat else self.session_id


def zone_of(village: Village) -> ZoneInfo:
    return ZoneInfo(village.profile.timezone)


def sessions_of(village: Village) -> list[Session]:
    live = village.profile.live
    return list(live.sessions) if live else []


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


def session_ids(village: Village) -> list[str]:
    """A stable id for each session: its channel and first start in village time, like
    `douyin-main-20261204t1930`. It survives reordering and new sessions around it; two sessions
    on one channel at one time (a mistake) still get distinct ids."""
    zone, ids = zone_of(village), []
    for session in sessions_of(village):
        base = f"{session.channel}-{wall(session.start, zone):%Y%m%dt%H%M}"
        ident, n = base, 1
        while ident in ids:
            n += 1
            ident = f"{base}-{n}"
        ids.append(ident)
    return ids


# --- repeat rules -------------------------------------------------------------------------------


def rule_parts(text: str) -> list[tuple[str, str]]:
    return [(k.strip().upper(), v.strip()) for k, _, v in (p.partition("=") for p in text.split(";") if p.strip())]


def until_wall(value: str, zone: ZoneInfo) -> datetime:
    """UNTIL in village wall time. A date (20270630) means the end of that day; a `Z` time is
    UTC; a time without `Z` is village time, as the profile contract says of every time."""
    value = value.strip().upper()
    if len(value) == 8:
        return datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59))
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    return wall(moment.replace(tzinfo=UTC), zone) if value.endswith("Z") else moment


def ical_rule(session: Session, zone: ZoneInfo) -> str:
    """The repeat as RFC 5545 wants it beside a DTSTART with TZID: UNTIL in UTC."""
    return _with_until(session, lambda until: f"{aware(until_wall(until, zone), zone).astimezone(UTC):%Y%m%dT%H%M%SZ}")


def _wall_rule(session: Session, zone: ZoneInfo) -> rrule:
    rule = _with_until(session, lambda until: f"{until_wall(until, zone):%Y%m%dT%H%M%S}")
    return _parsed(rule, wall(session.start, zone))


@lru_cache(maxsize=4096)
def _parsed(rule: str, dtstart: datetime) -> rrule:
    # Parsing is most of the cost of a session's starts, and each session's are asked for several
    # times per build (its pages, the schedule, feeds, poster): parse each rule once. An rrule is
    # only ever read (iterated, or added to an rruleset), so sharing it is safe.
    return rrulestr("RRULE:" + rule, dtstart=dtstart)


def _with_until(session: Session, until: Callable[[str], str]) -> str:
    """The session's repeat rule with its UNTIL rewritten by `until`, every other part as written."""
    return ";".join(f"{key}={until(value) if key == 'UNTIL' else value}" for key, value in rule_parts(session.repeat or ""))


def series(session: Session, zone: ZoneInfo) -> rruleset:
    """The wall-clock starts of a session: DTSTART (always the first instance) and its repeats."""
    expansion = rruleset()
    expansion.rdate(wall(session.start, zone))
    if session.repeat:
        expansion.rrule(_wall_rule(session, zone))
    return expansion


def exdates(session: Session, zone: ZoneInfo) -> list[datetime]:
    """The starts that `except` removes, aware, each an actual start of the series.

    `except: [2027-05-01T19:30]` names one start; a bare date (`2027-05-01`, read as midnight)
    that is not itself a start leaves out every start on that day.
    """
    if not session.repeat:
        return []
    expansion, found = series(session, zone), set()
    for moment in session.except_:
        when = wall(moment, zone)
        if when in expansion:
            found.add(when)
        elif when.time() == time(0) and moment.tzinfo is None:
            found.update(expansion.between(when, when + DAY - timedelta(seconds=1), inc=True))
    return [aware(w, zone) for w in sorted(found)]


def starts(session: Session, zone: ZoneInfo, begin: datetime, before: datetime) -> list[datetime]:
    """Aware starts of the session that end after `begin` and start before `before`, excepts left out."""
    expansion = series(session, zone)
    skipped = set(exdates(session, zone))
    low, high = wall(begin - session.duration, zone) - DAY, wall(before, zone) + DAY  # a day's slack for DST
    found = []
    for moment in expansion.between(low, high, inc=True):
        start = aware(moment, zone)
        if start not in skipped and later(start, session.duration) > begin and start < before:
            found.append(start)
    return found


def next_start(session: Session, zone: ZoneInfo, moment: datetime) -> datetime | None:
    """The first start at or after `moment`, excepts left out."""
    expansion, skipped = series(session, zone), set(exdates(session, zone))
    candidate = wall(moment, zone) - DAY
    while (candidate := expansion.after(candidate, inc=False)) is not None:
        start = aware(candidate, zone)
        if start >= moment and start not in skipped:
            return start
    return None


def occurrences(village: Village, start: datetime, end: datetime) -> list[Occurrence]:
    """Every session of the village that is on in [start, end), in order.

    A session none of whose starts falls before `end` still shows its next start beyond the window
    (a one-off in spring, a series that has not begun yet): it is the next thing to look forward to.
    """
    zone = zone_of(village)
    found = []
    for index, session in enumerate(sessions_of(village)):
        inside = starts(session, zone, start, end)
        if not [s for s in inside if s >= start] and (beyond := next_start(session, zone, end)):
            inside.append(beyond)
        found += [Occurrence(village, index, session, s) for s in inside]
    return sorted(found, key=lambda o: (o.start, o.village.slug, o.index))


def upcoming(village: Village, now: datetime, ahead: timedelta = timedelta(weeks=8)) -> list[Occurrence]:
    """Sessions on now or starting within `ahead` (and the next start of any session beyond)."""
    return occurrences(village, now, now + ahead)


def window(villages, now: datetime, back: timedelta, ahead: timedelta) -> list[Occurrence]:
    """Every village's sessions from `back` before `now` to `ahead` after it, in order."""
    found = [o for v in villages for o in occurrences(v, now - back, now + ahead)]
    return sorted(found, key=lambda o: (o.start, o.village.slug, o.index))
