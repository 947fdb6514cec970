"""Every word the site, its images and its feeds show, in Chinese and in English, declared once.

The site speaks its `theme.language` (mkdocs.yml): Chinese for any `zh*` code, English otherwise.
`say(language, key, **values)` reads a phrase of `WORDS`; the labels of the contract's enumerations
(platforms, certificates, repeat frequencies) and the way dates are written are here too, so that
a page, a card and a calendar never call one thing by two names.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache


def chinese(language: str) -> bool:
    """Whether a site in `language` speaks Chinese (zh, zh-Hans, zh-TW, ...)."""
    return language.startswith("zh")


def choose(language: str, zh: str, en: str) -> str:
    return zh if chinese(language) else en


LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
"""Each language by its own name, as a language switch names it (a Chinese reader looks for 中文)."""


def language_name(code: str) -> str:
    return LANGUAGE_NAMES["zh" if chinese(code) else "en"]


WORDS: dict[str, tuple[str, str]] = {
    # pages: titles and descriptions
    "regions": ("地区", "Regions"),
    "regions.about": ("按省份逛各村好物", "Products by province"),
    "region.about": ("{name}各村的好物", "Products of the villages of {name}"),
    "regions.index": ("全国各省总览", "All provinces (the national index)"),
    "categories": ("品类", "Categories"),
    "categories.about": ("按品类逛各村好物", "Products by category"),
    "category.about": ("各村的{name}", "{name} from every village"),
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
    "live": ("直播中", "Live now"), "upcoming": ("即将开始", "Upcoming"), "past": ("已结束", "Ended"),
    "soon": ("即将开始", "Starting soon"), "preview": ("预告", "Coming up"),
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


SEARCH_WORDS = {
    "in": ("搜索范围", "Search in"),
    "none": ("没有找到“{q}”，换个词或换个地区试试。", "Nothing found for “{q}”: try other words or another region."),
    "count": ("找到{n}件", "{n} found"),
    "more": ("只列出前{n}件，输入更多字可以缩小范围。", "The first {n} are shown: type more to narrow them."),
    "village": ("村庄", "Village"),
    "loading": ("正在载入…", "Loading…"),
    "type": ("输入商品或村名", "Type a product or a village"),
}
"""What search-on-demand.js says; it gets them with the index (site/search.py)."""


def search_words(language: str) -> dict[str, str]:
    """The words search-on-demand.js needs, in the site's language."""
    return {key: choose(language, *pair) for key, pair in SEARCH_WORDS.items()}


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


def session_time(start: datetime, end: datetime, zone: str, language: str) -> str:
    """`2026年12月4日 周五 19:30-21:30 北京时间`: a start as the pages write it (day, clock, zone),
    for the feeds and anything else that says it in one line."""
    return f"{day_label(start, language)} {clock_span(start, end)} {zone_label(zone, language, start)}"


# --- prices --------------------------------------------------------------------------------------

CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£", "HKD": "HK$"}


def price_parts(price) -> tuple[str, str]:
    """(`¥98`, `5 kg`): the amount with its sign (no `.00` for whole amounts), and the unit."""
    amount = price.amount
    number = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    sign = CURRENCY_SIGNS.get(price.currency)
    return (f"{sign}{number}" if sign else f"{price.currency} {number}"), (price.unit or "")


# --- the storefront's buyer-facing words (issue 18) ----------------------------------------------
# Shops, roles, time zones, prices and repeat rules as a Chinese buyer reads them: a key of the
# contract (`pinduoduo`, `field-control`, `Asia/Shanghai`) never reaches a page.

SHOPS = {
    "taobao": ("淘宝", "Taobao"), "tmall": ("天猫", "Tmall"), "jd": ("京东", "JD"),
    "pinduoduo": ("拼多多", "Pinduoduo"), "douyin": ("抖音", "Douyin"), "kuaishou": ("快手", "Kuaishou"),
    "wechat": ("微信小店", "WeChat shop"),
    "xiaohongshu": ("小红书", "Xiaohongshu"), "website": ("官网", "Website"), "other": ("网店", "Online shop"),
}  # fmt: skip
"""Shop platforms (`products[].buy[].platform`), by the names buyers know them."""

ROLES = {
    "anchor": ("主播", "Host"), "assistant": ("助播", "Assistant"), "planner": ("策划", "Planner"),
    "field-control": ("场控", "Floor manager"), "operations": ("运营", "Operations"), "other": ("团队成员", "Team"),
}  # fmt: skip
"""Roles in the live room (`team[].role`)."""

