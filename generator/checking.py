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
    registries = []
    for name in names:
        if str(name) in BUILTIN_REGISTRIES:
            with as_file(files("generator").joinpath("data/registries", BUILTIN_REGISTRIES[str(name)])) as path:
                registries.append(load_registry(path, str(name)))
        else:
            registries.append(load_registry(root / name))
    return registries


def thresholds_from(options: Mapping[str, Any]) -> Thresholds:
    """Thresholds with the settings of mkdocs.yml (`check: thresholds:`); unknown names are errors."""
    known = [f.name for f in dataclasses.fields(Thresholds)]
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
