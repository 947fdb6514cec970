"""Markdown from profiles to safe HTML, and plain text for summaries.

Profiles are written by people outside the project, so their HTML is never trusted: Markdown is
rendered, then everything but a small set of tags is removed by nh3 (the Ammonia sanitizer): no
script, no event handlers, no style, and only http(s), mailto and tel links.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache

import markdown
import nh3
from markupsafe import Markup

from generator.cache import Memo, code_identity, digest

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
TEXTS = 1 << 16
"""Texts remembered per process: every text of 1,000 villages (about 16,000) fits, so none is
converted twice in a build (4,096 made a third of the conversions repeats at that size)."""
_MARKDOWN = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


class Texts:
    """The profile texts of one build as HTML and as plain text: each converted once per build,
    and, with a `memo`, once at all while it is unchanged (a village's texts appear on its page,
    its product pages, its live page and the listings). The build saves the memo after the last
    page is rendered, since templates convert texts as well."""

    def __init__(self, memo: Memo | None = None):
        self.memo = memo
        self._html: dict[str, Markup] = {}
        self._plain: dict[tuple[str, int], str] = {}

    def html(self, text: str | None) -> Markup:
        """Profile Markdown as HTML that is safe to put into a page."""
        if not text:
            return Markup("")
        if text not in self._html:
            self._html[text] = Markup(self._remembered("html", text, lambda: str(render(text))))
        return self._html[text]

    def plain(self, text: str | None, limit: int = 160) -> str:
        """Profile Markdown as one line of plain text, cut at `limit` characters (for summaries)."""
        if not text:
            return ""
        if (text, limit) not in self._plain:
            self._plain[(text, limit)] = self._remembered("plain", text, lambda: plain(text, limit), limit)
        return self._plain[(text, limit)]

    def _remembered(self, kind: str, text: str, compute, *more) -> str:
        return self.memo.get(digest(_identity(), kind, text, *more), compute) if self.memo else compute()


@cache
def _identity() -> str:
    return code_identity(__name__)


def render(text: str | None) -> Markup:
    """Profile Markdown as HTML that is safe to put into a page."""
    if not text:
        return Markup("")
    return _render(text)


@lru_cache(maxsize=TEXTS)
def _render(text: str) -> Markup:
    return _convert(text)


def _convert(text: str) -> Markup:
    _MARKDOWN.reset()
    unsafe = _MARKDOWN.convert(text)
    safe = nh3.clean(
        unsafe,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )
    return Markup(safe)


def plain(text: str | None, limit: int = 160) -> str:
    """Profile Markdown as one line of plain text, cut at `limit` characters (for summaries)."""
    if not text:
        return ""
    return _plain(text, limit)


@lru_cache(maxsize=TEXTS)
def _plain(text: str, limit: int) -> str:
    return _words(text, limit)


def _words(text: str, limit: int) -> str:
    words = nh3.clean(render(text), tags=set())
    words = re.sub(r"\s+", " ", html.unescape(words)).strip()
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
