"""The live schedule as readers see it: sessions grouped into today, this week, later and past,
each by day. No I/O here; the starts come from the build's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from generator.schedule.timeline import Occurrence
from generator.words import SCHEDULE_GROUPS, day_label, say


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


def group_by_day(occurrences: Iterable[Occurrence], now: datetime, language: str) -> Schedule:
    """Today, this week (to Sunday), later, then past sessions (latest first); each by day.

    "Today" is the village's today: each session is placed by the date and clock of its own
    village. The browser regroups them by the viewer's clock (schedule.js).
    """
    buckets: dict[str, dict[date, list[Occurrence]]] = {key: {} for key in SCHEDULE_GROUPS}
    upcoming = []
    for o in occurrences:
        today = now.astimezone(o.start.tzinfo).date()
        day = o.start.date()
        if o.end <= now:
            key = "past"
        else:
            upcoming.append(o)
            key = "today" if day <= today else "week" if day <= today + timedelta(days=6 - today.weekday()) else "later"
        buckets[key].setdefault(day, []).append(o)
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
