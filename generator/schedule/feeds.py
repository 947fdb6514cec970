"""Calendar feeds of live sessions (RFC 5545 .ics, written with the `icalendar` library) and the
Atom feeds of upcoming sessions.

One VEVENT per session, not per start: a repeating session keeps its RRULE and EXDATE, so a
calendar shows one series that it can follow. Nothing in a calendar depends on the build's clock:
DTSTAMP is the session's first start (the input holds no "last edited" time; the first start is
stable from build to build and moves when the session does), and each zone's VTIMEZONE covers
the years of the sessions. The same profile therefore always gives the same bytes. An Atom feed
is as old as its newest entry, and a feed without entries as its sessions' latest first start.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial

from icalendar import Calendar, Event, Timezone, vRecur

from generator.cache import Memo, code_identity, digest, zone_data
from generator.profile.model import Catalog, Village, pick
from generator.profile.repeats import exdates, ical_rule, last_start
from generator.profile.times import EARLIEST, localize
from generator.schedule.timeline import Occurrence, Timeline
from generator.urls import (
    SCHEDULE_URL,
    SITE_CALENDAR_URL,
    SITE_FEED_URL,
    absolute_url,
    live_url,
    product_url,
    session_calendar_url,
    village_calendar_url,
    village_feed_url,
)
from generator.words import channel_label, say, session_time

ATOM = "http://www.w3.org/2005/Atom"
PRODID = "-//Village Storefront//Live schedule//EN"
OPEN_ENDED_YEARS = 10
"""How many years a VTIMEZONE spells out after the first start of a series without an end."""
UID_DOMAIN = "village-storefront"


@dataclass(frozen=True)
class Publisher:
    """Who publishes the calendars: the site's name, public address and language."""

    name: str
    url: str | None
    language: str


def calendar_files(catalog: Catalog, timeline: Timeline, site: Publisher, memo: Memo | None = None) -> dict[str, bytes]:
    """Site-relative URL -> bytes: an .ics for every session, village and the whole site, and
    the Atom feeds of upcoming sessions of each village and of the site. With a `memo`, a calendar
    whose profiles did not change is taken from the last build (the feeds depend on the clock)."""
    ical = partial(_remembered_ical, memo) if memo is not None else to_ical
    files: dict[str, bytes] = {}
    everything: list[tuple[Village, int]] = []
    for village in catalog.villages:
        sessions = [(village, index) for index in range(len(village.sessions))]
        if not sessions:
            continue
        name = pick(village.profile.name, site.language)
        for village_, index in sessions:
            title = pick(village.sessions[index].title, site.language)
            files[session_calendar_url(village, index)] = ical(f"{title} · {name}", [(village_, index)], site)
        files[village_calendar_url(village)] = ical(say(site.language, "calendar.village", name=name), sessions, site)
        everything += sessions
    if everything:
        files[SITE_CALENDAR_URL] = ical(say(site.language, "calendar.site", name=site.name), everything, site)
    files.update(_feeds(catalog, timeline, site))
    return files


def uid(village: Village, index: int) -> str:
    """The calendar UID of a session: stable across builds, moves and reorderings of the file."""
    return f"{village.session_ids[index]}.{village.slug}@{UID_DOMAIN}"


def to_ical(name: str, sessions: list[tuple[Village, int]], site: Publisher) -> bytes:
    # NAME and X-WR-CALNAME are one line: a name or title written over two lines in a profile
    # (`title: |`) would otherwise stop the build inside icalendar.
    name = " ".join(name.split())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    for village, index in sessions:
        calendar.add_component(_event(village, index, site))
    first, last = _years(sessions)
    # What `calendar.add_missing_timezones` does, with each VTIMEZONE built once per build: a
    # site of many villages in one zone would otherwise rebuild the same block for every
    # calendar (millions of `utcoffset` calls). Zones in sorted order: the same bytes every run.
    for position, tzid in enumerate(sorted(calendar.get_missing_tzids())):
        if timezone := _timezone(tzid, first, last):
            calendar.subcomponents.insert(position, timezone)
    return calendar.to_ical()


def _remembered_ical(memo: Memo, name: str, sessions: list[tuple[Village, int]], site: Publisher) -> bytes:
    key = digest(
        code_identity(__name__),
        zone_data(),
        name,
        [(village.slug, village.digest, index) for village, index in sessions],
        site.url,
        site.language,
    )
    return memo.get(key, lambda: to_ical(name, sessions, site).decode()).encode()


@lru_cache(maxsize=64)
def _timezone(tzid: str, first: date, last: date) -> Timezone | None:
    """The VTIMEZONE of `tzid` from `first` to `last`, or None for a zone icalendar does not know.
    Calendars share it: nothing changes a component once it is built."""
    try:
        return Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError:
        return None


