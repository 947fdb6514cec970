"""Hostile photos through the real pipeline (real Pillow, real profiles, the real build): metadata
that must not leak into any published file, photos in every mode Pillow opens, photos longer than
WebP holds, files cut short, and names holding what the font cannot draw.

Published files are read back byte by byte, not through Pillow (which would hide what it does not
parse): JPEG segments, PNG chunks and WebP RIFF chunks, each against the few a bare image needs.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import zlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from generator.assets import fonts
from generator.assets.cards import ProductSpec, ShareSpec, product_card, share_card
from generator.assets.kit import build_kit
from generator.assets.posters import poster
from generator.assets.responsive import _eight_bit, render_variants
from generator.cache import Caches
from generator.errors import ProfileErrors
from generator.messages import say
from generator.profile.photos import PhotoProblem, largest_side
from generator.profile.read import load_catalog
from generator.schedule.timeline import build_timeline
from tests.assets.test_assets import _brand, _poster_spec
from tests.assets.test_assets_kit import NOW, SITE, photo
from tests.conftest import REPO, make_project, run_storefront
from tests.profile.test_bad_input import _problems, _village
from tests.reading import Page

CUT_SHORT = say("photo.cut_short", "en")  # what a photo cut short is told, in an English run
BASE = REPO / "tests" / "fixtures" / "base"
FILE = "villages/test-village/village.yml"
TEXT = (BASE / "village.yml").read_text(encoding="utf-8")
LIMIT = 50_000_000

# --- published files, read back byte by byte ------------------------------------------------------

JPEG_KEPT = {0xC0, 0xC2, 0xC4, 0xDA, 0xDB, 0xDD, 0xE0, 0xD9}
"""Frame (baseline, progressive), tables, scans, restart interval, JFIF header and end: pixels only.
Left out: APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), every other APPn, and COM (0xFE)."""
PNG_KEPT = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
WEBP_METADATA_FLAGS = 0x20 | 0x08 | 0x04
"""VP8X flags that announce an ICC profile, EXIF or XMP."""


def jpeg_markers(data: bytes) -> list[int]:
    """Every marker of a JPEG, in order, through its scans (a progressive JPEG has several)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    at, markers = 2, []
    while True:
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        markers.append(marker)
        if marker == 0xD9:
            return markers
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDA:  # compressed data: up to the next marker that is not a stuffed 0xFF or a restart
            while True:
                at = data.index(b"\xff", at)
                if data[at + 1] == 0 or 0xD0 <= data[at + 1] <= 0xD7:
                    at += 2
                    continue
                break


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, chunks = 8, []
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks.append(kind)
        at += 12 + length
    return chunks


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
    at, chunks = 12, []
    while at < len(data):
        kind, length = struct.unpack("<4sI", data[at : at + 8])
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 8 + length + (length & 1)
    return chunks


def metadata_of(data: bytes) -> list[str]:
    """What a published file carries besides its pixels: a list of its forbidden parts."""
    if data[:2] == b"\xff\xd8":
        return [f"JPEG marker {m:#04x}" for m in jpeg_markers(data) if m not in JPEG_KEPT]
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return [f"PNG chunk {c.decode()}" for c in png_chunks(data) if c not in PNG_KEPT]
    if data[:4] == b"RIFF":
        found = []
        for kind, body in webp_chunks(data):
            if kind not in WEBP_KEPT:
                found.append(f"WebP chunk {kind.decode()}")
            elif kind == b"VP8X" and body[0] & WEBP_METADATA_FLAGS:
                found.append(f"WebP VP8X flags {body[0]:#04x}")
        return found
    if data[:4] == b"\x00\x00\x01\x00":  # an icon: each of its images is a PNG or a bitmap
        count = int.from_bytes(data[4:6], "little")
        found = []
        for i in range(count):
            size, offset = struct.unpack("<II", data[6 + 16 * i + 8 : 6 + 16 * i + 16])
            if data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n":
                found += metadata_of(data[offset : offset + size])
        return found
    raise AssertionError(f"an image of no known format: {data[:12]!r}")


# --- sources that carry everything a phone or an editor writes ------------------------------------

