"""The all-villages schedule, a week a page: /schedule/ is the week of the build's clock (not the
first week that has sessions), every week of the timeline's window has its page, linked to the
weeks either side, and nothing beyond the window gets one. Read from the sample villages, with the
tests' fixed clock (Wed 18 Nov 2026) and others."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from generator.site.pages import plan_pages
from generator.site.render import render_page
from generator.urls import SCHEDULE_URL, schedule_week_url
from tests.conftest import FIXED_EPOCH
from tests.reading import Page
from tests.schedule.test_calendar import site
from tests.schedule.test_schedule_browser import CATALOG

BUILT = datetime.fromtimestamp(int(FIXED_EPOCH), UTC)  # Wed 18 Nov 2026


def weeks(now: datetime) -> dict[str, dict]:
    """url -> data of every page of the all-villages schedule, built at `now`."""
    at = site(now, catalog=CATALOG)
    return {p.url: p.data for p in plan_pages(CATALOG, at) if p.template == "schedule.html"}


def rendered(now: datetime, url: str) -> str:
    """The body of the page at `url`, built at `now`."""
    at = site(now, catalog=CATALOG)
    return str(render_page(next(p for p in plan_pages(CATALOG, at) if p.url == url), at).body)


def test_the_schedule_is_the_week_of_the_builds_clock_even_when_it_is_empty():
    pages = weeks(BUILT)
    this = pages[SCHEDULE_URL]
    assert this["week"] == "11月16日 周一–11月22日 周日"
    assert this["schedule"].empty  # the samples' first session is on 1 Dec
    assert this["this_week"] is None
    assert this["previous_week"] == schedule_week_url(date(2026, 11, 9))
    assert this["next_week"] == schedule_week_url(date(2026, 11, 23))
    # An empty week says so and leads to the next week that has sessions.
    assert this["next_busy"] == (schedule_week_url(date(2026, 11, 30)), "11月30日 周一–12月6日 周日")
    body = rendered(BUILT, SCHEDULE_URL)
    assert "这一周没有直播安排。" in body and "最近的直播在11月30日 周一–12月6日 周日" in body
    links = Page(body).links
    assert {"2026-w46/", "2026-w48/", "2026-w49/"} <= set(links)  # relative to schedule/


def test_every_week_of_the_window_has_a_page_and_none_beyond_it():
    pages = weeks(BUILT)
    firsts = {url for url in pages if "/page/" not in url}
    # Four weeks back (from Wed 21 Oct, in the week of Mon 19 Oct) to eight ahead (Wed 13 Jan).
    mondays = [date(2026, 10, 19) + timedelta(weeks=n) for n in range(13)]
    expected = {SCHEDULE_URL if m == date(2026, 11, 16) else schedule_week_url(m) for m in mondays}
    assert firsts == expected
    assert pages[schedule_week_url(mondays[0])]["previous_week"] is None
    assert pages[schedule_week_url(mondays[-1])]["next_week"] is None
    chain, url = [], schedule_week_url(mondays[0])
    while url:  # each week leads to the next, with none skipped
        chain.append(url)
        url = pages[url]["next_week"]
    assert chain == [SCHEDULE_URL if m == date(2026, 11, 16) else schedule_week_url(m) for m in mondays]
    # Huangdu's spring tasting (Sat 20 Mar 2027) is beyond the window: on the village's page, not here.
    shown = {s.occurrence.start.date() for data in pages.values() for s in _series(data["schedule"])}
    assert shown and max(shown) < date(2027, 1, 18) and date(2027, 3, 20) not in shown


def test_the_schedule_moves_with_the_clock_and_stays_the_same_for_one_clock():
    later = datetime(2026, 12, 4, 4, tzinfo=UTC)  # Fri 4 Dec, noon in China
    pages = weeks(later)
    assert pages[SCHEDULE_URL]["week"] == "11月30日 周一–12月6日 周日"
    assert not pages[SCHEDULE_URL]["schedule"].empty and pages[SCHEDULE_URL]["next_busy"] is None
    assert pages[schedule_week_url(date(2026, 11, 16))]["this_week"] == SCHEDULE_URL
    assert rendered(later, SCHEDULE_URL) == rendered(later, SCHEDULE_URL)
    assert rendered(later, SCHEDULE_URL) != rendered(BUILT, SCHEDULE_URL)


def _series(schedule):
    return [s for group in schedule.groups for day in group.days for s in day.series]
