"""Herds: one story carried by three or more villages, reported as one cluster.

When one village succeeds and its county copies it, the check finds every pair of the herd; a
cooperative needs the one sentence instead: these N villages share this passage, the earliest is
X (from git history), and everyone else is the one to rewrite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.checks.differentiation.report import LANGUAGES, Cluster, Pair
from generator.words import choose

HERD_SIZE = 3
"""Two villages sharing a story are a pair; from three on they are a herd."""
SHARED_STORY = 0.5
"""The story part (scoring.py) from which two villages carry the same story."""


def shared_passages(pairs: Sequence[Pair], added: Mapping[str, int], language: str) -> tuple[Cluster, ...]:
    """Connected groups of villages linked by a shared story, largest first."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked = [p for p in pairs if p.parts.get("story", 0.0) >= SHARED_STORY and ":" not in p.b]
    for pair in linked:
        parent[root(pair.a)] = root(pair.b)
    groups: dict[str, set[str]] = {}
    for pair in linked:
        groups.setdefault(root(pair.a), set()).update((pair.a, pair.b))
    labels = {p.a: p.a_label or p.a for p in linked} | {p.b: p.b_label or p.b for p in linked}
    clusters = []
    for members in groups.values():
        if len(members) < HERD_SIZE:
            continue
        ordered = sorted(members, key=lambda slug: (added.get(slug, float("inf")), slug))
        earliest = ordered[0] if all(slug in added for slug in members) else ""
        passage = next((p.snippet for p in linked if p.snippet and {p.a, p.b} <= members), "")
        summaries = {other: _summary(ordered, earliest, labels, other) for other in LANGUAGES}
        summary = _summary(ordered, earliest, labels, language)
        clusters.append(Cluster(tuple(ordered), earliest, passage, summary, summaries))
    return tuple(sorted(clusters, key=lambda c: (-len(c.villages), c.villages)))


def _summary(members: Sequence[str], earliest: str, labels: Mapping[str, str], language: str) -> str:
    names = choose(language, "、", ", ").join(labels[m] for m in members)
    if earliest:
        first = labels[earliest]
        return choose(
            language,
            f"这 {len(members)} 个村子用的是同一段故事：{names}；最早的是「{first}」（git 记录），其余各村应当重写",
            f"these {len(members)} villages share this passage: {names}; the earliest is {first} (git history), "
            f"the others should rewrite it",
        )
    return choose(
        language,
        f"这 {len(members)} 个村子用的是同一段故事：{names}；无法判断哪一个最早（没有 git 记录）",
        f"these {len(members)} villages share this passage: {names}; which came first is unknown (no git history)",
    )
