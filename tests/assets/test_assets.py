"""The image recipes, one by one, with real Pillow: fonts and line breaking, responsive photos,
refused files, marks, QR codes, and golden images of the generated marks and cards.

Golden images live in tests/fixtures/golden/ (small: downscaled); regenerate them after an
intended change with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_assets.py`.
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image, ImageCms

from generator.assets import fonts
from generator.assets.cards import BrandSpec, ProductSpec, ShareSpec, product_card, share_card
from generator.assets.marks import MarkSpec, draw_mark, seal_text
from generator.assets.posters import PosterSpec, poster, qr_image, qr_matrix
from generator.assets.responsive import render_variants
from generator.layouts import layout
from generator.profile.model import pick
from generator.profile.photos import PhotoProblem, open_photo
from generator.profile.read import load_catalog
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "fixtures" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
STYLES = ("ink", "folk", "modern", "earth")


def jpeg(size=(400, 300), **save) -> bytes:
    image = Image.new("RGB", size, (200, 40, 30))
    image.paste((30, 40, 200), (0, 0, size[0] // 4, size[1] // 4))  # a blue corner shows orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


# --- Chinese text ---------------------------------------------------------------------------------


def sample_texts() -> str:
    """Every text of the samples that a card, poster or mark draws."""
    catalog = load_catalog(REPO / "villages", language="zh")
    texts = [
        "乡村好物 Village Storefront",
        "直播预告 扫码进入直播间 主播： 时间（UTC+08:00）每周每天每月重复 周一二三四五六日 年月日 ¥·、",
        "地理标志 有机 绿色食品 非遗 认证 抖音 快手 淘宝直播 微信视频号 小红书 哔哩哔哩 个村庄的品牌与好物",
        "0123456789–…",
    ]
    for village in catalog.villages:
        p = village.profile
        texts += [*p.name.values(), *p.slogan.values(), p.region.province, p.region.city or "", p.region.county]
        for product in p.products:
            texts += [*product.name.values(), product.price.unit or "", product.price.currency]
        for person in p.team:
            texts.append(pick(person.name, "zh"))
        if p.live:
            texts += [c.handle or "" for c in p.live.channels] + [c.url for c in p.live.channels]
            texts += [t for s in p.live.sessions for t in s.title.values()]
    return "".join(texts)


def test_the_cjk_font_is_installed_by_a_package_and_has_every_sample_glyph():
    found = fonts.cjk_font()
    assert found.path.exists(), found
    assert fonts.font(40).getname()[0].startswith("Noto Sans CJK")
    assert fonts.missing_glyphs(sample_texts()) == []
    assert fonts.missing_glyphs("黄杜村 \U0001f600") == ["\U0001f600"]  # the check does find a missing glyph


def test_chinese_wraps_between_characters_and_keeps_punctuation_rules():
    face = fonts.font(40)
    text = "一片叶子富了一方百姓，（明前）茶园里的春天来得早。"
    lines = fonts.wrap(text, face, 300)
    assert len(lines) > 1 and "".join(lines) == text
    assert all(face.getlength(line) <= 300 for line in lines)
    assert not any(line[0] in "，。）" for line in lines[1:]), lines  # no closing mark starts a line
    assert not any(line[-1] in "（" for line in lines), lines  # no opening mark ends one


def test_mixed_text_keeps_latin_words_whole_and_long_names_never_overflow():
    face = fonts.font(36)
    lines = fonts.wrap("安吉白茶 Anji white tea, pre-Qingming 明前特级", face, 260)
    assert all(face.getlength(line) <= 260 for line in lines)
    words = " ".join(lines).split()
    assert "pre-Qingming" in words and "white" in words
    long = "婺源篁岭晒秋人家手工制作传统古法晒制特级皇菊花茶礼盒装" * 3
    fitted = fonts.fit(long, 400, 2, 72, 32)
    assert fitted.size < 72  # shrunk first
    assert len(fitted.lines) == 2 and fitted.lines[-1].endswith("…")  # then cut, visibly
    assert all(fitted.font.getlength(line) <= 400 for line in fitted.lines)
    short = fonts.fit("黄杜村", 400, 2, 72, 32)
    assert short.size == 72 and short.lines == ("黄杜村",)


def test_a_huge_text_is_measured_only_as_far_as_the_lines_it_can_fill():
    face = fonts.font(36)
    huge = "安吉白茶 Anji white tea,\n明前特级一片叶子富了一方百姓" * 2000  # a pasted-in essay, 60,000 characters
    assert fonts.wrap(huge, face, 400, limit=3) == fonts.wrap(huge[:400], face, 400)[:4]
    fitted = fonts.fit(huge, 400, 3, 72, 32)
    assert len(fitted.lines) == 3 and fitted.lines[-1].endswith("…")


def test_a_two_line_title_is_balanced():
    fitted = fonts.fit("冬日茶室·安吉白茶品鉴会", 600, 3, 92, 52)
    assert len(fitted.lines) == 2 and min(len(line) for line in fitted.lines) >= 4, fitted.lines


# --- responsive photos ------------------------------------------------------------------------------


def test_variants_at_every_width_in_webp_never_upscaled():
    # WebP only (#19): every browser buyers use reads it; a JPEG beside each width doubled the bytes.
    variants = render_variants(jpeg((2000, 1500)), "villages/x/images/a.jpg", 50_000_000)
    assert {(v.width, v.height, v.format) for v in variants} == {(w, w * 3 // 4, "webp") for w in (320, 640, 1280)}
    for v in variants:
        with Image.open(io.BytesIO(v.data)) as image:
            assert image.format == "WEBP"
            assert image.size == (v.width, v.height)
    small = render_variants(jpeg((500, 250)), "a.jpg", 50_000_000)
    assert sorted({v.width for v in small}) == [320, 500]
    tiny = render_variants(jpeg((200, 100)), "a.jpg", 50_000_000)
    assert {(v.width, v.height) for v in tiny} == {(200, 100)}


def test_exif_orientation_is_applied_and_no_metadata_survives():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90 degrees clockwise to view
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (30.0, 37.0, 12.0), 3: "E", 4: (119.0, 40.0, 48.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = jpeg((800, 600), exif=exif, icc_profile=icc, comment=b"home of the Li family, 30.62N 119.68E")
    with Image.open(io.BytesIO(source)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS
    for v in render_variants(source, "a.jpg", 50_000_000):
        assert v.height > v.width  # upright: 600x800
        with Image.open(io.BytesIO(v.data)) as image:
            assert not image.getexif(), v
            assert not {"exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp"} & set(image.info), image.info
            if v.width == 320:
                top_right = image.convert("RGB").getpixel((image.width - 5, 5))
                assert top_right[2] > 150 and top_right[0] < 100  # the blue corner turned with the photo
        assert b"PhoneCo" not in v.data and b"Li family" not in v.data


def test_a_transparent_png_keeps_its_transparency():
    logo = Image.new("RGBA", (700, 700), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (100, 100, 600, 600))
    out = io.BytesIO()
    logo.save(out, "PNG")
    variants = render_variants(out.getvalue(), "logo.png", 50_000_000)
    assert {v.format for v in variants} == {"webp"}
    for v in variants:
        with Image.open(io.BytesIO(v.data)) as image:
            assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0  # the corner is still transparent


@pytest.mark.parametrize("case", ["not an image", "wrong format", "cut short", "too many pixels", "bomb"])
def test_bad_images_are_refused_naming_the_file(case):
    name = "villages/li-jia/images/tea.jpg"
    png = io.BytesIO()
    Image.new("RGB", (64, 64)).save(png, "PNG")
    data, limit = {
        "not an image": (b"<html>not a photo</html>", 50_000_000),
        "wrong format": (png.getvalue(), 50_000_000),
        "cut short": (jpeg((800, 600))[:600], 50_000_000),
        "too many pixels": (jpeg((400, 300)), 100_000),
        "bomb": (_bomb(), 50_000_000),
    }[case]
    with pytest.raises(PhotoProblem) as raised:
        render_variants(data, name, limit)
    message = str(raised.value)
    assert message.startswith(name + ":")
    expected = {
        "not an image": "not a JPEG, PNG or WebP",
        "wrong format": "a PNG image but its name says JPEG",
        "cut short": "not a readable",
        "too many pixels": "more than the 100,000 allowed",
        "bomb": "pixels",
    }[case]
    assert expected in message, message


@cache
def _bomb() -> bytes:
    """A 20,000 x 20,000 PNG of one colour: a few kilobytes that would unpack to 400 MP."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")
    data = out.getvalue()
    assert len(data) < 200_000
    return data


