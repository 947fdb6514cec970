"""Calendar feeds, the Atom feed and the schema.org Events, read back with real parsers: the
`icalendar` library, `recurring-ical-events` for the expansion a calendar app would do,
ElementTree for Atom, and json for JSON-LD."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from generator import urls as live
from generator.assets.palette import build_palette
from generator.profile.read import load_catalog
from generator.schedule.feeds import Publisher, _timezone, _years, calendar_files, uid
from generator.schedule.timeline import between, build_timeline
from generator.site.pages import Site, plan_pages
from generator.site.render import render_page
from generator.words import zone_label
from tests.conftest import REPO
from tests.reading import Page
from tests.schedule.test_schedule import BORGO, CATALOG, YUZU

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2027, 3, 20, 12, tzinfo=UTC)
SPAN = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))


def site(now: datetime = NOW, url: str | None = "https://example.org/storefront/", catalog=CATALOG) -> Site:
    palette = build_palette(None, None, photo=None, seed="site")
    return Site(
        "Storefront",
        url,
        catalog.language,
        now,
        {v.slug: palette for v in catalog.villages},
        palette,
        timeline=build_timeline(catalog.villages, now, timedelta(weeks=4), timedelta(weeks=8)),
    )


def calendars(catalog, at: Site, memo=None) -> dict[str, bytes]:
    """The calendars and feeds of `catalog` as the site `at` publishes them."""
    return calendar_files(catalog, at.timeline, Publisher(at.name, at.url, at.language), memo)


FILES = calendars(CATALOG, site())


def parse(url: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(FILES[url])


def test_calendar_files_for_each_session_village_and_the_site():
    expected = {live.session_calendar_url(v, i) for v in CATALOG.villages for i in range(len(v.sessions))}
    expected |= {live.village_calendar_url(v) for v in CATALOG.villages} | {live.SITE_CALENDAR_URL}
    assert expected == {url for url in FILES if url.endswith(".ics")}
    assert "villages/borgo-olio/live/yt-borgo-20270312t1930.ics" in FILES
    for url in expected:
        calendar = parse(url)
        calendar.validate()
        assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
        for event in calendar.events:
            assert event["UID"] and event["DTSTAMP"] and event["DTSTART"]


def test_each_zone_has_its_vtimezone_with_its_daylight_saving_rules():
    calendar = parse(live.SITE_CALENDAR_URL)
    zones = {str(tz["TZID"]): tz for tz in calendar.timezones}
    assert set(zones) == {"Europe/Rome", "Asia/Tokyo"} == calendar.get_used_tzids()
    rome = zones["Europe/Rome"]
    daylight = [c for c in rome.walk("DAYLIGHT")]
    assert daylight and str(daylight[0]["TZOFFSETTO"].to_ical()) in ("+0200", "b'+0200'")
    assert not list(zones["Asia/Tokyo"].walk("DAYLIGHT"))


def test_vtimezones_are_built_once_and_are_icalendars_own_in_zone_order():
    """Each VTIMEZONE is built once per (zone, years) and shared by the calendars that need it;
    the bytes are those of icalendar's own `add_missing_timezones`, zones sorted by name."""
    raw = FILES[live.SITE_CALENDAR_URL]
    calendar = icalendar.Calendar.from_ical(raw)
    assert [str(tz["TZID"]) for tz in calendar.timezones] == ["Asia/Tokyo", "Europe/Rome"]
    first, last = _years([(v, i) for v in CATALOG.villages for i in range(len(v.sessions))])
    for tzid in ("Asia/Tokyo", "Europe/Rome"):
        assert icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical() in raw
    _timezone.cache_clear()
    assert calendars(CATALOG, site()) == FILES  # from the cache, the same bytes
    blocks = sum(data.count(b"BEGIN:VTIMEZONE") for url, data in FILES.items() if url.endswith(".ics"))
    info = _timezone.cache_info()
    assert info.hits + info.misses == blocks and info.misses < blocks / 2


