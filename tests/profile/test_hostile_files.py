"""Files as cooperatives really produce them, and paths that try to leave the village folder.

test_bad_input.py already covers `../hero.jpg`, `/etc/hero.jpg`, a linked photo file that leads
outside, GBK, UTF-16, BOM with CRLF and alias bombs; test_cli_errors.py a photo name with a space
and a comma and an 8000x7000 photo at the default limit. These are the rest: each either works
(and then the site has the file at the URL the page names) or is refused at its line with advice.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

import pillow_heif
import pytest
from jsonschema import Draft202012Validator
from PIL import Image

from generator.assets.responsive import render_variants
from generator.profile.read import load_catalog
from generator.profile.yamlfile import parse
from tests.conftest import REPO, make_project, run_storefront
from tests.profile.test_bad_input import _problems, _village
from tests.reading import Page

BASE = REPO / "tests" / "fixtures" / "base"
FILE = "villages/test-village/village.yml"
TEXT = (BASE / "village.yml").read_text(encoding="utf-8")


def _villages(tmp_path: Path, text: str | bytes = TEXT) -> Path:
    return _village(tmp_path, text)


def _heic(size=(1600, 900), orientation: int = 1) -> bytes:
    """A HEIC as an iPhone writes it: HEVC in a HEIF box, with EXIF (orientation, GPS)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (30.0, 37.0, 12.0)}  # GPS: a farmer's home must not be published
    image = Image.new("RGB", size, (170, 60, 40))
    image.paste((40, 120, 60), (0, 0, size[0] // 2, size[1] // 4))
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, quality=60, exif=exif.tobytes())
    return out.getvalue()


# --- paths that leave the folder or cannot be a photo --------------------------------------------


def _link_loop(village: Path, outside: Path) -> None:
    (village / "images" / "a.jpg").symlink_to("b.jpg")
    (village / "images" / "b.jpg").symlink_to("a.jpg")


def _folder_link_out(village: Path, outside: Path) -> None:
    outside.mkdir()
    shutil.copy(BASE / "images" / "hero.jpg", outside / "x.jpg")
    (village / "images" / "elsewhere").symlink_to(outside, target_is_directory=True)


def _images_folder_is_a_link(village: Path, outside: Path) -> None:
    shutil.move(village / "images", outside)
    (village / "images").symlink_to(outside, target_is_directory=True)


def _link_to_device(village: Path, outside: Path) -> None:
    (village / "images" / "zero.jpg").symlink_to("/dev/zero")


def _named_pipe(village: Path, outside: Path) -> None:
    os.mkfifo(village / "images" / "pipe.jpg")  # reading it would wait forever


def _folder_named_like_a_photo(village: Path, outside: Path) -> None:
    (village / "images" / "dir.jpg").mkdir()


PATHS = [
    ("dots in the middle", '"images/../../secret.jpg"', None, "leads outside the village folder"),
    (
        "web address",
        '"https://example.com/tea.jpg"',
        None,
        "is a web address; save the photo into the village's images/",
    ),
    ("file address", '"file:///etc/tea.jpg"', None, "is a web address"),
    ("network share", '"//server/share/tea.jpg"', None, "is an absolute path"),
    ("drive letter", '"D:/photos/tea.jpg"', None, "is an absolute path"),
    ("home folder", '"~/tea.jpg"', None, "is an absolute path"),
    ("name too long", '"images/' + "茶" * 90 + '.jpg"', None, "too long for a file system"),
    ("folder too deep", '"' + "a/" * 40 + 'tea.jpg"', None, "too long for a file system"),
    ("link loop", "images/a.jpg", _link_loop, "cannot be read (a link that leads back to itself)"),
    (
        "folder link out",
        "images/elsewhere/x.jpg",
        _folder_link_out,
        "leads outside the village folder (through a link)",
    ),
    (
        "images folder is a link",
        "images/hero.jpg",
        _images_folder_is_a_link,
        "leads outside the village folder (through a link)",
    ),
    ("link to a device", "images/zero.jpg", _link_to_device, "leads outside the village folder"),
    ("named pipe", "images/pipe.jpg", _named_pipe, "is a folder or a special file, not a photo"),
    ("folder named .jpg", "images/dir.jpg", _folder_named_like_a_photo, "is a folder or a special file, not a photo"),
]


@pytest.mark.parametrize(("hero", "setup", "words"), [c[1:] for c in PATHS], ids=[c[0] for c in PATHS])
def test_photo_paths_that_cannot_be_used_are_refused_at_their_line(tmp_path, hero, setup, words):
    villages = _villages(tmp_path, TEXT.replace("hero: images/hero.jpg", f"hero: {hero}"))
    if setup:
        setup(villages / "test-village", tmp_path / "outside")
    problems = _problems(villages)
    assert any(p.startswith(f"{FILE}:16: brand.hero: ") and words in p for p in problems), problems


@pytest.mark.parametrize(
    "spelling",
    ['"./images/hero.jpg"', '"images//hero.jpg"', '" images/hero.jpg "', "images/./hero.jpg", '"images/he\\0ro.jpg"'],
)  # an escaped NUL is dropped
def test_one_photo_has_one_spelling(tmp_path, spelling):
    villages = _villages(tmp_path, TEXT.replace("hero: images/hero.jpg", f"hero: {spelling}"))
    assert load_catalog(villages).villages[0].profile.brand.hero == "images/hero.jpg"


def test_a_link_that_stays_inside_the_folder_works(tmp_path):
    villages = _villages(tmp_path, TEXT.replace("hero: images/hero.jpg", "hero: images/same.jpg"))
    (villages / "test-village" / "images" / "same.jpg").symlink_to("hero.jpg")
    assert load_catalog(villages).villages[0].profile.brand.hero == "images/same.jpg"


# --- names that differ only in case, or that the site would publish as one file ----------------


def _two_photos(tmp_path, first: str, second: str, same_bytes: bool = False) -> Path:
    villages = _villages(
        tmp_path,
        TEXT.replace("hero: images/hero.jpg", f"hero: images/{first}").replace(
            "images: [images/tea.jpg]", f"images: [images/{second}]"
        ),
    )
    images = villages / "test-village" / "images"
    Image.new("RGB", (800, 600), (200, 40, 40)).save(images / first, "JPEG")
    if same_bytes:
        (images / second).unlink(missing_ok=True)
        shutil.copy(images / first, images / second)
    else:
        Image.new("RGB", (800, 600), (40, 40, 200)).save(images / second, "JPEG")
    return villages


@pytest.mark.parametrize(
    ("first", "second", "published"),
    [
        ("Tea.jpg", "tea.jpg", "'tea-320.webp' (Windows and macOS do not tell upper from lower case)"),
        ("tea.JPG", "tea.jpg", "(Windows and macOS do not tell upper from lower case)"),
        ("a.jpeg", "a-jpeg.jpg", "'a-jpeg-320.webp', and one photo would replace the other"),
    ],
)
def test_photos_that_would_be_published_as_one_file_are_refused(tmp_path, first, second, published):
    # The decision: refuse, naming both, rather than rename silently; a folder with Tea.jpg and
    # tea.jpg cannot even be copied to Windows or macOS intact.
    problems = _problems(_two_photos(tmp_path, first, second))
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"{FILE}:24: products[0].images[0]: 'images/{second}' and 'images/{first}' would be published as one file, "
    ), problems
    assert published in problems[0] and problems[0].endswith("rename one"), problems


