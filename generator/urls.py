"""Where things live in the site: every site-relative URL is made here and nowhere else."""

from __future__ import annotations

from generator.model import Village


def village_url(village: Village) -> str:
    return f"villages/{village.slug}/"


def product_url(village: Village, product_id: str) -> str:
    return f"villages/{village.slug}/products/{product_id}/"


def photo_url(village: Village, relative: str) -> str:
    """A published photo keeps its path inside the village folder."""
    return f"villages/{village.slug}/{relative}"
