"""`storefront`: the commands a cooperative and CI run. Each decides the order of steps and calls
the modules that do them; bad input ends in a message and exit status 1, never a traceback."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from generator.checks.brands import load_registries, thresholds_from
from generator.checks.claims import exit_status, lint_catalog, problem_findings
from generator.checks.claims import to_json as lint_json
from generator.checks.claims import to_text as lint_text
from generator.config import PLUGIN, Settings, default_settings, read_config, settings_of
from generator.errors import ProfileErrors, StorefrontError
from generator.profile.read import load_catalog
from generator.profile.scaffold import scaffold
from generator.profile.schema import json_schema
from generator.progress import TerminalProgress

SCHEMA_FILE = "village.schema.json"
CONFIG_FILE = Path("mkdocs.yml")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        return args.run(args)
    except StorefrontError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the output was piped into `head` or the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storefront", description="Village profiles in, a branded catalogue site out."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument(
            "--villages",
            type=Path,
            default=None,
            metavar="DIR",
            help="folder of village folders (default: villages_dir of mkdocs.yml, else villages)",
        )
        sub.add_argument(
            "-f",
            "--config-file",
            type=Path,
            default=None,
            metavar="FILE",
            help=f"the site's settings (default: {CONFIG_FILE})",
        )
        sub.set_defaults(run=run)
        return sub

    new = command("new", _new, "create villages/SLUG/village.yml with every field explained")
    new.add_argument("slug", metavar="SLUG", help="folder name (a-z, 0-9, '-'); a Chinese name is turned into pinyin")
    new.add_argument("--name", help="the village's name, like 黄杜村 (default: from SLUG)")
    command("validate", _validate, "check every profile; exit 1 with all the problems found")
    lint = command(
        "lint", _lint, "find claims a buyer should not have to trust: absolute terms, cures, uncertified labels"
    )
    lint.add_argument("--json", action="store_true", help="print one JSON document of findings")
    build = command("build", _build, "validate, check and build the whole site into site/")
    build.add_argument("--site-dir", type=Path, default=None, metavar="DIR", help="output folder (default: site)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    serve = command("serve", _serve, "preview the site, rebuilding when a profile or photo changes")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT")
    check = command(
        "check", _check, "compare every village's brand with every other and with registries of existing villages"
    )
    check.add_argument(
        "--against",
        action="append",
        default=None,
        metavar="FILE",
        help="a registry (CSV/YAML, or taobao-2014 / taobao-2016); default: those in mkdocs.yml",
    )
    check.add_argument(
        "--only",
        nargs="+",
        action="extend",
        default=None,
        metavar="SLUG",
        help="check only these villages against all others",
    )
    check.add_argument("--json", action="store_true", help="print exactly one JSON document")
    check.add_argument(
        "--fail-on", choices=("warn", "fail"), default=None, help="exit 1 from this level on (default: fail)"
    )
    command("schema", _schema, f"write the profile's JSON Schema to <villages>/{SCHEMA_FILE}")
    return parser


def _config_file(args) -> Path:
    return args.config_file or CONFIG_FILE


def _settings(args) -> Settings:
    """mkdocs.yml's settings, read once. Without one, a folder of villages is checked with the
    defaults; a file named with --config-file must be there."""
    if args.config_file is None and not CONFIG_FILE.is_file():
        return default_settings(args.villages)
    return settings_of(read_config(_config_file(args)), args.villages)


def _shown(path: Path) -> Path:
    """`path` as the person typing the command names it: relative to where they are, if inside."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _new(args) -> int:
    folder, notes = scaffold(_settings(args).villages_dir, args.slug, args.name)
    for note in notes:
        print(note)
    print(f"Created {_shown(folder / 'village.yml')}: fill it in, then run `storefront validate`.")
    return 0


def _load(settings: Settings):
    """Every village, read exactly as the build reads them."""
    return load_catalog(settings.villages_dir, language=settings.language, max_pixels=settings.max_image_pixels)


def _validate(args) -> int:
    catalog = _load(_settings(args))
    products = catalog.product_count
    print(f"All {len(catalog.villages)} villages are valid ({products} products).")
    return 0


def _lint(args) -> int:
    settings = _settings(args)
    try:
        findings = lint_catalog(_load(settings), config=settings.lint)
    except ProfileErrors as error:
        if not args.json:
            raise
        findings = problem_findings(error)  # --json always prints one JSON document
    if args.json:
        print(json.dumps(lint_json(findings), ensure_ascii=False, indent=2))
    else:
        print(lint_text(findings))
    return exit_status(findings)