def test_the_same_photo_under_two_spellings_is_no_clash(tmp_path):
    catalog = load_catalog(_two_photos(tmp_path, "Tea.jpg", "tea.jpg", same_bytes=True))
    assert catalog.villages[0].profile.products[0].images == ["images/tea.jpg"]


@pytest.mark.parametrize(("first", "second"), [("tea-1.jpg", "tea-2.jpg"), ("tea-640.jpg", "tea.jpg")])
def test_similar_names_that_publish_apart_are_fine(tmp_path, first, second):
    # tea-640.jpg publishes tea-640-320.webp and so on: its own name, which tea.jpg's 640-pixel
    # copy would meet, is not published (#19).
    assert load_catalog(_two_photos(tmp_path, first, second)).villages


# --- encodings, line ends and typing habits ----------------------------------------------------


def test_crlf_and_bom_keep_line_numbers_right(tmp_path):
    text = TEXT.replace("kind: festival", "kind: festivl").replace("role: anchor", "role: host")
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    problems = _problems(_villages(tmp_path, raw))
    assert [p.split(": ", 2)[:2] for p in problems] == [
        [f"{FILE}:12", "culture[0].kind"],
        [f"{FILE}:30", "team[0].role"],
    ]


def test_old_mac_line_ends_load_and_count(tmp_path):
    raw = TEXT.replace("kind: festival", "kind: festivl").replace("\n", "\r").encode("utf-8")
    assert _problems(_villages(tmp_path, raw))[0].startswith(f"{FILE}:12: culture[0].kind: ")


