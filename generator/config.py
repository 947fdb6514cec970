"""The settings of a build, read once from mkdocs.yml for the plugin and for every command.

`VillagesConfig` declares the `villages` plugin's options (one option per line, each saying what it
is for); `read_config` reads mkdocs.yml the way MkDocs does (so `!ENV` and `INHERIT` work the same)
and `settings_of` turns it into the `Settings` that `storefront validate`, `lint`, `check` and the
build all use: the same villages folder, language, photo limit and check options everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig

from generator.checks.claims import LintConfig
from generator.errors import StorefrontError
from generator.messages import say
from generator.profile.photos import MAX_PIXELS
from generator.profile.schema import DEFAULT_LANGUAGE

HOST_LIMITS: dict[str, int | None] = {
    "github-pages": 1_000_000_000,  # "Published GitHub Pages sites may be no larger than 1 GB"
    "object-storage": None,  # OSS, COS, S3: no limit a village site reaches
}
"""The hosts a site can be built for (`host:` under the plugin) and the size each publishes at most."""

PLUGIN = "villages"
PLACEHOLDER_HOSTS = ("example.github.io", "example.com", "example.org")
"""Hosts of the sample `site_url`: a site published with one has feeds and calendars that lead nowhere."""
PREVIEW_SUFFIX = ".preview"


class HexColour(c.Type):
    """A colour written "#RRGGBB"."""

    def __init__(self, default: str):
        super().__init__(str, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValidationError(say("config.not_a_colour", value=value))
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
    thresholds = c.Type(object, default={})  # any value: thresholds_from says what is wrong with it
    """Settings of the score (see generator/checks/differentiation/scoring.py), like {warn: 0.5, fail: 0.75}."""


class ShardOptions(base.Config):
    by = c.Choice(("province",), default="province")
    """What a site built as several is split by: one shard per province (its region page's slug)."""
    url = c.Type(str, default="")
    """Where each shard is published, `{shard}` standing for its name: `https://{shard}.example.org/`
    or `https://example.org/{shard}/`; empty, a folder of `site_url` (`site_url` + `{shard}/`).
    The national index is published at `site_url`."""


class VillagesConfig(base.Config):
    villages_dir = c.Type(str, default="villages")
    """The folder of village folders, relative to mkdocs.yml."""
    cache_dir = c.Type(str, default=".cache/storefront")
    """Where processed photos and images are kept between builds, relative to mkdocs.yml."""
    max_image_pixels = c.Type(int, default=MAX_PIXELS)
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
    host = c.Choice(tuple(HOST_LIMITS), default="github-pages")
    """Where the site is published: the build warns when the site passes that host's size limit
    (GitHub Pages: 1 GB; object storage: none). See README, "Hosting"."""
    only = c.ListOfItems(c.Type(str), default=[])
    """A preview of these villages only (`storefront build --only SLUG`): their pages and images,
    checked against every village; empty, the whole site."""
    shards = c.SubConfig(ShardOptions)
    """How the site is built as several sites (`storefront shards`, `storefront build --shard`)."""
    shard = c.Type(str, default="")
    """The one shard this build makes (a province's slug, or `index`); empty, the whole site."""


def lint_config(options: LintOptions) -> LintConfig:
    """The lint's own settings from the plugin's `lint:` options (unknown rule names are errors)."""
    return LintConfig(errors=options.errors, warnings=options.warnings, ignore=options.ignore, strict=options.strict)


@dataclass(frozen=True)
class Settings:
    """What every step needs to know of mkdocs.yml, paths made absolute."""

    root: Path
    """The folder of mkdocs.yml: relative paths in it are relative to this."""
    villages_dir: Path
    cache_dir: Path
    site_name: str
    site_url: str | None
    language: str
    """The site's language (`theme.language`): plain strings in profiles are in it."""
    site_colors: tuple[str, str]
    schedule_window: tuple[timedelta, timedelta]
    max_image_pixels: int
    lint: LintConfig
    registries: tuple[str, ...]
    thresholds: Any
    """As mkdocs.yml has it; `checks.brands.thresholds_from` checks it."""
    fail_on: str
    atomic: bool
    only: tuple[str, ...] = ()
    """The villages of a preview; empty for the whole site."""
    shard: str = ""
    """The shard this build makes (site/shards.py); empty for the whole site."""
    shard_url: str = ""
    """Where each shard is published (`shards: url:`), `{shard}` for its name."""


def read_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """mkdocs.yml as MkDocs reads and validates it; a file that is not there, or wrong, is a
    StorefrontError (mkdocs.yml's own problems are MkDocs' words)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not Path(config_file).is_file():
        raise StorefrontError(say("config.missing", file=config_file))
    try:
        return load_config(str(config_file), **overrides)
    except ConfigurationError as error:
        raise StorefrontError(say("config.invalid", file=config_file, error=error)) from None


def settings_of(config: MkDocsConfig, villages_dir: Path | None = None) -> Settings:
    """The build's settings from a loaded mkdocs.yml; `villages_dir` (from `--villages`) wins."""
    root = Path(config.config_file_path).resolve().parent
    plugin = config.plugins.get(PLUGIN)
    options: VillagesConfig = plugin.config if plugin is not None else _defaults()
    return _settings(
        root, options, config.site_name, config.site_url, config.theme.get("language") or DEFAULT_LANGUAGE, villages_dir
    )


def default_settings(villages_dir: Path | None = None) -> Settings:
    """The settings of a project without mkdocs.yml (a villages folder checked on its own)."""
    return _settings(Path.cwd(), _defaults(), "Village Storefront", None, DEFAULT_LANGUAGE, villages_dir)


def _defaults() -> VillagesConfig:
    options = VillagesConfig()
    options.load_dict({})
    errors, _ = options.validate()
    assert not errors, errors
    return options


def _settings(
    root: Path, options: VillagesConfig, name: str, url: str | None, language: str, villages_dir: Path | None
) -> Settings:
    return Settings(
        root=root,
        villages_dir=Path(villages_dir).resolve() if villages_dir else root / options.villages_dir,
        cache_dir=root / options.cache_dir,
        site_name=name,
        site_url=url or None,
        language=language,
        site_colors=(options.colors.primary, options.colors.accent),
        schedule_window=(timedelta(weeks=options.schedule_weeks_back), timedelta(weeks=options.schedule_weeks_ahead)),
        max_image_pixels=options.max_image_pixels,
        lint=lint_config(options.lint),
        registries=tuple(options.check.registries),
        thresholds=options.check.thresholds,
        fail_on=options.check.fail_on,
        atomic=options.atomic,
        only=tuple(options.only),
        shard=options.shard,
        shard_url=options.shards.url,
    )


def preview_site_dir(site_dir: Path) -> Path:
    """Where a preview of some villages is built: beside the site (`site.preview`), so that it
    never replaces the whole site, and git ignores it as it ignores `site.*`."""
    return site_dir.with_name(site_dir.name + PREVIEW_SUFFIX)


def shard_site_dir(site_dir: Path, shard: str) -> Path:
    """Where one shard is built: beside the site (`site.zhejiang`, `site.index`), never over it."""
    return site_dir.with_name(f"{site_dir.name}.{shard}")


def placeholder_site_url(url: str | None) -> bool:
    """Whether `site_url` is still the sample's address (or one like it), not the site's own."""
    from urllib.parse import urlsplit

    return (urlsplit(url or "").hostname or "") in PLACEHOLDER_HOSTS