def _check(args) -> int:
    from generator.checks import differentiation

    settings = _settings(args)
    registries = load_registries(
        args.against if args.against is not None else settings.registries,
        Path.cwd() if args.against is not None else settings.root,
    )
    catalog = _load(settings)
    unknown = sorted(set(args.only or ()) - {v.slug for v in catalog.villages})
    if unknown:
        raise StorefrontError(f"--only: no village {', '.join(map(repr, unknown))} in {settings.villages_dir}")
    report = differentiation.check(
        catalog.villages,
        registries=registries,
        thresholds=thresholds_from(settings.thresholds),
        only=args.only,
        cache_dir=settings.cache_dir,
        language=catalog.language,
    )
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.to_text())
    fail_on = args.fail_on or settings.fail_on
    return 1 if fail_on != "never" and report.failed(fail_on) else 0


def _schema(args) -> int:
    villages = _settings(args).villages_dir
    if not villages.is_dir():
        raise StorefrontError(f"{_shown(villages)}: this folder does not exist; create it, or pass --villages DIR")
    target = villages / SCHEMA_FILE
    target.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {_shown(target)}")
    return 0


def _build(args) -> int:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError
    from mkdocs.utils import CountHandler

    started = time.monotonic()
    _log_to_stderr()
    warnings = CountHandler()
    warnings.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(warnings)
    overrides = {"site_dir": str(args.site_dir)} if args.site_dir else {}
    try:
        config = read_config(_config_file(args), strict=args.strict or None, **overrides)
        if PLUGIN not in config.plugins:
            raise StorefrontError(f"{_config_file(args)}: the `{PLUGIN}` plugin is not in `plugins:`; add it")
        if args.villages:
            config.plugins[PLUGIN].config["villages_dir"] = str(args.villages.resolve())
        config.plugins.on_startup(command="build", dirty=False)
        with TerminalProgress():
            build(config)
    except (Abort, ConfigurationError, OSError) as error:
        print(f"Build failed: {error}. The previous site, if any, is unchanged.", file=sys.stderr)
        return 1
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    plugin = config.plugins[PLUGIN]
    stats = plugin.prepared.stats
    count = sum(n for _, n in warnings.get_counts())
    print(
        f"Built {plugin.site_dir}: {stats['villages']} villages, {stats['products']} products, "
        f"{stats['pages']} pages, {stats['photos']} images ({stats['photos_made']} processed), "
        f"{count} warnings, {time.monotonic() - started:.1f} s"
    )
    return 0


def _serve(args) -> int:
    from mkdocs.commands.serve import serve

    _log_to_stderr()
    # MkDocs' serve reads mkdocs.yml itself (again on every rebuild): `--villages` reaches the
    # plugin as an option of its entry in `plugins`, as if mkdocs.yml said it.
    config_file = _config_file(args)
    read_config(config_file)  # a missing or wrong file is told now, not by a traceback in the server
    overrides = {"plugins": _plugins_with(config_file, args.villages)} if args.villages else {}
    serve(str(config_file), dev_addr=args.dev_addr, livereload=True, **overrides)
    return 0


def _plugins_with(config_file: Path, villages: Path) -> list:
    """mkdocs.yml's `plugins` (a list, or a mapping of name to options), read as MkDocs reads the
    file, with the villages plugin's `villages_dir` set to `villages`."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as handle:
        listed = (yaml_load(handle) or {}).get("plugins") or []
    entries = listed.items() if isinstance(listed, dict) else (_entry(item) for item in listed)
    plugins = [{name: options} if options is not None else name for name, options in entries]
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in plugins]
    if PLUGIN not in names:
        raise StorefrontError(f"{config_file}: the `{PLUGIN}` plugin is not in `plugins:`; add it")
    at = names.index(PLUGIN)
    options = plugins[at][PLUGIN] if isinstance(plugins[at], dict) else {}
    plugins[at] = {PLUGIN: {**(options or {}), "villages_dir": str(villages.resolve())}}
    return plugins


def _entry(item) -> tuple[str, dict | None]:
    """A `plugins:` list item, `name` or `{name: options}`, as (name, options)."""
    return (item, None) if isinstance(item, str) else next(iter(item.items()))


def _log_to_stderr() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


if __name__ == "__main__":
    sys.exit(main())
