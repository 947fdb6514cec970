"""`storefront shards`: the shards of a site built as several (one per province, and the national
index), as a CI matrix reads them. What a shard is, and where each is published, is the site's
knowledge (site/shards.py); this says it to a workflow, or to a person.
"""

from __future__ import annotations

from typing import Any

from generator.messages import say
from generator.site.shards import INDEX, Shards

VERSION = 1
"""Of the JSON below: a workflow that reads it can tell a change."""


def listing(shards: Shards) -> dict[str, Any]:
    """Every shard with its province, address and villages, then the index. `matrix` is what a
    GitHub Actions matrix takes (`fromJSON(...).matrix`): one job per province shard."""
    provinces = [
        {"name": s.name, "province": s.province, "url": s.url, "villages": list(s.villages)}
        for s in shards.by_name.values()
    ]
    return {
        "version": VERSION,
        "by": "province",
        "shards": provinces,
        "index": {"name": INDEX, "url": shards.index_url, "provinces": len(provinces)},
        "matrix": {"shard": [s["name"] for s in provinces]},
    }


def to_text(shards: Shards) -> str:
    """One line a shard: its name, province, how many villages and its address; the index last."""
    lines = [
        say("shards.line", name=s.name, province=s.province, villages=len(s.villages), url=s.url)
        for s in shards.by_name.values()
    ]
    lines.append(say("shards.index_line", name=INDEX, provinces=len(shards.by_name), url=shards.index_url))
    return "\n".join(lines)
