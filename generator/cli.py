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

from generator.annotations import FORMATS, finding_commands, problem_commands, write_summary
from generator.checks.brands import load_registries, remembered_report, thresholds_from
from generator.checks.claims import exit_status, lint_catalog, problem_findings
from generator.checks.claims import to_json as lint_json
from generator.checks.claims import to_text as lint_text
from generator.config import (
    PLUGIN,
    PREVIEW_SUFFIX,
    Settings,
    default_settings,
    placeholder_site_url,
    read_config,
    settings_of,
    shard_site_dir,
)
from generator.errors import ProfileErrors, StorefrontError
from generator.hosting.budget import size_report, weigh
from generator.messages import LANGUAGES, LogWords, argparse_speaking, choose, listed, say, speak
from generator.profile.contract import CONTRACT_FILE, contract_markdown
from generator.profile.read import load_catalog
from generator.profile.scaffold import scaffold
from generator.profile.schema import DEFAULT_LANGUAGE, json_schema
from generator.progress import TerminalProgress

SCHEMA_FILE = "village.schema.json"
CONFIG_FILE = Path("mkdocs.yml")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Spoken from the start (help, argument errors), in the project's default language until the
    # site's own is known from mkdocs.yml (`_settings`).
    speak(choose(_requested_language(argv), _site_language(argv) or DEFAULT_LANGUAGE))
    with argparse_speaking():  # argparse's own words too (usage:, error:, invalid choice ...)
        args = _parser().parse_args(argv)
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
    parser = argparse.ArgumentParser(prog="storefront", description=say("help.storefront"))
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--villages", type=Path, default=None, metavar="DIR", help=say("help.villages"))
        sub.add_argument(
            "-f", "--config-file", type=Path, default=None, metavar="FILE", help=say("help.config", file=CONFIG_FILE)
        )
        sub.add_argument("--lang", choices=LANGUAGES, default=None, help=say("help.lang"))
        sub.set_defaults(run=run)
        return sub

    new = command("new", _new, say("help.new"))
    new.add_argument("slug", metavar="SLUG", help=say("help.new.slug"))
    new.add_argument("--name", help=say("help.new.name"))
    validate = command("validate", _validate, say("help.validate"))
    lint = command("lint", _lint, say("help.lint"))
    lint.add_argument("--json", action="store_true", help=say("help.lint.json"))
    build = command("build", _build, say("help.build"))
    build.add_argument("--site-dir", type=Path, default=None, metavar="DIR", help=say("help.build.site_dir"))
    build.add_argument("--strict", action="store_true", help=say("help.build.strict"))
    # A shard or a preview, not both: a preview of a shard would be built and named like the shard.
    build_what = build.add_mutually_exclusive_group()
    build_what.add_argument("--shard", default=None, metavar="NAME", help=say("help.build.shard"))
    shards = command("shards", _shards, say("help.shards"))
    shards.add_argument("--json", action="store_true", help=say("help.shards.json"))
    serve = command("serve", _serve, say("help.serve"))
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT", help=say("help.serve.addr"))
    for previewing in (build_what, serve):
        previewing.add_argument(
            "--only",
            nargs="+",
            action="extend",
            default=None,
            metavar="SLUG",
            help=say("help.only", suffix=PREVIEW_SUFFIX),
        )
    check = command("check", _check, say("help.check"))
    check.add_argument("--against", action="append", default=None, metavar="FILE", help=say("help.check.against"))
    check.add_argument("--only", nargs="+", action="extend", default=None, metavar="SLUG", help=say("help.check.only"))
    check.add_argument("--json", action="store_true", help=say("help.check.json"))
    check.add_argument("--fail-on", choices=("warn", "fail"), default=None, help=say("help.check.fail_on"))
    command("schema", _schema, say("help.schema", file=SCHEMA_FILE, contract=CONTRACT_FILE))
    deploy = command("deploy", _deploy, say("help.deploy"))
    deploy.add_argument("--site-dir", type=Path, default=None, metavar="DIR", help=say("help.deploy.site_dir"))
    deploy.add_argument("--bucket", required=True, help=say("help.deploy.bucket"))
    deploy.add_argument("--endpoint-url", default=None, metavar="URL", help=say("help.deploy.endpoint_url"))
    deploy.add_argument("--region", default=None, help=say("help.deploy.region"))
    deploy.add_argument("--prefix", default="", help=say("help.deploy.prefix"))
    deploy.add_argument(
        "--addressing-style", choices=("virtual", "path"), default="virtual", help=say("help.deploy.addressing_style")
    )
    deploy.add_argument("--keep", action="append", default=[], metavar="FOLDER", help=say("help.deploy.keep"))
    deploy.add_argument("--gzip", action="store_true", help=say("help.deploy.gzip"))
    deploy.add_argument("--dry-run", action="store_true", help=say("help.deploy.dry_run"))
    for reporting in (validate, lint, check):
        reporting.add_argument("--format", choices=FORMATS, default="text", help=say("help.format"))
    return parser


