"""Chinese text that renders: the CJK font, found offline, and line breaking that suits Chinese.

The font is Noto Sans CJK (SIL OFL), installed by the PyPI package `noto-cjk-sans-otc`, so a
cooperative's Mac and a plain CI runner have it without apt or network. A Debian or Homebrew copy
of the same font, or any font named by STOREFRONT_CJK_FONT, is used when the package is absent.

Chinese has no spaces between words: a line may break between any two Han characters, except
before closing punctuation (，。）…) or after opening punctuation (（“《), the rule of 禁则 (kinsoku).
Latin words in mixed text stay whole unless one alone is wider than the line.

What the font cannot draw is left out of images rather than drawn as an empty box (.notdef):
emoji, as no emoji font is packaged the way this one is, for every machine a cooperative builds on
(Debian's colour emoji font holds bitmaps of one size, and Symbola stops at Unicode 9), and an
image must not depend on what else a machine has installed; and invisible characters (bidi
overrides like U+202E, zero-width joiners, private-use code points), which have no place in a
picture. The pages keep the emoji: the browser draws them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_ENV = "STOREFRONT_CJK_FONT"
SC_INDEX = 2
"""Face of the Simplified Chinese design in Noto Sans CJK collections (JP, KR, SC, TC, HK)."""
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch, Fedora
    "/opt/homebrew/share/fonts/NotoSansCJK-Regular.ttc",
)
NO_LINE_START = set("，。、；：？！）］｝」』》〉】〕”’·…—～%,.;:?!)]}>")
NO_LINE_END = set("（［｛「『《〈【〔“‘([{<¥$#")
ELLIPSIS = "…"
UNDRAWN = {"Cc", "Cf", "Co", "Cs", "Cn"}
"""Unicode categories never drawn, whatever the font maps: controls, format characters (bidi
controls, zero-width joiners, soft hyphens), private use, surrogates and unassigned code points."""
_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F'’\-_/.:@&+]+|\s+|.", re.DOTALL)


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int

    @property
    def identity(self) -> str:
        """What a cache key needs to know of the font: a different file or version redraws."""
        stat = self.path.stat()
        return f"{self.path.name}:{self.index}:{stat.st_size}"


@cache
def cjk_font() -> FontFile:
    """The CJK font of this machine; raises FontMissing with what to install."""
    named = os.environ.get(FONT_ENV)
    if named:
        return FontFile(Path(named), int(os.environ.get(FONT_ENV + "_INDEX", "0")))
    try:
        import noto_cjk_sans_otc

        return FontFile(Path(str(noto_cjk_sans_otc.FONT_PATH)), SC_INDEX)
    except ImportError:
        pass
    for candidate in SYSTEM_FONTS:
        if Path(candidate).exists():
            return FontFile(Path(candidate), SC_INDEX)
    raise FontMissing(
        "no Chinese font found: run `pip install -r requirements.txt` (it installs noto-cjk-sans-otc), "
        f"or set {FONT_ENV} to a .ttf/.otf/.ttc file"
    )


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """The CJK font at `size` pixels. BASIC layout: the same bytes whether or not libraqm is present."""
    found = cjk_font()
    return ImageFont.truetype(str(found.path), size, index=found.index, layout_engine=ImageFont.Layout.BASIC)


@cache
def _notdef(size: int) -> bytes:
    return bytes(font(size).getmask("\U0010fffd"))


@lru_cache(maxsize=1 << 12)
def _has_glyph(char: str, size: int = 24) -> bool:
    return bytes(font(size).getmask(char)) != _notdef(size)


def missing_glyphs(text: str, size: int = 24) -> list[str]:
    """The characters of `text` the font would draw as an empty box (.notdef)."""
    return sorted({c for c in text if not c.isspace() and not _has_glyph(c, size)})


@lru_cache(maxsize=1 << 12)
def _drawn(char: str) -> bool:
    return char.isspace() or (unicodedata.category(char) not in UNDRAWN and _has_glyph(char))


def drawable(text: str) -> str:
    """`text` without what the font cannot draw (emoji, symbols it lacks) and without invisible
    characters (UNDRAWN): what an image shows of it. Spaces and line breaks are kept."""
    return "".join(char for char in text if _drawn(char))


def atoms(text: str) -> list[str]:
    """Units a line may break between: a Latin word, a run of spaces, or one other character,
    with closing punctuation glued to what precedes it and opening punctuation to what follows."""
    pieces = _WORD.findall(" ".join(text.split()))
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        if piece in NO_LINE_END:
            carry += piece
            continue
        piece = carry + piece
        carry = ""
        if merged and piece[0] in NO_LINE_START and not merged[-1].isspace():
            merged[-1] += piece
        else:
            merged.append(piece)
    if carry:
        merged.append(carry)
    return merged


@lru_cache(maxsize=64)
def _atoms(text: str) -> tuple[str, ...]:
    return tuple(atoms(text))  # fitting wraps one text at many sizes: split it once


@lru_cache(maxsize=1 << 14)
def length(face: ImageFont.FreeTypeFont, text: str) -> float:
    """`face.getlength(text)`, remembered: wrapping measures each growing line, at every size
    `fit` tries and every width `_balanced` tries, so most measurements repeat (12 times in 13 on
    the cards of a village). Faces are the shared ones of `font`."""
    return face.getlength(text)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float, limit: int | None = None) -> list[str]:
    """Lines of `text` no wider than `width` (except a single glyph wider than it); a newline in
    `text` always starts a new line. With `limit`, stops once more than `limit` lines are known:
    enough to tell that the text does not fit, without measuring the rest of a long text."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, face, width, None if limit is None else limit + 1 - len(lines))
        if limit is not None and len(lines) > limit:
            return lines[: limit + 1]
    return lines