def test_a_bomb_is_refused_before_it_is_decoded():
    with pytest.raises(PhotoProblem, match=r"more than the|decompression bomb"):
        open_photo(_bomb(), "villages/x/images/bomb.png")


# --- marks ----------------------------------------------------------------------------------------


def test_seal_text_follows_the_carvers_rules():
    assert seal_text("黄杜村", "ink") == ["黄", "杜"]
    assert seal_text("阿者科村", "folk") == ["阿", "者", "科", "印"]  # three become four with 印
    assert seal_text("洛川阿寺村", "modern") == ["洛", "川"]
    assert seal_text("Minle Village", "earth") == ["M", "V"]


def test_marks_differ_between_villages_even_of_one_name_and_style():
    catalog = load_catalog(REPO / "villages", language="zh")
    seen = {}
    for village in catalog.villages:
        style = village.profile.brand.style or "ink"
        mark = draw_mark(
            MarkSpec(pick(village.profile.name, "zh"), village.slug, style, "#3F7D4E", "#FFFFFF", "#E8D27A")
        )
        assert mark.size == (512, 512) and mark.mode == "RGBA"
        seen[mark.tobytes()] = village.slug
    assert len(seen) == len(catalog.villages)
    for style in STYLES:
        a = draw_mark(MarkSpec("黄杜村", "huangdu", style, "#3F7D4E", "#FFFFFF", "#E8D27A"))
        b = draw_mark(MarkSpec("黄杜村", "huangdu-2", style, "#3F7D4E", "#FFFFFF", "#E8D27A"))
        assert a.tobytes() != b.tobytes(), style