def _requested_language(argv: list[str]) -> str | None:
    """`--lang xx` (or `--lang=xx`) of the command line, read before it is parsed: the help is spoken in it."""
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def _site_language(argv: list[str]) -> str | None:
    """`theme.language` of the mkdocs.yml the command line names (or of ./mkdocs.yml), glanced at
    before the command line is parsed, so that its help and its mistakes are told in the site's
    language; None when there is no such file or it cannot be read (the command then says why)."""
    from mkdocs.utils.yaml import yaml_load

    named = [argv[i + 1] for i, word in enumerate(argv[:-1]) if word in ("-f", "--config-file")]
    named += [word.partition("=")[2] for word in argv if word.startswith("--config-file=")]
    try:
        with open(named[-1] if named else CONFIG_FILE, encoding="utf-8") as handle:
            theme = (yaml_load(handle) or {}).get("theme")
        return theme.get("language") if isinstance(theme, dict) else None
    except Exception:  # any mistake of the file is told when the command reads it
        return None


def _config_file(args) -> Path:
    return args.config_file or CONFIG_FILE


def _settings(args) -> Settings:
    """mkdocs.yml's settings, read once. Without one, a folder of villages is checked with the
    defaults; a file named with --config-file must be there."""
    if args.config_file is None and not CONFIG_FILE.is_file():
        settings = default_settings(args.villages)
    else:
        settings = settings_of(read_config(_config_file(args)), args.villages)
    speak(choose(args.lang, settings.language))
    return settings


def _shown(path: Path) -> Path:
    """`path` as the person typing the command names it: relative to where they are, if inside."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _new(args) -> int:
    folder, notes = scaffold(_settings(args).villages_dir, args.slug, args.name)
    for note in notes:
        print(note)
    print(say("new.created", file=_shown(folder / "village.yml")))
    return 0


def _load(settings: Settings):
    """Every village, read exactly as the build reads them."""
    return load_catalog(settings.villages_dir, language=settings.language, max_pixels=settings.max_image_pixels)


def _validate(args) -> int:
    try:
        catalog = _load(_settings(args))
    except ProfileErrors as error:
        if args.format != "github":
            raise
        return _annotated(error)
    products = catalog.product_count
    print(say("validate.valid", villages=len(catalog.villages), products=products))
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
    elif args.format == "github":
        print("\n".join(finding_commands(findings)))
        errors = sum(f.level == "error" for f in findings)
        write_summary(
            say("summary.lint"),
            [say("summary.lint.counts", errors=errors, warnings=len(findings) - errors)],
            [(f.file, f.line, f.field, f.why) for f in findings],
        )
    else:
        print(lint_text(findings))
    return exit_status(findings)


def _check(args) -> int:
    settings = _settings(args)
    registries = load_registries(
        args.against if args.against is not None else settings.registries,
        Path.cwd() if args.against is not None else settings.root,
    )
    try:
        catalog = _load(settings)
    except ProfileErrors as error:
        if args.format != "github":
            raise
        return _annotated(error)
    unknown = sorted(set(args.only or ()) - {v.slug for v in catalog.villages})
    if unknown:
        slugs = ", ".join(map(repr, unknown))
        raise StorefrontError(say("only.unknown", slugs=slugs, folder=_shown(settings.villages_dir)))
    # As the build runs it: the last report while no brand changed, and a whole-site report kept
    # in the cache, from which a province shard's build reads its villages' pairs (the plan job).
    report = remembered_report(catalog, registries, thresholds_from(settings.thresholds), settings.cache_dir, args.only)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.to_text())
    if args.format == "github":
        _annotate_pairs(report, {v.slug: v.source for v in catalog.villages})
    fail_on = args.fail_on or settings.fail_on
    return 1 if fail_on != "never" and report.failed(fail_on) else 0


def _annotated(error: ProfileErrors) -> int:
    """Every problem as a GitHub annotation on its line, and the run's summary; exit status 1."""
    print("\n".join(problem_commands(error.problems)))
    files = len({p.file for p in error.problems})
    write_summary(
        say("summary.validate"),
        [say("summary.validate.counts", count=len(error.problems), files=files)],
        [(p.file, p.line, p.field, p.message) for p in error.problems],
    )
    return 1


