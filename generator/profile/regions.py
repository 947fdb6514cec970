"""Where a village is, checked against China's official divisions (data/divisions/china.tsv, the
NBS 2023 codes): province, city, county and township must be real and inside one another, with a
"did you mean" for a near miss (崇州县 -> 崇州市). A province that is not one of China's (and not
near one) is a place outside China, taken as written. No I/O but reading the data file once."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from generator.messages import say

SUFFIXES = (
    "省",
    "市",
    "自治区",
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
    "街道",
)
"""Endings a division's name may be written without, or with the wrong one of (崇州县 for 崇州市)."""


@dataclass
class Division:
    code: str
    name: str
    children: dict[str, Division] = field(default_factory=dict)
    """By name."""


DIVISIONS = "data/divisions/china.tsv"


@cache
def divisions_data() -> bytes:
    """The vendored divisions, as read: what a region is checked against."""
    return files("generator").joinpath(DIVISIONS).read_bytes()


@cache
def divisions_identity() -> str:
    """The SHA-256 of the divisions: a validated village is remembered under it, so a new edition
    of the data checks every village again."""
    return hashlib.sha256(divisions_data()).hexdigest()


@cache
def provinces() -> dict[str, Division]:
    """China's provinces by name, each with its cities, counties and townships."""
    text = divisions_data().decode("utf-8")
    found: dict[str, Division] = {}
    by_code: dict[str, Division] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, name, *towns = line.split("\t")
        division = Division(code, name)
        by_code[code] = division
        if len(code) == 2:
            found[name] = division
        else:
            by_code[code[:-2]].children[name] = division
        for town in towns:
            division.children[town[3:]] = Division(code + town[:3], town[3:])
    return found


def _stem(name: str) -> str:
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _closest(name: str, choices: dict[str, Division], *, alike: bool = True) -> str | None:
    """The division meant by `name`: the same name but its ending, else (when `alike`) the one
    spelt most alike."""
    same = [choice for choice in choices if _stem(choice) == _stem(name)]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6) if alike else []
    return close[0] if close else None


def _counties(province: Division) -> dict[str, tuple[Division, Division]]:
    """The province's counties by name, each with its city."""
    return {name: (city, county) for city in province.children.values() for name, county in city.children.items()}


def county_code(region: Any) -> str | None:
    """The six-digit code of the region's county, or None for a place outside China's lists."""
    province = provinces().get(getattr(region, "province", None) or "")
    found = _counties(province).get(region.county) if province else None
    return found[1].code if found else None


def region_problems(region: Any) -> Iterator[tuple[tuple, str]]:
    """(path, message) of each part of `region:` (raw data) that China's divisions do not have."""
    if not isinstance(region, dict) or not isinstance(region.get("province"), str):
        return
    written = region["province"].strip()
    province = provinces().get(written)
    if province is None:
        if meant := _closest(written, provinces()):
            yield ("region", "province"), say("region.unknown", name=written, hint=say("did_you_mean", close=meant))
        return  # not one of China's provinces: a place abroad, taken as written
    city_name, county_name, township = (region.get(k) for k in ("city", "county", "township"))
    city = None
    if isinstance(city_name, str) and city_name.strip() != province.name:  # 北京市 for 北京市's own districts
        city = province.children.get(city_name.strip())
        if city is None:
            hint = _hint(city_name.strip(), province.children)
            yield ("region", "city"), say("region.not_in", name=city_name, parent=province.name, hint=hint)
    if not isinstance(county_name, str):
        return
    counties = city.children if city else {name: county for name, (_, county) in _counties(province).items()}
    county = counties.get(county_name.strip())
    if county is None:
        yield ("region", "county"), _county_advice(county_name.strip(), province, city, counties)
        return
    if isinstance(township, str) and township.strip() and township.strip() not in county.children:
        hint = _hint(township.strip(), county.children)
        yield ("region", "township"), say("region.not_in", name=township, parent=county.name, hint=hint)


def _hint(name: str, choices: dict[str, Division]) -> str:
    meant = _closest(name, choices)
    return say("did_you_mean", close=meant) if meant else say("region.check_name")


def _county_advice(name: str, province: Division, city: Division | None, counties: dict[str, Division]) -> str:
    parent = city.name if city else province.name
    if meant := _closest(name, counties, alike=False):
        return say("region.not_in", name=name, parent=parent, hint=say("did_you_mean", close=meant))
    # A real county of another province (安吉县 under 四川省) is named with where it is, rather than
    # matched to a county of this province that merely looks alike (蓬安县).
    elsewhere = [(p, c) for p in provinces().values() for n, (c, _) in _counties(p).items() if n == name]
    if not elsewhere and (meant := _closest(name, counties)):
        return say("region.not_in", name=name, parent=parent, hint=say("did_you_mean", close=meant))
    if elsewhere:
        where = "".join(f"{p.name}{c.name if c.name != '市辖区' else ''}" for p, c in elsewhere[:1])
        return say("region.elsewhere", name=name, parent=parent, where=where)
    return say("region.not_in", name=name, parent=parent, hint=say("region.check_name"))
