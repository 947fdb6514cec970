"""The differentiation check as the build and the CLI run it: which registries, which thresholds,
and what happens to the result (fail-level pairs stop the build; warn-level pairs are printed)."""

from __future__ import annotations

import dataclasses
import difflib
import logging
from collections.abc import Iterable, Mapping
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from generator.differentiation import Registry, Report, Thresholds, check, load_registry
from generator.errors import StorefrontError
from generator.model import Catalog

log = logging.getLogger("mkdocs.plugins.storefront")

# Registries that ship with the generator, by name: real lists of China's Taobao villages.
BUILTIN_REGISTRIES = {
    "taobao-2014": "taobao-villages-2014.csv",
    "taobao-2016": "taobao-villages-2016.csv",
}


def load_registries(names: Iterable[str | Path], root: Path) -> list[Registry]:
    """Each registry named by a built-in name or by a path (relative to `root`)."""
    if isinstance(names, (str, Path)) or not isinstance(names, Iterable):
        raise StorefrontError(f"check registries: {names!r} should be a list, like [taobao-2014, my-list.csv]")
    registries = []
    for name in names:
        if str(name) in BUILTIN_REGISTRIES:
            with as_file(files("generator").joinpath("data/registries", BUILTIN_REGISTRIES[str(name)])) as path:
                registries.append(load_registry(path, str(name)))
            continue
        path = root / name
        if not path.is_file():
            known = ", ".join(BUILTIN_REGISTRIES)
            raise StorefrontError(f"registry {name}: no such file (looked at {path}); give a CSV/YAML file or one of {known}")
        try:
            registries.append(load_registry(path))
        except OSError as error:
            raise StorefrontError(f"registry {name}: cannot be read ({error.strerror})") from None
    return registries


def thresholds_from(options: Mapping[str, Any]) -> Thresholds:
    """Thresholds with the settings of mkdocs.yml (`check: thresholds:`); unknown names are errors."""
    if not isinstance(options, Mapping):
        raise StorefrontError(f"check thresholds: {options!r} should be settings like {{warn: 0.5, fail: 0.75}}")
    fields = {f.name: f for f in dataclasses.fields(Thresholds)}
    known = list(fields)
    for name, value in options.items():
        default = getattr(Thresholds(), name, None)
        if name in fields and (isinstance(value, bool) or not isinstance(value, (int, float))
                               or (isinstance(default, int) and not isinstance(value, int))):
            raise StorefrontError(f"check thresholds: {name} should be a number like {default}, not {value!r}")
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            raise StorefrontError(f"check thresholds: there is no setting {name!r}; {hint}")
    try:
        return Thresholds(**options)
    except (TypeError, ValueError) as error:
        raise StorefrontError(f"check thresholds: {error}") from None


def check_brands(
    catalog: Catalog, registries: list[Registry], thresholds: Thresholds, fail_on: str, cache_dir: Path | None
) -> Report:
    """Run the check inside the build: a failing pair stops it with the report."""
    report = check(catalog.villages, registries=registries, thresholds=thresholds, cache_dir=cache_dir,
                   language=catalog.language)
    if fail_on != "never" and report.failed(fail_on):
        raise StorefrontError("Village brands too similar to publish (storefront check explains):\n" + report.to_text())
    for pair in report.pairs:
        log.info(f"Similar brands ({pair.level}, {pair.score:.2f}): {pair.a} ~ {pair.b_label}; "
                 f"see /report/ or run `storefront check`")
    return report