def _event(village: Village, index: int, site: Publisher) -> Event:
    language = site.language
    zone, session = village.zone, village.sessions[index]
    room = village.channel(session.channel)
    start = localize(session.start, zone)
    event = Event()
    event.add("uid", uid(village, index))
    event.add("dtstamp", start.astimezone(UTC))
    event.add("dtstart", start)
    event.add("duration", session.duration)
    if session.repeat:
        event.add("rrule", vRecur.from_ical(ical_rule(session, zone)))
        if skipped := exdates(session, zone):
            event.add("exdate", skipped)
    where = channel_label(room, language)
    event.add("summary", f"{pick(session.title, language)} · {pick(village.profile.name, language)}")
    event.add("location", f"{where} {room.url}")
    event.add("url", room.url)
    hosts = [pick(p.name, language) for p in village.hosts(session)]
    link = (lambda target: " " + _absolute(site, target)) if site.url else (lambda target: "")  # no address, no links
    products = [pick(village.product(pid).name, language) + link(product_url(village, pid)) for pid in session.products]
    lines = [
        f"{say(language, 'live-room')}: {where} {room.url}",
        f"{say(language, 'scene')}: {pick(session.scene, language)}" if session.scene else "",
        f"{say(language, 'hosts')}: {', '.join(hosts)}" if hosts else "",
        *(f"{say(language, 'featured')}: {line}" for line in products),
        link(live_url(village)).strip(),
    ]
    event.add("description", "\n".join(filter(None, lines)))
    return event


def _years(sessions: list[tuple[Village, int]]) -> tuple[date, date]:
    """The span of years the VTIMEZONEs must describe: from the first start to the last end."""
    first, last = None, None
    for village, index in sessions:
        zone, session = village.zone, village.sessions[index]
        start = localize(session.start, zone)
        end = last_start(session, zone) or start + timedelta(days=366 * OPEN_ENDED_YEARS)  # no Feb 29 trap
        first = min(first or start.date(), start.date())
        last = max(last or end.date(), end.date())
    return date(first.year, 1, 1), date(last.year + 2, 1, 1)


def _feeds(catalog: Catalog, timeline: Timeline, site: Publisher) -> dict[str, bytes]:
    ahead, now = timeline.ahead, timeline.now
    files = {}
    for village in catalog.villages:
        if not village.goes_live:
            continue
        upcoming = timeline.upcoming([village])
        name = pick(village.profile.name, site.language)
        files[village_feed_url(village)] = atom_feed(
            say(site.language, "feed", name=name),
            live_url(village),
            village_feed_url(village),
            upcoming,
            now=now,
            ahead=ahead,
            updated_when_empty=_latest_first_start([village]),
            absolute=lambda u: _absolute(site, u),
            language=site.language,
        )
    files[SITE_FEED_URL] = atom_feed(
        say(site.language, "feed", name=site.name),
        SCHEDULE_URL,
        SITE_FEED_URL,
        timeline.upcoming(catalog.villages),
        now=now,
        ahead=ahead,
        updated_when_empty=_latest_first_start(catalog.villages),
        absolute=lambda u: _absolute(site, u),
        language=site.language,
    )
    return files


def _latest_first_start(villages: Iterable[Village]) -> datetime:
    """When a feed without entries last changed, as far as the profiles tell: the latest first
    start of its sessions (as DTSTAMP is a session's first start), or EARLIEST without any."""
    firsts = [localize(session.start, village.zone) for village in villages for session in village.sessions]
    return max(firsts, default=EARLIEST.replace(tzinfo=UTC))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    title: str,
    page: str,
    feed: str,
    upcoming: Iterable[Occurrence],
    *,
    now: datetime,
    ahead: timedelta,
    updated_when_empty: datetime,
    absolute: Callable[[str], str],
    language: str,
) -> bytes:
    """Upcoming sessions as Atom. An entry's `updated` is when its start came within the window
    (`ahead` before it), never later than the build's now: a feed reader shows it as news then.
    The feed's is its newest entry's, else `updated_when_empty`, not the build's clock: a feed with
    no upcoming session is the same from build to build."""
    upcoming = list(upcoming)
    updated = [min(now, o.start - ahead) for o in upcoming]
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language})
    ET.SubElement(root, "id").text = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{UID_DOMAIN}:{feed}"))
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "updated").text = _stamp(max(updated, default=updated_when_empty))
    ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml", "href": absolute(feed)})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": absolute(page)})
    ET.SubElement(ET.SubElement(root, "author"), "name").text = title
    for o, entry_updated in zip(upcoming, updated):
        village, session = o.village, o.session
        room = village.channel(session.channel)
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "id").text = "urn:uuid:" + str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{uid(village, o.index)}/{o.key}")
        )
        ET.SubElement(entry, "title").text = f"{pick(session.title, language)} · {pick(village.profile.name, language)}"
        ET.SubElement(entry, "updated").text = _stamp(entry_updated)
        shown_at = absolute(live_url(village)) + "#" + o.session_id  # a series is shown once, by its id
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": shown_at})
        ET.SubElement(entry, "link", {"rel": "related", "href": room.url})
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = pick(village.profile.name, language)
        where = channel_label(room, language)
        when = session_time(o.start, o.end, village.profile.timezone, language)
        ET.SubElement(entry, "summary").text = " · ".join(filter(None, [when, where, pick(session.scene, language)]))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _absolute(site: Publisher, target: str) -> str:
    return absolute_url(site.url, target)
