"""The differentiation check as the build and the CLI run it: which registries, which thresholds,
and what happens to the result (fail-level pairs stop the build; warn-level pairs are printed)."""

from __future__ import annotations

import dataclasses
import difflib
import logging
import pickle
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from generator.cache import code_identity, digest, write_atomic
from generator.checks import differentiation
from generator.checks.differentiation import CHECK_CODE, Registry, Report, Thresholds, load_registry
from generator.checks.differentiation.records import image_stamps, village_digest
from generator.errors import StorefrontError
from generator.messages import listed, say
from generator.profile.model import Catalog

log = logging.getLogger("mkdocs.plugins.storefront")

# Registries that ship with the generator, by name: real lists of China's Taobao villages.
BUILTIN_REGISTRIES = {
    "taobao-2014": "taobao-villages-2014.csv",
    "taobao-2016": "taobao-villages-2016.csv",
}


def load_registries(names: Iterable[str | Path], root: Path) -> list[Registry]:
    """Each registry named by a built-in name or by a path (relative to `root`)."""
    if isinstance(names, (str, Path)) or not isinstance(names, Iterable):
        raise StorefrontError(say("registry.not_a_list", names=names))
    registries = []
    for name in names:
        if str(name) in BUILTIN_REGISTRIES:
            with as_file(files("generator").joinpath("data/registries", BUILTIN_REGISTRIES[str(name)])) as path:
                registries.append(load_registry(path, str(name)))
            continue
        path = root / name
        if not path.is_file():
            raise StorefrontError(say("registry.missing", name=name, path=path, known=listed(list(BUILTIN_REGISTRIES))))
        try:
            registries.append(load_registry(path))
        except OSError as error:
            raise StorefrontError(say("registry.unreadable", name=name, reason=error.strerror)) from None
    return registries


def thresholds_from(options: Mapping[str, Any]) -> Thresholds:
    """Thresholds with the settings of mkdocs.yml (`check: thresholds:`); unknown names are errors."""
    if not isinstance(options, Mapping):
        raise StorefrontError(say("thresholds.not_a_mapping", value=options))
    fields = {f.name: f for f in dataclasses.fields(Thresholds)}
    known = list(fields)
    for name, value in options.items():
        default = getattr(Thresholds(), name, None)
        if name in fields and (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(default, int) and not isinstance(value, int))
        ):
            raise StorefrontError(say("thresholds.not_a_number", name=name, default=default, value=value))
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = say("did_you_mean", close=close[0]) if close else say("reference.known", known=listed(known))
            raise StorefrontError(say("thresholds.unknown", name=name, hint=hint))
    try:
        return Thresholds(**options)
    except (TypeError, ValueError) as error:
        raise StorefrontError(say("thresholds.invalid", error=error)) from None


def check_brands(
    catalog: Catalog,
    registries: list[Registry],
    thresholds: Thresholds,
    fail_on: str,
    cache_dir: Path | None,
    only: Sequence[str] | None = None,
) -> Report:
    """Run the check inside the build: a failing pair stops it with the report. `only` (a
    preview's villages) checks those against every other village and registry."""
    report = remembered_report(catalog, registries, thresholds, cache_dir, only)
    if fail_on != "never" and report.failed(fail_on):
        raise StorefrontError(say("brands.refused") + "\n" + report.to_text())
    for cluster in report.clusters:
        log.info(say("brands.shared_story", summary=cluster.summary))
    for pair in report.pairs:
        level = say(f"brands.level.{pair.level}")
        log.info(say("brands.similar", level=level, score=pair.score, a=pair.a, b=pair.b_label))
    return report


def remembered_report(
    catalog: Catalog,
    registries: list[Registry],
    thresholds: Thresholds,
    cache_dir: Path | None,
    only: Sequence[str] | None = None,
) -> Report:
    """The whole-site report (or a preview's, of `only` against all); the last build's when
    nothing it depends on changed: the profiles and brand images (their digests, as the signature
    cache keys them), the registries' rows, the thresholds, the language, the villages asked
    about, the check's code and its libraries' versions. A build that changed no brand then
    neither imports nor runs the check. A report of `only` is also read out of a whole-site report
    of the same inputs (`Report.about`): a province shard's build, from its plan job's check."""
    if cache_dir is None:
        return differentiation.check(
            catalog.villages, registries=registries, thresholds=thresholds, only=only, language=catalog.language
        )
    folder = Path(cache_dir) / "differentiation"
    inputs = [
        code_identity(CHECK_CODE),
        [(v.slug, village_digest(v, folder)) for v in catalog.villages],
        [[registry.id, [row.digest for row in registry]] for registry in registries],
        dataclasses.asdict(thresholds),
        catalog.language,
    ]
    image_stamps(folder).save()  # a warm build that runs no check hashes no image
    whole = _remembered(folder / f"report-{digest(*inputs, None)[:32]}.pickle")
    if whole is not None:
        return whole if only is None else whole.about(only)
    kind = "report" if only is None else "preview"  # a preview's report never replaces the site's
    path = folder / f"{kind}-{digest(*inputs, sorted(only) if only is not None else None)[:32]}.pickle"
    report = _remembered(path)
    if report is not None:
        return report
    report = differentiation.check(
        catalog.villages,
        registries=registries,
        thresholds=thresholds,
        only=only,
        cache_dir=cache_dir,
        language=catalog.language,
    )
    for old in path.parent.glob(f"{kind}-*.pickle"):
        old.unlink(missing_ok=True)
    write_atomic(path, pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    return report


def _remembered(path: Path) -> Report | None:
    try:
        report = pickle.loads(path.read_bytes())
    except Exception:
        return None  # none yet, or a damaged file: the check runs again
    return report if isinstance(report, Report) else None
