"""Markdown from profiles to safe HTML, and plain text for summaries.

Profiles are written by people outside the project, so their HTML is never trusted: Markdown is
rendered, then everything but a small set of tags is removed by nh3 (the Ammonia sanitizer): no
script, no event handlers, no style, and only http(s), mailto and tel links.

A text written in two languages (a Chinese story with its English paragraph) is shown in the
page's language; the paragraphs in the other one are folded into a <details> that a reader opens
on demand (`fold_other_language`), so a Chinese page does not run an English paragraph through
every story.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache

import markdown
import nh3
from markupsafe import Markup

from generator.cache import Memo, code_identity, digest
from generator.words import chinese, language_name

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
        self._html: dict[tuple[str, str | None], Markup] = {}
        self._plain: dict[tuple[str, int], str] = {}

    def html(self, text: str | None, language: str | None = None) -> Markup:
        """Profile Markdown as HTML that is safe to put into a page; with the page's `language`,
        its paragraphs in another language folded away (fold_other_language)."""
        if not text:
            return Markup("")
        key = (text, language)
        if key not in self._html:
            if language is None:
                self._html[key] = Markup(self._remembered("html", text, lambda: str(render(text))))
            else:
                self._html[key] = Markup(
                    self._remembered("html", text, lambda: fold_other_language(render(text), language), language)
                )
        return self._html[key]

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


# --- the other language, on demand ------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*>")
_VOID = {"br", "hr", "img", "wbr"}
_FOLDED = {"p", "ul", "ol", "blockquote"}
"""Blocks that may be folded: running text. A table or a heading stays where it is."""
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
HAN_WEIGHT = 3
"""A Han character says about as much as three Latin letters: a Chinese paragraph that names a
cultivar or a dialect word in Latin letters is still Chinese."""


def fold_other_language(safe: str, language: str) -> str:
    """Sanitized HTML with each run of top-level blocks written in the other language (English on
    a Chinese page, Chinese on an English one) folded into `<details lang=..>`, named by that
    language's own name. A text with nothing in the page's language is left whole: folding all of
    it would hide it."""
    blocks = _top_level(safe)
    if "".join(piece for _, _, piece in blocks) != safe:  # not as nh3 writes it: leave it whole
        return safe
    page_zh = chinese(language)
    other = [kind in _FOLDED and _is_chinese(text) is not page_zh for kind, text, _ in blocks]
    if all(other[i] or not blocks[i][1].strip() for i in range(len(blocks))):
        return safe
    code = "en" if page_zh else "zh"
    out: list[str] = []
    run: list[str] = []
    for (kind, text, html_), folded in zip(blocks, other):
        if folded or (run and not text.strip() and kind == "#text"):
            run.append(html_)
            continue
        out += _fold(run, code)
        run = []
        out.append(html_)
    out += _fold(run, code)
    return "".join(out)


def _fold(run: list[str], code: str) -> list[str]:
    if not run:
        return []
    return [
        f'<details class="sf-other-language" lang="{code}"><summary>{language_name(code)}</summary>',
        *run,
        "</details>",
    ]


def _is_chinese(text: str) -> bool:
    return len(_HAN.findall(text)) * HAN_WEIGHT >= len(_LATIN.findall(text))


def _top_level(safe: str) -> list[tuple[str, str, str]]:
    """(tag or "#text", its text, its HTML) for each top-level node of a sanitized fragment (nh3
    writes every end tag, so depth counting finds each block's end)."""
    blocks: list[tuple[str, str, str]] = []
    depth, start, kind, last = 0, 0, "", 0
    for match in _TAG.finditer(safe):
        closing, tag = match.group(1) == "/", match.group(2)
        if tag in _VOID:
            continue
        if not closing:
            if depth == 0:
                if match.start() > last:
                    blocks.append(("#text", safe[last : match.start()], safe[last : match.start()]))
                start, kind = match.start(), tag
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return []
            if depth == 0:
                piece = safe[start : match.end()]
                blocks.append((kind, html.unescape(_TAG.sub("", piece)), piece))
                last = match.end()
    if last < len(safe):
        blocks.append(("#text", safe[last:], safe[last:]))
    return blocks
