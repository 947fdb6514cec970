"""Who came first: the first commit that added each village's profile, from git.

Advice goes to the newcomer: when a village is copied, the one to change is the one whose profile
arrived later. The project is usually a git checkout, and `git log --diff-filter=A` names the
commit that added each `village.yml`. Outside a checkout, or for a profile not yet committed, the
order is unknown and the report says so instead of guessing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.profile.model import Village
from generator.words import choose

PROFILE = "village.yml"


@dataclass(frozen=True)
class Order:
    """Which of two records arrived later, and the sentence that says how we know."""

    later: str
    """Key of the later record (the one to change), or '' when the order is unknown."""
    sentence: str


def first_added(villages: Iterable[Village]) -> dict[str, int]:
    """Slug -> Unix time of the first commit that added the village's profile (one git call per
    villages folder; villages outside a checkout or not yet committed are left out)."""
    by_root: dict[Path, set[str]] = {}
    for village in villages:
        by_root.setdefault(Path(village.folder).resolve().parent, set()).add(village.slug)
    return {slug: when for root, slugs in by_root.items() for slug, when in _added_in(root).items() if slug in slugs}


def _added_in(root: Path) -> dict[str, int]:
    try:
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--diff-filter=A", "--relative", "--format=@%ct", "--name-only", "--", "."],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if log.returncode != 0:
        return {}
    added: dict[str, int] = {}
    when = 0
    for line in log.stdout.splitlines():
        if line.startswith("@"):
            when = int(line[1:])
        elif line.endswith("/" + PROFILE) and line.count("/") == 1:
            slug = line.split("/", 1)[0]
            added[slug] = min(when, added.get(slug, when))  # newest first: keep the first addition
    return added


def order_of(a: str, b: str, labels: Mapping[str, str], added: Mapping[str, int], language: str) -> Order:
    """Which of a and b is the newcomer, by the first commit of their profiles."""
    if a in added and b in added and added[a] != added[b]:
        later, earlier = (a, b) if added[a] > added[b] else (b, a)
        return Order(
            later,
            choose(
                language,
                f"先后：「{labels[earlier]}」的档案先提交（git 记录），「{labels[later]}」在后；"
                f"建议写给后来的「{labels[later]}」",
                f"order: {labels[earlier]}'s profile was committed first (git history), {labels[later]}'s later; the "
                f"advice is for {labels[later]}",
            ),
        )
    return Order(
        "",
        choose(
            language,
            f"先后：无法判断谁先谁后（不在 git 仓库里，或档案还没有提交）；建议写给「{labels[a]}」，"
            f"如果它其实在先，就由「{labels[b]}」来改",
            f"order: unknown (not a git checkout, or a profile not committed yet); the advice is written for "
            f"{labels[a]}; if it came first, it is {labels[b]} that should change",
        ),
    )
