"""Every word the site, its images and its feeds show, in Chinese and in English, declared once.

The site speaks its `theme.language` (mkdocs.yml): Chinese for any `zh*` code, English otherwise.
`say(language, key, **values)` reads a phrase of `WORDS`; the labels of the contract's enumerations
(platforms, certificates, repeat frequencies) and the way dates are written are here too, so that
a page, a card and a calendar never call one thing by two names.
"""

from __future__ import annotations

from datetime import date, datetime


def chinese(language: str) -> bool:
    """Whether a site in `language` speaks Chinese (zh, zh-Hans, zh-TW, ...)."""
    return language.startswith("zh")


def choose(language: str, zh: str, en: str) -> str:
    return zh if chinese(language) else en


WORDS: dict[str, tuple[str, str]] = {
    # pages: titles and descriptions
    "regions": ("地区", "Regions"),
    "regions.about": ("按省份浏览村庄", "Villages by province"),
    "region.about": ("{name}的村庄", "Villages in {name}"),
    "categories": ("品类", "Categories"),
    "categories.about": ("按品类浏览村庄", "Villages by category"),
    "category.about": ("出产{name}的村庄", "Villages that make {name}"),
    "schedule": ("直播日程", "Live schedule"),
    "schedule.about": ("各村即将开始的直播", "Upcoming live sessions of every village"),
    "village.live": ("{name} · 直播", "{name} · Live"),
    "village.live.about": ("{name}的直播间与直播日程", "Where and when {name} goes live"),
    "report": ("品牌差异化报告", "Brand differentiation report"),
    "report.about": (
        "{villages} 个村庄两两比较：{flagged} 对相似，以及每个村的独特之处",
        "{villages} villages compared: {flagged} similar pairs, and what only each has",
    ),
    "site.about": ("{villages} 个村庄的品牌与好物", "The brands and goods of {villages} villages"),
    # calendars and feeds
    "calendar.village": ("{name} 直播", "{name}: live sessions"),
    "calendar.site": ("{name} 直播日程", "{name}: live schedule"),
    "feed": ("{name} 直播预告", "{name}: upcoming live sessions"),
    "live-room": ("直播间", "Live room"),
    "scene": ("场景", "Scene"),
    "hosts": ("主播", "Hosts"),
    "featured": ("好物", "Featured"),
    # posters and session cards
    "poster.label": ("直播预告", "Live"),
    "poster.hosts": ("主播：{hosts}", "Hosts: {hosts}"),
    "poster.scan": ("扫码进入直播间", "Scan to open the live room"),
    "poster.zone": ("{zone} 时间（{utc}）", "{zone} time ({utc})"),
    "poster.repeats": (" · {every}重复", " · repeats {every}"),
    # schedule groups, and what schedule.js writes in the browser
    "today": ("今天", "Today"),
    "week": ("本周", "This week"),
    "later": ("以后", "Later"),
    "past": ("已结束", "Past sessions"),
}
"""key -> (Chinese, English); `{name}`-style places are filled by `say`."""

BROWSER_WORDS = {
    "live": ("正在直播", "Live now"), "upcoming": ("即将开始", "Upcoming"), "past": ("已结束", "Ended"),
    "yours": ("你的时间", "Your time"), "next": ("下一场直播", "Next live session"), "in": ("开始还有", "starts in"),
    "now": ("正在直播", "Live now"), "none": ("近期没有直播安排。", "No live sessions are scheduled for the coming "
    "weeks."),
    "d": ("天", "d"), "h": ("小时", "h"), "m": ("分", "m"), "s": ("秒", "s"),
}  # fmt: skip
"""What schedule.js needs besides the group names (its "past" is a session's state, "Ended")."""
SCHEDULE_GROUPS = ("today", "week", "later", "past")


def say(language: str, key: str, **values: object) -> str:
    """The phrase `key` in the site's language, its places filled from `values`."""
    zh, en = WORDS[key]
    text = zh if chinese(language) else en
    return text.format(**values) if values else text


def browser_words(language: str) -> dict[str, str]:
    """The words schedule.js needs, in the page's language; group names included."""
    pairs = {**{key: WORDS[key] for key in SCHEDULE_GROUPS}, **BROWSER_WORDS}
    return {key: choose(language, *pair) for key, pair in pairs.items()}


# --- the contract's enumerations ----------------------------------------------------------------