def test_series_stay_series_with_rrule_exdate_and_utc_until():
    events = {str(e["UID"]): e for e in parse(live.village_calendar_url(BORGO)).events}
    assert len(events) == len(BORGO.sessions)  # one VEVENT per session, not per start
    mill = events[uid(BORGO, 0)]
    assert mill["RRULE"]["FREQ"] == ["WEEKLY"] and mill["RRULE"]["COUNT"] == [5]
    assert [d.dt for d in mill["EXDATE"].dts] == [datetime(2027, 3, 19, 19, 30, tzinfo=mill.start.tzinfo)]
    assert str(mill.start.tzinfo) == "Europe/Rome" and mill.start.hour == 19
    assert mill.duration == timedelta(minutes=90)
    market = events[uid(BORGO, 3)]
    assert market["RRULE"]["UNTIL"] == [datetime(2027, 4, 24, 21, 59, 59, tzinfo=UTC)]  # end of the day in Rome, in UTC
    assert market["EXDATE"].dts[0].dt.isoformat() == "2027-04-10T10:00:00+02:00"  # the date-only except, as a start
    yuzu = next(iter(parse(live.village_calendar_url(YUZU)).events))
    assert yuzu["RRULE"]["UNTIL"] == [datetime(2027, 1, 31, 11, tzinfo=UTC)]
    assert "RRULE" not in events[uid(BORGO, 4)]


@pytest.mark.parametrize("village", CATALOG.villages, ids=lambda v: v.slug)
def test_calendar_apps_expand_the_same_starts_as_the_pages(village):
    expanded = recurring_ical_events.of(parse(live.village_calendar_url(village))).between(*SPAN)
    theirs = sorted((e.start.astimezone(UTC), e.end.astimezone(UTC), str(e["UID"])) for e in expanded)
    ours = sorted(
        (o.start.astimezone(UTC), o.end.astimezone(UTC), uid(village, o.index)) for o in between(village, *SPAN)
    )
    assert [(s, u) for s, _, u in theirs] == [(s, u) for s, _, u in ours]
    for (start, their_end, _), (_, our_end, event_uid) in zip(theirs, ours):
        index = next(i for i in range(len(village.sessions)) if uid(village, i) == event_uid)
        assert our_end - start == village.sessions[index].duration  # real time, RFC 5545 3.3.6
        if not _on_a_clock_change_day(start, village):
            assert their_end == our_end


def _on_a_clock_change_day(start: datetime, village) -> bool:
    """recurring-ical-events adds DURATION on the wall clock (and keeps a start in the spring gap
    unnormalized), so on the night the clocks change its end differs from the real-time end."""
    zone = ZoneInfo(village.profile.timezone)
    day = start.astimezone(zone).date()
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    return midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset()


def test_the_sample_villages_expand_the_same_way_too():
    samples = load_catalog(REPO / "villages")
    files = calendars(samples, site(catalog=samples))
    for village in samples.villages:
        calendar = icalendar.Calendar.from_ical(files[live.village_calendar_url(village)])
        theirs = sorted(e.start.astimezone(UTC) for e in recurring_ical_events.of(calendar).between(*SPAN))
        assert theirs == sorted(o.start.astimezone(UTC) for o in between(village, *SPAN)), village.slug


def test_uids_are_unique_and_calendars_do_not_depend_on_the_clock():
    uids = [str(e["UID"]) for e in parse(live.SITE_CALENDAR_URL).events]
    assert len(uids) == len(set(uids)) == sum(len(v.sessions) for v in CATALOG.villages)
    later = calendars(CATALOG, site(now=NOW + timedelta(days=40)))
    assert {u: b for u, b in later.items() if u.endswith(".ics")} == {
        u: b for u, b in FILES.items() if u.endswith(".ics")
    }
    mill = next(e for e in parse(live.village_calendar_url(BORGO)).events if e["UID"] == uid(BORGO, 0))
    assert mill["DTSTAMP"].dt == datetime(2027, 3, 12, 18, 30, tzinfo=UTC)  # the first start: fixed by the input


