"""The timeline: every start of every live session that the build shows, computed once per build.

The schedule pages, the village pages, the Atom feeds, the posters and the Event JSON-LD all read
the same `Timeline`, so a session's starts are expanded once and every page agrees on them. What a
repeat rule means is `profile/repeats.py`'s; here it is only expanded over the build's window.
No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.profile.model import Village
from generator.profile.repeats import next_start, starts
from generator.profile.schema import Session
from generator.profile.times import later, localize


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
        return self.village.session_ids[self.index]

    @property
    def key(self) -> str:
        """Unique within a village: the session's id, and for a repeat this start too (like
        `douyin-main-20261204t1930-20261211t1930`); the element id on pages and in feed ids."""
        return f"{self.session_id}-{self.start:%Y%m%dt%H%M}" if self.session.repeat else self.session_id


@dataclass(frozen=True)
class Starts:
    """One session's starts around the build's now."""

    inside: tuple[datetime, ...]
    """Starts that end after the window opens (`back` before now) and begin before it closes
    (`ahead` after now), excepts left out, in order."""
    beyond: datetime | None
    """The first start at or after the window closes: the next thing to look forward to."""


@dataclass(frozen=True)
class Timeline:
    now: datetime
    back: timedelta
    ahead: timedelta
    starts: dict[str, tuple[Starts, ...]]
    """village slug -> the starts of each of its sessions, by position in `live.sessions`."""

    def window(self, villages: Iterable[Village]) -> list[Occurrence]:
        """Every session of `villages` on from `back` before now to `ahead` after it, in order. A
        session none of whose starts falls in the window shows its next start beyond it (a one-off
        in spring, a series that has not begun yet)."""
        return self._collect(villages, self.now - self.back, lambda start, end: True)

    def upcoming(self, villages: Iterable[Village]) -> list[Occurrence]:
        """The sessions of `villages` on now or starting within `ahead` (and the next start of any
        session beyond), in order."""
        return self._collect(villages, self.now, lambda start, end: end > self.now)

    def next_start(self, village: Village, index: int) -> datetime:
        """The start a session's poster announces: the first that has not ended by now, else
        (a session long over) its first start."""
        times = self.starts[village.slug][index]
        session = village.sessions[index]
        running = [s for s in times.inside if later(s, session.duration) > self.now]
        found = running[0] if running else times.beyond
        return found or localize(session.start, village.zone)

    def _collect(self, villages: Iterable[Village], opens: datetime, keep) -> list[Occurrence]:
        found = []
        for village in villages:
            for index, (session, times) in enumerate(zip(village.sessions, self.starts[village.slug])):
                inside = [s for s in times.inside if keep(s, later(s, session.duration))]
                if not [s for s in inside if s >= opens] and times.beyond:
                    inside.append(times.beyond)
                found += [Occurrence(village, index, session, s) for s in inside]
        return sorted(found, key=lambda o: (o.start, o.village.slug, o.index))


def build_timeline(villages: Iterable[Village], now: datetime, back: timedelta, ahead: timedelta) -> Timeline:
    """The starts of every session of `villages` from `back` before `now` to `ahead` after it."""
    begin, end = now - back, now + ahead
    found = {}
    for village in villages:
        zone = village.zone
        found[village.slug] = tuple(
            Starts(tuple(starts(session, zone, begin, end)), next_start(session, zone, end))
            for session in village.sessions
        )
    return Timeline(now, back, ahead, found)


def between(village: Village, start: datetime, end: datetime) -> list[Occurrence]:
    """The village's sessions on in [start, end) (and the next start of any session beyond): the
    timeline of one village over one span, for a caller outside the build (tests, benchmarks)."""
    return build_timeline([village], start, timedelta(0), end - start).upcoming([village])
