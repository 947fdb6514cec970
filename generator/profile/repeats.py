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
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from generator.messages import listed, say
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


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545's days, Monday first, as Python's `weekday()` counts them."""
CHINESE_WEEKDAYS = {"一": "MO", "二": "TU", "三": "WE", "四": "TH", "五": "FR", "六": "SA", "日": "SU", "天": "SU"}
BYDAY_PATTERN = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")

# Repeats as people write them in Chinese: 每天; 每周六, 每周二、四, 每两周五, 每星期二和星期四;
# 每月1日, 每月1号、15号; each with an end, 直到/至/到 2027年6月30日 (or 2027-06-30).
_DAY_ITEM = r"(?:周|星期|礼拜)?[一二三四五六日天]"
_CHINESE_RULE = re.compile(
    r"^每(?:(?P<daily>天|日)"
    rf"|(?P<every>两|隔)?(?:个)?(?:周|星期|礼拜)(?P<days>[一二三四五六日天](?:\s*[、,，和及与]?\s*{_DAY_ITEM})*)"
    r"|(?:个)?月(?P<monthdays>\d{1,2}\s*[日号](?:\s*[、,，和及与]\s*\d{1,2}\s*[日号])*))"
    r"(?:\s*[,，]?\s*(?:直到|一直到|至|到)\s*(?P<until>\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[-/.]\d{1,2}[-/.]\d{1,2}))"
    r"\s*(?:为止|止)?)?$"
)


class RuleProblem(ValueError):
    """Why a repeat rule cannot be used, in words for the cooperative."""


def chinese_rule(text: str) -> str | None:
    """The RFC 5545 rule that a plain Chinese repeat means (每周六，至2027年6月30日 ->
    FREQ=WEEKLY;BYDAY=SA;UNTIL=20270630), or None when `text` is not one of the forms it reads."""
    match = _CHINESE_RULE.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    if match["daily"]:
        parts = ["FREQ=DAILY"]
    elif match["days"]:
        days = dict.fromkeys(CHINESE_WEEKDAYS[c] for c in re.findall("[一二三四五六日天]", match["days"]))
        parts = ["FREQ=WEEKLY", *(["INTERVAL=2"] if match["every"] else []), "BYDAY=" + ",".join(days)]
    else:
        monthdays = dict.fromkeys(str(int(d)) for d in re.findall(r"\d+", match["monthdays"]))
        parts = ["FREQ=MONTHLY", "BYMONTHDAY=" + ",".join(monthdays)]
    if match["until"]:
        year, month, day = (int(n) for n in re.findall(r"\d+", match["until"]))
        parts.append(f"UNTIL={year:04d}{month:02d}{day:02d}")
    return ";".join(parts)


def checked_rule(value: object) -> str:
    """The rule as written (without a leading `RRULE:`), or the rule a plain Chinese repeat means
    (`chinese_rule`), or RuleProblem saying what is wrong."""
    text = value.strip() if isinstance(value, str) else ""
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "FREQ=" not in text.upper() and (meant := chinese_rule(text)):
        text = meant
    if "FREQ=" not in text.upper() or "DTSTART" in text.upper():
        raise RuleProblem(say("rule.not_a_rule", value=value))
    parts = dict(part.partition("=")[::2] for part in text.upper().split(";") if part)
    # Live sessions repeat by the day at most: hourly or minutely rules would expand to thousands
    # of pages and calendar entries.
    if parts.get("FREQ") not in FREQUENCIES:
        raise RuleProblem(say("rule.frequency", freq=parts.get("FREQ"), offered=", ".join(FREQUENCIES)))
    for part in TIME_OF_DAY_PARTS:
        if part in parts:
            raise RuleProblem(say("rule.time_of_day", part=part))
    if "BYEASTER" in parts:  # dateutil's own part: calendar apps would not read it
        raise RuleProblem(say("rule.byeaster"))
    if "INTERVAL" in parts and not _whole(parts["INTERVAL"], MAX_INTERVAL):
        # INTERVAL=0 would never move on: the expansion would loop for ever.
        raise RuleProblem(say("rule.interval", interval=parts["INTERVAL"], most=MAX_INTERVAL))
    if "UNTIL" in parts and not UNTIL_PATTERN.match(parts["UNTIL"]):
        raise RuleProblem(say("rule.until", until=parts["UNTIL"]))
    if "COUNT" in parts and not _whole(parts["COUNT"], MAX_COUNT):
        raise RuleProblem(say("rule.count", count=parts["COUNT"], most=MAX_COUNT))
    if "BYDAY" in parts and (wrong := [d for d in parts["BYDAY"].split(",") if not BYDAY_PATTERN.match(d.strip())]):
        raise RuleProblem(say("rule.byday", wrong=",".join(wrong), days=_weekday_list()))
    try:
        # The start comes from `start`; here only the rule's own syntax is checked.
        rrulestr("RRULE:" + text, dtstart=datetime(2000, 1, 1), ignoretz=True)
    except (ValueError, TypeError) as error:
        raise RuleProblem(say("rule.invalid", value=value, error=error)) from None
    if "UNTIL" in parts and not within_span(datetime.strptime(parts["UNTIL"][:8], "%Y%m%d")):
        raise RuleProblem(say("rule.until_span", advice=span_advice(f"UNTIL={parts['UNTIL']}")))
    return text


def _weekday_list() -> str:
    """MO 周一、TU 周二 ... SU 周日: the days as a rule writes them, each with its name."""
    return listed([f"{code} {say(f'weekday.{code}')}" for code in WEEKDAYS])


def start_off_the_days(session: Session, zone: ZoneInfo) -> str | None:
    """Why a weekly session's `start` falls on a day its BYDAY leaves out, or None. RFC 5545 makes
    the start the first session whatever the rule says, so a Saturday start with BYDAY=FR would put
    one Saturday among the Fridays: surely not what was meant."""
    parts = dict(rule_parts(session.repeat or ""))
    if parts.get("FREQ", "").upper() != "WEEKLY" or "BYDAY" not in parts:
        return None
    days = [BYDAY_PATTERN.match(d.strip().upper()) for d in parts["BYDAY"].split(",")]
    named = [day[2] for day in days if day]
    start = wall(session.start, zone)
    code = WEEKDAYS[start.weekday()]
    if not named or code in named:
        return None
    return say(
        "rule.start_off_days",
        start=f"{start:%Y-%m-%d}",
        day=say(f"weekday.{code}"),
        byday=parts["BYDAY"],
        days=listed([say(f"weekday.{d}") for d in named]),
        code=code,
    )


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
        return say("rule.until_before_start", until=parts["UNTIL"], start=f"{first:%Y-%m-%dT%H:%M}")
    if _first_repeat(session, zone) is None:
        end = f"UNTIL={parts['UNTIL']}" if until is not None else say("rule.end_of_year", year=LATEST.year)
        return say("rule.no_day_matches", end=end, rule=session.repeat)
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
