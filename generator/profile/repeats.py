"""Repeat rules (RFC 5545 RRULE) as the profile contract reads them: checked, parsed and expanded
here and nowhere else. The schema checks a rule's syntax with `checked_rule`; the reader asks
`never_happens`; the timeline and the calendar feeds expand a session with `series`, `exdates`,
`starts` and `next_start`. No I/O here.

A repeat is expanded the way RFC 5545 expands an RRULE whose DTSTART carries a TZID: on the wall
clock of the village's zone. A Friday 19:30 session in Rome stays at 19:30 after the clocks go
forward (its UTC time moves by an hour).

Every expansion is bounded, whatever the rule says: it walks a series from its first start, one
start at a time, and stops past the end of its span (the schedule's window, at most LATEST) or
after as many starts as the span has days.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from generator.profile.times import DAY, LATEST, aware, later, localize, span_advice, wall, within_span

if TYPE_CHECKING:
    from generator.profile.schema import Session

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_COUNT = 1000
MAX_INTERVAL = 365
UNTIL_PATTERN = re.compile(r"^\d{8}(T\d{6}Z?)?$")
TIME_OF_DAY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
"""Parts that would start a session more than once a day: its time of day is the one of `start`."""
CALENDAR_CYCLE = 400
"""Years after which the Gregorian calendar repeats itself, weekdays included (146,097 days are
20,871 weeks): a rule and its dates moved by a multiple of it start on the same days."""
LAST_CYCLE = (datetime.max.year - LATEST.year - 1) // CALENDAR_CYCLE * CALENDAR_CYCLE
"""How many years `_first_repeat` moves a rule: whole cycles, to the last before the year 9999."""


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
    for part in TIME_OF_DAY_PARTS:
        if part in parts:
            raise RuleProblem(
                f"{part} is not offered: a session starts at most once a day, at the time of day of `start`; "
                f"remove {part} and write the time in `start`, like 2027-03-20T19:30"
            )
    if "BYEASTER" in parts:  # dateutil's own part: calendar apps would not read it
        raise RuleProblem("BYEASTER is not part of RFC 5545; write the dates as sessions of their own")
    if "INTERVAL" in parts and not _whole(parts["INTERVAL"], MAX_INTERVAL):
        # INTERVAL=0 would never move on: the expansion would loop for ever.
        raise RuleProblem(
            f"INTERVAL={parts['INTERVAL']} should be a whole number from 1 to {MAX_INTERVAL}, "
            "like INTERVAL=2 for every other week in a WEEKLY rule"
        )
    if "UNTIL" in parts and not UNTIL_PATTERN.match(parts["UNTIL"]):
        raise RuleProblem(f"UNTIL={parts['UNTIL']} should be a date like 20270630 or a time like 20270630T235959")
    if "COUNT" in parts and not _whole(parts["COUNT"], MAX_COUNT):
        raise RuleProblem(f"COUNT={parts['COUNT']} should be a whole number from 1 to {MAX_COUNT}")
    try:
        # The start comes from `start`; here only the rule's own syntax is checked.
        rrulestr("RRULE:" + text, dtstart=datetime(2000, 1, 1), ignoretz=True)
    except (ValueError, TypeError) as error:
        raise RuleProblem(f"{value!r} is not a valid RFC 5545 repeat rule ({error})") from None
    if "UNTIL" in parts and not within_span(datetime.strptime(parts["UNTIL"][:8], "%Y%m%d")):
        raise RuleProblem(span_advice(f"UNTIL={parts['UNTIL']}") + ", like UNTIL=20270630")
    return text


def _whole(text: str, most: int) -> bool:
    """Whether `text` is a whole number from 1 to `most` in ASCII digits (`"²".isdigit()` is true)."""
    return text.isascii() and text.isdigit() and len(text) <= len(str(most)) and 0 < int(text) <= most


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
    """The session's last start, aware: its only start, UNTIL, or the last start of COUNT up to
    LATEST; None for a series without an end."""
    start = localize(session.start, zone)
    if not session.repeat:
        return start
    parts = dict(rule_parts(session.repeat))
    if "UNTIL" in parts:
        return localize(until_wall(parts["UNTIL"], zone), zone)
    if "COUNT" in parts:
        last = max(_walk(session, zone, wall(start, zone), LATEST), default=None)  # finite: COUNT
        return aware(last, zone) if last else start
    return None


def never_happens(session: Session, zone: ZoneInfo) -> str | None:
    """Why none of the repeat's starts falls from `start` to UNTIL (or LATEST), or None."""
    if not session.repeat:
        return None
    first = wall(session.start, zone)
    parts = dict(rule_parts(session.repeat))
    until = until_wall(parts["UNTIL"], zone) if "UNTIL" in parts else None
    if until is not None and until < first:
        return (
            f"the rule never happens: it has UNTIL before start (UNTIL={parts['UNTIL']}, start "
            f"{first:%Y-%m-%dT%H:%M}); write an UNTIL after the start, or leave UNTIL out"
        )
    if _first_repeat(session, zone) is None:
        end = f"UNTIL={parts['UNTIL']}" if until is not None else f"the end of {LATEST.year}"
        return (
            f"the rule never happens: no day from `start` to {end} matches all of {session.repeat} "
            "(a date like 30 February does not exist, or INTERVAL steps over every day that matches); "
            "check its BY parts, INTERVAL and UNTIL"
        )
    return None


