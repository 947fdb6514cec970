"""A village with many live sessions, written as a cooperative would write them: for the tests of
a large schedule and for benchmarks/sessions.py."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import REPO

BASE = REPO / "tests" / "fixtures" / "base"
SESSIONS_LINE = "  sessions:\n"


def many_sessions(villages: Path, count: int, near: datetime, slug: str = "test-village") -> Path:
    """The test profile with `count` sessions from `near` on (UTC), one every few hours over a
    month: a third repeat daily (for two weeks), a third weekly, a third happen once."""
    folder = villages / slug
    shutil.copytree(BASE, folder)
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    head, _, _ = text.partition(SESSIONS_LINE)
    _, service, tail = text.partition("service:")
    lines = [SESSIONS_LINE]
    for index in range(count):
        start = near + timedelta(hours=7 * index % (24 * 30), minutes=index % 60)
        repeat = ("FREQ=DAILY;COUNT=14", "FREQ=WEEKLY;UNTIL=20270630", None)[index % 3]
        lines += [
            f"    - title: 直播第{index + 1}场\n",
            "      channel: douyin-main\n",
            f"      start: {start:%Y-%m-%dT%H:%M}Z\n",
            "      duration: 90m\n",
            f"      repeat: {repeat}\n" if repeat else "",
            "      hosts: [li-na]\n",
            "      products: [white-tea]\n",
        ]
    (folder / "village.yml").write_text(head + "".join(lines) + service + tail, encoding="utf-8")
    return folder
