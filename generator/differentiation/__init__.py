"""The differentiation check: is a village's brand its own, or a look-alike of another's?

Public API (the CLI `storefront check`, the build and the /report/ page use only this):

    registry = load_registry(path)                # CSV or YAML list of existing villages
    report = check(villages, registries=[registry], thresholds=Thresholds(), only=None,
                   cache_dir=None, language="zh")
    report.pairs, report.distinct, report.to_json(), report.to_text(), report.failed("warn")

How a pair is scored is documented in `scoring.py`; how candidates are found in `index.py`.
"""

from __future__ import annotations

from generator.differentiation.engine import check
from generator.differentiation.registry import Registry, load_registry
from generator.differentiation.report import SIGNALS, Pair, Report
from generator.differentiation.scoring import Thresholds

__all__ = ["SIGNALS", "Pair", "Registry", "Report", "Thresholds", "check", "load_registry"]
