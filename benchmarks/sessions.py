"""Seconds per build against the number of live sessions of one village: does time grow with N?

    .venv/bin/python benchmarks/sessions.py                  # N = 50, 200, 2000
    .venv/bin/python benchmarks/sessions.py --counts 50 500  # other sizes

For each N, one village (the test profile, tests/fixtures/base) gets N sessions starting near the
build's clock (SOURCE_DATE_EPOCH of the tests): a third repeat daily, a third weekly, a third are
one-offs. Each N is built in a scratch project made like the tests' (tests/conftest.make_project):
`storefront validate`, then a cold `storefront build` (no cache, so every poster and share card of
every session is drawn), then a warm one (the cache kept: what the schedule itself costs), each in a
fresh process, as a cooperative runs them. Prints the seconds and the ratio to the smallest N: a
build linear in N gives a ratio near N / 50 for the drawing and well under it for the rest.
Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import FIXED_EPOCH, make_project, run_storefront
from tests.schedule.sessions import many_sessions

STEPS = ("validate", "cold build", "warm build")


def timed_build(sessions: int, folder: Path) -> dict[str, float]:
    project = make_project(folder)
    many_sessions(project / "villages", sessions, datetime.fromtimestamp(int(FIXED_EPOCH), UTC) - timedelta(days=3))
    seconds = {}
    for step, command in zip(STEPS, (("validate",), ("build",), ("build",))):
        started = time.perf_counter()
        result = run_storefront(*command, cwd=project)
        seconds[step] = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"{step} of {sessions} sessions failed:\n{result.stderr}{result.stdout}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[50, 200, 2000], help="session counts")
    args = parser.parse_args()
    figures = {}
    for count in args.counts:
        with tempfile.TemporaryDirectory() as temp:
            figures[count] = timed_build(count, Path(temp))
        print(f"{count} sessions: " + ", ".join(f"{s} {figures[count][s]:.1f} s" for s in STEPS), file=sys.stderr)
    smallest = figures[min(figures)]
    print("| sessions | " + " | ".join(f"{s} (s) | ratio" for s in STEPS) + " |")
    print("|---:|" + "---:|---:|" * len(STEPS))
    for count, seconds in figures.items():
        cells = " | ".join(f"{seconds[s]:.1f} | {seconds[s] / smallest[s]:.1f}" for s in STEPS)
        print(f"| {count} | {cells} |")


if __name__ == "__main__":
    main()
