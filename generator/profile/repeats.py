"""Repeat rules (RFC 5545 RRULE) as the profile contract reads them: checked, parsed and expanded
here and nowhere else. The schema checks a rule's syntax with `checked_rule`; the reader asks
`never_happens`; the timeline and the calendar feeds expand a session with `series`, `exdates`,
`starts` and `next_start`. No I/O here.

A repeat is expanded the way RFC 5545 expands an RRULE whose DTSTART carries a TZID: on the wall
clock of the village's zone. A Friday 19:30 session in Rome stays at 19:30 after the clocks go
forward (its UTC time moves by an hour).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from generator.profile.times import DAY, aware, later, localize, wall

if TYPE_CHECKING:
    from generator.profile.schema import Session

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_COUNT = 1000
UNTIL_PATTERN = re.compile(r"^\d{8}(T\d{6}Z?)?$")


class RuleProblem(ValueError):
    """Why a repeat rule cannot be used, in words for the cooperative."""


def checked_rule(value: object) -> str:
    """The rule as written (without a leading `RRULE:`), or RuleProblem saying what is wrong."""
    text = value.strip() if isinstance(value, str) else ""
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "FREQ=" not in text.upper() or "DTSTART" in text.upper():
        raise RuleProblem(f"{value!r} is not a repeat rule; write one like FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959")
    parts = dict(part.partition("=")[::2] for part in text.upper().split(";") if part)
    # Live sessions repeat by the day at most: hourly or minutely rules would expand to thousands
    # of pages and calendar entries.
    if parts.get("FREQ") not in FREQUENCIES:
        raise RuleProblem(f"FREQ={parts.get('FREQ')} is not offered; repeat {', '.join(FREQUENCIES)}")
    if "UNTIL" in parts and not UNTIL_PATTERN.match(parts["UNTIL"]):
        raise RuleProblem(f"UNTIL={parts['UNTIL']} should be a date like 20270630 or a time like 20270630T235959")
    if "COUNT" in parts and not (parts["COUNT"].isdigit() and 0 < int(parts["COUNT"]) <= MAX_COUNT):
        raise RuleProblem(f"COUNT={parts['COUNT']} should be a whole number from 1 to {MAX_COUNT}")
    try:
        # The start comes from `start`; here only the rule's own syntax is checked.
        rrulestr("RRULE:" + text, dtstart=datetime(2000, 1, 1), ignoretz=True)
    except (ValueError, TypeError) as error:
        raise RuleProblem(f"{value!r} is not a valid RFC 5545 repeat rule ({error})") from None
    return text


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
    return _with_until(
        session.repeat or "", lambda until: f"{aware(until_wall(until, zone), zone).astimezone(UTC):%Y%m%dT%H%M%SZ}"
    )


def _wall_rule(session: Session, zone: ZoneInfo) -> rrule:
    rule = _with_until(session.repeat or "", lambda until: f"{until_wall(until, zone):%Y%m%dT%H%M%S}")
    return _parsed(rule, wall(session.start, zone))


@lru_cache(maxsize=4096)
def _parsed(rule: str, dtstart: datetime) -> rrule:
    # Parsing is most of the cost of a session's starts: parse each rule once. An rrule is only
    # ever read (iterated, or added to an rruleset), so sharing it is safe.
    return rrulestr("RRULE:" + rule, dtstart=dtstart)


def _with_until(rule: str, until: Callable[[str], str]) -> str:
    """`rule` with its UNTIL rewritten by `until`, every other part as written."""
    return ";".join(f"{key}={until(value) if key == 'UNTIL' else value}" for key, value in rule_parts(rule))


def frequency(rule: str | None) -> str | None:
    """DAILY, WEEKLY, MONTHLY or YEARLY: how often the rule comes back (None without a rule)."""
    return dict(rule_parts(rule)).get("FREQ") if rule else None


def last_start(session: Session, zone: ZoneInfo) -> datetime | None:
    """The session's last start, aware: its only start, the last before UNTIL or of COUNT; None
    for a series without an end."""
    start = localize(session.start, zone)
    if not session.repeat:
        return start
    parts = dict(rule_parts(session.repeat))
    if "UNTIL" in parts:
        return localize(until_wall(parts["UNTIL"], zone), zone)
    if "COUNT" in parts:
        starts = list(series(session, zone))  # finite: the rule has a COUNT
        return aware(starts[-1], zone) if starts else start
    return None


def never_happens(session: Session, zone: ZoneInfo) -> bool:
    """A repeat none of whose starts falls on or after `start` (an UNTIL before the start)."""
    return bool(session.repeat) and _wall_rule(session, zone).after(wall(session.start, zone), inc=True) is None


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