def test_line_and_paragraph_separators_pasted_from_a_phone_are_spaces(tmp_path):
    # YAML 1.1 reads U+2028, U+2029 and U+0085 as line breaks, which editors do not show: the lines
    # after one would be misnumbered, and a `story: |` block would end in the middle of a line.
    text = TEXT.replace("slogan: 一句口号", "slogan: 一句\u2028口号").replace("  一个故事。", "  一个\u2029故事\x85。")
    profile = load_catalog(_villages(tmp_path, text)).villages[0].profile
    assert profile.story == "一个 故事 。" and profile.slogan == {"zh": "一句 口号"}
    problems = _problems(_villages(tmp_path / "2", text.replace("kind: festival", "kind: festivl")))
    assert problems[0].startswith(f"{FILE}:12: culture[0].kind: ")


def test_a_control_character_is_named_at_its_line(tmp_path):
    problems = _problems(_villages(tmp_path, TEXT.replace("county: 安吉县", "county: 安吉\x1b县")))
    assert problems == [
        (
            f"{FILE}:5: this line holds an invisible control character (U+001B) that YAML does not allow; "
            "delete it, or type the text again"
        )
    ]


def test_gb18030_file_through_the_command_line(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    text = TEXT.replace("slogan: 一句口号", "slogan: 一句口号𠀀")  # 𠀀 needs GB18030's four-byte form
    (project / "villages" / "test-village" / "village.yml").write_bytes(text.encode("gb18030"))
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert f"{FILE}:2: 文件不是 UTF-8 编码（看起来是老的中文 Windows 编辑器保存的 GBK/GB18030" in result.stderr
    assert "另存为 UTF-8" in result.stderr


def test_full_width_punctuation_in_text_is_kept_as_written(tmp_path):
    slogan = "一句口号：好茶！（春）「明前」，１００％手工"
    catalog = load_catalog(_villages(tmp_path, TEXT.replace("slogan: 一句口号", f"slogan: {slogan}")))
    assert catalog.villages[0].profile.slogan == {"zh": slogan}


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("９８", "98"),
        ('"９８.５"', "98.5"),
        ("９８．５", "98.5"),
        ('"９８．５０"', "98.50"),
        ("１２００", "1200"),
    ],
)
def test_full_width_digits_in_a_price_are_the_number(tmp_path, amount, expected):
    text = TEXT.replace("amount: 268", f"amount: {amount}").replace("season: [3, 4]", "season: [３, １２]")
    product = load_catalog(_villages(tmp_path, text)).villages[0].profile.products[0]
    assert str(product.price.amount) == expected and product.season == [3, 12]
    schema = json.loads((REPO / "villages" / "village.schema.json").read_text(encoding="utf-8"))
    data = parse(text).data
    assert not [e.message for e in Draft202012Validator(schema).iter_errors(data)], "the editor accepts it too"


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        (
            "amount: 268",
            "amount: ２６８元",
            "products[0].price.amount",
            "write the number only, like 268; the currency goes in",
        ),
        ("amount: 268", 'amount: "￥268"', "products[0].price.amount", "write the number only"),
        ("amount: 268", 'amount: "1,200"', "products[0].price.amount", "without a comma, like 1200"),
        ("amount: 268", "amount: 1,200", "products[0].price.200", "a comma inside {...} starts a new entry"),
        (
            "price: {amount: 268, currency: CNY, unit: 250 g}",
            "price: ９８",
            "products[0].price",
            "like price: {amount: 98, currency: CNY, unit: 250 g}",
        ),
    ],
)
def test_prices_written_as_people_write_them_get_advice(tmp_path, old, new, field, words):
    problems = _problems(_villages(tmp_path, TEXT.replace(old, new)))
    assert any(p.startswith(f"{FILE}:22: {field}: ") and words in p for p in problems), problems


