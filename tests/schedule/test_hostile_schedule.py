"""A schedule written to hurt the build (issue 15): repeat rules that never end or start every
second, years at the ends of the calendar, a duration beyond any clock, a zone that is the build
machine's, many sessions, and a feed that must not change with the clock. `storefront validate`
refuses what the build could not do, at the line, with the cause and the fix; what it accepts
builds in bounded time, and the same input builds the same feed.

Each case edits one line of the test profile (tests/fixtures/base) and reads it with the real
reader, or builds it with the real `storefront` in a fresh process."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.errors import ProfileErrors
from generator.profile.read import load_catalog
from generator.profile.repeats import exdates, last_start, next_start, starts
from generator.urls import SITE_FEED_URL
from tests.conftest import FIXED_EPOCH, make_project, run_storefront
from tests.schedule.sessions import BASE, many_sessions

FILE = "villages/test-village/village.yml"
FEED = "villages/test-village/live/feed.xml"
REPEAT = "repeat: FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959"
SCHEDULE = f"start: 2026-12-04T19:30\n      duration: 2h\n      {REPEAT}\n      except: [2026-12-25T19:30]"
"""The lines of the test profile's session that say when it is on."""
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _villages(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """The test profile with `old` replaced by `new`, in a villages folder of its own."""
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    assert old in text
    villages = tmp_path / "villages"
    shutil.copytree(BASE, villages / "test-village")
    (villages / "test-village" / "village.yml").write_text(text.replace(old, new), encoding="utf-8")
    return villages


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    with pytest.raises(ProfileErrors) as raised:
        load_catalog(_villages(tmp_path, old, new))
    return [str(p) for p in raised.value.problems]


def _one_problem(tmp_path: Path, old: str, new: str, line: int, field: str) -> str:
    """The one message for the edit, checked to name the file, the line and the field."""
    (problem,) = _problems(tmp_path, old, new)
    where = f"{FILE}:{line}: {field}: "
    assert problem.startswith(where), problem
    return problem.removeprefix(where)


# --- repeat rules that would loop for ever or start every second -----------------------------


@pytest.mark.parametrize("interval", ["0", "00", "-1", "abc", "²", "366"])
def test_an_interval_that_never_moves_on_is_refused_at_the_line(tmp_path, interval):
    message = _one_problem(tmp_path, REPEAT, f"repeat: FREQ=DAILY;INTERVAL={interval}", 39, "live.sessions[0].repeat")
    assert f"INTERVAL={interval.upper()} should be a whole number from 1 to 365" in message
    assert "INTERVAL=2" in message  # what would be right


@pytest.mark.parametrize("part", ["BYHOUR=19", "BYMINUTE=0,30", "BYSECOND=0"])
def test_a_time_of_day_in_the_rule_is_refused_the_start_gives_it(tmp_path, part):
    message = _one_problem(tmp_path, REPEAT, f"repeat: FREQ=DAILY;{part}", 39, "live.sessions[0].repeat")
    name = part.split("=")[0]
    assert f"{name} is not offered" in message and "at most once a day" in message
    assert "write the time in `start`" in message


def test_easter_rules_of_dateutil_are_refused_calendar_apps_do_not_read_them(tmp_path):
    message = _one_problem(tmp_path, REPEAT, "repeat: FREQ=YEARLY;BYEASTER=0", 39, "live.sessions[0].repeat")
    assert "BYEASTER is not part of RFC 5545" in message


def test_a_rule_that_no_day_matches_is_refused_and_told_why(tmp_path):
    message = _one_problem(
        tmp_path, REPEAT, "repeat: FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", 39, "live.sessions[0].repeat"
    )
    assert "never happens" in message and "30 February does not exist" in message
    assert "check its BY parts, INTERVAL and UNTIL" in message


def test_a_rule_whose_interval_steps_over_every_matching_month_is_refused(tmp_path):
    # From December, every second month is December, February, ...: never January.
    message = _one_problem(tmp_path, REPEAT, "repeat: FREQ=MONTHLY;INTERVAL=2;BYMONTH=1", 39, "live.sessions[0].repeat")
    assert "never happens" in message and "INTERVAL steps over every day that matches" in message


def test_an_until_before_the_start_is_named_as_the_cause(tmp_path):
    message = _one_problem(tmp_path, REPEAT, "repeat: FREQ=WEEKLY;UNTIL=20261101", 39, "live.sessions[0].repeat")
    assert "UNTIL before start (UNTIL=20261101, start 2026-12-04T19:30)" in message


def _session(tmp_path: Path, repeat: str, start: str = "2026-12-04T19:30"):
    """A one-off session read from the profile, then given `repeat` as it stands, past the
    schema's check: the expansion must be bounded even for a rule that validation would refuse."""
    (village,) = load_catalog(_villages(tmp_path, SCHEDULE, f"start: {start}\n      duration: 2h")).villages
    session = village.sessions[0]
    object.__setattr__(session, "repeat", repeat)
    return session


def test_an_expansion_gives_at_most_one_start_a_day_whatever_the_rule_says(tmp_path):
    every_second = "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=" + ",".join(map(str, range(60)))
    session = _session(tmp_path, every_second + ";BYSECOND=" + ",".join(map(str, range(60))))
    begin = datetime(2026, 12, 10, tzinfo=SHANGHAI)
    # dateutil would give 86,400 starts a day, each read from the first start on: the walk reads
    # one a day from there and stops, however many of them are left.
    assert len(starts(session, SHANGHAI, begin, begin + timedelta(days=2))) <= 2 + 2  # and a day of slack each side
    assert next_start(session, SHANGHAI, begin) is None
    assert last_start(session, SHANGHAI) is None  # no end: nothing to expand


def test_a_series_without_an_end_is_expanded_only_up_to_2099(tmp_path):
    session = _session(tmp_path, "FREQ=YEARLY;COUNT=1000", start="2090-06-01T19:30")
    assert last_start(session, SHANGHAI) == datetime(2099, 6, 1, 19, 30, tzinfo=SHANGHAI)
    assert next_start(session, SHANGHAI, datetime(2099, 7, 1, tzinfo=UTC)) is None
    assert starts(session, SHANGHAI, datetime(2099, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)) == [
        datetime(2099, 6, 1, 19, 30, tzinfo=SHANGHAI)
    ]


def test_excepts_are_found_in_one_walk_of_their_span(tmp_path):
    text = "repeat: FREQ=DAILY\n      except: [2030-01-02, 2026-12-05T19:30, 2026-12-06T08:00]"
    (village,) = load_catalog(_villages(tmp_path, f"{REPEAT}\n      except: [2026-12-25T19:30]", text)).villages
    # A bare date leaves out that day's start; a time names one start (08:00 names none).
    assert exdates(village.sessions[0], SHANGHAI) == [
        datetime(2026, 12, 5, 19, 30, tzinfo=SHANGHAI),
        datetime(2030, 1, 2, 19, 30, tzinfo=SHANGHAI),
    ]


# --- years at the ends of the calendar ---------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-12-31T23:30", "0001-01-01T00:00", "1999-12-31T19:30", "2100-01-01T08:00"])
@pytest.mark.parametrize("repeat", [None, "FREQ=WEEKLY"])
def test_a_start_outside_2000_to_2099_is_refused_at_the_line(tmp_path, start, repeat):
    new = f"start: {start}\n      duration: 2h" + (f"\n      repeat: {repeat}" if repeat else "")
    message = _one_problem(tmp_path, SCHEDULE, new, 37, "live.sessions[0].start")
    assert f"{start} is outside the years 2000 to 2099 that a schedule can name; check the year" in message


def test_a_start_in_the_year_9999_with_an_offset_is_refused_too(tmp_path):
    message = _one_problem(
        tmp_path, "start: 2026-12-04T19:30", "start: 9999-12-31T23:59-12:00", 37, "live.sessions[0].start"
    )
    assert "outside the years 2000 to 2099" in message


@pytest.mark.parametrize("until", ["99991231", "00010101T000000", "21000101T000000Z"])
def test_an_until_outside_2000_to_2099_is_refused_at_the_line(tmp_path, until):
    message = _one_problem(tmp_path, "UNTIL=20270630T235959", f"UNTIL={until}", 39, "live.sessions[0].repeat")
    assert f"UNTIL={until} is outside the years 2000 to 2099" in message and "like UNTIL=20270630" in message


def test_an_except_outside_2000_to_2099_is_refused_at_the_line(tmp_path):
    message = _one_problem(
        tmp_path, "except: [2026-12-25T19:30]", "except: [9999-12-31]", 40, "live.sessions[0].except[0]"
    )
    assert "outside the years 2000 to 2099" in message


# --- a duration beyond any clock ---------------------------------------------------------------


@pytest.mark.parametrize(
    "duration", ["99999999999999999999h", "PT99999999999999999999H", "25h", "1441m", "9" * 5000 + "m"]
)
def test_a_duration_over_a_day_is_refused_without_an_overflow(tmp_path, duration):
    message = _one_problem(tmp_path, "duration: 2h", f"duration: {duration}", 38, "live.sessions[0].duration")
    assert "should be more than 0 and at most 24 hours (a live session lasts a day at most" in message


def test_a_day_long_session_is_still_a_session(tmp_path):
    (village,) = load_catalog(_villages(tmp_path, "duration: 2h", "duration: 0024h")).villages
    assert village.sessions[0].duration == timedelta(hours=24)


@pytest.mark.parametrize("command", ["validate", "lint", "check", "build"])
def test_every_command_reports_a_huge_duration_at_the_line(tmp_path, command):
    project = make_project(tmp_path, _villages(tmp_path / "source", "duration: 2h", "duration: 99999999999999999999h"))
    result = run_storefront(command, cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert f"{FILE}:38: live.sessions[0].duration: " in result.stderr + result.stdout


# --- a zone that is the build machine's ---------------------------------------------------------


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "/etc/localtime"])
def test_a_zone_of_the_machine_rather_than_a_place_is_refused(tmp_path, zone):
    message = _one_problem(tmp_path, "timezone: Asia/Shanghai", f"timezone: {zone}", 6, "timezone")
    assert f"{zone!r} is not an IANA time zone" in message and "like Asia/Shanghai" in message


