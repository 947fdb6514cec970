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

from generator.profile.categories import CATEGORY_IDS
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


def _displayed(text: str) -> str:
    """Text as a page shows it: without text-direction controls (BIDI_CONTROLS)."""
    return BIDI_CONTROLS.sub("", text)


def _text(value: Any, info: ValidationInfo) -> dict[str, str]:
    """A plain string is the site's primary language; a mapping gives one string per language."""
    language = (info.context or {}).get("language", DEFAULT_LANGUAGE)
    if isinstance(value, str):
        value = _displayed(value)
        if not value.strip():
            raise _fail("text", "is empty; write the text, or remove the field if it is optional")
        return {language: value.strip()}
    if isinstance(value, dict) and value:
        texts = {}
        for code, text in value.items():
            if text is None:
                raise _fail(
                    "text",
                    f"{code!r} has no text after it: a comma inside {{...}} starts a new entry, "
                    'so put text that contains a comma in quotes, like {en: "Anji tea, spring"}',
                )
            if not isinstance(code, str) or not LANGUAGE_PATTERN.match(code):
                raise _fail("text", f"{code!r} is not a language code; use codes like zh, en, ja")
            if not isinstance(text, (str, int, float)) or not _displayed(str(text)).strip():
                raise _fail("text", f"the {code} text is empty or not text")
            texts[code] = _displayed(str(text)).strip()
        return texts
    raise _fail("text", "should be text, or one text per language like {zh: 安吉白茶, en: Anji white tea}")


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
    if not isinstance(value, (str, int, float)) or not _displayed(str(value)).strip():
        raise _fail("markdown", "should be text (Markdown); it is empty or not text")
    return _displayed(str(value))


Markdown = Annotated[str, BeforeValidator(_markdown), WithJsonSchema({"type": "string", "minLength": 1}), MARKDOWN]


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value) or len(value) > 64:
        raise _fail(
            "identifier",
            f"{value!r} is not a valid id; use lowercase letters a-z, digits and '-', at most 64 (like white-tea-1)",
        )
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
        raise _fail("path", "should be a path like images/photo.jpg")
    text = value.strip()
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        raise _fail(
            "path",
            f"{text!r} is a web address; save the photo into the village's images/ folder "
            "and write its path, like images/photo.jpg",
        )
    if "\\" in text:
        raise _fail("path", f"{text!r} uses '\\'; write paths with '/' like images/photo.jpg")
    path = PurePosixPath(text)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", text) or text.startswith("~"):
        raise _fail(
            "path", f"{text!r} is an absolute path; write it relative to the village folder, like images/photo.jpg"
        )
    if ".." in path.parts:
        raise _fail("path", f"{text!r} leads outside the village folder; keep photos in its images/ folder")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise _fail(
            "path",
            f"{text!r} is not a JPEG, PNG or WebP file name (.jpg, .jpeg, .png, .webp; a phone's .heic works too)",
        )
    if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in path.parts) or len(path.parts) > 32:
        raise _fail(
            "path",
            f"{_short_path(text)} is too long for a file system (a name of at most "
            f"{MAX_NAME_BYTES} bytes, about 85 Chinese characters); shorten it",
        )
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
        raise _fail("url", "should be a web address starting with https://")
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() != "https" or not parts.netloc or any(c.isspace() for c in text):
        raise _fail("url", f"{text!r} is not a secure web address; write it starting with https://")
    if control := BIDI_CONTROLS.search(text):
        raise _fail(
            "url",
            f"{text!r} holds an invisible text-direction control (U+{ord(control[0]):04X}) that makes an "
            "address read as another; type the address again, or copy it from the browser's address bar",
        )
    return text


HttpsUrl = Annotated[str, BeforeValidator(_https_url), WithJsonSchema({"type": "string", "pattern": "^https://\\S+$"})]


def _hex_colour(value: Any) -> str:
    if not isinstance(value, str) or not HEX_PATTERN.match(value.strip()):
        raise _fail("colour", f'{value!r} is not a colour; write it as "#RRGGBB" in quotes, like "#2F6B3A"')
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
            hint = f"did you mean {close[0]!r}?"
        elif name in NOT_A_PLACE or name.startswith("/"):
            hint = "that is not a place's zone (it depends on the machine); write the village's, like Asia/Shanghai"
        else:
            hint = "write the village's zone, like Asia/Shanghai or Europe/Rome"
        raise _fail("timezone", f"{value!r} is not an IANA time zone; {hint}")
    return name


TimeZone = Annotated[str, BeforeValidator(_time_zone), WithJsonSchema({"type": "string"})]


def _currency(value: Any) -> str:
    code = str(value).strip().upper() if isinstance(value, str) else ""
    if code in ("RMB", "人民币", "元", "¥", "￥"):
        raise _fail("currency", f"{value!r} is written CNY in ISO 4217; write currency: CNY (or leave it out)")
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise _fail("currency", f"{value!r} is not an ISO 4217 currency code; use CNY, USD, EUR and the like")
    return code