def test_single_session_calendar_holds_that_session_only():
    calendar = parse(live.session_calendar_url(BORGO, 1))
    assert [str(e["UID"]) for e in calendar.events] == [uid(BORGO, 1)]
    assert str(calendar.events[0]["SUMMARY"]) == "Dawn harvest · Olive Oil Hamlet"
    assert str(calendar.events[0]["URL"]) == "https://live.example.com/douyin/borgo-olio"


def test_atom_feed_lists_upcoming_sessions():
    root = ET.fromstring(FILES[live.village_feed_url(BORGO)])
    assert root.tag == f"{ATOM}feed"
    assert (
        root.find(f"{ATOM}link[@rel='self']").get("href")
        == "https://example.org/storefront/villages/borgo-olio/live/feed.xml"
    )
    entries = root.findall(f"{ATOM}entry")
    expected = [o for o in between(BORGO, NOW, NOW + timedelta(weeks=8))]
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        f"{o.session.title['en']} · Olive Oil Hamlet" for o in expected
    ]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    updated = root.find(f"{ATOM}updated").text
    assert updated == "2027-03-20T12:00:00Z"
    assert all(e.find(f"{ATOM}updated").text <= updated for e in entries)
    first = entries[0]
    assert (
        first.find(f"{ATOM}link[@rel='alternate']")
        .get("href")
        .endswith(f"/villages/borgo-olio/live/#{expected[0].session_id}")  # a series is shown once
    )
    # The date as the pages write it (words.day_label, clock_span, zone_label), not a second format.
    zone = zone_label("Europe/Rome", "en", expected[0].start)
    assert first.find(f"{ATOM}summary").text.startswith(f"Fri 26 Mar 2027 19:30-21:00 {zone} · ")
    site_feed = ET.fromstring(FILES[live.SITE_FEED_URL])
    assert len(site_feed.findall(f"{ATOM}entry")) == len(entries) + len(between(YUZU, NOW, NOW + timedelta(weeks=8)))


def test_webcal_links_need_a_site_url():
    assert live.webcal(None, live.SITE_CALENDAR_URL) is None
    assert (
        live.webcal("https://example.org/storefront/", live.SITE_CALENDAR_URL)
        == "webcal://example.org/storefront/schedule/calendar.ics"
    )
    with_url, without = _render("schedule/", site()), _render("schedule/", site(url=None))
    assert 'href="webcal://example.org/storefront/schedule/calendar.ics"' in with_url.body
    assert "webcal:" not in without.body and 'href="calendar.ics"' in without.body


def _render(url: str, at: Site):
    page = next(p for p in plan_pages(CATALOG, at) if p.url == url)
    return render_page(page, at)


def _events(rendered) -> list[dict]:
    scripts = [
        json.loads(body)
        for attrs, body in Page(str(rendered.head)).scripts
        if attrs.get("type") == "application/ld+json"
    ]
    return [node for data in scripts for node in data.get("@graph", []) if node.get("@type") == "Event"]


