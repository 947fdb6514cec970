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

import yaml

from generator import differentiation
from generator.assets.photos import MAX_PIXELS
from generator.checking import load_registries, thresholds_from
from generator.config import VILLAGES_ENV
from generator.errors import ProfileErrors, StorefrontError
from generator.lint import LintConfig, exit_status, lint_catalog, problem_findings
from generator.lint import to_json as lint_json
from generator.lint import to_text as lint_text
from generator.profiles import load_catalog
from generator.progress import TerminalProgress
from generator.scaffold import scaffold
from generator.schema import json_schema

SCHEMA_FILE = "village.schema.json"


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
    parser = argparse.ArgumentParser(prog="storefront", description="Village profiles in, a branded catalogue site out.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--villages", type=Path, default=Path("villages"), metavar="DIR", help="folder of village folders (default: villages)")
        sub.set_defaults(run=run)
        return sub

    new = command("new", _new, "create villages/SLUG/village.yml with every field explained")
    new.add_argument("slug", metavar="SLUG", help="folder name (a-z, 0-9, '-'); a Chinese name is turned into pinyin")
    new.add_argument("--name", help="the village's name, like 黄杜村 (default: from SLUG)")
    command("validate", _validate, "check every profile; exit 1 with all the problems found")
    lint = command("lint", _lint, "find claims a buyer should not have to trust: absolute terms, cures, uncertified labels")
    lint.add_argument("--json", action="store_true", help="print one JSON document of findings")
    build = command("build", _build, "validate, check and build the whole site into site/")
    build.add_argument("--site-dir", type=Path, default=None, metavar="DIR", help="output folder (default: site)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), metavar="FILE")
    serve = command("serve", _serve, "preview the site, rebuilding when a profile or photo changes")
    serve.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), metavar="FILE")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT")
    check = command("check", _check, "compare every village's brand with every other and with registries of existing villages")
    check.add_argument("--against", action="append", default=None, metavar="FILE",
                       help="a registry (CSV/YAML, or taobao-2014 / taobao-2016); default: those in mkdocs.yml")
    check.add_argument("--only", nargs="+", action="extend", default=None, metavar="SLUG",
                       help="check only these villages against all others")
    check.add_argument("--json", action="store_true", help="print exactly one JSON document")
    check.add_argument("--fail-on", choices=("warn", "fail"), default=None, help="exit 1 from this level on (default: fail)")
    check.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), metavar="FILE")
    command("schema", _schema, f"write the profile's JSON Schema to <villages>/{SCHEMA_FILE}")
    return parser


def _new(args) -> int:
    folder, notes = scaffold(args.villages, args.slug, args.name)
    for note in notes:
        print(note)
    print(f"Created {folder / 'village.yml'}: fill it in, then run `storefront validate`.")
    return 0


def _validate(args) -> int:
    catalog = load_catalog(args.villages, language=_language(), max_pixels=_max_pixels())
    products = catalog.product_count
    print(f"All {len(catalog.villages)} villages are valid ({products} products).")
    return 0


def _lint(args) -> int:
    try:
        options = _plugin_options().get("lint") or {}
        config = LintConfig(**{k: v for k, v in options.items() if k in ("errors", "warnings", "ignore", "strict")})
        findings = lint_catalog(load_catalog(args.villages, language=_language()), config=config)
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
    options = _plugin_options(args.config_file).get("check") or {}
    root = args.config_file.resolve().parent
    registries = load_registries(args.against if args.against is not None else options.get("registries", []),
                                 Path.cwd() if args.against is not None else root)
    catalog = load_catalog(args.villages, language=_language(args.config_file), max_pixels=_max_pixels(args.config_file))
    unknown = sorted(set(args.only or ()) - {v.slug for v in catalog.villages})
    if unknown:
        raise StorefrontError(f"--only: no village {', '.join(map(repr, unknown))} in {args.villages}")
    cache_dir = root / _plugin_options(args.config_file).get("cache_dir", ".cache/storefront")
    report = differentiation.check(catalog.villages, registries=registries,
                                   thresholds=thresholds_from(options.get("thresholds") or {}), only=args.only,
                                   cache_dir=cache_dir, language=catalog.language)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.to_text())
    fail_on = args.fail_on or options.get("fail_on", "fail")
    return 1 if fail_on != "never" and report.failed(fail_on) else 0


def _plugin_options(config_file: Path = Path("mkdocs.yml")) -> dict:
    """The `villages` plugin's options in mkdocs.yml: the build and every command use the same."""
    for plugin in _site_config(config_file).get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("villages"), dict):
            return plugin["villages"]
    return {}


def _max_pixels(config_file: Path = Path("mkdocs.yml")) -> int:
    """The photo size limit of mkdocs.yml, so that validate refuses exactly the photos the build refuses."""
    value = _plugin_options(config_file).get("max_image_pixels")
    return value if isinstance(value, int) and value > 0 else MAX_PIXELS


def _schema(args) -> int:
    if not args.villages.is_dir():
        raise StorefrontError(f"{args.villages}: this folder does not exist; create it, or pass --villages DIR")
    target = args.villages / SCHEMA_FILE
    target.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {target}")
    return 0


def _build(args) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError
    from mkdocs.utils import CountHandler

    started = time.monotonic()
    _use_villages(args.villages)
    _log_to_stderr()
    warnings = CountHandler()
    warnings.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(warnings)
    overrides = {"site_dir": str(args.site_dir)} if args.site_dir else {}
    try:
        config = load_config(str(args.config_file), strict=args.strict or None, **overrides)
        config.plugins.on_startup(command="build", dirty=False)
        config.plugins["villages"].progress = TerminalProgress()
        build(config)
    except (Abort, ConfigurationError, OSError) as error:
        print(f"Build failed: {error}. The previous site, if any, is unchanged.", file=sys.stderr)
        return 1
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    plugin = config.plugins["villages"]
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

    _use_villages(args.villages)
    _log_to_stderr()
    serve(str(args.config_file), dev_addr=args.dev_addr, livereload=True)
    return 0


def _use_villages(villages: Path) -> None:
    os.environ[VILLAGES_ENV] = str(villages.resolve())


def _site_config(config_file: Path = Path("mkdocs.yml")) -> dict:
    """mkdocs.yml as plain data, read without MkDocs ({} when there is none)."""
    try:
        return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_IgnoreTags) or {}
    except (OSError, yaml.YAMLError):
        return {}


def _language(config_file: Path = Path("mkdocs.yml")) -> str:
    """The site's language; plain strings in profiles are taken to be in it."""
    theme = _site_config(config_file).get("theme")
    return (theme.get("language") if isinstance(theme, dict) else None) or "zh"


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: tags such as !ENV are read as nothing."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


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
