"""Where a build's time goes: one real `storefront build`, with the wall time of each step.

    cd PROJECT && /path/to/.venv/bin/python /path/to/benchmarks/phases.py [build options]

Prints, after the build, the seconds spent in each MkDocs event of each plugin (ours is
`generator.plugin`, Material's search is the other), in MkDocs' own page steps, and in each step
of our `prepare` (reading profiles, the lint, the check, the image kit, pages, calendars). Unlike
cProfile it costs almost nothing, so the figures are those of a normal build. Not a test: it
asserts nothing. Run it twice in a row to see a warm build (the first fills the caches).
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mkdocs import plugins
from mkdocs.commands import build as mkdocs_build

from generator import build as steps
from generator.cli import main

PREPARE_STEPS = (
    "load_catalog",
    "check_claims",
    "check_brands",
    "build_timeline",
    "build_kit",
    "plan_pages",
    "calendar_files",
)
PAGE_STEPS = ("_populate_page", "_build_page", "_build_theme_template")

seconds: dict[tuple[str, str], float] = defaultdict(float)


def timed(group: str, name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[(group, name)] += time.perf_counter() - started

    return wrapper


def run_event(self, name, item=None, **kwargs):
    """MkDocs' PluginCollection.run_event (1.6), timing each plugin's method on its own."""
    pass_item = item is not None
    for method in self.events[name]:
        self._current_plugin = self._event_origins.get(method, "<unknown>")
        started = time.perf_counter()
        result = method(item, **kwargs) if pass_item else method(**kwargs)
        seconds[(f"on_{name}", method.__module__)] += time.perf_counter() - started
        if result is not None:
            item = result
    self._current_plugin = None
    return item


def report() -> None:
    print("\n| step | seconds |\n|---|---:|", file=sys.stderr)
    for (group, name), value in sorted(seconds.items(), key=lambda kv: -kv[1]):
        if value >= 0.005:
            print(f"| {group}: {name} | {value:.2f} |", file=sys.stderr)


if __name__ == "__main__":
    plugins.PluginCollection.run_event = run_event
    for name in PAGE_STEPS:
        setattr(mkdocs_build, name, timed("mkdocs", name, getattr(mkdocs_build, name)))
    for name in PREPARE_STEPS:  # prepare() looks these up in its module's namespace
        setattr(steps, name, timed("prepare", name, getattr(steps, name)))
    started = time.perf_counter()
    try:
        status = main(["build", *sys.argv[1:]])
    finally:
        seconds[("total", "storefront build")] = time.perf_counter() - started
        report()
    sys.exit(status)