def test_events_json_ld_on_the_live_page():
    events = _events(_render("villages/borgo-olio/live/", site()))
    upcoming = between(BORGO, NOW, NOW + timedelta(weeks=8))
    assert [e["startDate"] for e in events] == [o.start.isoformat() for o in upcoming]
    mill = events[0]
    assert mill["name"] == "Live from the mill"
    assert (mill["startDate"], mill["endDate"]) == ("2027-03-26T19:30:00+01:00", "2027-03-26T21:00:00+01:00")
    assert mill["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert mill["eventStatus"] == "https://schema.org/EventScheduled"
    assert mill["location"] == {
        "@type": "VirtualLocation",
        "url": "https://live.example.com/youtube/borgo-olio",
        "name": "YouTube borgoolio",
    }
    assert mill["organizer"]["@id"] == "https://example.org/storefront/villages/borgo-olio/#organization"
    assert [p["name"] for p in mill["performer"]] == ["Giulia Rossi", "Marco Bini"]
    offers = mill["offers"]
    assert [o["url"] for o in offers] == [
        "https://example.org/storefront/villages/borgo-olio/products/olio-nuovo/",
        "https://example.org/storefront/villages/borgo-olio/products/olive-verdi/",
    ]
    assert offers[0]["price"] == "18.50" and offers[0]["priceCurrency"] == "EUR"
    assert offers[0]["itemOffered"]["name"] == "New olive oil"
    assert offers[0]["availability"] == "https://schema.org/InStock"  # March is in the oil's season
    after_the_change = next(e for e in events if e["startDate"].startswith("2027-04-02"))
    assert after_the_change["startDate"] == "2027-04-02T19:30:00+02:00"


def test_live_page_shows_each_session_with_its_channel_people_goods_and_calendar():
    body = str(_render("villages/borgo-olio/live/", site()).body)
    page = Page(body)
    assert "https://live.example.com/youtube/borgo-olio" in page.links
    assert "Giulia Rossi" in body  # the hosts, by name
    assert "../products/olio-nuovo/" in page.links
    assert "yt-borgo-20270312t1930.ics" in page.links and "calendar.ics" in page.links and "feed.xml" in page.links
    assert 'id="yt-borgo-20270312t1930"' in body  # a series, once
    assert "Fri 26 Mar 2027 19:30-21:00" in body and zone_label("Europe/Rome", "en", NOW) in body
    assert "The olive mill" in body
    assert "qr-yt-borgo.png" in page.links  # each live room's QR code
    assert any(link.endswith("/poster.webp") for link in page.links)  # each session's poster


def test_sample_site_publishes_the_schedule(sample_site):
    for village in load_catalog(REPO / "villages").villages:
        live_page = (sample_site / live.live_url(village) / "index.html").read_text(encoding="utf-8")
        assert "data-sf-schedule" in live_page
        calendar = icalendar.Calendar.from_ical((sample_site / live.village_calendar_url(village)).read_bytes())
        assert len(calendar.events) == len(village.sessions)
        village_page = (sample_site / "villages" / village.slug / "index.html").read_text(encoding="utf-8")
        assert 'href="live/"' in village_page
    schedule = (sample_site / "schedule" / "index.html").read_text(encoding="utf-8")
    assert 'href="webcal://example.github.io/village-storefront/schedule/calendar.ics"' in schedule
    assert ET.parse(sample_site / "schedule" / "feed.xml").getroot().tag == f"{ATOM}feed"
    # /schedule/ is the build's week (18 Nov 2026), before the samples' first session: their
    # events are on the week that has them.
    busy = (sample_site / "schedule" / "2026-w49" / "index.html").read_text(encoding="utf-8")
    events = [
        n
        for attrs, body in Page(busy).scripts
        if attrs.get("type") == "application/ld+json"
        for n in json.loads(body)["@graph"]
    ]
    assert events and all(e["@type"] == "Event" and e["location"]["@type"] == "VirtualLocation" for e in events)


def test_remembered_calendars_are_the_same_bytes_and_follow_the_profiles(tmp_path):
    import dataclasses

    from generator.cache import Memo
    from generator.profile.model import Catalog

    memo = Memo(tmp_path, "calendars")
    assert calendars(CATALOG, site(), memo) == FILES
    memo.save()
    again = Memo(tmp_path, "calendars")
    assert calendars(CATALOG, site(), again) == FILES
    assert again.used == again.known, "nothing changed: every calendar remembered"

    edited = dataclasses.replace(BORGO, digest="0" * 64)  # as if Borgo's profile had been saved again
    catalog = Catalog(tuple(edited if v is BORGO else v for v in CATALOG.villages), CATALOG.language)
    after = Memo(tmp_path, "calendars")
    calendars(catalog, site(catalog=catalog), after)
    missed = set(after.used) - set(after.known)
    assert len(missed) == len(BORGO.sessions) + 2, "Borgo's sessions, Borgo's calendar and the site's"
    other = Memo(tmp_path, "calendars")
    calendars(CATALOG, site(url="https://other.example/"), other)
    assert not set(other.used) & set(other.known), "another address: other links in every calendar"
