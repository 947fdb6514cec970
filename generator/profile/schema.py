"""The village profile contract, declared once (the guide, docs/guide.md, explains it in Chinese).

Each class is a frozen dataclass: it is the validator, the model the build reads, and, through
`json_schema()`, the JSON Schema that a cooperative's editor uses. Every field carries its one-line
description here and nowhere else.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import pycountry
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationInfo, WithJsonSchema
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from generator import words
from generator.messages import say
from generator.profile.categories import categories
from generator.profile.repeats import RuleProblem, checked_rule
from generator.profile.times import MAX_DURATION, span_advice, within_span

DEFAULT_LANGUAGE = "zh"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")  # HEIC: as a phone saves it

# extra="forbid" turns a misspelt key into an error (with a did-you-mean from read.py);
# numbers are accepted where text is expected because a certificate number or a phone number
# is often written without quotes.
CONFIG = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
DURATION_PATTERN = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?$")
ISO_DURATION_PATTERN = re.compile(r"^PT(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?$")
HEX_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Invisible marks that turn the direction of the text after them: U+202E shows `Tea\u202egpj.exe`
# as `Teaexe.jpg`. In a name they reorder what pages, feeds and cards show; in an address they make
# it read as another. Display text loses them; an address with one is refused (changing it silently
# could lead elsewhere).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


class Walk(str):
    """A mark on a value type that `fields.py` walks by: every field of that type, wherever the
    contract puts it, is found from these marks, so a new field is never missed by a check."""


TEXT, MARKDOWN, IMAGE, NAME = Walk("text"), Walk("markdown"), Walk("image"), Walk("name")
"""Text a buyer reads; Markdown a buyer reads; a photo inside the village folder; a proper name
(of the village or a person: text, but not a claim)."""

# --- value types: each parses one kind of value and says plainly what was expected -------------


def displayed(text: str) -> str:
    """Text as a page shows it: without text-direction controls (BIDI_CONTROLS)."""
    return BIDI_CONTROLS.sub("", text)


def _plain(value: Any) -> Any:
    return displayed(value) if isinstance(value, str) else value


Plain = Annotated[str, BeforeValidator(_plain)]
"""A short text shown as written (a place name, a unit, a certificate number, a phone number),
without text-direction controls, like Text."""


def _text(value: Any, info: ValidationInfo) -> dict[str, str]:
    """A plain string is the site's primary language; a mapping gives one string per language."""
    language = (info.context or {}).get("language", DEFAULT_LANGUAGE)
    if isinstance(value, str):
        value = displayed(value)
        if not value.strip():
            raise _fail("text", say("text.empty"))
        return {language: value.strip()}
    if isinstance(value, dict) and value:
        texts = {}
        for code, text in value.items():
            if text is None:
                raise _fail("text", say("text.no_text_after", code=code))
            if not isinstance(code, str) or not LANGUAGE_PATTERN.match(code):
                raise _fail("text", say("text.language_code", code=code))
            if not isinstance(text, (str, int, float)) or not displayed(str(text)).strip():
                raise _fail("text", say("text.empty_language", code=code))
            texts[code] = displayed(str(text)).strip()
        return texts
    raise _fail("text", say("text.type"))


Text = Annotated[
    dict[str, str],
    BeforeValidator(_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "propertyNames": {"pattern": LANGUAGE_PATTERN.pattern},
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "minProperties": 1,
                },
            ],
            "description": "Text: a string in the site's language, or {zh: ..., en: ...}",
        }
    ),
    TEXT,
]


def _markdown(value: Any) -> str:
    if not isinstance(value, (str, int, float)) or not displayed(str(value)).strip():
        raise _fail("markdown", say("markdown.type"))
    return displayed(str(value))


Markdown = Annotated[str, BeforeValidator(_markdown), WithJsonSchema({"type": "string", "minLength": 1}), MARKDOWN]


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value) or len(value) > 64:
        raise _fail("identifier", say("identifier.invalid", value=value))
    return value


Identifier = Annotated[
    str, BeforeValidator(_identifier), WithJsonSchema({"type": "string", "pattern": ID_PATTERN.pattern})
]


MAX_NAME_BYTES = 255
"""The longest file or folder name that common file systems store (ext4, NTFS, APFS)."""