SECRET = b"SECRET-"
"""Every text hidden in a source starts with it: no published byte sequence may hold it."""
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>SECRET-xmp</rdf:Description></rdf:RDF></x:xmpmeta>'
)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SECRET-make"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (30.0, 37.0, 12.0), 3: "E", 4: (119.0, 40.0, 48.0)}
    return exif.tobytes()


def _iptc() -> bytes:
    """An APP13 segment as Photoshop writes it: an IPTC caption in an 8BIM resource."""
    caption = b"SECRET-iptc caption"
    record = b"\x1c\x02\x78" + len(caption).to_bytes(2, "big") + caption
    record += b"\x00" * (len(record) & 1)
    resource = b"8BIM\x04\x04\x00\x00" + len(record).to_bytes(4, "big") + record
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body


def _picture(size=(900, 600), mode="RGB") -> Image.Image:
    """A photo-like picture: a gradient with a block, so that every copy has real pixels."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((40, 120, 60), (0, 0, size[0] // 3, size[1] // 3))
    return image.convert(mode)


def jpeg_with_comment_only() -> bytes:
    out = io.BytesIO()
    _picture().save(out, "JPEG", quality=90, comment=b"SECRET-comment only")
    return out.getvalue()


def jpeg_with_everything() -> bytes:
    out = io.BytesIO()
    _picture((1400, 800)).save(
        out, "JPEG", quality=90, exif=_exif(), xmp=XMP, extra=_iptc(), comment=b"SECRET-comment of the Li family"
    )
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRET-tEXt Comment")
    info.add_text("comment", "SECRET-tEXt comment, which Pillow's JPEG encoder would write as COM")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Description", "SECRET-zTXt " * 20, zip=True)
    out = io.BytesIO()
    _picture().save(out, "PNG", pnginfo=info, exif=_exif())
    return out.getvalue()


def webp_with_metadata() -> bytes:
    out = io.BytesIO()
    _picture().save(out, "WEBP", exif=_exif(), xmp=XMP)
    return out.getvalue()


def logo_with_text_and_profile() -> bytes:
    logo = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (100, 100, 500, 500))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SECRET-logo author")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    logo.save(out, "PNG", pnginfo=info, icc_profile=icc)
    return out.getvalue()


SOURCES = {
    "images/hero.jpg": jpeg_with_everything,
    "images/comment.jpg": jpeg_with_comment_only,
    "images/text.png": png_with_text,
    "images/meta.webp": webp_with_metadata,
    "images/logo.png": logo_with_text_and_profile,
}


def test_the_sources_do_carry_what_must_not_be_published():
    assert {"comment", "exif", "xmp", "photoshop"} <= set(Image.open(io.BytesIO(jpeg_with_everything())).info)
    assert 0xFE in jpeg_markers(jpeg_with_comment_only()) and 0xE2 not in jpeg_markers(jpeg_with_comment_only())
    assert {b"tEXt", b"iTXt", b"zTXt", b"eXIf"} <= set(png_chunks(png_with_text()))
    assert {b"EXIF", b"XMP "} <= {kind for kind, _ in webp_chunks(webp_with_metadata())}
    assert {b"tEXt", b"iCCP"} <= set(png_chunks(logo_with_text_and_profile()))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_no_variant_carries_the_sources_metadata(name):
    variants = render_variants(SOURCES[name](), f"villages/x/{name}", LIMIT)
    assert variants
    for variant in variants:
        assert metadata_of(variant.data) == [], (variant.width, variant.format)
        assert SECRET not in variant.data, (variant.width, variant.format)


HOSTILE = (
    TEXT.replace("  hero: images/hero.jpg\n", "  hero: images/hero.jpg\n  logo: images/logo.png\n")
    .replace("images: [images/tea.jpg]", "images: [images/comment.jpg, images/text.png, images/meta.webp]")
    .replace("    description: 节日。\n", "    description: 节日。\n    image: images/text.png\n")
    .replace("{id: li-na, name: 李娜, role: anchor}", "{id: li-na, name: 李娜, role: anchor, photo: images/meta.webp}")
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile"))
    village = project / "villages" / "test-village"
    shutil.copytree(BASE, village)
    for name, make in SOURCES.items():
        (village / name).write_bytes(make())
    (village / "village.yml").write_text(HOSTILE, encoding="utf-8")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_no_published_file_carries_metadata_or_text_of_a_source(hostile_site):
    folder = hostile_site / "villages" / "test-village"
    published = [p for p in hostile_site.rglob("*") if p.suffix in (".jpg", ".png", ".webp", ".ico")]
    drawn = {p.relative_to(folder).as_posix() for p in published if p.is_relative_to(folder)}
    # The photos at every width, and what is drawn from them (a photo's own name is not published).
    assert {"images/hero-320.webp", "images/comment-320.webp", "images/text-png-320.webp"} <= drawn, drawn
    assert {"images/meta-webp-320.webp", "images/logo-png-320.webp"} <= drawn, drawn
    assert {"share.jpg", "products/white-tea/card.webp", "products/white-tea/share.jpg"} <= drawn, drawn
    assert any(name.startswith("live/") and name.endswith(".webp") for name in drawn), drawn  # the poster
    assert any(name.startswith("brand/") for name in drawn), drawn  # icons from the given logo
    for path in published:
        data = path.read_bytes()
        assert metadata_of(data) == [], path
        assert SECRET not in data, path


# --- every mode Pillow opens, published as a browser shows it ------------------------------------


def _png(width: int, rows: list[bytes], colour_type: int, depth: int) -> bytes:
    """A PNG written chunk by chunk, for what Pillow does not write (16-bit colour)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, len(rows), depth, colour_type, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + row for row in rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