# --- phone photos: HEIC ------------------------------------------------------------------------


def test_a_heic_photo_goes_through_the_responsive_pipeline_upright_and_bare():
    variants = render_variants(_heic(orientation=6), "villages/x/images/IMG_0001.HEIC", 50_000_000)
    # Stored 1600x900 and turned a quarter by its EXIF: shown 900 wide, never upscaled to 1280.
    assert sorted({(v.width, v.height) for v in variants}) == [(320, 569), (640, 1138), (900, 1600)]
    assert {v.format for v in variants} == {"webp"}  # which every browser reads; a HEIC only Safari
    for variant in variants:
        with Image.open(io.BytesIO(variant.data)) as image:
            assert not image.getexif() and "exif" not in image.info  # no GPS, no orientation left
            assert image.getpixel((image.width - 5, 5))[1] > 100  # the green corner, turned to the top right


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "images/IMG.heic",
            (BASE / "images" / "hero.jpg").read_bytes(),
            "the file is a JPEG image but its name says HEIF",
        ),
        ("images/IMG.jpg", None, "the file is a HEIF image but its name says JPEG"),
        ("images/cut.heic", "cut", "not a JPEG, PNG or WebP image (nor a phone's HEIC); export the photo again"),
    ],
)
def test_heic_problems_name_the_file(tmp_path, name, data, words):
    heic = _heic()
    data = heic if data is None else heic[: len(heic) // 3] if data == "cut" else data
    villages = _villages(tmp_path, TEXT.replace("hero: images/hero.jpg", f"hero: {name}"))
    (villages / "test-village" / name).write_bytes(data)
    problems = _problems(villages)
    assert any(p.startswith(f"{FILE}:16: brand.hero: '{name}': ") and words in p for p in problems), problems


# --- one real build: odd names, a HEIC, typed prices, Windows line ends ------------------------

HERO = "images/春天 茶园/头图 #1 (50%).jpg"
# Escapes YAML allows in quoted text, as a converter script writes them: a bell, NUL, an ANSI
# colour code, a noncharacter and a lone surrogate (which no UTF-8 file can hold).
ESCAPED = "开采\\a\\0\\e[31m\\uFFFE\\ud800直播"
PRODUCT = "images/茶 & co's+1,2.jpg"


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("odd"))
    village = project / "villages" / "test-village"
    shutil.copytree(BASE, village)
    (village / HERO).parent.mkdir(parents=True)
    shutil.move(village / "images" / "hero.jpg", village / HERO)
    Image.new("RGB", (900, 600), (60, 110, 70)).save(village / PRODUCT, "JPEG")
    (village / "images" / "IMG_0001.HEIC").write_bytes(_heic(orientation=6))
    text = (
        TEXT.replace("hero: images/hero.jpg", f'hero: "{HERO}"')
        .replace("images: [images/tea.jpg]", f'images: ["{PRODUCT}", images/IMG_0001.HEIC]')
        .replace("amount: 268", "amount: ９８．５")
        .replace("description: 节日。", "description: 节日。\n    image: images/IMG_0001.HEIC")
        .replace("title: 开采直播", f'title: "{ESCAPED}"')
    )
    (village / "village.yml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def _photo_urls(page_file: Path, site: Path) -> list[tuple[str, Path]]:
    """Every photo URL the page names (src, srcset, href, og:image), with the file it leads to."""
    page = Page(page_file.read_text(encoding="utf-8"))
    base = "/" + page_file.parent.relative_to(site).as_posix() + "/"
    found = []
    for _tag, key, value in page.attributes:
        if key not in ("src", "srcset", "href", "content") or "/images/" not in "/" + value:
            continue
        for url in [part.strip().split(" ")[0] for part in value.split(",")] if key == "srcset" else [value]:
            parts = urlsplit(urljoin(base, url))
            assert not parts.fragment and not parts.query, f"{url}: a character of the file name was not escaped"
            found.append((url, site / unquote(parts.path).lstrip("/")))
    return found


def test_odd_file_names_are_published_at_the_urls_the_pages_name(odd_site):
    folder = odd_site / "villages" / "test-village"
    assert not (folder / HERO).exists() and not (folder / PRODUCT).exists()  # their widths only (#19)
    for page, photo in ((folder / "index.html", HERO), (folder / "products" / "white-tea" / "index.html", PRODUCT)):
        urls = _photo_urls(page, odd_site)
        variant = (folder / photo).with_suffix("")  # its widths: `头图 #1 (50%)-64.webp` and the like
        assert any(t.parent == variant.parent and t.name.startswith(variant.name + "-") for _, t in urls), urls
        for url, target in urls:
            assert target.is_file(), f"{page}: {url} leads to no file"


def test_a_heic_is_published_as_webp_at_its_widths(odd_site):
    folder = odd_site / "villages" / "test-village" / "images"
    with Image.open(folder / "IMG_0001-heic-900.webp") as largest:
        assert largest.format == "WEBP" and largest.size == (900, 1600) and not largest.getexif()
    assert sorted(p.name for p in folder.glob("IMG_0001*")) == [f"IMG_0001-heic-{w}.webp" for w in (320, 640, 900)]
    page = (odd_site / "villages" / "test-village" / "products" / "white-tea" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "IMG_0001-heic-640.webp" in page and ".HEIC" not in page


def test_escaped_control_characters_never_reach_pages_feeds_or_calendars(odd_site):
    feeds = list(odd_site.rglob("*.xml"))
    assert len(feeds) >= 3
    for feed in feeds:
        ElementTree.parse(feed)  # a control character would make the Atom feed malformed XML
    written = [*feeds, *odd_site.rglob("*.html"), *odd_site.rglob("*.ics"), *odd_site.rglob("*.json")]
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe]", text), path
    schedule = (odd_site / "villages" / "test-village" / "live" / "index.html").read_text(encoding="utf-8")
    assert "开采[31m\ufffd直播" in schedule


def test_a_full_width_price_is_shown_as_a_number(odd_site):
    page = (odd_site / "villages" / "test-village" / "products" / "white-tea" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "98.50" in page or "98.5" in page
    assert "９８" not in page


# --- huge photos: the limit of mkdocs.yml, as the build uses it --------------------------------


def test_validate_uses_the_configured_pixel_limit(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    Image.new("RGB", (400, 300)).save(project / "villages" / "test-village" / "images" / "hero.jpg")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      cache_dir: .cache/storefront\n" in text
    config.write_text(
        text.replace(
            "      cache_dir: .cache/storefront\n",
            "      cache_dir: .cache/storefront\n      max_image_pixels: 100000\n",
        ),
        encoding="utf-8",
    )
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{FILE}:16: brand.hero: 'images/hero.jpg': 照片有 400x300 像素，超过允许的 100,000" in result.stderr
