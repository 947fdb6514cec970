"""A site built as several: one shard per province, each published at its own address, and a
small national index that links them (issue #19). This is the shards' model: which villages each
shard holds, where each is published, and where a link from one shard to a page of another
leads (an absolute address in that shard, since the two are separate sites).

The build (build.py) plans one shard's pages over its own villages; render.py asks `elsewhere`
for every link, so a page that names a village or a region of another shard (the report's
look-alike pairs, the regions page) leads to that shard's page, not to a page this site lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from generator.profile.model import Catalog
from generator.site.pages import region_slugs
from generator.urls import absolute_url

INDEX = "index"
"""The national index's shard name: provinces with their counts and links, no village pages.
No province's slug is an English word, so it never meets a province's name."""
SHARD_FIELD = "{shard}"
"""What a shard URL template (`shards: url:` of mkdocs.yml) puts the shard's name in."""


@dataclass(frozen=True)
class Shard:
    name: str
    """The province's slug (`pages.region_slugs`), which its region page uses too."""
    province: str
    """The province as the profiles name it (浙江省)."""
    url: str
    """The shard's public address (its site_url), ending in '/'."""
    villages: tuple[str, ...]
    """Slugs of its villages, in catalogue order."""


@dataclass(frozen=True)
class Shards:
    """Every shard of the site and the one this build makes (`current`: a shard name or INDEX)."""

    current: str
    index_url: str | None
    """The national index's address (mkdocs.yml `site_url`)."""
    by_name: Mapping[str, Shard]
    shard_of: Mapping[str, str]
    """Village slug -> the name of the shard that publishes its pages."""

    @property
    def is_index(self) -> bool:
        return self.current == INDEX

    @property
    def url(self) -> str | None:
        """This shard's own address: its site_url."""
        return self.index_url if self.is_index else self.by_name[self.current].url

    @property
    def folder(self) -> str:
        """This shard's folder under the index's address (`zhejiang/`), where a deploy to the
        index's bucket puts it (`--prefix`); '' for the index, or a shard on a host of its own."""
        here, index = self.url or "", self.index_url or ""
        return here[len(index) :] if index and here.startswith(index) else ""

    def elsewhere(self, target: str) -> str | None:
        """The absolute address of `target` (site-relative) when another shard publishes it: a
        village's pages and files by the village's province, a region page by its own; None for
        what this shard publishes itself (or what every shard has, like the schedule)."""
        head, _, rest = target.partition("/")
        if head == "villages":
            shard = self.shard_of.get(rest.partition("/")[0])
        elif head == "regions":
            shard = rest.partition("/")[0]
        else:
            return None
        if not shard or shard == self.current or shard not in self.by_name:
            return None
        return absolute_url(self.by_name[shard].url, target)

    def catalog(self, everyone: Catalog) -> Catalog:
        """The villages this shard publishes (none for the index)."""
        mine = set(self.by_name[self.current].villages) if not self.is_index else set()
        return replace(everyone, villages=tuple(v for v in everyone.villages if v.slug in mine))


def shard_url(template: str, index_url: str | None, name: str) -> str:
    """Where shard `name` is published: `template` with `{shard}` filled in (a host of its own,
    `https://{shard}.example.org/`, or a folder, `https://example.org/{shard}/`); without a
    template, a folder of the index's address. The index is published at the index's address."""
    if name == INDEX:
        return _folder(index_url or "/")
    if template:
        return _folder(template.replace(SHARD_FIELD, name))
    return _folder((index_url or "/").rstrip("/") + f"/{name}/")


def _folder(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def plan_shards(everyone: Catalog, current: str, template: str, index_url: str | None) -> Shards:
    """Every province's shard, from the whole catalogue (so each shard knows where the others'
    villages are), in the order of their slugs, named as the region pages are."""
    slugs = region_slugs([v.profile.region.province for v in everyone.villages])
    members: dict[str, list[str]] = {slug: [] for slug in sorted(slugs.values())}
    shard_of: dict[str, str] = {}
    for village in everyone.villages:
        slug = slugs[village.profile.region.province]
        members[slug].append(village.slug)
        shard_of[village.slug] = slug
    province = {slug: name for name, slug in slugs.items()}
    by_name = {
        slug: Shard(slug, province[slug], shard_url(template, index_url, slug), tuple(villages))
        for slug, villages in members.items()
    }
    return Shards(current, shard_url(template, index_url, INDEX) if index_url else None, by_name, shard_of)