def _annotate_pairs(report, sources: dict[str, str]) -> None:
    """Each look-alike pair on the first line of its village's file: an error at fail, a warning at warn."""
    pairs = [pair for pair in report.pairs if pair.a in sources]
    for pair in pairs:
        level = "error" if pair.level == "fail" else "warning"
        message = "; ".join([*pair.evidence, *pair.advice]) or pair.level
        title = say("summary.pair", a=pair.a, b=pair.b_label or pair.b)
        print(f"::{level} file={sources[pair.a]},line=1,title={title}::{message}".replace("\n", "%0A"))
    write_summary(
        say("summary.check"),
        [say("summary.check.counts", pairs=len(pairs), villages=report.villages)],
        [(sources[p.a], 1, say("summary.pair", a=p.a, b=p.b_label or p.b), p.level) for p in pairs],
    )


def _schema(args) -> int:
    villages = _settings(args).villages_dir
    if not villages.is_dir():
        raise StorefrontError(f"{_shown(villages)}: {say('folder.missing')}")
    target = villages / SCHEMA_FILE
    target.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(say("schema.written", file=_shown(target)))
    contract = _settings(args).root / CONTRACT_FILE  # the contract in the project, beside mkdocs.yml
    contract.write_text(contract_markdown(), encoding="utf-8")
    print(say("schema.written", file=_shown(contract)))
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
        speak(choose(args.lang, config.theme.get("language") or DEFAULT_LANGUAGE))
        if PLUGIN not in config.plugins:
            raise StorefrontError(say("config.no_plugin", file=_config_file(args), plugin=PLUGIN))
        if args.villages:
            config.plugins[PLUGIN].config["villages_dir"] = str(args.villages.resolve())
        if args.only:  # built beside the site folder (site.preview), never over it: see the plugin
            config.plugins[PLUGIN].config["only"] = args.only
        if args.shard:  # one shard goes beside the site too (site.zhejiang, site.index)
            config.plugins[PLUGIN].config["shard"] = args.shard
            if not args.site_dir:
                config.site_dir = str(shard_site_dir(Path(config.site_dir), args.shard))
        config.plugins.on_startup(command="build", dirty=False)
        with TerminalProgress():
            build(config)
    except Abort:  # MkDocs has logged why ("Aborted with a BuildError!" says nothing more)
        print(say("build.failed_above"), file=sys.stderr)
        return 1
    except (ConfigurationError, OSError) as error:
        print(say("build.failed", error=error), file=sys.stderr)
        return 1
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    plugin = config.plugins[PLUGIN]
    if placeholder_site_url(config.site_url):  # a note, not a warning: a --strict build of the samples passes
        print(say("build.placeholder_site_url", url=config.site_url, file=_config_file(args)), file=sys.stderr)
    stats = plugin.prepared.stats
    count = sum(n for _, n in warnings.get_counts())
    print(say("build.done", site=_shown(plugin.site_dir), warnings=count, seconds=time.monotonic() - started, **stats))
    size, too_big = size_report(weigh(plugin.site_dir), plugin.config.host)
    print(size)
    if too_big:
        print(too_big, file=sys.stderr)
    if args.only:
        print(_preview_note(plugin.prepared.catalog.villages, _shown(plugin.site_dir)))
    if args.shard:
        shards = plugin.prepared.site.shards
        prefix = f" --prefix {shards.folder}" if shards.folder else ""
        print(say("shards.built", shard=args.shard, url=shards.url, site=_shown(plugin.site_dir), prefix=prefix))
    return 0