# --- QR code --------------------------------------------------------------------------------------


def test_qr_code_drawn_module_by_module_matches_segnos_matrix():
    url = "https://live.example.com/douyin/huangdu-white-tea"
    matrix = qr_matrix(url)
    border = 4
    image = qr_image(url, 420, border).convert("L")
    scale = image.width // (len(matrix) + 2 * border)
    assert image.width == (len(matrix) + 2 * border) * scale
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            centre = ((x + border) * scale + scale // 2, (y + border) * scale + scale // 2)
            assert (image.getpixel(centre) < 128) == dark


def test_the_poster_qr_code_scans_to_the_channel_url():
    zxingcpp = pytest.importorskip("zxingcpp")
    url = "https://live.example.com/wechat-channels/huangdu-white-tea?from=poster"
    with Image.open(io.BytesIO(poster(_poster_spec(url)))) as image:
        assert image.size == (1080, 1920)
        left, top, right, bottom = layout("poster")["card"]
        results = zxingcpp.read_barcodes(image.crop((left, top, right, bottom)).convert("RGB"))
    assert [r.text for r in results] == [url]


# --- golden images --------------------------------------------------------------------------------


def _brand(style: str, seed: str = "golden") -> BrandSpec:
    colours = {"primary": "#2F6B3A", "on_primary": "#FFFFFF", "accent": "#E8C547", "on_accent": "#1B1B1B"}
    return BrandSpec(
        **colours, style=style, seed=seed, mark=MarkSpec("黄杜村", seed, style, "#2F6B3A", "#FFFFFF", "#E8C547")
    )


def _poster_spec(url: str) -> PosterSpec:
    return PosterSpec(
        _brand("ink"),
        "黄杜村",
        "浙江省 湖州市 安吉县",
        "直播预告",
        "冬日茶室·安吉白茶品鉴",
        "2026年12月4日 周五 19:30–21:30",
        "Asia/Shanghai 时间（UTC+08:00） · 每周重复",
        "主播：盛晓雯",
        (("安吉白茶·明前", None), ("雨前口粮茶", None)),
        url,
        "扫码进入直播间",
        f"抖音 @黄杜白茶\n{url}",
        "乡村好物 Village Storefront",
    )


def _golden_images() -> dict[str, Image.Image]:
    images = {f"mark-{s}": draw_mark(_brand(s).mark).resize((96, 96), Image.Resampling.LANCZOS) for s in STYLES}
    share = share_card(
        ShareSpec(
            _brand("folk"),
            "浙江省 湖州市 安吉县",
            "黄杜村 Huangdu Village",
            "一片叶子富了一方百姓 One leaf that lifted a village",
            "乡村好物",
            None,
        )
    )
    product = product_card(
        ProductSpec(
            _brand("earth"), "安吉白茶·明前特级 Anji white tea", "¥268", "250 g", "黄杜村", ("地理标志", "有机"), None
        )
    )
    for name, data, size in (
        ("share", share, (400, 210)),
        ("product", product, (270, 270)),
        ("poster", poster(_poster_spec("https://live.example.com/1")), (270, 480)),
    ):
        with Image.open(io.BytesIO(data)) as image:
            images[name] = image.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    return images


def test_generated_marks_and_cards_match_the_golden_images():
    GOLDEN.mkdir(parents=True, exist_ok=True)
    written = []
    for name, image in _golden_images().items():
        path = GOLDEN / f"{name}.png"
        if UPDATE or not path.exists():
            image.save(path, optimize=True)
            written.append(path.name)
            continue
        with Image.open(path) as golden:
            expected = np.asarray(golden.convert(image.mode), dtype=np.int16)
        actual = np.asarray(image, dtype=np.int16)
        assert actual.shape == expected.shape, name
        diff = np.abs(actual - expected)
        # A small tolerance: another FreeType or libjpeg may place an edge a shade differently.
        assert diff.mean() < 2.0 and (diff > 48).mean() < 0.005, (name, diff.mean(), (diff > 48).mean())
    if written and not UPDATE:
        pytest.fail(f"golden images {written} were missing and have been written: look at them, then commit them")


def test_same_inputs_give_the_same_bytes():
    spec = _poster_spec("https://live.example.com/1")
    assert poster(spec) == poster(spec)
    share = ShareSpec(_brand("modern"), "k", "黄杜村", "s", "f", None)
    assert share_card(share) == share_card(share)


def test_golden_files_stay_few_and_small():
    files = list(Path(GOLDEN).glob("*.png"))
    assert len(files) <= 10 and sum(f.stat().st_size for f in files) < 600_000
