"""The live schedule as readers see it: where its pages and feeds live, sessions grouped by day,
schema.org Events for search engines, and an Atom feed of upcoming sessions. No I/O here.

Every URL of the schedule is made here (site-relative, like those of `urls.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from generator import structured
from generator.labels import WEEKDAYS_ZH, platform_label
from generator.model import Village, pick
from generator.schedule import Occurrence, session_ids, sessions_of
from generator.urls import photo_url, poster_url, product_url, qr_url, village_url

Absolute = Callable[[str], str]
SCHEDULE_URL = "schedule/"
SITE_CALENDAR_URL = "schedule/calendar.ics"
SITE_FEED_URL = "schedule/feed.xml"
UID_DOMAIN = "village-storefront"

# --- where things live ---------------------------------------------------------------------------


def live_url(village: Village) -> str:
    return f"{village_url(village)}live/"


def village_calendar_url(village: Village) -> str:
    return f"{live_url(village)}calendar.ics"


def village_feed_url(village: Village) -> str:
    return f"{live_url(village)}feed.xml"


def session_calendar_url(village: Village, index: int) -> str:
    return f"{live_url(village)}{session_ids(village)[index]}.ics"


def webcal(site_url: str | None, target: str) -> str | None:
    """A subscribe link (webcal://) to a calendar; none without a public address to point at."""
    if not site_url:
        return None
    address = site_url.rstrip("/") + "/" + target
    return "webcal://" + address.split("://", 1)[-1]


def village_links(village: Village, site_url: str | None) -> dict[str, str | None]:
    """The calendar, subscribe and feed links of a village's live page (none without sessions)."""
    calendar = village_calendar_url(village) if sessions_of(village) else None
    return {"calendar_url": calendar, "webcal_url": calendar and webcal(site_url, calendar),
            "feed_url": village_feed_url(village)}


def site_links(villages: Iterable[Village], site_url: str | None) -> dict[str, str | None]:
    """The same for the schedule of all villages."""
    calendar = SITE_CALENDAR_URL if any(sessions_of(v) for v in villages) else None
    return {"calendar_url": calendar, "webcal_url": calendar and webcal(site_url, calendar), "feed_url": SITE_FEED_URL}


def has_live_page(village: Village) -> bool:
    live = village.profile.live
    return bool(live and (live.channels or live.sessions))


def uid(village: Village, index: int) -> str:
    """The calendar UID of a session: stable across builds, moves and reorderings of the file."""
    return f"{session_ids(village)[index]}.{village.slug}@{UID_DOMAIN}"


def channel(village: Village, channel_id: str):
    return next(c for c in village.profile.live.channels if c.id == channel_id)


def hosts(o: Occurrence) -> list:
    """The session's hosts, in the order the session names them."""
    team = {p.id: p for p in o.village.profile.team}
    return [team[h] for h in o.session.hosts if h in team]


def qr_image(village: Village, channel_id: str) -> str:
    """The site-relative URL of the channel's QR code image (made by assets/qr.py)."""
    return qr_url(village, channel_id)


def poster_image(occurrence: Occurrence) -> str:
    """The session's 1080x1920 poster (made by the image kit for every session)."""
    return poster_url(occurrence.village, occurrence.index)


# --- sessions grouped by day -----------------------------------------------------------------------


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


GROUP_LABELS = {"today": ("今天", "Today"), "week": ("本周", "This week"), "later": ("以后", "Later"),
                "past": ("已结束", "Past sessions")}


def day_label(day: date, language: str) -> str:
    if language.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%a} {day.day} {day:%b %Y}"


def group_by_day(occurrences: Iterable[Occurrence], now: datetime, language: str) -> Schedule:
    """Today, this week (to Sunday), later, then past sessions (latest first); each by day.

    "Today" is the village's today: each session is placed by the date and clock of its own
    village. The browser regroups them by the viewer's clock (schedule.js).
    """
    buckets: dict[str, dict[date, list[Occurrence]]] = {key: {} for key in GROUP_LABELS}
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
        listed = [Day(d, day_label(d, language), tuple(sorted(days[d], key=lambda o: o.start, reverse=key == "past")))
                  for d in order]
        if listed:
            groups.append(Group(key, _pick(GROUP_LABELS[key], language), tuple(listed)))
    return Schedule(tuple(groups), tuple(upcoming))


