"""The differentiation check: is a village's brand its own, or a look-alike of another's?

Public API (the CLI `storefront check`, the build and the /report/ page use only this):

    registry = load_registry(path)                # CSV or YAML list of existing villages
    report = check(villages, registries=[registry], thresholds=Thresholds(), only=None,
                   cache_dir=None, language="zh")
    report.pairs, report.distinct, report.to_json(), report.to_text(), report.failed("warn")

How a pair is scored is documented in `scoring.py`; how candidates are found in `index.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.checks.differentiation.registry import Registry, load_registry
from generator.checks.differentiation.report import SIGNALS, Pair, Report
from generator.checks.differentiation.scoring import Thresholds

if TYPE_CHECKING:
    from generator.checks.differentiation.engine import check

__all__ = ["CHECK_CODE", "SIGNALS", "Pair", "Registry", "Report", "Thresholds", "check", "load_registry"]

CHECK_CODE = "generator.checks.differentiation.engine"
"""The module that makes a report: with what it imports, the code whose change makes new
signatures and a new report (cache.code_identity)."""


def __getattr__(name: str):
    # `check` is imported when first used: its libraries (scipy, datasketch, pypinyin, rapidfuzz)
    # take longer to import than a warm build of a small site takes in all, and a build whose
    # brands did not change reuses the last report without them (see checks/brands.py).
    if name == "check":
        from generator.checks.differentiation.engine import check

        return check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
