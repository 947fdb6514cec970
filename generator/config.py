"""The `villages` plugin's options in mkdocs.yml: one option per line, each saying what it is for."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

VILLAGES_ENV = "STOREFRONT_VILLAGES_DIR"
"""Overrides `villages_dir`; set by `storefront --villages DIR`."""


class SiteColors(base.Config):
    primary = c.Type(str, default="#2E5E4E")
    """Header colour of the pages that belong to no one village (home, regions, categories)."""
    accent = c.Type(str, default="#B5543A")
    """Second colour of those pages."""


class VillagesConfig(base.Config):
    villages_dir = c.Type(str, default="villages")
    """The folder of village folders, relative to mkdocs.yml."""
    cache_dir = c.Type(str, default=".cache/storefront")
    """Where processed photos and images are kept between builds, relative to mkdocs.yml."""
    colors = c.SubConfig(SiteColors)
    """Colours of the site-wide pages."""
    schedule_weeks_ahead = c.Type(int, default=8)
    """How far ahead repeating live sessions are listed."""
    schedule_weeks_back = c.Type(int, default=4)
    """How far back past live sessions are kept on the schedule pages."""
    atomic = c.Type(bool, default=True)
    """Build into a fresh folder and swap it in on success, so a failed build keeps the old site."""
