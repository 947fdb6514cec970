"""The schedule pages in a real browser, with its clock and time zone fixed: a page built weeks
earlier (the sample site is built on 2026-11-18) shows live now / upcoming / past by the viewer's
clock, times in the viewer's zone beside the village's, and a running countdown; a weekly show is
one entry whose highlighted start moves on by the viewer's clock; without JavaScript it shows the
whole schedule in village time, each session once.

Huangdu's tea tasting is on Fridays 19:30-21:30 in Asia/Shanghai from 2026-12-04."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from generator.profile.read import load_catalog
from generator.schedule.timeline import build_timeline
from generator.urls import live_url
from tests.conftest import FIXED_EPOCH, REPO

CATALOG = load_catalog(REPO / "villages")
HUANGDU = CATALOG.village("huangdu-white-tea")
TASTING = "#douyin-main-20261204t1930"  # the weekly series, first on Fri 4 Dec 2026, 19:30 in Huangdu = 11:30Z
SPRING = "#douyin-main-20270320t0900"  # one-off, Sat 20 Mar 2027 09:00 in Huangdu = 01:00Z


def _open(browser, url, zone, *, fixed=None, install=None, javascript=True):
    context = browser.new_context(timezone_id=zone, java_script_enabled=javascript)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if fixed:
        page.clock.set_fixed_time(fixed)
    if install:
        page.clock.install(time=install - timedelta(seconds=5))
    page.goto(url)
    if install:
        page.clock.pause_at(install)  # from here on the clock moves only when the test says so
    return context, page, errors


def _group(page, selector) -> str:
    return page.eval_on_selector(selector, "el => el.closest('[data-group]').dataset.group")


def test_live_upcoming_and_past_by_the_viewers_clock_in_rome(browser, site_url):
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # 20:00 in Huangdu, 13:00 in Rome
    context, page, errors = _open(browser, site_url + live_url(HUANGDU), "Europe/Rome", fixed=now)
    assert page.get_attribute(TASTING, "data-state") == "live" and _group(page, TASTING) == "today"
    assert page.inner_text(f"{TASTING} [data-sf-state]") == "直播中"
    assert page.locator(".sf-session", has_text="冬日茶室").count() == 1  # the series, once
    local = page.inner_text(f"{TASTING} [data-sf-local]")
    assert "12:30–14:30" in local and "Europe/Rome" in local  # CET is UTC+1
    assert "2026年12月4日 周五 19:30-21:30" in page.inner_text(f"{TASTING} [data-sf-next-start]")  # village time
    assert page.get_attribute("[data-sf-next]", "data-state") == "live"
    assert "冬日茶室·安吉白茶品鉴" in page.inner_text("[data-sf-next]")
    assert not errors
    context.close()

    # The page of all villages for the week of 30 Nov-6 Dec (/schedule/ is the build's week): a
    # series whose starts that week are over is "past".
    context, page, errors = _open(browser, site_url + "schedule/2026-w49/", "Europe/Rome", fixed=now)
    past = "#songyan-tieguanyin--taobao-songyan-20261201t2000"  # Tue and Thu 20:00-21:30 from 1 Dec
    assert page.get_attribute(past, "data-state") == "past" and _group(page, past) == "past"
    assert page.get_attribute(f"#huangdu-white-tea--{TASTING[1:]}", "data-state") == "live"
    groups = page.eval_on_selector_all("[data-sf-groups] > [data-group]", "els => els.map(e => e.dataset.group)")
    assert groups[0] == "today" and groups[-1] == "past"
    assert not errors
    context.close()


def test_countdown_runs_and_the_session_goes_live_on_time(browser, site_url):
    before = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)  # an hour before the first tasting
    context, page, errors = _open(browser, site_url + live_url(HUANGDU), "Asia/Shanghai", install=before)
    countdown = "[data-sf-next] [data-sf-countdown]"
    assert page.get_attribute(countdown, "data-sf-countdown") == str(3600 * 1000)
    assert page.inner_text(countdown) == "开始还有 1小时 0分 0秒"
    assert page.get_attribute(TASTING, "data-state") == "upcoming"
    assert page.inner_text(f"{TASTING} [data-sf-state]") == "即将开始"  # within a day of the start
    assert page.is_hidden(f"{TASTING} [data-sf-local]")  # the viewer is in the village's zone
    page.clock.run_for(61_000)
    assert page.get_attribute(countdown, "data-sf-countdown") == str((3600 - 61) * 1000)
    page.clock.run_for("01:00:00")
    assert page.get_attribute(TASTING, "data-state") == "live"
    assert page.get_attribute("[data-sf-next]", "data-state") == "live"
    page.clock.run_for("02:00:00")
    # Over: the series moves on to next Friday, a week away, so 预告 rather than 即将开始.
    assert page.get_attribute(TASTING, "data-state") == "upcoming"
    assert page.inner_text(f"{TASTING} [data-sf-next-start]") == "12月11日 周五 19:30-21:30"
    line = page.locator(f"{TASTING} .sf-session__dates .sf-date:visible").all_inner_texts()
    assert line[0].startswith("12月18日")  # the date now highlighted has left the line
    assert page.inner_text(f"{TASTING} [data-sf-state]") == "预告"
    assert not errors
    context.close()


def test_viewer_across_the_date_line_and_their_own_dst_change(browser, site_url):
    now = datetime(2027, 1, 1, 12, tzinfo=UTC)
    context, page, errors = _open(browser, site_url + live_url(HUANGDU), "America/New_York", fixed=now)
    # The series stands for Fri 1 Jan 19:30 in Huangdu, live now: 06:30 EST (UTC-5).
    assert "06:30–08:30" in page.inner_text(f"{TASTING} [data-sf-local]")
    # Sat 20 Mar 09:00 in Huangdu is Fri 19 Mar 21:00 in New York, after its change to summer time (UTC-4).
    spring = page.inner_text(f"{SPRING} [data-sf-local]")
    assert "21:00–22:30" in spring and "America/New_York" in spring
    heading = page.eval_on_selector(SPRING, "el => el.closest('ul').previousElementSibling.textContent")
    assert "3月19日" in heading  # grouped by the viewer's day
    assert not errors
    context.close()


def test_without_javascript_the_whole_schedule_reads_in_village_time(browser, site_url):
    context, page, _ = _open(browser, site_url + live_url(HUANGDU), "Europe/Rome", javascript=False)
    built = datetime.fromtimestamp(int(FIXED_EPOCH), UTC)
    expected = build_timeline([HUANGDU], built, timedelta(weeks=4), timedelta(weeks=8)).window([HUANGDU])
    sessions = {o.session_id for o in expected}
    zones = page.eval_on_selector_all(".sf-session .sf-session__zone", "els => els.map(e => e.textContent)")
    assert len(zones) == len(sessions) and set(zones) == {"北京时间"}  # each session once
    assert page.is_hidden("[data-sf-next]")
    assert all(page.is_hidden(f"#{s} [data-sf-local]") for s in sessions)
    assert page.get_attribute(TASTING, "data-state") is None
    assert page.get_attribute(f"{TASTING} a.sf-add-calendar", "href") == "douyin-main-20261204t1930.ics"
    context.close()