def _wrap_paragraph(text: str, face: ImageFont.FreeTypeFont, width: float, limit: int | None = None) -> list[str]:
    lines: list[str] = []
    line = ""
    for atom in _atoms(text):
        if limit is not None and len(lines) >= limit:
            return lines
        candidate = line + atom
        if length(face, candidate) <= width or not line.strip():
            if length(face, candidate) > width and not atom.isspace():
                # A word wider than the line on its own: break it between characters.
                for char in atom:
                    if line.strip() and length(face, line + char) > width:
                        lines.append(line.rstrip())
                        line = ""
                    line += char
                continue
            line = candidate
        else:
            lines.append(line.rstrip())
            line = "" if atom.isspace() else atom
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _balanced(text: str, face: ImageFont.FreeTypeFont, width: float, lines: list[str]) -> list[str]:
    """The same number of lines at the narrowest width that keeps it: no lone character on the last line."""
    low, high = width / len(lines), width
    best = lines
    for _ in range(8):
        middle = (low + high) / 2
        candidate = wrap(text, face, middle)
        if len(candidate) <= len(lines):
            best, high = candidate, middle
        else:
            low = middle
    return best


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: int
    font: ImageFont.FreeTypeFont


@lru_cache(maxsize=256)  # a village's name, region and the site's name are on every one of its cards
def fit(
    text: str,
    width: float,
    max_lines: int,
    largest: int,
    smallest: int,
    height: float | None = None,
    leading: float = 1.2,
) -> Fitted:
    """The largest size from `largest` down to `smallest` at which `text` fits `max_lines` lines
    of `width` (and, given `height`, as many lines as that height holds at `leading`); at the
    smallest size, whatever does not fit ends in an ellipsis. Never overflows. Only what the
    font can draw is set (`drawable`); a text with nothing of that is one empty line."""
    text = drawable(text)
    size = largest
    limit = max_lines
    while True:
        face = font(size)
        limit = max_lines if height is None else max(1, min(max_lines, int(height // round(size * leading))))
        lines = wrap(text, face, width, limit)
        if len(lines) <= limit or size <= smallest:
            break
        size = max(smallest, size - max(1, size // 12))
    max_lines = limit
    if 1 < len(lines) <= max_lines:
        lines = _balanced(text, face, width, lines)
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        last = lines[max_lines - 1]
        while last and length(face, last + ELLIPSIS) > width:
            last = last[:-1]
        lines = [*kept, last.rstrip() + ELLIPSIS]
    return Fitted(tuple(lines) or ("",), size, face)