PLATFORMS = {
    "douyin": ("抖音", "Douyin"), "kuaishou": ("快手", "Kuaishou"), "taobao-live": ("淘宝直播", "Taobao Live"),
    "wechat-channels": ("微信视频号", "WeChat Channels"), "xiaohongshu": ("小红书", "Xiaohongshu"),
    "bilibili": ("哔哩哔哩", "Bilibili"), "youtube": ("YouTube", "YouTube"), "tiktok": ("TikTok", "TikTok"),
    "other": ("直播间", "Live room"),
}  # fmt: skip
"""Live platforms (`live.channels[].platform`)."""

CERTIFICATES = {
    "geographical-indication": (
        ("地理标志产品", "Geographical indication"),
        ("地理标志", "Geographical indication"),
        ("地理标志", "geographical indication"),
    ),
    "organic": (("有机产品认证", "Certified organic"), ("有机", "Organic"), ("有机认证", "organic")),
    "green-food": (("绿色食品", "Green Food"), ("绿色食品", "Green Food"), ("绿色食品", "green food")),
    "intangible-heritage": (
        ("非物质文化遗产", "Intangible cultural heritage"),
        ("非遗", "Intangible heritage"),
        ("非物质文化遗产", "intangible heritage"),
    ),
    "other": (("认证", "Certificate"), ("认证", "Certified"), ("认证", "other")),
}
"""Certificate kinds, in three wordings: the full name a product page lists, the short badge a card
has room for, and the word for what a product holds (the check's advice: 持有有机认证)."""

CERTIFICATE_WORDINGS = ("page", "badge", "held")

CULTURE_KINDS = {
    "festival": ("节庆", "festival"), "craft": ("手艺", "craft"), "heritage": ("非遗", "heritage"),
    "landscape": ("风景", "landscape"), "cuisine": ("饮食", "cuisine"), "dialect": ("方言", "dialect"),
    "custom": ("习俗", "custom"), "history": ("历史", "history"), "ecology": ("生态", "ecology"),
    "other": ("文化", "other"),
}  # fmt: skip
"""Kinds of culture element (`culture[].kind`)."""

REPEATS = {
    "DAILY": ("每天", "daily"),
    "WEEKLY": ("每周", "weekly"),
    "MONTHLY": ("每月", "monthly"),
    "YEARLY": ("每年", "yearly"),
}
"""Repeat frequencies, as a poster says how often a session comes back."""

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def platform_label(platform: str, language: str) -> str:
    return choose(language, *PLATFORMS.get(platform, PLATFORMS["other"]))


def channel_label(channel, language: str) -> str:
    """A live room as viewers find it: `抖音 @anji-tea`."""
    platform = platform_label(channel.platform, language)
    return f"{platform} @{channel.handle}" if channel.handle else platform


def certificate_label(kind: str, language: str, wording: str = "page") -> str:
    """A certificate kind in one of its CERTIFICATE_WORDINGS; an unknown kind is a certificate."""
    forms = CERTIFICATES.get(kind, CERTIFICATES["other"])
    return choose(language, *forms[CERTIFICATE_WORDINGS.index(wording)])


def culture_label(kind: str, language: str) -> str:
    return choose(language, *CULTURE_KINDS.get(kind, CULTURE_KINDS["other"]))


def list_names(names: list[str], language: str) -> str:
    """Names one after another: 张三、李四 / Zhang San, Li Si."""
    return ("、" if chinese(language) else ", ").join(names)


# --- dates and times ----------------------------------------------------------------------------


def utc_offset(moment: datetime) -> str:
    """`UTC+08:00`."""
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def day_label(day: date, language: str) -> str:
    """`2026年12月4日 周五` / `Fri 4 Dec 2026`."""
    if chinese(language):
        return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%a} {day.day} {day:%b %Y}"


def session_time(start: datetime, end: datetime) -> str:
    """`2026-12-04 19:30–21:30 (UTC+08:00)`: village time, with its offset spelt out."""
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{until} ({utc_offset(start)})"


# --- prices --------------------------------------------------------------------------------------

CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£", "HKD": "HK$"}


def price_parts(price) -> tuple[str, str]:
    """(`¥98`, `5 kg`): the amount with its sign (no `.00` for whole amounts), and the unit."""
    amount = price.amount
    number = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    sign = CURRENCY_SIGNS.get(price.currency)
    return (f"{sign}{number}" if sign else f"{price.currency} {number}"), (price.unit or "")
