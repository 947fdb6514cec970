"""The live schedule as readers see it: sessions grouped into today, this week, later and past,
each by day. No I/O here; the starts come from the build's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from generator.profile.repeats import last_start, rule_parts
from generator.schedule.timeline import Occurrence
from generator.words import SCHEDULE_GROUPS, day_label, repeat_label, say


@dataclass(frozen=True)
class Day:
    date: date
    label: str
    occurrences: tuple[Occurrence, ...]


@dataclass(frozen=True)
class Group:
    id: str
    """today | week | later | past"""
    label: str
    days: tuple[Day, ...]


@dataclass(frozen=True)
class Schedule:
    groups: tuple[Group, ...]
    upcoming: tuple[Occurrence, ...]
    """Sessions on now or later, in order: what feeds and structured data announce."""

    @property
    def empty(self) -> bool:
        return not self.groups


def _group_of(o: Occurrence, now: datetime) -> str:
    """Which of SCHEDULE_GROUPS a start belongs to: past once it has ended, else today, this week
    (to Sunday) or later, by the date and clock of its own village."""
    if o.end <= now:
        return "past"
    today = now.astimezone(o.start.tzinfo).date()
    day = o.start.date()
    return "today" if day <= today else "week" if day <= today + timedelta(days=6 - today.weekday()) else "later"


def group_by_day(occurrences: Iterable[Occurrence], now: datetime, language: str) -> Schedule:
    """Today, this week (to Sunday), later, then past sessions (latest first); each by day.

    "Today" is the village's today: each session is placed by the date and clock of its own
    village. The browser regroups them by the viewer's clock (schedule.js).
    """
    buckets: dict[str, dict[date, list[Occurrence]]] = {key: {} for key in SCHEDULE_GROUPS}
    upcoming = []
    for o in occurrences:
        key = _group_of(o, now)
        if key != "past":
            upcoming.append(o)
        buckets[key].setdefault(o.start.date(), []).append(o)
    groups = []
    for key, days in buckets.items():
        order = sorted(days, reverse=key == "past")
        listed = [
            Day(d, day_label(d, language), tuple(sorted(days[d], key=lambda o: o.start, reverse=key == "past")))
            for d in order
        ]
        if listed:
            groups.append(Group(key, say(language, key), tuple(listed)))
    return Schedule(tuple(groups), tuple(upcoming))


# --- each show once: series (issue 18) ------------------------------------------------------------
# A weekly show is one entry, not one card a week: its rule in words, its next start highlighted
# and the next few starts as a line. Placed in the schedule by its next start (its last, once over).

NEXT_DATES = 5
"""How many of a series' coming starts its line of dates shows."""


@dataclass(frozen=True)
class Series:
    occurrence: Occurrence
    """The start it is placed by: the first that has not ended, else its last."""
    starts: tuple[Occurrence, ...]
    """Its starts on the page, in order (ended ones included, so the browser can move on)."""
    rule: str
    """The repeat in words (`每周六 19:30-21:30，至2027年6月30日`); '' for a one-off."""

    @property
    def coming(self) -> tuple[Occurrence, ...]:
        """The line of next dates: from the placing start on, NEXT_DATES of them."""
        at = self.starts.index(self.occurrence)
        return self.starts[at : at + NEXT_DATES]


@dataclass(frozen=True)
class SeriesDay:
    date: date
    label: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class SeriesGroup:
    id: str
    label: str
    days: tuple[SeriesDay, ...]


@dataclass(frozen=True)
class SeriesSchedule:
    groups: tuple[SeriesGroup, ...]
    upcoming: tuple[Occurrence, ...]
    """Every start of the listed series on now or later, in order: what structured data announces
    (an Event per start, as search engines want them)."""

    @property
    def empty(self) -> bool:
        return not self.groups


def series_of(occurrences: Iterable[Occurrence], now: datetime, language: str) -> list[Series]:
    """The occurrences folded into one Series per session, in the order of their placing start."""
    by_session: dict[tuple[str, int], list[Occurrence]] = {}
    for o in occurrences:
        by_session.setdefault((o.village.slug, o.index), []).append(o)
    found = []
    for starts in by_session.values():
        starts.sort(key=lambda o: o.start)
        placing = next((o for o in starts if o.end > now), starts[-1])
        found.append(Series(placing, tuple(starts), _rule_words(placing, language)))
    return sorted(found, key=lambda s: (s.occurrence.start, s.occurrence.village.slug, s.occurrence.index))


def _rule_words(o: Occurrence, language: str) -> str:
    if not o.session.repeat:
        return ""
    last = last_start(o.session, o.village.zone)
    return repeat_label(dict(rule_parts(o.session.repeat)), o.start, o.end, last and last.date(), language)


def group_series(occurrences: Iterable[Occurrence], now: datetime, language: str) -> SeriesSchedule:
    """Like `group_by_day`, but each session once: today, this week, later, then past."""
    buckets: dict[str, dict[date, list[Series]]] = {key: {} for key in SCHEDULE_GROUPS}
    upcoming = []
    for s in series_of(occurrences, now, language):
        upcoming += [start for start in s.starts if start.end > now]
        buckets[_group_of(s.occurrence, now)].setdefault(s.occurrence.start.date(), []).append(s)
    groups = []
    for key, days in buckets.items():
        listed = [SeriesDay(d, day_label(d, language), tuple(days[d])) for d in sorted(days, reverse=key == "past")]
        if listed:
            groups.append(SeriesGroup(key, say(language, key), tuple(listed)))
    return SeriesSchedule(tuple(groups), tuple(sorted(upcoming, key=lambda o: (o.start, o.village.slug, o.index))))
