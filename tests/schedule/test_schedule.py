"""Sessions in time: repeats (COUNT, UNTIL, except) expanded on the village's wall clock, across
daylight-saving changes, and the window and day groups the schedule pages show.

The fixture villages (tests/fixtures/schedule) are an Italian borgo in Europe/Rome, which moves to
summer time on 2027-03-28 and back on 2027-10-31, and a Japanese village in Asia/Tokyo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from generator.profile.read import load_catalog
from generator.profile.times import build_now
from generator.schedule.feeds import uid
from generator.schedule.grouping import group_by_day, group_series, series_of
from generator.schedule.timeline import between, build_timeline
from generator.site.render import session_state
from generator.words import day_label, repeat_label
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "schedule" / "villages"
CATALOG = load_catalog(FIXTURES, language="en")
BORGO, YUZU = CATALOG.village("borgo-olio"), CATALOG.village("satoyama-yuzu")
ROME, TOKYO = ZoneInfo("Europe/Rome"), ZoneInfo("Asia/Tokyo")
ALL_OF_2027 = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def starts(village, index) -> list[str]:
    """The starts of one session in 2027, as ISO text with the offset in force then."""
    return [o.start.isoformat() for o in between(village, *ALL_OF_2027) if o.index == index]


def test_weekly_count_keeps_village_time_across_the_change_to_summer_time():
    # COUNT=5 from Friday 12 March: 12, 19 (left out by except), 26 March, then 2 and 9 April.
    assert starts(BORGO, 0) == [
        "2027-03-12T19:30:00+01:00",
        "2027-03-26T19:30:00+01:00",
        "2027-04-02T19:30:00+02:00",  # still 19:30 in Rome: an hour earlier in UTC
        "2027-04-09T19:30:00+02:00",
    ]


def test_a_start_in_the_spring_gap_takes_the_offset_before_it():
    # 02:30 does not exist on 28 March 2027; RFC 5545 reads it as 02:30+01:00, which is 03:30+02:00.
    assert starts(BORGO, 1) == ["2027-03-27T02:30:00+01:00", "2027-03-28T03:30:00+02:00", "2027-03-29T02:30:00+02:00"]


def test_an_ambiguous_autumn_start_is_the_first_one_and_durations_are_real_time():
    occurrences_ = [o for o in between(BORGO, *ALL_OF_2027) if o.index == 2]
    assert [o.start.isoformat() for o in occurrences_] == [
        "2027-10-30T02:30:00+02:00",
        "2027-10-31T02:30:00+02:00",  # summer time: 02:30 happens twice that night
        "2027-11-01T02:30:00+01:00",  # UNTIL 2027-11-01T02:30 (village time) is included
    ]
    for o in occurrences_:
        assert o.end.astimezone(UTC) - o.start.astimezone(UTC) == timedelta(minutes=30)
    assert occurrences_[1].end.isoformat() == "2027-10-31T02:00:00+01:00"


def test_until_as_a_date_includes_that_day_and_a_bare_date_in_except_leaves_out_the_day():
    assert starts(BORGO, 3) == ["2027-04-03T10:00:00+02:00", "2027-04-17T10:00:00+02:00", "2027-04-24T10:00:00+02:00"]


def test_until_in_utc_and_a_zone_without_daylight_saving():
    # UNTIL=20270131T110000Z is 20:00 in Tokyo on 31 January: the last Sunday is included.
    assert starts(YUZU, 0) == [f"2027-01-{d:02d}T20:00:00+09:00" for d in (3, 10, 17, 24, 31)]


def test_a_start_written_with_an_offset_is_shown_in_village_time():
    assert starts(BORGO, 5) == ["2027-05-01T11:00:00+02:00"]


def test_one_off_beyond_the_window_is_still_upcoming_and_the_window_bounds_repeats():
    now = datetime(2027, 3, 20, 12, tzinfo=UTC)
    found = between(BORGO, now, now + timedelta(weeks=2))
    by_session = {o.index: [x.start for x in found if x.index == o.index] for o in found}
    assert [s.isoformat() for s in by_session[0]] == ["2027-03-26T19:30:00+01:00", "2027-04-02T19:30:00+02:00"]
    assert [s.isoformat() for s in by_session[4]] == ["2027-11-13T17:00:00+01:00"]  # far beyond, still listed
    assert [s.isoformat() for s in by_session[2]] == [
        "2027-10-30T02:30:00+02:00"
    ]  # a series not yet begun: its first start
    assert 1 in by_session and 3 in by_session and 5 in by_session
    assert [o.start for o in found] == sorted(o.start for o in found)


def test_window_keeps_recent_past_sessions_and_drops_older_ones():
    now = datetime(2027, 4, 3, 10, 30, tzinfo=ROME)  # during the first market day
    found = build_timeline([BORGO], now, timedelta(weeks=1), timedelta(weeks=1)).window([BORGO])
    listed = [o.start.astimezone(ROME).strftime("%m-%d %H:%M") for o in found]
    assert "03-26 19:30" not in listed and "03-27 02:30" not in listed  # over before a week ago
    assert listed[:2] == ["03-28 03:30", "03-29 02:30"]
    assert "04-03 10:00" in listed and "04-09 19:30" in listed
    assert "04-17 10:00" not in listed  # beyond a week, and the series has starts inside the window


def test_session_that_is_on_now_counts_as_upcoming():
    now = datetime(2027, 4, 3, 11, 0, tzinfo=ROME)
    assert between(BORGO, now, now + timedelta(weeks=8))[0].start == datetime(2027, 4, 3, 10, 0, tzinfo=ROME)


def test_session_ids_are_stable_and_readable():
    assert list(BORGO.session_ids) == [
        "yt-borgo-20270312t1930",
        "douyin-borgo-20270327t0230",
        "douyin-borgo-20271030t0230",
        "yt-borgo-20270403t1000",
        "yt-borgo-20271113t1700",
        "yt-borgo-20270501t1100",
    ]
    assert uid(BORGO, 0) == "yt-borgo-20270312t1930.borgo-olio@village-storefront"


def test_groups_today_this_week_later_and_past():
    now = datetime(2027, 3, 26, 20, 0, tzinfo=ROME)  # a Friday, during the mill session
    schedule = group_by_day(
        build_timeline([BORGO], now, timedelta(weeks=4), timedelta(weeks=8)).window([BORGO]), now, "en"
    )
    groups = {g.id: [(d.date.isoformat(), [o.index for o in d.occurrences]) for d in g.days] for g in schedule.groups}
    assert [g.id for g in schedule.groups] == ["today", "week", "later", "past"]
    assert groups["today"] == [("2027-03-26", [0])]  # on now
    assert groups["week"] == [("2027-03-27", [1]), ("2027-03-28", [1])]  # to Sunday
    assert groups["later"][0] == ("2027-03-29", [1])
    assert groups["past"] == [("2027-03-12", [0])]  # latest first
    assert schedule.upcoming[0].start == datetime(2027, 3, 26, 19, 30, tzinfo=ROME)
    assert all(o.end > now for o in schedule.upcoming)
    assert schedule.groups[0].days[0].label == "Fri 26 Mar 2027"
    assert day_label(schedule.groups[0].days[0].date, "zh") == "2027年3月26日 周五"


@pytest.mark.parametrize("epoch, expected", [("1795000000", datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC))])
def test_build_now_honours_source_date_epoch(monkeypatch, epoch, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert build_now() == expected
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs(build_now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_each_session_is_listed_once_by_its_next_start_with_its_rule_in_words():
    now = datetime(2027, 3, 26, 20, 0, tzinfo=ROME)  # during the mill session, its third of five
    window = build_timeline([BORGO], now, timedelta(weeks=4), timedelta(weeks=8)).window([BORGO])
    listed = series_of(window, now, "en")
    assert len(listed) == len({o.index for o in window}) < len(window)  # once each, not once a start
    mill = next(s for s in listed if s.occurrence.index == 0)
    assert mill.occurrence.start == datetime(2027, 3, 26, 19, 30, tzinfo=ROME)  # on now: it stands for this one
    assert mill.rule == "Every Fri 19:30-21:00, until 9 Apr 2027"  # the end of COUNT=5, found
    assert [o.start.day for o in mill.coming] == [26, 2, 9]
    assert series_of(window, now, "zh")[0].rule == "每周五 19:30-21:00，至2027年4月9日"
    one_off = next(s for s in listed if s.occurrence.index == 5)
    assert one_off.rule == "" and one_off.coming == one_off.starts
    schedule = group_series(window, now, "en")
    assert [len(d.series) for g in schedule.groups for d in g.days] == [1] * len(listed)
    # Structured data still has an Event per start that has not ended.
    assert [o.start for o in schedule.upcoming] == sorted(o.start for o in window if o.end > now)


@pytest.mark.parametrize(
    "parts, expected",
    [
        ({"FREQ": "WEEKLY", "BYDAY": "SA"}, "每周六 19:30-21:30，至2027年6月30日"),
        ({"FREQ": "WEEKLY", "BYDAY": "TU,TH"}, "每周二、四 19:30-21:30，至2027年6月30日"),
        ({"FREQ": "WEEKLY", "INTERVAL": "2"}, "每2周六 19:30-21:30，至2027年6月30日"),
        ({"FREQ": "DAILY"}, "每天 19:30-21:30，至2027年6月30日"),
        ({"FREQ": "MONTHLY"}, "每月5日 19:30-21:30，至2027年6月30日"),
    ],
)
def test_a_repeat_rule_reads_as_chinese_shops_write_it(parts, expected):
    start = datetime(2026, 12, 5, 19, 30)  # a Saturday
    assert repeat_label(parts, start, start + timedelta(hours=2), date(2027, 6, 30), "zh") == expected
    assert repeat_label(parts, start, start + timedelta(hours=2), None, "zh") == expected.split("，")[0]


def test_session_state_says_soon_only_within_a_day():
    now = datetime(2027, 3, 25, 12, 0, tzinfo=ROME)
    window = build_timeline([BORGO], now, timedelta(weeks=4), timedelta(weeks=8)).window([BORGO])
    states = {o.start: session_state(o, now) for o in window}
    assert states[datetime(2027, 3, 26, 19, 30, tzinfo=ROME)] == "preview"  # 31 hours ahead
    assert states[datetime(2027, 3, 12, 19, 30, tzinfo=ROME)] == "ended"
    later_now = datetime(2027, 3, 26, 19, 31, tzinfo=ROME)
    assert session_state(next(o for o in window if o.start.day == 26), later_now) == "on-air"
    assert session_state(next(o for o in window if o.start.day == 26), later_now - timedelta(hours=23)) == "soon"