Currency = Annotated[str, BeforeValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{3}$"})]


def parse_duration(value: Any) -> timedelta:
    """`90m`, `2h`, `1h30m` or ISO 8601 `PT1H30M`, more than 0 and at most MAX_DURATION."""
    text = str(value).strip().replace(" ", "") if isinstance(value, (str, int)) else ""
    match = DURATION_PATTERN.match(text.lower()) or ISO_DURATION_PATTERN.match(text.upper())
    if not text or not match or not any(match.groupdict().values()):
        raise _fail("duration", f"{value!r} is not a duration; write it like 90m, 2h, 1h30m or PT1H30M")
    minutes = _count(match["h"]) * 60 + _count(match["m"])
    # Compared as a number first: 99999999999999999999h is more than a timedelta holds (OverflowError).
    if not 0 < minutes <= MAX_DURATION // timedelta(minutes=1):
        raise _fail(
            "duration",
            f"{value!r} should be more than 0 and at most {MAX_DURATION // timedelta(hours=1)} hours "
            "(a live session lasts a day at most; split a longer one)",
        )
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
        raise _fail("schedule_time", span_advice(value.isoformat(timespec="minutes")) + ", like 2027-03-20T19:30")
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
        raise _fail("amount", f"{value!r}: write the number only, like 268; the currency goes in `currency:`")
    if isinstance(text, str) and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+,\d{1,2}", text):
        raise _fail("amount", f"{value!r}: write the number without a comma, like 1200 or 39.9")
    return text


def _price_block(value: Any) -> Any:
    """`price: 98` says too little: the unit (and the currency) belong with it."""
    if isinstance(value, (int, float, str)):
        amount = _typed_number(value) if isinstance(value, str) else value
        raise _fail(
            "price",
            f"{value!r} should be a block with the amount and what it buys, "
            f"like price: {{amount: {amount}, currency: CNY, unit: 250 g}}",
        )
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

Category = Literal[CATEGORY_IDS]  # type: ignore[valid-type]  # from data/categories.yml
CultureKind = Literal[
    "festival", "craft", "heritage", "landscape", "cuisine", "dialect", "custom", "history", "ecology", "other"
]
ArtStyle = Literal["ink", "folk", "modern", "earth"]
CertificationKind = Literal["geographical-indication", "organic", "green-food", "intangible-heritage", "other"]
ShopPlatform = Literal[
    "taobao", "tmall", "jd", "pinduoduo", "douyin", "kuaishou", "wechat", "xiaohongshu", "website", "other"
]
Role = Literal["anchor", "assistant", "planner", "field-control", "operations", "other"]
LivePlatform = Literal[
    "douyin", "kuaishou", "taobao-live", "wechat-channels", "xiaohongshu", "bilibili", "youtube", "tiktok", "other"
]

# --- the profile -------------------------------------------------------------------------------


def _record(cls):
    return dataclass(frozen=True, kw_only=True, config=CONFIG)(cls)


@_record
class Region:
    province: str = Field(min_length=1, description="Province, like 浙江省.")
    county: str = Field(min_length=1, description="County or district, like 安吉县.")
    city: str | None = Field(None, description="Prefecture-level city, like 湖州市.")
    township: str | None = Field(None, description="Township or town, like 溪龙乡.")
    coordinates: tuple[Annotated[float, Field(ge=-90, le=90)], Annotated[float, Field(ge=-180, le=180)]] | None = Field(
        None, description="[latitude, longitude] in WGS 84."
    )


@_record
class CultureItem:
    name: Text = Field(description="What it is called.")
    kind: CultureKind = Field(description="What kind of culture element it is.")
    description: Markdown = Field(description="What it is and why it belongs to this place (Markdown).")
    image: ImagePath | None = Field(None, description="A photo of it, inside the village folder.")


@_record
class BrandColors:
    primary: HexColour | None = Field(None, description='Main brand colour, "#RRGGBB".')
    accent: HexColour | None = Field(None, description='Second brand colour, "#RRGGBB".')


@_record
class Brand:
    colors: BrandColors | None = Field(None, description="Brand colours; derived from the hero photo when absent.")
    logo: ImagePath | None = Field(None, description="Logo image; a seal is generated when absent.")
    hero: ImagePath | None = Field(None, description="The large photo at the top of the village page.")
    style: ArtStyle | None = Field(None, description="Art direction for generated art.")


@_record
class Price:
    amount: Amount = Field(gt=0, max_digits=12, decimal_places=2, description="Price of one unit; more than 0.")
    currency: Currency = Field("CNY", description="ISO 4217 currency code.")
    unit: str | None = Field(None, min_length=1, description="What one price buys, like 250 g or 一盒.")


@_record
class Certification:
    kind: CertificationKind = Field(description="What the certificate attests.")
    id: str = Field(min_length=1, description="The certificate or registration number.")
    issuer: str = Field(min_length=1, description="Who issued it.")
    valid_until: date | None = Field(None, description="Last day it is valid, YYYY-MM-DD.")


@_record
class BuyLink:
    platform: ShopPlatform = Field(description="Where the shop is.")
    url: HttpsUrl = Field(description="The shop page, https only.")


@_record
class Product:
    id: Identifier = Field(description="Unique within the village: a-z, 0-9 and '-'.")
    name: Text = Field(description="Product name.")
    category: Category = Field(description="One of the published categories.")
    description: Markdown = Field(description="What it is, how it is made, how to enjoy it (Markdown).")
    price: Annotated[Price, BeforeValidator(_price_block)] = Field(description="Price, currency and unit.")
    season: list[Month] = Field(default_factory=list, description="Months 1-12 in which it is available.")
    images: list[ImagePath] = Field(default_factory=list, description="Product photos.")
    certifications: list[Certification] = Field(default_factory=list, description="Certificates it holds.")
    buy: list[BuyLink] = Field(default_factory=list, description="Where a customer orders it.")


@_record
class Person:
    id: Identifier = Field(description="Unique within the village: a-z, 0-9 and '-'.")
    name: Annotated[Text, NAME] = Field(description="The person's name.")
    role: Role = Field(description="What they do in the live room.")
    bio: Markdown | None = Field(None, description="A few words about them (Markdown).")
    photo: ImagePath | None = Field(None, description="Their photo.")


@_record
class Channel:
    id: Identifier = Field(description="Unique within the village: a-z, 0-9 and '-'.")
    platform: LivePlatform = Field(description="The live-streaming platform.")
    url: HttpsUrl = Field(description="The live room's address, https only; a QR code is made from it.")
    handle: str | None = Field(None, min_length=1, description="Account name shown to viewers.")


@_record
class Session:
    title: Text = Field(description="What the session is about.")
    channel: Identifier = Field(description="The id of a channel above.")
    start: ScheduleTime = Field(description="First (or only) start, like 2027-03-20T19:30 (village time).")
    duration: Duration = Field(description="How long: 90m, 2h, 1h30m or PT1H30M.")
    repeat: RepeatRule | None = Field(None, description="RFC 5545 RRULE, like FREQ=WEEKLY;BYDAY=FR.")
    except_: list[ScheduleTime] = Field(
        default_factory=list, alias="except", description="Starts left out of the repeat."
    )
    hosts: list[Identifier] = Field(default_factory=list, description="Ids of team members who host.")
    products: list[Identifier] = Field(default_factory=list, description="Ids of featured products.")
    scene: Text | None = Field(None, description="Where the stream is shot.")


@_record
class Live:
    channels: list[Channel] = Field(default_factory=list, description="Live-commerce accounts.")
    sessions: list[Session] = Field(default_factory=list, description="Scheduled live sessions.")


@_record
class Contact:
    phone: str | None = Field(None, min_length=1, description="Phone number.")
    wechat: str | None = Field(None, min_length=1, description="WeChat id.")
    email: Annotated[str, Field(pattern=EMAIL_PATTERN.pattern)] | None = Field(None, description="E-mail address.")


@_record
class Service:
    shipping: Markdown | None = Field(None, description="How and where goods are shipped (Markdown).")
    returns: Markdown | None = Field(None, description="The return and refund promise (Markdown).")
    contact: Contact | None = Field(None, description="How a buyer reaches the cooperative.")


@_record
class Profile:
    schema: Literal[1] = Field(description="The contract version this file follows.")
    name: Annotated[Text, NAME] = Field(description="The village's name.")
    region: Region = Field(description="Where the village is: province and county at least.")
    slogan: Text = Field(description="One line that says what only this village is.")
    story: Markdown = Field(description="The brand story (Markdown).")
    culture: list[CultureItem] = Field(min_length=1, description="What makes this place itself; at least one.")
    products: list[Product] = Field(min_length=1, description="What the village sells; at least one.")
    timezone: TimeZone = Field("Asia/Shanghai", description="IANA time zone of the village.")
    brand: Brand | None = Field(None, description="Colours, logo, hero photo and art style; all optional.")
    team: list[Person] = Field(default_factory=list, description="The people of the live room.")
    live: Live | None = Field(None, description="Live-commerce channels and schedule.")
    service: Service | None = Field(None, description="What a buyer is promised.")


@cache
def profile_adapter() -> TypeAdapter[Profile]:
    return TypeAdapter(Profile)


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema published for editors, derived from the classes above."""
    schema = profile_adapter().json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Village Storefront profile (village.yml), schema 1"
    return schema
