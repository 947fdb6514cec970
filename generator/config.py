"""The `villages` plugin's options in mkdocs.yml: one option per line, each saying what it is for."""

from __future__ import annotations

import re

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from generator.lint import LintConfig

VILLAGES_ENV = "STOREFRONT_VILLAGES_DIR"
"""Overrides `villages_dir`; set by `storefront --villages DIR`."""


class HexColour(c.Type):
    """A colour written "#RRGGBB"."""

    def __init__(self, default: str):
        super().__init__(str, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValidationError(f'{value!r} is not a colour; write it as "#RRGGBB" in quotes, like "#2E5E4E"')
        return value


class SiteColors(base.Config):
    primary = HexColour(default="#2E5E4E")
    """Header colour of the pages that belong to no one village (home, regions, categories)."""
    accent = HexColour(default="#B5543A")
    """Second colour of those pages."""


class LintOptions(base.Config):
    errors = c.ListOfItems(c.Type(str), default=[])
    """Rules reported as errors (which stop the build) whatever their default level."""
    warnings = c.ListOfItems(c.Type(str), default=[])
    """Rules reported as warnings (printed, the build goes on)."""
    ignore = c.ListOfItems(c.Type(str), default=[])
    """Rules not checked at all."""
    strict = c.Type(bool, default=False)
    """Every warning becomes an error."""


class CheckOptions(base.Config):
    registries = c.ListOfItems(c.Type(str), default=[])
    """Existing villages to compare with: taobao-2014, taobao-2016, or CSV/YAML paths from mkdocs.yml."""
    fail_on = c.Choice(("fail", "warn", "never"), default="fail")
    """Which pairs stop the build: those at fail (default), at warn too, or none."""
    thresholds = c.Type(dict, default={})
    """Settings of the score (see generator/differentiation/scoring.py), like {warn: 0.5, fail: 0.75}."""


class VillagesConfig(base.Config):
    villages_dir = c.Type(str, default="villages")
    """The folder of village folders, relative to mkdocs.yml."""
    cache_dir = c.Type(str, default=".cache/storefront")
    """Where processed photos and images are kept between builds, relative to mkdocs.yml."""
    max_image_pixels = c.Type(int, default=50_000_000)
    """A photo with more pixels than this is refused (with its file named): resize it first."""
    colors = c.SubConfig(SiteColors)
    """Colours of the site-wide pages."""
    schedule_weeks_ahead = c.Type(int, default=8)
    """How far ahead repeating live sessions are listed."""
    schedule_weeks_back = c.Type(int, default=4)
    """How far back past live sessions are kept on the schedule pages."""
    check = c.SubConfig(CheckOptions)
    """The differentiation check against look-alike village brands; see `storefront check`."""
    lint = c.SubConfig(LintOptions)
    """The claims lint (absolute terms, health claims, certificates, units); see `storefront lint`."""
    atomic = c.Type(bool, default=True)
    """Build into a fresh folder and swap it in on success, so a failed build keeps the old site."""


def lint_config(options: LintOptions) -> LintConfig:
    """The lint's own settings from the plugin's `lint:` options (unknown rule names are errors)."""
    return LintConfig(errors=options.errors, warnings=options.warnings, ignore=options.ignore, strict=options.strict)