def _shards(args) -> int:
    from dataclasses import replace

    from generator.build import sharded
    from generator.hosting.shards import listing, to_text
    from generator.site.shards import INDEX

    settings = _settings(args)
    shards = sharded(_load(settings), replace(settings, shard=INDEX))
    print(json.dumps(listing(shards), ensure_ascii=False, indent=2) if args.json else to_text(shards))
    return 0


def _preview_note(villages, site: Path) -> str:
    """What a preview is: so many villages, named, and not the site to publish."""
    count = len(villages)
    return say("build.preview", count=count, s="s" * (count != 1), slugs=listed([v.slug for v in villages]), site=site)


def _deploy(args) -> int:
    from generator.hosting.bucket import Target, normalized_prefix
    from generator.hosting.deploy import deploy, summary

    site_dir = args.site_dir
    if args.config_file is None and not CONFIG_FILE.is_file():
        speak(choose(args.lang, DEFAULT_LANGUAGE))
    else:
        config = read_config(_config_file(args))
        speak(choose(args.lang, config.theme.get("language") or DEFAULT_LANGUAGE))
        site_dir = site_dir or _shown(Path(config.site_dir))
    target = Target(
        bucket=args.bucket,
        prefix=normalized_prefix(args.prefix),
        endpoint_url=args.endpoint_url,
        region=args.region,
        addressing_style=args.addressing_style,
    )
    with TerminalProgress():
        keep = tuple(normalized_prefix(folder) for folder in args.keep)
        result = deploy(site_dir or Path("site"), target, compress=args.gzip, dry_run=args.dry_run, keep=keep)
    print(summary(result, target, dry_run=args.dry_run))
    return 0


def _serve(args) -> int:
    from generator.plugin import serve

    _log_to_stderr()
    # The server reads mkdocs.yml again on every rebuild: `--villages` and `--only` reach the
    # plugin as options of its entry in `plugins`, as if mkdocs.yml said them.
    config_file = _config_file(args)
    config = read_config(config_file)  # a missing or wrong file is told now, not by a traceback in the server
    speak(choose(args.lang, config.theme.get("language") or DEFAULT_LANGUAGE))
    options = {"villages_dir": str(args.villages.resolve())} if args.villages else {}
    if args.only:
        options["only"] = args.only
        count = len(args.only)
        print(say("serve.preview", count=count, s="s" * (count != 1), slugs=listed(args.only)), file=sys.stderr)
    overrides = {"plugins": _plugins_with(config_file, options)} if options else {}
    serve(config_file, dev_addr=args.dev_addr, **overrides)
    return 0


def _plugins_with(config_file: Path, changed: dict) -> list:
    """mkdocs.yml's `plugins` (a list, or a mapping of name to options), read as MkDocs reads the
    file, with the villages plugin's options `changed` (`villages_dir` from --villages, `only`)."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as handle:
        listed = (yaml_load(handle) or {}).get("plugins") or []
    entries = listed.items() if isinstance(listed, dict) else (_entry(item) for item in listed)
    plugins = [{name: options} if options is not None else name for name, options in entries]
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in plugins]
    if PLUGIN not in names:
        raise StorefrontError(say("config.no_plugin", file=config_file, plugin=PLUGIN))
    at = names.index(PLUGIN)
    options = plugins[at][PLUGIN] if isinstance(plugins[at], dict) else {}
    plugins[at] = {PLUGIN: {**(options or {}), **changed}}
    return plugins


def _entry(item) -> tuple[str, dict | None]:
    """A `plugins:` list item, `name` or `{name: options}`, as (name, options)."""
    return (item, None) if isinstance(item, str) else next(iter(item.items()))


def _log_to_stderr() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.addFilter(LogWords())  # MkDocs' lines too, in the language the command speaks
        handler.setFormatter(logging.Formatter("%(level_said)s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


if __name__ == "__main__":
    sys.exit(main())