ZONES = {
    "Asia/Shanghai": ("北京时间", "Beijing time"), "Asia/Chongqing": ("北京时间", "Beijing time"),
    "Asia/Urumqi": ("新疆时间", "Xinjiang time"), "Asia/Hong_Kong": ("香港时间", "Hong Kong time"),
    "Asia/Taipei": ("台北时间", "Taipei time"), "Asia/Macau": ("澳门时间", "Macau time"),
    "Asia/Tokyo": ("东京时间", "Tokyo time"), "Asia/Seoul": ("首尔时间", "Seoul time"),
    "Asia/Bangkok": ("曼谷时间", "Bangkok time"), "Asia/Singapore": ("新加坡时间", "Singapore time"),
    "Europe/London": ("伦敦时间", "London time"), "Europe/Paris": ("巴黎时间", "Paris time"),
    "America/New_York": ("纽约时间", "New York time"), "America/Los_Angeles": ("洛杉矶时间", "Los Angeles time"),
}  # fmt: skip
"""Time zones by their Chinese names; any other zone is named by its city and its UTC offset."""

STOREFRONT_WORDS: dict[str, tuple[str, str]] = {
    "buy": ("去购买", "Buy"),
    "buy.on": ("在{shop}购买", "Buy on {shop}"),
    "buy.where": ("购买渠道", "Where to buy"),
    "contact": ("联系", "Contact"),
    "live": ("直播", "Live"),
    "buy.bar": ("购买与联系", "Buy and contact"),
    "preview": ("预告", "Coming up"),
    "soon": ("即将开始", "Starting soon"),
    "on-air": ("直播中", "Live now"),
    "ended": ("已结束", "Ended"),
    "series.next": ("下一场", "Next"),
    "series.then": ("之后", "Then"),
    "poster": ("海报", "Poster"),
    "save.poster": ("保存海报", "Save the poster"),
    "save.share": ("分享图", "Share image"),
    "save.hint": ("长按图片保存，发给朋友", "Long-press the image to save it"),
    "in-season": ("当季", "In season"),
    "out-of-season": ("非当季", "Out of season"),
    "products": ("好物", "Products"),
    "products.of": ("{name}的好物", "Products of {name}"),
    "products.count": ("共{count}件好物", "{count} products"),
    "page.of": ("第{page}页，共{pages}页", "Page {page} of {pages}"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "pages": ("分页", "Pages"),
    "upcoming.live": ("直播预告", "Upcoming live sessions"),
    "selection": ("好物精选", "A selection of products"),
    "all.schedule": ("全部直播日程", "The whole live schedule"),
    "week.of": ("{first}–{last}", "{first}–{last}"),
    "week.prev": ("上一周", "Previous week"),
    "week.next": ("下一周", "Next week"),
    "week.this": ("本周", "This week"),
    "week.none": ("这一周没有直播安排。", "No live sessions this week."),
    "week.next-busy": ("最近的直播在{week}", "The next live sessions: {week}"),
    "calendar.add": ("添加到日历", "Add to calendar"),
    "calendar.download": ("下载日历", "Download the calendar"),
    "feed.subscribe": ("订阅直播预告", "Subscribe to upcoming sessions"),
    "not-found": ("页面不存在", "Page not found"),
    "not-found.lead": ("这个页面找不到了，可能已经下架或地址有误。", "This page could not be found."),
    "back.home": ("回到首页", "Back to the home page"),
    "filter": ("筛选", "Filter"),
    "filter.all": ("全部", "All"),
    "village.home": ("{name}首页", "{name} home"),
    # the buyer's pages, audited (issue 18, part B)
    "service": ("服务承诺", "Our promise to buyers"),
    "service.shipping": ("发货", "Shipping"),
    "service.returns": ("退换", "Returns"),
    "service.booking": ("预订与退订", "Booking and cancellation"),
    "wechat": ("微信：{id}", "WeChat: {id}"),
    "photos": ("产品照片", "Product photos"),
    "photo.n": ("第{n}张照片，共{count}张", "Photo {n} of {count}"),
    "live.for": ("直播间里讲它", "Shown live"),
    "live.enter": ("进入直播间", "Open the live room"),
    "live.scan": ("扫码进入直播间", "Scan to open the live room"),
    "more.village": ("本村其他好物", "More from this village"),
}
"""The storefront's own phrases, read through `say` like WORDS."""
WORDS.update(STOREFRONT_WORDS)


def shop_label(platform: str, language: str) -> str:
    return choose(language, *SHOPS.get(platform, SHOPS["other"]))


def role_label(role: str, language: str) -> str:
    return choose(language, *ROLES.get(role, ROLES["other"]))


def zone_label(zone: str, language: str, moment: datetime | None = None) -> str:
    """北京时间 for China's zone; another zone by its Chinese name (ours, else CLDR's: 德国（柏林）时间),
    and one that has none (Etc/GMT+5) by its key and UTC offset."""
    if zone in ZONES:
        return choose(language, *ZONES[zone])
    named = _cldr_zone(zone, "zh_CN" if chinese(language) else "en")
    if named:
        return named
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    offset = (
        f"（{utc_offset(moment)}）" if moment and chinese(language) else f" ({utc_offset(moment)})" if moment else ""
    )
    return choose(language, f"{city}时间{offset}", f"{city} time{offset}")


@lru_cache(maxsize=512)
def _cldr_zone(zone: str, locale: str) -> str | None:
    """The zone's name in Unicode CLDR, as phones name it; None for a zone without a place."""
    from babel.dates import get_timezone_location  # only for a zone ZONES does not name (25 ms)

    try:
        text = get_timezone_location(zone, locale=locale)
    except (LookupError, ValueError):
        return None
    return None if "GMT" in text or "UTC" in text else text


def price_text(price) -> str:
    """`¥98 / 5 kg`: a price as one line of text (JSON-LD descriptions, alt text, cards)."""
    amount, unit = price_parts(price)
    return f"{amount} / {unit}" if unit else amount


def short_date(day: date, language: str) -> str:
    """`12月4日 周五` / `Fri 4 Dec`: a date in a line of dates (the year is the schedule's)."""
    if chinese(language):
        return f"{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%a} {day.day} {day:%b}"


def clock_span(start: datetime, end: datetime) -> str:
    """`19:30-21:30` (an end on a later day says which: `23:00-次日01:00` is written `23:00-01:00+1`)."""
    days = (end.date() - start.date()).days
    return f"{start:%H:%M}-{end:%H:%M}" + (f"+{days}" if days > 0 else "")


BYDAY_INDEX = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def repeat_label(parts: dict[str, str], start: datetime, end: datetime, last: date | None, language: str) -> str:
    """A repeat rule as buyers read it: `每周六 19:30-21:30，至2027年6月30日` / `Every Sat 19:30-21:30, until
    30 Jun 2027`. `parts` is the rule's parts (FREQ, BYDAY, INTERVAL, ...), `start`/`end` one start and
    its end, `last` the last day of the series (None: no end)."""
    zh = chinese(language)
    every = _every(parts, start, zh)
    line = f"{every} {clock_span(start, end)}"
    if last is not None:
        line += f"，至{last.year}年{last.month}月{last.day}日" if zh else f", until {last.day} {last:%b %Y}"
    return line


def _every(parts: dict[str, str], start: datetime, zh: bool) -> str:
    frequency = parts.get("FREQ", "WEEKLY")
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    days = [BYDAY_INDEX[d[-2:]] for d in parts.get("BYDAY", "").split(",") if d[-2:] in BYDAY_INDEX]
    if frequency == "WEEKLY":
        days = days or [start.weekday()]
        if zh:
            names = "、".join(WEEKDAYS_ZH[d][1:] for d in sorted(days))
            return f"{'每' if interval == 1 else f'每{interval}'}周{names}"
        names = ", ".join(WEEKDAYS_EN[d] for d in sorted(days))
        return f"Every {'' if interval == 1 else f'{interval} weeks on '}{names}"
    if frequency == "DAILY":
        return (
            ("每天" if interval == 1 else f"每{interval}天")
            if zh
            else ("Daily" if interval == 1 else f"Every {interval} days")
        )
    if frequency == "MONTHLY":
        return f"每月{start.day}日" if zh else f"Monthly on the {start.day}th"
    if frequency == "YEARLY":
        return f"每年{start.month}月{start.day}日" if zh else f"Every year on {start.day} {start:%b}"
    return choose("zh" if zh else "en", *REPEATS.get(frequency, ("重复", "repeats")))