RAMP = (0, 64, 128, 192, 255)
BLOCK = 80  # pixels of each step: wide enough that a lossy copy keeps its middle exact to a few levels


def _fading(value: int) -> int:
    """An opacity that falls from 255 to 128 along RAMP."""
    return 255 - value // 2


def _ramp_rows(channels) -> list[bytes]:
    """16-bit rows: each step of RAMP as a block, every channel given by channels(value)."""
    row = b"".join(struct.pack(f">{len(channels(v))}H", *channels(v)) * BLOCK for v in RAMP)
    return [row] * 40


def _saved(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _grey16() -> bytes:
    """A 16-bit greyscale PNG as Pillow writes it (Pillow opens it as mode I;16)."""
    image = Image.new("I;16", (BLOCK * len(RAMP), 40))
    for i, value in enumerate(RAMP):
        image.paste(value * 257, (i * BLOCK, 0, (i + 1) * BLOCK, 40))
    return _saved(image, "PNG")


def _blocks(mode: str, colours) -> Image.Image:
    image = Image.new(mode, (BLOCK * len(colours), 40))
    for i, colour in enumerate(colours):
        image.paste(colour, (i * BLOCK, 0, (i + 1) * BLOCK, 40))
    return image


def _palette_with_transparency() -> bytes:
    image = _blocks("RGB", [(200, 30, 30), (30, 200, 30), (30, 30, 200)]).convert("P", palette=Image.Palette.ADAPTIVE)
    index = image.getpixel((BLOCK // 2, 20))  # the red block's entry becomes transparent
    return _saved(image, "PNG", transparency=index)


# (case, its source's bytes, photo name, the (r, g, b[, a]) a browser must show in the middle of each block)
MODES = [
    ("16-bit grey (I;16)", _grey16, "a.png", [(v, v, v) for v in RAMP]),
    ("16-bit RGB", lambda: _png(BLOCK * 5, _ramp_rows(lambda v: [v * 257, 0, 65535 - v * 257]), 2, 16), "a.png",
     [(v, 0, 255 - v) for v in RAMP]),
    ("16-bit RGBA", lambda: _png(BLOCK * 5, _ramp_rows(lambda v: [v * 257, v * 257, 0, _fading(v) * 257]), 6, 16),
     "a.png", [(v, v, 0, _fading(v)) for v in RAMP]),
    ("16-bit grey with alpha", lambda: _png(BLOCK * 5, _ramp_rows(lambda v: [v * 257, _fading(v) * 257]), 4, 16),
     "a.png", [(v, v, v, _fading(v)) for v in RAMP]),
    ("1-bit", lambda: _saved(_blocks("1", [0, 1, 0]), "PNG"), "a.png", [(0, 0, 0), (255, 255, 255), (0, 0, 0)]),
    ("palette with a transparent entry", _palette_with_transparency, "a.png",
     [(200, 30, 30, 0), (30, 200, 30, 255), (30, 30, 200, 255)]),
    ("grey with alpha", lambda: _saved(_blocks("LA", [(0, 255), (128, 128), (255, 0)]), "PNG"), "a.png",
     [(0, 0, 0, 255), (128, 128, 128, 128), (255, 255, 255, 0)]),
    ("grey with a transparent colour", lambda: _saved(_blocks("L", [0, 128, 255]), "PNG", transparency=128), "a.png",
     [(0, 0, 0, 255), (128, 128, 128, 0), (255, 255, 255, 255)]),
    ("grey JPEG", lambda: _saved(_blocks("L", list(RAMP)), "JPEG", quality=95), "a.jpg", [(v, v, v) for v in RAMP]),
    ("CMYK JPEG", lambda: _saved(_blocks("CMYK", [(0, 255, 255, 0), (255, 0, 255, 0), (0, 0, 0, 128)]), "JPEG",
     quality=95), "a.jpg", [(255, 0, 0), (0, 255, 0), (127, 127, 127)]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "name", "expected"), [m[1:] for m in MODES], ids=[m[0] for m in MODES])
def test_every_mode_is_published_with_its_values(source, name, expected):
    data = source()
    variants = render_variants(data, f"villages/x/{name}", LIMIT)
    transparent = len(expected[0]) == 4
    assert {v.format for v in variants} == {"webp"}
    for variant in variants:
        with Image.open(io.BytesIO(variant.data)) as image:
            assert image.mode in (("RGBA",) if transparent else ("RGB", "L")), (variant.format, image.mode)
            shown = image.convert("RGBA" if transparent else "RGB")
            scale = shown.width / (BLOCK * len(expected))
        for i, colour in enumerate(expected):
            pixel = shown.getpixel((round((i + 0.5) * BLOCK * scale), shown.height // 2))
            if transparent and colour[3] == 0:
                assert pixel[3] == 0, (variant.format, variant.width, i, pixel)
                continue
            assert max(abs(a - b) for a, b in zip(pixel, colour)) <= 6, (variant.format, variant.width, pixel, colour)


@pytest.mark.parametrize("mode", ["I", "F"])
def test_32_bit_greys_are_scaled_from_16_bits_like_a_16_bit_png(mode):
    image = Image.new(mode, (4, 1))
    for x, value in enumerate((0, 16448, 32896, 65535)):
        image.putpixel((x, 0), value)
    eight = _eight_bit(image)
    assert eight.mode == "L" and [eight.getpixel((x, 0)) for x in range(4)] == [0, 64, 128, 255]


# --- photos longer than a format holds -------------------------------------------------------------

LONG = {"images/long.jpg": (1080, 17000), "images/strip.jpg": (100, 20000)}


def test_a_long_photo_is_published_smaller_so_no_side_passes_webps_limit():
    out = io.BytesIO()
    Image.new("RGB", (1080, 17000), (90, 140, 80)).save(out, "JPEG", quality=60)
    variants = render_variants(out.getvalue(), "villages/x/images/详情.jpg", LIMIT)
    assert sorted({(v.width, v.height) for v in variants}) == [(320, 5037), (640, 10074), (1040, 16370)]
    for variant in variants:
        with Image.open(io.BytesIO(variant.data)) as image:
            assert image.size == (variant.width, variant.height) and max(image.size) <= 16383


@pytest.fixture(scope="module")
def long_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("long"))
    village = project / "villages" / "test-village"
    shutil.copytree(BASE, village)
    for name, size in LONG.items():
        Image.new("RGB", size, (90, 140, 80)).save(village / name, quality=60)
    text = TEXT.replace("images: [images/tea.jpg]", f"images: [{', '.join(LONG)}]")
    (village / "village.yml").write_text(text, encoding="utf-8")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return project / "site"


def test_long_photos_build_and_the_page_reserves_their_shape(long_site):
    folder = long_site / "villages" / "test-village"
    shapes = _img_shapes(Page((folder / "products" / "white-tea" / "index.html").read_text(encoding="utf-8")))
    for name, (width, height) in LONG.items():
        stem = Path(name).stem
        copies = sorted(folder.glob(f"images/{stem}-*.*"))
        assert {p.suffix for p in copies} == {".webp"}, copies
        sizes = []
        for copy in copies:
            with Image.open(copy) as image:
                sizes.append(image.size)
                assert max(image.size) <= largest_side(), copy
                assert abs(image.width / image.height - width / height) < 0.01 * width / height, copy
        src = next(s for s in shapes if f"/{stem}-" in s)
        assert shapes[src] == max(sizes), (src, shapes[src], sizes)


def _img_shapes(page: Page) -> dict[str, tuple[int, int]]:
    """src -> (width, height) of each <img> of the page: the space the browser reserves for it."""
    found: dict[str, dict[str, int]] = {}
    src = ""
    for tag, key, value in page.attributes:
        if tag == "img" and key == "src":
            src = value
        elif tag == "img" and key in ("width", "height"):
            found.setdefault(src, {})[key] = int(value)
    return {s: (given["width"], given["height"]) for s, given in found.items()}


def test_a_photo_too_narrow_for_any_format_is_refused_at_its_line(tmp_path):
    villages = _village(tmp_path, TEXT.replace("images: [images/tea.jpg]", "images: [images/thread.png]"))
    Image.new("RGB", (1, 20000), (90, 140, 80)).save(villages / "test-village" / "images" / "thread.png")
    problems = _problems(villages)
    assert problems == [
        f"{FILE}:24: products[0].images[0]: 'images/thread.png': the photo is 1x20000 pixels: so long and narrow "
        "that a copy no longer than the 16,383 pixels a web photo may have would be less than a pixel wide; "
        "crop it, or cut it into several photos"
    ], problems


# --- files cut short -------------------------------------------------------------------------------


def _photo_jpeg(tmp_path: Path) -> bytes:
    photo(tmp_path / "whole.jpg", (1600, 900), 3)
    return (tmp_path / "whole.jpg").read_bytes()


def _with_thumbnail(data: bytes) -> bytes:
    """The JPEG with an EXIF block holding a small JPEG of its own (as cameras write a thumbnail):
    an end marker before the photo's own pixels."""
    exif = Image.Exif()
    exif[ExifTags.Base.MakerNote] = _saved(Image.new("RGB", (16, 16), (9, 9, 9)), "JPEG")
    with Image.open(io.BytesIO(data)) as image:
        return _saved(image, "JPEG", quality=90, exif=exif.tobytes())


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


CUTS = {
    "JPEG cut in half": ("images/hero.jpg", _half),
    "JPEG without its end marker": ("images/hero.jpg", lambda whole: whole[:-2]),
    "JPEG with a thumbnail, cut in half": ("images/hero.jpg", lambda whole: _half(_with_thumbnail(whole))),
    "PNG cut in half": ("images/hero.png", lambda whole: _half(_png_of(whole))),
    "PNG without its end chunk": ("images/hero.png", lambda whole: _png_of(whole)[:-12]),
    "zero bytes": ("images/hero.jpg", lambda whole: b""),
}


def _png_of(jpeg: bytes) -> bytes:
    with Image.open(io.BytesIO(jpeg)) as image:
        return _saved(image, "PNG")


@pytest.mark.parametrize("case", sorted(CUTS))
def test_a_file_cut_short_is_refused_by_validate_at_its_line(tmp_path, case):
    name, cut = CUTS[case]
    villages = _village(tmp_path, TEXT.replace("hero: images/hero.jpg", f"hero: {name}"))
    (villages / "test-village" / name).write_bytes(cut(_photo_jpeg(tmp_path)))
    problems = _problems(villages)
    words = "this file is not a JPEG, PNG or WebP image" if case == "zero bytes" else CUT_SHORT
    assert len(problems) == 1 and problems[0].startswith(f"{FILE}:16: brand.hero: '{name}': {words}"), problems


@pytest.mark.parametrize(
    "whole",
    [
        lambda data: data + b"\x00\x00\x00\x18ftypmp42" + bytes(4000),  # a motion photo: its video after the end
        _with_thumbnail,
        lambda data: _saved(Image.open(io.BytesIO(data)), "JPEG", progressive=True, quality=85),
    ],
    ids=["data after the end", "a thumbnail", "progressive"],
)
def test_a_whole_jpeg_passes_whatever_it_holds(tmp_path, whole):
    villages = _village(tmp_path, TEXT)
    (villages / "test-village" / "images" / "hero.jpg").write_bytes(whole(_photo_jpeg(tmp_path)))
    assert load_catalog(villages).villages
    assert render_variants(whole(_photo_jpeg(tmp_path)), "hero.jpg", LIMIT)


def test_validate_names_a_png_cut_short_without_a_traceback(tmp_path):
    project = make_project(tmp_path)
    village = project / "villages" / "test-village"
    shutil.copytree(BASE, village)
    (village / "images" / "hero.png").write_bytes(_half(_png_of(_photo_jpeg(tmp_path))))
    (village / "village.yml").write_text(TEXT.replace("hero: images/hero.jpg", "hero: images/hero.png"), "utf-8")
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    # The sample site is Chinese: so is what the command says.
    assert f"{FILE}:16: brand.hero: 'images/hero.png': 照片不完整或已损坏" in result.stderr


def test_a_photo_cut_after_validation_is_named_by_the_build_not_a_traceback(tmp_path):
    root = tmp_path / "villages"
    shutil.copytree(BASE, root / "test-village")
    hero = root / "test-village" / "images" / "hero.jpg"
    photo(hero, (1600, 900), 4)
    catalog = load_catalog(root, language="zh")
    whole = hero.read_bytes()
    hero.write_bytes(_half(whole))  # cut after it was read, as a sync tool would
    with pytest.raises(PhotoProblem, match=re.escape(CUT_SHORT)):
        render_variants(hero.read_bytes(), "villages/test-village/images/hero.jpg", LIMIT)
    with pytest.raises(ProfileErrors) as raised:
        build_kit(
            catalog,
            Caches(tmp_path / "cache"),
            timeline=build_timeline(catalog.villages, NOW, timedelta(weeks=4), timedelta(weeks=8)),
            site_palette=SITE,
            site_name="乡村好物",
            workers=1,
        )
    assert [(p.file, p.message) for p in raised.value.problems] == [
        ("villages/test-village/images/hero.jpg", CUT_SHORT)
    ]


# --- what the font cannot draw ------------------------------------------------------------------

HOSTILE_TEXT = "\u202e\U0001f375\ufe0f\u200d\U0001f468\u200d\U0001f33e\U0001f1e8\U0001f1f3\ue000\u2066"
"""A bidi override, an emoji with its variation selector, a ZWJ sequence (farmer), a flag, a
private-use character and a bidi isolate: none of them is drawn."""


def _mixed(text: str) -> str:
    """`text` with HOSTILE_TEXT in the middle of it and around it."""
    middle = len(text) // 2
    return f"{HOSTILE_TEXT}{text[:middle]}{HOSTILE_TEXT}{text[middle:]}\U0001f600"


def test_emoji_and_bidi_controls_are_left_out_of_cards_and_posters():
    brand = _brand("earth")
    product = ProductSpec(brand, "安吉白茶·明前 Anji", "¥268", "250 g", "黄杜村", ("有机",), None)
    hostile = replace(product, name=_mixed(product.name), unit=_mixed(product.unit), village=_mixed(product.village))
    assert product_card(hostile) == product_card(product)
    share = ShareSpec(brand, "浙江省", "黄杜村 Huangdu", "一片叶子", "乡村好物", None)
    assert share_card(replace(share, title=_mixed(share.title), subtitle=_mixed(share.subtitle))) == share_card(share)
    spec = _poster_spec("https://live.example.com/1")
    hostile_poster = replace(
        spec,
        title=_mixed(spec.title),
        hosts=_mixed(spec.hosts),
        products=tuple((_mixed(name), photo) for name, photo in spec.products),
    )
    assert poster(hostile_poster) == poster(spec)


def test_a_name_of_emoji_only_draws_nothing_and_breaks_nothing():
    spec = _poster_spec("https://live.example.com/1")
    only_emoji = replace(spec, title="🍵🍵", products=(("🍵", None), ("雨前", None)))
    assert poster(only_emoji)
    assert product_card(ProductSpec(_brand("ink"), "\U0001f375", "¥1", "\U0001f4e6", "🏡", (), None))


def test_every_character_set_in_an_image_has_a_glyph():
    fitted = fonts.fit(_mixed("冬日茶室·安吉白茶品鉴会 tea"), 600, 3, 92, 52)
    drawn = "".join(fitted.lines)
    assert fonts.missing_glyphs(drawn) == [] and not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", drawn)
    assert drawn.replace(" ", "") == "冬日茶室·安吉白茶品鉴会tea"