BROWSER_LABELS = {
    "live": ("正在直播", "Live now"), "upcoming": ("即将开始", "Upcoming"), "past": ("已结束", "Ended"),
    "yours": ("你的时间", "Your time"), "next": ("下一场直播", "Next live session"), "in": ("开始还有", "starts in"),
    "now": ("正在直播", "Live now"), "none": ("近期没有直播安排。", "No live sessions are scheduled for the coming weeks."),
    "d": ("天", "d"), "h": ("小时", "h"), "m": ("分", "m"), "s": ("秒", "s"),
}  # fmt: skip


def browser_labels(language: str) -> dict[str, str]:
    """The words schedule.js needs, in the page's language; group names included."""
    words = {**GROUP_LABELS, **BROWSER_LABELS}
    return {key: _pick(pair, language) for key, pair in words.items()}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language.startswith("zh") else pair[1]


# --- structured data -----------------------------------------------------------------------------


def event_node(o: Occurrence, absolute: Absolute, language: str) -> dict:
    """A schema.org Event for one start of a session: online, at the channel's live room."""
    village, session = o.village, o.session
    room = channel(village, session.channel)
    home = absolute(village_url(village))
    people = hosts(o)
    hero = village.profile.brand.hero if village.profile.brand else None
    offers = []
    for product_id in session.products:
        product = village.product(product_id)
        offers.append({
            "@type": "Offer",
            "url": absolute(product_url(village, product_id)),
            "price": f"{product.price.amount:.2f}",
            "priceCurrency": product.price.currency,
            "availability": structured.AVAILABILITY + ("InStock" if structured.in_season(product, o.start) else "OutOfStock"),
            "itemOffered": {"@type": "Product", "@id": absolute(product_url(village, product_id)) + "#product",
                            "name": pick(product.name, language)},
        })
    node = {
        "@type": "Event",
        "@id": absolute(live_url(village)) + "#" + o.key,
        "name": pick(session.title, language),
        "description": " · ".join(filter(None, [pick(session.scene, language), pick(village.profile.name, language)])),
        "startDate": o.start.isoformat(),
        "endDate": o.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {"@type": "VirtualLocation", "url": room.url,
                     "name": " ".join(filter(None, [platform_label(room.platform, language), room.handle]))},
        "organizer": {"@type": "Organization", "@id": home + "#organization",
                      "name": pick(village.profile.name, language), "url": home},
        "performer": [{"@type": "Person", "name": pick(p.name, language)} for p in people] or None,
        "image": [absolute(photo_url(village, hero))] if hero else None,
        "url": absolute(live_url(village)) + "#" + o.key,
        "isAccessibleForFree": True,
        "offers": offers or None,
    }
    return {k: v for k, v in node.items() if v is not None}


def events_graph(occurrences: Iterable[Occurrence], absolute: Absolute, language: str, limit: int = 100) -> dict:
    return {"@context": "https://schema.org", "@graph": [event_node(o, absolute, language) for o in list(occurrences)[:limit]]}


# --- text ---------------------------------------------------------------------------------------


def session_time(o: Occurrence) -> str:
    """`2026-12-04 19:30–21:30 (UTC+08:00)`: village time, with its offset spelt out."""
    start, end = o.start, o.end
    offset = start.strftime("%z")
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{until} (UTC{offset[:3]}:{offset[3:]})"


def template_helpers(language: str) -> dict[str, Callable]:
    """What the schedule templates call, as `live.<name>(...)`."""
    return {
        "page": live_url,
        "calendar": session_calendar_url,
        "village_calendar": village_calendar_url,
        "village_feed": village_feed_url,
        "site_feed": lambda: SITE_FEED_URL,
        "has_page": has_live_page,
        "channel": channel,
        "platform": lambda platform: platform_label(platform, language),
        "qr": qr_image,
        "poster": poster_image,
        "time": session_time,
        "hosts": hosts,
        "labels": lambda: browser_labels(language),
    }