def test_a_path_to_a_zone_file_is_told_the_zone_name(tmp_path):
    message = _one_problem(
        tmp_path, "timezone: Asia/Shanghai", "timezone: /usr/share/zoneinfo/Asia/Shanghai", 6, "timezone"
    )
    assert "did you mean 'Asia/Shanghai'?" in message


@pytest.mark.parametrize("zone", ["Asia/Urumqi", "Europe/Rome", "UTC", "Etc/GMT-8", "PRC"])
def test_iana_zones_and_their_old_names_are_accepted(tmp_path, zone):
    (village,) = load_catalog(_villages(tmp_path, "timezone: Asia/Shanghai", f"timezone: {zone}")).villages
    assert village.profile.timezone == zone


# --- many sessions, and a feed that does not follow the clock -----------------------------------


def test_three_hundred_sessions_build(tmp_path):
    project = make_project(tmp_path)
    many_sessions(project / "villages", 300, datetime.fromtimestamp(int(FIXED_EPOCH), UTC) - timedelta(days=3))
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    entries = ET.parse(project / "site" / FEED).getroot().findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) > 300  # every session is upcoming; the daily and weekly ones more than once
    assert len(list((project / "site" / "villages" / "test-village" / "live").glob("douyin-main-*.ics"))) == 300


def test_a_feed_without_upcoming_sessions_is_the_same_whatever_the_clock(tmp_path):
    feeds = []
    for epoch in (1830000000, 1830000007):  # 2027-12-28, seven seconds apart: every session is over
        (tmp_path / str(epoch)).mkdir()
        project = make_project(tmp_path / str(epoch), _villages(tmp_path / f"source-{epoch}"))
        result = run_storefront("build", cwd=project, env={"SOURCE_DATE_EPOCH": str(epoch)})
        assert result.returncode == 0, result.stderr + result.stdout
        feeds.append({url: (project / "site" / url).read_bytes() for url in (FEED, SITE_FEED_URL)})
    assert feeds[0] == feeds[1]
    root = ET.fromstring(feeds[0][FEED])
    assert root.findall("{http://www.w3.org/2005/Atom}entry") == []
    # As old as the input says: the first start of its session (19:30 in Shanghai), not the clock.
    assert root.find("{http://www.w3.org/2005/Atom}updated").text == "2026-12-04T11:30:00Z"
