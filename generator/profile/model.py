"""The data the build works on: validated villages and the catalogue of all of them. No I/O here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.profile.regions import county_code
from generator.profile.schema import DEFAULT_LANGUAGE, Channel, Person, Product, Profile, Session
from generator.profile.times import wall

FieldPath = tuple[str | int, ...]


def pick(text: Mapping[str, str] | None, language: str) -> str:
    """The text in `language`, else in Chinese, else in whatever language it has."""
    if not text:
        return ""
    for code in (language, language.split("-")[0], "zh", "en"):
        if code in text:
            return text[code]
    return next(iter(text.values()))


@dataclass(frozen=True)
class Village:
    slug: str
    source: str
    """The profile's path as shown in messages, like `villages/huangdu/village.yml`."""
    folder: Path
    profile: Profile
    lines: Mapping[FieldPath, int] = field(repr=False, compare=False)
    digest: str
    """SHA-256 of the profile's bytes: the key for anything cached per village."""
    text_starts: Mapping[FieldPath, int] = field(default_factory=dict, repr=False, compare=False)
    """First line of the text of each literal block (`story: |`), for places inside it."""

    def line_of(self, path: FieldPath) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def line_within(self, path: FieldPath, text: str, offset: int) -> int:
        """The line of character `offset` of the text at `path`: exact inside a literal block,
        else the field's own line."""
        if path in self.text_starts:
            return self.text_starts[path] + text.count("\n", 0, offset)
        return self.line_of(path)

    def product(self, product_id: str) -> Product:
        return next(p for p in self.profile.products if p.id == product_id)

    @property
    def county_code(self) -> str | None:
        """The county's six-digit division code (NBS 2023, like 510184 for 崇州市), or None for a
        place outside China's lists."""
        return county_code(self.profile.region)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.profile.timezone)

    @cached_property  # looked up by position for every session: a tuple made once, not per lookup
    def sessions(self) -> tuple[Session, ...]:
        live = self.profile.live
        return tuple(live.sessions) if live else ()

    @property
    def channels(self) -> tuple[Channel, ...]:
        live = self.profile.live
        return tuple(live.channels) if live else ()

    @property
    def goes_live(self) -> bool:
        """Whether the village has live rooms or sessions (and so a live page and feed)."""
        return bool(self.channels or self.sessions)

    def channel(self, channel_id: str) -> Channel:
        return next(c for c in self.channels if c.id == channel_id)

    def hosts(self, session: Session) -> list[Person]:
        """The session's hosts, in the order the session names them."""
        team = {p.id: p for p in self.profile.team}
        return [team[h] for h in session.hosts if h in team]

    @cached_property
    def session_ids(self) -> tuple[str, ...]:
        """A stable id for each session: its channel and first start in village time, like
        `douyin-main-20261204t1930`. It survives reordering and new sessions around it; two sessions
        on one channel at one time (a mistake) still get distinct ids. Computed once per village."""
        zone, ids, seen = self.zone, [], Counter()
        for session in self.sessions:
            base = f"{session.channel}-{wall(session.start, zone):%Y%m%dt%H%M}"
            seen[base] += 1
            # A counted suffix cannot meet another base, which ends in a time (t1930), not -2.
            ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
        return tuple(ids)

    @property
    def categories(self) -> tuple[str, ...]:
        """The village's product categories, each once, in the order its products list them."""
        return tuple(dict.fromkeys(p.category for p in self.profile.products))


@dataclass(frozen=True)
class Catalog:
    villages: tuple[Village, ...]
    language: str = DEFAULT_LANGUAGE

    def village(self, slug: str) -> Village:
        return next(v for v in self.villages if v.slug == slug)

    @property
    def product_count(self) -> int:
        return sum(len(v.profile.products) for v in self.villages)