def relative_image_path(value: Any) -> str:
    """A path inside the village folder: no absolute paths, no `..`, no web address, an image
    suffix. It is returned the one way the site publishes it (`./images//a.jpg` -> `images/a.jpg`),
    so that two spellings of one photo are one photo with one URL."""
    if not isinstance(value, str) or not value.strip():
        raise _fail("path", say("path.type"))
    text = value.strip()
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        raise _fail("path", say("path.web_address", text=text))
    if "\\" in text:
        raise _fail("path", say("path.backslash", text=text))
    path = PurePosixPath(text)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", text) or text.startswith("~"):
        raise _fail("path", say("path.absolute", text=text))
    if ".." in path.parts:
        raise _fail("path", say("path.outside", text=text))
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise _fail("path", say("path.suffix", text=text))
    if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in path.parts) or len(path.parts) > 32:
        raise _fail("path", say("path.too_long", path=_short_path(text), most=MAX_NAME_BYTES))
    return str(path)


def _short_path(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")


ImagePath = Annotated[
    str,
    BeforeValidator(relative_image_path),
    WithJsonSchema({"type": "string", "pattern": r"^(?![/\\])(?!.*\.\.)[^\\]+\.(?i:jpe?g|png|webp|heic|heif)$"}),
    IMAGE,
]


def _https_url(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail("url", say("url.type"))
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() != "https" or not parts.netloc or any(c.isspace() for c in text):
        raise _fail("url", say("url.not_https", text=text))
    if control := BIDI_CONTROLS.search(text):
        raise _fail("url", say("url.bidi", text=text, code=f"{ord(control[0]):04X}"))
    return text


HttpsUrl = Annotated[str, BeforeValidator(_https_url), WithJsonSchema({"type": "string", "pattern": "^https://\\S+$"})]


def _hex_colour(value: Any) -> str:
    if not isinstance(value, str) or not HEX_PATTERN.match(value.strip()):
        raise _fail("colour", say("colour.invalid", value=value))
    text = value.strip().upper()
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text


HexColour = Annotated[
    str, BeforeValidator(_hex_colour), WithJsonSchema({"type": "string", "pattern": HEX_PATTERN.pattern})
]


NOT_A_PLACE = ("localtime", "posixrules", "Factory")
"""Names a zone folder holds that are no place's zone: a link to the zone of the machine itself
(`localtime`, `posixrules`), and IANA's zone for "not set yet" (`Factory`)."""


@cache
def _time_zones() -> frozenset[str]:
    """The IANA zone names that the tzdata package lists: the same on every machine, unlike
    `zoneinfo.available_timezones()`, which also lists what the system's zone folder holds
    (`localtime` there would make a site depend on the machine that builds it)."""
    names = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(names) - set(NOT_A_PLACE)


def _time_zone(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if name not in _time_zones():
        close = difflib.get_close_matches(name.rpartition("zoneinfo/")[2], sorted(_time_zones()), n=1)
        if close:
            hint = say("did_you_mean", close=close[0])
        elif name in NOT_A_PLACE or name.startswith("/"):
            hint = say("timezone.machine")
        else:
            hint = say("timezone.example")
        raise _fail("timezone", say("timezone.invalid", value=value, hint=hint))
    return name


TimeZone = Annotated[str, BeforeValidator(_time_zone), WithJsonSchema({"type": "string"})]


def _currency(value: Any) -> str:
    code = str(value).strip().upper() if isinstance(value, str) else ""
    if code in ("RMB", "人民币", "元", "¥", "￥"):
        raise _fail("currency", say("currency.cny", value=value))
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise _fail("currency", say("currency.invalid", value=value))
    return code


Currency = Annotated[str, BeforeValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{3}$"})]


def parse_duration(value: Any) -> timedelta:
    """`90m`, `2h`, `1h30m` or ISO 8601 `PT1H30M`, more than 0 and at most MAX_DURATION."""
    text = str(value).strip().replace(" ", "") if isinstance(value, (str, int)) else ""
    match = DURATION_PATTERN.match(text.lower()) or ISO_DURATION_PATTERN.match(text.upper())
    if not text or not match or not any(match.groupdict().values()):
        raise _fail("duration", say("duration.invalid", value=value))
    minutes = _count(match["h"]) * 60 + _count(match["m"])
    # Compared as a number first: 99999999999999999999h is more than a timedelta holds (OverflowError).
    if not 0 < minutes <= MAX_DURATION // timedelta(minutes=1):
        raise _fail("duration", say("duration.range", value=value, hours=MAX_DURATION // timedelta(hours=1)))
    return timedelta(minutes=minutes)


def _count(digits: str | None) -> int:
    """Hours or minutes as written; a number too long to read is too long for a session anyway."""
    digits = (digits or "0").lstrip("0") or "0"
    return int(digits) if len(digits) <= 9 else 10**9


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    WithJsonSchema({"type": "string", "pattern": r"^(\d+h)?(\d+m)?$|^PT(\d+H)?(\d+M)?$"}),
]


def _rrule(value: Any) -> str:
    try:
        return checked_rule(value)
    except RuleProblem as problem:
        raise _fail("rrule", str(problem)) from None


RepeatRule = Annotated[str, BeforeValidator(_rrule), WithJsonSchema({"type": "string", "pattern": "FREQ="})]


def _schedule_time(value: datetime) -> datetime:
    if not within_span(value):
        raise _fail("schedule_time", say("time.outside_span", advice=span_advice(value.isoformat(timespec="minutes"))))
    return value


ScheduleTime = Annotated[datetime, AfterValidator(_schedule_time)]
"""A start or an except: a date and time within the span of times.EARLIEST to times.LATEST."""


def _typed_number(value: Any) -> Any:
    """A number as a Chinese keyboard types it: full-width digits and point (９８．５) are the
    number 98.5 (NFKC turns them half-width). What stays text is left to the number's own check."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _amount(value: Any) -> Any:
    """A price's number; a currency sign or a thousands comma in it gets advice, not "not a number"."""
    text = _typed_number(value)
    if isinstance(text, str) and re.search(r"[¥$€£元块]|RMB|CNY", text, re.IGNORECASE):
        raise _fail("amount", say("amount.currency_sign", value=value))
    if isinstance(text, str) and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+,\d{1,2}", text):
        raise _fail("amount", say("amount.comma", value=value))
    return text


def _price_block(value: Any) -> Any:
    """`price: 98` says too little: the unit (and the currency) belong with it."""
    if isinstance(value, (int, float, str)):
        amount = _typed_number(value) if isinstance(value, str) else value
        raise _fail("price", say("price.not_a_block", value=value, amount=amount))
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Month = Annotated[
    int,
    Field(ge=1, le=12),
    BeforeValidator(_typed_number),
    # An editor should not underline a month typed in full-width digits (３) either.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 12},
                {"type": "string", "pattern": r"^\s*([1-9]|1[0-2]|[１-９]|１[０-２])\s*$"},
            ]
        }
    ),
]

# --- enumerations ------------------------------------------------------------------------------
# A value of the contract is an English key (`taobao`); a cooperative may write its Chinese name
# instead (淘宝), which is read as the key. The names are the ones the pages show (generator/words.py,
# data/categories.yml), and SPELLINGS adds the other ways people write them. The JSON Schema offers
# both, each described in both languages, so an editor completes 淘宝 as well as taobao.

SPELLINGS: dict[str, dict[str, str]] = {
    "culture": {"节日": "festival", "手工": "craft", "工艺": "craft", "非物质文化遗产": "heritage", "美食": "cuisine",
                "风光": "landscape", "景色": "landscape", "民俗": "custom", "风俗": "custom", "其他": "other"},
    "shop": {"微信": "wechat", "微店": "wechat", "京东商城": "jd", "网站": "website", "其他": "other"},
    "role": {"主持": "anchor", "副播": "assistant", "运营": "operations", "其他": "other"},
    "live": {"淘宝": "taobao-live", "视频号": "wechat-channels", "微信": "wechat-channels", "B站": "bilibili",
             "其他": "other"},
    "certification": {"地理标志": "geographical-indication", "有机": "organic", "非遗": "intangible-heritage",
                      "其他": "other"},
    "style": {},
    "category": {},
}  # fmt: skip
"""Other Chinese spellings of enumeration values, by enumeration: name -> key."""


def _names(pairs: dict[str, tuple[Any, ...]]) -> dict[str, str]:
    """key -> its Chinese name, from a table of words.py (key -> (zh, en), or wordings of such)."""
    return {key: (forms[0][0] if isinstance(forms[0], tuple) else forms[0]) for key, forms in pairs.items()}


ENUM_NAMES: dict[str, dict[str, str]] = {
    "culture": _names(words.CULTURE_KINDS),
    "shop": _names(words.SHOPS),
    "role": _names(words.ROLES),
    "live": _names(words.PLATFORMS),
    "certification": _names(words.CERTIFICATES),
    "style": {"ink": "水墨", "folk": "民间", "modern": "现代", "earth": "大地"},
    "category": {c.id: c.zh for c in categories().values()},
}
"""Each enumeration's keys in the order a profile may write them, with the Chinese name of each."""


def aliases(enumeration: str) -> dict[str, str]:
    """Every Chinese way of writing a value of `enumeration`: its name and SPELLINGS -> key."""
    names = {name: key for key, name in ENUM_NAMES[enumeration].items()}
    return {**names, **SPELLINGS[enumeration]}


def _enum_value(enumeration: str):
    def read(value: Any) -> Any:
        """The key for a value written as its Chinese name, or in capitals (Taobao); else as it is."""
        if not isinstance(value, str):
            return value
        text = unicodedata.normalize("NFKC", value).strip()
        keys = ENUM_NAMES[enumeration]
        return aliases(enumeration).get(text) or (text.lower() if text.lower() in keys else text)

    return read


def _enum_schema(enumeration: str, what: str) -> dict[str, Any]:
    """The keys and their Chinese names as one list of choices, each described as `淘宝 (taobao)`."""
    names = ENUM_NAMES[enumeration]
    choices = [*names, *aliases(enumeration)]
    return {
        "enum": choices,
        "enumDescriptions": [
            f"{names[key]}（{key}）"
            for key in (choice if choice in names else aliases(enumeration)[choice] for choice in choices)
        ],
        "description": what,
        "x-names": [[key, name] for key, name in names.items()],  # a list: JSON Schema output sorts mappings
    }


def enumeration(enumeration: str, what: str) -> Any:
    """The type of a field whose value is one of an enumeration's keys, or its Chinese name."""
    return Annotated[
        Literal[tuple(ENUM_NAMES[enumeration])],  # type: ignore[valid-type]
        BeforeValidator(_enum_value(enumeration)),
        WithJsonSchema(_enum_schema(enumeration, what)),
    ]


Category = enumeration("category", "品类 / category")
CultureKind = enumeration("culture", "类别 / kind")
ArtStyle = enumeration("style", "风格 / style")
CertificationKind = enumeration("certification", "证书类别 / kind of certificate")
ShopPlatform = enumeration("shop", "网店平台 / shop platform")
Role = enumeration("role", "角色 / role")
LivePlatform = enumeration("live", "直播平台 / live platform")

# --- the profile -------------------------------------------------------------------------------


def _record(cls):
    return dataclass(frozen=True, kw_only=True, config=CONFIG)(cls)


MAX_PRODUCT_PHOTOS = 9
"""Photos of one product: a shop's gallery holds about as many, and the page stays light."""


@_record
class Region:
    province: Plain = Field(min_length=1, description="省，例如 浙江省 / Province, like 浙江省.")
    county: Plain = Field(min_length=1, description="县或区，例如 安吉县 / County or district, like 安吉县.")
    city: Plain | None = Field(None, description="地级市，例如 湖州市 / Prefecture-level city, like 湖州市.")
    township: Plain | None = Field(None, description="乡或镇，例如 溪龙乡 / Township or town, like 溪龙乡.")
    coordinates: tuple[Annotated[float, Field(ge=-90, le=90)], Annotated[float, Field(ge=-180, le=180)]] | None = Field(
        None, description="坐标 [纬度, 经度]（WGS 84） / [latitude, longitude] in WGS 84."
    )


@_record
class CultureItem:
    name: Text = Field(description="名称 / What it is called.")
    kind: CultureKind = Field(
        description=(
            "类别：节庆、手艺、非遗、风景、美食、方言、习俗、历史、生态、其他 / What kind of culture element it is."
        )
    )
    description: Markdown = Field(
        description="它是什么、为什么属于这里（Markdown） / What it is and why it belongs to this place (Markdown)."
    )
    image: ImagePath | None = Field(
        None, description="它的照片，放在本村文件夹里 / A photo of it, inside the village folder."
    )


@_record
class BrandColors:
    primary: HexColour | None = Field(None, description='主色，带引号的 "#RRGGBB" / Main brand colour, "#RRGGBB".')
    accent: HexColour | None = Field(None, description='辅色，带引号的 "#RRGGBB" / Second brand colour, "#RRGGBB".')


@_record
class Brand:
    colors: BrandColors | None = Field(
        None, description="品牌颜色；不写就从首页大图取色 / Brand colours; derived from the hero photo when absent."
    )
    logo: ImagePath | None = Field(
        None, description="标志图片；不写就生成一枚印章 / Logo image; a seal is generated when absent."
    )
    hero: ImagePath | None = Field(
        None, description="首页大图：本村页面顶部的大照片 / The large photo at the top of the village page."
    )
    style: ArtStyle | None = Field(
        None, description="生成图案的风格：水墨、民间、现代、大地 / Art direction for generated art."
    )


@_record
class Price:
    amount: Amount = Field(
        gt=0, max_digits=12, decimal_places=2, description="一份的价格，大于 0 / Price of one unit; more than 0."
    )
    currency: Currency = Field("CNY", description="货币代码（ISO 4217），默认 CNY / ISO 4217 currency code.")
    unit: Plain | None = Field(
        None,
        min_length=1,
        description="单位：一份是多少，例如 250 g 或 一盒 / What one price buys, like 250 g or 一盒.",
    )


@_record
class Certification:
    kind: CertificationKind = Field(description="证书类别 / What the certificate attests.")
    id: Plain = Field(min_length=1, description="证书或登记编号 / The certificate or registration number.")
    issuer: Plain = Field(min_length=1, description="发证机构 / Who issued it.")
    valid_until: date | None = Field(
        None, description="有效期的最后一天，YYYY-MM-DD / Last day it is valid, YYYY-MM-DD."
    )


@_record
class BuyLink:
    platform: ShopPlatform = Field(
        description="网店平台：淘宝、天猫、京东、拼多多、抖音、快手、微信、小红书、官网、其他 / Where the shop is."
    )
    url: HttpsUrl = Field(description="网店页面网址，只能是 https / The shop page, https only.")


@_record
class Contact:
    phone: Plain | None = Field(None, min_length=1, description="电话 / Phone number.")
    wechat: Plain | None = Field(None, min_length=1, description="微信号 / WeChat id.")
    email: Annotated[str, Field(pattern=EMAIL_PATTERN.pattern)] | None = Field(
        None, description="电子邮箱 / E-mail address."
    )


@_record
class Service:
    shipping: Markdown | None = Field(
        None, description="怎么发货、发到哪里（Markdown） / How and where goods are shipped (Markdown)."
    )
    returns: Markdown | None = Field(
        None, description="退换货承诺（Markdown） / The return and refund promise (Markdown)."
    )
    booking: Markdown | None = Field(
        None,
        description=(
            "住宿、体验怎么预订和退订（Markdown）；乡村旅游类好物显示它，而不显示发货和退换 / "
            "How stays and experiences are booked and cancelled (Markdown); "
            "shown for them instead of shipping and returns."
        ),
    )
    contact: Contact | None = Field(None, description="买家怎么联系合作社 / How a buyer reaches the cooperative.")


@_record
class Product:
    id: Identifier = Field(
        description="编号：本村内不重复，只用 a-z、0-9 和 '-' / Unique within the village: a-z, 0-9 and '-'."
    )
    name: Text = Field(description="产品名 / Product name.")
    category: Category = Field(description="品类，例如 茶叶（tea） / One of the published categories.")
    description: Markdown = Field(
        description=(
            "介绍：是什么、怎么做的、怎么享用（Markdown） / What it is, how it is made, how to enjoy it (Markdown)."
        )
    )
    price: Annotated[Price, BeforeValidator(_price_block)] = Field(
        description="价格、货币和单位 / Price, currency and unit."
    )
    season: list[Month] = Field(
        default_factory=list, description="上市月份 1-12 / Months 1-12 in which it is available."
    )
    images: list[ImagePath] = Field(
        default_factory=list,
        max_length=MAX_PRODUCT_PHOTOS,
        description=(
            f"产品照片，最多 {MAX_PRODUCT_PHOTOS} 张，第一张是封面，其余在产品页的相册里 / "
            f"Product photos, at most {MAX_PRODUCT_PHOTOS}: "
            "the first is its cover, all are in the product page's gallery."
        ),
    )
    certifications: list[Certification] = Field(default_factory=list, description="持有的证书 / Certificates it holds.")
    buy: list[BuyLink] = Field(default_factory=list, description="在哪里下单 / Where a customer orders it.")
    service: Service | None = Field(
        None,
        description=(
            "这件好物自己的服务承诺：写了的项替换本村的（例如民宿的预订与退订） / "
            "This product's own promises: each one given replaces the village's (a homestay's booking terms)."
        ),
    )


@_record
class Person:
    id: Identifier = Field(
        description="编号：本村内不重复，只用 a-z、0-9 和 '-' / Unique within the village: a-z, 0-9 and '-'."
    )
    name: Annotated[Text, NAME] = Field(description="姓名 / The person's name.")
    role: Role = Field(description="角色：主播、助播、场控、运营、策划、其他 / What they do in the live room.")
    bio: Markdown | None = Field(None, description="几句介绍（Markdown） / A few words about them (Markdown).")
    photo: ImagePath | None = Field(None, description="照片 / Their photo.")


@_record
class Channel:
    id: Identifier = Field(
        description="编号：本村内不重复，只用 a-z、0-9 和 '-' / Unique within the village: a-z, 0-9 and '-'."
    )
    platform: LivePlatform = Field(description="直播平台 / The live-streaming platform.")
    url: HttpsUrl = Field(
        description=(
            "直播间网址，只能是 https；会生成二维码 / The live room's address, https only; a QR code is made from it."
        )
    )
    handle: Plain | None = Field(None, min_length=1, description="观众看到的账号名 / Account name shown to viewers.")


@_record
class Session:
    title: Text = Field(description="直播标题 / What the session is about.")
    channel: Identifier = Field(description="上面某个直播间的编号 / The id of a channel above.")
    start: ScheduleTime = Field(
        description=(
            "第一场（或唯一一场）的开始时间，例如 2027-03-20T19:30（本村时间） / "
            "First (or only) start, like 2027-03-20T19:30 (village time)."
        )
    )
    duration: Duration = Field(description="时长：90m、2h、1h30m 或 PT1H30M / How long: 90m, 2h, 1h30m or PT1H30M.")
    repeat: RepeatRule | None = Field(
        None,
        description=(
            "重复：每周六、每周二、四、每天、每月1日（可加“，至2027年6月30日”），"
            "或 RFC 5545 规则 FREQ=WEEKLY;BYDAY=SA / "
            "RFC 5545 RRULE, like FREQ=WEEKLY;BYDAY=FR."
        ),
    )
    except_: list[ScheduleTime] = Field(
        default_factory=list, alias="except", description="跳过的场次（开始时间） / Starts left out of the repeat."
    )
    hosts: list[Identifier] = Field(
        default_factory=list, description="主持这场直播的成员编号 / Ids of team members who host."
    )
    products: list[Identifier] = Field(
        default_factory=list, description="这场直播介绍的产品编号 / Ids of featured products."
    )
    scene: Text | None = Field(None, description="直播场景：在哪里拍 / Where the stream is shot.")


@_record
class Live:
    channels: list[Channel] = Field(default_factory=list, description="直播间账号 / Live-commerce accounts.")
    sessions: list[Session] = Field(default_factory=list, description="直播日程 / Scheduled live sessions.")


@_record
class Profile:
    schema: Literal[1] = Field(description="档案格式的版本，写 1 / The contract version this file follows.")
    name: Annotated[Text, NAME] = Field(description="村名 / The village's name.")
    region: Region = Field(description="所在地：至少写省和县 / Where the village is: province and county at least.")
    slogan: Text = Field(description="口号：一句只属于本村的话 / One line that says what only this village is.")
    story: Markdown = Field(description="品牌故事（Markdown） / The brand story (Markdown).")
    culture: list[CultureItem] = Field(
        min_length=1,
        description="风土人文：让这里成为这里的东西，至少一项 / What makes this place itself; at least one.",
    )
    products: list[Product] = Field(
        min_length=1, description="产品：本村卖的东西，至少一项 / What the village sells; at least one."
    )
    timezone: TimeZone = Field(
        "Asia/Shanghai", description="本村的时区（IANA），默认 Asia/Shanghai / IANA time zone of the village."
    )
    brand: Brand | None = Field(
        None,
        description=(
            "品牌：颜色、标志、首页大图和风格，都可以不写 / Colours, logo, hero photo and art style; all optional."
        ),
    )
    team: list[Person] = Field(default_factory=list, description="团队：直播间里的人 / The people of the live room.")
    live: Live | None = Field(None, description="直播：直播间和直播日程 / Live-commerce channels and schedule.")
    service: Service | None = Field(None, description="服务：对买家的承诺 / What a buyer is promised.")


@cache
def profile_adapter() -> TypeAdapter[Profile]:
    return TypeAdapter(Profile)


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema published for editors, derived from the classes above."""
    schema = profile_adapter().json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "村庄档案 village.yml / Village Storefront profile, schema 1"
    return schema