def _first_repeat(session: Session, zone: ZoneInfo) -> datetime | None:
    """The rule's first start on or after `start` and not after LATEST, on the wall clock.

    dateutil looks for it up to the year 9999, whatever the rule says: for a rule that no day
    matches, 8,000 years of days (2.6 s for a DAILY rule). The same question is put to the rule
    moved by whole calendar cycles to the last cycle before 9999, which has the same answer (the
    calendar repeats) after at most CALENDAR_CYCLE years of looking."""
    rule = _with_until(session.repeat or "", lambda until: f"{_moved(until_wall(until, zone)):%Y%m%dT%H%M%S}")
    start = _moved(wall(session.start, zone))
    found = _parsed(rule, start).after(start, inc=True)
    return _moved(found, back=True) if found and _moved(found, back=True) <= LATEST else None


def _moved(moment: datetime, back: bool = False) -> datetime:
    """`moment` LAST_CYCLE years later (or earlier): whole cycles, so 29 February stays."""
    return moment.replace(year=moment.year + (-LAST_CYCLE if back else LAST_CYCLE))


def series(session: Session, zone: ZoneInfo) -> rruleset:
    """The wall-clock starts of a session: DTSTART (always the first instance) and its repeats."""
    expansion = rruleset()
    expansion.rdate(wall(session.start, zone))
    if session.repeat:
        expansion.rrule(_wall_rule(session, zone))
    return expansion


def _walk(session: Session, zone: ZoneInfo, low: datetime, high: datetime) -> Iterator[datetime]:
    """The wall-clock starts from `low` to `high` (both included, never past LATEST), in order.

    dateutil reads a series from its first start on; it is read for at most one start a day from
    there to `high`, and no further than `high`: checked_rule allows no rule that starts more
    often, and this holds whatever a rule says."""
    high = min(high, LATEST)
    days = (high - wall(session.start, zone)).days + 2
    for moment in islice(series(session, zone), max(days, 0)):
        if moment > high:
            return
        if moment >= low:
            yield moment


def exdates(session: Session, zone: ZoneInfo) -> list[datetime]:
    """The starts that `except` removes, aware, each an actual start of the series.

    `except: [2027-05-01T19:30]` names one start; a bare date (`2027-05-01`, read as midnight)
    that is not itself a start leaves out the start on that day (a series starts once a day).
    """
    if not session.repeat or not session.except_:
        return []
    named = {moment: wall(moment, zone) for moment in session.except_}
    days = {when.date() for moment, when in named.items() if moment.tzinfo is None and when.time() == time(0)}
    times = set(named.values())
    # One walk over the span that `except` names, however many dates it lists.
    walked = _walk(session, zone, min(times), max(times) + DAY)
    return [aware(w, zone) for w in walked if w in times or w.date() in days]


def starts(session: Session, zone: ZoneInfo, begin: datetime, before: datetime) -> list[datetime]:
    """Aware starts of the session that end after `begin` and start before `before`, excepts left out."""
    skipped = set(exdates(session, zone))
    low, high = wall(begin - session.duration, zone) - DAY, wall(before, zone) + DAY  # a day's slack for DST
    found = []
    for moment in _walk(session, zone, low, high):
        start = aware(moment, zone)
        if start not in skipped and later(start, session.duration) > begin and start < before:
            found.append(start)
    return found


def next_start(session: Session, zone: ZoneInfo, moment: datetime) -> datetime | None:
    """The first start at or after `moment` (and not after LATEST), excepts left out."""
    skipped = set(exdates(session, zone))
    for candidate in _walk(session, zone, wall(moment, zone) - DAY, LATEST):
        start = aware(candidate, zone)
        if start >= moment and start not in skipped:
            return start
    return None
